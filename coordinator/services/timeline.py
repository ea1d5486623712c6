"""A contact's history in one list, newest first: the meetings they were invited to or
attended, the proposals they are on (as owner, or through their organization as lead or
partner), the action items they own, and the day they were last contacted.

One query (a UNION ALL of four indexed reads), however many meetings there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coordinator.db import Database
from coordinator.errors import NotFound
from coordinator.models.enums import PartnerRole, ProposalStatus

SHOWN = 200  # entries read for one contact (a long history shows its newest part)

_SQL = """
SELECT * FROM (
  SELECT 'meeting' AS entity, m.id, substr(m.starts_at, 1, 10) AS day, m.title,
         a.attended, a.rsvp, m.starts_at AS moment
    FROM attendee a JOIN meeting m ON m.id = a.meeting_id
   WHERE a.contact_id = :cid AND m.deleted_at IS NULL
  UNION ALL
  SELECT 'proposal', p.id, coalesce(p.due_date, substr(p.created_at, 1, 10)), p.title,
         p.status,
         CASE WHEN p.owner_id = :cid THEN 'owner'
              WHEN p.lead_organization_id = c.organization_id THEN 'lead'
              ELSE (SELECT pp.role FROM proposal_partner pp WHERE pp.proposal_id = p.id
                    AND pp.organization_id = c.organization_id) END,
         coalesce(p.due_date, p.created_at)
    FROM contact c JOIN proposal p ON p.deleted_at IS NULL AND (
         p.owner_id = c.id OR (c.organization_id IS NOT NULL AND (
           p.lead_organization_id = c.organization_id OR p.id IN (
             SELECT proposal_id FROM proposal_partner WHERE organization_id = c.organization_id
           ))))
   WHERE c.id = :cid
  UNION ALL
  SELECT 'action_item', ai.id,
         coalesce(ai.due_date, substr(ai.completed_at, 1, 10), substr(m.starts_at, 1, 10)),
         ai.text, ai.status, m.title, coalesce(ai.due_date, ai.completed_at, m.starts_at)
    FROM action_item ai JOIN meeting m ON m.id = ai.meeting_id
   WHERE ai.owner_id = :cid AND m.deleted_at IS NULL
  UNION ALL
  SELECT 'contacted', c.id, c.last_contacted_on, '', NULL, NULL, c.last_contacted_on
    FROM contact c WHERE c.id = :cid AND c.last_contacted_on IS NOT NULL
) ORDER BY moment DESC, entity LIMIT :limit
"""

_ACTION_STATUS = {"open": "open", "in_progress": "in progress", "done": "done",
                  "cancelled": "cancelled"}


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    entity: str  # meeting, proposal, action_item, contacted
    record_id: str  # the record it opens (the contact itself for "contacted")
    title: str
    detail: str  # "Attended", "Owner · Drafting", "Open · from NSCP call"...


def _meeting_detail(attended: object, rsvp: object) -> str:
    if attended == 1:
        return "Attended"
    if attended == 0:
        return "Invited, did not attend"
    reply = {"yes": "accepted", "no": "declined", "maybe": "maybe"}.get(str(rsvp))
    return f"Invited ({reply})" if reply else "Invited"


def _proposal_detail(status: object, how: object) -> str:
    try:
        status_text = ProposalStatus(str(status)).label
    except ValueError:
        status_text = str(status)
    if how == "owner":
        role = "Owner"
    elif how:
        try:
            role = f"Organization is {PartnerRole(str(how)).label.lower()}"
        except ValueError:
            role = "Organization is a partner"
    else:
        role = "Organization is a partner"
    return f"{role} · {status_text}"


class TimelineService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def for_contact(self, contact_id: str, limit: int = SHOWN) -> list[TimelineEntry]:
        """The contact's history, newest first (NotFound for an unknown contact)."""
        with self.db.raw() as conn:
            if conn.execute("SELECT 1 FROM contact WHERE id = ?", (contact_id,)).fetchone() \
                    is None:
                raise NotFound("contact", contact_id)
            rows = conn.execute(_SQL, {"cid": contact_id, "limit": limit}).fetchall()
        out = []
        for entity, record_id, day, title, a, b, _moment in rows:
            if entity == "meeting":
                detail = _meeting_detail(a, b)
            elif entity == "proposal":
                detail = _proposal_detail(a, b)
            elif entity == "action_item":
                detail = f"Action item, {_ACTION_STATUS.get(str(a), str(a))} · {b}"
            else:
                title, detail = "Last contacted", ""
            out.append(TimelineEntry(date.fromisoformat(str(day)[:10]), entity, record_id,
                                     title, detail))
        return out


__all__ = ["TimelineEntry", "TimelineService"]
