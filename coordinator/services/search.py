"""Full-text search over every entity with one SQLite FTS5 index.

`search_doc` maps an FTS rowid to (entity, id). The services call `index()` and
`unindex()` inside their own write transaction so the index never lags the data.
User text is split into terms, each quoted (doubling `"`) and given a `*` for prefix
matching, so no input can raise an FTS syntax error.

Work is bounded whatever the text: a repeated query word counts once, snippets are
built here from a bounded stretch of each hit (FTS5's own snippet() compares every
match with every other, in one step nothing can interrupt: minutes on a record that
repeats a word thousands of times), and every statement looks at a cancel flag every
`PROGRESS_OPS` SQLite steps, so a search nobody waits for any more stops working.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from coordinator.errors import CoordinatorError
from coordinator.folding import fold

if TYPE_CHECKING:
    from sqlmodel import Session

    from coordinator.db import Database

MAX_TERMS = 12
MAX_TERM_LENGTH = 64
SHORT_PREFIX = 3
RANK_CAP = 5000  # more matches than this are listed by title, unranked
# Title matches count ten times body matches.
RANK = "bm25(10.0, 1.0)"
ENTITY_ORDER = ("contact", "organization", "proposal", "meeting", "consortium")
PROGRESS_OPS = 5_000  # SQLite VM steps between two looks at the cancel flag
SNIPPET_TOKENS = 10  # words in a snippet
SNIPPET_SCAN_CHARS = 10_000  # a snippet is looked for in this much of a record's text
SNIPPET_MAX_HITS = 32  # matches weighed when choosing the snippet's window

_TOKEN = re.compile(r"\w+", re.UNICODE)
_WORD = re.compile(r"[^\W_]+")  # a word as FTS5's unicode61 tokenizer splits them


class Cancel(Protocol):
    """What a search looks at to know it should stop: a `threading.Event` will do."""

    def is_set(self) -> bool: ...


class SearchCancelled(CoordinatorError):
    """The search was stopped because its cancel flag was set."""

    def __init__(self) -> None:
        super().__init__("The search was cancelled.")


@dataclass
class SearchWork:
    """How much one search did, in units that do not depend on the machine."""

    statement_steps: int = 0  # looks at the cancel flag, one per PROGRESS_OPS SQLite steps
    snippet_tokens: int = 0  # words read to build snippets
    cancelled: bool = False


def _distinct(words: Iterable[str], key: Iterable[str]) -> list[str]:
    """`words` without repeats, and without a word that is a prefix of another (under
    "every word must match, as a prefix", `zo zoe` finds what `zoe` finds); at most
    MAX_TERMS, in the order first typed."""
    kept: list[str] = []
    keys: list[str] = []
    for word, k in zip(words, key, strict=True):
        if any(seen.startswith(k) for seen in keys):
            continue  # typed before, or a prefix of a word kept
        longer = next((i for i, seen in enumerate(keys) if k.startswith(seen)), None)
        if longer is not None:  # extends a kept word: the longer one says more
            kept[longer], keys[longer] = word, k
        elif len(kept) < MAX_TERMS:
            kept.append(word)
            keys.append(k)
    return kept


def terms_of(user_text: str) -> list[str]:
    words = [t[:MAX_TERM_LENGTH] for t in _TOKEN.findall(user_text.replace("_", " "))]
    return _distinct(words, (w.lower() for w in words))


def fts_query(user_text: str) -> str | None:
    """A safe FTS5 MATCH expression for `user_text`, or None when it has no words."""
    return _match(terms_of(user_text))


def _match(terms: Sequence[str]) -> str | None:
    quoted = ['"' + t.replace('"', '""') + '"*' for t in terms]
    return " ".join(quoted) if quoted else None


def is_short(user_text: str) -> bool:
    """One or two letters typed so far: thousands of matches, none better than another."""
    return all(len(t) < SHORT_PREFIX for t in terms_of(user_text))


def index(session: Session, entity: str, entity_id: str, title: str, body: str) -> None:
    """Add or replace one record in the index (inside the caller's transaction)."""
    from sqlalchemy import text  # here: searching alone (the CLI's search) needs no ORM

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
    from sqlalchemy import text

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
    work: SearchWork = field(default_factory=SearchWork, compare=False)

    @property
    def hits(self) -> list[SearchHit]:
        return [h for entity in ENTITY_ORDER for h in self.groups.get(entity, [])]

    def __len__(self) -> int:
        return sum(len(v) for v in self.groups.values())


COUNT_SQL = ("SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH :q"
             " LIMIT :cap)")
# The start of the text of the hits kept, for their snippets: a JSON array of rowids.
BODY_SQL = ("SELECT f.rowid, substr(f.body, 1, :chars) FROM json_each(:rowids) j"
            " JOIN search_fts f ON f.rowid = j.value")


def search_sql(*, short: bool) -> str:
    """The one query behind search; short prefixes skip ranking so they stop early."""
    # Ties in rank are common (people sharing a family name): break them by title and
    # id, so the order never depends on the index's row ids or on the query plan.
    order = "" if short else f" AND rank MATCH '{RANK}' ORDER BY f.rank, f.title, d.entity_id"
    return ("SELECT d.entity, d.entity_id, f.title, f.rowid, f.rank"
            " FROM search_fts f JOIN search_doc d ON d.rowid = f.rowid"
            f" WHERE search_fts MATCH :q{order} LIMIT :limit")


def check(cancel: Cancel | None, work: SearchWork) -> None:
    """Raise SearchCancelled if `cancel` is set (between statements and in loops)."""
    if cancel is not None and cancel.is_set():
        work.cancelled = True
        raise SearchCancelled()


@contextmanager
def cancellable(conn: sqlite3.Connection, cancel: Cancel | None,
                work: SearchWork) -> Iterator[None]:
    """Statements run on `conn` inside look at `cancel` every PROGRESS_OPS SQLite steps
    and stop with SearchCancelled once it is set; `work` counts the looks."""

    def look() -> int:
        work.statement_steps += 1
        if cancel is not None and cancel.is_set():
            work.cancelled = True
            return 1  # SQLite abandons the statement: OperationalError "interrupted"
        return 0

    conn.set_progress_handler(look, PROGRESS_OPS)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "interrupted" not in str(exc):
            raise
        if work.cancelled:
            raise SearchCancelled() from exc
        if threading.current_thread() is threading.main_thread():
            # Ctrl+C while SQLite works: Python runs the signal handler inside `look`,
            # and the sqlite3 module swallows the KeyboardInterrupt it raises, leaving
            # only "interrupted". Give it back to the command line.
            raise KeyboardInterrupt from exc
        raise
    finally:
        conn.set_progress_handler(None, 0)


def make_snippet(body: str, terms: Sequence[str], work: SearchWork,
                 cancel: Cancel | None = None) -> str:
    """About SNIPPET_TOKENS words of `body` around its best run of matches, each word
    starting with one of `terms` (case and accents ignored) in [brackets], "…" where
    text is left out: what FTS5's snippet(…, '[', ']', '…', 10) shows, for bounded work.

    Reads at most SNIPPET_SCAN_CHARS characters, and stops a window's length after
    SNIPPET_MAX_HITS matches (a record repeating a word costs a few dozen words, not
    thousands). With no match in that stretch (or no terms), the opening words.
    """
    folded = [f for f in (fold(t) for t in terms) if f]
    wanted = tuple(_distinct(folded, folded))
    spans: list[tuple[int, int]] = []
    hits: list[tuple[int, int]] = []  # (word index, term index)
    stop_at = SNIPPET_TOKENS if not wanted else None
    for m in _WORD.finditer(body, 0, SNIPPET_SCAN_CHARS):
        i = len(spans)
        if stop_at is not None and i >= stop_at:
            break
        spans.append(m.span())
        work.snippet_tokens += 1
        if i % 512 == 0:
            check(cancel, work)
        if not wanted:
            continue
        word = m.group()
        word = word.casefold() if word.isascii() else fold(word)  # fold's own fast path
        if not word.startswith(wanted):
            continue
        hits.append((i, next(k for k, t in enumerate(wanted) if word.startswith(t))))
        if stop_at is None and len(hits) >= SNIPPET_MAX_HITS:
            stop_at = i + SNIPPET_TOKENS
    if not spans:
        return ""
    start = _best_start(body, spans, hits) if hits else 0
    end = min(len(spans), start + SNIPPET_TOKENS)
    start = max(0, end - SNIPPET_TOKENS)
    marked = {i for i, _ in hits if start <= i < end}
    parts = ["…" if start > 0 else ""]
    pos = spans[start][0]
    for i in range(start, end):
        a, b = spans[i]
        parts += [body[pos:a], f"[{body[a:b]}]" if i in marked else body[a:b]]
        pos = b
    if end < len(spans) or len(body) > SNIPPET_SCAN_CHARS or \
            _WORD.search(body, pos, SNIPPET_SCAN_CHARS) is not None:
        parts.append("…")
    else:
        parts.append(body[pos:])  # the end of the text: its closing punctuation too
    return "".join(parts)


def _score(hits: list[tuple[int, int]], start: int) -> tuple[int, int]:
    """FTS5's score of the window of words from `start`: 1000 for each term in it, 1 for
    each further match; and the position of its last match."""
    score, last, seen = 0, start, set()
    for i, k in hits:
        if start <= i < start + SNIPPET_TOKENS:
            score += 1 if k in seen else 1000
            seen.add(k)
            last = i
    return score, last


def _best_start(body: str, spans: list[tuple[int, int]], hits: list[tuple[int, int]]) -> int:
    """The first word of the best window, chosen as FTS5's snippet() chooses: for each
    match, the window from it (matches centred) and the window from the start of its
    sentence (worth 100 more, 120 at the start of the text); the first best wins."""
    best, best_score = 0, -1
    for first, _ in hits:
        score, last = _score(hits, first)
        if score > best_score:
            best = max(0, first - (SNIPPET_TOKENS - (last + 1 - first)) // 2)
            best_score = score
        sentence = next((i for i in range(first, max(-1, first - SNIPPET_TOKENS), -1)
                         if _starts_sentence(body, spans, i)), None)
        if sentence is not None and sentence < first:
            score, _ = _score(hits, sentence)
            score += 120 if sentence == 0 else 100
            if score > best_score:
                best, best_score = sentence, score
    return best


def _starts_sentence(body: str, spans: list[tuple[int, int]], i: int) -> bool:
    """Word `i` opens the text, or follows "." or ":" and white space (FTS5's rule)."""
    if i == 0:
        return True
    gap = body[spans[i - 1][1]:spans[i][0]]
    stripped = gap.rstrip(" \t\n\r")
    return len(stripped) < len(gap) and stripped[-1:] in (".", ":")


class SearchService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def search(self, query: str, limit_per_group: int = 8,
               cancel: Cancel | None = None) -> SearchResults:
        """Ranked prefix search, grouped by entity, each hit with a short snippet.

        Setting `cancel` (from any thread) stops the search with SearchCancelled within
        PROGRESS_OPS SQLite steps; Ctrl+C on the main thread raises KeyboardInterrupt.
        """
        results = SearchResults(query=query)
        work = results.work
        terms = terms_of(query)
        match = _match(terms)
        if match is None:
            return results
        # Fetch enough overall that every group can fill when matches are mixed.
        limit = limit_per_group * len(ENTITY_ORDER) * 4
        kept: list[tuple[str, str, str, int, float]] = []
        # Read-only and latency-bound (every keystroke): a pooled sqlite3 connection,
        # no ORM session. One or two letters, or a word in thousands of records
        # ("city"): ranking every match costs more than it tells, so titles only, A to Z.
        with self.db.raw() as conn, cancellable(conn, cancel, work):
            check(cancel, work)
            broad = is_short(query) or conn.execute(
                COUNT_SQL, {"q": match, "cap": RANK_CAP + 1}).fetchone()[0] > RANK_CAP
            if broad:
                match = "{title} : (" + match + ")"
            check(cancel, work)
            rows = conn.execute(search_sql(short=broad), {"q": match, "limit": limit}
                                ).fetchall()
            if broad:
                rows.sort(key=lambda r: (r[2].casefold(), r[1]))
            counts: dict[str, int] = {}
            for row in rows:
                if counts.get(row[0], 0) < limit_per_group:
                    counts[row[0]] = counts.get(row[0], 0) + 1
                    kept.append(row)
            check(cancel, work)
            bodies = dict(conn.execute(BODY_SQL, {
                "rowids": json.dumps([row[3] for row in kept]),
                "chars": SNIPPET_SCAN_CHARS + 1}).fetchall())
        # Titles only when broad: marks in the text would not be what matched.
        marked = () if broad else terms
        for entity, entity_id, title, rowid, rank in kept:
            snippet = make_snippet(bodies.get(rowid) or "", marked, work, cancel)
            results.groups.setdefault(entity, []).append(
                SearchHit(entity, entity_id, title, snippet, rank))
        return results

    def reindex(self) -> int:
        """Rebuild the whole index from the tables; returns the number of records indexed."""
        from sqlalchemy import text

        from coordinator.services import indexing  # avoid an import cycle

        with self.db.write() as session:
            session.execute(text("DELETE FROM search_fts"))
            session.execute(text("DELETE FROM search_doc"))
            count = indexing.index_all(session)
            session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
        return count
