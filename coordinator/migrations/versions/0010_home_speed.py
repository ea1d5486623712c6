"""Home page speed: each organization's latest contact kept by triggers, and indexes for
the records changed last.

- `organization_touch`: per organization, the latest "last contacted" of its live
  contacts, meeting attended and proposal (see `coordinator.db.last_touch`), so the
  members going quiet are one range read instead of a visit to each of 25,000 members
  (over 100 ms at 100,000 contacts). The migration environment installs its triggers
  and fills it after every upgrade. Derived on each laptop: never synced.
- `ix_proposal_lead_organization_id`: an organization's proposals as lead, found from it
  (the triggers recompute an organization's proposals).
- `ix_<table>_recent` on contact, organization, proposal and meeting: the last edited
  live rows, newest first, read from the end of an index instead of sorting the table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECENT = ("contact", "organization", "proposal", "meeting")


def upgrade() -> None:
    op.create_table(
        "organization_touch",
        sa.Column("organization_id", sa.Text(), primary_key=True),
        sa.Column("contacted_on", sa.Text(), nullable=False, server_default=""),
        sa.Column("met_on", sa.Text(), nullable=False, server_default=""),
        sa.Column("proposed_on", sa.Text(), nullable=False, server_default=""),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_organization_touch_contacted", "organization_touch",
                    ["contacted_on", "proposed_on", "met_on"])
    op.create_index("ix_proposal_lead_organization_id", "proposal", ["lead_organization_id"])
    for table in RECENT:
        op.create_index(f"ix_{table}_recent", table, ["updated_at"],
                        sqlite_where=sa.text("deleted_at IS NULL"))


def downgrade() -> None:
    for table in RECENT:
        op.drop_index(f"ix_{table}_recent", table_name=table)
    op.drop_index("ix_proposal_lead_organization_id", table_name="proposal")
    # Its triggers, on the record tables, go too (the environment drops them before
    # any migration runs and puts them back only while the table exists).
    op.drop_index("ix_organization_touch_contacted", table_name="organization_touch")
    op.drop_table("organization_touch")
