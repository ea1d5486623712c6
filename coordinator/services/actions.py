"""Action items across meetings: listing with filters and quick status changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.errors import FieldProblem, NotFound, ValidationError
from coordinator.models import (
    ActionItem,
    ActionStatus,
    Contact,
    Proposal,
    parse_sql_time,
    utcnow,
)
from coordinator.services import indexing
from coordinator.services.base import record_change
from coordinator.services.records import ActionItemData

OPEN_STATUSES = ("open", "in_progress")


@dataclass
class ActionFilter:
    owner_id: str | None = None
    status: str | None = None
    open_only: bool = False
    overdue_on: date | None = None  # open and due before this day
    series_id: str | None = None
    proposal_id: str | None = None
    meeting_id: str | None = None
    meeting_ids: tuple[str, ...] | None = None  # any of these meetings (bulk reads)
    ids: tuple[str, ...] | None = None
    text: str | None = None  # words the item's text contains, in any case


SORTS = {
    "due": "coalesce(ai.due_date, '9999-12-31'), ai.created_at",
    "owner": "coalesce(c.sort_key, 'zzzz'), coalesce(ai.due_date, '9999-12-31'), ai.created_at",
    "created": "ai.created_at, ai.rowid",
    "meeting": "m.starts_at DESC, ai.created_at",
    "done": "ai.status = 'done', coalesce(ai.due_date, '9999-12-31'), ai.created_at",
    "text": "ai.text COLLATE NOCASE, ai.created_at",
    "status": "ai.status, coalesce(ai.due_date, '9999-12-31'), ai.created_at",
    "proposal": "coalesce(p.title, '') COLLATE NOCASE, coalesce(ai.due_date, '9999-12-31')",
}

_SELECT = """
SELECT ai.id, ai.text, ai.owner_id, ai.due_date, ai.status, ai.proposal_id, ai.meeting_id,
       coalesce(c.full_name, ''), coalesce(p.title, ''), m.title, m.starts_at, ai.completed_at
FROM action_item ai
JOIN meeting m ON m.id = ai.meeting_id
LEFT JOIN contact c ON c.id = ai.owner_id
LEFT JOIN proposal p ON p.id = ai.proposal_id
"""


_FROM = """
SELECT ai.id FROM action_item ai
JOIN meeting m ON m.id = ai.meeting_id
LEFT JOIN contact c ON c.id = ai.owner_id
LEFT JOIN proposal p ON p.id = ai.proposal_id
"""


def _parse_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value  # type: ignore[return-value]
    return date.fromisoformat(str(value)[:10])


class ActionService:
    entity = "action_item"

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def apply(row: ActionItem, item: ActionItemData) -> None:
        """Copy editable fields of `item` onto `row`, stamping completion."""
        if item.status not in {s.value for s in ActionStatus}:
            raise ValidationError([FieldProblem("status", f"Unknown status {item.status!r}.")])
        row.text = item.text.strip()
        row.owner_id = item.owner_id or None
        row.due_date = item.due_date
        row.proposal_id = item.proposal_id or None
        if item.status == "done" and row.status != "done":
            row.completed_at = utcnow()
        elif item.status != "done":
            row.completed_at = None
        row.status = item.status
        row.updated_at = utcnow()

    @staticmethod
    def _query(f: ActionFilter | None, sort: str, columns: str,
               limit: int | None = None) -> tuple[Any, dict] | None:
        """The statement listing `columns` of the matching items in `sort` order (None
        when an empty id list matches nothing)."""
        f = f or ActionFilter()
        clauses, params = ["m.deleted_at IS NULL"], {}
        binds = []
        if f.owner_id:
            clauses.append("ai.owner_id = :owner")
            params["owner"] = f.owner_id
        if f.status:
            clauses.append("ai.status = :status")
            params["status"] = f.status
        if f.open_only or f.overdue_on:
            clauses.append("ai.status IN ('open', 'in_progress')")
        if f.overdue_on:
            clauses.append("ai.due_date < :today")
            params["today"] = f.overdue_on.isoformat()
        if f.series_id:
            clauses.append("m.series_id = :sid")
            params["sid"] = f.series_id
        if f.proposal_id:
            clauses.append("ai.proposal_id = :pid")
            params["pid"] = f.proposal_id
        if f.meeting_id:
            clauses.append("ai.meeting_id = :mid")
            params["mid"] = f.meeting_id
        for word in (f.text or "").split():
            name = f"w{len(params)}"
            clauses.append(f"instr(lower(ai.text), :{name}) > 0")
            params[name] = word.lower()
        for column, name, values in (("ai.meeting_id", "mids", f.meeting_ids),
                                     ("ai.id", "ids", f.ids)):
            if values is None:
                continue
            if not values:
                return None
            clauses.append(f"{column} IN :{name}")
            params[name] = list(values)
            binds.append(bindparam(name, expanding=True))
        if sort not in SORTS:
            raise ValidationError([FieldProblem("sort", f"Cannot sort by {sort!r}.")])
        sql = f"{columns} WHERE {' AND '.join(clauses)} ORDER BY {SORTS[sort]}, ai.id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return (text(sql).bindparams(*binds) if binds else text(sql)), params

    def list(self, f: ActionFilter | None = None, sort: str = "due",
             limit: int | None = None) -> list[ActionItemData]:
        query = self._query(f, sort, _SELECT, limit)
        if query is None:
            return []
        with self.db.read() as session:
            rows = session.execute(*query).all()
        return [
            ActionItemData(text=r[1], owner_id=r[2], due_date=_parse_date(r[3]), status=r[4],
                           proposal_id=r[5], id=r[0], meeting_id=r[6], owner_name=r[7],
                           proposal_title=r[8], meeting_title=r[9],
                           meeting_starts_at=parse_sql_time(r[10]),
                           completed_at=parse_sql_time(r[11]))
            for r in rows
        ]

    def ids(self, f: ActionFilter | None = None, sort: str = "due",
            descending: bool = False) -> list[str]:
        """Every matching id in display order: what a lazily fetching table holds."""
        query = self._query(f, sort, _FROM)
        if query is None:
            return []
        with self.db.read() as session:
            ids = list(session.execute(*query).scalars())
        return ids[::-1] if descending else ids

    def rows(self, ids: list[str]) -> list[ActionItemData]:
        """The items of `ids` (of meetings not in Trash), in that order."""
        found: dict[str, ActionItemData] = {}
        for start in range(0, len(ids), 500):
            found.update((a.id or "", a) for a in self.list(
                ActionFilter(ids=tuple(ids[start:start + 500]))))
        return [found[i] for i in ids if i in found]

    def get(self, item_id: str) -> ActionItemData:
        found = self.list(ActionFilter(ids=(item_id,)))
        if not found:
            raise NotFound("action item", item_id)
        return found[0]

    @staticmethod
    def reference_problems(session: Session, item: ActionItemData) -> list[str]:
        """Messages for an owner or proposal that does not exist."""
        problems = []
        if item.owner_id and session.get(Contact, item.owner_id) is None:
            problems.append("Choose an existing contact as owner.")
        if item.proposal_id and session.get(Proposal, item.proposal_id) is None:
            problems.append("Choose an existing proposal.")
        return problems

    def update(self, item_id: str, item: ActionItemData) -> ActionItemData:
        with self.db.write() as session:
            row = session.get(ActionItem, item_id)
            if row is None:
                raise NotFound("action item", item_id)
            problems = [] if item.text.strip() else [
                FieldProblem("text", "An action item needs a text.")]
            problems += [FieldProblem("action_item", m)
                         for m in self.reference_problems(session, item)]
            if problems:
                raise ValidationError(problems)
            self.apply(row, item)
            session.add(row)
            session.flush()
            # The meeting's search document includes its action items.
            indexing.refresh(session, "meeting", [row.meeting_id])
            record_change(session, self.entity, ChangeKind.UPDATED, item_id)
        return self.get(item_id)

    def set_status(self, item_id: str, status: str) -> ActionItemData:
        item = self.get(item_id)
        item.status = status
        return self.update(item_id, item)

    def count_overdue(self, today: date) -> int:
        with self.db.read() as session:
            return session.execute(text(
                "SELECT count(*) FROM action_item ai JOIN meeting m ON m.id = ai.meeting_id "
                "WHERE m.deleted_at IS NULL AND ai.status IN ('open', 'in_progress') "
                "AND ai.due_date < :today"), {"today": today.isoformat()}).scalar_one()
