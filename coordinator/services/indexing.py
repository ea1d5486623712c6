"""What each entity contributes to the search index, as one SQL source per entity.

The same source serves a single record (after a write) and the whole table
(`reindex`, bulk loads), so the two can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence

from sqlalchemy import bindparam, text
from sqlmodel import Session

# Each source yields (id, title, body) for live (not deleted) records.
_RAW_SOURCES: dict[str, str] = {
    "contact": """
        SELECT c.id AS id, c.full_name AS title,
               trim(c.nickname || ' ' || c.title || ' ' || coalesce(o.name, '') || ' ' ||
                    coalesce((SELECT group_concat(e.address, ' ') FROM contact_email e
                              WHERE e.contact_id = c.id), '')) AS body
        FROM contact c LEFT JOIN organization o
             ON o.id = c.organization_id AND o.deleted_at IS NULL
        WHERE c.deleted_at IS NULL""",
    "organization": """
        SELECT o.id AS id, o.name AS title,
               trim(o.city || ' ' || o.state || ' ' || coalesce(cs.short_name, '') || ' ' ||
                    o.notes) AS body
        FROM organization o LEFT JOIN consortium cs ON cs.id = o.consortium_id
        WHERE o.deleted_at IS NULL""",
    "consortium": """
        SELECT cs.id AS id, cs.name AS title,
               trim(cs.short_name || ' ' || cs.region || ' ' || cs.states) AS body
        FROM consortium cs WHERE cs.deleted_at IS NULL""",
    "proposal": """
        SELECT p.id AS id, p.title AS title,
               trim(p.summary || ' ' || p.funder || ' ' || p.funder_call || ' ' ||
                    coalesce((SELECT group_concat(s.heading || ' ' || s.body, ' ')
                              FROM proposal_section s WHERE s.proposal_id = p.id), '')) AS body
        FROM proposal p WHERE p.deleted_at IS NULL""",
    "meeting": """
        SELECT m.id AS id, m.title AS title,
               trim(coalesce(ms.name, '') || ' ' || m.location || ' ' ||
                    coalesce((SELECT group_concat(a.title, ' ') FROM agenda_item a
                              WHERE a.meeting_id = m.id), '') || ' ' || m.notes || ' ' ||
                    coalesce((SELECT group_concat(d.text, ' ') FROM decision d
                              WHERE d.meeting_id = m.id), '') || ' ' ||
                    coalesce((SELECT group_concat(ai.text, ' ') FROM action_item ai
                              WHERE ai.meeting_id = m.id), '')) AS body
        FROM meeting m LEFT JOIN meeting_series ms ON ms.id = m.series_id
        WHERE m.deleted_at IS NULL""",
}

_ALIAS = {"contact": "c", "organization": "o", "consortium": "cs", "proposal": "p", "meeting": "m"}


def source(entity: str, *, only_ids: bool = False) -> str:
    """SQL yielding (id, title, body) for live records of `entity`.

    Titles are also indexed folded ("Ødegård" -> "odegard"): FTS5's remove_diacritics
    does not map letters such as ø, ł or đ, and people type plain letters.
    """
    sql = _RAW_SOURCES[entity]
    if only_ids:
        sql += f" AND {_ALIAS[entity]}.id IN :ids"
    return (f"SELECT id, title, body || coalesce(' ' || nullif(fold(title), lower(title)), '')"
            f" AS body FROM ({sql})")


CHUNK = 500
BULK_CHUNK = 5_000  # ids per statement of the bulk functions (one JSON array)


def refresh(session: Session, entity: str, ids: Collection[str] | None = None) -> int:
    """Re-index `ids` of `entity` (all of them when None). Deleted ids drop out."""
    if ids is None:
        return _insert(session, entity, source(entity), {})
    ids = list(ids)
    count = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        remove_ids(session, chunk)  # two statements, not three per id (pulls of thousands)
        count += _insert(
            session, entity, source(entity, only_ids=True), {"ids": chunk}
        )
    return count


def _insert(session: Session, entity: str, sql: str, params: dict) -> int:
    docs = text(
        f"INSERT INTO search_doc (entity, entity_id) SELECT :entity, id FROM ({sql})"
    )
    fts = text(
        f"INSERT INTO search_fts (rowid, title, body) SELECT d.rowid, s.title, s.body "
        f"FROM ({sql}) s JOIN search_doc d ON d.entity_id = s.id"
    )
    if "ids" in params:
        docs = docs.bindparams(bindparam("ids", expanding=True))
        fts = fts.bindparams(bindparam("ids", expanding=True))
    result = session.execute(docs, {"entity": entity, **params})
    session.execute(fts, params)
    return result.rowcount or 0


def index_new(session: Session, entity: str, ids: Sequence[str]) -> int:
    """Index records of `entity` that are not in the index yet (just created in this
    transaction), with the same source as `refresh`: the same rows come out.

    For bulk loads (an import of 100,000 contacts): `refresh` first removes each id
    from the index (three statements per id) and then finds each new search_doc row
    again by its text id. Here nothing needs removing; the ids go in as one JSON array,
    the search_doc rows are numbered in one statement, and the FTS rows are filled by
    rowid range from those. SQLite only (FTS5 and json_each).
    """
    if not ids:
        return 0
    connection = session.connection()
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        before = cursor.execute("SELECT coalesce(max(rowid), 0) FROM search_doc").fetchone()[0]
        cursor.execute(
            f"INSERT INTO search_doc (entity, entity_id) SELECT ?, s.id "
            f"FROM json_each(?) j JOIN ({source(entity)}) s ON s.id = j.value",
            (entity, json.dumps(list(ids))))
        count = cursor.rowcount
        cursor.execute(
            f"INSERT INTO search_fts (rowid, title, body) SELECT d.rowid, s.title, s.body "
            f"FROM search_doc d JOIN ({source(entity)}) s ON s.id = d.entity_id "
            f"WHERE d.rowid > ? ORDER BY d.rowid", (before,))
    finally:
        cursor.close()
    return count


def unindex_many(session: Session, ids: Sequence[str]) -> None:
    """`search.unindex` for many ids (undoing an import of thousands of records): one
    query finds their index rows, two `executemany` remove them. SQLite only."""
    if not ids:
        return
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute("SELECT d.rowid FROM json_each(?) j JOIN search_doc d "
                              "ON d.entity_id = j.value", (json.dumps(list(ids)),)).fetchall()
        cursor.executemany("DELETE FROM search_fts WHERE rowid = ?", rows)
        cursor.executemany("DELETE FROM search_doc WHERE rowid = ?", rows)
    finally:
        cursor.close()


def remove_ids(session: Session, ids: Sequence[str]) -> None:
    """Take `ids` (of any entity) out of the index in two statements per chunk
    (emptying a Trash of tens of thousands of records). The ids go in as one JSON array
    read through `IN (SELECT value FROM json_each(?))`: a join from json_each would
    let the planner scan search_doc once per chunk instead of seeking each id."""
    for start in range(0, len(ids), BULK_CHUNK):
        param = {"ids": json.dumps(list(ids[start:start + BULK_CHUNK]))}
        session.execute(text(
            "DELETE FROM search_fts WHERE rowid IN (SELECT rowid FROM search_doc "
            "WHERE entity_id IN (SELECT value FROM json_each(:ids)))"), param)
        session.execute(text(
            "DELETE FROM search_doc WHERE entity_id IN (SELECT value FROM json_each(:ids))"),
            param)


def index_all(session: Session) -> int:
    return sum(refresh(session, entity) for entity in _RAW_SOURCES)
