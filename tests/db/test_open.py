"""Opening databases: new files, settings, and files we must refuse without touching."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from coordinator import paths
from coordinator.db import Database
from coordinator.db.migrate import head_revision
from coordinator.errors import CorruptDatabase, NotACoordinatorDatabase, SchemaTooNew
from coordinator.services import Services
from coordinator.services.records import ContactData, EmailData


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_created_private_with_wal_and_foreign_keys(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        with db.read() as session:
            assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
            # FULL: a commit reported as saved survives a power cut (NORMAL may lose it).
            assert session.execute(text("PRAGMA synchronous")).scalar() == 2
            version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert version == head_revision()
            consortia = session.execute(text("SELECT count(*) FROM consortium")).scalar()
            assert consortia == 7
    finally:
        db.close()
    if os.name == "posix":
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_nothing_is_created_at_import_or_path_resolution(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "fresh-home"
    monkeypatch.setenv("COORDINATOR_HOME", str(home))
    resolved = paths.resolve_db_path()
    assert resolved == home / "data" / paths.DB_FILENAME
    assert not home.exists()


def test_db_path_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COORDINATOR_DB", str(tmp_path / "env.db"))
    assert paths.resolve_db_path() == tmp_path / "env.db"
    assert paths.resolve_db_path(tmp_path / "arg.db") == tmp_path / "arg.db"


def test_write_units_wait_for_the_lock_instead_of_failing(db: Database) -> None:
    """Two writers racing: BEGIN IMMEDIATE makes the second wait, not fail."""
    services = Services(db)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                services.contacts.create(ContactData(given_name=f"W{n}", family_name=str(i),
                                                     emails=[EmailData(f"w{n}.{i}@example.org")]))
        except BaseException as exc:  # pragma: no cover - failure path
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert services.contacts.count() == 45


def test_random_bytes_are_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(os.urandom(8192))
    before = checksum(path)
    with pytest.raises(NotACoordinatorDatabase, match="not an SQLite file"):
        Database.open(path)
    assert checksum(path) == before
    assert not Path(f"{path}-wal").exists()


def test_another_applications_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.commit()
    conn.close()
    before = checksum(path)
    with pytest.raises(NotACoordinatorDatabase, match="another application"):
        Database.open(path)
    assert checksum(path) == before


def test_truncated_database_is_refused_and_left_untouched(tmp_path: Path, db_path: Path) -> None:
    db = Database.open(db_path)
    Services(db).contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    db.close()
    # A checkpointed copy, then cut in half: what a broken download or sync gives.
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    data = db_path.read_bytes()
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(data[: len(data) // 2])
    before = checksum(truncated)
    with pytest.raises(CorruptDatabase, match="damaged"):
        Database.open(truncated)
    assert checksum(truncated) == before


def test_header_only_garbage_after_magic_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = checksum(path)
    with pytest.raises((CorruptDatabase, NotACoordinatorDatabase)):
        Database.open(path)
    assert checksum(path) == before


def test_newer_schema_is_refused_and_left_untouched(db_path: Path) -> None:
    Database.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = checksum(db_path)
    with pytest.raises(SchemaTooNew, match="newer version of Coordinator"):
        Database.open(db_path)
    assert checksum(db_path) == before


def test_folder_instead_of_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotACoordinatorDatabase, match="folder"):
        Database.open(tmp_path)


def test_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    db = Database.open(path)
    assert Services(db).consortia.list()
    db.close()


def test_failed_write_rolls_back_and_reports_nothing(db: Database) -> None:
    seen = []
    db.subscribe(seen.append)
    services = Services(db)
    with pytest.raises(RuntimeError), db.write() as session:
        session.execute(text("DELETE FROM consortium"))
        raise RuntimeError("boom")
    assert len(services.consortia.list()) == 7
    assert seen == []
