"""`--dry-run` exits with the code the real run would give: a script that checks a file
with a dry run before importing it must learn then that rows would be left out (3) or
that the database cannot take the import (1), not get 0 and meet the failure later."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.records import ContactData, OrganizationData

EXIT_LEFT_OUT = 3

# The first row has the same full name at the same organization as the existing contact:
# a probable duplicate, left out by default.
SHEET = ("First Name,Last Name,Organization Name,E-mail 1 - Value\n"
         "Marcus,Okafor,Denton County,\n"
         "Ann,Lee,City of Allen,ann.lee@allen.example.org\n")


def run(db_path: Path, *args: object) -> int:
    return main(["--db", str(db_path), *map(str, args)])


def seeded(path: Path) -> Path:
    db = Database.open(path)
    try:
        services = Services(db)
        denton = services.organizations.create(OrganizationData(name="Denton County"))
        services.contacts.create(ContactData(given_name="Marcus", family_name="Okafor",
                                             organization_id=denton.id))
    finally:
        db.close()
    return path


def contact_count(path: Path) -> int:
    db = Database.open(path)
    try:
        return Services(db).contacts.count()
    finally:
        db.close()


def test_a_dry_run_that_would_leave_rows_out_exits_like_the_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = seeded(tmp_path / "coalition.db")
    sheet = tmp_path / "rows.csv"
    sheet.write_text(SHEET)
    assert run(target, "import", "contacts", sheet, "--dry-run") == EXIT_LEFT_OUT
    out, err = capsys.readouterr()
    assert "Dry run: nothing was saved." in out
    assert "1 row would be left out as a probable duplicate" in err
    assert contact_count(target) == 1
    # the dry run's code is the real run's
    assert run(target, "import", "contacts", sheet) == EXIT_LEFT_OUT
    assert contact_count(target) == 2
    # choosing to skip them is not a left-out: 0 for both
    other = tmp_path / "again.csv"
    other.write_text(SHEET.replace("Ann,Lee", "Bo,Chen").replace("ann.lee", "bo.chen"))
    assert run(target, "import", "contacts", other, "--dry-run", "--duplicates", "skip") == 0
    assert run(target, "import", "contacts", other, "--duplicates", "skip") == 0


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_dry_run_on_a_read_only_database_exits_like_the_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = seeded(tmp_path / "coalition.db")
    sheet = tmp_path / "new.csv"
    sheet.write_text("First Name,Last Name\nNina,New\n")
    os.chmod(target, 0o444)
    try:
        real = run(target, "import", "contacts", sheet)
        real_err = capsys.readouterr().err
        dry = run(target, "import", "contacts", sheet, "--dry-run")
        out, err = capsys.readouterr()
    finally:
        os.chmod(target, 0o644)
    assert real == 1 and "read-only" in real_err
    assert dry == real
    assert "Dry run: nothing was saved." in out
    assert "read-only" in err and "Traceback" not in err
    assert contact_count(target) == 1
