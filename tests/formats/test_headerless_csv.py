"""A CSV file without a header row: its first row is a person, not column names.

It used to become the header: that person was left out of the import, and
`--save-mapping` wrote their name, email and phone into the mapping file. Now the
columns are "Column 1", "Column 2"... guessed from their values, the first row is
imported, and a saved mapping holds column positions only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.errors import CoordinatorError
from coordinator.formats import csv_import, mappings
from coordinator.formats.reader import parse_contacts
from coordinator.services import Services

PEOPLE = [("Ada Lovelace", "ada.lovelace@example.org", "+1 214 555 0100"),
          ("Grace Hopper", "grace.hopper@example.org", "+1 214 555 0101"),
          ("Alan Turing", "alan.turing@example.org", "+1 214 555 0102")]


def headerless(people: list[tuple[str, str, str]] = PEOPLE) -> bytes:
    return "".join(f"{n},{e},{p}\r\n" for n, e, p in people).encode()


def run(db_path: Path, *args: object) -> int:
    return main(["--db", str(db_path), *map(str, args)])


def test_first_row_is_a_person_and_columns_are_positions() -> None:
    parsed = parse_contacts(headerless(), filename="people.csv")
    assert parsed.errors == []
    assert parsed.headers == ["Column 1", "Column 2", "Column 3"]
    assert parsed.mapping == {"Column 1": "full_name", "Column 2": "email", "Column 3": "phone"}
    assert [(c.where, c.display) for c in parsed.contacts] == [
        ("row 1", "Ada Lovelace"), ("row 2", "Grace Hopper"), ("row 3", "Alan Turing")]
    assert [e.address for e in parsed.contacts[0].data.emails] == ["ada.lovelace@example.org"]
    assert [p.raw for p in parsed.contacts[0].data.phones] == ["+1 214 555 0100"]


def test_first_and_last_name_columns_and_extra_text_go_to_notes() -> None:
    raw = b"Ada,Lovelace,ada@example.org,Met at the expo\nGrace,Hopper,grace@example.org,\n"
    parsed = parse_contacts(raw, filename="people.csv")
    assert parsed.mapping == {"Column 1": "given_name", "Column 2": "family_name",
                              "Column 3": "email", "Column 4": "notes"}
    ada = parsed.contacts[0].data
    assert (ada.given_name, ada.family_name, ada.notes) == ("Ada", "Lovelace",
                                                           "Met at the expo")


def test_a_file_with_a_header_row_is_read_as_before() -> None:
    parsed = parse_contacts(b"Name,Email\nAda Lovelace,ada@example.org\n", filename="x.csv")
    assert parsed.headers == ["Name", "Email"]
    assert [(c.where, c.display) for c in parsed.contacts] == [("row 2", "Ada Lovelace")]


def test_the_pooled_parse_leaves_a_headerless_file_to_the_plain_one() -> None:
    text = headerless().decode()
    assert csv_import._parse_pooled(text, "utf-8", ",", None, None, None) is None


def test_save_mapping_from_the_cli_stores_no_personal_data(db_path: Path, capsys,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_bytes(headerless())
    assert run(db_path, "import", "contacts", sheet, "--save-mapping", "people") == 0
    out = capsys.readouterr().out
    assert "Imported: 3 created" in out
    saved = next(mappings.mappings_dir().glob("*.json")).read_text(encoding="utf-8")
    for name, email, phone in PEOPLE:
        for value in (name, email, phone, name.split()[0], email.split("@")[0]):
            assert value not in saved
    assert json.loads(saved)["columns"] == {
        "Column 1": "full_name", "Column 2": "email", "Column 3": "phone"}
    db = Database.open(db_path)
    try:
        names = sorted(r.full_name for r in Services(db).contacts.list().rows)
    finally:
        db.close()
    assert names == sorted(n for n, _, _ in PEOPLE)
    # the saved mapping reads another file of the same shape
    other = tmp_path / "more.csv"
    other.write_bytes(headerless([("Katherine Johnson", "kj@example.org", "+1 214 555 0103")]))
    assert run(db_path, "import", "contacts", other, "--mapping", "people", "--dry-run") == 0
    assert "1 new contacts" in capsys.readouterr().out


def test_a_mapping_keyed_by_a_persons_data_is_refused() -> None:
    with pytest.raises(CoordinatorError, match="look like a person's data"):
        mappings.save_mapping("oops", {"Ada Lovelace": "full_name",
                                       "ada@example.org": "email"})
    assert mappings.list_mappings() == []
