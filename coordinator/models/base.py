"""Shared columns and helpers for every table: UUID key, timestamps, soft delete."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlmodel import Field, SQLModel

from coordinator.folding import fold as fold  # re-exported: models.fold is the usual name


def new_id() -> str:
    """A random UUID as text: portable between SQLite and PostgreSQL and mergeable."""
    return str(uuid.uuid4())


# Names that two laptops may create offline under one meaning (a tag, a meeting series)
# get an id derived from the folded name, so that both create the same row and a team
# hub sync finds one tag "mobility", not two.
NATURAL_ID_NAMESPACE = uuid.UUID("5f0c8a8e-2d3b-4c61-9a57-6d3f1f2b9c11")


def natural_id(kind: str, key: str) -> str:
    """A stable UUID (version 5) for the folded name `key` of a `kind` of record."""
    return str(uuid.uuid5(NATURAL_ID_NAMESPACE, f"{kind}:{key}"))


def utcnow() -> datetime:
    """Current time, aware, in UTC (SQLModel stores UTC and returns aware UTC)."""
    return datetime.now(UTC)




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
