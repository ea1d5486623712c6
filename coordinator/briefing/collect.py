"""Gathering what a briefing packet or proposal document shows, from the services.

The renderers work on the plain dataclasses below, never on services or ORM objects,
so that a worker thread can collect (short read units of work) and then lay out.
Redaction for the audience happens here, once: the Partners profile never receives
personal emails, phones, private notes or internal proposal notes at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING

from coordinator import about_you
from coordinator.briefing.formatting import money, zone
from coordinator.errors import CoordinatorError
from coordinator.models.enums import PartnerRole, ProposalStatus, Sector
from coordinator.services.actions import ActionFilter
from coordinator.services.briefing_queries import BriefingQueries, PipelineTotal

if TYPE_CHECKING:
    from coordinator.services import Services
    from coordinator.services.coverage import CoverageReport
    from coordinator.services.records import ProposalData


class Profile(StrEnum):
    INTERNAL = "internal"  # the coordinator's own team: contact details, internal notes
    PARTNERS = "partners"  # shared outside the team: no personal details, no notes

    @property
    def label(self) -> str:
        return {"internal": "Internal", "partners": "Partners"}[self.value]


PAPERS = ("letter", "a4")
SECTIONS = ("cover", "agenda", "attendees", "organizations", "proposals", "decisions",
            "actions", "coverage", "notes", "private")
# Sections a packet holds only when asked for: the coalition-wide Coverage page.
OPT_IN_SECTIONS = ("coverage",)
DEFAULT_SECTIONS = tuple(s for s in SECTIONS if s not in OPT_IN_SECTIONS)


@dataclass
class BriefingOptions:
    profile: Profile = Profile.INTERNAL
    paper: str = "letter"
    include_private: bool = False
    reader_zone: tzinfo | None = None  # None: this computer's local zone
    prepared_by: str = ""
    prepared_on: datetime | None = None  # None: now
    today: date | None = None  # for "days left" / overdue; None: today in the reader's zone
    sections: tuple[str, ...] = DEFAULT_SECTIONS

    def __post_init__(self) -> None:
        self.profile = Profile(self.profile)
        if self.include_private and self.profile is not Profile.INTERNAL:
            raise CoordinatorError("Private notes can only go into an Internal briefing.")
        self.paper = (self.paper or "letter").lower()
        if self.paper not in PAPERS:
            raise CoordinatorError(f"Unknown paper size {self.paper!r}; use letter or a4.")
        unknown = set(self.sections) - set(SECTIONS)
        if unknown:
            raise CoordinatorError(f"Unknown briefing sections: {', '.join(sorted(unknown))}.")


@dataclass
class AgendaRow:
    title: str
    presenter: str = ""
    minutes: int = 0
    details: str = ""


@dataclass
class Person:
    name: str
    title: str = ""
    organization: str = ""
    consortium: str = ""  # "Full name (SHORT)", "" when none
    email: str = ""
    phone: str = ""
    role: str = "attendee"
    rsvp: str = "pending"
    private_notes: str = ""


@dataclass
class OrgProfile:
    name: str
    sector: str = ""
    consortium: str = ""  # full name (short)
    city: str = ""
    state: str = ""
    website: str = ""
    active_proposals: list[str] = field(default_factory=list)


@dataclass
class PartnerRow:
    organization: str
    role: str = ""
    consortium: str = ""
    commitment_minor: int = 0


@dataclass
class ProposalSummary:
    title: str
    status: str = ""  # label, e.g. "Internal review"
    status_code: str = ""  # e.g. "internal_review"
    lead: str = ""
    owner: str = ""
    funder: str = ""
    funder_call: str = ""
    amount_minor: int = 0
    currency: str = "USD"
    due_date: date | None = None
    summary: str = ""
    partners: list[PartnerRow] = field(default_factory=list)
    internal_notes: str = ""


@dataclass
class PipelineRow:
    """Open proposals of one consortium in one status that the packet does not show in
    full: how many, and their amounts (one string per currency, e.g. "$1,200,000")."""

    consortium: str  # "Full name (SHORT)"
    status: str  # label
    count: int
    amounts: list[str] = field(default_factory=list)


@dataclass
class ActionRow:
    text: str
    owner: str = ""
    due_date: date | None = None
    status: str = "open"
    proposal: str = ""
    meeting: str = ""
    meeting_date: date | None = None


@dataclass
class PreviousMeeting:
    title: str
    starts_at: datetime | None
    time_zone: str
    decisions: list[str] = field(default_factory=list)


@dataclass
class BriefingData:
    title: str
    starts_at: datetime | None
    time_zone: str
    series: str = ""
    kind: str = ""
    duration_minutes: int = 0
    location: str = ""
    link: str = ""
    consortia: list[str] = field(default_factory=list)  # "Full name (SHORT)"
    agenda: list[AgendaRow] = field(default_factory=list)
    attendees: list[Person] = field(default_factory=list)
    organizations: list[OrgProfile] = field(default_factory=list)
    proposals: list[ProposalSummary] = field(default_factory=list)
    pipeline: list[PipelineRow] = field(default_factory=list)  # the rest, as totals
    previous: PreviousMeeting | None = None
    action_items: list[ActionRow] = field(default_factory=list)
    notes: str = ""
    private_notes: str = ""
    meeting_id: str | None = None
    coverage: CoverageReport | None = None  # the Coverage page, when asked for


@dataclass
class BudgetRow:
    description: str
    amount_minor: int = 0


@dataclass
class SectionText:
    heading: str
    body: str = ""


@dataclass
class ProposalDocData:
    proposal: ProposalSummary
    consortia: list[str] = field(default_factory=list)
    budget: list[BudgetRow] = field(default_factory=list)
    sections: list[SectionText] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    proposal_id: str | None = None
    prepared_by: str = ""  # the coordinator (About you); "" when not set


def default_author() -> str:
    """"Prepared by": the coordinator's name, title and organization from the About you
    settings, "" when they were never given (never the computer's login name)."""
    return about_you.load().signature()


STILL_DUE = ("idea", "drafting", "internal_review")  # a passed due date is overdue


def status_label(status: str) -> str:
    try:
        return ProposalStatus(status).label
    except ValueError:
        return status.replace("_", " ").capitalize()


def role_label(role: str) -> str:
    try:
        return PartnerRole(role).label
    except ValueError:
        return role.replace("_", " ").capitalize()


def sector_label(sector: str) -> str:
    try:
        return Sector(sector).label
    except ValueError:
        return sector.replace("_", " ").capitalize()


def redact(data: BriefingData, profile: Profile, include_private: bool) -> BriefingData:
    """A copy without what the audience must not see."""
    out = replace(data)
    if profile is Profile.PARTNERS:
        out.attendees = [replace(p, email="", phone="", private_notes="") for p in data.attendees]
        out.proposals = [replace(p, internal_notes="") for p in data.proposals]
        out.private_notes = ""
    elif not include_private:
        out.attendees = [replace(p, private_notes="") for p in data.attendees]
        out.private_notes = ""
    return out


def _summary(p: ProposalData, consortium_names: dict[str, str]) -> ProposalSummary:
    return ProposalSummary(
        title=p.title, status=status_label(p.status), status_code=p.status,
        lead=p.lead_organization_name,
        owner=p.owner_name, funder=p.funder, funder_call=p.funder_call,
        amount_minor=p.amount_minor, currency=p.currency, due_date=p.due_date,
        summary=p.summary, internal_notes=p.internal_notes,
        partners=[PartnerRow(pp.organization_name, role_label(pp.role),
                             pp.consortium_short_name
                             or consortium_names.get(pp.consortium_id or "", ""),
                             pp.commitment_minor) for pp in p.partners],
    )


def collect_briefing(services: Services, meeting_id: str,
                     options: BriefingOptions | None = None) -> BriefingData:
    """Everything the packet shows for one meeting, already redacted for the profile."""
    options = options or BriefingOptions()
    m = services.meetings.get(meeting_id)
    consortia = {c.id: c for c in services.consortia.list(counts=False)}
    short = {cid: c.short_name for cid, c in consortia.items()}
    label = {cid: f"{c.name} ({c.short_name})" for cid, c in consortia.items()}

    contact_ids = [a.contact_id for a in m.attendees]
    rows = {r.id: r for r in services.contacts.rows(contact_ids)}
    private: dict[str, str] = {}
    if options.include_private and options.profile is Profile.INTERNAL:
        private = {cid: services.contacts.get(cid).private_notes for cid in contact_ids}
    people: list[Person] = []
    org_ids: list[str] = []
    for a in m.attendees:
        r = rows.get(a.contact_id)
        if r is None:  # contact deleted since: keep the name the meeting knows
            people.append(Person(a.contact_name, organization=a.organization_name,
                                 consortium=label.get(a.consortium_id or "", ""),
                                 role=a.role, rsvp=a.rsvp))
            continue
        people.append(Person(
            r.full_name, r.title, r.organization_name, label.get(a.consortium_id or "", ""),
            r.email, r.phone, a.role, a.rsvp, private.get(a.contact_id, ""),
        ))
        if r.organization_id and r.organization_id not in org_ids:
            org_ids.append(r.organization_id)

    queries = BriefingQueries(services.db)
    proposals = services.proposals.get_many(queries.proposal_ids(meeting_id))
    active_by_org: dict[str, list[str]] = {}
    for p in proposals:
        members = [p.lead_organization_id, *(pp.organization_id for pp in p.partners)]
        for oid in dict.fromkeys(o for o in members if o):
            active_by_org.setdefault(oid, []).append(p.title)

    orgs: list[OrgProfile] = []
    for oid in org_ids:
        o = services.organizations.get(oid)
        c = consortia.get(o.consortium_id or "")
        orgs.append(OrgProfile(
            o.name, sector_label(o.sector), f"{c.name} ({c.short_name})" if c else "",
            o.city, o.state, o.website, active_by_org.get(oid, []),
        ))
    orgs.sort(key=lambda o: o.name.casefold())

    prev = services.meetings.previous_in_series(meeting_id)
    previous = (PreviousMeeting(prev.title, prev.starts_at, prev.time_zone, list(prev.decisions))
                if prev else None)

    action_ids = queries.action_item_ids(meeting_id)
    actions = [
        ActionRow(a.text, a.owner_name, a.due_date, a.status, a.proposal_title,
                  "This meeting" if a.meeting_id == m.id else a.meeting_title,
                  a.meeting_starts_at.astimezone(zone(m.time_zone)).date()
                  if a.meeting_starts_at and a.meeting_id != m.id else None)
        for a in (services.actions.list(ActionFilter(ids=tuple(action_ids)), sort="owner")
                  if action_ids else [])
        if a.status in ("open", "in_progress")
    ]
    pipeline = _pipeline(queries.pipeline_totals(list(m.consortium_ids),
                                                 [p.id for p in proposals if p.id]), label)

    # The meeting's own consortia first, then those its attendees come from.
    represented = list(dict.fromkeys(
        [label[c] for c in m.consortium_ids if c in label]
        + sorted({label[a.consortium_id] for a in m.attendees if a.consortium_id in label})))

    coverage = None
    if "coverage" in options.sections:
        coverage = services.coverage.report(options.today or date.today())
    data = BriefingData(
        coverage=coverage,
        meeting_id=m.id, title=m.title, starts_at=m.starts_at, time_zone=m.time_zone,
        series=m.series_name, kind=m.kind, duration_minutes=m.duration_minutes,
        location=m.location, link=m.link,
        consortia=represented,
        agenda=[AgendaRow(a.title, a.presenter_name, a.minutes, a.details) for a in m.agenda],
        attendees=people, organizations=orgs,
        proposals=[_summary(p, short) for p in proposals], pipeline=pipeline,
        previous=previous, action_items=actions, notes=m.notes,
        private_notes=m.private_notes,
    )
    return redact(data, options.profile, options.include_private)


def _pipeline(totals: list[PipelineTotal], label: dict[str, str]) -> list[PipelineRow]:
    """One row per consortium and status (statuses in the order a proposal moves)."""
    order = {s.value: i for i, s in enumerate(ProposalStatus)}
    grouped: dict[tuple[str, str], list[PipelineTotal]] = {}
    for t in totals:
        grouped.setdefault((label.get(t.consortium_id, ""), t.status), []).append(t)
    rows = []
    for (consortium, status), parts in sorted(
            grouped.items(), key=lambda kv: (kv[0][0].casefold(), order.get(kv[0][1], 99))):
        amounts = [money(t.amount_minor, t.currency)
                   for t in sorted(parts, key=lambda t: t.currency) if t.amount_minor]
        rows.append(PipelineRow(consortium, status_label(status),
                                sum(t.count for t in parts), amounts))
    return rows


def collect_proposal(services: Services, proposal_id: str) -> ProposalDocData:
    """One proposal as a document (internal notes are never part of it)."""
    p = services.proposals.get(proposal_id)
    consortia = {c.id: c for c in services.consortia.list(counts=False)}
    short = {cid: c.short_name for cid, c in consortia.items()}
    summary = _summary(p, short)
    summary.internal_notes = ""
    involved = [f"{consortia[c].name} ({consortia[c].short_name})"
                for c in sorted(p.consortium_ids, key=lambda c: short.get(c, c))
                if c in consortia]
    return ProposalDocData(
        proposal=summary, consortia=involved,
        budget=[BudgetRow(b.description, b.amount_minor) for b in p.budget_lines],
        sections=[SectionText(s.heading, s.body) for s in p.sections],
        tags=list(p.tags), proposal_id=p.id,
    )
