"""A large meeting: 300 attendees and 500 open action items split their tables across
pages, repeating the header row on every page."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from coordinator.briefing import BriefingOptions, build_briefing_pdf, collect_briefing
from coordinator.reference import CONSORTIA
from coordinator.services.records import (
    ActionItemData,
    AttendeeData,
    ContactData,
    EmailData,
    MeetingData,
    OrganizationData,
)


def test_300_attendees_and_500_open_items(services, parse):
    orgs = [services.organizations.create(OrganizationData(
        name=f"Organization {i:02d}", sector="local_government",
        consortium_id=CONSORTIA[i % 2].id, city="Dallas", state="TX")).id for i in range(10)]
    contacts = [services.contacts.create(ContactData(
        given_name=f"Person{i:03d}", family_name="Example", title="Program manager",
        organization_id=orgs[i % 10], emails=[EmailData(f"person{i:03d}@example.org")])).id
        for i in range(300)]
    today = date(2027, 3, 1)
    items = [ActionItemData(f"Task number {i:03d} for the coalition", owner_id=contacts[i % 3],
                            due_date=today + timedelta(days=(i % 40) - 20)) for i in range(500)]
    meeting = services.meetings.create(MeetingData(
        title="Coalition summit", starts_at=datetime(2027, 3, 3, 15, tzinfo=UTC),
        attendees=[AttendeeData(c) for c in contacts], action_items=items))

    options = BriefingOptions(today=today)
    buffer = io.BytesIO()
    pages = build_briefing_pdf(collect_briefing(services, meeting.id, options), buffer, options)
    parsed = parse(buffer.getvalue())
    assert pages == len(parsed.pages) > 20

    squashed = parsed.squashed
    for i in range(300):
        assert f"Person{i:03d}Example" in squashed
    for i in range(500):
        assert f"Tasknumber{i:03d}forthecoalition" in squashed

    # The attendee table header (Name Title Organization Email Phone) heads every page
    # that holds attendee rows, including the pages a table continues on.
    roster_pages = [p for p in parsed.pages if "@example.org" in p]
    assert len(roster_pages) >= 6
    for page in roster_pages:
        assert "Organization" in page and "Email" in page and "Phone" in page
    continued = [p for p in roster_pages if "(150) (continued)" in p]
    assert len(continued) >= 4
    assert len(continued) + 2 >= len(roster_pages)  # every later page names its group

    action_pages = [p for p in parsed.pages if "Task number" in p]
    assert len(action_pages) >= 10
    for page in action_pages:
        assert "Action" in page and "Due" in page and "From meeting" in page
    assert sum("Example (167 open, " in p and "(continued)" in p for p in action_pages) >= 4
    assert sum("days overdue" in p for p in action_pages) >= 5
    outline = parsed.outline_titles()
    expected = []
    for k in range(3):
        mine = [i for i in range(500) if i % 3 == k]
        late = sum(1 for i in mine if (i % 40) - 20 < 0)
        expected.append(f"Person{k:03d} Example ({len(mine)} open, {late} overdue)")
    assert [t for t in outline if t.startswith("Person00")] == expected
