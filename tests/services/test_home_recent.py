"""Home's "recently changed": the last edited live records of every kind, each kind read
from the end of its partial (updated_at) index rather than sorted in full."""

from __future__ import annotations

from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.home import RECENT_SQL
from tests.services.conftest import Build

TABLES = ("contact", "organization", "proposal", "meeting")


def test_each_kind_is_read_from_its_recent_index_without_a_sort(db: Database) -> None:
    with db.raw() as conn:
        plan = conn.execute("EXPLAIN QUERY PLAN " + RECENT_SQL, {"limit": 12}).fetchall()
    steps = {node: (parent, detail) for node, parent, _, detail in plan}
    for table in TABLES:
        assert any(d == f"SCAN {table} USING INDEX ix_{table}_recent"
                   for _, d in steps.values()), (table, plan)
    # No sort inside a kind's read (only of the few rows they bring, at the end).
    routines = {node for node, (_, d) in steps.items() if d.startswith("CO-ROUTINE")}
    assert not [d for p, d in steps.values() if p in routines and "TEMP B-TREE" in d], plan


def test_newest_first_across_kinds_and_nothing_from_trash(services: Services,
                                                          build: Build) -> None:
    org = build.org("Lakeside Utility")
    ada = build.contact("Ada", "Lovelace", org)
    bob = build.contact("Bob", "Stone", org)
    bid = build.proposal("Curb Data", partners=[org])
    call = build.meeting("Kick-off call", attendees=[ada])
    assert [r.id for r in services.home.recently_changed()] == [
        call.id, bid.id, bob.id, ada.id, org.id]
    services.contacts.set_last_contacted(ada.id)  # an edit: newest now
    services.contacts.delete(bob.id)
    recent = services.home.recently_changed(limit=3)
    assert [(r.entity, r.id) for r in recent] == [
        ("contact", ada.id), ("meeting", call.id), ("proposal", bid.id)]
    assert bob.id not in [r.id for r in services.home.recently_changed()]
    assert [r.label for r in services.home.recently_changed(limit=1)] == ["Ada Lovelace"]
