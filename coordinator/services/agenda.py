"""The coordinator's agenda for a day: what is overdue and what falls due soon.

* Action items still open or in progress whose due date has passed (overdue) or falls
  within the next `days` days.
* Proposal deadlines: a proposal still being written (idea, drafting, internal review)
  whose due date has passed is overdue; any proposal not yet decided (awarded,
  declined, withdrawn) due within the next `days` days is upcoming, as on Home.

Read with plain SQL on a sqlite3 connection (`source.raw()`, which both `Database` and
the command line's plain reader offer), so `coordinator agenda` from cron starts fast.
Meetings and proposals in Trash, and their action items, are left out.

`agenda_ics` writes the same entries as an iCalendar file: one all-day VEVENT per
entry (calendars such as Google's and Outlook's import events but drop VTODOs), with
a UID made from the record's id, so importing a newer file updates the events instead
of adding copies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

# Proposal statuses, as stored (coordinator.models.enums; not imported, so that the
# agenda command needs no ORM). A test keeps them equal.
STILL_BEING_WRITTEN = ("idea", "drafting", "internal_review")
DECIDED = ("awarded", "declined", "withdrawn")
OPEN_ACTIONS = ("open", "in_progress")
DEFAULT_DAYS = 14
ALL_AHEAD = 3660  # days: ten years ahead stands for "every open date" in a calendar export
PRODID = "-//Coordinator//Smart Cities Coalition agenda//EN"
DEADLINE_UID = "{id}@coordinator.proposal-deadline"
ACTION_UID = "{id}@coordinator.action-item"


class RawSource(Protocol):
    def raw(self) -> AbstractContextManager: ...


@dataclass(frozen=True)
class AgendaEntry:
    kind: str  # "action_item" or "proposal"
    id: str
    title: str  # the action item's text, or the proposal's title
    due_date: date
    overdue: bool
    status: str
    who: str  # the action item's owner, or the proposal's owner
    context: str  # the action item's meeting, or the proposal's funder
    updated_at: datetime | None = None

    def when(self, today: date) -> str:
        """"3 days overdue", "due today", "due tomorrow", "due in 5 days"."""
        delta = (self.due_date - today).days
        if delta < 0:
            return f"{-delta} day{'s' if delta != -1 else ''} overdue"
        if delta == 0:
            return "due today"
        return "due tomorrow" if delta == 1 else f"due in {delta} days"


@dataclass(frozen=True)
class Agenda:
    today: date
    days: int
    overdue: list[AgendaEntry] = field(default_factory=list)  # oldest first
    upcoming: list[AgendaEntry] = field(default_factory=list)  # soonest first

    @property
    def entries(self) -> list[AgendaEntry]:
        return [*self.overdue, *self.upcoming]


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


_ACTIONS = f"""
SELECT ai.id, ai.text, ai.due_date, ai.status, coalesce(c.full_name, ''), m.title,
       ai.updated_at
FROM action_item ai JOIN meeting m ON m.id = ai.meeting_id
LEFT JOIN contact c ON c.id = ai.owner_id
WHERE ai.status IN ({_marks(OPEN_ACTIONS)}) AND ai.due_date IS NOT NULL
  AND ai.due_date <= :until AND m.deleted_at IS NULL
"""
_PROPOSALS = f"""
SELECT p.id, p.title, p.due_date, p.status, coalesce(c.full_name, ''), p.funder,
       p.updated_at
FROM proposal p LEFT JOIN contact c ON c.id = p.owner_id
WHERE p.deleted_at IS NULL AND p.due_date IS NOT NULL AND (
  (p.due_date < :today AND p.status IN ({_marks(STILL_BEING_WRITTEN)}))
  OR (p.due_date BETWEEN :today AND :until AND p.status NOT IN ({_marks(DECIDED)})))
"""


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _rows(conn: object, sql: str, kind: str, today: date, until: date) -> Iterator[AgendaEntry]:
    params = {"today": today.isoformat(), "until": until.isoformat()}
    for rid, title, due, status, who, context, updated in conn.execute(sql, params):  # type: ignore[attr-defined]
        day = date.fromisoformat(str(due)[:10])
        yield AgendaEntry(kind, rid, title, day, day < today, status, who, context or "",
                          _time(updated))


def agenda(source: RawSource, today: date, days: int = DEFAULT_DAYS) -> Agenda:
    """Overdue entries (oldest first) and those due from `today` to `today + days`
    (soonest first); within a day, proposals before action items, then by title."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    until = today + timedelta(days=days)
    with source.raw() as conn:
        entries = [*_rows(conn, _PROPOSALS, "proposal", today, until),
                   *_rows(conn, _ACTIONS, "action_item", today, until)]
    entries.sort(key=lambda e: (e.due_date, e.kind != "proposal", e.title.casefold(), e.id))
    return Agenda(today, days, [e for e in entries if e.overdue],
                  [e for e in entries if not e.overdue])


def as_text(a: Agenda) -> str:
    """The agenda for a terminal or an email from cron: plain lines, no colour."""
    lines = [f"Agenda for {a.today:%A %B} {a.today.day}, {a.today.year} (next {a.days} days)"]
    if not a.entries:
        lines.append("Nothing overdue and nothing due.")
    for heading, entries in (("Overdue", a.overdue), ("Coming up", a.upcoming)):
        if not entries:
            continue
        lines += ["", f"{heading}:"]
        for e in entries:
            label = "Deadline" if e.kind == "proposal" else "Action"
            extra = ", ".join(x for x in (e.who, e.context) if x)
            lines.append(f"  {e.due_date.isoformat()}  {label}: {e.title}"
                         f" ({e.when(a.today)}{'; ' + extra if extra else ''})")
    return "\n".join(lines) + "\n"


def as_plain(a: Agenda) -> dict[str, object]:
    """The agenda as JSON-ready values."""
    def entry(e: AgendaEntry) -> dict[str, object]:
        return {"kind": e.kind, "id": e.id, "title": e.title,
                "due_date": e.due_date.isoformat(), "overdue": e.overdue,
                "status": e.status, "who": e.who, "context": e.context,
                "when": e.when(a.today)}

    return {"today": a.today.isoformat(), "days": a.days,
            "overdue": [entry(e) for e in a.overdue],
            "upcoming": [entry(e) for e in a.upcoming]}


def entry_uid(e: AgendaEntry) -> str:
    return (DEADLINE_UID if e.kind == "proposal" else ACTION_UID).format(id=e.id)


def agenda_ics(a: Agenda) -> bytes:
    """An iCalendar file with one all-day event per entry (see the module's note)."""
    from icalendar import Calendar, Event

    from coordinator.formats.export_text import multiline

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    for e in a.entries:
        event = Event()
        event.add("uid", entry_uid(e))
        # The record's last change: the same data gives the same bytes, a change a
        # newer stamp (which calendars take as the newer version).
        stamp = e.updated_at or datetime.combine(e.due_date, datetime.min.time(), UTC)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        label = "Deadline" if e.kind == "proposal" else "Action"
        event.add("summary", multiline(f"{label}: {e.title}"))
        event.add("dtstart", e.due_date)
        event.add("dtend", e.due_date + timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a due date does not make anyone busy
        details = [f"Owner: {e.who}" if e.who else "",
                   (f"Funder: {e.context}" if e.kind == "proposal" else f"From: {e.context}")
                   if e.context else "",
                   f"Status: {e.status.replace('_', ' ')}"]
        event.add("description", multiline("\n".join(d for d in details if d)))
        event.add("categories", ["Proposal deadline" if e.kind == "proposal"
                                 else "Action item"])
        cal.add_component(event)
    return cal.to_ical()


def calendar_ics(source: RawSource, today: date, days: int = ALL_AHEAD) -> bytes:
    """Every overdue and open dated action item and deadline (within `days`) as an
    iCalendar file: what a "Deadlines to my calendar" button writes."""
    return agenda_ics(agenda(source, today, days))


__all__ = [
    "ALL_AHEAD",
    "DEFAULT_DAYS",
    "Agenda",
    "AgendaEntry",
    "agenda",
    "agenda_ics",
    "as_plain",
    "as_text",
    "calendar_ics",
    "entry_uid",
]
