"""A checkpoint interrupted after it wrote page 1 but before it grew the main file (a
kill, a power cut, a full disk) leaves a main file shorter than its header says, with
the missing pages still in the -wal file. SQLite recovers that; so must Coordinator,
instead of calling a healthy database "damaged"."""

from __future__ import annotations

import shutil
import sqlite3
import struct
from pathlib import Path

import pytest
from sqlalchemy import event

from coordinator.cli import main
from coordinator.db import Database
from coordinator.errors import CorruptDatabase
from coordinator.lock import DatabaseLock, open_locked
from coordinator.services import Services
from coordinator.services.records import ContactData, EmailData

WAL_HEADER = 32
FRAME_HEADER = 24


def header_pages(path: Path) -> int:
    with path.open("rb") as fh:
        header = fh.read(100)
    return int(struct.unpack(">I", header[28:32])[0])


def page_size(path: Path) -> int:
    with path.open("rb") as fh:
        header = fh.read(100)
    size = struct.unpack(">H", header[16:18])[0]
    return 65536 if size == 1 else int(size)


def last_page_one(wal: bytes) -> bytes:
    """The newest copy of page 1 in a -wal file's frames."""
    size = struct.unpack(">I", wal[8:12])[0]
    found = b""
    offset = WAL_HEADER
    while offset + FRAME_HEADER + size <= len(wal):
        if struct.unpack(">I", wal[offset:offset + 4])[0] == 1:
            found = wal[offset + FRAME_HEADER: offset + FRAME_HEADER + size]
        offset += FRAME_HEADER + size
    assert found, "page 1 is not in the -wal file"
    return found


def build_interrupted(folder: Path, count: int = 150) -> tuple[Path, set[str]]:
    """A database whose last checkpoint stopped after writing page 1; its contact ids.

    The contacts are saved through the services with automatic checkpoints off, so
    they live in the -wal file; the main file and -wal are copied while the database
    is open (what a crash leaves), then page 1 of the -wal is written over the copy's
    page 1: exactly what a checkpoint has done when it is stopped right after it.
    """
    source = folder / "source.db"
    db = Database.open(source)

    @event.listens_for(db.engine, "connect")
    def _no_autocheckpoint(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")

    services = Services(db)
    ids = {services.contacts.create(ContactData(
        given_name=f"Kept{i}", family_name="Recovered", notes="n" * 800,
        emails=[EmailData(f"kept{i}@example.org")])).id for i in range(count)}
    path = folder / "coalition.db"
    shutil.copyfile(source, path)
    shutil.copyfile(f"{source}-wal", f"{path}-wal")
    db.close()
    page_one = last_page_one(Path(f"{path}-wal").read_bytes())
    with path.open("r+b") as fh:
        fh.write(page_one)
    # The state of the defect: the header promises more pages than the file has.
    assert header_pages(path) * page_size(path) > path.stat().st_size
    return path, ids


def contact_ids(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM contact")}
    finally:
        conn.close()


def test_database_open_recovers_an_interrupted_checkpoint(tmp_path: Path) -> None:
    path, ids = build_interrupted(tmp_path)
    db = Database.open(path)
    try:
        assert {c.id for c in Services(db).contacts.list().rows} >= ids
        with db.raw() as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # the checkpoint was finished: the main file is as long as its header says
        assert path.stat().st_size >= header_pages(path) * page_size(path)
        Services(db).contacts.create(ContactData(given_name="After", family_name="Open"))
    finally:
        db.close()
    assert contact_ids(path) >= ids


def test_the_app_open_path_recovers_it_and_releases_nothing(tmp_path: Path) -> None:
    path, ids = build_interrupted(tmp_path)
    locked = open_locked(path)
    try:
        assert not locked.read_only
        assert {c.id for c in Services(locked.db).contacts.list().rows} >= ids
    finally:
        locked.close()
    assert not DatabaseLock(path).path.exists()


def test_read_only_open_reads_it_through_the_wal(tmp_path: Path) -> None:
    path, ids = build_interrupted(tmp_path)
    db = Database.open(path, read_only=True)
    try:
        assert {c.id for c in Services(db).contacts.list().rows} >= ids
    finally:
        db.close()


def test_cli_read_commands_work_on_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    path, ids = build_interrupted(tmp_path)
    assert main(["--db", str(path), "search", "Kept1"]) == 0
    out, err = capsys.readouterr()
    assert "Recovered" in out and "damaged" not in err
    assert main(["--db", str(path), "stats"]) == 0
    assert main(["--db", str(path), "export", "contacts", "--format", "csv"]) == 0
    exported = capsys.readouterr().out
    assert all(contact_id in exported for contact_id in ids)


def test_a_short_file_whose_wal_lacks_the_pages_is_still_damaged(tmp_path: Path) -> None:
    path, _ids = build_interrupted(tmp_path)
    wal = Path(f"{path}-wal")
    wal.write_bytes(wal.read_bytes()[:WAL_HEADER])  # a -wal file with no frames left
    before = path.read_bytes()
    with pytest.raises(CorruptDatabase, match="damaged"):
        Database.open(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("coalition.db*")) == [
        "coalition.db", "coalition.db-wal"]
