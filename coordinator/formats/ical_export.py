"""Meetings to iCalendar (RFC 5545) with the `icalendar` library.

One VEVENT per meeting: a UID derived from the meeting's id (stable across exports,
so calendars update instead of duplicating), start and end in the meeting's own time
zone, a VTIMEZONE only for the zones actually used (covering just the years of the
meetings), the agenda and the join link in DESCRIPTION, and an ATTENDEE with name,
role and reply for every attendee who has an email address. `validate_ics` parses
the bytes back with `icalendar` and checks every event.

`icalendar` escapes LF and CRLF but not a lone CR, a vertical tab, U+2028 or NUL, which
readers take as line ends or reject: every text goes through `export_text` first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import text

from coordinator.db import Database
from coordinator.errors import CoordinatorError
from coordinator.formats.export_text import multiline, one_line
from coordinator.services.records import MeetingData

PRODID = "-//Coordinator//Smart Cities Coalition//EN"
UID_DOMAIN = "coordinator.meeting"
_ROLES = {"chair": "CHAIR", "note_taker": "REQ-PARTICIPANT", "attendee": "REQ-PARTICIPANT"}
_PARTSTAT = {"yes": "ACCEPTED", "no": "DECLINED", "maybe": "TENTATIVE",
             "pending": "NEEDS-ACTION"}


def meeting_uid(meeting_id: str) -> str:
    return f"{meeting_id}@{UID_DOMAIN}"


def attendee_emails(db: Database, contact_ids: Sequence[str]) -> dict[str, str]:
    """Primary (else first) email of each contact; none for a contact who asked not to
    be contacted (a calendar could send them invitations and updates)."""
    out: dict[str, str] = {}
    ids = list(dict.fromkeys(contact_ids))
    with db.read() as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            params = {f"i{n}": v for n, v in enumerate(chunk)}
            marks = ", ".join(f":{k}" for k in params)
            for cid, address in session.execute(text(
                    f"SELECT e.contact_id, e.address FROM contact_email e JOIN contact c"
                    f" ON c.id = e.contact_id WHERE e.contact_id IN ({marks})"
                    " AND NOT c.do_not_contact ORDER BY e.is_primary, e.position DESC"),
                    params):
                out[cid] = address  # the last row written per contact wins: the primary
    return out


def description(m: MeetingData) -> str:
    parts: list[str] = []
    if m.link:
        parts.append(f"Join: {m.link}")
    if m.agenda:
        parts.append("Agenda:")
        for i, item in enumerate(m.agenda, start=1):
            extra = ", ".join(x for x in (item.presenter_name,
                                          f"{item.minutes} min" if item.minutes else "") if x)
            parts.append(f"{i}. {item.title}" + (f" ({extra})" if extra else ""))
            if item.details:
                parts.append(f"   {item.details}")
    return "\n".join(parts)


def _event(m: MeetingData, emails: dict[str, str]) -> Event:
    if m.starts_at is None or m.id is None:
        raise CoordinatorError(f"Meeting {m.title!r} has no start time; save it first.")
    zone = ZoneInfo(m.time_zone)
    start = m.starts_at.astimezone(zone)
    event = Event()
    event.add("uid", meeting_uid(m.id))
    event.add("dtstamp", (m.updated_at or m.starts_at).astimezone(ZoneInfo("UTC")))
    if m.created_at:
        event.add("created", m.created_at.astimezone(ZoneInfo("UTC")))
    if m.updated_at:
        event.add("last-modified", m.updated_at.astimezone(ZoneInfo("UTC")))
    event.add("summary", multiline(m.title))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=m.duration_minutes or 60))
    if m.location or m.link:
        event.add("location", multiline(m.location) or one_line(m.link))
    if m.link:
        event.add("url", one_line(m.link))
    desc = multiline(description(m))
    if desc:
        event.add("description", desc)
    event.add("categories", [one_line(m.kind.replace("_", " ").capitalize())])
    for a in m.attendees:
        address = emails.get(a.contact_id)
        if not address:
            continue
        attendee = vCalAddress(f"mailto:{one_line(address)}")
        attendee.params["CN"] = vText(one_line(a.contact_name or address))
        attendee.params["ROLE"] = vText(_ROLES.get(a.role, "REQ-PARTICIPANT"))
        attendee.params["PARTSTAT"] = vText(_PARTSTAT.get(a.rsvp, "NEEDS-ACTION"))
        attendee.params["CUTYPE"] = vText("INDIVIDUAL")
        event.add("attendee", attendee, encode=0)
    return event


def meetings_ics(db: Database, meetings: Sequence[MeetingData]) -> bytes:
    """An iCalendar file with every meeting in `meetings`."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    emails = attendee_emails(db, [a.contact_id for m in meetings for a in m.attendees])
    starts: list[datetime] = []
    for m in sorted(meetings, key=lambda x: (x.starts_at or datetime.min, x.id or "")):
        cal.add_component(_event(m, emails))
        if m.starts_at:
            starts.append(m.starts_at)
    if starts:  # only the zones used, and only the transitions of the years we need
        cal.add_missing_timezones(first_date=date(min(starts).year - 1, 1, 1),
                                  last_date=date(max(starts).year + 1, 12, 31))
        # icalendar adds them in the order of a set, which changes from run to run:
        # sorted by TZID, two exports of the same meetings are the same bytes.
        zones = sorted((c for c in cal.subcomponents if c.name == "VTIMEZONE"),
                       key=lambda c: str(c.get("tzid", "")))
        cal.subcomponents[:] = zones + [c for c in cal.subcomponents if c.name != "VTIMEZONE"]
    return cal.to_ical()


def validate_ics(data: bytes) -> list[str]:
    """Problems found when parsing `data` back (an empty list when it is valid)."""
    problems: list[str] = []
    try:
        cal = Calendar.from_ical(data)
    except ValueError as exc:
        return [f"not a valid iCalendar file: {exc}"]
    if cal.get("version") != "2.0" or not cal.get("prodid"):
        problems.append("VERSION:2.0 and PRODID are required")
    uids: set[str] = set()
    for event in cal.walk("VEVENT"):
        uid = str(event.get("uid", ""))
        if not uid or uid in uids:
            problems.append(f"event {event.get('summary')!r}: missing or repeated UID")
        uids.add(uid)
        for required in ("dtstamp", "dtstart", "dtend", "summary"):
            if event.get(required) is None:
                problems.append(f"event {uid}: no {required.upper()}")
        if event.get("dtend") and event.decoded("dtend") <= event.decoded("dtstart"):
            problems.append(f"event {uid}: ends before it starts")
    if missing := cal.get_missing_tzids():
        problems.append(f"time zones used but not defined: {sorted(missing)}")
    return problems
