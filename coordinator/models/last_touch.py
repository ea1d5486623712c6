"""Each organization's latest contact, derived on this laptop from its own records by
SQLite triggers (`coordinator.db.last_touch` says what each column holds and how it is
kept). Declared here as a plain table on the shared metadata so that the schema check
comparing the migrations with the models covers it. Never synced to a team hub."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

organization_touch = sa.Table(
    "organization_touch", SQLModel.metadata,
    sa.Column("organization_id", sa.Text(), primary_key=True),
    sa.Column("contacted_on", sa.Text(), nullable=False, server_default=""),
    sa.Column("met_on", sa.Text(), nullable=False, server_default=""),
    sa.Column("proposed_on", sa.Text(), nullable=False, server_default=""),
    # The members not contacted since a day are one range read, the other dates with
    # them.
    sa.Index("ix_organization_touch_contacted", "contacted_on", "proposed_on", "met_on"),
    sqlite_with_rowid=False,
)
