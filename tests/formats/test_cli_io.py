"""`coordinator import / export / duplicates` from the command line."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar

from coordinator.cli import main
from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.records import ContactData, EmailData

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), *map(str, args)])


def test_import_dry_run_then_import_then_undo(db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(db_path, "import", "contacts", FIXTURES / "outlook_desktop.csv", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "4 new contacts" in out and "Dry run: nothing was saved." in out
    assert "warning row 4 (line 5): Only an Exchange directory address" in out
    db = Database.open(db_path)
    assert Services(db).contacts.count() == 0
    db.close()
    assert run(db_path, "import", "contacts", FIXTURES / "outlook_desktop.csv") == 0
    assert "Imported: 4 created" in capsys.readouterr().out
    assert run(db_path, "import", "list") == 0
    listing = capsys.readouterr().out
    assert "outlook" in listing and "outlook_desktop.csv" in listing
    batch = listing.split()[0]
    assert run(db_path, "import", "undo", batch) == 0
    assert "4 contacts removed" in capsys.readouterr().out
    assert run(db_path, "import", "undo", batch) == 1
    assert "already undone" in capsys.readouterr().err


def test_nothing_importable_exits_1_with_reasons(db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(db_path, "import", "contacts", FIXTURES / "unclosed_quote.csv") == 1
    assert "quoted field is not closed" in capsys.readouterr().err
    assert run(db_path, "import", "contacts", FIXTURES / "no_end.vcf", "--format", "vcard") == 0
    capsys.readouterr()
    assert run(db_path, "import", "contacts", FIXTURES / "broken_card.vcf") == 0
    capsys.readouterr()
    bad = db_path.parent / "bad.csv"
    bad.write_text("First Name,Last Name,Notes,E-mail 1 - Value\n,,only a note,\n")
    assert run(db_path, "import", "contacts", bad) == 1
    err = capsys.readouterr().err
    assert "nothing could be imported" in err and "row 2" in err


def test_cli_prints_warnings_apart_from_errors(db_path, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "one.csv"
    sheet.write_text("First Name,Last Name,E-mail 1 - Value\nAda,Lovelace,not-an-email\n")
    assert run(db_path, "import", "contacts", sheet) == 0
    out = capsys.readouterr().out
    assert "0 rows with errors" in out
    assert "warning row 2: E-mail 'not-an-email' is not valid" in out


def test_mapping_save_and_use(db_path, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "board.csv"
    sheet.write_text("Who;Where;Mail\nAda Lovelace;Analytical Engines Ltd;ada@example.org\n")
    assert run(db_path, "import", "contacts", sheet, "--dry-run") == 1  # 'Who' is unknown
    capsys.readouterr()
    from coordinator.formats import mappings

    mappings.save_mapping("board", {"Who": "full_name", "Where": "organization",
                                    "Mail": "email"})
    assert run(db_path, "import", "contacts", sheet, "--mapping", "board") == 0
    assert "Imported: 1 created" in capsys.readouterr().out
    assert run(db_path, "import", "contacts", sheet, "--mapping", "nope") == 1
    assert "No saved column mapping named 'nope'" in capsys.readouterr().err


def test_exports(db_path, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database.open(db_path)
    Services(db).contacts.create(ContactData(given_name="Ada", family_name="Lovelace",
                                             emails=[EmailData("ada@example.org")]))
    db.close()
    for fmt, marker in (("csv", b"Coordinator ID"), ("outlook-csv", b"E-mail Address"),
                        ("vcard3", b"VERSION:3.0"), ("vcard4", b"VERSION:4.0")):
        target = tmp_path / f"contacts-{fmt}"
        assert run(db_path, "export", "contacts", "--format", fmt, "-o", target) == 0
        assert marker in target.read_bytes() and b"Lovelace" in target.read_bytes()
    assert run(db_path, "export", "organizations", "-o", tmp_path / "o.csv") == 0
    assert run(db_path, "export", "proposals", "--format", "csv") == 0
    assert run(db_path, "export", "meetings", "--format", "ics", "-o", tmp_path / "m.ics") == 0
    assert Calendar.from_ical((tmp_path / "m.ics").read_bytes())["version"] == "2.0"
    assert run(db_path, "export", "contacts", "--format", "xlsx") == 1
    assert "Unknown contact export format" in capsys.readouterr().err


def test_duplicates_merge_all_above(db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = Database.open(db_path)
    s = Services(db)
    for given in ("Ada", "ADA", "Adá"):
        s.contacts.create(ContactData(given_name=given, family_name="Lovelace",
                                      emails=[EmailData("ada@example.org")]))
    s.contacts.create(ContactData(given_name="Alan", family_name="Turing"))
    db.close()
    assert run(db_path, "duplicates") == 0
    out = capsys.readouterr().out
    assert "2 probable duplicate contacts" in out  # each against the oldest
    assert "[same email, same name, no organization]" in out
    assert run(db_path, "duplicates", "--merge-all-above", "90") == 0
    assert "Merged 2 pairs" in capsys.readouterr().out
    db = Database.open(db_path)
    assert Services(db).contacts.count() == 2
    db.close()


def test_import_into_a_database_with_data_backs_it_up_first(db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from coordinator.backups import BackupManager

    db = Database.open(db_path)
    Services(db).contacts.create(ContactData(given_name="Kept", family_name="Before",
                                             emails=[EmailData("kept@example.org")]))
    db.close()
    assert run(db_path, "import", "contacts", FIXTURES / "outlook_desktop.csv") == 0
    backups = BackupManager(db_path).list()
    assert [b.reason for b in backups] == ["before-import"]
    assert backups[0].counts and backups[0].counts["contacts"] == 1  # before the import


def test_cli_prints_an_uncertain_encoding_guess(db_path, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "russian.csv"
    sheet.write_bytes("First Name,Last Name\nСергей,Иванов\n".encode("koi8_r"))
    assert run(db_path, "import", "contacts", sheet, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "  warning file: The file is not UTF-8; its encoding was guessed" in out
