"""Emptying the Trash and deleting many records for good go in bulk (a few statements per
kind of record and chunk of ids) and leave exactly what purging them one at a time left:
every table, the search index, the last-contact table, and the schema itself (the
indexes a big purge builds for the length of its transaction are gone after it)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, text

from coordinator.changes import ChangeSet
from coordinator.db import Database, last_touch
from coordinator.errors import Conflict, NotFound
from coordinator.models import Contact, Meeting, Organization, Proposal
from coordinator.services import Services, base, indexing
from coordinator.services.duplicate_decisions import mark_not_duplicates
from coordinator.services.records import (
    ActionItemData,
    AddressData,
    AgendaItemData,
    AttendeeData,
    BudgetLineData,
    ContactData,
    MeetingData,
    SectionData,
)

from .conftest import NOW, TODAY, Build, copy_database

MODELS = {"contact": Contact, "organization": Organization, "proposal": Proposal,
          "meeting": Meeting}


@dataclass
class Rich:
    """A Trash of every kind of record, with live records pointing at them."""

    trashed: dict[str, list[str]]  # entity -> ids in Trash
    kept_in_trash: dict[str, list[str]]  # a selection to purge leaves these in Trash
    bob: str  # live, in an organization in Trash


def build_rich_trash(services: Services, build: Build) -> Rich:
    gone_org = build.org("Gone Mobility", tags=["transit", "smart"])
    empty_org = build.org("Gone Energy", consortium=None, sector="utility")
    kept_org = build.org("Kept Water", tags=["water"])
    day = TODAY - timedelta(days=3)
    ada = build.contact("Ada", "Lovelace", org=gone_org, emails=["ada@example.org"],
                        phones=["+1 214 555 0100"], tags=["transit", "energy"],
                        addresses=[AddressData(street="1 Main St", city="Dallas")],
                        last_contacted_on=day)
    bob = build.contact("Bob", "Stays", org=gone_org, emails=["bob@example.org"],
                        last_contacted_on=day - timedelta(days=1))
    cy = build.contact("Cy", "Kept", org=kept_org, phones=["+1 214 555 0101"])
    dee = build.contact("Dee", "Gone", org=kept_org, emails=["dee@example.org"],
                        tags=["water"], last_contacted_on=day)
    eve = build.contact("Eve", "Waits", org=gone_org, emails=["eve@example.org"])
    mark_not_duplicates(services.db, "contact", ada.id, cy.id)
    mark_not_duplicates(services.db, "organization", gone_org.id, kept_org.id)
    gone_proposal = build.proposal(
        "Gone Corridors", status="declined", partners=[gone_org, kept_org],
        lead_organization_id=gone_org.id, owner_id=cy.id, due_date=day,
        sections=[SectionData("Need", "Buses on time")],
        budget_lines=[BudgetLineData("Buses", 100_000)], tags=["transit"])
    kept_proposal = build.proposal(
        "Kept Water Plan", status="awarded", partners=[kept_org, gone_org],
        lead_organization_id=gone_org.id, owner_id=ada.id, due_date=day,
        sections=[SectionData("Plan", "Pipes")])
    meetings = services.meetings
    gone_meeting = meetings.create(MeetingData(
        title="Gone call", starts_at=NOW - timedelta(days=10), series_name="Monthly",
        attendees=[AttendeeData(cy.id, attended=True), AttendeeData(ada.id, attended=True)],
        agenda=[AgendaItemData("Intro", presenter_id=ada.id)], decisions=["Go ahead"],
        action_items=[ActionItemData("Send slides", cy.id, proposal_id=kept_proposal.id)],
        consortium_ids=[c.id for c in services.consortia.list()][:1]))
    meetings.create(MeetingData(
        title="Kept call", starts_at=NOW - timedelta(days=5), series_name="Monthly",
        attendees=[AttendeeData(c.id, attended=True) for c in (cy, bob, ada, dee)],
        agenda=[AgendaItemData("Budget", presenter_id=ada.id),
                AgendaItemData("Water", presenter_id=dee.id)],
        action_items=[ActionItemData("Call Ada", ada.id, proposal_id=gone_proposal.id),
                      ActionItemData("Call Cy", cy.id)]))
    services.contacts.delete_many([ada.id, dee.id, eve.id])
    services.proposals.delete(gone_proposal.id)
    services.meetings.delete(gone_meeting.id)
    services.organizations.delete_many([gone_org.id, empty_org.id])
    return Rich(
        trashed={"contact": [ada.id, dee.id, eve.id], "proposal": [gone_proposal.id],
                 "meeting": [gone_meeting.id], "organization": [gone_org.id, empty_org.id]},
        kept_in_trash={"contact": [eve.id], "organization": [empty_org.id]},
        bob=bob.id)


def purge_one_at_a_time(services: Services, items: list[tuple[str, str]]) -> None:
    """The reference: the purge as it was before it went in bulk, one record at a time
    in one unit of work (the ORM's get and delete; the search index refreshed for that
    id; an organization's contacts unlinked from it and its consortium, re-indexed)."""
    with services.db.write() as session:
        for entity, record_id in items:
            contact_ids = session.execute(text(
                "SELECT id FROM contact WHERE organization_id = :o"), {"o": record_id}
            ).scalars().all() if entity == "organization" else []
            session.delete(session.get(MODELS[entity], record_id))
            session.flush()
            indexing.refresh(session, entity, [record_id])
            for contact_id in contact_ids:
                session.execute(text("UPDATE contact SET organization_id = NULL, "
                                     "consortium_id = NULL WHERE id = :c"), {"c": contact_id})
            if contact_ids:
                indexing.refresh(session, "contact", contact_ids)


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows in a stable order; the search index by record (its row
    numbers are internal), its text and its own consistency; and the schema."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, list[tuple]] = {"schema": conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()}
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'search_%' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            columns = len(conn.execute(f"SELECT * FROM {table} LIMIT 0").description)
            order = ", ".join(str(i + 1) for i in range(columns))
            out[table] = conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
        out["search"] = conn.execute(
            "SELECT d.entity, d.entity_id, f.title, f.body FROM search_doc d "
            "LEFT JOIN search_fts f ON f.rowid = d.rowid ORDER BY 1, 2").fetchall()
        out["search_fts rows"] = conn.execute("SELECT count(*) FROM search_fts").fetchall()
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
        out["foreign keys"] = conn.execute("PRAGMA foreign_key_check").fetchall()
        return out
    finally:
        conn.close()


@pytest.fixture
def rich(services: Services, build: Build) -> Rich:
    return build_rich_trash(services, build)


@pytest.fixture
def twin(db: Database, rich: Rich, tmp_path: Path) -> Iterator[Services]:
    """An identical copy of the rich database, for the one-at-a-time reference."""
    path = tmp_path / "twin.db"
    copy_database(db.path, path)
    twin_db = Database.open(path)
    yield Services(twin_db)
    twin_db.close()


SMALL = pytest.param(2, 1, id="chunks-of-2-with-temporary-indexes")


@pytest.mark.parametrize(("chunk", "index_from"), [
    pytest.param(base.PURGE_CHUNK, base.INDEX_REFERENCES_FROM, id="as-shipped"), SMALL])
def test_emptying_in_bulk_leaves_what_one_at_a_time_left(
        services: Services, twin: Services, rich: Rich, monkeypatch: pytest.MonkeyPatch,
        chunk: int, index_from: int) -> None:
    monkeypatch.setattr(base, "PURGE_CHUNK", chunk)
    monkeypatch.setattr(indexing, "BULK_CHUNK", chunk)
    monkeypatch.setattr(base, "INDEX_REFERENCES_FROM", index_from)
    before = dump(services.db.path)
    purge_one_at_a_time(twin, [(i.entity, i.id) for i in twin.trash.list()])
    assert services.trash.empty() == 7
    after, reference = dump(services.db.path), dump(twin.db.path)
    assert after == reference
    assert after != before and after["schema"] == before["schema"]
    assert services.trash.count() == 0
    # Bob stays, without the organization he had (and its consortium), found by name.
    bob = services.contacts.get(rich.bob)
    assert bob.organization_id is None and bob.consortium_id is None
    assert [h.id for h in services.search.search("Bob").hits] == [rich.bob]


@pytest.mark.parametrize(("chunk", "index_from"), [pytest.param(5_000, 100, id="default"),
                                                   SMALL])
def test_purging_a_selection_in_bulk_leaves_what_one_at_a_time_left(
        services: Services, twin: Services, rich: Rich, monkeypatch: pytest.MonkeyPatch,
        chunk: int, index_from: int) -> None:
    monkeypatch.setattr(base, "PURGE_CHUNK", chunk)
    monkeypatch.setattr(base, "INDEX_REFERENCES_FROM", index_from)
    selection = {entity: [i for i in ids if i not in rich.kept_in_trash.get(entity, [])]
                 for entity, ids in rich.trashed.items()}
    purge_one_at_a_time(twin, [(e, i) for e, ids in selection.items() for i in ids])
    services.trash.purge_many(selection)
    assert dump(services.db.path) == dump(twin.db.path)
    assert {(i.entity, i.id) for i in services.trash.list()} == {
        (e, i) for e, ids in rich.kept_in_trash.items() for i in ids}


def test_the_last_contact_table_equals_a_fresh_computation_after_a_bulk_purge(
        services: Services, rich: Rich, tmp_path: Path) -> None:
    services.trash.empty()
    fresh = tmp_path / "fresh.db"
    copy_database(services.db.path, fresh)
    with sqlite3.connect(fresh) as conn:
        last_touch.rebuild(conn)
    assert dump(services.db.path)["organization_touch"] == dump(fresh)["organization_touch"]
    assert len(dump(fresh)["organization_touch"]) == 1  # Kept Water alone is left


def test_one_notice_names_every_purged_record_and_the_contacts_that_changed(
        services: Services, rich: Rich, changes: list[ChangeSet]) -> None:
    services.trash.empty()
    (change,) = changes
    assert {e: change.ids(e, "purged") for e in rich.trashed} == {  # type: ignore[arg-type]
        e: set(ids) for e, ids in rich.trashed.items()}
    assert change.ids("contact", "updated") == {rich.bob}  # type: ignore[arg-type]


@contextmanager
def statements_run(db: Database) -> Iterator[list[str]]:
    """The SQL statements sent to SQLite meanwhile (triggers and cascades run inside)."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def trash_contacts(services: Services, n: int) -> list[str]:
    ids = [services.contacts.create(ContactData(
        given_name=f"Person{i}", family_name="Example", tags=["bulk"],
        emails=[])).id for i in range(n)]
    services.contacts.delete_many(ids)
    return ids


def test_the_statements_do_not_grow_with_the_number_of_records(services: Services) -> None:
    """Four times the records, the same statements (each record used to take five)."""
    counts = []
    for n in (20, 80):
        trash_contacts(services, n)
        with statements_run(services.db) as statements:
            assert services.trash.empty() == n
        counts.append(len(statements))
    assert 5 < counts[0] == counts[1] < 20


def test_progress_is_reported_per_chunk(services: Services,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "PURGE_CHUNK", 4)
    ids = trash_contacts(services, 10)
    seen: list[tuple[int, int]] = []
    services.trash.purge_many({"contact": ids[:6]}, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 6), (4, 6), (6, 6)]
    seen.clear()
    assert services.trash.empty(progress=lambda d, t: seen.append((d, t))) == 4
    assert seen == [(0, 4), (4, 4)]


def test_a_refused_purge_deletes_nothing_and_names_the_record(
        services: Services, rich: Rich) -> None:
    live = services.contacts.list().rows[0].id
    before = dump(services.db.path)
    with pytest.raises(Conflict, match="Move the contact to Trash"):
        services.trash.purge_many({**rich.trashed, "contact": [*rich.trashed["contact"], live]})
    with pytest.raises(NotFound, match="no-such-meeting"):
        services.trash.purge_many({"organization": rich.trashed["organization"],
                                   "meeting": ["no-such-meeting"]})
    with pytest.raises(NotFound, match="kind of record"):
        services.trash.purge_many({"spaceship": ["x"]})
    assert dump(services.db.path) == before


def test_a_purge_that_fails_halfway_leaves_everything_and_no_index_behind(
        services: Services, rich: Rich, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "INDEX_REFERENCES_FROM", 1)
    before = dump(services.db.path)
    purge_organizations = services.organizations.purge_chunk

    def fail(session, ids):  # type: ignore[no-untyped-def]
        purge_organizations(session, ids)
        raise OSError("disk full")

    monkeypatch.setattr(services.organizations, "purge_chunk", fail)
    with pytest.raises(OSError, match="disk full"):
        services.trash.empty()
    assert dump(services.db.path) == before


def test_a_record_loaded_in_the_same_unit_is_not_read_back_after_its_purge(
        services: Services, rich: Rich) -> None:
    ada = rich.trashed["contact"][0]
    with services.db.write() as session:
        assert session.get(Contact, ada) is not None
        services.contacts.purge(ada)
        assert session.get(Contact, ada) is None
