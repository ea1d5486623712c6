"""Disk full, read-only locations, and the database file deleted or moved while open:
a clear message, nothing already saved lost, and working again once the cause is
fixed. OS errors are simulated (the tests run as root, where chmod does not bite),
except the disk-full write, which uses a real file-size limit in a child process."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from coordinator.backups import BackupManager, save_open_database
from coordinator.db import Database
from coordinator.db import backup as low
from coordinator.db.backup import StorageError
from coordinator.lock import DatabaseFileMissing, FileWatch
from coordinator.services import Services
from coordinator.services.records import ContactData

from .conftest import add_contacts

ROOT = Path(__file__).resolve().parents[2]


def ids_of(services: Services) -> set[str]:
    return {r.id for r in services.contacts.list().rows}


def leftovers(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return [p.name for p in folder.iterdir() if p.name.endswith((".partial", ".tmp"))]


@pytest.mark.parametrize("error", [
    OSError(errno.ENOSPC, "No space left on device"),
    sqlite3.OperationalError("database or disk is full"),
])
def test_backup_on_a_full_disk(
    db: Database, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    error: Exception,
) -> None:
    saved = set(add_contacts(services, 5))
    folder = tmp_path / "backups"
    manager = BackupManager(db.path, folder)
    first = manager.backup_now()
    real_copy = low._copy

    def fill_up(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
        real_copy(source, target)  # half-written: the pages are there, then the disk is full
        raise error

    monkeypatch.setattr(low, "_copy", fill_up)
    with pytest.raises(StorageError, match="the disk is full") as caught:
        manager.backup_now()
    assert "Nothing already saved was lost" in str(caught.value)
    assert [b.path for b in manager.list()] == [first.path]
    assert leftovers(folder) == []
    assert ids_of(services) == saved
    monkeypatch.setattr(low, "_copy", real_copy)  # space freed
    assert manager.backup_now().counts == {**(first.counts or {}), "contacts": 5}


def _refuse_writes_under(folder: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    real_open = os.open

    def guarded(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        if str(path).startswith(str(folder)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(os, "open", guarded)


def test_backup_into_a_read_only_folder(
    db: Database, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = set(add_contacts(services, 3))
    folder = tmp_path / "backups"
    folder.mkdir()
    manager = BackupManager(db.path, folder)
    with monkeypatch.context() as m:
        _refuse_writes_under(folder, m, errno.EROFS)
        with pytest.raises(StorageError, match="read-only"):
            manager.backup_now()
        with pytest.raises(StorageError, match="read-only"):
            manager.backup_to(folder / "copy.db")
    assert ids_of(services) == saved
    assert manager.backup_now().counts is not None  # writable again


def test_encrypted_backup_on_a_full_disk_leaves_nothing_behind(
    db: Database, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    fast_kdf: None,
) -> None:
    add_contacts(services, 2)
    manager = BackupManager(db.path, tmp_path / "backups")
    dest = tmp_path / "out" / "c.cbak"

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "fsync", no_space)
        with pytest.raises(StorageError, match="disk is full"):
            manager.backup_encrypted(dest, "pass phrase")
    assert not dest.exists()
    assert leftovers(dest.parent) == [] and leftovers(tmp_path / "backups") == []
    manager.backup_encrypted(dest, "pass phrase")
    assert dest.exists()


def test_restore_failing_on_a_full_disk_keeps_the_current_data(
    db: Database, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_contacts(services, 2, "Old")
    manager = BackupManager(db.path, tmp_path / "backups")
    backup = manager.backup_now().path
    current = set(add_contacts(services, 3, "New")) | ids_of(services)
    real_copy = low._copy

    def full_when_writing_the_live_file(src: sqlite3.Connection, dst: sqlite3.Connection) -> None:
        if dst.execute("PRAGMA database_list").fetchone()[2] == str(db.path):
            raise sqlite3.OperationalError("database or disk is full")
        real_copy(src, dst)

    with monkeypatch.context() as m:
        m.setattr(low, "_copy", full_when_writing_the_live_file)
        with pytest.raises(StorageError, match="disk is full"):
            manager.restore(backup)
    assert ids_of(services) == current
    assert leftovers(tmp_path / "backups") == []
    manager.restore(backup)
    assert len(ids_of(services)) == 2


@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_database_file_deleted_or_moved_while_open(
    db: Database, services: Services, tmp_path: Path, how: str
) -> None:
    before = set(add_contacts(services, 6))
    watch = FileWatch(db.path)
    if how == "deleted":
        db.path.unlink()
    else:
        db.path.rename(tmp_path / "somewhere-else.db")
    with pytest.raises(DatabaseFileMissing, match="deleted or moved") as caught:
        watch.check()
    assert "Nothing saved so far is lost" in str(caught.value)
    assert ids_of(services) == before  # still readable from the open file

    save_open_database(db)  # "save it again to that place"
    watch.reset()
    watch.check()
    after = services.contacts.create(ContactData(given_name="After", family_name="Fix")).id
    db.close()
    reopened = Database.open(db.path)
    try:
        assert ids_of(Services(reopened)) == before | {after}
    finally:
        reopened.close()


def test_saving_again_never_overwrites_an_existing_file(db: Database, services: Services) -> None:
    add_contacts(services, 1)
    with pytest.raises(low.BackupError, match="nothing was overwritten"):
        save_open_database(db)


@pytest.mark.skipif(os.name != "posix", reason="needs RLIMIT_FSIZE")
def test_writing_when_the_disk_is_full_then_after_space_is_freed(tmp_path: Path) -> None:
    db_path = tmp_path / "coordinator.db"
    Database.open(db_path).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("crash_writer.py")), "fill", str(db_path)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout)
    assert result["error"] and not result["error"].startswith("unclear"), result["error"]
    assert "Nothing already saved was lost" in result["error"]
    db = Database.open(db_path)
    try:
        ids = ids_of(Services(db))
        with db.read() as s:
            assert s.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        db.close()
    assert ids == {result["saved"], result["after"]}
