"""No import leaves people out by default because they merely look alike.

A row is a probable duplicate only when it has the same full name at the same
organization as an existing contact (or an earlier row of the file); a row whose email
matches updates that contact. A shared phone (colleagues share a switchboard) or a
similar name ("Ashley Martinez" and "Ashley Martin") alone never is. A command-line run
that leaves probable duplicates out says so on stderr and exits with 3, unless the user
chose that with `--duplicates skip`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.demo import build_demo
from coordinator.formats import exports, importer
from coordinator.formats.reader import parse_contacts
from coordinator.services import Services
from coordinator.services.records import ContactData, EmailData, OrganizationData, PhoneData

EXIT_LEFT_OUT = 3
FILENAMES = {"csv": "sample.csv", "vcard3": "sample.vcf"}


def run(db_path: Path, *args: object) -> int:
    return main(["--db", str(db_path), *map(str, args)])


def count(db_path: Path) -> int:
    db = Database.open(db_path)
    try:
        return Services(db).contacts.count()
    finally:
        db.close()


def names(db_path: Path) -> list[str]:
    db = Database.open(db_path)
    try:
        return sorted(r.full_name for r in Services(db).contacts.list().rows)
    finally:
        db.close()


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """The sample coalition (600 contacts) in the app's own CSV and vCard 3.0 exports."""
    folder = tmp_path_factory.mktemp("sample")
    db = Database.open(folder / "sample.db")
    try:
        build_demo(Services(db))
        assert Services(db).contacts.count() == 600
        files = {}
        for fmt, name in FILENAMES.items():
            files[fmt] = folder / name
            files[fmt].write_bytes(exports.export_contacts(db, fmt))
    finally:
        db.close()
    return files


@pytest.mark.parametrize("fmt", list(FILENAMES))
def test_the_sample_coalition_arrives_whole(sample_files, tmp_path, capsys,  # type: ignore[no-untyped-def]
                                            fmt: str) -> None:
    target = tmp_path / "empty.db"
    assert run(target, "import", "contacts", sample_files[fmt]) == 0
    captured = capsys.readouterr()
    assert "Imported: 600 created" in captured.out
    assert "0 duplicates skipped" in captured.out
    assert "left out" not in captured.err
    assert count(target) == 600


@pytest.mark.parametrize("fmt", list(FILENAMES))
def test_the_same_file_twice_matches_and_creates_nothing(sample_files, tmp_path, capsys,  # type: ignore[no-untyped-def]
                                                         fmt: str) -> None:
    target = tmp_path / "twice.db"
    assert run(target, "import", "contacts", sample_files[fmt]) == 0
    assert run(target, "import", "contacts", sample_files[fmt]) == 0
    assert "left out" not in capsys.readouterr().err
    assert count(target) == 600
    db = Database.open(target)
    try:
        again = importer.preview(db, parse_contacts(sample_files[fmt].read_bytes(),
                                                    filename=FILENAMES[fmt]))
    finally:
        db.close()
    assert again.new == 0 and again.duplicates == []
    assert again.updated + again.unchanged == 600


def test_a_file_without_ids_matches_by_email_the_second_time(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "google.csv"
    sheet.write_text("First Name,Last Name,Organization Name,E-mail 1 - Value\n"
                     "Ada,Quinn,City of Plano,ada@plano.example.org\n"
                     "Ben,Ortiz,City of Plano,ben@plano.example.org\n")
    target = tmp_path / "google.db"
    assert run(target, "import", "contacts", sheet) == 0
    sheet.write_text("First Name,Last Name,Organization Name,E-mail 1 - Value,Notes\n"
                     "Ada,Quinn,City of Plano,ADA@plano.example.org,Chairs the group\n"
                     "Ben,Ortiz,City of Plano,ben@plano.example.org,\n")
    assert run(target, "import", "contacts", sheet) == 0
    out = capsys.readouterr().out
    assert "Imported: 0 created, 1 updated" in out
    assert names(target) == ["Ada Quinn", "Ben Ortiz"]


LOOKALIKES = (
    "First Name,Last Name,Organization Name,E-mail 1 - Value,Phone 1 - Value\n"
    "Ashley,Martinez,City of Plano,ashley.martinez@plano.example.org,\n"
    "Ashley,Martin,City of Plano,ashley.martin@plano.example.org,\n"
    "Frances,Richardson,Denton County,frances@denton.example.org,\n"
    "François,Richardson,Denton County,francois@denton.example.org,\n"
    "Kim,Nguyen,City of Allen,,+1 972-555-0100\n"
    "Raj,Patel,City of Allen,,(972) 555-0100\n"
)


def test_similar_names_and_a_shared_phone_all_arrive(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "lookalikes.csv"
    sheet.write_text(LOOKALIKES, encoding="utf-8")
    target = tmp_path / "lookalikes.db"
    assert run(target, "import", "contacts", sheet) == 0
    assert "left out" not in capsys.readouterr().err
    assert names(target) == sorted(["Ashley Martin", "Ashley Martinez", "Frances Richardson",
                                    "François Richardson", "Kim Nguyen", "Raj Patel"])


def test_similar_names_and_a_shared_phone_of_existing_contacts_are_not_duplicates(
        db, services) -> None:  # type: ignore[no-untyped-def]
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    services.contacts.create(ContactData(
        given_name="Ashley", family_name="Martinez", organization_id=plano.id,
        emails=[EmailData("ashley.martinez@plano.example.org")]))
    allen = services.organizations.create(OrganizationData(name="City of Allen"))
    services.contacts.create(ContactData(given_name="Kim", family_name="Nguyen",
                                         organization_id=allen.id,
                                         phones=[PhoneData("+1 972-555-0100", "work")]))
    csv = (b"First Name,Last Name,Organization Name,E-mail 1 - Value,Phone 1 - Value\n"
           b"Ashley,Martin,City of Plano,ashley.martin@plano.example.org,\n"
           b"Raj,Patel,City of Allen,,(972) 555-0100\n")
    preview = importer.preview(db, parse_contacts(csv))
    assert (preview.new, preview.duplicates) == (2, [])
    report = importer.apply(db, parse_contacts(csv))
    assert (report.created, report.skipped_duplicates) == (2, 0)


def seed_marcus(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        services = Services(db)
        denton = services.organizations.create(OrganizationData(name="Denton County"))
        services.contacts.create(ContactData(
            given_name="Marcus", family_name="Okafor", organization_id=denton.id,
            emails=[EmailData("marcus.okafor@denton.example.org")]))
    finally:
        db.close()


SAME_NAME_AND_ORGANIZATION = (
    "First Name,Last Name,Organization Name,E-mail 1 - Value\n"
    "MARCUS,Okafor,denton county,\n"
    "Ann,Lee,City of Allen,ann.lee@allen.example.org\n"
)


def test_same_name_and_organization_is_left_out_and_said_so(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "marcus.db"
    seed_marcus(target)
    sheet = tmp_path / "rows.csv"
    sheet.write_text(SAME_NAME_AND_ORGANIZATION)
    assert run(target, "import", "contacts", sheet) == EXIT_LEFT_OUT
    captured = capsys.readouterr()
    assert ("1 row was left out as a probable duplicate (same name at the same "
            "organization") in captured.err
    assert "--duplicates import" in captured.err and "--duplicates skip" in captured.err
    assert "Imported: 1 created" in captured.out  # the rest is saved
    assert names(target) == ["Ann Lee", "Marcus Okafor"]


def test_duplicates_skip_accepts_leaving_them_out(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "marcus.db"
    seed_marcus(target)
    sheet = tmp_path / "rows.csv"
    sheet.write_text(SAME_NAME_AND_ORGANIZATION)
    assert run(target, "import", "contacts", sheet, "--duplicates", "skip") == 0
    assert "left out" not in capsys.readouterr().err
    assert names(target) == ["Ann Lee", "Marcus Okafor"]


def test_duplicates_import_imports_them(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "marcus.db"
    seed_marcus(target)
    sheet = tmp_path / "rows.csv"
    sheet.write_text(SAME_NAME_AND_ORGANIZATION)
    assert run(target, "import", "contacts", sheet, "--duplicates", "import") == 0
    assert "left out" not in capsys.readouterr().err
    assert names(target) == ["Ann Lee", "MARCUS Okafor", "Marcus Okafor"]


def test_only_duplicates_in_the_file(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "marcus.db"
    seed_marcus(target)
    sheet = tmp_path / "one.csv"
    sheet.write_text("First Name,Last Name,Organization Name\nMarcus,Okafor,Denton County\n")
    assert run(target, "import", "contacts", sheet) == EXIT_LEFT_OUT
    assert "1 row was left out as a probable duplicate" in capsys.readouterr().err
    assert run(target, "import", "contacts", sheet, "--duplicates", "skip") == 0
    assert "left out" not in capsys.readouterr().err
    assert count(target) == 1


def test_rows_of_one_file_follow_the_same_rule(db) -> None:  # type: ignore[no-untyped-def]
    csv = (b"First Name,Last Name,Organization Name,E-mail 1 - Value,Phone 1 - Value\n"
           b"Lena,Park,City of Allen,,+1 972-555-0100\n"
           b"Lena,Park,city of allen,,\n"  # same name, same organization: probable duplicate
           b"Lena,Parks,City of Allen,,+1 972-555-0100\n"  # similar name, same phone: not
           b"Lena,Park,Denton County,,\n"  # same name elsewhere: not
           )
    preview = importer.preview(db, parse_contacts(csv))
    assert [r.action for r in preview.rows] == ["create", "duplicate", "create", "create"]
    assert "same name at city of allen as Lena Park (row 2" in preview.rows[1].reason


def test_a_dry_run_says_what_would_be_left_out(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "marcus.db"
    seed_marcus(target)
    sheet = tmp_path / "rows.csv"
    sheet.write_text(SAME_NAME_AND_ORGANIZATION + "Marcus,Okafor,Denton County,\n")
    # nothing is saved, and the exit code is the real run's
    assert run(target, "import", "contacts", sheet, "--dry-run") == EXIT_LEFT_OUT
    err = capsys.readouterr().err
    assert "2 rows would be left out as probable duplicates" in err
    assert count(target) == 1
