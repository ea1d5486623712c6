"""Moving many records to Trash and back goes in bulk (a few statements per kind of
record and chunk of ids, not an ORM load, flush and re-index per record) and leaves
exactly what moving them one at a time left: every table, the search index's text, and
the last-contact table (kept by triggers) equal to a fresh computation."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from coordinator.changes import ChangeSet
from coordinator.db import Database, last_touch
from coordinator.errors import Conflict, NotFound
from coordinator.models import Contact
from coordinator.services import Services, base, indexing
from coordinator.services.records import (
    ActionItemData,
    AgendaItemData,
    AttendeeData,
    ContactData,
    MeetingData,
    SectionData,
)

from .conftest import NOW, TODAY, Build, copy_database
from .test_trash_bulk import MODELS, dump, statements_run, trash_contacts

MOMENT = datetime(2026, 12, 5, 4, 30, 15, 123456, tzinfo=UTC)


def build_live(services: Services, build: Build) -> dict[str, list[str]]:
    """Records of every kind, linked to each other, some already in Trash; returns the
    live ones to move (entity -> ids)."""
    mobility = build.org("Moving Mobility", tags=["transit"])
    water = build.org("Moving Water", consortium=None, sector="utility", tags=["water"])
    stays = build.org("Staying Energy")
    day = TODAY - timedelta(days=3)
    ada = build.contact("Ada", "Lovelace", org=mobility, emails=["ada@example.org"],
                        tags=["transit"], last_contacted_on=day)
    bob = build.contact("Bob", "Stays", org=mobility, emails=["bob@example.org"],
                        last_contacted_on=day - timedelta(days=1))
    cy = build.contact("Cy", "Moves", org=stays, phones=["+1 214 555 0101"],
                       last_contacted_on=day)
    dee = build.contact("Dee", "Trashed", org=water, emails=["dee@example.org"])
    eve = build.contact("Eve", "Water", org=water, last_contacted_on=day)
    services.contacts.delete_many([dee.id])  # in Trash before: stays there throughout
    corridors = build.proposal("Moving Corridors", status="submitted",
                               partners=[mobility, stays], owner_id=cy.id, due_date=day,
                               sections=[SectionData("Need", "Buses on time")])
    kept = build.proposal("Kept Plan", status="awarded", partners=[stays, water],
                          lead_organization_id=water.id, owner_id=ada.id)
    call = services.meetings.create(MeetingData(
        title="Moving call", starts_at=NOW - timedelta(days=10), series_name="Monthly",
        attendees=[AttendeeData(cy.id, attended=True), AttendeeData(ada.id, attended=True)],
        agenda=[AgendaItemData("Intro", presenter_id=ada.id)], decisions=["Go ahead"],
        action_items=[ActionItemData("Send slides", cy.id, proposal_id=kept.id)]))
    services.meetings.create(MeetingData(
        title="Kept call", starts_at=NOW - timedelta(days=5),
        attendees=[AttendeeData(c.id, attended=True) for c in (bob, eve)]))
    return {"contact": [ada.id, cy.id], "organization": [mobility.id, water.id],
            "proposal": [corridors.id], "meeting": [call.id]}


def move_one_at_a_time(services: Services, selection: dict[str, list[str]],
                       to_trash: bool) -> None:
    """The reference: moving as it went before it went in bulk, one record at a time
    in one unit of work (the ORM's load, deleted_at and updated_at set, a flush, the
    search index refreshed for that id; an organization's live contacts re-indexed)."""
    with services.db.write() as session:
        for entity, ids in selection.items():
            for record_id in ids:
                row = session.get(MODELS[entity], record_id)
                row.deleted_at = MOMENT if to_trash else None
                row.updated_at = MOMENT
                session.add(row)
                session.flush()
                indexing.refresh(session, entity, [record_id])
                if entity == "organization":
                    indexing.refresh(session, "contact", session.execute(text(
                        "SELECT id FROM contact WHERE organization_id = :o "
                        "AND deleted_at IS NULL"), {"o": record_id}).scalars().all())


@pytest.fixture
def moment(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The clock of the bulk moves, fixed so that both ways stamp the same time."""
    monkeypatch.setattr(base, "utcnow", lambda: MOMENT)
    return MOMENT


@pytest.fixture
def live(services: Services, build: Build) -> dict[str, list[str]]:
    return build_live(services, build)


@pytest.fixture
def twin(db: Database, live: dict[str, list[str]], tmp_path: Path) -> Iterator[Services]:
    path = tmp_path / "twin.db"
    copy_database(db.path, path)
    twin_db = Database.open(path)
    yield Services(twin_db)
    twin_db.close()


def move_in_bulk(services: Services, selection: dict[str, list[str]], to_trash: bool,
                 ) -> None:
    for entity, ids in selection.items():
        service = services.trash._service(entity)
        (service.delete_many if to_trash else service.restore_many)(ids)


@pytest.mark.parametrize("chunk", [pytest.param(base.MOVE_CHUNK, id="as-shipped"),
                                   pytest.param(1, id="chunks-of-1")])
@pytest.mark.parametrize("mixed", [False, True], ids=["per-kind", "mixed-selection"])
def test_a_bulk_move_to_trash_and_back_leaves_what_one_at_a_time_left(
        services: Services, twin: Services, live: dict[str, list[str]], moment: datetime,
        monkeypatch: pytest.MonkeyPatch, chunk: int, mixed: bool) -> None:
    monkeypatch.setattr(base, "MOVE_CHUNK", chunk)
    monkeypatch.setattr(indexing, "BULK_CHUNK", max(chunk, 2))
    before = dump(services.db.path)
    move_one_at_a_time(twin, live, to_trash=True)
    if mixed:
        assert services.trash.move_to_trash(live) == 6
    else:
        move_in_bulk(services, live, to_trash=True)
    trashed, reference = dump(services.db.path), dump(twin.db.path)
    assert trashed == reference
    assert trashed != before
    assert {(i.entity, i.id) for i in services.trash.list()} >= {
        (e, i) for e, ids in live.items() for i in ids}
    # Bob stays, shown without the organization in Trash: found by name, not by it.
    assert [h.title for h in services.search.search("Moving").hits] == []
    assert [h.title for h in services.search.search("Bob").hits] == ["Bob Stays"]

    move_one_at_a_time(twin, live, to_trash=False)
    if mixed:
        assert services.trash.restore_many(live) == 6
    else:
        move_in_bulk(services, live, to_trash=False)
    restored = dump(services.db.path)
    assert restored == dump(twin.db.path)
    assert {t: rows for t, rows in restored.items() if t not in MOVED_TABLES} == {
        t: rows for t, rows in before.items() if t not in MOVED_TABLES}
    assert {h.title for h in services.search.search("Moving").hits} == {
        "Moving Mobility", "Moving Water", "Moving Corridors", "Moving call",
        "Ada Lovelace", "Bob Stays", "Eve Water"}  # the people by their organization


MOVED_TABLES = {"contact", "organization", "proposal", "meeting"}  # updated_at moves


def test_the_last_contact_table_equals_a_fresh_computation_after_bulk_moves(
        services: Services, live: dict[str, list[str]], tmp_path: Path) -> None:
    def fresh_equals_kept() -> list[tuple]:
        fresh = tmp_path / "fresh.db"
        fresh.unlink(missing_ok=True)
        copy_database(services.db.path, fresh)
        with sqlite3.connect(fresh) as conn:
            last_touch.rebuild(conn)
        conn.close()
        kept = dump(services.db.path)["organization_touch"]
        assert kept == dump(fresh)["organization_touch"]
        return kept

    before = fresh_equals_kept()
    services.trash.move_to_trash(live)
    assert fresh_equals_kept() != before
    services.trash.restore_many(live)
    assert fresh_equals_kept() == before


def test_one_notice_names_every_moved_record_and_the_contacts_shown_otherwise(
        services: Services, live: dict[str, list[str]], changes: list[ChangeSet]) -> None:
    bob, eve = (c.id for c in services.contacts.list().rows
                if c.full_name in ("Bob Stays", "Eve Water"))
    services.trash.move_to_trash(live)
    services.trash.restore_many(live)
    gone, back = changes
    assert {e: gone.ids(e, "deleted") for e in live} == {  # type: ignore[arg-type]
        e: set(ids) for e, ids in live.items()}
    assert {e: back.ids(e, "restored") for e in live} == {  # type: ignore[arg-type]
        e: set(ids) for e, ids in live.items()}
    # The live contacts of the organizations moved: shown with no organization, then
    # with it again (Ada and Cy moved themselves; Dee was in Trash all along).
    assert gone.ids("contact", "updated") == {bob, eve}  # type: ignore[arg-type]
    assert back.ids("contact", "updated") == {bob, eve}  # type: ignore[arg-type]


def test_the_statements_do_not_grow_with_the_number_of_records(services: Services) -> None:
    """Four times the records, the same statements (each record used to take a load,
    an update and three to four index statements)."""
    counts = []
    for n in (20, 80):
        ids = trash_contacts(services, n)  # moved to Trash with delete_many
        with statements_run(services.db) as statements:
            services.contacts.restore_many(ids)
        restored = len(statements)
        with statements_run(services.db) as statements:
            services.contacts.delete_many(ids)
        counts.append((restored, len(statements)))
        services.trash.empty()
    assert counts[0] == counts[1]
    assert all(n < 15 for n in counts[0])


def test_progress_is_reported_per_chunk(services: Services,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "MOVE_CHUNK", 4)
    ids = trash_contacts(services, 10)
    seen: list[tuple[int, int]] = []
    assert services.contacts.restore_many(ids[:6], progress=lambda d, t: seen.append((d, t))) == 6
    assert seen == [(0, 6), (4, 6), (6, 6)]
    seen.clear()
    services.contacts.delete_many(ids[:6], progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 6), (4, 6), (6, 6)]
    seen.clear()
    services.trash.restore_many({"contact": ids[:5]}, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 5), (4, 5), (5, 5)]


def test_a_refused_move_changes_nothing_and_names_the_record(
        services: Services, live: dict[str, list[str]]) -> None:
    dee = services.trash.list()[0]
    assert dee.title == "Dee Trashed"
    before = dump(services.db.path)
    with pytest.raises(NotFound, match="Contact “Dee Trashed” is already in Trash"):
        services.contacts.delete_many([*live["contact"], dee.id])
    with pytest.raises(NotFound, match="Contact “Dee Trashed” is already in Trash"):
        services.trash.move_to_trash({**live, "contact": [dee.id]})
    with pytest.raises(NotFound, match="no-such-meeting"):
        services.meetings.delete_many([*live["meeting"], "no-such-meeting"])
    with pytest.raises(NotFound, match="Organization “Moving Mobility” is not in Trash"):
        services.organizations.restore_many(live["organization"])
    with pytest.raises(NotFound, match="kind of record"):
        services.trash.restore_many({"spaceship": ["x"]})
    founding = services.consortia.list()[0]
    with pytest.raises(Conflict, match=f"{founding.name} is one of the founding consortia"):
        services.consortia.delete_many([founding.id])
    assert dump(services.db.path) == before


def test_a_move_that_fails_halfway_changes_nothing(
        services: Services, live: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump(services.db.path)
    move_organizations = services.organizations.move_chunk

    def fail(session, ids, to_trash, now):  # type: ignore[no-untyped-def]
        move_organizations(session, ids, to_trash, now)
        raise OSError("disk full")

    monkeypatch.setattr(services.organizations, "move_chunk", fail)
    with pytest.raises(OSError, match="disk full"):
        services.trash.move_to_trash(live)
    assert dump(services.db.path) == before


def test_a_record_loaded_in_the_same_unit_is_read_as_moved(
        services: Services, live: dict[str, list[str]]) -> None:
    """A caller that loaded the row before (restore, edit and delete again in one unit)
    reads its new state, not the copy the session held."""
    ada = live["contact"][0]
    with services.db.write() as session:
        row = session.get(Contact, ada)
        assert row is not None and row.deleted_at is None
        services.contacts.delete(ada)
        assert session.get(Contact, ada).deleted_at is not None  # type: ignore[union-attr]
        services.contacts.restore(ada)
        assert session.get(Contact, ada).deleted_at is None  # type: ignore[union-attr]
    assert services.contacts.get(ada).deleted_at is None


def test_single_moves_keep_their_rules(services: Services, live: dict[str, list[str]]
                                       ) -> None:
    ada = live["contact"][0]
    services.contacts.delete(ada)
    with pytest.raises(NotFound):
        services.contacts.delete(ada)
    services.trash.restore("contact", ada)
    with pytest.raises(NotFound):
        services.contacts.restore(ada)
    assert services.contacts.get(ada).deleted_at is None


def test_the_kinds_of_a_trash_selection(services: Services, live: dict[str, list[str]],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """What the Trash view restores: the selected ids by kind, in the order selected;
    ids no longer in Trash (restored or purged meanwhile) left out."""
    monkeypatch.setattr(base, "PURGE_CHUNK", 2)
    services.trash.move_to_trash(live)
    dee = next(i.id for i in services.trash.list() if i.title == "Dee Trashed")
    org, other_org = live["organization"]
    ada, cy = live["contact"]
    services.contacts.restore(cy)
    assert services.trash.kinds([other_org, ada, cy, "gone", *live["meeting"], dee, org,
                                 ada]) == {
        "organization": [other_org, org], "contact": [ada, dee],
        "meeting": live["meeting"]}
    assert services.trash.kinds([]) == {}


def test_re_indexing_many_records_takes_the_same_statements_as_a_few(
        services: Services) -> None:
    """What a laptop pulling a bulk move from the hub re-indexes: four times the records,
    the same statements (each record used to take three to take out of the index), and
    the index ends as it was."""
    ids = [services.contacts.create(ContactData(given_name=f"Indexed{i}",
                                                family_name="Example")).id or ""
           for i in range(80)]
    before = dump(services.db.path)["search"]
    counts = []
    for some in (ids[:20], ids):
        with services.db.write() as session, statements_run(services.db) as statements:
            assert indexing.refresh(session, "contact", some) == len(some)
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6
    assert dump(services.db.path)["search"] == before
