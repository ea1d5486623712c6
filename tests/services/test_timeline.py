"""A contact's timeline: meetings invited to and attended, proposals they own or their
organization is on, action items they own, and the last-contacted day, newest first."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coordinator.errors import NotFound
from coordinator.services.records import ActionItemData, AttendeeData, MeetingData


def test_everything_a_contact_did_newest_first(services, build) -> None:
    org = build.org("Lakeside Utility")
    other = build.org("Desert Labs", consortium="SASR")
    ada = build.contact("Ada", "Lovelace", org, last_contacted_on=date(2026, 2, 1))
    bob = build.contact("Bob", "Stone", other)
    services.meetings.create(MeetingData(
        title="January call", starts_at=datetime(2026, 1, 14, 16, tzinfo=UTC),
        attendees=[AttendeeData(ada.id, attended=True), AttendeeData(bob.id)],
        action_items=[ActionItemData("Send the data sheet", owner_id=ada.id,
                                     due_date=date(2026, 1, 30)),
                      ActionItemData("Not hers", owner_id=bob.id,
                                     due_date=date(2026, 1, 29))]))
    services.meetings.create(MeetingData(
        title="March call", starts_at=datetime(2026, 3, 11, 16, tzinfo=UTC),
        attendees=[AttendeeData(ada.id, rsvp="yes")]))
    build.proposal("Owned elsewhere", partners=[other], owner_id=ada.id,
                   due_date=date(2026, 4, 1))
    build.proposal("Partnered", partners=[other, org], status="submitted",
                   due_date=date(2025, 12, 1))
    build.proposal("Not hers", partners=[other], due_date=date(2026, 2, 2))

    entries = services.timeline.for_contact(ada.id)
    assert [(e.day, e.entity, e.title) for e in entries] == [
        (date(2026, 4, 1), "proposal", "Owned elsewhere"),
        (date(2026, 3, 11), "meeting", "March call"),
        (date(2026, 2, 1), "contacted", "Last contacted"),
        (date(2026, 1, 30), "action_item", "Send the data sheet"),
        (date(2026, 1, 14), "meeting", "January call"),
        (date(2025, 12, 1), "proposal", "Partnered"),
    ]
    details = {e.title: e.detail for e in entries}
    assert details["Owned elsewhere"] == "Owner · Drafting"
    assert details["Partnered"] == "Organization is partner · Submitted"
    assert details["January call"] == "Attended"
    assert details["March call"] == "Invited (accepted)"
    assert details["Send the data sheet"] == "Action item, open · January call"
    assert entries[2].record_id == ada.id


def test_a_deleted_meeting_leaves_the_timeline(services, build) -> None:
    ada = build.contact("Ada", "Lovelace", build.org())
    meeting = build.meeting("Gone", attendees=[ada])
    assert [e.title for e in services.timeline.for_contact(ada.id)] == ["Gone"]
    services.meetings.delete(meeting.id)
    assert services.timeline.for_contact(ada.id) == []


def test_unknown_contact_is_not_found(services) -> None:
    with pytest.raises(NotFound):
        services.timeline.for_contact("no-such-id")
