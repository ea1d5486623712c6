"""CSV files as other programs write them: lines above the header row (LinkedIn's
Connections.csv opens with "Notes:" and a paragraph; spreadsheet reports carry a title),
found and passed over without ever taking a person's row for one; Mailchimp's quoted
tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.formats.csv_import import parse_csv, sniff_delimiter
from coordinator.formats.parsed import UnreadableFile
from coordinator.formats.preamble import PREAMBLE_ROWS

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def people(raw: bytes) -> list[tuple[str, str, str, str, list[str]]]:
    result = parse_csv(raw)
    assert not result.errors, [str(e) for e in result.errors]
    return [(c.data.given_name, c.data.family_name, c.organization, c.data.title,
             [e.address for e in c.data.emails]) for c in result.contacts]


def test_linkedin_connections_are_read_below_their_notes() -> None:
    raw = (FIXTURES / "linkedin_connections.csv").read_bytes()
    result = parse_csv(raw)
    assert result.headers[:2] == ["First Name", "Last Name"]
    assert people(raw) == [
        ("Ana", "López", "City and County of Denver", "Smart City Lead", ["ana@denvergov.org"]),
        ("Bob", "Smith", "Acme Corp", "Director, Innovation", []),
        ("Chidi", "Okafor", "Tempe, City of", "Program Manager", []),
    ]
    assert result.contacts[0].data.website == "https://www.linkedin.com/in/ana-lopez"
    # rows are counted from the header and lines from the top of the file
    assert [c.where for c in result.contacts][:1] == ["row 2 (line 5)"]


def test_a_title_line_above_a_semicolon_header() -> None:
    raw = (b"Member contacts exported 2026-11-30\n\nName;E-mail;Organisation\n"
           b"Ana Lopez;ana@example.org;City of Denver\n"
           b"Bob Smith;bob@example.org;Acme\n")
    assert sniff_delimiter(raw.decode()) == ";"
    assert people(raw) == [("Ana", "Lopez", "City of Denver", "", ["ana@example.org"]),
                           ("Bob", "Smith", "Acme", "", ["bob@example.org"])]


def test_a_one_column_file_keeps_every_row() -> None:
    """A stray unquoted comma in a one-column file is not a header below a preamble:
    the row is not as wide as the next one."""
    raw = b"Name\nAna Lopez\nBob Smith\nSmith, John\nCarla Diaz\n"
    result = parse_csv(raw)
    assert result.headers == ["Name"]
    names = [c.data.family_name for c in result.contacts]
    assert names[:2] == ["Lopez", "Smith"] and "Diaz" in names
    # the odd row is reported, not silently dropped, and nothing above it is lost
    assert len(result.contacts) + len(result.errors) == 4


def test_a_title_with_a_comma_above_a_semicolon_file_is_refused_clearly() -> None:
    """The delimiter is counted on the first line holding one: here the title's comma.
    The file is refused with the reason, and nothing is imported."""
    raw = b"Members, by region\nName;E-mail\nAna Lopez;ana@example.org\n"
    with pytest.raises(UnreadableFile, match="columns of this CSV file were not recognised"):
        parse_csv(raw)


def test_a_title_line_above_a_file_without_a_header() -> None:
    """A single-cell line and a blank line above rows of data: the data is read as a
    file without a header row (columns known by their values), the title left out."""
    raw = b"Exported\n\nAna Lopez,ana@example.org\nBob Smith,bob@example.org\n"
    assert people(raw) == [("Ana", "Lopez", "", "", ["ana@example.org"]),
                           ("Bob", "Smith", "", "", ["bob@example.org"])]


def test_a_last_row_with_a_stray_comma_is_not_a_header() -> None:
    raw = b"Name\nAna Lopez\n\nSmith, John\n"
    result = parse_csv(raw)
    assert result.headers == ["Name"]
    assert len(result.contacts) + len(result.errors) == 2


def test_only_the_first_lines_can_be_a_preamble() -> None:
    lines = "".join(f"line {i}\n" for i in range(PREAMBLE_ROWS + 3))
    raw = (lines + "Name,Email\nAna Lopez,ana@example.org\n").encode()
    with pytest.raises(UnreadableFile, match="columns of this CSV file were not recognised"):
        parse_csv(raw)  # too far down to be a preamble: "line 0" is the header


def test_the_cli_names_the_columns_it_does_not_import(db_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    file = FIXTURES / "linkedin_connections.csv"
    assert main(["--db", str(db_path), "import", "contacts", str(file)]) == 0
    out = capsys.readouterr().out
    assert "Imported: 3 created" in out
    assert "Not imported (no matching field; choose one with --mapping): Connected On" in out


def test_mailchimp_quoted_tags_keep_their_commas() -> None:
    """Mailchimp's audience export quotes each tag inside the TAGS cell."""
    raw = (b'Email Address,First Name,Last Name,Company,TAGS\r\n'
           b'ana@example.org,Ana,Lopez,City of Denver,'
           b'"""Smart cities"",""Water, energy"",Parks"\r\n')
    result = parse_csv(raw)
    assert [c.data.tags for c in result.contacts] == [["Smart cities", "Water, energy", "Parks"]]


def test_yahoo_phone_columns_named_only_home_work_fax_are_read_by_their_values() -> None:
    """Yahoo names its phone columns "Home", "Work", "Fax", "Mobile": no field's name
    fits them, so what they hold decides (labelled by the column's name)."""
    result = parse_csv((FIXTURES / "yahoo.csv").read_bytes())
    assert result.mapping is not None
    assert result.mapping["Home"] == "phone:home" and result.mapping["Work"] == "phone"
    assert result.mapping["Fax"] == "phone:fax" and result.mapping["Yahoo! ID"] == "ignore"
    ana, bob = result.contacts
    assert [(p.raw, p.label) for p in ana.data.phones] == [
        ("303-555-0199", "home"), ("303-555-0100", "work"), ("303-555-0102", "fax"),
        ("720-555-0101", "mobile")]
    assert [e.address for e in ana.data.emails] == ["ana@denvergov.org", "ana@gmail.com"]
    assert (ana.organization, ana.data.title, ana.data.family_name) == (
        "City and County of Denver", "Smart City Lead", "López")
    assert [(p.raw, p.label) for p in bob.data.phones] == [("(480) 555-0140", "work")]
    # "Personal Website" took the website field; Bob's business site is kept in his notes
    assert bob.data.website == "" and "https://acme.example" in bob.data.notes


def test_a_named_column_of_mixed_values_stays_unmapped() -> None:
    raw = (b"Name,Reference\r\nAna Lopez,303-555-0100\r\nBob Smith,see file 7\r\n")
    result = parse_csv(raw)
    assert result.mapping == {"Name": "full_name", "Reference": "ignore"}
