"""What the Home page shows on one day: the next partnership call, deadlines, action
items due, member organizations going quiet and the records changed last.

Every panel is read by one or two plain SQL queries on a pooled sqlite3 connection, so
the page stays fast at 100,000 contacts (`bench/bench_ui.py` measures it).

"Last contact" with an organization is the latest of: a `last contacted` date of one of
its contacts, a meeting one of its contacts attended, and a proposal it leads or
partners in (an open proposal counts as contact today, a closed one on its due date).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from coordinator.changes import ChangeKind
from coordinator.db import Database, last_touch
from coordinator.errors import NotFound
from coordinator.models import parse_sql_time, sql_time, utcnow
from coordinator.models.enums import CLOSED_STATUSES
from coordinator.services.base import record_change

DEADLINE_DAYS = 30
QUIET_MONTHS = 6  # the default of the "going quiet" setting
QUIET_SHOWN = 50  # organizations listed; the panel says how many there are in all
RECENT_SHOWN = 12
STILL_DUE = ("idea", "drafting", "internal_review")  # a passed due date is overdue
_CLOSED = ", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES))
_STILL_DUE = ", ".join(f"'{s}'" for s in STILL_DUE)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the last day of a shorter month)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    return date(year, month, 28)


def moment_of(day: date) -> datetime:
    """The moment a report about `day` is as of: now on today, the day's end on a day
    gone by (a report for an earlier day must not see what came after it)."""
    now = utcnow()
    end = datetime.combine(day, time.max, UTC)
    return min(now, end)


def week_end(day: date) -> date:
    """The Sunday that ends `day`'s week (ISO weeks run Monday to Sunday)."""
    return day + timedelta(days=6 - day.weekday())


# The quiet members: no contact since :since (parameters :since, :now and :now_day, the
# day of :now), as (id, name, consortium short name, name key, latest contact or "",
# its three kinds, consortium id). Used by Home ("going quiet") and by Coverage (the
# members contacted are the others). Read from the table the triggers of
# `coordinator.db.last_touch` keep: one range of its index (the organizations whose
# contacts were not contacted since), then each one's organization row. A meeting is a
# contact once it has started: an organization whose latest attended meeting is on
# :now_day or later is dated by its meetings until :now instead.
_MET_UNTIL_NOW = last_touch.met("t.organization_id", until=":now")
QUIET_SQL = (
    "SELECT id, name, consortium, name_key, max(contacted_on, proposed_on, met) AS last,"
    " contacted_on, proposed_on, met, consortium_id FROM ("
    " SELECT o.id, o.name, coalesce(cs.short_name, '') AS consortium, o.name_key,"
    " o.consortium_id,"
    " t.contacted_on, t.proposed_on,"
    f" CASE WHEN t.met_on >= :now_day THEN {_MET_UNTIL_NOW} ELSE t.met_on END AS met"
    # CROSS JOIN: SQLite keeps this order, the range read first, never a walk over the
    # members with a lookup each.
    " FROM organization_touch t CROSS JOIN organization o ON o.id = t.organization_id"
    " LEFT JOIN consortium cs ON cs.id = o.consortium_id"
    " WHERE t.contacted_on < :since AND t.proposed_on < :since"
    " AND o.deleted_at IS NULL AND o.consortium_id IS NOT NULL)"
    " WHERE met < :since"
    # Never contacted ("") first, then the longest quiet.
    " ORDER BY last, name_key, id"
)


# The last edited live records of each kind, then of all (parameter :limit): each kind
# read backwards from the end of its partial index ix_<table>_recent (updated_at, live
# rows), never a sort of the whole table.
RECENT_SQL = " UNION ALL ".join(
    f"SELECT * FROM (SELECT '{table}', id, {label}, updated_at FROM {table}"
    " WHERE deleted_at IS NULL ORDER BY updated_at DESC LIMIT :limit)"
    for table, label in (("contact", "full_name"), ("organization", "name"),
                         ("proposal", "title"), ("meeting", "title"))
) + " ORDER BY 4 DESC LIMIT :limit"


@dataclass(frozen=True)
class CallZone:
    """One consortium on the call and its time zone."""

    consortium_id: str
    short_name: str
    time_zone: str


@dataclass(frozen=True)
class Invitee:
    contact_id: str
    name: str
    organization: str
    consortium: str


@dataclass(frozen=True)
class ActionRow:
    id: str
    text: str
    due_date: date | None
    status: str
    owner_id: str | None
    owner_name: str
    meeting_id: str
    meeting_title: str
    overdue: bool


@dataclass(frozen=True)
class NextCall:
    id: str
    title: str
    starts_at: datetime  # aware, UTC
    time_zone: str
    duration_minutes: int
    zones: list[CallZone] = field(default_factory=list)
    invited: list[Invitee] = field(default_factory=list)
    carried: list[ActionRow] = field(default_factory=list)  # open items brought to it


@dataclass(frozen=True)
class Deadline:
    id: str
    title: str
    status: str
    due_date: date
    lead_id: str | None
    lead_name: str
    owner_name: str
    overdue: bool


@dataclass(frozen=True)
class QuietOrganization:
    id: str
    name: str
    consortium: str
    last_contact: date | None  # None: never
    contact_count: int


@dataclass(frozen=True)
class RecentChange:
    entity: str  # contact, organization, proposal, meeting
    id: str
    label: str
    updated_at: datetime


@dataclass(frozen=True)
class QuietList:
    rows: list[QuietOrganization]
    total: int
    months: int
    since: date


@dataclass(frozen=True)
class HomeData:
    today: date
    next_call: NextCall | None
    deadlines: list[Deadline]
    actions: list[ActionRow]
    quiet: QuietList
    recent: list[RecentChange]


def _day(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class HomeService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def load(self, today: date, now: datetime | None = None,
             quiet_months: int = QUIET_MONTHS) -> HomeData:
        """Every panel at once (the page reads this in one background task)."""
        now = now or moment_of(today)
        return HomeData(today=today, next_call=self.next_call(now),
                        deadlines=self.deadlines(today), actions=self.action_items(today),
                        quiet=self.going_quiet(today, quiet_months, now=now),
                        recent=self.recently_changed())

    # -- next partnership call ------------------------------------------------------------
    def next_call(self, now: datetime | None = None) -> NextCall | None:
        """The next partnership call that has not ended, with its consortia, invitees and
        the open action items of it and the earlier meetings of its series."""
        now = now or utcnow()
        with self.db.raw() as conn:
            # Calls still running count: the start is at most a day back, then the end
            # is checked here (starts_at is indexed, the duration is not).
            row = conn.execute(
                "SELECT m.id, m.title, m.starts_at, m.time_zone, m.duration_minutes,"
                " m.series_id,"
                " (SELECT json_group_array(json_array(c.id, c.short_name, c.time_zone))"
                "   FROM (SELECT c.id, c.short_name, c.time_zone FROM meeting_consortium mc"
                "   JOIN consortium c ON c.id = mc.consortium_id"
                "   WHERE mc.meeting_id = m.id ORDER BY c.name) c),"
                " (SELECT json_group_array(json_array(x.id, x.full_name, x.org, x.cons))"
                "   FROM (SELECT c.id, c.full_name, coalesce(o.name, '') AS org,"
                "   coalesce(cs.short_name, '') AS cons FROM attendee a"
                "   JOIN contact c ON c.id = a.contact_id"
                "   LEFT JOIN organization o ON o.id = c.organization_id"
                "   LEFT JOIN consortium cs ON cs.id = c.consortium_id"
                "   WHERE a.meeting_id = m.id AND c.deleted_at IS NULL"
                "   ORDER BY c.sort_key) x)"
                " FROM meeting m WHERE m.deleted_at IS NULL AND m.kind = 'partnership_call'"
                " AND m.starts_at >= :from AND"
                " datetime(m.starts_at, '+' || m.duration_minutes || ' minutes') > :now"
                " ORDER BY m.starts_at LIMIT 1",
                {"from": sql_time(now - timedelta(days=1)), "now": sql_time(now)[:19]},
            ).fetchone()
            if row is None:
                return None
            meeting_id, title, starts, zone, minutes, series_id, zones, people = row
            items = conn.execute(
                "SELECT ai.id, ai.text, ai.due_date, ai.status, ai.owner_id,"
                " coalesce(c.full_name, ''), m.id, m.title FROM action_item ai"
                " JOIN meeting m ON m.id = ai.meeting_id"
                " LEFT JOIN contact c ON c.id = ai.owner_id"
                " WHERE ai.status IN ('open', 'in_progress') AND m.deleted_at IS NULL AND"
                " (m.id = :mid OR (m.series_id = :sid AND m.starts_at <= :start))"
                " ORDER BY coalesce(ai.due_date, '9999-12-31'), ai.created_at",
                {"mid": meeting_id, "sid": series_id, "start": starts}).fetchall()
        today = now.astimezone(UTC).date()
        return NextCall(
            id=meeting_id, title=title, starts_at=parse_sql_time(starts),  # type: ignore[arg-type]
            time_zone=zone, duration_minutes=int(minutes or 0),
            zones=[CallZone(*z) for z in json.loads(zones or "[]")],
            invited=[Invitee(*p) for p in json.loads(people or "[]")],
            carried=[self._action(r, today) for r in items])

    @staticmethod
    def _action(r: tuple, today: date) -> ActionRow:
        due = _day(r[2])
        return ActionRow(id=r[0], text=r[1], due_date=due, status=r[3], owner_id=r[4],
                         owner_name=r[5], meeting_id=r[6], meeting_title=r[7],
                         overdue=due is not None and due < today)

    # -- deadlines -----------------------------------------------------------------------
    def deadlines(self, today: date, days: int = DEADLINE_DAYS) -> list[Deadline]:
        """Proposals still being written whose due date has passed (first), then every
        open proposal due in the next `days` days, soonest first."""
        with self.db.raw() as conn:
            rows = conn.execute(
                "SELECT p.id, p.title, p.status, p.due_date, o.id,"
                " coalesce(o.name, ''), coalesce(c.full_name, ''),"
                f" p.due_date < :today AND p.status IN ({_STILL_DUE}) AS overdue"
                # The lead is the proposal's lead organization, else its partner in the
                # lead role.
                " FROM proposal p LEFT JOIN organization o ON o.id = coalesce("
                "  p.lead_organization_id, (SELECT pp.organization_id FROM proposal_partner pp"
                "  WHERE pp.proposal_id = p.id AND pp.role = 'lead' ORDER BY pp.position"
                "  LIMIT 1))"
                " LEFT JOIN contact c ON c.id = p.owner_id"
                " WHERE p.deleted_at IS NULL AND p.due_date IS NOT NULL AND ("
                f"  (p.due_date < :today AND p.status IN ({_STILL_DUE}))"
                f"  OR (p.due_date BETWEEN :today AND :until AND p.status NOT IN ({_CLOSED})))"
                " ORDER BY overdue DESC, p.due_date, p.title",
                {"today": today.isoformat(),
                 "until": (today + timedelta(days=days)).isoformat()}).fetchall()
        return [Deadline(id=r[0], title=r[1], status=r[2], due_date=_day(r[3]),  # type: ignore[arg-type]
                         lead_id=r[4], lead_name=r[5], owner_name=r[6], overdue=bool(r[7]))
                for r in rows]

    # -- action items --------------------------------------------------------------------
    def action_items(self, today: date) -> list[ActionRow]:
        """Open action items that are overdue or due by the end of this week."""
        with self.db.raw() as conn:
            rows = conn.execute(
                "SELECT ai.id, ai.text, ai.due_date, ai.status, ai.owner_id,"
                " coalesce(c.full_name, ''), m.id, m.title FROM action_item ai"
                " JOIN meeting m ON m.id = ai.meeting_id"
                " LEFT JOIN contact c ON c.id = ai.owner_id"
                " WHERE ai.status IN ('open', 'in_progress') AND ai.due_date <= :end"
                " AND m.deleted_at IS NULL"
                " ORDER BY ai.due_date, coalesce(c.sort_key, 'zzzz'), ai.created_at",
                {"end": week_end(today).isoformat()}).fetchall()
        return [self._action(r, today) for r in rows]

    # -- going quiet ---------------------------------------------------------------------
    def going_quiet(self, today: date, months: int = QUIET_MONTHS, *,
                    now: datetime | None = None, limit: int = QUIET_SHOWN) -> QuietList:
        """Member organizations (those in a consortium) with no contact since `months`
        months before `today`: never contacted first, then the longest quiet.

        Two queries: the quiet members with their latest contact (a range read of the
        last-contact table), then the live contacts of only those listed."""
        since = months_before(today, months)
        now = now or moment_of(today)
        stamp = sql_time(now)
        with self.db.raw() as conn:
            quiet = conn.execute(QUIET_SQL, {"since": since.isoformat(), "now": stamp,
                                             "now_day": stamp[:10]}).fetchall()
            shown = quiet[:limit]
            counts = dict(conn.execute(
                "SELECT c.organization_id, count(*) FROM contact c"
                " WHERE c.organization_id IN (SELECT value FROM json_each(:ids))"
                " AND c.deleted_at IS NULL GROUP BY c.organization_id",
                {"ids": json.dumps([r[0] for r in shown])}).fetchall())
        rows = [QuietOrganization(oid, name, consortium, _day(last), int(counts.get(oid, 0)))
                for oid, name, consortium, _key, last, *_parts in shown]
        return QuietList(rows=rows, total=len(quiet), months=months, since=since)

    def mark_contacted(self, organization_id: str, day: date) -> dict[str, date | None]:
        """Set `last contacted` to `day` on every live contact of the organization;
        returns each contact's previous date, for `restore_contacted` (undo)."""
        with self.db.write() as session:
            conn = session.connection()
            found = conn.exec_driver_sql(
                "SELECT 1 FROM organization WHERE id = ? AND deleted_at IS NULL",
                (organization_id,)).first()
            if found is None:
                raise NotFound("organization", organization_id)
            rows = conn.exec_driver_sql(
                "SELECT id, last_contacted_on FROM contact WHERE organization_id = ?"
                " AND deleted_at IS NULL", (organization_id,)).all()
            previous = {r[0]: _day(r[1]) for r in rows}
            self._set_dates(session, {cid: day for cid in previous})
        return previous

    def restore_contacted(self, values: dict[str, date | None]) -> None:
        """Put `last contacted` dates back (the undo of `mark_contacted`)."""
        with self.db.write() as session:
            self._set_dates(session, values)

    @staticmethod
    def _set_dates(session: object, values: dict[str, date | None]) -> None:
        if not values:
            return
        conn = session.connection()  # type: ignore[attr-defined]
        stamp = sql_time(utcnow())
        conn.exec_driver_sql(
            "UPDATE contact SET last_contacted_on = ?, updated_at = ? WHERE id = ?",
            [(d.isoformat() if d else None, stamp, cid) for cid, d in values.items()])
        record_change(session, "contact", ChangeKind.UPDATED, *values)  # type: ignore[arg-type]

    # -- recently changed ----------------------------------------------------------------
    def recently_changed(self, limit: int = RECENT_SHOWN) -> list[RecentChange]:
        """The records edited last, of every kind, newest first."""
        with self.db.raw() as conn:
            rows = conn.execute(RECENT_SQL, {"limit": limit}).fetchall()
        return [RecentChange(r[0], r[1], r[2], parse_sql_time(r[3]))  # type: ignore[arg-type]
                for r in rows]


__all__ = [
    "QUIET_SQL",
    "RECENT_SQL",
    "ActionRow",
    "CallZone",
    "Deadline",
    "HomeData",
    "HomeService",
    "Invitee",
    "NextCall",
    "QuietList",
    "QuietOrganization",
    "RecentChange",
    "months_before",
    "week_end",
]
