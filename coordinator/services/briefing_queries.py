"""Read-only queries behind a meeting's briefing packet.

A packet holds what the people on one call need, however large the database is:

- in full: the open proposals their organizations lead or partner in, the open
  proposals an open action item of this meeting or its series is about, and those the
  agenda names (by title);
- the open action items of this meeting and of earlier meetings of its series (never an
  attendee's items from unrelated meetings);
- of everything else in the pipeline of the meeting's consortia, only totals: proposals
  and amounts by consortium, status and currency.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, text

from coordinator.db import Database
from coordinator.errors import NotFound
from coordinator.models.enums import ProposalStatus

_CLOSED = tuple(s.value for s in ProposalStatus if s.is_closed)
_OPEN = f"p.deleted_at IS NULL AND p.status NOT IN ({', '.join(repr(s) for s in _CLOSED)})"
# An agenda names a proposal only by a title long enough not to match by accident.
MIN_TITLE_MATCH = 8


@dataclass(frozen=True)
class PipelineTotal:
    """Open proposals of one consortium in one status and currency (not in full)."""

    consortium_id: str
    status: str
    currency: str
    count: int
    amount_minor: int


class BriefingQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _meeting(self, session: object, meeting_id: str) -> tuple[str | None, object]:
        row = session.execute(text(  # type: ignore[attr-defined]
            "SELECT series_id, starts_at FROM meeting WHERE id = :mid AND deleted_at IS NULL"),
            {"mid": meeting_id}).first()
        if row is None:
            raise NotFound(f"No meeting with id {meeting_id}.")
        return row[0], row[1]

    def action_item_ids(self, meeting_id: str) -> list[str]:
        """Open items of this meeting and of earlier meetings of its series."""
        with self.db.read() as session:
            series_id, starts_at = self._meeting(session, meeting_id)
            return list(session.execute(text(
                "SELECT ai.id FROM action_item ai JOIN meeting m ON m.id = ai.meeting_id "
                "WHERE ai.status IN ('open', 'in_progress') AND m.deleted_at IS NULL AND ("
                " m.id = :mid OR (m.series_id = :sid AND m.starts_at <= :start))"),
                {"mid": meeting_id, "sid": series_id, "start": starts_at}).scalars())

    def proposal_ids(self, meeting_id: str) -> list[str]:
        """Open proposals the packet shows in full, by due date then title."""
        with self.db.read() as session:
            series_id, starts_at = self._meeting(session, meeting_id)
            orgs = ("SELECT c.organization_id FROM attendee a JOIN contact c ON "
                    "c.id = a.contact_id WHERE a.meeting_id = :mid AND "
                    "c.organization_id IS NOT NULL")
            return list(session.execute(text(
                f"SELECT p.id FROM proposal p WHERE {_OPEN} AND ("
                f" p.lead_organization_id IN ({orgs})"
                f" OR p.id IN (SELECT pp.proposal_id FROM proposal_partner pp"
                f"  WHERE pp.organization_id IN ({orgs}))"
                " OR p.id IN (SELECT ai.proposal_id FROM action_item ai JOIN meeting m"
                "  ON m.id = ai.meeting_id WHERE ai.proposal_id IS NOT NULL"
                "  AND ai.status IN ('open', 'in_progress') AND m.deleted_at IS NULL"
                "  AND (m.id = :mid OR (m.series_id = :sid AND m.starts_at <= :start)))"
                " OR (length(p.title) >= :min_title AND EXISTS (SELECT 1 FROM agenda_item g"
                "  WHERE g.meeting_id = :mid AND instr(lower(g.title || ' ' || g.details),"
                "  lower(p.title)) > 0))"
                ") ORDER BY coalesce(p.due_date, '9999-12-31'), p.title, p.id"),
                {"mid": meeting_id, "sid": series_id, "start": starts_at,
                 "min_title": MIN_TITLE_MATCH}).scalars())

    def pipeline_totals(self, consortium_ids: list[str],
                        exclude_ids: list[str]) -> list[PipelineTotal]:
        """Open proposals with a partner in each consortium, except `exclude_ids`,
        counted and summed by consortium, status and currency."""
        if not consortium_ids:
            return []
        sql = text(
            "SELECT x.consortium_id, p.status, p.currency, count(*), "
            " coalesce(sum(p.amount_minor), 0) FROM proposal p JOIN ("
            " SELECT DISTINCT pp.proposal_id, o.consortium_id FROM proposal_partner pp"
            " JOIN organization o ON o.id = pp.organization_id"
            " WHERE o.consortium_id IN :cids) x ON x.proposal_id = p.id"
            f" WHERE {_OPEN} AND p.id NOT IN :skip"
            " GROUP BY x.consortium_id, p.status, p.currency"
        ).bindparams(bindparam("cids", expanding=True), bindparam("skip", expanding=True))
        with self.db.read() as session:
            rows = session.execute(sql, {"cids": list(consortium_ids),
                                         "skip": list(exclude_ids) or [""]}).all()
        return [PipelineTotal(c, s, cur, int(n), int(a)) for c, s, cur, n, a in rows]

