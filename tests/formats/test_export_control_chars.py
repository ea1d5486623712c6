"""Control characters pasted into any text field cannot inject records into an export.

A lone CR, a vertical tab, U+2028 or NUL in a name or a note used to reach the vCard
as a raw line break: the file read back with one card lost and an "Injected Person"
holding another contact's email. Every export (vCard 3.0 and 4.0, our CSV, Outlook's
CSV, organizations and proposals CSV, iCalendar) is read back here: the same records,
none injected, and the text kept as far as the format allows (line breaks as escaped
line breaks where a field may hold several lines).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from coordinator.db import Database
from coordinator.formats import csv_export, exports, ical_export, vcard_export
from coordinator.formats.reader import parse_contacts
from coordinator.services import Services
from coordinator.services.records import (
    AddressData,
    AgendaItemData,
    ContactData,
    EmailData,
    MeetingData,
    OrganizationData,
    PhoneData,
    ProposalData,
)

PAYLOADS = {
    "cr": "\r", "lf": "\n", "crlf": "\r\n", "nul": "\x00", "vt": "\x0b", "esc": "\x1b",
    "ls": "\u2028", "ff": "\x0c", "nel": "\x85", "ps": "\u2029", "fs": "\x1c",
    "vcard": "END:VCARD\r\nBEGIN:VCARD\r\nFN:Injected Person",
    "vcard-cr": "\rEND:VCARD\rBEGIN:VCARD\rVERSION:3.0\rFN:Injected Person\rEMAIL:x@evil.example",
    "ical": "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected Event\r\nUID:evil",
}
FORMATS = {"vcard3": "c.vcf", "vcard4": "c.vcf", "csv": "c.csv", "outlook-csv": "o.csv"}
# What nothing read back may hold: line breaks and other controls (a tab is allowed).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


def hostile(label: str, payload: str) -> str:
    return f"{label}{payload}end"


def make_contacts(services: Services, payload: str) -> tuple[str, str]:
    """One contact with the payload in every text field, and a plain one after it.
    (Prefix, suffix and pronouns take 40 characters: they get the payload's start.)"""
    org = services.organizations.create(OrganizationData(name=hostile("Org", payload)))
    evil = services.contacts.create(ContactData(
        prefix=hostile("Dr", payload[:30]), given_name=hostile("Ada", payload),
        middle_name=hostile("Mid", payload), family_name=hostile("Love", payload),
        suffix=hostile("Jr", payload[:30]), nickname=hostile("Nick", payload),
        pronouns=hostile("she", payload[:30]), title=hostile("Boss", payload),
        organization_id=org.id, notes=hostile("Note", payload),
        private_notes=hostile("Private", payload), website="https://ada.example.org",
        emails=[EmailData("ada@example.org", "work", True)],
        phones=[PhoneData(hostile("214 555 0100", payload), "work"),
                PhoneData("214 555 0101", hostile("label", payload))],
        addresses=[AddressData("work", hostile("1 Main", payload), hostile("Plano", payload),
                               hostile("TX", payload), hostile("75074", payload),
                               hostile("USA", payload))],
        tags=[hostile("tag", payload)]))
    victim = services.contacts.create(ContactData(
        given_name="Grace", family_name="Hopper",
        emails=[EmailData("grace@navy.example.org", "work", True)]))
    return evil.id, victim.id


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_contact_exports_read_back_without_injection(db: Database, services: Services,
                                                     fmt: str, payload: str) -> None:
    make_contacts(services, payload)
    data = exports.export_contacts(db, fmt, include_private=True)
    text = data.decode("utf-8-sig")
    assert "\x00" not in text
    if fmt.startswith("vcard"):
        # every line (after unfolding) is a property: no stray break started a new one
        lines = text.replace("\r\n ", "").split("\r\n")
        assert lines[-1] == "" and all(CONTROL.search(x) is None for x in lines)
        assert [x for x in lines if x.startswith(("BEGIN:", "END:"))] == [
            "BEGIN:VCARD", "END:VCARD", "BEGIN:VCARD", "END:VCARD"]
        assert not any(x.startswith("FN:Injected") for x in lines)
    parsed = parse_contacts(data, filename=FORMATS[fmt])
    assert parsed.errors == []
    assert len(parsed.contacts) == 2
    ada, grace = sorted(parsed.contacts, key=lambda c: c.data.given_name)
    assert (grace.data.given_name, grace.data.family_name) == ("Grace", "Hopper")
    assert [e.address for e in grace.data.emails] == ["grace@navy.example.org"]
    assert [e.address for e in ada.data.emails] == ["ada@example.org"]
    assert ada.data.given_name.startswith("Ada")  # "Injected Person" is text inside it
    # the text is kept: around the payload on either side, with no control left in it
    d = ada.data
    for name, value in (("given_name", d.given_name), ("family_name", d.family_name),
                        ("notes", d.notes)):
        assert CONTROL.search(value.replace("\n", "")) is None, (name, value)
    assert d.given_name.startswith("Ada") and d.given_name.endswith("end")
    assert d.family_name.startswith("Love") and d.family_name.endswith("end")
    assert "Note" in d.notes and "end" in d.notes
    if payload in ("\r", "\n", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"):
        assert "Note\nend" in d.notes  # a line break stays a line break


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_vcard_escape_turns_every_break_into_an_escaped_newline(payload: str) -> None:
    card = vcard_export.vcard30([ContactData(given_name="A", notes=hostile("x", payload))])
    note = next(x for x in card.decode().replace("\r\n ", "").split("\r\n")
                if x.startswith("NOTE:"))
    assert CONTROL.search(note) is None


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_organization_and_proposal_csv_keep_one_record_per_row(payload: str) -> None:
    orgs = [OrganizationData(name=hostile("Org", payload), city=hostile("Plano", payload),
                             notes=hostile("note", payload), id="o1"),
            OrganizationData(name="Second", id="o2")]
    proposals = [ProposalData(title=hostile("Title", payload), funder=hostile("NSF", payload),
                              summary=hostile("sum", payload), id="p1"),
                 ProposalData(title="Second", id="p2")]
    for data in (csv_export.organizations_csv(orgs), csv_export.proposals_csv(proposals)):
        text = data.decode("utf-8-sig")
        assert CONTROL.search(text.replace("\r\n", "").replace("\n", "")) is None
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len(rows) == 3
        assert rows[1][0].startswith(("Org", "Title")) and rows[1][0].endswith("end")
        assert rows[2][0] == "Second"


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_ical_export_keeps_one_event_per_meeting(db: Database, services: Services,
                                                 payload: str) -> None:
    for i in range(2):
        services.meetings.create(MeetingData(
            title=hostile(f"Call{i}", payload), location=hostile("Room", payload),
            starts_at=datetime(2026, 12, 3 + i, 16, tzinfo=UTC), time_zone="America/Chicago",
            series_name=hostile("Series", payload), notes=hostile("notes", payload),
            agenda=[AgendaItemData(hostile("Item", payload), details=hostile("d", payload))]))
    data = exports.export_meetings(db)
    assert ical_export.validate_ics(data) == []
    lines = data.decode("utf-8").replace("\r\n ", "").split("\r\n")
    assert all(CONTROL.search(x) is None for x in lines)
    assert not any(x.startswith(("SUMMARY:Injected", "UID:evil")) for x in lines)
    events = Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 2
    summaries = sorted(str(e.get("summary")) for e in events)
    assert summaries[0].startswith("Call0") and summaries[0].endswith("end")
    assert summaries[1].startswith("Call1") and summaries[1].endswith("end")
