"""Meetings with agenda, attendees, decisions and action items, and the helpers the
briefing uses: what is still open and which proposals matter for a meeting."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import text
from sqlmodel import Session, select

from coordinator.changes import ChangeKind
from coordinator.errors import FieldProblem, ValidationError
from coordinator.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendee,
    AttendeeRole,
    Consortium,
    Contact,
    Decision,
    Meeting,
    MeetingConsortium,
    MeetingKind,
    MeetingSeries,
    Organization,
    Rsvp,
    fold,
    sql_time,
    utcnow,
)
from coordinator.services import validation as v
from coordinator.services.actions import ActionFilter, ActionService
from coordinator.services.base import EntityService, free_natural_id, record_change
from coordinator.services.children import save_children
from coordinator.services.records import (
    ActionItemData,
    AgendaItemData,
    AttendeeData,
    MeetingData,
    Page,
    ProposalData,
)
from coordinator.services.search import fts_query


@dataclass
class MeetingFilter:
    series_id: str | None = None
    consortium_id: str | None = None
    upcoming: bool | None = None  # True: from now on; False: past
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    text: str | None = None


# Sort keys of `MeetingService.ids` (SQL over the meeting `m`).
SORTS = {
    "when": "m.starts_at",
    "title": "m.title COLLATE NOCASE",
    "series": "coalesce((SELECT s.name FROM meeting_series s WHERE s.id = m.series_id), '') "
              "COLLATE NOCASE",
    "kind": "m.kind",
    "consortia": "(SELECT count(*) FROM meeting_consortium mc WHERE mc.meeting_id = m.id)",
    "attendees": "(SELECT count(*) FROM attendee a WHERE a.meeting_id = m.id)",
    "open_items": "(SELECT count(*) FROM action_item ai WHERE ai.meeting_id = m.id "
                  "AND ai.status IN ('open', 'in_progress'))",
}


@dataclass(frozen=True)
class SeriesData:
    id: str
    name: str
    meeting_count: int


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


CHUNK = 500  # ids per IN (...): well under SQLite's limit on bound variables
T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _series_names(session: Session, series_ids: set[str]) -> dict[str, str]:
    return dict(session.execute(select(MeetingSeries.id, MeetingSeries.name).where(
        MeetingSeries.id.in_(series_ids))).all())  # type: ignore[attr-defined]


def _agenda_by_meeting(session: Session, ids: list[str]) -> dict[str, list[AgendaItemData]]:
    found: dict[str, list[AgendaItemData]] = {}
    for a, name in session.execute(
            select(AgendaItem, Contact.full_name)
            .outerjoin(Contact, Contact.id == AgendaItem.presenter_id)
            .where(AgendaItem.meeting_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(AgendaItem.meeting_id, AgendaItem.position)).all():
        found.setdefault(a.meeting_id, []).append(
            AgendaItemData(a.title, a.presenter_id, a.minutes, a.details, name or ""))
    return found


def _attendees_by_meeting(session: Session, ids: list[str]) -> dict[str, list[AttendeeData]]:
    """Attendees by name; people with the same sort key in a stable (contact id) order."""
    found: dict[str, list[AttendeeData]] = {}
    for a, name, org, cid in session.execute(
            select(Attendee, Contact.full_name, Organization.name, Contact.consortium_id)
            .join(Contact, Contact.id == Attendee.contact_id)
            # an organization in Trash is not named on its people
            .outerjoin(Organization, (Organization.id == Contact.organization_id)
                       & Organization.deleted_at.is_(None))  # type: ignore[union-attr]
            .where(Attendee.meeting_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(Attendee.meeting_id, Contact.sort_key, Attendee.contact_id)).all():
        found.setdefault(a.meeting_id, []).append(
            AttendeeData(a.contact_id, a.role, a.rsvp, a.attended, name, org or "", cid))
    return found


def _values_by_meeting(session: Session, meeting_column: Any, value_column: Any,
                       order_column: Any, ids: list[str]) -> dict[str, list[Any]]:
    """{meeting id: values of one child column, in `order_column` order} for `ids`."""
    found: dict[str, list[Any]] = {}
    for meeting_id, value in session.execute(
            select(meeting_column, value_column).where(meeting_column.in_(ids))
            .order_by(meeting_column, order_column)).all():
        found.setdefault(meeting_id, []).append(value)
    return found


class MeetingService(EntityService):
    entity = "meeting"
    model = Meeting
    label = "meeting"

    def __init__(self, db, actions: ActionService) -> None:  # type: ignore[no-untyped-def]
        super().__init__(db)
        self.actions = actions

    def validate(self, d: MeetingData) -> list[FieldProblem]:
        problems = v.Problems()
        problems.require("title", d.title, "Title")
        problems.limit("title", d.title, v.TITLE_MAX_CHARS, "title")
        if d.starts_at is None:
            problems.add("starts_at", "Enter the date and time the meeting starts.")
        problems.add("time_zone", v.time_zone_problem(d.time_zone))
        if d.kind not in {k.value for k in MeetingKind}:
            problems.add("kind", f"Unknown kind {d.kind!r}.")
        if d.duration_minutes < 0 or d.duration_minutes > 24 * 60 * 7:
            problems.add("duration_minutes", "Enter a duration between 0 minutes and a week.")
        problems.add("link", v.url_problem(d.link))
        for i, a in enumerate(d.agenda):
            if not a.title.strip():
                problems.add(f"agenda[{i}]", "An agenda item needs a title.")
            problems.limit(f"agenda[{i}]", a.title, v.TITLE_MAX_CHARS, "agenda item title")
            if a.minutes < 0:
                problems.add(f"agenda[{i}]", "Minutes cannot be negative.")
        seen: set[str] = set()
        for i, att in enumerate(d.attendees):
            if att.contact_id in seen:
                problems.add(f"attendees[{i}]", "This person is already an attendee.")
            seen.add(att.contact_id)
            if att.role not in {r.value for r in AttendeeRole}:
                problems.add(f"attendees[{i}]", f"Unknown role {att.role!r}.")
            if att.rsvp not in {r.value for r in Rsvp}:
                problems.add(f"attendees[{i}]", f"Unknown RSVP {att.rsvp!r}.")
        for i, item in enumerate(d.action_items):
            if not item.text.strip():
                problems.add(f"action_items[{i}]", "An action item needs a text.")
            if item.status not in {s.value for s in ActionStatus}:
                problems.add(f"action_items[{i}]", f"Unknown status {item.status!r}.")
        v.unsavable_text(problems, d)
        return problems.items

    def _check(self, session: Session, d: MeetingData) -> None:
        problems = self.validate(d)
        for i, att in enumerate(d.attendees):
            if session.get(Contact, att.contact_id) is None:
                problems.append(FieldProblem(f"attendees[{i}]", "Choose an existing contact."))
        # Unknown references would otherwise fail later as a bare IntegrityError.
        for i, a in enumerate(d.agenda):
            if a.presenter_id and session.get(Contact, a.presenter_id) is None:
                problems.append(FieldProblem(f"agenda[{i}]", "Choose an existing presenter."))
        if any(session.get(Consortium, cid) is None for cid in d.consortium_ids):
            problems.append(FieldProblem("consortium_ids", "Choose one of the consortia."))
        for i, item in enumerate(d.action_items):
            problems.extend(FieldProblem(f"action_items[{i}]", message)
                            for message in self.actions.reference_problems(session, item))
        if problems:
            raise ValidationError(problems)

    def create(self, d: MeetingData) -> MeetingData:
        with self.db.write() as session:
            self._check(session, d)
            row = Meeting(title=d.title.strip(), starts_at=_aware(d.starts_at))  # type: ignore[arg-type]
            self._apply(session, row, d)
            record_change(session, self.entity, ChangeKind.CREATED, row.id)
        return self.get(row.id)

    def update(self, meeting_id: str, d: MeetingData) -> MeetingData:
        with self.db.write() as session:
            row = self._load(session, meeting_id)
            self._check(session, d)
            self._touch(row)
            self._apply(session, row, d)
            record_change(session, self.entity, ChangeKind.UPDATED, row.id)
        return self.get(meeting_id)

    def _series_id(self, session: Session, name: str) -> str | None:
        key = fold(name)
        if not key:
            return None
        series = session.exec(select(MeetingSeries).where(MeetingSeries.name_key == key)).first()
        if series is None:
            series = MeetingSeries(id=free_natural_id(session, MeetingSeries, "meeting_series",
                                                      key), name=name.strip(), name_key=key)
            session.add(series)
            session.flush()
        return series.id

    def _apply(self, session: Session, row: Meeting, d: MeetingData) -> None:
        row.title, row.kind = d.title.strip(), d.kind
        row.starts_at = _aware(d.starts_at)  # type: ignore[arg-type]
        row.time_zone, row.duration_minutes = d.time_zone, d.duration_minutes
        row.location, row.link = d.location.strip(), d.link.strip()
        row.notes, row.private_notes = d.notes, d.private_notes
        row.series_id = self._series_id(session, d.series_name) if d.series_name else d.series_id
        session.add(row)
        session.flush()
        save_children(session, MeetingConsortium, "meeting_id", row.id, [
            {"consortium_id": cid} for cid in dict.fromkeys(d.consortium_ids)])
        save_children(session, AgendaItem, "meeting_id", row.id, [
            {"position": i, "title": a.title.strip(), "presenter_id": a.presenter_id,
             "minutes": a.minutes, "details": a.details} for i, a in enumerate(d.agenda)])
        save_children(session, Attendee, "meeting_id", row.id, [
            {"contact_id": att.contact_id, "role": att.role, "rsvp": att.rsvp,
             "attended": att.attended} for att in d.attendees], key=("contact_id",))
        save_children(session, Decision, "meeting_id", row.id, [
            {"position": i, "text": line.strip()}
            for i, line in enumerate(d.decisions) if line.strip()])
        self._save_action_items(session, row.id, d.action_items)
        session.flush()
        self._reindex(session, row.id)

    def _save_action_items(self, session: Session, meeting_id: str,
                           items: list[ActionItemData]) -> None:
        """Upsert by id: action items keep their identity across edits of the meeting."""
        existing = {a.id: a for a in session.exec(
            select(ActionItem).where(ActionItem.meeting_id == meeting_id)).all()}
        kept: set[str] = set()
        for item in items:
            row = existing.get(item.id or "") or ActionItem(meeting_id=meeting_id, text="")
            self.actions.apply(row, item)
            session.add(row)
            kept.add(row.id)
        for gone in set(existing) - kept:
            session.delete(existing[gone])
        record_change(session, "action_item", ChangeKind.UPDATED, *kept)

    # -- reads -------------------------------------------------------------------------
    def get(self, meeting_id: str, *, include_deleted: bool = False) -> MeetingData:
        with self.db.read() as session:
            row = self._load(session, meeting_id, deleted=None if include_deleted else False)
            return self._read(session, row)

    def _read(self, session: Session, row: Meeting) -> MeetingData:
        return self._read_many(session, [row])[0]

    def _load_many(self, session: Session, ids: list[str]) -> list[Meeting]:
        """The meetings for `ids`, in that order, fetched a chunk at a time."""
        found: dict[str, Meeting] = {}
        for chunk in _chunks(ids):
            found.update((m.id, m) for m in session.exec(
                select(Meeting).where(Meeting.id.in_(chunk))).all())  # type: ignore[attr-defined]
        return [found[i] for i in ids]

    def _read_many(self, session: Session, rows: list[Meeting]) -> list[MeetingData]:
        """Full records for `rows`, in order: each child table is read once per chunk of
        meetings, so a page of meetings costs a handful of queries, not several per row."""
        out: list[MeetingData] = []
        for chunk in _chunks(rows):
            out.extend(self._read_chunk(session, chunk))
        return out

    def _read_chunk(self, session: Session, rows: Sequence[Meeting]) -> list[MeetingData]:
        ids = [r.id for r in rows]
        series = _series_names(session, {r.series_id for r in rows if r.series_id})
        agenda = _agenda_by_meeting(session, ids)
        attendees = _attendees_by_meeting(session, ids)
        decisions = _values_by_meeting(session, Decision.meeting_id, Decision.text,
                                       Decision.position, ids)
        consortia = _values_by_meeting(session, MeetingConsortium.meeting_id,
                                       MeetingConsortium.consortium_id,
                                       MeetingConsortium.consortium_id, ids)
        actions: dict[str, list[ActionItemData]] = {}
        for item in self.actions.list(ActionFilter(meeting_ids=tuple(ids)), sort="created"):
            actions.setdefault(item.meeting_id or "", []).append(item)
        return [MeetingData(
            id=row.id, title=row.title, starts_at=row.starts_at, time_zone=row.time_zone,
            series_id=row.series_id, series_name=series.get(row.series_id or "", ""),
            kind=row.kind, duration_minutes=row.duration_minutes, location=row.location,
            link=row.link, notes=row.notes, private_notes=row.private_notes,
            consortium_ids=consortia.get(row.id, []), agenda=agenda.get(row.id, []),
            attendees=attendees.get(row.id, []), decisions=decisions.get(row.id, []),
            action_items=actions.get(row.id, []),
            created_at=row.created_at, updated_at=row.updated_at, deleted_at=row.deleted_at,
        ) for row in rows]

    @staticmethod
    def _where(f: MeetingFilter | None, now: datetime | None) -> tuple[str, dict]:
        f = f or MeetingFilter()
        now = now or utcnow()
        clauses, params = ["m.deleted_at IS NULL"], {}
        if f.series_id:
            clauses.append("m.series_id = :sid")
            params["sid"] = f.series_id
        if f.consortium_id:
            clauses.append("m.id IN (SELECT meeting_id FROM meeting_consortium "
                           "WHERE consortium_id = :cid)")
            params["cid"] = f.consortium_id
        bounds = [(f.starts_after, ">="), (f.starts_before, "<")]
        if f.upcoming is not None:
            bounds.append((now, ">=" if f.upcoming else "<"))
        for i, (moment, op) in enumerate(bounds):
            if moment is not None:
                clauses.append(f"m.starts_at {op} :t{i}")
                params[f"t{i}"] = sql_time(_aware(moment))
        if f.text and (match := fts_query(f.text)):
            clauses.append("m.id IN (SELECT d.entity_id FROM search_fts JOIN search_doc d "
                           "ON d.rowid = search_fts.rowid WHERE search_fts MATCH :match "
                           "AND d.entity = 'meeting')")
            params["match"] = match
        return " WHERE " + " AND ".join(clauses), params

    def list(self, f: MeetingFilter | None = None, descending: bool = False, offset: int = 0,
             limit: int | None = None, now: datetime | None = None) -> Page[MeetingData]:
        where, params = self._where(f, now)
        sql = f"SELECT m.id FROM meeting m{where} ORDER BY m.starts_at " + (
            "DESC" if descending else "ASC")
        with self.db.read() as session:
            total = session.execute(text(f"SELECT count(*) FROM meeting m{where}"), params
                                    ).scalar_one()
            if limit is not None:
                sql += " LIMIT :limit OFFSET :offset"
                params.update(limit=limit, offset=offset)
            ids = list(session.execute(text(sql), params).scalars())
            rows = self._read_many(session, self._load_many(session, ids))
        return Page(rows=rows, total=total, offset=offset)

    def ids(self, f: MeetingFilter | None = None, sort: str = "when", descending: bool = False,
            now: datetime | None = None) -> list[str]:
        """Every matching id in display order (`SORTS`): what a lazily fetching table
        holds."""
        if sort not in SORTS:
            raise ValidationError([FieldProblem("sort", f"Cannot sort meetings by {sort!r}.")])
        where, params = self._where(f, now)
        direction = "DESC" if descending else "ASC"
        sql = (f"SELECT m.id FROM meeting m{where} ORDER BY {SORTS[sort]} {direction}, "
               f"m.starts_at {direction}, m.id")
        with self.db.read() as session:
            return list(session.execute(text(sql), params).scalars())

    def rows(self, ids: list[str]) -> list[MeetingData]:
        """The live meetings of `ids`, in that order (missing ones skipped)."""
        with self.db.read() as session:
            found: dict[str, Meeting] = {}
            for chunk in _chunks(ids):
                found.update((m.id, m) for m in session.exec(select(Meeting).where(
                    Meeting.id.in_(chunk), Meeting.deleted_at.is_(None))).all())  # type: ignore[attr-defined, union-attr]
            return self._read_many(session, [found[i] for i in ids if i in found])

    def series(self) -> list[SeriesData]:
        with self.db.read() as session:
            rows = session.execute(text(
                "SELECT s.id, s.name, (SELECT count(*) FROM meeting m WHERE m.series_id = s.id "
                "AND m.deleted_at IS NULL) FROM meeting_series s ORDER BY s.name")).all()
        return [SeriesData(*r) for r in rows]

    def next_upcoming(self, now: datetime | None = None) -> MeetingData | None:
        page = self.list(MeetingFilter(upcoming=True), limit=1, now=now)
        return page.rows[0] if page.rows else None

    def previous_in_series(self, meeting_id: str) -> MeetingData | None:
        """The latest earlier meeting of the same series, if any."""
        with self.db.read() as session:
            row = self._load(session, meeting_id)
            if row.series_id is None:
                return None
            prev = session.exec(select(Meeting).where(
                Meeting.series_id == row.series_id, Meeting.deleted_at.is_(None),  # type: ignore[union-attr]
                Meeting.starts_at < row.starts_at, Meeting.id != row.id)
                .order_by(Meeting.starts_at.desc())).first()  # type: ignore[attr-defined]
            return self._read(session, prev) if prev else None

    def relevant_action_items(self, meeting_id: str) -> list[ActionItemData]:
        """Open items from this and earlier meetings of the same series, ordered by
        owner, then due date. Items an attendee owns in an unrelated series are not
        carried here: they belong to that series' calls (and its briefing)."""
        with self.db.read() as session:
            row = self._load(session, meeting_id)
            ids = session.execute(text(
                "SELECT ai.id FROM action_item ai JOIN meeting m ON m.id = ai.meeting_id "
                "WHERE ai.status IN ('open', 'in_progress') AND m.deleted_at IS NULL AND ("
                " (m.series_id = :sid AND m.starts_at <= :start) OR m.id = :mid)"),
                {"sid": row.series_id, "start": sql_time(row.starts_at),
                 "mid": row.id}).scalars().all()
        return self.actions.list(ActionFilter(ids=tuple(ids)), sort="owner")

    def relevant_proposals(self, meeting_id: str) -> list[ProposalData]:
        """Open proposals with a partner (or lead) organization that has an attendee, or
        with a partner in one of the meeting's consortia."""
        from coordinator.services.proposals import ProposalService

        with self.db.read() as session:
            self._load(session, meeting_id)
            ids = session.execute(text(
                "SELECT p.id FROM proposal p WHERE p.deleted_at IS NULL AND p.status NOT IN "
                "('awarded', 'declined', 'withdrawn') AND ("
                " p.id IN (SELECT pp.proposal_id FROM proposal_partner pp JOIN organization o "
                "  ON o.id = pp.organization_id WHERE o.id IN (SELECT c.organization_id FROM "
                "  attendee a JOIN contact c ON c.id = a.contact_id WHERE a.meeting_id = :mid)"
                "  OR o.consortium_id IN (SELECT consortium_id FROM meeting_consortium "
                "  WHERE meeting_id = :mid))"
                " OR p.lead_organization_id IN (SELECT c.organization_id FROM attendee a JOIN "
                "  contact c ON c.id = a.contact_id WHERE a.meeting_id = :mid)) "
                "ORDER BY coalesce(p.due_date, '9999-12-31'), p.title"),
                {"mid": meeting_id}).scalars().all()
        return ProposalService(self.db).get_many(list(ids))

    def attended_by(self, contact_id: str) -> list[MeetingData]:
        with self.db.read() as session:
            ids = session.execute(text(
                "SELECT m.id FROM meeting m JOIN attendee a ON a.meeting_id = m.id WHERE "
                "a.contact_id = :c AND m.deleted_at IS NULL ORDER BY m.starts_at DESC"),
                {"c": contact_id}).scalars().all()
            return self._read_many(session, self._load_many(session, list(ids)))
