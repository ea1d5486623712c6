"""The agenda (overdue, coming up, as text, JSON and iCalendar) and reminders (once a
day per item, snoozed, switched off, kept across service instances) on the sample
coalition with a fixed `today`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from coordinator.demo import build_demo
from coordinator.errors import CoordinatorError
from coordinator.models.enums import CLOSED_STATUSES, ActionStatus
from coordinator.services import ActionFilter, Services
from coordinator.services.agenda import (
    DECIDED,
    OPEN_ACTIONS,
    STILL_BEING_WRITTEN,
    agenda,
    agenda_ics,
    as_plain,
    as_text,
    calendar_ics,
)
from coordinator.services.home import STILL_DUE
from coordinator.services.records import ActionItemData, MeetingData, ProposalData
from coordinator.services.reminders import ReminderService, ReminderStore

TODAY = date(2026, 11, 24)


@pytest.fixture
def sample(services: Services) -> Services:
    build_demo(services, today=TODAY)
    return services


def _meeting_with(services: Services, *items: ActionItemData) -> str:
    from datetime import UTC, datetime

    return services.meetings.create(MeetingData(
        title="Board call", starts_at=datetime(2026, 11, 2, 16, tzinfo=UTC),
        action_items=list(items))).id  # type: ignore[return-value]


def test_status_lists_match_the_models() -> None:
    assert set(DECIDED) == {s.value for s in CLOSED_STATUSES}
    assert set(STILL_BEING_WRITTEN) == set(STILL_DUE)
    assert set(OPEN_ACTIONS) == {s.value for s in ActionStatus if s.is_open}


def test_sample_agenda_matches_the_services(sample: Services) -> None:
    day = agenda(sample.db, TODAY, 14)
    overdue_actions = {a.id for a in sample.actions.list(ActionFilter(overdue_on=TODAY))}
    assert overdue_actions  # the sample has some
    assert {e.id for e in day.overdue if e.kind == "action_item"} == overdue_actions
    upcoming_actions = {a.id for a in sample.actions.list(ActionFilter(open_only=True))
                        if a.due_date and TODAY <= a.due_date <= TODAY + timedelta(days=14)}
    assert {e.id for e in day.upcoming if e.kind == "action_item"} == upcoming_actions
    proposals = sample.proposals.list().rows
    assert {e.id for e in day.entries if e.kind == "proposal"} == {
        p.id for p in proposals if p.due_date and (
            (p.due_date < TODAY and p.status in STILL_BEING_WRITTEN)
            or (TODAY <= p.due_date <= TODAY + timedelta(days=14)
                and p.status not in DECIDED))}
    assert [e.due_date for e in day.overdue] == sorted(e.due_date for e in day.overdue)
    assert [e.due_date for e in day.upcoming] == sorted(e.due_date for e in day.upcoming)
    assert all(e.due_date < TODAY for e in day.overdue)


def test_text_json_and_calendar(services: Services) -> None:
    grant = services.proposals.create(ProposalData(
        title="Curb data", status="drafting", funder="USDOT",
        due_date=TODAY + timedelta(days=3))).id
    services.proposals.create(ProposalData(title="Old win", status="awarded",
                                           due_date=TODAY - timedelta(days=3)))
    services.proposals.create(ProposalData(title="Far off", status="drafting",
                                           due_date=TODAY + timedelta(days=15)))
    _meeting_with(services,
                  ActionItemData("Send notes", due_date=TODAY - timedelta(days=2)),
                  ActionItemData("Book room", due_date=TODAY),
                  ActionItemData("Done already", due_date=TODAY - timedelta(days=5),
                                 status="done"))
    day = agenda(services.db, TODAY, 14)
    assert [(e.title, e.when(TODAY)) for e in day.entries] == [
        ("Send notes", "2 days overdue"), ("Book room", "due today"),
        ("Curb data", "due in 3 days")]

    text = as_text(day)
    assert text.startswith("Agenda for Tuesday November 24, 2026 (next 14 days)\n")
    assert "Overdue:\n  2026-11-22  Action: Send notes (2 days overdue; Board call)" in text
    assert "  2026-11-27  Deadline: Curb data (due in 3 days; USDOT)" in text
    plain = json.loads(json.dumps(as_plain(day)))
    assert [e["title"] for e in plain["upcoming"]] == ["Book room", "Curb data"]

    data = agenda_ics(day)
    events = list(Calendar.from_ical(data).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [
        "Action: Send notes", "Action: Book room", "Deadline: Curb data"]
    deadline = events[2]
    assert str(deadline["uid"]) == f"{grant}@coordinator.proposal-deadline"
    assert deadline.decoded("dtstart") == TODAY + timedelta(days=3)  # all day: a date
    assert deadline.decoded("dtend") == TODAY + timedelta(days=4)
    # The same data gives the same bytes (so a re-import is an update, not a copy).
    assert agenda_ics(agenda(services.db, TODAY, 14)) == data
    # The calendar export takes every open date, however far ahead.
    everything = list(Calendar.from_ical(calendar_ics(services.db, TODAY)).walk("VEVENT"))
    assert [str(e["summary"]) for e in everything][-1] == "Deadline: Far off"
    assert len(everything) == 4


def test_nothing_due_says_so(services: Services) -> None:
    day = agenda(services.db, TODAY)
    assert day.entries == [] and "Nothing overdue and nothing due." in as_text(day)


# -- reminders -----------------------------------------------------------------------------
@pytest.fixture
def store_path(coordinator_home: Path) -> Path:
    return coordinator_home / "config" / "reminders.json"


def test_reminders_pick_overdue_actions_and_deadlines_within_a_week(services: Services) -> None:
    services.proposals.create(ProposalData(title="Due in 7", status="drafting",
                                           due_date=TODAY + timedelta(days=7)))
    services.proposals.create(ProposalData(title="Due in 8", status="drafting",
                                           due_date=TODAY + timedelta(days=8)))
    services.proposals.create(ProposalData(title="Submitted", status="submitted",
                                           due_date=TODAY + timedelta(days=2)))
    services.proposals.create(ProposalData(title="Late draft", status="internal_review",
                                           due_date=TODAY - timedelta(days=1)))
    _meeting_with(services, ActionItemData("Overdue", due_date=TODAY - timedelta(days=1)),
                  ActionItemData("Due today", due_date=TODAY))
    due = ReminderService(services.db).due(TODAY)
    assert [r.entry.title for r in due] == ["Late draft", "Overdue", "Due in 7"]
    assert due[1].text == "Action item: Overdue (1 day overdue)"


def test_once_a_day_across_instances_and_restarts(sample: Services, store_path: Path) -> None:
    first = ReminderService(sample.db)
    shown = first.to_show(TODAY)
    assert shown and {r.key for r in shown} == {r.key for r in first.due(TODAY)}
    first.mark_shown(shown, TODAY)
    assert store_path.exists()
    assert not any(r.entry.title in store_path.read_text() for r in shown)  # ids only

    again = ReminderService(sample.db, ReminderStore(store_path))  # as after a restart
    assert again.to_show(TODAY) == []
    tomorrow = TODAY + timedelta(days=1)
    assert {r.key for r in again.to_show(tomorrow)} == {r.key for r in again.due(tomorrow)}


def test_snooze_switch_off_and_all_off(services: Services, store_path: Path) -> None:
    proposal = services.proposals.create(ProposalData(
        title="Curb data", status="drafting", due_date=TODAY + timedelta(days=5)))
    _meeting_with(services, ActionItemData("Send notes", due_date=TODAY - timedelta(days=2)))
    one = ReminderService(services.db)
    deadline, action = sorted(one.to_show(TODAY), key=lambda r: r.entry.kind != "proposal")

    one.snooze(action, TODAY + timedelta(days=2))
    other = ReminderService(services.db)
    assert [r.key for r in other.to_show(TODAY)] == [deadline.key]
    assert [r.key for r in other.to_show(TODAY + timedelta(days=1))] == [deadline.key]
    assert action.key in {r.key for r in other.to_show(TODAY + timedelta(days=2))}
    with pytest.raises(CoordinatorError, match="later day"):
        one.snooze(action, TODAY)

    other.switch_off(deadline)
    assert deadline.key not in {r.key for r in one.to_show(TODAY + timedelta(days=2))}
    # The deadline moves: it reminds again.
    moved = services.proposals.get(proposal.id)  # type: ignore[arg-type]
    moved.due_date = TODAY + timedelta(days=6)
    services.proposals.update(moved.id, moved)  # type: ignore[arg-type]
    assert deadline.key in {r.key for r in one.to_show(TODAY + timedelta(days=2))}

    one.set_enabled(False)
    assert ReminderService(services.db).to_show(TODAY + timedelta(days=3)) == []
    assert not ReminderService(services.db).enabled
    one.set_enabled(True)
    assert ReminderService(services.db).to_show(TODAY + timedelta(days=3))


def test_a_damaged_file_is_set_aside_not_fatal(services: Services, store_path: Path) -> None:
    _meeting_with(services, ActionItemData("Send notes", due_date=TODAY - timedelta(days=2)))
    store_path.parent.mkdir(parents=True, exist_ok=True)
    store_path.write_text('{"shown": {"action_item:x": "not a date"}')
    reminders = ReminderService(services.db)
    assert len(reminders.to_show(TODAY)) == 1
    assert store_path.with_name("reminders.json.damaged").exists()
    reminders.mark_shown(reminders.to_show(TODAY), TODAY)
    assert reminders.to_show(TODAY) == []
