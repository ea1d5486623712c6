"""The plain reader of read-only commands (`stats`, `search`…) leaves the database's
folder as it found it: SQLite removes a WAL database's `-wal` and `-shm` files when the
last connection closes, and a reader must not leave them behind for the next program to
find (they would make the next open read the file as one with an unfinished WAL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.db.plain import PlainReader
from coordinator.services import Services
from coordinator.services.records import ContactData


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def closed_database(path: Path) -> Path:
    db = Database.open(path)
    try:
        Services(db).contacts.create(ContactData(given_name="Ann", family_name="Lee"))
    finally:
        db.close()
    return path


def test_opening_and_closing_the_reader_leaves_no_side_files(tmp_path: Path) -> None:
    path = closed_database(tmp_path / "coalition.db")
    before, content = names_in(tmp_path), path.read_bytes()
    assert not any(name.endswith(("-wal", "-shm")) for name in before)
    reader = PlainReader.open(path)
    assert reader is not None
    with reader.raw() as conn:
        assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM contact")
    reader.close()
    assert names_in(tmp_path) == before
    assert path.read_bytes() == content


def test_the_reader_leaves_the_side_files_of_a_database_still_open(tmp_path: Path) -> None:
    path = closed_database(tmp_path / "coalition.db")
    app = Database.open(path)  # another program has it open: its -wal and -shm are in use
    try:
        Services(app).contacts.create(ContactData(given_name="Bo", family_name="Chen"))
        reader = PlainReader.open(path)
        assert reader is not None
        with reader.raw() as conn:
            assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 2
        reader.close()
        assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
        assert Services(app).contacts.count() == 2
    finally:
        app.close()


@pytest.mark.parametrize("command", [["stats"], ["search", "Ann"],
                                     ["stats", "--format", "json"]])
def test_read_only_commands_leave_the_folder_as_they_found_it(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = closed_database(tmp_path / "coalition.db")
    before = names_in(tmp_path)
    assert main(["--db", str(path), *command]) == 0
    assert capsys.readouterr().out
    assert names_in(tmp_path) == before


def test_a_backup_and_a_restore_leave_the_folder_as_they_found_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = closed_database(folder / "coalition.db")
    before = names_in(folder)
    copy = tmp_path / "copies" / "copy.db"
    assert main(["--db", str(path), "backup", "-o", str(copy)]) == 0
    assert names_in(folder) == before
    assert main(["--db", str(path), "backup"]) == 0
    assert names_in(folder) == before
    assert main(["--db", str(path), "restore", str(copy)]) == 0  # counts what it restored
    assert names_in(folder) == before
    capsys.readouterr()
    copied = Database.open(copy)
    try:
        assert Services(copied).contacts.count() == 1
    finally:
        copied.close()
