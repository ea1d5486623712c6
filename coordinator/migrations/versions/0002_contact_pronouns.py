"""Contacts: add pronouns and require a name at the database level.

The CHECK constraint can only be added by rebuilding the `contact` table (SQLite has
no ALTER TABLE ADD CONSTRAINT), which is exactly the batch-mode copy-and-drop that
would cascade to emails, phones, addresses, tags and attendance if foreign keys were
on; `coordinator.db.migrate` runs it with them off and checks references afterwards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows written before names were enforced get a visible placeholder, not a failure.
    op.execute("UPDATE contact SET full_name = '(no name)' WHERE full_name = ''")
    with op.batch_alter_table("contact", recreate="always") as batch_op:
        batch_op.add_column(
            sa.Column(
                "pronouns",
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_check_constraint("ck_contact_has_name", "full_name <> ''")


def downgrade() -> None:
    with op.batch_alter_table("contact", recreate="always") as batch_op:
        batch_op.drop_constraint("ck_contact_has_name", type_="check")
        batch_op.drop_column("pronouns")
