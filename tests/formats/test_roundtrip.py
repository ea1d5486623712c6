"""Export then import again: nothing new is created and no supported field is lost."""

from __future__ import annotations

import csv
import io

import pytest

from coordinator.db import Database
from coordinator.formats import exports, importer
from coordinator.formats.reader import parse_contacts
from coordinator.services import Services
from coordinator.services.proposals import ProposalFilter
from coordinator.services.records import PartnerData, ProposalData

NAME_FIELDS = ("prefix", "given_name", "middle_name", "family_name", "suffix", "nickname",
               "title", "website", "birthday", "notes", "organization_name")
FIELDS = {
    "csv": (*NAME_FIELDS, "pronouns", "last_contacted_on", "consortium_short_name"),
    "vcard3": (*NAME_FIELDS, "pronouns"),
    "vcard4": (*NAME_FIELDS, "pronouns"),
    "outlook-csv": NAME_FIELDS,
}
FILENAMES = {"csv": "c.csv", "outlook-csv": "o.csv", "vcard3": "c.vcf", "vcard4": "c.vcf"}


def contacts_by_name(services: Services) -> dict[str, object]:
    return {r.full_name: services.contacts.get(r.id) for r in services.contacts.list().rows}


@pytest.mark.parametrize("fmt", ["csv", "outlook-csv", "vcard3", "vcard4"])
def test_reimport_into_same_database_creates_nothing(db, services, coalition, fmt) -> None:  # type: ignore[no-untyped-def]
    data = exports.export_contacts(db, fmt)
    preview = importer.preview(db, parse_contacts(data, filename=FILENAMES[fmt]))
    assert preview.errors == []
    assert (preview.new, preview.updated, preview.new_organizations) == (0, 0, [])
    assert preview.unchanged + len(preview.duplicates) == 3
    # a probable duplicate may only be the very contact that was exported (no email/id)
    for row in preview.duplicates:
        assert row.contact_id == coalition["solo"]


@pytest.mark.parametrize("fmt", ["csv", "outlook-csv", "vcard3", "vcard4"])
def test_import_into_new_database_loses_no_supported_field(db, services, coalition, tmp_path,
                                                           fmt) -> None:  # type: ignore[no-untyped-def]
    data = exports.export_contacts(db, fmt)
    other_db = Database.open(tmp_path / "elsewhere.db")
    try:
        report = importer.apply(other_db, parse_contacts(data, filename=FILENAMES[fmt]))
        assert report.created == 3
        before, after = contacts_by_name(services), contacts_by_name(Services(other_db))
        assert set(before) == set(after)
        for name, old in before.items():
            new = after[name]
            for field in FIELDS[fmt]:
                assert getattr(new, field) == getattr(old, field), (fmt, name, field)
            assert [(e.address, e.is_primary) for e in new.emails] == [
                (e.address, e.is_primary) for e in old.emails]
            assert sorted(p.raw for p in new.phones) == sorted(p.raw for p in old.phones)
            assert sorted(new.tags) == sorted(old.tags)
            assert [(a.street, a.city, a.region, a.postal_code, a.country)
                    for a in new.addresses] == [(a.street, a.city, a.region, a.postal_code,
                                                 a.country) for a in old.addresses]
            if fmt != "outlook-csv":  # Outlook has fixed slots, not labels
                assert [e.label for e in new.emails] == [e.label for e in old.emails]
                assert sorted(p.label for p in new.phones) == sorted(p.label for p in old.phones)
                assert [a.label for a in new.addresses] == [a.label for a in old.addresses]
    finally:
        other_db.close()


def test_csv_export_neutralises_formulas_and_import_restores(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    data = exports.export_contacts(db, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    zoe = next(r for r in rows if r["Given Name"] == "Zoë")
    assert zoe["Notes"].startswith("'=SUM(A1:A9)")
    assert zoe["Nickname"] == "'@zoe"
    assert zoe["Title"] == "'-Program Manager, Mobility"
    assert zoe["Birthday"] == "'--03-07"
    assert zoe["Phone 1 - Value"] == "+1 972-555-0142"  # a phone is not a formula
    for row in rows:
        for column, value in row.items():
            if "Phone" not in column:
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    parsed = parse_contacts(data, filename="c.csv")
    back = next(c for c in parsed.contacts if c.data.given_name == "Zoë").data
    assert back.notes.startswith("=SUM(A1:A9)") and back.nickname == "@zoe"
    assert back.phones[0].raw == "+1 972-555-0142"


def test_private_notes_only_when_asked(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    zoe = services.contacts.get(coalition["zoe"])
    zoe.private_notes = "Salary band: confidential"
    services.contacts.update(zoe.id, zoe)
    assert b"Salary band" not in exports.export_contacts(db, "csv")
    assert b"Salary band" in exports.export_contacts(db, "csv", include_private=True)


def test_selection_and_filter(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    from coordinator.reference import CONSORTIA
    from coordinator.services import ContactFilter

    one = exports.export_contacts(db, "vcard4", ids=[coalition["kwame"]])
    assert one.count(b"BEGIN:VCARD") == 1 and b"Mensah" in one
    ntxia = next(c.id for c in CONSORTIA if c.short_name == "NTXIA")
    filtered = exports.export_contacts(db, "vcard3",
                                       contact_filter=ContactFilter(consortium_id=ntxia))
    assert filtered.count(b"BEGIN:VCARD") == 1 and "Martínez".encode() in filtered


def test_vcard4_lines_are_folded_at_75_octets(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    zoe = services.contacts.get(coalition["zoe"])
    zoe.notes = "Ünïcödé " * 40
    services.contacts.update(zoe.id, zoe)
    data = exports.export_contacts(db, "vcard4")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # never split inside a character
    back = parse_contacts(data, filename="x.vcf")
    assert next(c for c in back.contacts if c.data.given_name == "Zoë").data.notes == (
        zoe.notes.strip())


def test_organizations_and_proposals_csv(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    services.proposals.create(ProposalData(
        title="=Curb data exchange", status="drafting", funder="USDOT", amount_minor=125000050,
        lead_organization_id=coalition["plano"],
        partners=[PartnerData(coalition["plano"], "lead"), PartnerData(coalition["tucson"])],
        tags=["Mobility"]))
    orgs = list(csv.DictReader(io.StringIO(exports.export_organizations(db).decode("utf-8-sig"))))
    assert [(o["Name"], o["Consortium"], o["Contacts"]) for o in orgs] == [
        ("City of Plano", "NTXIA", "1"), ("City of Tucson", "SASR", "1")]
    props = list(csv.DictReader(io.StringIO(
        exports.export_proposals(db, ProposalFilter()).decode("utf-8-sig"))))
    assert props[0]["Title"] == "'=Curb data exchange"
    assert props[0]["Amount"] == "1250000.50"
    assert props[0]["Lead Organization"] == "City of Plano"
    assert "City of Tucson (partner)" in props[0]["Partners"]


def test_loading_by_ids_and_by_whole_tables_agree(db, services, coalition, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from coordinator.formats import loading

    with db.read() as session:
        by_ids = loading.load_contacts(session)
        monkeypatch.setattr(loading, "SCAN_FROM", 0)
        by_scan = loading.load_contacts(session)
        picked = loading.load_contacts(session, [coalition["solo"], coalition["zoe"]])
    assert by_ids == by_scan
    assert [c.id for c in picked] == [coalition["solo"], coalition["zoe"]]
    zoe = services.contacts.get(coalition["zoe"])
    assert picked[1].emails == zoe.emails and picked[1].tags == zoe.tags
    assert picked[1].organization_name == "City of Plano"
    assert picked[1].consortium_short_name == "NTXIA"


def test_outlook_csv_has_no_nickname_column(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    """Outlook's CSV has no Nickname column: the nickname goes in the notes, and our
    import takes it back from there."""
    data = exports.export_contacts(db, "outlook-csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert "Nickname" not in rows[0]
    zoe = next(r for r in rows if r["First Name"] == "Zoë")
    assert "Nickname: '@zoe" not in zoe["Notes"] and "Nickname: @zoe" in zoe["Notes"]
    back = next(c for c in parse_contacts(data, filename="o.csv").contacts
                if c.data.given_name == "Zoë")
    assert back.data.nickname == "@zoe" and "Nickname" not in back.data.notes
