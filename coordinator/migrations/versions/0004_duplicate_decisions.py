""""Not duplicates" decisions, kept in the database (they were UI settings before).

One table per entity so that both ids are foreign keys and a purged record takes its
decisions with it (ON DELETE CASCADE). The app moves decisions it finds in its old
settings into these tables the first time the duplicates dialog opens.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (("not_duplicate_contact", "contact"), ("not_duplicate_organization", "organization"))


def upgrade() -> None:
    for table, target in TABLES:
        op.create_table(
            table,
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("first_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
            sa.Column("second_id", sqlmodel.sql.sqltypes.AutoString(length=36),
                      nullable=False),
            sa.CheckConstraint("first_id < second_id", name=f"ck_{table}_order"),
            sa.ForeignKeyConstraint(["first_id"], [f"{target}.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["second_id"], [f"{target}.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("first_id", "second_id", name=f"uq_{table}_pair"),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_second_id"), ["second_id"],
                                  unique=False)


def downgrade() -> None:
    for table, _target in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_second_id"))
        op.drop_table(table)
