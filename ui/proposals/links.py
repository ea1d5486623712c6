"""Cross-links between members and planning records, for detail panes.

    linked_records(services, "contact", contact_id) -> list[LinkedRecord]

For a contact: proposals they own, proposals of their organization, meetings they
attend(ed), action items they own. For an organization: its proposals (lead or
partner), meetings its people attend, their action items. For a proposal: lead and
partner organizations, owner, action items about it and their meetings. For a
meeting: relevant proposals and action items. Every record is (entity, id, title,
detail) so that a pane can list it and open it through the entity -> view mapping
(ui.views.registry.ENTITY_VIEWS). Plain function: call it off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coordinator.errors import NotFound
from coordinator.services import ActionFilter, ContactFilter, ProposalFilter, Services
from coordinator.services.records import ActionItemData, MeetingData, ProposalData

MAX_CONTACTS_SCANNED = 60


@dataclass(frozen=True)
class LinkedRecord:
    entity: str  # "proposal", "meeting", "action_item", "organization", "contact"
    id: str
    title: str
    detail: str = ""
    group: str = ""  # heading to list it under: "Proposals", "Meetings", "Action items"...


def _proposal(p: ProposalData, why: str = "") -> LinkedRecord:
    from ui.proposals.model import status_label

    due = f" · due {p.due_date:%b} {p.due_date.day}, {p.due_date.year}" if p.due_date else ""
    return LinkedRecord("proposal", p.id or "", p.title,
                        f"{status_label(p.status)}{due}" + (f" · {why}" if why else ""),
                        "Proposals")


def _meeting(m: MeetingData) -> LinkedRecord:
    when = f"{m.starts_at:%Y-%m-%d}" if m.starts_at else ""
    return LinkedRecord("meeting", m.id or "", m.title,
                        " · ".join(x for x in (when, m.series_name) if x), "Meetings")


def _action(a: ActionItemData, today: date) -> LinkedRecord:
    state = "overdue" if a.is_overdue(today) else a.status.replace("_", " ")
    due = f"due {a.due_date:%Y-%m-%d} · " if a.due_date else ""
    return LinkedRecord("action_item", a.id or "", a.text,
                        f"{due}{state} · {a.owner_name or 'no owner'} · {a.meeting_title}",
                        "Action items")


def _unique(records: list[LinkedRecord]) -> list[LinkedRecord]:
    seen: set[tuple[str, str]] = set()
    out = []
    for r in records:
        if (r.entity, r.id) not in seen:
            seen.add((r.entity, r.id))
            out.append(r)
    return out


def linked_records(services: Services, entity: str, record_id: str,
                   today: date | None = None) -> list[LinkedRecord]:
    """Records linked to one contact, organization, proposal or meeting (grouped)."""
    today = today or date.today()
    try:
        if entity == "contact":
            return _for_contact(services, record_id, today)
        if entity == "organization":
            return _for_organization(services, record_id, today)
        if entity == "proposal":
            return _for_proposal(services, record_id, today)
        if entity == "meeting":
            return _for_meeting(services, record_id, today)
    except NotFound:
        return []
    return []


def _for_contact(services: Services, contact_id: str, today: date) -> list[LinkedRecord]:
    contact = services.contacts.get(contact_id)
    out = [_proposal(p, "owner") for p in
           services.proposals.list(ProposalFilter(owner_id=contact_id)).rows]
    if contact.organization_id:
        out += [_proposal(p, contact.organization_name) for p in
                services.proposals.list(ProposalFilter(
                    organization_id=contact.organization_id)).rows]
    out += [_meeting(m) for m in services.meetings.attended_by(contact_id)]
    out += [_action(a, today) for a in services.actions.list(ActionFilter(owner_id=contact_id))]
    return _unique(out)


def _for_organization(services: Services, org_id: str, today: date) -> list[LinkedRecord]:
    services.organizations.get(org_id)
    out = [_proposal(p) for p in
           services.proposals.list(ProposalFilter(organization_id=org_id)).rows]
    people = services.contacts.list(ContactFilter(organization_id=org_id),
                                    limit=MAX_CONTACTS_SCANNED).rows
    meetings: dict[str, MeetingData] = {}
    actions: list[ActionItemData] = []
    for person in people:
        for m in services.meetings.attended_by(person.id):
            meetings.setdefault(m.id or "", m)
        actions += services.actions.list(ActionFilter(owner_id=person.id))
    out += [_meeting(m) for m in sorted(meetings.values(), key=lambda m: m.starts_at,
                                        reverse=True)]
    out += [_action(a, today) for a in actions]
    return _unique(out)


def _for_proposal(services: Services, proposal_id: str, today: date) -> list[LinkedRecord]:
    p = services.proposals.get(proposal_id)
    out: list[LinkedRecord] = []
    if p.lead_organization_id:
        out.append(LinkedRecord("organization", p.lead_organization_id,
                                p.lead_organization_name, "lead organization", "Organizations"))
    from ui.proposals.model import role_label

    out += [LinkedRecord("organization", x.organization_id, x.organization_name,
                         role_label(x.role) + (f" · {x.consortium_short_name}"
                                               if x.consortium_short_name else ""),
                         "Organizations") for x in p.partners]
    if p.owner_id:
        out.append(LinkedRecord("contact", p.owner_id, p.owner_name, "owner", "People"))
    items = services.actions.list(ActionFilter(proposal_id=proposal_id), sort="meeting")
    out += [LinkedRecord("meeting", a.meeting_id or "", a.meeting_title,
                         f"{a.meeting_starts_at:%Y-%m-%d}" if a.meeting_starts_at else "",
                         "Meetings") for a in items]
    out += [_action(a, today) for a in items]
    return _unique(out)


def _for_meeting(services: Services, meeting_id: str, today: date) -> list[LinkedRecord]:
    out = [_proposal(p) for p in services.meetings.relevant_proposals(meeting_id)]
    out += [_action(a, today) for a in services.meetings.relevant_action_items(meeting_id)]
    return _unique(out)


__all__ = ["LinkedRecord", "linked_records"]
