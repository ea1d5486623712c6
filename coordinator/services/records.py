"""Plain data passed in and out of the services (never live ORM objects).

The same class serves for reading and writing: `id` is None for a new record.
Lists of children (emails, partners, agenda items...) are replaced as a whole on save.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class EmailData:
    address: str
    label: str = "work"
    is_primary: bool = False


@dataclass
class PhoneData:
    raw: str
    label: str = "work"
    is_primary: bool = False
    e164: str | None = None  # filled by the service when the number parses


@dataclass
class AddressData:
    label: str = "work"
    street: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass
class ContactData:
    given_name: str = ""
    family_name: str = ""
    prefix: str = ""
    middle_name: str = ""
    suffix: str = ""
    nickname: str = ""
    pronouns: str = ""
    title: str = ""
    organization_id: str | None = None
    website: str = ""
    notes: str = ""
    private_notes: str = ""
    birthday: str = ""
    last_contacted_on: date | None = None
    do_not_contact: bool = False  # asked not to be emailed: left out of every mailing
    emails: list[EmailData] = field(default_factory=list)
    phones: list[PhoneData] = field(default_factory=list)
    addresses: list[AddressData] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    id: str | None = None
    # read-only, filled by the service
    full_name: str = ""
    organization_name: str = ""
    consortium_id: str | None = None
    consortium_short_name: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def primary_email(self) -> str:
        for e in self.emails:
            if e.is_primary:
                return e.address
        return self.emails[0].address if self.emails else ""

    @property
    def primary_phone(self) -> str:
        for p in self.phones:
            if p.is_primary:
                return p.e164 or p.raw
        return (self.phones[0].e164 or self.phones[0].raw) if self.phones else ""


@dataclass
class OrganizationData:
    name: str = ""
    sector: str = "other"
    consortium_id: str | None = None
    city: str = ""
    state: str = ""
    website: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    id: str | None = None
    consortium_short_name: str = ""
    contact_count: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None


@dataclass
class ConsortiumData:
    name: str = ""
    short_name: str = ""
    states: str = ""
    region: str = ""
    website: str = ""
    time_zone: str = "America/Chicago"
    builtin: bool = False
    id: str | None = None
    organization_count: int = 0
    contact_count: int = 0
    sector_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class PartnerData:
    organization_id: str
    role: str = "partner"
    commitment_minor: int = 0
    organization_name: str = ""
    consortium_id: str | None = None
    consortium_short_name: str = ""


@dataclass
class SectionData:
    heading: str = ""
    body: str = ""
    id: str | None = None


@dataclass
class BudgetLineData:
    description: str = ""
    amount_minor: int = 0


@dataclass
class ProposalData:
    title: str = ""
    summary: str = ""
    status: str = "idea"
    funder: str = ""
    funder_call: str = ""
    amount_minor: int = 0
    currency: str = "USD"
    due_date: date | None = None
    lead_organization_id: str | None = None
    owner_id: str | None = None
    internal_notes: str = ""
    partners: list[PartnerData] = field(default_factory=list)
    sections: list[SectionData] = field(default_factory=list)
    budget_lines: list[BudgetLineData] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    id: str | None = None
    lead_organization_name: str = ""
    owner_name: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def consortium_ids(self) -> set[str]:
        """Consortia covered: they follow from the partners."""
        return {p.consortium_id for p in self.partners if p.consortium_id}


@dataclass
class AgendaItemData:
    title: str
    presenter_id: str | None = None
    minutes: int = 0
    details: str = ""
    presenter_name: str = ""


@dataclass
class AttendeeData:
    contact_id: str
    role: str = "attendee"
    rsvp: str = "pending"
    attended: bool | None = None
    contact_name: str = ""
    organization_name: str = ""
    consortium_id: str | None = None


@dataclass
class ActionItemData:
    text: str
    owner_id: str | None = None
    due_date: date | None = None
    status: str = "open"
    proposal_id: str | None = None
    id: str | None = None
    meeting_id: str | None = None
    owner_name: str = ""
    proposal_title: str = ""
    meeting_title: str = ""
    meeting_starts_at: datetime | None = None
    completed_at: datetime | None = None

    def is_overdue(self, today: date) -> bool:
        return self.status in ("open", "in_progress") and bool(self.due_date) and (
            self.due_date < today  # type: ignore[operator]
        )


@dataclass
class MeetingData:
    title: str = ""
    starts_at: datetime | None = None  # aware
    time_zone: str = "America/Chicago"
    series_name: str = ""  # created on save when new
    kind: str = "partnership_call"
    duration_minutes: int = 60
    location: str = ""
    link: str = ""
    notes: str = ""
    private_notes: str = ""
    consortium_ids: list[str] = field(default_factory=list)
    agenda: list[AgendaItemData] = field(default_factory=list)
    attendees: list[AttendeeData] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    action_items: list[ActionItemData] = field(default_factory=list)
    id: str | None = None
    series_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    offset: int
