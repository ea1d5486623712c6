"""Home page panels: on the sample coalition built for a fixed day, each panel matches
what the record services say when asked the same question another way; and the
"mark contacted today" change and its undo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coordinator.db import Database
from coordinator.demo import build_demo
from coordinator.models.enums import CLOSED_STATUSES
from coordinator.services import Services
from coordinator.services.actions import ActionFilter
from coordinator.services.home import months_before, week_end
from coordinator.services.meetings import MeetingFilter
from coordinator.services.records import ActionItemData

DAY = date(2026, 3, 4)  # a Wednesday
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
STILL_DUE = {"idea", "drafting", "internal_review"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    folder: Path = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COORDINATOR_HOME", str(folder / "home"))
        database = Database.open(folder / "sample.db")
        services = Services(database)
        build_demo(services, today=DAY)
        yield services
        database.close()


def test_helpers() -> None:
    assert week_end(DAY) == date(2026, 3, 8)
    assert week_end(date(2026, 3, 8)) == date(2026, 3, 8)
    assert months_before(DAY, 6) == date(2025, 9, 4)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def test_next_call_is_the_next_partnership_call_with_its_people_and_items(sample) -> None:
    upcoming = sample.meetings.list(MeetingFilter(upcoming=True), now=NOW).rows
    expected = next(m for m in upcoming if m.kind == "partnership_call")
    call = sample.home.next_call(NOW)
    assert call is not None and call.id == expected.id
    assert call.starts_at == expected.starts_at
    assert {p.contact_id for p in call.invited} == {a.contact_id for a in expected.attendees}
    assert {z.consortium_id for z in call.zones} == set(expected.consortium_ids)
    carried = sample.meetings.relevant_action_items(expected.id)
    assert carried and {a.id for a in call.carried} == {a.id for a in carried}


def test_deadlines_overdue_first_then_the_next_30_days(sample) -> None:
    proposals = sample.proposals.list().rows
    until = DAY + timedelta(days=30)

    def wanted(p) -> bool:
        if p.due_date is None:
            return False
        late = p.due_date < DAY and p.status in STILL_DUE
        return late or (DAY <= p.due_date <= until and p.status not in CLOSED_STATUSES)

    expected = sorted((p for p in proposals if wanted(p)), key=lambda p: (
        not (p.due_date < DAY), p.due_date, p.title))
    got = sample.home.deadlines(DAY)
    assert got and [d.id for d in got] == [p.id for p in expected]
    assert all(d.overdue == (d.due_date < DAY) for d in got)
    leads = {p.id: p.lead_organization_name for p in proposals}
    assert [d.lead_name for d in got] == [leads[d.id] for d in got]


def test_action_items_overdue_and_due_this_week(sample) -> None:
    open_items = sample.actions.list(ActionFilter(open_only=True))
    expected = [a for a in open_items if a.due_date and a.due_date <= date(2026, 3, 8)]
    got = sample.home.action_items(DAY)
    assert got and {a.id for a in got} == {a.id for a in expected}
    assert [a.due_date for a in got] == sorted(a.due_date for a in got)
    assert any(a.overdue for a in got) and any(not a.overdue for a in got)
    owners = {a.id: (a.owner_name, a.meeting_title) for a in expected}
    assert all(owners[a.id] == (a.owner_name, a.meeting_title) for a in got)


def _last_contacts(s: Services) -> dict[str, date]:
    """The latest contact with each organization, computed from the record services."""
    latest: dict[str, date] = {}

    def seen(org: str | None, day: date | None) -> None:
        if org and day and (org not in latest or day > latest[org]):
            latest[org] = day

    people = s.contacts.get_many(s.contacts.ids())
    org_of = {c.id: c.organization_id for c in people}
    for c in people:
        seen(c.organization_id, c.last_contacted_on)
    for m in s.meetings.list().rows:
        if m.starts_at <= NOW:
            for a in m.attendees:
                if a.attended:
                    seen(org_of.get(a.contact_id), m.starts_at.date())
    for p in s.proposals.list().rows:
        day = p.due_date if p.status in CLOSED_STATUSES else DAY
        for org in {p.lead_organization_id, *(pp.organization_id for pp in p.partners)}:
            seen(org, day)
    return latest


def test_going_quiet_matches_an_independent_count(sample) -> None:
    since = date(2025, 9, 4)
    latest = _last_contacts(sample)
    members = [o for o in sample.organizations.list().rows if o.consortium_id]
    expected = {o.id for o in members if latest.get(o.id) is None or latest[o.id] < since}
    quiet = sample.home.going_quiet(DAY, 6, now=NOW)
    assert quiet.since == since and quiet.total == len(expected) > 0
    assert {q.id for q in quiet.rows} == expected
    assert [q.last_contact for q in quiet.rows] == sorted(
        (q.last_contact for q in quiet.rows), key=lambda d: (d is not None, d))
    longer = sample.home.going_quiet(DAY, 3, now=NOW)
    assert longer.total > quiet.total  # a shorter window finds more quiet members


def test_recently_changed_lists_the_last_edit_first(services, build) -> None:
    org = build.org("Lakeside Utility")
    ada = build.contact("Ada", "Lovelace", org)
    build.proposal("Curb Data", partners=[org])
    services.contacts.set_last_contacted(ada.id)
    recent = services.home.recently_changed()
    assert recent[0].entity == "contact" and recent[0].id == ada.id
    assert {r.label for r in recent} == {"Lakeside Utility", "Ada Lovelace", "Curb Data"}


def test_overdue_proposals_come_before_upcoming_ones(services, build) -> None:
    org = build.org("Lakeside Utility")
    build.proposal("Soon", due_date=DAY + timedelta(days=3), partners=[org])
    build.proposal("Late draft", due_date=DAY - timedelta(days=10), partners=[org])
    build.proposal("Late but sent", status="submitted", due_date=DAY - timedelta(days=2))
    build.proposal("Far", due_date=DAY + timedelta(days=31))
    got = services.home.deadlines(DAY)
    assert [(d.title, d.overdue) for d in got] == [("Late draft", True), ("Soon", False)]
    assert got[1].lead_name == "Lakeside Utility"


def test_next_call_skips_other_kinds_and_ended_calls(services, build) -> None:
    ada = build.contact("Ada", "Lovelace", build.org())
    build.meeting("Workshop", starts_at=NOW + timedelta(hours=1), kind="workshop",
                  attendees=[ada])
    build.meeting("Yesterday's call", starts_at=NOW - timedelta(days=1))
    running = build.meeting("Running call", starts_at=NOW - timedelta(minutes=20),
                            consortia=["NTXIA", "CSCA"], attendees=[ada],
                            actions=[ActionItemData("Send the data sheet", owner_id=ada.id)])
    call = services.home.next_call(NOW)
    assert call is not None and call.id == running.id  # still running: 60 minutes long
    assert [p.name for p in call.invited] == ["Ada Lovelace"]
    assert {z.short_name for z in call.zones} == {"NTXIA", "CSCA"}
    assert [a.text for a in call.carried] == ["Send the data sheet"]
    assert services.home.next_call(NOW + timedelta(hours=1)) is None


def test_mark_contacted_takes_an_organization_off_the_quiet_list_and_back(
        services, build, changes) -> None:
    org = build.org("Quiet Cooperative")
    old = date(2024, 1, 2)
    ada = build.contact("Ada", "Lovelace", org, last_contacted_on=old)
    bob = build.contact("Bob", "Stone", org)
    assert [q.id for q in services.home.going_quiet(DAY, 6).rows] == [org.id]
    previous = services.home.mark_contacted(org.id, DAY)
    assert previous == {ada.id: old, bob.id: None}
    assert services.home.going_quiet(DAY, 6).total == 0
    assert services.contacts.get(bob.id).last_contacted_on == DAY
    assert set(changes[-1].ids("contact")) == {ada.id, bob.id}
    services.home.restore_contacted(previous)
    assert services.contacts.get(ada.id).last_contacted_on == old
    assert services.contacts.get(bob.id).last_contacted_on is None
    assert [q.id for q in services.home.going_quiet(DAY, 6).rows] == [org.id]
