"""A bulk purge on a laptop that joined a team hub: the change capture marks every row
it removes or unlinks (cascades included) as purging one record at a time did, and the
purge reaches a second laptop, which ends with the same records as the first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from coordinator.db import Database
from coordinator.services import Services, base, indexing
from coordinator.sync.tables import synced_tables
from tests.services.conftest import Build, copy_database
from tests.services.test_trash_bulk import build_rich_trash, purge_one_at_a_time


def capture(path: Path) -> tuple[set[tuple], list[tuple]]:
    """What the next push will send: each marked row (whether deleted, whether dirty)
    and the last-synced copies kept for merging."""
    with sqlite3.connect(path) as conn:
        marks = set(conn.execute("SELECT kind, id, hub_version > 0, dirty, deleted "
                                 "FROM sync_row"))
        bases = conn.execute("SELECT kind, id, data FROM sync_base ORDER BY 1, 2").fetchall()
    conn.close()
    return marks, bases


def records(db: Database) -> dict[str, list[tuple]]:
    """The shared columns of every synced table, in a stable order."""
    out = {}
    with db.raw() as conn:
        for spec in synced_tables():
            columns = ", ".join(spec.shared)
            out[spec.name] = conn.execute(
                f"SELECT {columns} FROM {spec.name} ORDER BY {columns}").fetchall()
    return out


def test_a_bulk_purge_is_captured_as_before_and_reaches_the_other_laptop(
        laptops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(base, "PURGE_CHUNK", 2)  # several chunks per kind of record
    monkeypatch.setattr(indexing, "BULK_CHUNK", 2)
    monkeypatch.setattr(base, "INDEX_REFERENCES_FROM", 1)  # and the temporary indexes
    a, b = laptops("a"), laptops("b")
    rich = build_rich_trash(a.services, Build(a.services))
    a.join()
    b.join()
    assert b.services.trash.count() == 7
    twin_path = tmp_path / "a-twin.db"
    copy_database(a.path, twin_path)
    twin = Database.open(twin_path)
    try:
        twin_services = Services(twin)
        purge_one_at_a_time(twin_services, [(i.entity, i.id)
                                            for i in twin_services.trash.list()])
    finally:
        twin.close()

    assert a.services.trash.empty() == 7

    marks, bases = capture(a.path)
    assert (marks, bases) == capture(twin_path)
    deleted = {(kind, row_id) for kind, row_id, _synced, _dirty, gone in marks if gone}
    assert {(e, i) for e, ids in rich.trashed.items() for i in ids} <= deleted
    assert {"contact_email", "contact_tag", "attendee", "agenda_item", "proposal_partner",
            "proposal_section", "action_item", "organization_tag"} <= {k for k, _ in deleted}
    assert ("contact", rich.bob, True, 1, 0) in marks  # unlinked from his organization
    report = a.sync()
    assert report.deleted >= len(deleted)
    b.sync()
    assert b.services.trash.count() == 0
    assert records(b.db) == records(a.db)
    bob = b.services.contacts.get(rich.bob)
    assert bob.organization_id is None and bob.consortium_id is None
