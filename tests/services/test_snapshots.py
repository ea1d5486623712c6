"""Record dataclasses to JSON and back, for editor drafts that survive a crash."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from coordinator.services.records import (
    ActionItemData,
    AgendaItemData,
    AttendeeData,
    BudgetLineData,
    ContactData,
    EmailData,
    MeetingData,
    PartnerData,
    ProposalData,
    SectionData,
)
from coordinator.services.snapshots import SnapshotError, from_plain, to_plain

RECORDS = [
    MeetingData(title="Call", starts_at=datetime(2027, 1, 2, 15, tzinfo=UTC),
                agenda=[AgendaItemData("Roll call", None, 5)],
                attendees=[AttendeeData("c1", "chair", "yes", True)],
                decisions=["Go"], consortium_ids=["k1"],
                action_items=[ActionItemData("Send", "c1", date(2027, 1, 9), id="a1")]),
    ProposalData(title="Sensors", due_date=date(2027, 3, 1), amount_minor=5,
                 partners=[PartnerData("o1", "lead", 100)],
                 sections=[SectionData("Approach", "Text, with; commas", "s1")],
                 budget_lines=[BudgetLineData("Hardware", 1)], tags=["heat"]),
    ContactData(given_name="Zoë", family_name="Ng", emails=[EmailData("z@example.org")]),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_round_trip_through_json_text(record: object) -> None:
    text = json.dumps(to_plain(record), ensure_ascii=False)
    assert from_plain(type(record), json.loads(text)) == record


def test_unknown_keys_are_ignored_and_missing_ones_take_defaults() -> None:
    data = from_plain(MeetingData, {"title": "Call", "from_a_newer_version": 1})
    assert data == MeetingData(title="Call")


@pytest.mark.parametrize("bad", [
    {"title": 5}, {"agenda": "not a list"}, {"starts_at": "yesterday"}, [], "x",
    {"action_items": [{"text": "x", "due_date": "2027-13-45"}]},
])
def test_values_that_do_not_fit_raise_snapshot_error_only(bad: object) -> None:
    with pytest.raises(SnapshotError):
        from_plain(MeetingData, bad)
