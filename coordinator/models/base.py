"""Shared columns and helpers for every table: UUID key, timestamps, soft delete."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def new_id() -> str:
    """A random UUID as text: portable between SQLite and PostgreSQL and mergeable."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Current time, aware, in UTC (SQLModel stores UTC and returns aware UTC)."""
    return datetime.now(UTC)


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form of `text` for sorting, matching and filters:
    case folded, compatibility-decomposed (NFKD), combining marks dropped, ø ł đ made
    plain, runs of white space made one space."""
    if not text:
        return ""
    if text.isascii():  # the common case, ten times faster, same result
        return " ".join(text.casefold().split())
    return " ".join(text.translate(_FOLD_TABLE).split())


def _fold_char(code: int) -> str:
    """What `fold` makes of one character, before white space is collapsed."""
    decomposed = unicodedata.normalize("NFKD", chr(code).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("ø", "o").replace("ł", "l").replace("đ", "d")


class _FoldTable(dict[int, str]):
    """`_fold_char` of each character met so far, for `str.translate`.

    Folding text character by character gives the same result as folding it whole:
    case folding maps each character on its own, NFKD decomposes each on its own and
    only reorders combining marks (which are dropped), and the replacements are single
    characters. Looked up in a table, a name with accents folds in about a microsecond
    instead of tens (imports fold hundreds of thousands of them).
    """

    def __missing__(self, code: int) -> str:
        value = self[code] = _fold_char(code)
        return value


_FOLD_TABLE = _FoldTable()


class Record(SQLModel):
    """Columns every row carries."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
    # Not indexed on its own: nearly every row is live, and such an index lures the
    # planner away from the sort indexes. Partial indexes filter on it instead.
    deleted_at: datetime | None = Field(default=None)


def sql_time(moment: datetime) -> str:
    """`moment` in UTC, formatted as SQLAlchemy stores datetimes in SQLite (for raw SQL)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def parse_sql_time(value: object) -> datetime | None:
    """A datetime read by raw SQL (text in SQLite) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
