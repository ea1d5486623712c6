"""The do-not-contact flag: kept by the contact service, carried by CSV and vCard
exports and imports (ours round-trips; other files' "Do not email" columns are read),
never cleared by an import or a merge, and undone with them."""

from __future__ import annotations

import json

import pytest

from coordinator.db import Database
from coordinator.formats import batches, exports, importer
from coordinator.formats.merge import merge_contacts
from coordinator.formats.reader import parse_contacts
from coordinator.services import Services
from coordinator.services.records import ContactData, EmailData

FILENAMES = {"csv": "c.csv", "vcard3": "c.vcf", "vcard4": "c.vcf"}


def _flagged(services: Services) -> dict[str, bool]:
    return {r.full_name: services.contacts.get(r.id).do_not_contact
            for r in services.contacts.list().rows}


def test_service_keeps_the_flag(services, coalition) -> None:  # type: ignore[no-untyped-def]
    kwame = services.contacts.get(coalition["kwame"])
    assert kwame.do_not_contact is False
    kwame.do_not_contact = True
    assert services.contacts.update(kwame.id, kwame).do_not_contact is True
    assert services.contacts.get(kwame.id).do_not_contact is True
    assert [c.do_not_contact for c in services.contacts.get_many(
        [coalition["kwame"], coalition["zoe"]])] == [True, False]
    kwame.do_not_contact = False
    assert services.contacts.update(kwame.id, kwame).do_not_contact is False


def test_json_records_carry_the_flag(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    from coordinator.services.contact_records import iter_contact_records

    kwame = services.contacts.get(coalition["kwame"])
    kwame.do_not_contact = True
    services.contacts.update(kwame.id, kwame)
    with db.raw() as conn:
        records = list(iter_contact_records(conn, [coalition["kwame"], coalition["zoe"]]))
    assert [r["do_not_contact"] for r in records] == [True, False]
    json.dumps(records)


@pytest.mark.parametrize("fmt", ["csv", "vcard3", "vcard4"])
def test_export_and_import_elsewhere_keeps_the_flag(db, services, coalition, tmp_path,
                                                    fmt) -> None:  # type: ignore[no-untyped-def]
    zoe = services.contacts.get(coalition["zoe"])
    zoe.do_not_contact = True
    services.contacts.update(zoe.id, zoe)
    data = exports.export_contacts(db, fmt)
    other = Database.open(tmp_path / "elsewhere.db")
    try:
        parsed = parse_contacts(data, filename=FILENAMES[fmt])
        assert parsed.warnings == []
        importer.apply(other, parsed)
        assert _flagged(Services(other)) == _flagged(services)
        assert sum(_flagged(Services(other)).values()) == 1
    finally:
        other.close()
    # Into the same database: nothing to change.
    preview = importer.preview(db, parse_contacts(data, filename=FILENAMES[fmt]))
    assert (preview.new, preview.updated) == (0, 0)


def test_import_never_clears_the_flag_and_undo_restores(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    kwame = services.contacts.get(coalition["kwame"])
    data = exports.export_contacts(db, "csv", ids=[kwame.id])  # exported unflagged
    kwame.do_not_contact = True
    services.contacts.update(kwame.id, kwame)
    preview = importer.preview(db, parse_contacts(data, filename="c.csv"))
    assert (preview.updated, preview.unchanged) == (0, 1)  # an empty cell clears nothing
    assert services.contacts.get(kwame.id).do_not_contact is True
    # A file that flags an unflagged contact sets it; undoing the import clears it again.
    zoe_csv = ("Coordinator ID,Given Name,Family Name,Do Not Contact\r\n"
               f"{coalition['zoe']},Zoë,Martínez-López,yes\r\n").encode()
    report = importer.apply(db, parse_contacts(zoe_csv, filename="z.csv"))
    assert report.updated == 1
    assert services.contacts.get(coalition["zoe"]).do_not_contact is True
    batches.undo_batch(db, report.batch_id)
    assert services.contacts.get(coalition["zoe"]).do_not_contact is False


def test_other_files_columns_are_read(services) -> None:  # type: ignore[no-untyped-def]
    raw = (b"Name,Email,Do not email\r\n"
           b"Ana Ruiz,ana@example.org,Yes\r\n"
           b"Ben Cole,ben@example.org,no\r\n"
           b"Cy Diaz,cy@example.org,\r\n"
           b"Di Egan,di@example.org,maybe later\r\n")
    parsed = parse_contacts(raw, filename="list.csv")
    assert parsed.mapping["Do not email"] == "do_not_contact"
    flags = {pc.data.given_name: pc.data.do_not_contact for pc in parsed.contacts}
    assert flags == {"Ana": True, "Ben": False, "Cy": False, "Di": True}
    # The unclear one is flagged to be safe, and the user is told where.
    assert [str(w) for w in parsed.warnings if "maybe later" in str(w)] and all(
        "row" in str(w) or "line" in str(w) for w in parsed.warnings)


def test_our_layout_reads_every_form_on_every_path() -> None:
    """Many rows take the fast path; an unclear value takes the general one: both agree."""
    rows = [f"id{i},Ana{i},Ruiz,{value}" for i, value in enumerate(
        ["yes", "", "TRUE", "no", "x", "0", "perhaps"] * 30)]
    raw = ("Coordinator ID,Given Name,Family Name,Do Not Contact\r\n"
           + "\r\n".join(rows) + "\r\n").encode()
    parsed = parse_contacts(raw, filename="c.csv")
    assert parsed.format == "coordinator"
    flags = [pc.data.do_not_contact for pc in parsed.contacts]
    assert flags == [True, False, True, False, True, False, True] * 30
    assert sum("perhaps" in str(w) for w in parsed.warnings) == 30


def test_vcard_reads_an_unclear_value_as_flagged() -> None:
    card = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nN:Ruiz;Ana;;;\r\n"
            b"X-COORDINATOR-DO-NOT-CONTACT:sometimes\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Cole\r\nN:Cole;Ben;;;\r\n"
            b"X-COORDINATOR-DO-NOT-CONTACT:FALSE\r\nEND:VCARD\r\n")
    parsed = parse_contacts(card, filename="c.vcf")
    assert [pc.data.do_not_contact for pc in parsed.contacts] == [True, False]
    assert any("sometimes" in str(w) for w in parsed.warnings)


def test_merge_keeps_the_flag_of_either(db, services) -> None:  # type: ignore[no-untyped-def]
    a = services.contacts.create(ContactData(given_name="Ana", family_name="Ruiz",
                                             emails=[EmailData("ana@example.org")]))
    b = services.contacts.create(ContactData(given_name="Ana", family_name="Ruiz",
                                             emails=[EmailData("ana.r@example.org")],
                                             do_not_contact=True))
    report = merge_contacts(db, a.id, b.id)
    assert services.contacts.get(a.id).do_not_contact is True
    batches.undo_batch(db, report.batch_id)
    assert services.contacts.get(a.id).do_not_contact is False
    assert services.contacts.get(b.id).do_not_contact is True


def test_meeting_calendar_lists_no_address_of_a_flagged_attendee(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    from icalendar import Calendar

    kwame = services.contacts.get(coalition["kwame"])
    kwame.do_not_contact = True
    services.contacts.update(kwame.id, kwame)
    data = exports.export_meetings(db, meeting_id=coalition["meeting"])
    [event] = Calendar.from_ical(data).walk("VEVENT")
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert {str(a) for a in attendees} == {"mailto:zoe.martinez@plano.example.org"}
    assert b"kwame.mensah@" not in data


def test_the_row_as_dict_converter_agrees_with_the_positional_one() -> None:
    """`google_row` (a row as a dict) and `google_indexed` (cells by position) read the
    column alike."""
    from coordinator.formats import csv_layouts
    from coordinator.formats.parsed import ParsedContact
    from coordinator.services.records import ContactData

    headers = ["Coordinator ID", "Given Name", "Family Name", "Do Not Contact"]
    indexed = csv_layouts.google_indexed(headers)
    assert indexed is not None
    for value, flag in (("yes", True), ("", False), ("No", False), ("maybe", True)):
        cells = ["a1", "Ana", "Ruiz", value]
        by_dict = ParsedContact("row 1", 1, ContactData())
        csv_layouts.google_row(dict(zip(headers, cells, strict=True)), by_dict)
        by_position = ParsedContact("row 1", 1, ContactData())
        indexed([*cells, ""], by_position)
        assert by_dict.data.do_not_contact is by_position.data.do_not_contact is flag
        assert by_dict.warnings == by_position.warnings and bool(by_dict.warnings) == (
            value == "maybe")
