"""The CLI's counts agree with their nouns: "1 record", never "1 records"."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.records import ContactData


def test_one_record_is_one_record(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db_path = tmp_path / "one.db"
    db = Database.open(db_path)
    services = Services(db)
    ada = services.contacts.create(ContactData(given_name="Ada"))
    services.contacts.delete(ada.id)
    db.close()

    def run(*argv: str) -> str:
        capsys.readouterr()
        assert main(["--db", str(db_path), *argv]) == 0
        return capsys.readouterr().out.strip()

    assert run("trash", "empty", "--yes") == "Deleted 1 record for good."
