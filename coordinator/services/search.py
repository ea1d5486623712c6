"""Full-text search over every entity with one SQLite FTS5 index.

`search_doc` maps an FTS rowid to (entity, id). The services call `index()` and
`unindex()` inside their own write transaction so the index never lags the data.
User text is split into terms, each quoted (doubling `"`) and given a `*` for prefix
matching, so no input can raise an FTS syntax error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import Session

from coordinator.db import Database

MAX_TERMS = 12
MAX_TERM_LENGTH = 64
SHORT_PREFIX = 3
RANK_CAP = 5000  # more matches than this are listed by title, unranked
# Title matches count ten times body matches.
RANK = "bm25(10.0, 1.0)"
ENTITY_ORDER = ("contact", "organization", "proposal", "meeting", "consortium")

_TOKEN = re.compile(r"\w+", re.UNICODE)


def terms_of(user_text: str) -> list[str]:
    return [t[:MAX_TERM_LENGTH] for t in _TOKEN.findall(user_text.replace("_", " "))][:MAX_TERMS]


def fts_query(user_text: str) -> str | None:
    """A safe FTS5 MATCH expression for `user_text`, or None when it has no words."""
    quoted = ['"' + t.replace('"', '""') + '"*' for t in terms_of(user_text)]
    return " ".join(quoted) if quoted else None


def is_short(user_text: str) -> bool:
    """One or two letters typed so far: thousands of matches, none better than another."""
    return all(len(t) < SHORT_PREFIX for t in terms_of(user_text))


def index(session: Session, entity: str, entity_id: str, title: str, body: str) -> None:
    """Add or replace one record in the index (inside the caller's transaction)."""
    unindex(session, entity_id)
    session.execute(
        text("INSERT INTO search_doc (entity, entity_id) VALUES (:e, :id)"),
        {"e": entity, "id": entity_id},
    )
    session.execute(
        text("INSERT INTO search_fts (rowid, title, body) VALUES (last_insert_rowid(), :t, :b)"),
        {"t": title, "b": body},
    )


def unindex(session: Session, *entity_ids: str) -> None:
    for entity_id in entity_ids:
        row = session.execute(
            text("SELECT rowid FROM search_doc WHERE entity_id = :id"), {"id": entity_id}
        ).first()
        if row is not None:
            session.execute(text("DELETE FROM search_fts WHERE rowid = :r"), {"r": row[0]})
            session.execute(text("DELETE FROM search_doc WHERE rowid = :r"), {"r": row[0]})


def joined(parts: Iterable[str | None]) -> str:
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class SearchHit:
    entity: str
    id: str
    title: str
    snippet: str
    rank: float


@dataclass
class SearchResults:
    query: str
    groups: dict[str, list[SearchHit]] = field(default_factory=dict)

    @property
    def hits(self) -> list[SearchHit]:
        return [h for entity in ENTITY_ORDER for h in self.groups.get(entity, [])]

    def __len__(self) -> int:
        return sum(len(v) for v in self.groups.values())


COUNT_SQL = ("SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH :q"
             " LIMIT :cap)")


def search_sql(*, short: bool) -> str:
    """The one query behind search; short prefixes skip ranking so they stop early."""
    order = "" if short else f" AND rank MATCH '{RANK}' ORDER BY f.rank"
    return ("SELECT d.entity, d.entity_id, f.title,"
            " snippet(search_fts, 1, '[', ']', '…', 10), f.rank"
            " FROM search_fts f JOIN search_doc d ON d.rowid = f.rowid"
            f" WHERE search_fts MATCH :q{order} LIMIT :limit")


class SearchService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def search(self, query: str, limit_per_group: int = 8) -> SearchResults:
        """Ranked prefix search, grouped by entity, each hit with a short snippet."""
        results = SearchResults(query=query)
        match = fts_query(query)
        if match is None:
            return results
        # Fetch enough overall that every group can fill when matches are mixed.
        limit = limit_per_group * len(ENTITY_ORDER) * 4
        # Read-only and latency-bound (every keystroke): a pooled sqlite3 connection,
        # no ORM session. One or two letters, or a word in thousands of records
        # ("city"): ranking every match costs more than it tells, so titles only, A to Z.
        with self.db.raw() as conn:
            broad = is_short(query) or conn.execute(
                COUNT_SQL, {"q": match, "cap": RANK_CAP + 1}).fetchone()[0] > RANK_CAP
            if broad:
                match = "{title} : (" + match + ")"
            rows = conn.execute(search_sql(short=broad), {"q": match, "limit": limit}
                                ).fetchall()
        if broad:
            rows.sort(key=lambda r: r[2].casefold())
        for entity, entity_id, title, snippet, rank in rows:
            group = results.groups.setdefault(entity, [])
            if len(group) < limit_per_group:
                group.append(SearchHit(entity, entity_id, title, snippet, rank))
        return results

    def reindex(self) -> int:
        """Rebuild the whole index from the tables; returns the number of records indexed."""
        from coordinator.services import indexing  # avoid an import cycle

        with self.db.write() as session:
            session.execute(text("DELETE FROM search_fts"))
            session.execute(text("DELETE FROM search_doc"))
            count = indexing.index_all(session)
            session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
        return count
