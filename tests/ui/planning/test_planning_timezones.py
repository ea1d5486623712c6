"""A call on 2027-03-10 09:00 America/Chicago in the coalition's other zones, before and
after the US daylight-saving change on 2027-03-14 (Arizona does not change)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from coordinator.reference import CONSORTIA
from ui.timezones import (
    consortium_times,
    describe_consortium_times,
    format_clock,
    local_to_utc,
)


@pytest.mark.parametrize(("day", "expected_utc", "expected"), [
    (date(2027, 3, 10), datetime(2027, 3, 10, 15, 0, tzinfo=UTC),
     {"America/Phoenix": "08:00 MST", "America/Denver": "08:00 MST",
      "America/New_York": "10:00 EST", "America/Chicago": "09:00 CST"}),
    (date(2027, 3, 17), datetime(2027, 3, 17, 14, 0, tzinfo=UTC),
     {"America/Phoenix": "07:00 MST", "America/Denver": "08:00 MDT",
      "America/New_York": "10:00 EDT", "America/Chicago": "09:00 CDT"}),
])
def test_chicago_call_in_every_coalition_zone(day, expected_utc, expected):
    start = local_to_utc(day, time(9, 0), "America/Chicago")
    assert start == expected_utc
    assert {zone: format_clock(start, zone) for zone in expected} == expected


def test_consortium_times_group_by_zone():
    start = local_to_utc(date(2027, 3, 17), time(9, 0), "America/Chicago")
    rows = {r.zone: (r.clock, set(r.labels)) for r in consortium_times(start, CONSORTIA)}
    assert rows["America/Phoenix"] == ("07:00 MST", {"Connective", "SASR"})
    assert rows["America/Chicago"] == ("09:00 CDT", {"NTXIA", "ISCRA", "KCDD"})
    assert rows["America/New_York"] == ("10:00 EDT", {"SNF"})
    text = describe_consortium_times(start, CONSORTIA, "America/Chicago")
    assert text.splitlines()[0].startswith("10:00 EDT")  # east first


def test_spring_forward_gap_moves_forward():
    start = local_to_utc(date(2027, 3, 14), time(2, 30), "America/Chicago")
    assert format_clock(start, "America/Chicago") == "03:30 CDT"
