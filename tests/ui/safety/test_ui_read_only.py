"""A database file its owner made read-only: the app opens it read-only, says so and
why, never changes its mode, and leaves no lock or -wal/-shm beside it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from coordinator.db import Database
from coordinator.lock import DatabaseLock
from coordinator.services import Services
from coordinator.services.records import ContactData
from ui.app import Controller

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def read_only_db(folder: Path) -> Path:
    path = folder / "archive.db"
    db = Database.open(path)
    Services(db).contacts.create(ContactData(given_name="Ada", family_name="Quinn"))
    db.close()
    os.chmod(path, 0o444)
    return path


def test_app_start_opens_a_read_only_file_read_only_and_says_why(
        tmp_path, ui_settings, qtbot, messages) -> None:
    path = read_only_db(tmp_path)
    names = sorted(p.name for p in tmp_path.glob("archive.db*"))
    controller = Controller(path, settings=ui_settings)
    qtbot.addWidget(controller.window)
    controller.start()
    qtbot.waitUntil(lambda: controller.ctx is not None, timeout=20_000)
    try:
        assert controller.locked.read_only
        assert "read-only" in controller.window.db_label.text()
        [text] = messages.texts("information")
        assert "archive.db" in text and "the file is read-only" in text
        assert "cannot be saved" in text
        assert not DatabaseLock(path).path.exists()
        assert Services(controller.ctx.db).contacts.count() == 1
    finally:
        controller.window.close()
        controller.ctx.tasks.wait()
        controller.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.glob("archive.db*")) == names  # no lock, -wal


def test_switching_to_a_read_only_file_says_why(tmp_path, ui_settings, qtbot, messages
                                                ) -> None:
    writable = tmp_path / "coalition.db"
    Database.open(writable).close()
    path = read_only_db(tmp_path)
    controller = Controller(writable, settings=ui_settings)
    qtbot.addWidget(controller.window)
    controller.start()
    qtbot.waitUntil(lambda: controller.ctx is not None, timeout=20_000)
    assert messages.texts("information") == []  # a writable file: nothing to say
    controller.switch_to(str(path))
    qtbot.addWidget(controller.window)
    try:
        assert controller.locked.read_only
        assert controller.ctx.db.read_only_reason == "the file is read-only"
        assert "read-only" in controller.window.windowTitle()
        [text] = messages.texts("information")
        assert "archive.db" in text and "the file is read-only" in text
    finally:
        controller.window.close()
        controller.ctx.tasks.wait()
        controller.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
