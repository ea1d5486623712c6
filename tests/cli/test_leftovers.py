"""What a killed backup, encrypted backup or restore leaves in the backups folder is
never listed as a backup, and is deleted when the command line next starts."""

from __future__ import annotations

import os
import time
from pathlib import Path

from coordinator.backups import BackupManager
from coordinator.cli import main
from coordinator.db import Database
from coordinator.leftovers import STALE_AFTER_S, clean_leftovers


def _age(path: Path, seconds: float) -> Path:
    when = time.time() - seconds
    os.utime(path, (when, when))
    return path


def test_leftovers_are_not_backups_and_go_at_the_next_start(db_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    Database.open(db_path).close()
    manager = BackupManager(db_path)
    real = manager.backup_now().path
    folder = manager.backup_dir
    old = []
    for name in (f"{db_path.stem}-20260101T000000000000Z-manual.db.partial",
                 ".encrypt-0123456789abcdef.tmp.partial", ".encrypt-0123456789abcdef.tmp",
                 ".restore-fedcba9876543210.tmp", ".restore-fedcba9876543210.tmp-wal"):
        (folder / name).write_bytes(b"half a copy")
        old.append(_age(folder / name, STALE_AFTER_S + 60))
    (db_path.parent / f"{db_path.name}.partial").write_bytes(b"x")  # a last-resort restore
    old.append(_age(db_path.parent / f"{db_path.name}.partial", STALE_AFTER_S + 60))
    running = folder / f"{db_path.stem}-20260102T000000000000Z-manual.db.partial"
    running.write_bytes(b"being written right now")

    assert [b.path for b in manager.list()] == [real]  # leftovers never count as backups

    assert main(["--db", str(db_path), "stats"]) == 0
    capsys.readouterr()
    assert [p for p in old if p.exists()] == []
    assert running.exists()  # a job may still be writing it
    assert real.exists() and [b.path for b in manager.list()] == [real]


def test_clean_leftovers_never_raises(tmp_path: Path) -> None:
    assert clean_leftovers(tmp_path / "nowhere" / "x.db") == []
    assert clean_leftovers(os.fsdecode(os.fsencode(tmp_path) + b"/\xff.db")) == []


def test_the_app_cleans_leftovers_when_it_opens_the_database(db_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.app import _Opener

    Database.open(db_path).close()
    folder = BackupManager(db_path).backup_dir
    folder.mkdir(parents=True, exist_ok=True)
    stale = folder / ".encrypt-0123456789abcdef.tmp.partial"
    stale.write_bytes(b"half an encrypted copy")
    _age(stale, STALE_AFTER_S + 60)
    opener = _Opener()
    with qtbot.waitSignal(opener.opened, timeout=20_000) as opened:
        opener.start(db_path)
    opened.args[0].close()
    assert not stale.exists()
