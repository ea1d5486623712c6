"""The bulk path of an import: ordered ids, compact undo records, the search index
written in two statements, and all-or-nothing at the size where chunks are flushed."""

from __future__ import annotations

import gc
import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from sqlalchemy import text

from coordinator.db import Database
from coordinator.db.engine import CACHE_KIB
from coordinator.db.migrate import head_revision
from coordinator.formats import batches, bulk, importer
from coordinator.formats.importer import ImportOptions
from coordinator.formats.known import sorted_words
from coordinator.formats.parsed import ImportCancelled
from coordinator.formats.reader import parse_contacts
from coordinator.models import fold
from coordinator.services import ContactFilter, Services, indexing
from coordinator.services.contacts import sort_key_of
from coordinator.services.records import ContactData, EmailData, OrganizationData, PhoneData

TABLES = ("contact", "contact_email", "contact_phone", "contact_address", "contact_tag", "tag",
          "organization", "search_doc", "search_fts", "import_batch", "import_batch_item",
          "import_batch_ids")
GIVEN = ["Zoë", "Marcus", "Priya", "José", "Renée", "Wei", "Søren", "Kateryna", "Ana", "Omar"]
FAMILY = ["Martínez", "Okafor", "Raman", "Núñez", "Côté", "Zhang", "Østergaard", "Ruiz"]
LABELS = ["NTXIA", "Mobility", "Broadband", "Water", "CSCA", "Energy"]


def google_csv(n: int, *, start: int = 0) -> bytes:
    """`n` distinct contacts in Google's layout, with organizations, labels (some naming a
    consortium), two emails on every third row, a phone and an address each."""
    lines = ["First Name,Last Name,Organization Name,Labels,E-mail 1 - Value,"
             "E-mail 2 - Value,Phone 1 - Value,Address 1 - Street,Address 1 - City"]
    for i in range(start, start + n):
        given, family = GIVEN[i % len(GIVEN)], f"{FAMILY[i % len(FAMILY)]}-{i}"
        labels = " ::: ".join(["* myContacts", LABELS[i % 6], LABELS[(i // 6) % 6]])
        second = f"p{i}@example.org" if i % 3 == 0 else ""
        lines.append(f"{given},{family},City of Town{i % 37},{labels},u{i}@example.org,"
                     f"{second},(972) 555-{i % 10000:04d},{i} Main St,Plano")
    return ("\n".join(lines) + "\n").encode()


def counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in TABLES}


def without_batches(table_counts: dict[str, int]) -> dict[str, int]:
    """Counts of everything but the batch records (an undone batch stays listed)."""
    return {k: v for k, v in table_counts.items() if not k.startswith("import_batch")}


def index_rows(db: Database) -> set[tuple]:  # type: ignore[type-arg]
    with db.read() as session:
        return set(session.execute(text(
            "SELECT d.entity, d.entity_id, f.title, f.body FROM search_doc d "
            "JOIN search_fts f ON f.rowid = d.rowid")).all())


# -- ids ----------------------------------------------------------------------------------

def test_time_ordered_ids_are_uuid7_strictly_increasing_and_unique() -> None:
    make = bulk.Ids()
    ids = [make() for _ in range(20_000)]  # crosses several blocks of 4,096
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for value in (ids[0], ids[4095], ids[4096], ids[-1]):
        parsed = uuid.UUID(value)
        assert str(parsed) == value and len(value) == 36
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert bulk.Ids()() != bulk.Ids()()  # two streams never start on the same id


def test_sorted_ids_are_random_uuid4_in_increasing_order() -> None:
    make = bulk.SortedIds(5000)
    ids = [make() for _ in range(5000)]
    assert ids == sorted(ids) and len(set(ids)) == 5000
    assert all(uuid.UUID(i).version == 4 and str(uuid.UUID(i)) == i for i in ids)
    # first characters stay random (short id prefixes stay useful): spread over all 16
    assert len({i[0] for i in ids}) == 16
    more = [make() for _ in range(10)]  # past the expected count: another sorted run
    assert more == sorted(more) and not set(more) & set(ids)


def test_imported_rows_have_ordered_ids_and_contacts_keep_random_ones(db) -> None:  # type: ignore[no-untyped-def]
    importer.apply(db, parse_contacts(google_csv(300)))
    with db.read() as session:
        def ids(table: str) -> list[str]:
            return list(session.execute(text(f"SELECT id FROM {table} ORDER BY rowid")).scalars())

        contacts, emails = ids("contact"), ids("contact_email")
        assert contacts == sorted(contacts)
        assert {uuid.UUID(i).version for i in contacts} == {4}
        assert {uuid.UUID(i).version for i in ids("organization")} == {4}
        for table in ("contact_email", "contact_phone", "contact_address"):
            assert ids(table) == sorted(ids(table))
            assert {uuid.UUID(i).version for i in ids(table)} == {7}
        assert len(emails) == 400


# -- values the services would write ------------------------------------------------------

name_part = st.text(alphabet="aAéÉßΣσςøØłđ İı\u0301\u0308\u00a0\u2003x1½ﬁＡ\t-'Zoë", max_size=8)


@settings(max_examples=300)
@given(st.lists(name_part, min_size=1, max_size=4))
def test_fold_cache_joins_like_folding_the_whole(parts: list[str]) -> None:
    folds = bulk.FoldCache()
    assert folds.joined(*parts) == fold(" ".join(parts))
    assert folds.joined(*parts) == folds.joined(*parts)  # cached the second time


@settings(max_examples=200)
@given(name_part, name_part, name_part)
def test_bulk_sort_key_is_the_services_sort_key(family: str, given_: str, middle: str) -> None:
    data = ContactData(given_name=given_, family_name=family, middle_name=middle)
    pending = bulk.NewContacts(expected=1)
    pending.add(data, None, None, {})
    assert pending.contacts[0][bulk.CONTACT_COLUMNS.index("sort_key")] == sort_key_of(data)


folded_name = st.lists(st.text(alphabet="abcdeoz-", min_size=1, max_size=6), min_size=1,
                       max_size=3).map(" ".join)


@settings(max_examples=300)
@given(folded_name, st.lists(folded_name, min_size=1, max_size=12))
def test_sorted_words_ratio_is_token_sort_ratio(key: str, group: list[str]) -> None:
    expected = process.extractOne(key, group, scorer=fuzz.token_sort_ratio, score_cutoff=0)
    found = process.extractOne(sorted_words(key), [sorted_words(g) for g in group],
                               scorer=fuzz.ratio, score_cutoff=0)
    assert (found[1], found[2]) == (expected[1], expected[2])  # type: ignore[index]


# -- search -------------------------------------------------------------------------------

def test_search_finds_imported_contacts_at_once_exactly_as_a_reindex(db, services) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace",
                                         emails=[EmailData("ada@example.org")]))
    importer.apply(db, parse_contacts(google_csv(600)), ImportOptions(duplicates="create"))
    assert [h.title for h in services.search.search("u599").groups["contact"]] == [
        "Omar Ruiz-599"]
    assert services.search.search("ostergaard").groups["contact"]  # folded titles too
    assert services.contacts.list(ContactFilter(text="u123@example")).total == 1
    assert services.search.search("Lovelace").groups["contact"]  # the index before is intact
    ours = index_rows(db)
    services.search.reindex()
    assert ours == index_rows(db)
    assert len([r for r in ours if r[0] == "contact"]) == 601


def test_unindex_many_removes_exactly_those_ids(db, services) -> None:  # type: ignore[no-untyped-def]
    importer.apply(db, parse_contacts(google_csv(60)))
    rows = services.contacts.list().rows
    gone = [r.id for r in rows[:25]]
    from coordinator.services import indexing

    with db.write() as session:
        indexing.unindex_many(session, gone)
    left = {r[1] for r in index_rows(db) if r[0] == "contact"}
    assert left == {r.id for r in rows[25:]}
    with db.read() as session:  # no FTS row without its search_doc row, and back
        assert session.execute(text(
            "SELECT count(*) FROM search_fts WHERE rowid NOT IN "
            "(SELECT rowid FROM search_doc)")).scalar_one() == 0


# -- all or nothing -----------------------------------------------------------------------

def test_cancel_after_chunks_were_written_saves_nothing(db, services) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    before = counts(db)
    parsed = parse_contacts(google_csv(bulk.CHUNK + 2500))
    seen: list[int] = []

    def cancel() -> bool:
        return len(seen) > 0 and seen[-1] > bulk.CHUNK  # after the first chunk's flush

    with pytest.raises(ImportCancelled):
        importer.apply(db, parsed, ImportOptions(duplicates="create"),
                       progress=lambda done, _total: seen.append(done), cancelled=cancel)
    assert counts(db) == before
    assert gc.isenabled()


def test_failure_while_indexing_saves_nothing_and_restores_the_connection(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = counts(db)
    used = []
    index_new, bulk_cache = indexing.index_new, bulk.bulk_cache

    def broken(session, entity, ids):  # type: ignore[no-untyped-def]
        if entity == "contact":
            raise sqlite3.OperationalError("disk I/O error")
        index_new(session, entity, ids)

    def spied(session, rows):  # type: ignore[no-untyped-def]
        used.append(session.connection().connection.driver_connection)
        return bulk_cache(session, rows)

    monkeypatch.setattr(indexing, "index_new", broken)
    monkeypatch.setattr(bulk, "bulk_cache", spied)
    with pytest.raises(sqlite3.OperationalError):
        importer.apply(db, parse_contacts(google_csv(700)))
    assert counts(db) == before
    assert gc.isenabled()
    # the connection (back in the pool) has its usual page cache again
    assert used[0].execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB


# -- undo ---------------------------------------------------------------------------------

def test_undo_of_a_large_batch_removes_exactly_what_it_created(db, services) -> None:  # type: ignore[no-untyped-def]
    plano = services.organizations.create(OrganizationData(name="City of Town3"))
    mine = services.contacts.create(ContactData(
        given_name="Ada", family_name="Lovelace", organization_id=plano.id, title="Countess",
        emails=[EmailData("u5@example.org")], phones=[PhoneData("+44 20 7946 0018")],
        tags=["Mobility"]))
    before, index_before = counts(db), index_rows(db)
    report = importer.apply(db, parse_contacts(google_csv(12_000)),
                            ImportOptions(duplicates="create"))
    assert (report.created, report.updated) == (11_999, 1)  # row 5 matched Ada by email
    after_import = counts(db)
    assert after_import["contact"] == before["contact"] + 11_999
    assert after_import["import_batch_item"] == 1  # the update's snapshot only
    assert after_import["import_batch_ids"] == 3 + 1 + 1  # contacts, organizations, tags
    preview = batches.undo_preview(db, report.batch_id)
    assert (preview.contacts_to_remove, preview.contacts_to_restore,
            preview.contacts_to_trash, preview.contacts_to_keep) == (11_999, 1, 0, 0)
    edited = services.contacts.list(ContactFilter(text="u42@example")).rows[0]
    data = services.contacts.get(edited.id)
    data.title = "Edited after the import"
    services.contacts.update(edited.id, data)
    assert batches.undo_preview(db, report.batch_id).contacts_to_trash == 1

    undo = batches.undo_batch(db, report.batch_id)
    assert (undo.contacts_removed, undo.contacts_to_trash, undo.contacts_restored) == (
        11_998, 1, 1)  # the contact edited after the import waits in Trash
    assert services.contacts.get(edited.id, include_deleted=True).title == (
        "Edited after the import")
    assert undo.organizations_removed == 35  # City of Town3 existed before, and the
    kept = services.contacts.get(edited.id, include_deleted=True).organization_id
    assert kept and kept != plano.id  # edited contact's organization stays for it
    services.trash.purge("contact", edited.id)
    services.organizations.delete(kept)
    services.trash.purge("organization", kept)
    assert without_batches(counts(db)) == without_batches(before)
    assert index_rows(db) == index_before
    restored = services.contacts.get(mine.id)
    assert (restored.title, [e.address for e in restored.emails], restored.tags) == (
        "Countess", ["u5@example.org"], ["Mobility"])
    assert services.organizations.get(plano.id).name == "City of Town3"


def _as_saved_by_0004(path: Path) -> None:
    """Rewrite a database the way Coordinator 0004 saved imports (one import_batch_item
    per created record, no import_batch_ids table). Later revisions are taken back
    first, so that only 0005's change is left to fake."""
    from coordinator.db.migrate import downgrade

    downgrade(path, "0005")
    conn = sqlite3.connect(path)
    with conn:
        rows = conn.execute("SELECT i.created_at, i.batch_id, i.entity, i.action, j.value "
                            "FROM import_batch_ids i, json_each(i.ids) j").fetchall()
        conn.executemany(
            "INSERT INTO import_batch_item (id, created_at, updated_at, batch_id, entity, "
            "entity_id, action, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, '')",
            [(str(uuid.uuid4()), at, at, batch, entity, entity_id, action)
             for at, batch, entity, action, entity_id in rows])
        conn.execute("DROP TABLE import_batch_ids")
        conn.execute("UPDATE alembic_version SET version_num = '0004'")
    conn.close()


def test_batches_saved_before_the_upgrade_are_still_undone(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database.open(path)
    services = Services(db)
    mine = services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace",
                                                emails=[EmailData("u7@example.org")]))
    before = counts(db)
    report = importer.apply(db, parse_contacts(google_csv(40)))
    db.close()
    _as_saved_by_0004(path)

    db = Database.open(path, backup_dir=tmp_path / "backups")  # migrates to 0005
    try:
        services = Services(db)
        with db.read() as session:
            assert session.execute(text("SELECT version_num FROM alembic_version")
                                   ).scalar_one() == head_revision()
            assert session.execute(text("SELECT count(*) FROM import_batch_ids")
                                   ).scalar_one() == 0
        assert batches.undo_preview(db, report.batch_id).contacts_to_remove == 39
        undo = batches.undo_batch(db, report.batch_id)
        assert (undo.contacts_removed, undo.contacts_restored) == (39, 1)
        assert without_batches(counts(db)) == without_batches(before)
        assert [e.address for e in services.contacts.get(mine.id).emails] == ["u7@example.org"]
    finally:
        db.close()


def test_downgrade_writes_the_old_rows_back(tmp_path: Path) -> None:
    from coordinator.db.migrate import upgrade

    path = tmp_path / "down.db"
    db = Database.open(path)
    report = importer.apply(db, parse_contacts(google_csv(30)))
    db.close()
    from coordinator.db.migrate import downgrade

    downgrade(path, "0004")
    conn = sqlite3.connect(path)
    created = conn.execute("SELECT entity, count(*) FROM import_batch_item WHERE batch_id = ? "
                           "AND action = 'created' GROUP BY entity", (report.batch_id,)).fetchall()
    assert dict(created) == {"contact": 30, "organization": 30, "tag": 4}
    conn.close()
    upgrade(path)
    db = Database.open(path)
    try:
        assert batches.undo_batch(db, report.batch_id).contacts_removed == 30
    finally:
        db.close()


def test_undo_records_are_compact(db) -> None:  # type: ignore[no-untyped-def]
    report = importer.apply(db, parse_contacts(google_csv(bulk.IDS_PER_ROW + 10)),
                            ImportOptions(duplicates="create"))
    with db.read() as session:
        rows = session.execute(text(
            "SELECT entity, ids FROM import_batch_ids WHERE batch_id = :b ORDER BY entity"),
            {"b": report.batch_id}).all()
    contact_rows = [json.loads(ids) for entity, ids in rows if entity == "contact"]
    assert [len(r) for r in contact_rows] == [bulk.IDS_PER_ROW, 10]
