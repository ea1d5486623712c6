"""Reading pages of meetings in bulk: the number of SQL statements does not grow with the
page size, and every meeting still gets exactly its own agenda, attendees, decisions,
consortia and action items, in the same order as reading it alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.meetings import MeetingFilter
from coordinator.services.records import ActionItemData, ContactData

from .conftest import NOW, Build


@contextmanager
def counted_statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement sent to SQLite while the block runs."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _meetings(build: Build, people: list[ContactData], count: int, series: str) -> None:
    """`count` meetings in one series, each with children of every kind that differ
    from one meeting to the next."""
    for i in range(count):
        build.meeting(
            f"{series} {i}", starts_at=NOW + timedelta(days=i), series=series,
            attendees=people[i % 3 : i % 3 + 3], consortia=["NTXIA", "CSCA"][: 1 + i % 2],
            agenda=[f"Item {i}.{k}" for k in range(1 + i % 3)],
            actions=[ActionItemData(f"Do {i}.{k}", owner_id=people[k].id) for k in range(i % 3)],
            decisions=[f"Decided {i}"] if i % 2 else [])


def test_listing_a_page_costs_the_same_statements_for_5_or_50_meetings(
        services: Services, build: Build, db: Database) -> None:
    people = [build.contact("Ada", name) for name in ("Ames", "Berg", "Cole", "Diaz", "Eng")]
    _meetings(build, people, 50, "Weekly call")
    with counted_statements(db) as small:
        assert len(services.meetings.list(limit=5).rows) == 5
    with counted_statements(db) as page:
        assert len(services.meetings.list(limit=50).rows) == 50
    assert len(page) == len(small), page


def test_bulk_reads_match_reading_each_meeting_alone(services: Services, build: Build) -> None:
    org = build.org()
    # Same-name attendees tie on the sort key: their order must still be stable.
    twins = [build.contact("Sam", "Same", org=org) for _ in range(3)]
    people = [build.contact("Ada", name) for name in ("Ames", "Berg", "Cole")] + twins
    _meetings(build, people, 12, "Regional call")
    listed = services.meetings.list(MeetingFilter()).rows
    assert [m.title for m in listed] == [f"Regional call {i}" for i in range(12)]
    assert listed == [services.meetings.get(m.id) for m in listed]  # type: ignore[arg-type]
    assert [len(m.action_items) for m in listed] == [i % 3 for i in range(12)]
    assert all(item.meeting_id == m.id for m in listed for item in m.action_items)
    assert services.meetings.attended_by(twins[0].id) == [
        m for m in reversed(listed) if twins[0].id in {a.contact_id for a in m.attendees}]
