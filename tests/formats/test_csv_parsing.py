"""Reading CSV layouts from hand-written fixtures: every quirk the real exports have."""

from __future__ import annotations

import codecs

import pytest
from email_validator import EmailNotValidError, validate_email

from coordinator.formats import mappings
from coordinator.formats.csv_import import parse_csv, sniff_delimiter
from coordinator.formats.encoding import decode_text, neutralise_cell, restore_cell
from coordinator.formats.fields import birthday_of, check_email, label_of, split_full_name
from coordinator.formats.parsed import UnreadableFile
from coordinator.formats.reader import parse_contacts


def by_name(result, given):  # type: ignore[no-untyped-def]
    return next(c for c in result.contacts if c.data.given_name == given)


def test_google_current_layout(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_csv(fixture_bytes("google.csv"))
    assert result.format == "google"
    zoe = by_name(result, "Zoë")
    d = zoe.data
    assert (d.prefix, d.family_name, d.title) == ("Dr.", "Martínez-López",
                                                  "Smart City Program Manager")
    assert zoe.organization == "City of Plano"
    # ' ::: ' joins several values; '* ' marks the primary one
    assert [(e.address, e.label, e.is_primary) for e in d.emails] == [
        ("zoe.martinez@plano.example.org", "work", True),
        ("zmartinez@example.org", "work", False),
        ("zoe.ml@example.org", "home", False)]
    assert [p.e164 for p in d.phones] == ["+19725550142", "+19725550100", "+19725550101"]
    assert d.phones[0].label == "mobile"
    assert d.birthday == "--03-07"  # no year
    assert d.tags == ["NTXIA", "Mobility"]  # '* myContacts' is a system label
    assert d.notes.startswith('Met at the NTXIA summit, "Mobility Day".\nPrefers email.')
    assert "Department: Innovation" in d.notes
    assert d.addresses[0].street == "1520 K Ave\nSuite 300"
    assert (d.addresses[0].city, d.addresses[0].region) == ("Plano", "TX")
    assert d.website == "https://www.plano.example.org/smartcity"
    marcus = by_name(result, "Marcus")
    assert (marcus.data.middle_name, marcus.data.suffix, marcus.data.nickname) == (
        "J.", "Jr.", "Marc")
    assert marcus.data.tags == ["Broadband"]  # '* starred' dropped too
    assert marcus.data.birthday == "1980-11-23"
    luis = by_name(result, "Luis")
    assert luis.data.notes == '=HYPERLINK("http://x")'  # kept as text, never evaluated
    assert luis.data.phones[0].raw == "ext. 4471 (front desk)"
    assert luis.data.phones[0].e164 is None  # kept as typed, not rejected


def test_google_company_row_becomes_organization(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_csv(fixture_bytes("google.csv"))
    orgs = [c for c in result.contacts if c.is_organization]
    assert [o.organization for o in orgs] == ["Frisco Economic Development Corp"]


def test_google_invalid_email_kept_in_notes_with_row_number(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_csv(fixture_bytes("google.csv"))
    assert result.errors == []
    [warning] = result.warnings
    # the multi-line note in row 2 makes the physical line differ from the row
    assert warning.where == "row 5 (line 7)"
    assert "priya.raman@@unt.example.org" in warning.reason
    priya = next(c for c in result.contacts if c.data.given_name == "Priya")
    assert (priya.data.family_name, priya.organization, priya.data.title) == (
        "Raman", "University of North Texas", "Research Associate")
    assert priya.data.emails == []
    assert priya.data.notes == "E-mail: priya.raman@@unt.example.org"


def test_google_email_spelling_and_star_on_later_block(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_csv(fixture_bytes("google_email_spelling.csv"))
    assert result.format == "google"
    emails = result.contacts[0].data.emails
    assert [e.address for e in emails] == ["aiyana.whitehorse@pima.example.org",
                                           "aiyana@example.org", "a.whitehorse@example.org"]
    assert [e.is_primary for e in emails] == [False, False, True]


def test_google_legacy_utf16(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    raw = fixture_bytes("google_legacy_utf16.csv")
    assert raw.startswith(codecs.BOM_UTF16_LE)
    result = parse_csv(raw)
    assert result.format == "google-legacy"
    assert result.encoding == "utf-16"
    soren = by_name(result, "Søren")
    assert soren.data.family_name == "Østergaard"
    assert soren.organization == "City and County of Denver"
    assert soren.data.title == "Chief Data Officer"
    assert soren.data.tags == ["CSCA"]  # '* My Contacts' dropped
    assert soren.data.emails[0].is_primary
    assert soren.data.birthday == "1975-06-02"
    assert by_name(result, "Amélie").organization == "Colorado State University"


def test_outlook_desktop_cp1252(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    raw = fixture_bytes("outlook_desktop.csv")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    result = parse_csv(raw)
    assert (result.format, result.encoding) == ("outlook", "cp1252")
    renee = by_name(result, "Renée")
    d = renee.data
    assert (d.prefix, d.family_name, renee.organization) == ("Ms.", "Côté", "City of Arlington")
    assert d.notes == "Pilot lead for the “RAPID” shuttle.\nBudget owner – ask before March."
    assert d.tags == ["NTXIA", "Autonomous Vehicles"]
    assert d.birthday == "1975-03-07"
    assert {p.label for p in d.phones} == {"work", "mobile", "work fax"}
    assert d.addresses[0].street == "101 W Abram St\nFloor 3"
    assert by_name(result, "José").data.birthday == ""  # Outlook's 0/0/00


def test_outlook_exchange_addresses(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_csv(fixture_bytes("outlook_desktop.csv"))
    jose, hannah, wei = (by_name(result, n) for n in ("José", "Hannah", "Wei"))
    # EX path replaced by the SMTP address found in the display name
    assert [e.address for e in jose.data.emails] == ["jose.nunez@denton.example.org"]
    assert jose.warnings and "Exchange" in jose.warnings[0]
    # EX only: imported without an email, and flagged
    assert hannah.data.emails == []
    assert "not an email address" in hannah.warnings[0]
    # EX first, SMTP second: the second address is used
    assert [e.address for e in wei.data.emails] == ["w-zhang@tti.example.org"]
    assert wei.data.tags == ["Research", "Mobility"]
    assert not any("/o=" in e.address for c in result.contacts for e in c.data.emails)
    assert len(result.warnings) == 3


def test_outlook_com_layout(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    raw = fixture_bytes("outlook_com.csv")
    assert raw.startswith(codecs.BOM_UTF8)
    result = parse_csv(raw)
    assert (result.format, result.encoding) == ("outlook.com", "utf-8 with BOM")
    assert len(result.headers) == 61
    kat = by_name(result, "Kateryna")
    assert kat.organization == "City of Kansas City, Missouri"
    assert kat.data.nickname == "Katya"
    assert [e.address for e in kat.data.emails] == ["kateryna.b@kcmo.example.org",
                                                   "katya@example.org"]
    assert kat.data.addresses[0].region == "MO"
    assert by_name(result, "Tomás").data.title == "Chief Information Officer"


def test_generic_semicolon_csv_with_guessed_mapping(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_csv(fixture_bytes("generic_semicolon.csv"))
    assert result.format == "csv"
    assert result.mapping["Organisation"] == "organization"
    assert result.mapping["Work Phone"] == "phone"
    ana = by_name(result, "Ana")
    assert (ana.data.prefix, ana.data.middle_name, ana.data.family_name) == (
        "Dr.", "María", "Gutiérrez")
    assert ana.data.tags == ["SASR", "Water"]
    chidi = by_name(result, "Chidi")  # "Okafor, Chidi"
    assert chidi.data.family_name == "Okafor"


def test_excel_unicode_text_is_utf16_with_tabs(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_contacts(fixture_bytes("excel_unicode_text.txt"), filename="x.txt")
    assert result.encoding == "utf-16"
    c = result.contacts[0]
    assert (c.data.given_name, c.data.family_name) == ("Nguyễn", "Thị Hương")
    assert c.data.phones[0].label == "mobile"


def test_one_column_csv(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    raw = fixture_bytes("one_column.csv")
    assert sniff_delimiter(raw.decode()) == ","
    result = parse_csv(raw)
    assert [(c.data.given_name, c.data.family_name) for c in result.contacts] == [
        ("Jane", "Public"), ("John", "Citizen")]


def test_saved_mapping_round_trip_and_automatic_use() -> None:
    raw = b"Person;Employer;Mail\nAda Lovelace;Analytical Engines Ltd;ada@example.org\n"
    mapping = {"Person": "full_name", "Employer": "organization", "Mail": "email:home"}
    mappings.save_mapping("Board list", mapping)
    assert mappings.list_mappings() == ["Board list"]
    assert mappings.load_mapping("Board list") == mapping
    result = parse_csv(raw)  # no mapping given: the saved one matches these columns
    assert result.mapping == mapping
    assert result.contacts[0].data.emails[0].label == "home"
    assert result.contacts[0].organization == "Analytical Engines Ltd"


def test_unusable_mapping_is_refused() -> None:
    with pytest.raises(UnreadableFile, match="not recognised"):
        parse_csv(b"Foo,Bar\n1,2\n")
    with pytest.raises(Exception, match="Unknown field"):
        mappings.save_mapping("bad", {"A": "shoe_size"})


@pytest.mark.parametrize("name, message", [
    ("unclosed_quote.csv", "line 2: a quoted field is not closed"),
    ("binary_junk.csv", "not a text file"),
    ("empty.csv", "empty"),
])
def test_malformed_csv_gives_clear_error(fixture_bytes, name, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableFile, match=message):
        parse_csv(fixture_bytes(name))


def test_row_with_too_many_cells_is_an_error() -> None:
    result = parse_csv(b"First Name,Last Name,Labels\nAda,Lovelace,x,EXTRA\nAlan,Turing,\n")
    assert [e.where for e in result.errors] == ["row 2"]
    assert len(result.contacts) == 1


def test_encodings() -> None:
    text = "First Name,Last Name\nRenée,Côté\n"
    for raw, expected in ((text.encode("utf-8"), "utf-8"),
                          (codecs.BOM_UTF8 + text.encode(), "utf-8 with BOM"),
                          (text.encode("utf-16"), "utf-16"),
                          (text.encode("utf-16-le"), "utf-16-le"),
                          (text.encode("cp1252"), "cp1252")):
        decoded, encoding = decode_text(raw)
        assert decoded == text and encoding == expected


@pytest.mark.parametrize("value", ["=SUM(A1)", "+1+cmd", "-5", "@cmd", "\tx", "\rx",
                                   "+1-800-FLOWERS", "+12345", "-1 972 555 0100"])
def test_formula_neutralisation_round_trip(value: str) -> None:
    assert neutralise_cell(value).startswith("'")
    assert restore_cell(neutralise_cell(value)) == value
    assert restore_cell("'quoted on purpose") == "'quoted on purpose"


def test_labels_birthdays_and_names() -> None:
    assert label_of("* Work") == ("work", True)
    assert label_of("_$!<Mobile>!$_") == ("mobile", False)
    assert label_of("WORK,FAX") == ("work fax", False)
    assert label_of("Board") == ("Board", False)
    assert birthday_of("--0414") == "--04-14"
    assert birthday_of("1604-04-14") == "--04-14"
    assert birthday_of("3/7/1975") == "1975-03-07"
    assert birthday_of("14/07/1979") == "1979-07-14"  # day first: French, Spanish exports
    assert birthday_of("24.12.1975") == "1975-12-24"  # German
    assert birthday_of("19750307") == "1975-03-07"
    assert birthday_of("0/0/00") == ""
    assert birthday_of("sometime in May") is None
    assert birthday_of("2023-02-30") is None
    assert split_full_name("Dr. Jane Q. Public Jr.") == {
        "prefix": "Dr.", "given_name": "Jane", "middle_name": "Q.", "family_name": "Public",
        "suffix": "Jr."}
    assert split_full_name("Public, Jane") == {"family_name": "Public", "given_name": "Jane"}


@pytest.mark.parametrize("address", [
    "jane@example.org", "Jane.Doe+tag@Sub.Example.ORG", "a@b.co", "x@localhost",
    "x@site.test", "x@site.invalid", "a..b@example.org", ".a@example.org", "a@-x.example.org",
    "a@example", "ü@example.org", "jane@exämple.org", "a@b.c", "first_last@example.museum",
    "x" * 65 + "@example.org", "a@" + "b" * 64 + ".org",
])
def test_fast_email_check_agrees_with_email_validator(address: str) -> None:
    ours, problem = check_email(address)
    try:
        expected = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    assert (problem is None) == (expected is not None)
    if expected is not None:
        assert ours == expected


def test_peek_for_the_mapping_dialog(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    from coordinator.formats.csv_import import peek_csv

    peek = peek_csv(fixture_bytes("generic_semicolon.csv"), rows=1)
    assert peek.layout == "csv"
    assert peek.headers[:3] == ["Name", "Organisation", "Role"]
    assert peek.rows == [["Dr. Ana María Gutiérrez", "City of Tucson", "Chief Resilience Officer",
                          "ana.gutierrez@tucson.example.org", "(520) 555-0161", "Tucson", "AZ",
                          "SASR, Water"]]
    assert peek.guessed["Role"] == "title" and peek.guessed["State"] == "region"
    assert peek_csv(fixture_bytes("google.csv")).layout == "google"


def test_parsing_reports_progress_and_can_be_cancelled() -> None:
    from coordinator.formats.parsed import ImportCancelled

    rows = "".join(f"Ada{i},Lovelace,ada{i}@example.org\n" for i in range(1200))
    raw = ("First Name,Last Name,E-mail 1 - Value\n" + rows).encode()
    seen: list[tuple[int, int]] = []
    result = parse_csv(raw, progress=lambda done, total: seen.append((done, total)))
    assert len(result.contacts) == 1200
    assert seen[0] == (0, 1200) and seen[-1] == (1200, 1200)
    with pytest.raises(ImportCancelled):
        parse_csv(raw, progress=lambda d, t: seen.append((d, t)), cancelled=lambda: True)


@pytest.mark.parametrize("value", ["-", "'-", "''=x", "=1+1", "'a", "'", "'+12145550142",
                                   "\tx"])
def test_formula_neutralising_round_trips_exactly(value: str) -> None:
    """Found by the property test: a value that already looks neutralised ("'-") must
    come back as itself, not lose its apostrophe."""
    from coordinator.formats.encoding import FORMULA_STARTS, neutralise_cell, restore_cell

    cell = neutralise_cell(value)
    assert not cell.startswith(FORMULA_STARTS)
    assert restore_cell(cell) == value


@pytest.mark.parametrize("phone", ["+491622433834", "+49 162 2433834", "+1 (972) 555-0100",
                                   "+44 20 7946 0958", "+1-520-555-0188", "+33 1.23.45.67.89"])
def test_phone_numbers_are_not_neutralised(phone: str) -> None:
    """Outlook and Google keep the apostrophe as part of the number: a phone is not a
    formula, and a spreadsheet reads it as a number at worst."""
    from coordinator.formats.encoding import neutralise_cell, restore_cell

    assert neutralise_cell(phone) == phone
    assert restore_cell(phone) == phone


def test_outlook_row_without_a_name_takes_the_email_display_name() -> None:
    raw = ('"First Name","Last Name","E-mail Address","E-mail Type","E-mail Display Name"\r\n'
           '"","","anna.mueller@example.org","SMTP","Anna Müller (anna.mueller@example.org)"'
           '\r\n"","","x9@example.org","SMTP","x9@example.org"\r\n').encode()
    result = parse_csv(raw)
    assert result.format == "outlook" and result.errors == []
    anna, other = result.contacts
    assert (anna.data.given_name, anna.data.family_name, anna.warnings) == (
        "Anna", "Müller", [])
    assert other.data.given_name == "x9" and "check it" in other.warnings[0]
