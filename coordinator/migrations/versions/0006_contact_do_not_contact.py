"""Contacts: a do-not-contact flag for people who asked not to be emailed.

Mailing links, "copy addresses" and the mail-merge export leave flagged contacts out
(and count them). Existing contacts start unflagged. SQLite adds a column with a
constant default in place, so no table is rebuilt.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact") as batch_op:
        batch_op.add_column(
            sa.Column("do_not_contact", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("contact", recreate="always") as batch_op:
        batch_op.drop_column("do_not_contact")
