"""Migration 0008: the search index keeps its one-letter prefix index only.

The two- and three-letter prefix indexes each took as much room as the word index itself;
dropping them must change no result, rank or snippet, keep every record findable and
editable, and never make an upgraded file bigger.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from coordinator.db import Database
from coordinator.db.engine import make_engine
from coordinator.db.migrate import downgrade, head_revision, upgrade
from coordinator.demo import build_demo
from coordinator.services import ContactFilter, Services
from coordinator.services.records import ContactData

SAMPLE_CONTACTS = 1_500


def _prefix_lengths(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'").fetchone()[0]
    finally:
        conn.close()
    found = re.search(r"prefix\s*=\s*'([^']*)'", sql)
    return found.group(1) if found else ""


def _pragma(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"PRAGMA {name}").fetchone()[0])
    finally:
        conn.close()


def _fts_integrity(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:  # raises "database disk image is malformed" if index and text disagree
        conn.execute("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()


def _queries(services: Services) -> list[str]:
    people = services.contacts.list(limit=40, offset=0).rows
    picked = people[::7]
    return ["a", "j", "m", "ja", "co", "st", "jac", "sta", "mar", "denver", "broadband",
            "data sharing", "summit pilot", "city of",
            *(p.full_name for p in picked), *(p.full_name.split()[-1] for p in picked),
            *(p.organization_name.split()[-1][:5] for p in picked if p.organization_name)]


def _answers(path: Path, queries: list[str]) -> tuple[list, list]:
    """Every hit (entity, id, title, snippet, rank) of every query, and the contacts
    list's type-to-filter for the same texts, read from the file as it is (opening
    through `Database.open` would upgrade an older schema first)."""
    db = Database(path, make_engine(path, read_only=True), read_only=True)
    try:
        services = Services(db)
        hits = [[(h.entity, h.id, h.title, h.snippet, h.rank)
                 for h in services.search.search(q).hits] for q in queries]
        filtered = [[r.id for r in services.contacts.list(
            ContactFilter(text=q), limit=200, offset=0).rows] for q in queries]
    finally:
        db.close()
    return hits, filtered


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    db = Database.open(path)
    try:
        build_demo(Services(db), SAMPLE_CONTACTS, today=date(2026, 12, 1))
    finally:
        db.close()
    return path


def test_upgrade_keeps_every_result_rank_and_snippet(sample: Path) -> None:
    db = Database.open(sample)
    try:
        queries = _queries(Services(db))
    finally:
        db.close()
    downgrade(sample, "0007")
    assert _prefix_lengths(sample) == "1 2 3"
    pages_before = _pragma(sample, "page_count")
    before = _answers(sample, queries)

    upgrade(sample)
    assert _prefix_lengths(sample) == "1"
    _fts_integrity(sample)
    # The old index's pages are reused by the new one: the file does not grow.
    assert _pragma(sample, "page_count") <= pages_before
    after = _answers(sample, queries)

    assert sum(len(h) for h in before[0]) > 100 and any(before[1])
    assert after == before


def test_records_stay_findable_and_editable_after_the_upgrade(sample: Path) -> None:
    downgrade(sample, "0007")
    upgrade(sample)
    db = Database.open(sample)
    try:
        services = Services(db)
        person = services.contacts.list(limit=1, offset=0).rows[0]
        assert person.id in {h.id for h in services.search.search(person.full_name).hits}
        data = services.contacts.get(person.id)
        data.given_name, data.family_name = "Zebulon", "Quixotic"
        services.contacts.update(person.id, data)
        assert [h.id for h in services.search.search("Quixotic").hits] == [person.id]
        assert [h.id for h in services.search.search("q").groups.get("contact", [])
                if h.id == person.id] == [person.id]
        new = services.contacts.create(ContactData(given_name="Ximena", family_name="Yarrow"))
        assert [h.id for h in services.search.search("xim yar").hits] == [new.id]
        services.contacts.delete(new.id)
        assert services.search.search("Yarrow").hits == []
    finally:
        db.close()
    _fts_integrity(sample)


def test_downgrade_restores_the_two_and_three_letter_indexes(sample: Path) -> None:
    assert _prefix_lengths(sample) == "1"
    downgrade(sample, "0007")
    assert _prefix_lengths(sample) == "1 2 3"
    _fts_integrity(sample)
    upgrade(sample)
    conn = sqlite3.connect(sample)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == \
            head_revision()
    finally:
        conn.close()


def _fts_data_bytes(conn: sqlite3.Connection, schema: str, table: str) -> int:
    conn.execute(f"INSERT INTO {schema}.{table} ({table}) VALUES ('optimize')")
    return int(conn.execute(f"SELECT sum(pgsize) FROM dbstat('{schema}') WHERE name = ?",
                            (f"{table}_data",)).fetchone()[0])


def test_search_index_is_at_most_twice_the_bare_word_index(sample: Path,
                                                           tmp_path: Path) -> None:
    """The same documents in an FTS5 table without prefix indexes measure the words
    themselves; the one-letter prefix index adds about 70% to that, the two- and
    three-letter ones added as much again each."""
    conn = sqlite3.connect(sample)
    try:
        conn.execute("ATTACH DATABASE ? AS bare", (str(tmp_path / "bare.db"),))
        conn.execute("CREATE VIRTUAL TABLE bare.words USING fts5(title, body,"
                     " tokenize = 'unicode61 remove_diacritics 2')")
        conn.execute("INSERT INTO bare.words (rowid, title, body)"
                     " SELECT rowid, title, body FROM main.search_fts")
        conn.commit()
        ours = _fts_data_bytes(conn, "main", "search_fts")
        bare = _fts_data_bytes(conn, "bare", "words")
    finally:
        conn.close()
    assert bare > 0
    assert ours <= 2 * bare, f"search index {ours / bare:.2f}x the bare word index"
