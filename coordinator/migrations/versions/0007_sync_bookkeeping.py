"""Team-hub bookkeeping: what each row looked like at the last sync and what is waiting.

Kept in tables of their own, beside the data, so that no data table is rebuilt (batch
mode drops triggers) and a laptop that never joins a hub pays nothing: the change-capture
triggers that fill them are created when the laptop joins a hub (coordinator.sync.capture)
and recreated after every upgrade.

- sync_state: the hub joined, the pull cursor, the last sync (key -> value).
- sync_row: per synced row (kind = table name, id): the hub version it was last synced
  at (0 = never pushed), the version of its coordinators-only part, whether it changed
  here since (dirty), a local revision that a push compares before marking it clean,
  whether it was deleted here for good (a tombstone), and who changed it last on the hub.
- sync_base: the last-synced copy of a row, taken when it is first changed here, for
  three-way merges.
- sync_conflict: a field changed on both sides: base, mine and theirs, until resolved.
- sync_applying: holds one row only inside the transaction that applies pulled rows, so
  the triggers do not record those rows as local changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "sync_row",
        sa.Column("kind", sa.Text(), primary_key=True),
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("hub_version", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("internal_version", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("dirty", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("rev", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("deleted", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("changed_by", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.Text(), nullable=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_sync_row_dirty", "sync_row", ["kind", "id"],
                    sqlite_where=sa.text("dirty = 1"))
    op.create_table(
        "sync_base",
        sa.Column("kind", sa.Text(), primary_key=True),
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("data", sa.Text(), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "sync_conflict",
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
    )
    op.create_index("ix_sync_conflict_open", "sync_conflict", ["kind", "row_id"],
                    sqlite_where=sa.text("resolved_at IS NULL"))
    op.create_table("sync_applying", sa.Column("flag", sa.Integer(), nullable=False))


def downgrade() -> None:
    for table in ("sync_applying", "sync_conflict", "sync_base", "sync_row", "sync_state"):
        op.drop_table(table)
