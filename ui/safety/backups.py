"""File → Back Up Now and File → Restore from Backup…, and the backup on quit.

    back_up_now(ctx, parent)            # BackupInfo, or None when it failed (message shown)
    restore_from_backup(ctx, parent)    # True when the database was replaced: reload views
    manager = start_backup_watch(ctx)   # at start: remember that something changed
    backup_on_quit(manager, parent)     # at quit: the automatic backup (at most one a day)

Backups are made by `coordinator.backups.BackupManager` with SQLite's online backup
API, verified and rotated. Restore lists this database's backups with their dates,
reasons and record counts (or takes a file, encrypted or not), asks, backs the
current database up first, then replaces its content in one transaction.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator import secrets
from coordinator.backups import BackupInfo, BackupManager, RestoreResult
from coordinator.changes import ChangeKind, ChangeSet
from coordinator.db.backup import WrongPassphrase, is_encrypted_backup
from coordinator.errors import CoordinatorError
from ui.io.common import fill_table, local_time, read_only_table
from ui.kit import background
from ui.widgets.forms import MARGIN

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

REASONS = {"auto": "Automatic (on quit)", "manual": "By hand",
           "before-restore": "Before a restore", "before-import": "Before an import",
           "before-migration": "Before an upgrade",
           "before-restore-damaged": "Before a restore (damaged copy)"}
COUNTED = ("contacts", "organizations", "proposals", "meetings")
EVERYTHING = ("contact", "organization", "consortium", "proposal", "meeting", "action_item")


def describe_counts(counts: dict[str, int] | None) -> str:
    if not counts:
        return "record counts unknown"
    return ", ".join(f"{counts.get(k, 0):,} {k}" for k in COUNTED)


def manager_for(ctx: AppContext) -> BackupManager:
    return BackupManager(ctx.db_path)


def back_up_now(ctx: AppContext, parent: QWidget | None = None) -> BackupInfo | None:
    """A verified backup into the backups folder; tells where it is (or why not)."""
    manager = manager_for(ctx)
    try:
        info: BackupInfo = background.wait_for(ctx, manager.backup_now, parent, "Backing up…")
    except CoordinatorError as exc:
        QMessageBox.warning(parent, "Back up", f"The backup could not be made.\n\n{exc}")
        return None
    ctx.status_message.emit(f"Backed up to {info.path.name}.", 8000)
    QMessageBox.information(
        parent, "Back up",
        f"The database was backed up and the copy verified:\n\n{info.path}\n\n"
        f"It holds {describe_counts(info.counts)}.")
    return info


def ask_passphrase(parent: QWidget | None, name: str, again: bool = False) -> str | None:
    prompt = (f"That passphrase did not open {name}. Try again:" if again
              else f"{name} is encrypted. Passphrase:")
    text, ok = QInputDialog.getText(parent, "Encrypted backup", prompt,
                                    QLineEdit.EchoMode.Password)
    return text if ok and text else None


class RestoreDialog(QDialog):
    restored = Signal(object)  # RestoreResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.manager = manager_for(ctx)
        self.backups: list[BackupInfo] = []
        self.result_: RestoreResult | None = None
        self.setWindowTitle("Restore from a backup")
        intro = QLabel("Choose the backup to go back to. The database as it is now is "
                       "backed up first, so a restore can itself be undone by restoring "
                       "that copy.")
        intro.setWordWrap(True)
        self.table = read_only_table(["Date", "Reason", "Contacts", "Organizations",
                                      "Proposals", "Meetings", "Note"], "Backups")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        self.folder_label = QLabel(f"Backups folder: {self.manager.backup_dir}")
        self.folder_label.setWordWrap(True)
        self.status = QLabel()
        self.status.setAccessibleName("Restore status")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.file_button = QPushButton("From a file…")
        self.restore_button = QPushButton("Restore…")
        self.restore_button.setDefault(True)
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.file_button.clicked.connect(self.restore_from_file)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(820, 440)
        self._update_buttons()

    def load(self) -> None:
        """Read the list (with record counts) in a worker."""
        self.status.setText("Reading the backups…")
        self.ctx.tasks.run(self.manager.list, on_done=self._show, key="backup-list")

    def _show(self, backups: list[BackupInfo]) -> None:
        if not background.is_alive(self):
            return
        self.backups = backups
        rows: list[list[object]] = []
        for b in backups:
            counts = b.counts or {}
            rows.append([local_time(b.created_at), REASONS.get(b.reason, b.reason),
                         *(counts.get(k, "?") for k in COUNTED),
                         b.problem or ""])
        fill_table(self.table, rows)
        self.status.setText("" if backups else "No backups of this database yet.")
        if backups:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        b = self.selected()
        self.restore_button.setEnabled(b is not None and b.problem is None)

    def restore_selected(self) -> bool:
        b = self.selected()
        if b is None:
            return False
        what = (f"the backup of {local_time(b.created_at)} "
                f"({describe_counts(b.counts)})")
        return self.restore(b.path, what)

    def restore_from_file(self) -> bool:
        name, _ = QFileDialog.getOpenFileName(
            self, "Restore from a file", str(Path.home()),
            "Coordinator backups (*.db *.enc *.sqlite);;All files (*)")
        return bool(name) and self.restore(Path(name), Path(name).name)

    def restore(self, file: Path, what: str) -> bool:
        answer = QMessageBox.question(
            self, "Restore",
            f"Replace the current database with {what}?\n\nThe database as it is now is "
            "backed up first. Changes made after this backup are not in it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        passphrase = None
        if is_encrypted_backup(file):
            passphrase = secrets.get_secret(secrets.BACKUP_PASSPHRASE) or ask_passphrase(
                self, file.name)
            if passphrase is None:
                return False
        self.ctx.tasks.wait()  # no job of ours reads the old content meanwhile
        manager = self.manager
        for _attempt in range(3):
            phrase = passphrase
            try:
                result = background.wait_for(self.ctx, lambda p=phrase: manager.restore(file, p),
                                             self, "Restoring…")
            except WrongPassphrase:
                passphrase = ask_passphrase(self, file.name, again=True)
                if passphrase is None:
                    return False
                continue
            except CoordinatorError as exc:
                QMessageBox.warning(self, "Restore", str(exc))
                return False
            break
        else:
            return False
        self._restored(result)
        return True

    def _restored(self, result: RestoreResult) -> None:
        self.result_ = result
        stack = self.ctx.undo_stack
        if stack is not None:  # its steps refer to the content that was replaced
            stack.clear()
        # Every entity, as a structural change ("*" names no record): each view reloads.
        everything = ChangeSet()
        for entity in EVERYTHING:
            everything.add(entity, ChangeKind.PURGED, "*")
        self.ctx.changed.emit(everything)
        safety = (f"\n\nThe database as it was is kept as {result.safety_backup.name}."
                  if result.safety_backup else "")
        QMessageBox.information(self, "Restore", "The backup was restored: the database "
                                f"now holds {describe_counts(result.counts)}.{safety}")
        self.restored.emit(result)
        self.accept()


def restore_from_backup(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """Pick a backup and restore it; True when the database content was replaced (the
    caller then reloads every view; `ctx.changed` was also emitted for everything)."""
    if ctx.read_only:
        QMessageBox.information(parent, "Restore", "This database is open read-only; it "
                                "cannot be restored into. Close the other Coordinator first.")
        return False
    dialog = RestoreDialog(ctx, parent)
    dialog.load()
    background.run_modal(dialog)
    done = dialog.result_ is not None
    dialog.deleteLater()
    return done


def start_backup_watch(ctx: AppContext) -> BackupManager:
    """At start: note every committed write, so the quit backup knows to run."""
    manager = manager_for(ctx)
    manager.watch(ctx.db)
    return manager


def backup_on_quit(manager: BackupManager, parent: QWidget | None = None) -> BackupInfo | None:
    """At quit: the automatic backup when something changed (at most one a day)."""
    try:
        return manager.backup_on_quit()
    except CoordinatorError as exc:
        log.warning("Automatic backup on quit failed: %s", type(exc).__name__)
        if parent is not None:
            QMessageBox.warning(parent, "Back up", "The automatic backup could not be made."
                                f"\n\n{exc}")
        return None
