"""Backups and restore through `BackupManager`: online backups while writing, listing
with counts, rotation on disk, the backup on quit, restore (also of an older schema),
refusals that change nothing, and encrypted backups."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coordinator.backups import (
    AUTO,
    BEFORE_RESTORE,
    BackupManager,
    PassphraseRequired,
    RestoreRefused,
    RotationPolicy,
)
from coordinator.db import Database, migrate
from coordinator.db import backup as low
from coordinator.db.backup import BackupError, TamperedBackup, WrongPassphrase
from coordinator.lock import DatabaseLock
from coordinator.services import Services

from .conftest import add_contacts, file_digest


def contact_ids(services: Services) -> set[str]:
    return {row.id for row in services.contacts.list().rows}


def test_backup_while_another_thread_writes_restores_a_consistent_state(
    db: Database, services: Services, tmp_path: Path
) -> None:
    add_contacts(services, 20, "Before")
    committed: list[str] = []
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        from coordinator.services.records import ContactData, EmailData

        i = 0
        try:
            while not stop.is_set():
                c = services.contacts.create(ContactData(
                    given_name=f"W{i}", family_name="Writer",
                    emails=[EmailData(f"w{i}@example.org")]))
                committed.append(c.id)
                i += 1
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    manager = BackupManager(db.path, tmp_path / "backups")
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(committed) < 30:
            stop.wait(0.01)
        before = list(committed)
        info = manager.backup_now()
        while len(committed) < len(before) + 30:
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
    assert not errors
    result = manager.restore(info.path)
    assert result.safety_backup is not None and BEFORE_RESTORE in result.safety_backup.name
    with db.read() as session:
        assert session.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        # every contact has its email: no half-written contact in the snapshot
        orphans = session.connection().exec_driver_sql(
            "SELECT count(*) FROM contact c WHERE NOT EXISTS "
            "(SELECT 1 FROM contact_email e WHERE e.contact_id = c.id)").scalar()
        assert orphans == 0
    restored = {r for r in contact_ids(services)}
    written = [r for r in restored if r in set(committed)]
    # a snapshot: exactly the first k writes, all of those committed before it began
    assert set(written) == set(committed[: len(written)])
    assert set(before) <= restored
    assert len(written) < len(committed)
    assert len(services.search.search("Before0").groups.get("contact", [])) == 1


def test_list_shows_dates_reasons_and_counts(db: Database, services: Services, tmp_path: Path):
    add_contacts(services, 5)
    manager = BackupManager(db.path, tmp_path / "backups")
    first = manager.backup_now()
    add_contacts(services, 3, "More")
    second = manager.backup_now("before-import", rotate=False)
    listed = manager.list()
    assert [b.path for b in listed] == [second.path, first.path]
    assert listed[0].counts is not None and listed[0].counts["contacts"] == 8
    assert listed[1].counts is not None and listed[1].counts["contacts"] == 5
    assert listed[0].reason == "before-import" and listed[1].reason == "manual"
    assert abs(listed[0].created_at - datetime.now(UTC)) < timedelta(minutes=1)
    (tmp_path / "backups" / "unrelated.txt").write_text("x")
    (tmp_path / "backups" / (first.path.name + ".partial")).write_text("x")
    assert len(manager.list()) == 2


def test_rotation_on_disk_deletes_old_backups(db: Database, services: Services, tmp_path: Path):
    add_contacts(services, 2)
    folder = tmp_path / "backups"
    manager = BackupManager(db.path, folder, RotationPolicy(daily=3, weekly=1, safety=0))
    template = manager.backup_now().path
    now = datetime.now(UTC)
    for days in range(1, 30):
        when = now - timedelta(days=days)
        shutil.copy(template, folder / low.timestamped_name(db.path, AUTO, when))
    deleted = manager.rotate()
    left = manager.list(with_counts=False)
    # the manual backup is kept outside the policy; 3 daily + 1 weekly automatic ones
    assert len(left) == 5 and len(deleted) == 25
    assert template in [b.path for b in left]
    assert not any(low.checksum_path(p).exists() for p in deleted)


def test_backup_on_quit_only_when_changed_and_once_a_day(
    db: Database, services: Services, tmp_path: Path
) -> None:
    manager = BackupManager(db.path, tmp_path / "backups")
    manager.watch(db)
    assert manager.backup_on_quit() is None  # nothing changed
    add_contacts(services, 1)
    assert manager.changed_since_backup()
    # a crash now: a new session still knows something changed
    assert BackupManager(db.path, tmp_path / "backups").changed_since_backup()
    info = manager.backup_on_quit()
    assert info is not None and info.reason == AUTO
    assert not BackupManager(db.path, tmp_path / "backups").changed_since_backup()
    add_contacts(services, 1, "Later")
    assert manager.backup_on_quit() is None  # already one today
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    again = manager.backup_on_quit(now=tomorrow)
    assert again is not None and again.counts is not None and again.counts["contacts"] == 2


def test_restore_brings_back_old_data_after_a_backup_of_the_current(
    db: Database, services: Services, tmp_path: Path
) -> None:
    kept = set(add_contacts(services, 4, "Kept"))
    manager = BackupManager(db.path, tmp_path / "backups")
    info = manager.backup_now()
    later = set(add_contacts(services, 3, "Later"))
    services.contacts.delete(next(iter(kept)))
    result = manager.restore(info.path)
    assert contact_ids(services) == kept
    assert result.counts["contacts"] == 4
    assert result.safety_backup is not None
    assert low.record_counts(result.safety_backup)["contacts"] == 6
    safety_db = Database.open(result.safety_backup, read_only=True)
    try:
        assert later <= contact_ids(Services(safety_db))
    finally:
        safety_db.close()
    leftovers = [p for p in (tmp_path / "backups").iterdir() if p.suffix in (".tmp", ".partial")]
    assert leftovers == []


def test_restore_of_an_older_schema_migrates_a_working_copy(
    db: Database, services: Services, tmp_path: Path
) -> None:
    old = tmp_path / "old.db"
    migrate.upgrade(old, "0001")
    assert low.record_counts(old)["contacts"] == 0
    add_contacts(services, 2)
    manager = BackupManager(db.path, tmp_path / "backups")
    result = manager.restore(old)
    assert result.migrated
    assert contact_ids(services) == set()
    add_contacts(services, 1, "After")  # the restored database is at the current schema
    with db.read() as s:
        assert s.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar() \
            == migrate.head_revision()


def _foreign_files(tmp_path: Path, good_backup: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, expected words in the message)."""
    files: dict[str, tuple[Path, str]] = {}
    text = tmp_path / "notes.db"
    text.write_text("these are not the records you are looking for")
    files["text"] = (text, "not an SQLite file")
    other = tmp_path / "other-app.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("INSERT INTO songs VALUES ('x')")
    conn.commit()
    conn.close()
    files["other sqlite"] = (other, "another application")
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    files["empty"] = (empty, "not a Coordinator backup")
    cut = tmp_path / "cut.db"
    cut.write_bytes(good_backup.read_bytes()[: good_backup.stat().st_size // 2])
    files["truncated"] = (cut, "damaged")
    broken = tmp_path / "broken.db"
    data = bytearray(good_backup.read_bytes())
    page = 4096
    for k in range(1, min(20, len(data) // page)):  # b-tree page headers of pages 2..20
        data[k * page : k * page + 12] = b"\x5a" * 12
    broken.write_bytes(bytes(data))
    files["corrupt page"] = (broken, "damaged")
    newer = tmp_path / "newer.db"
    shutil.copy(good_backup, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    files["newer schema"] = (newer, "newer version")
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    files["folder"] = (folder, "does not exist")
    return files


def test_restore_of_foreign_or_damaged_files_is_refused_and_changes_nothing(
    db: Database, services: Services, tmp_path: Path
) -> None:
    ids = set(add_contacts(services, 30))
    manager = BackupManager(db.path, tmp_path / "backups")
    good = manager.backup_now().path
    files = _foreign_files(tmp_path, good)
    backups_before = sorted(os.listdir(tmp_path / "backups"))
    digest = file_digest(db.path)
    for name, (path, words) in files.items():
        with pytest.raises(BackupError) as caught:
            manager.restore(path)
            pytest.fail(f"{name} was restored")
        message = str(caught.value)
        assert words in message, (name, message)
        assert "changed" in message, (name, message)
        assert file_digest(db.path) == digest, name
        assert sorted(os.listdir(tmp_path / "backups")) == backups_before, name
    assert contact_ids(services) == ids


def test_restore_is_refused_while_another_coordinator_has_the_database(
    db: Database, services: Services, tmp_path: Path
) -> None:
    add_contacts(services, 2)
    manager = BackupManager(db.path, tmp_path / "backups")
    good = manager.backup_now().path
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock = DatabaseLock(db.path)
        lock.path.write_text(
            f'{{"pid": {other.pid}, "host": "{__import__("socket").gethostname()}"}}')
        digest = file_digest(db.path)
        with pytest.raises(RestoreRefused, match=f"process {other.pid}"):
            manager.restore(good)
        assert file_digest(db.path) == digest
    finally:
        other.kill()
        other.wait()
    manager.restore(good)  # the holder is gone: the lock is stale


def test_encrypted_backup_round_trip_and_refusals(
    db: Database, services: Services, tmp_path: Path, fast_kdf: None
) -> None:
    original = set(add_contacts(services, 12, "Enc"))
    manager = BackupManager(db.path, tmp_path / "backups")
    out = tmp_path / "usb" / "coalition.cbak"
    manager.backup_encrypted(out, "long passphrase 42")
    assert low.is_encrypted_backup(out)
    assert b"enc0@example.org" not in out.read_bytes()
    assert not [p for p in (tmp_path / "backups").iterdir() if p.suffix == ".tmp"]
    add_contacts(services, 3, "Extra")
    digest = file_digest(db.path)

    with pytest.raises(PassphraseRequired):
        manager.restore(out)
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        manager.restore(out, "long passphrase 43")
    bad = tmp_path / "flipped.cbak"
    data = bytearray(out.read_bytes())
    data[len(data) // 3] ^= 0x04
    bad.write_bytes(bytes(data))
    with pytest.raises(TamperedBackup, match="tampered"):
        manager.restore(bad, "long passphrase 42")
    assert file_digest(db.path) == digest
    assert not manager.list()[0].reason.startswith("before-restore") if manager.list() else True

    result = manager.restore(out, "long passphrase 42")
    assert contact_ids(services) == original
    assert result.counts["contacts"] == 12


def test_backup_to_refuses_to_overwrite_and_never_touches_the_database(
    db: Database, services: Services, tmp_path: Path
) -> None:
    add_contacts(services, 1)
    manager = BackupManager(db.path, tmp_path / "backups")
    dest = tmp_path / "copy.db"
    manager.backup_to(dest)
    with pytest.raises(BackupError, match="already exists"):
        manager.backup_to(dest)
    manager.backup_to(dest, overwrite=True)
    with pytest.raises(BackupError, match="cannot overwrite the database"):
        manager.backup_to(db.path, overwrite=True)
    assert low.record_counts(dest)["contacts"] == 1


def test_recent_commits_in_the_wal_are_in_the_backup_unlike_a_file_copy(
    db: Database, services: Services, tmp_path: Path
) -> None:
    # Copying the .db file of an open WAL database loses recent commits.
    add_contacts(services, 10)
    wal = Path(f"{db.path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # commits still live in the -wal
    naive = tmp_path / "naive-copy.db"
    shutil.copy(db.path, naive)
    info = BackupManager(db.path, tmp_path / "backups").backup_now()
    assert info.counts is not None and info.counts["contacts"] == 10
    assert low.record_counts(naive).get("contacts", 0) < 10


@pytest.mark.parametrize("damage", ["pages", "header"])
def test_restore_over_a_damaged_database_keeps_the_damaged_files(
    tmp_path: Path, damage: str
) -> None:
    db_path = tmp_path / "coordinator.db"
    db = Database.open(db_path)
    good = set(add_contacts(Services(db), 30))
    manager = BackupManager(db_path, tmp_path / "backups")
    backup = manager.backup_now().path
    db.close()
    data = bytearray(db_path.read_bytes())
    if damage == "header":
        data[:16] = b"garbage garbage!"
    else:
        for k in range(1, min(20, len(data) // 4096)):
            data[k * 4096 : k * 4096 + 12] = b"\x5a" * 12
    db_path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    result = manager.restore(backup)
    assert result.safety_backup is not None and "damaged" in result.safety_backup.name
    assert result.safety_backup.read_bytes() == bytes(data)  # kept byte for byte
    reopened = Database.open(db_path)
    try:
        assert contact_ids(Services(reopened)) == good
    finally:
        reopened.close()


def test_two_databases_with_the_same_name_keep_separate_backups(
    home: Path, tmp_path: Path
) -> None:
    from coordinator import paths
    from coordinator.backups import backup_dir_for

    managers = []
    for place in ("laptop", "usb-stick"):
        (tmp_path / place).mkdir()
        db = Database.open(tmp_path / place / "coordinator.db")
        add_contacts(Services(db), 1)
        db.close()
        managers.append(BackupManager(tmp_path / place / "coordinator.db",
                                      policy=RotationPolicy(daily=1, weekly=0, safety=0)))
    default = backup_dir_for(paths.data_dir() / "coordinator.db")
    assert default == paths.backups_dir()
    assert len({m.backup_dir for m in managers} | {default}) == 3
    first = managers[0].backup_now()
    managers[1].backup_now(AUTO)
    managers[1].backup_now(AUTO)  # rotation here must not touch the other database's
    assert [b.path for b in managers[0].list()] == [first.path]
    assert len(managers[1].list()) == 1


def test_rotation_clears_old_leftovers_of_interrupted_jobs_only(
    db: Database, services: Services, tmp_path: Path
) -> None:
    add_contacts(services, 1)
    folder = tmp_path / "backups"
    manager = BackupManager(db.path, folder)
    manager.backup_now()
    old_partial = folder / "coordinator-20200101T000000000000Z-manual.db.partial"
    old_work = folder / ".restore-0123456789abcdef.tmp"
    fresh = folder / ".restore-fedcba9876543210.tmp"  # a restore running right now
    for p in (old_partial, old_work, fresh):
        p.write_bytes(b"x")
    for p in (old_partial, old_work):
        os.utime(p, (0, 0))
    manager.rotate()
    assert not old_partial.exists() and not old_work.exists()
    assert fresh.exists()
