"""Meetings to iCalendar, validated by parsing back with the icalendar library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from coordinator.errors import CoordinatorError
from coordinator.formats import exports, ical_export
from coordinator.services.records import AttendeeData, MeetingData


def events(data: bytes) -> list:  # type: ignore[type-arg]
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_one_meeting(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    data = exports.export_meetings(db, meeting_id=coalition["meeting"])
    assert ical_export.validate_ics(data) == []
    cal = Calendar.from_ical(data)
    [event] = events(data)
    assert str(event["uid"]) == f"{coalition['meeting']}@coordinator.meeting"
    start = event.decoded("dtstart")
    assert start.tzinfo.key == "America/Chicago"  # type: ignore[union-attr]
    assert start == datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("America/Chicago"))
    assert event.decoded("dtend") - start == timedelta(minutes=60)
    description = str(event["description"])
    assert "Join: https://meet.example.org/ntxia" in description
    assert "1. Curb data pilot (Dr. Zoë Ana Martínez-López PhD, 15 min)" in description
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    by_mail = {str(a): a.params for a in attendees}
    # Søren has no email: not an ATTENDEE
    assert set(by_mail) == {"mailto:zoe.martinez@plano.example.org",
                            "mailto:kwame.mensah@tucson.example.org"}
    chair = by_mail["mailto:zoe.martinez@plano.example.org"]
    assert (chair["ROLE"], chair["PARTSTAT"]) == ("CHAIR", "ACCEPTED")
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/Chicago"]


def test_series_uses_only_its_zones_and_uids_are_stable(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    services.meetings.create(MeetingData(
        title="NTXIA partnership call (January)", series_name="NTXIA monthly",
        starts_at=datetime(2027, 1, 7, 16, tzinfo=UTC), time_zone="America/Phoenix",
        attendees=[AttendeeData(coalition["kwame"], rsvp="maybe")]))
    services.meetings.create(MeetingData(
        title="Unrelated workshop", starts_at=datetime(2027, 2, 1, 15, tzinfo=UTC),
        time_zone="America/New_York"))
    first = exports.export_meetings(db, series="ntxia MONTHLY")
    second = exports.export_meetings(db, series="NTXIA monthly")
    assert first == second  # same meetings, same bytes: UIDs and stamps are stable
    cal = Calendar.from_ical(first)
    assert sorted(tz["TZID"] for tz in cal.walk("VTIMEZONE")) == ["America/Chicago",
                                                                 "America/Phoenix"]
    assert [str(e["summary"]) for e in events(first)] == [
        "NTXIA partnership call", "NTXIA partnership call (January)"]
    every = exports.export_meetings(db)
    assert len(events(every)) == 3
    assert ical_export.validate_ics(every) == []


def test_unknown_series(db, services, coalition) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CoordinatorError, match="No meeting series named 'Nope'"):
        exports.export_meetings(db, series="Nope")


def test_validation_finds_problems() -> None:
    broken = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
              b"SUMMARY:s\r\nDTSTART;TZID=Europe/Nowhere:20260101T100000\r\n"
              b"DTEND;TZID=Europe/Nowhere:20260101T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    problems = ical_export.validate_ics(broken)
    assert any("DTSTAMP" in p for p in problems)
    assert ical_export.validate_ics(b"not a calendar")


ZONES = ["Pacific/Auckland", "America/Denver", "Europe/Berlin", "Asia/Tokyo",
         "America/Chicago", "Africa/Nairobi"]


def test_time_zones_come_in_a_stable_order(db, services) -> None:  # type: ignore[no-untyped-def]
    """icalendar adds VTIMEZONEs in set order (a new order in every process): two
    exports of the same meetings must be the same bytes, zones sorted by TZID."""
    for i, zone in enumerate(ZONES):
        services.meetings.create(MeetingData(
            title=f"Call {i}", starts_at=datetime(2026, 12, 1 + i, 16, 0, tzinfo=UTC),
            time_zone=zone))
    data = exports.export_meetings(db)
    tzids = [str(z["tzid"]) for z in Calendar.from_ical(data).walk("VTIMEZONE")]
    assert tzids == sorted(ZONES)
    assert exports.export_meetings(db) == data
