"""An empty file given as --db: a new database only for a command that creates one."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.services import Services


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.db"
    path.touch()
    return path


@pytest.mark.parametrize("command", [
    ["stats"], ["list", "contacts"], ["search", "ada"], ["export", "contacts"],
    ["duplicates"], ["trash", "list"], ["reindex"], ["backup"],
])
def test_a_reading_command_refuses_an_empty_file_untouched(empty: Path, command: list[str],
                                                           capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", str(empty), *command]) == 1
    err = capsys.readouterr().err
    assert "is an empty file, not a Coordinator database" in err
    assert empty.stat().st_size == 0
    assert [p.name for p in empty.parent.iterdir() if p.name != "home"] == ["empty.db"]


def test_an_import_starts_a_database_in_an_empty_file(empty: Path, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("First Name,Last Name,E-mail 1 - Value\nAda,Lovelace,ada@example.org\n")
    assert main(["--db", str(empty), "import", "contacts", str(source)]) == 0
    db = Database.open(empty)
    assert Services(db).contacts.count() == 1
    db.close()


def test_demo_starts_a_database_in_an_empty_file(empty: Path) -> None:
    assert main(["--db", str(empty), "demo", "--contacts", "3"]) == 0
    assert empty.stat().st_size > 0


def test_a_non_empty_foreign_file_is_still_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"not a database\n")
    source = tmp_path / "people.csv"
    source.write_text("First Name,Last Name,E-mail 1 - Value\nAda,Lovelace,ada@example.org\n")
    assert main(["--db", str(notes), "import", "contacts", str(source)]) == 1
    assert notes.read_bytes() == b"not a database\n"
    assert "not a Coordinator database" in capsys.readouterr().err
