"""Team-hub bookkeeping tables (see migration 0007 for what each holds).

Declared here as plain tables on the shared metadata so that the schema check that
compares the migrations with the models covers them too. Only `coordinator.sync`
reads and writes them, with SQL: they hold bookkeeping, not records.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

BOOKKEEPING_TABLES = ("sync_state", "sync_row", "sync_base", "sync_conflict", "sync_applying")

sync_state = sa.Table(
    "sync_state", SQLModel.metadata,
    sa.Column("key", sa.Text(), primary_key=True),
    sa.Column("value", sa.Text(), nullable=False),
)

sync_row = sa.Table(
    "sync_row", SQLModel.metadata,
    sa.Column("kind", sa.Text(), primary_key=True),
    sa.Column("id", sa.Text(), primary_key=True),
    sa.Column("hub_version", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("internal_version", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("dirty", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("rev", sa.Integer(), nullable=False, server_default="1"),
    sa.Column("deleted", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("changed_by", sa.Text(), nullable=True),
    sa.Column("changed_at", sa.Text(), nullable=True),
    sa.Index("ix_sync_row_dirty", "kind", "id", sqlite_where=sa.text("dirty = 1")),
    sqlite_with_rowid=False,
)

sync_base = sa.Table(
    "sync_base", SQLModel.metadata,
    sa.Column("kind", sa.Text(), primary_key=True),
    sa.Column("id", sa.Text(), primary_key=True),
    sa.Column("data", sa.Text(), nullable=False),
    sqlite_with_rowid=False,
)

sync_conflict = sa.Table(
    "sync_conflict", SQLModel.metadata,
    sa.Column("id", sa.Text(), primary_key=True),
    sa.Column("kind", sa.Text(), nullable=False),
    sa.Column("row_id", sa.Text(), nullable=False),
    sa.Column("field", sa.Text(), nullable=False),
    sa.Column("base", sa.Text(), nullable=True),
    sa.Column("mine", sa.Text(), nullable=True),
    sa.Column("theirs", sa.Text(), nullable=True),
    sa.Column("theirs_by", sa.Text(), nullable=True),
    sa.Column("created_at", sa.Text(), nullable=False),
    sa.Column("resolved_at", sa.Text(), nullable=True),
    sa.Column("resolution", sa.Text(), nullable=True),
    sa.Index("ix_sync_conflict_open", "kind", "row_id",
             sqlite_where=sa.text("resolved_at IS NULL")),
)

sync_applying = sa.Table(
    "sync_applying", SQLModel.metadata,
    sa.Column("flag", sa.Integer(), nullable=False, primary_key=False),
)
