"""Opening a database for the app (one writer per database) and storage problems.

    locked = open_database_interactively(path, parent)   # LockedDatabase | None
    handle_storage_error(exc, parent, db=ctx.db)        # True when it was shown

`open_locked` takes the lock next to the database, then opens it. When another
Coordinator holds it, the user is told which (process and computer) and offered
Open read-only / Cancel, plus Open anyway when the holder is another computer (which
cannot be checked from here). A file that is not a usable database shows why. A file
or folder that cannot be written opens read-only, and `explain_read_only` says why.

`handle_storage_error` turns disk-full, read-only, lock and file-missing errors into
one clear message; for a database file deleted or moved while open it offers "Save it
again to its place" (`coordinator.db.backup.save_open_database`).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from coordinator.db import DatabaseBusy, ReadOnlyDatabase
from coordinator.db.backup import StorageError, save_open_database, storage_error
from coordinator.errors import CoordinatorError
from coordinator.lock import (
    DatabaseFileMissing,
    DatabaseInUse,
    LockedDatabase,
    LockError,
    open_locked,
    this_host,
)
from ui.kit import background

log = logging.getLogger(__name__)

OPEN_READ_ONLY = "Open read-only"
OPEN_ANYWAY = "Open anyway"
SAVE_AGAIN = "Save it again to its place"


def _choose(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
            detail: str, choices: list[str], default: str | None = None,
            cancel: str = "Cancel") -> str | None:
    """A message box with buttons named `choices` and `cancel`; the chosen name or None."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.button(QMessageBox.StandardButton.Cancel).setText(cancel)
    box.setInformativeText(detail)
    named = {}
    for choice in choices:
        named[choice] = box.addButton(choice, QMessageBox.ButtonRole.AcceptRole)
    if default in named:
        box.setDefaultButton(named[default])
    background.run_modal(box)
    clicked = box.clickedButton()
    box.deleteLater()
    return next((name for name, button in named.items() if button is clicked), None)


def _cannot_open(parent: QWidget | None, path: Path, exc: BaseException) -> None:
    QMessageBox.critical(parent, "Cannot open the database",
                         f"{path}\n\n{exc}\n\nNothing in the file was changed.")


def _open(path: Path, parent: QWidget | None, **kwargs: bool) -> LockedDatabase | None:
    try:
        return open_locked(path, **kwargs)
    except CoordinatorError as exc:  # not a database, too new, in use meanwhile, storage...
        _cannot_open(parent, path, exc)
    return None


def open_database_interactively(path: Path | str,
                                parent: QWidget | None = None) -> LockedDatabase | None:
    """Open `path` for the app, asking what to do when another Coordinator has it."""
    path = Path(path)
    try:
        return open_locked(path)
    except DatabaseInUse as exc:
        other_host = exc.host != this_host()
        where = f"computer {exc.host}" if other_host else "this computer"
        text = (f"{path.name} is already open in another Coordinator (process {exc.pid} on "
                f"{where}).")
        detail = ("You can open it read-only to look things up; changes cannot be saved "
                  "until the other Coordinator closes it.")
        choices = [OPEN_READ_ONLY]
        if other_host:
            detail += ("\n\nIf that computer no longer uses it (for example it crashed), "
                       "you can open it anyway. Two Coordinators writing at once could lose "
                       "changes.")
            choices.append(OPEN_ANYWAY)
        choice = _choose(parent, QMessageBox.Icon.Warning, "Database in use", text, detail,
                         choices, OPEN_READ_ONLY)
    except LockError as exc:  # the folder cannot be written (read-only, full...)
        choice = _choose(parent, QMessageBox.Icon.Warning, "Cannot take the lock", str(exc),
                         "You can still open it read-only.", [OPEN_READ_ONLY], OPEN_READ_ONLY)
    except CoordinatorError as exc:  # DatabaseOpenError and the like
        _cannot_open(parent, path, exc)
        return None
    if choice == OPEN_READ_ONLY:
        return _open(path, parent, read_only=True)
    if choice == OPEN_ANYWAY:
        log.info("Opening a database whose lock another computer holds, as asked")
        return _open(path, parent, force=True)
    return None


def read_only_notice(locked: LockedDatabase) -> str | None:
    """Why the open database can only be read, when its file or folder is the cause."""
    reason = getattr(locked.db, "read_only_reason", None)
    if reason is None:
        return None
    name = Path(locked.db.path).name
    return (f"{name} is read-only ({reason}), so Coordinator opened it read-only: you can "
            "look things up, search, export and print briefings, but changes cannot be "
            "saved. Its permissions were not changed.\n\nTo work in it, make the file "
            "and its folder writable (or copy it to a folder of your own) and open it "
            "again.")


def explain_read_only(locked: LockedDatabase, parent: QWidget | None = None) -> bool:
    """Tell the user why a database opened read-only; False when there is nothing to say
    (writable, or read-only because the user chose it)."""
    text = read_only_notice(locked)
    if text is None:
        return False
    QMessageBox.information(parent, "Opened read-only", text)
    return True


def _is_storage_problem(exc: BaseException) -> CoordinatorError | None:
    if isinstance(exc, StorageError | ReadOnlyDatabase | LockError | DatabaseBusy):
        return exc
    if isinstance(exc, OSError | sqlite3.Error) or type(exc).__name__ == "OperationalError":
        return storage_error(exc, "save the change")
    return None


def handle_storage_error(exc: BaseException, parent: QWidget | None = None,
                         db: object | None = None) -> bool:
    """Show a clear message for a storage problem; False if `exc` is not one.

    For `DatabaseFileMissing` with the open `db` (a `Database`), offer to save it again
    to its place; the app keeps working afterwards.
    """
    if isinstance(exc, DatabaseFileMissing):
        path = Path(getattr(db, "path", "")) if db is not None else None
        if path is None or path.exists():  # replaced by another file: only reopening helps
            QMessageBox.warning(parent, "Database file changed", str(exc))
            return True
        choice = _choose(parent, QMessageBox.Icon.Warning, "Database file missing", str(exc),
                         "Until it is saved again, changes cannot be saved.", [SAVE_AGAIN],
                         SAVE_AGAIN, cancel="Not now")
        if choice != SAVE_AGAIN:
            return True
        try:
            saved = save_open_database(db)
        except CoordinatorError as err:
            QMessageBox.warning(parent, "Database file missing",
                                f"It could not be saved again.\n\n{err}")
            return True
        QMessageBox.information(parent, "Database saved",
                                f"The database was saved again to {saved}. You can carry on "
                                "working.")
        return True
    clear = _is_storage_problem(exc)
    if clear is None:
        return False
    QMessageBox.warning(parent, "Could not save", str(clear))
    return True
