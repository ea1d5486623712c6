"""Fixtures for the PDF tests: a small coalition built through the services, and
helpers that parse a generated PDF back with pypdf."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdf
import pytest

from coordinator.reference import CONSORTIA
from coordinator.services import Services
from coordinator.services.records import (
    ActionItemData,
    AgendaItemData,
    AttendeeData,
    BudgetLineData,
    ContactData,
    EmailData,
    MeetingData,
    OrganizationData,
    PartnerData,
    PhoneData,
    ProposalData,
    SectionData,
)

HOSTILE = ['<b>Bob & "Co"</b>', "R&D", "a<b", "<font size=99>", '<img src="/etc/passwd">']
UNICODE_NAMES = [("Zoë", "Ødegård"), ("Nguyễn Thị", "Minh"), ("Siobhán", "O'Connor"),
                 ("José", "Álvarez")]
CONS = {c.short_name: c.id for c in CONSORTIA}
TODAY = date.today()

NOTES_MD = """# Call summary

We agreed on **three priorities** and *one open question*; see [the portal](https://nscp.example.org/portal?a=1&b=2).

## Next steps

- Send the `data-template.xlsx` file
- Confirm dates
  1. January workshop
  2. March summit

> Quote from the chair: keep it simple.

```
select * from partners where state = 'TX';
```

Raw HTML stays text: <img src="/etc/passwd"> and <script>alert(1)</script>.
[Not clickable](javascript:alert(1))
"""


@dataclass
class Coalition:
    """Ids and the strings the tests look for."""

    meeting_id: str
    previous_id: str
    proposal_ids: list[str]
    closed_proposal_title: str
    people: list[ContactData] = field(default_factory=list)
    open_actions: list[str] = field(default_factory=list)
    done_actions: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    proposal_titles: list[str] = field(default_factory=list)
    private_notes: list[str] = field(default_factory=list)
    internal_notes: list[str] = field(default_factory=list)

    @property
    def emails(self) -> list[str]:
        return [e.address for p in self.people for e in p.emails]

    @property
    def phones(self) -> list[str]:
        out = []
        for p in self.people:
            for ph in p.phones:
                out.append(ph.raw)
                if ph.e164:
                    out.append(ph.e164)
        return out


def _org(services: Services, name: str, sector: str, cons: str, city: str, state: str) -> str:
    return services.organizations.create(OrganizationData(
        name=name, sector=sector, consortium_id=CONS[cons], city=city, state=state,
        website="https://example.org")).id  # type: ignore[return-value]


@pytest.fixture
def coalition(services: Services) -> Coalition:
    plano = _org(services, "City of Plano", "local_government", "NTXIA", "Plano", "TX")
    denver = _org(services, "Denver Digital Works", "company", "CSCA", "Denver", "CO")
    rnd = _org(services, HOSTILE[0] + " " + HOSTILE[1], "nonprofit", "ISCRA", "Chicago", "IL")
    tucson = _org(services, "Universidad de Tucsón", "university", "SASR", "Tucson", "AZ")
    orgs = [plano, denver, rnd, tucson]

    people = []
    for i, (given, family) in enumerate(UNICODE_NAMES):
        people.append(services.contacts.create(ContactData(
            given_name=given, family_name=family, title="Director of Smart Cities",
            organization_id=orgs[i], emails=[EmailData(f"person{i}.private@example.org")],
            phones=[PhoneData(f"+1 214 555 01{i:02d}")],
            private_notes=f"PRIVATE-CONTACT-NOTE-{i}")))
    people.append(services.contacts.create(ContactData(
        given_name=HOSTILE[0], family_name=HOSTILE[2], title=HOSTILE[3],
        organization_id=rnd, emails=[EmailData("bob.co@example.org")],
        phones=[PhoneData("(312) 555-0199")], private_notes="PRIVATE-CONTACT-NOTE-bob")))
    zoe, minh, siobhan, jose, _bob = people

    p1 = services.proposals.create(ProposalData(
        title="Smart intersections for safer streets", status="drafting", funder="NSF",
        funder_call="Civic Innovation Challenge", amount_minor=125_000_050, currency="USD",
        due_date=TODAY + timedelta(days=20), lead_organization_id=plano, owner_id=zoe.id,
        internal_notes="INTERNAL-PROPOSAL-NOTE-1", summary="Sensors at 40 intersections.",
        partners=[PartnerData(plano, "lead"), PartnerData(denver, "co_lead", 5_000_000),
                  PartnerData(rnd, "partner")],
        sections=[SectionData("Project narrative", "## Aims\n\n- Reduce crashes by **30%**\n"),
                  SectionData("Data management plan", "Data stays *open*. " + HOSTILE[4])],
        budget_lines=[BudgetLineData("Sensors", 80_000_000),
                      BudgetLineData("Staff " + HOSTILE[1], 45_000_050)]))
    p2 = services.proposals.create(ProposalData(
        title="Digital equity hubs " + HOSTILE[2], status="submitted", funder="EU Horizon",
        amount_minor=9_900_000, currency="EUR", due_date=TODAY - timedelta(days=2),
        lead_organization_id=rnd, internal_notes="INTERNAL-PROPOSAL-NOTE-2",
        partners=[PartnerData(rnd, "lead"), PartnerData(tucson, "letter_of_support")]))
    closed = services.proposals.create(ProposalData(
        title="Awarded water metering pilot", status="awarded", lead_organization_id=plano,
        partners=[PartnerData(plano, "lead")]))

    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    previous = services.meetings.create(MeetingData(
        title="NSCP partnership call — November", starts_at=start - timedelta(days=28),
        time_zone="America/Chicago", series_name="NSCP partnership calls",
        attendees=[AttendeeData(zoe.id), AttendeeData(minh.id)],
        decisions=["Adopt the shared data template", HOSTILE[4]],
        action_items=[
            ActionItemData("Circulate the data template to all seven consortia",
                           owner_id=zoe.id, due_date=TODAY - timedelta(days=5)),
            ActionItemData("Draft the letter of support for " + HOSTILE[1], owner_id=siobhan.id,
                           due_date=TODAY + timedelta(days=9), proposal_id=p1.id),
            ActionItemData("Book the November room (done already)", owner_id=minh.id,
                           status="done"),
        ]))
    meeting = services.meetings.create(MeetingData(
        title="NSCP partnership call — December", starts_at=start, time_zone="America/Chicago",
        series_name="NSCP partnership calls", duration_minutes=90,
        location="Zoom", link="https://zoom.example.org/j/123",
        consortium_ids=[CONS["NTXIA"], CONS["CSCA"]],
        agenda=[AgendaItemData("Welcome and introductions", zoe.id, 10),
                AgendaItemData("Proposal status round " + HOSTILE[1], jose.id, 40,
                               details="Each lead gives two minutes."),
                AgendaItemData("Any other business", None, 5)],
        attendees=[AttendeeData(p.id, role="chair" if p is zoe else "attendee",  # type: ignore[arg-type]
                                rsvp="yes") for p in people],
        notes=NOTES_MD, private_notes="PRIVATE-MEETING-NOTE",
        action_items=[ActionItemData("Book the venue for the spring summit", owner_id=jose.id,
                                     due_date=TODAY + timedelta(days=30)),
                      ActionItemData("Unowned follow-up " + HOSTILE[3])]))
    return Coalition(
        meeting_id=meeting.id, previous_id=previous.id,  # type: ignore[arg-type]
        proposal_ids=[p1.id, p2.id], closed_proposal_title=closed.title,  # type: ignore[list-item]
        people=[services.contacts.get(p.id) for p in people],  # type: ignore[arg-type]
        open_actions=["Circulate the data template to all seven consortia",
                      "Draft the letter of support for " + HOSTILE[1],
                      "Book the venue for the spring summit", "Unowned follow-up " + HOSTILE[3]],
        done_actions=["Book the November room (done already)"],
        decisions=["Adopt the shared data template", HOSTILE[4]],
        proposal_titles=[p1.title, p2.title],
        private_notes=[*(f"PRIVATE-CONTACT-NOTE-{i}" for i in range(4)),
                       "PRIVATE-CONTACT-NOTE-bob", "PRIVATE-MEETING-NOTE"],
        internal_notes=["INTERNAL-PROPOSAL-NOTE-1", "INTERNAL-PROPOSAL-NOTE-2"],
    )


# --- reading PDFs back ------------------------------------------------------------------

@dataclass
class Parsed:
    reader: pypdf.PdfReader
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def squashed(self) -> str:
        """All text without any whitespace (wrapped lines join up again)."""
        return re.sub(r"\s+", "", self.text)

    def contains(self, s: str) -> bool:
        return re.sub(r"\s+", "", s) in self.squashed

    def outline(self) -> list[tuple[int, str, int]]:
        """(level, title, page index) for every outline entry, in order."""
        out: list[tuple[int, str, int]] = []

        def walk(items: list, level: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                else:
                    out.append((level, item.title, self.reader.get_destination_page_number(item)))

        walk(self.reader.outline, 0)
        return out

    def outline_titles(self) -> list[str]:
        return [t for _lvl, t, _p in self.outline()]


def parse_pdf(source: Path | bytes) -> Parsed:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    return Parsed(reader, [p.extract_text() or "" for p in reader.pages])


@pytest.fixture
def parse() -> Callable[[Path | bytes], Parsed]:
    """`parse(path_or_bytes)` -> Parsed (pages' text, outline, reader)."""
    return parse_pdf


@pytest.fixture
def hostile() -> list[str]:
    return list(HOSTILE)


@pytest.fixture
def unicode_names() -> list[str]:
    return [f"{g} {f}" for g, f in UNICODE_NAMES]
