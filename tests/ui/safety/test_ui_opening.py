"""Opening with the lock (read-only when another Coordinator has it) and clear messages
for storage problems, including "Save it again to its place"."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from coordinator.db import Database
from coordinator.db.backup import storage_error
from coordinator.lock import DatabaseFileMissing, DatabaseLock, this_host
from coordinator.services import Services
from coordinator.services.records import ContactData
from ui.safety import handle_storage_error, open_database_interactively
from ui.safety.opening import OPEN_ANYWAY, OPEN_READ_ONLY, SAVE_AGAIN


@pytest.fixture
def live_pid() -> Iterator[int]:
    """A live process that is not us: the fake 'other Coordinator'."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc.pid
    proc.kill()
    proc.wait()


def write_lock(db_path: Path, pid: int, host: str) -> None:
    DatabaseLock(db_path).path.write_text(json.dumps(
        {"pid": pid, "host": host, "started": "2026-11-24T09:00:00+00:00", "token": "other"}))


def make_db(path: Path) -> Path:
    db = Database.open(path)
    Services(db).contacts.create(ContactData(given_name="Ada", family_name="Quinn"))
    db.close()
    return path


class Clicker:
    """Drives a QMessageBox: remembers its text and buttons, clicks `choice`."""

    def __init__(self, choice: str | None) -> None:
        self.choice = choice
        self.text = ""
        self.buttons: list[str] = []

    def __call__(self, box: QMessageBox) -> int:
        folder = os.environ.get("COORDINATOR_SHOTS")
        if folder:  # look at it: the box as the user sees it
            box.show()
            box.grab().save(str(Path(folder) / f"box-{box.windowTitle()}.png"))
        self.text = box.text() + "\n" + box.informativeText()
        self.buttons = [b.text() for b in box.buttons()]
        for button in box.buttons():
            if button.text() == self.choice:
                button.click()
        return 0


def test_live_lock_of_another_process_offers_read_only(tmp_path, monkeypatch, live_pid,
                                                       qapp) -> None:
    # GIVEN a database another (live) Coordinator process on this computer holds
    path = make_db(tmp_path / "coalition.db")
    write_lock(path, live_pid, this_host())
    clicker = Clicker(OPEN_READ_ONLY)
    monkeypatch.setattr("ui.kit.background.run_modal", clicker)
    # WHEN the app opens it
    locked = open_database_interactively(path)
    # THEN the user was told who holds it, offered read-only (not "anyway"), and got it
    assert f"process {live_pid} on this computer" in clicker.text
    assert OPEN_READ_ONLY in clicker.buttons and OPEN_ANYWAY not in clicker.buttons
    assert locked is not None and locked.read_only
    try:
        assert Services(locked.db).contacts.count() == 1
    finally:
        locked.close()
    assert json.loads(DatabaseLock(path).path.read_text())["pid"] == live_pid  # untouched


def test_lock_of_another_computer_can_be_overridden(tmp_path, monkeypatch, qapp) -> None:
    path = make_db(tmp_path / "coalition.db")
    write_lock(path, 4242, "laptop-of-someone-else")
    clicker = Clicker(OPEN_ANYWAY)
    monkeypatch.setattr("ui.kit.background.run_modal", clicker)
    locked = open_database_interactively(path)
    assert "computer laptop-of-someone-else" in clicker.text
    assert OPEN_ANYWAY in clicker.buttons
    assert locked is not None and not locked.read_only
    locked.close()


def test_cancel_opens_nothing(tmp_path, monkeypatch, live_pid, qapp) -> None:
    path = make_db(tmp_path / "coalition.db")
    write_lock(path, live_pid, this_host())
    monkeypatch.setattr("ui.kit.background.run_modal", Clicker(None))
    assert open_database_interactively(path) is None


def test_free_database_opens_with_the_lock(tmp_path, qapp) -> None:
    path = make_db(tmp_path / "coalition.db")
    locked = open_database_interactively(path)
    assert locked is not None and not locked.read_only and locked.lock.held
    locked.close()


def test_not_a_database_shows_the_message(tmp_path, messages, qapp) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"hello, this is not SQLite" * 100)
    assert open_database_interactively(path) is None
    [text] = messages.texts("critical")
    assert str(path) in text and "Nothing in the file was changed" in text


def test_database_file_deleted_while_open_can_be_saved_again(tmp_path, monkeypatch,
                                                             messages, qapp) -> None:
    # GIVEN an open database whose file is deleted under it
    db = Database.open(tmp_path / "coalition.db")
    services = Services(db)
    services.contacts.create(ContactData(given_name="Ada", family_name="Quinn"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db.path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(DatabaseFileMissing) as caught:
        services.contacts.create(ContactData(given_name="Ben", family_name="Ortiz"))
    clicker = Clicker(SAVE_AGAIN)
    monkeypatch.setattr("ui.kit.background.run_modal", clicker)
    # WHEN the error is handled and the user saves it again
    assert handle_storage_error(caught.value, None, db=db)
    # THEN the file is back with what was saved, and work goes on
    assert "deleted or moved" in clicker.text and SAVE_AGAIN in clicker.buttons
    assert db.path.exists()
    assert "saved again" in messages.texts("information")[0]
    services.contacts.create(ContactData(given_name="Ben", family_name="Ortiz"))
    assert services.contacts.count() == 2
    db.close()


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "disk is full"),
                                             (errno.EROFS, "read-only")])
def test_disk_full_and_read_only_messages(messages, code, words, qapp) -> None:
    clear = storage_error(OSError(code, "x"), "save the change")
    assert handle_storage_error(clear, None)
    assert handle_storage_error(OSError(code, "x"), None)
    assert all(words in t and "Nothing already saved was lost" in t
               for t in messages.texts("warning"))


def test_other_errors_are_not_storage_errors(messages, qapp) -> None:
    assert not handle_storage_error(ValueError("boom"), None)
    assert messages.calls == []
