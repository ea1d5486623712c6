"""Contacts: an index on (organization, last contacted) over live contacts.

Home's "going quiet" panel and Coverage want each organization's latest "last
contacted" date and its number of live contacts. Without an index covering both
columns SQLite reads every contact row (290-470 ms at 100,000 contacts); this partial
index answers the same grouping from the index alone, already in organization order.
Only live contacts (not in Trash) are indexed, as the queries ask.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_contact_org_contacted", "contact",
                    ["organization_id", "last_contacted_on"],
                    sqlite_where=sa.text("deleted_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_contact_org_contacted", table_name="contact")
