"""What a backup keeps and what a restore trusts: manual backups are not rotated away,
a plain backup damaged after it was made is refused on restore, and only Coordinator
databases of this version go into the backups folder."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from coordinator.backups import AUTO, MANUAL, BackupManager, RestoreRefused, RotationPolicy
from coordinator.db import Database
from coordinator.db import backup as low
from coordinator.services import Services

from .conftest import add_contacts, file_digest
from .test_cli_safety import contacts_in, run


@pytest.fixture
def filled(home: Path, tmp_path: Path) -> Path:
    path = tmp_path / "coalition.db"
    db = Database.open(path)
    add_contacts(Services(db), 4, "Kept")
    db.close()
    return path


def test_three_manual_backups_in_a_minute_are_all_kept(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(3):
        code, out, _err = run(capsys, filled, "backup")
        assert code == 0, out
    manager = BackupManager(filled)
    manual = [b for b in manager.list(with_counts=False) if b.reason == MANUAL]
    assert len(manual) == 3
    assert all(low.checksum_path(b.path).exists() for b in manual)


def test_rotation_still_thins_automatic_backups_but_never_manual_ones(filled: Path) -> None:
    from datetime import UTC, datetime, timedelta

    manager = BackupManager(filled, policy=RotationPolicy(daily=2, weekly=0, safety=0))
    template = manager.backup_now(MANUAL).path
    now = datetime.now(UTC)
    for days in range(1, 10):
        for reason in (AUTO, MANUAL):
            when = now - timedelta(days=days, minutes=1 if reason == AUTO else 2)
            shutil.copy(template, manager.backup_dir / low.timestamped_name(filled, reason, when))
    manager.rotate()
    left = manager.list(with_counts=False)
    assert sum(b.reason == MANUAL for b in left) == 10
    assert sum(b.reason == AUTO for b in left) == 2


def flip_byte_of(path: Path, needle: bytes) -> None:
    """Change one letter inside a stored value: a damage SQLite's checks cannot see."""
    data = bytearray(path.read_bytes())
    at = data.index(needle)
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_plain_backup_damaged_after_it_was_made_is_refused_on_restore(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manager = BackupManager(filled)
    backup = manager.backup_now().path
    flip_byte_of(backup, b"Kept2")
    low.verify_file(backup)  # integrity_check alone finds nothing wrong
    digest = file_digest(filled)
    with pytest.raises(RestoreRefused, match="has changed since it was made"):
        manager.restore(backup)
    assert file_digest(filled) == digest
    code, _out, err = run(capsys, filled, "restore", str(backup))
    assert code == 1 and "checksum" in err and "Nothing was changed" in err


def test_a_copy_written_with_o_carries_a_checksum_sha256sum_can_check(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "elsewhere" / "copy.db"
    out_file.parent.mkdir()
    code, _out, _err = run(capsys, filled, "backup", "-o", str(out_file))
    assert code == 0
    side = low.checksum_path(out_file)
    assert side.read_text().split() == [low.file_sha256(out_file), "copy.db"]
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "-c", side.name], cwd=out_file.parent,
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    if os.name == "posix":
        assert side.stat().st_mode & 0o777 == 0o600


def test_a_backup_without_a_checksum_file_still_restores(filled: Path, tmp_path: Path) -> None:
    manager = BackupManager(filled)
    backup = manager.backup_now().path
    low.checksum_path(backup).unlink()  # made by an older version, or copied alone
    db = Database.open(filled)
    add_contacts(Services(db), 2, "Later")
    db.close()
    manager.restore(backup)
    assert contacts_in(filled) == 4


@pytest.mark.parametrize("kind", ["foreign", "newer"])
def test_backup_refuses_files_that_are_not_coordinator_databases_of_this_version(
    home: Path, tmp_path: Path, filled: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if kind == "foreign":
        target = tmp_path / "photos.db"
        conn = sqlite3.connect(target)
        conn.execute("CREATE TABLE photo (id INTEGER PRIMARY KEY, name TEXT)")
        conn.commit()
        conn.close()
        expected = "another application"
    else:
        target = tmp_path / "future.db"
        shutil.copy(filled, target)
        conn = sqlite3.connect(target)
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
        conn.commit()
        conn.close()
        expected = "newer version"
    digest = file_digest(target)
    code, _out, err = run(capsys, target, "backup")
    assert code == 1
    assert expected in err and "Nothing was backed up" in err
    folder = BackupManager(target).backup_dir
    assert not folder.exists() or not any(folder.iterdir())
    assert file_digest(target) == digest


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_folders_made_for_a_backup_copy_are_all_private(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "new" / "deeper" / "copy.db"
    code, _out, _err = run(capsys, filled, "backup", "-o", str(out_file))
    assert code == 0
    for folder in (tmp_path / "new", tmp_path / "new" / "deeper"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
