"""First schema: every table, the search index and the seven built-in consortia.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 14:17:52.790781
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from coordinator.reference import CONSORTIA

APPLICATION_ID = 0x436F6F72  # 'Coor': marks the file as a Coordinator database

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('consortium',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('short_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('states', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )

    op.create_table('meeting_series',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name_key')
    )

    op.create_table('tag',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name_key')
    )

    op.create_table('meeting',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('series_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('time_zone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('private_notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_starts_at'), ['starts_at'], unique=False)

    op.create_table('organization',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('consortium_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['consortium_id'], ['consortium.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index('ix_organization_consortium_name', ['consortium_id', 'name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_sector'), ['sector'], unique=False)

    op.create_table('contact',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('given_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('middle_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('family_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('suffix', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('nickname', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('sort_key', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('organization_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('consortium_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('private_notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('birthday', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('last_contacted_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['consortium_id'], ['consortium.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_consortium_sort', ['consortium_id', 'sort_key', 'id'], unique=False, sqlite_where=sa.text('deleted_at IS NULL'))
        batch_op.create_index('ix_contact_organization', ['organization_id'], unique=False)
        batch_op.create_index('ix_contact_sort', ['sort_key', 'id'], unique=False, sqlite_where=sa.text('deleted_at IS NULL'))

    op.create_table('decision',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_consortium',
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('consortium_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['consortium_id'], ['consortium.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'consortium_id')
    )
    with op.batch_alter_table('meeting_consortium', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_consortium_consortium_id'), ['consortium_id'], unique=False)

    op.create_table('organization_tag',
    sa.Column('organization_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tag_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organization_id', 'tag_id')
    )
    with op.batch_alter_table('organization_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_tag_tag_id'), ['tag_id'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('presenter_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('details', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['presenter_id'], ['contact.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('attendee',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('contact_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('rsvp', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'contact_id')
    )
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendee_contact_id'), ['contact_id'], unique=False)

    op.create_table('contact_address',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('contact_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('street', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact_address', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_address_contact_id'), ['contact_id'], unique=False)

    op.create_table('contact_email',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('contact_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('address_key', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_email_address_key'), ['address_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_email_contact_id'), ['contact_id'], unique=False)

    op.create_table('contact_phone',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('contact_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('raw', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('e164', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact_phone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_phone_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_phone_e164'), ['e164'], unique=False)

    op.create_table('contact_tag',
    sa.Column('contact_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tag_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'tag_id')
    )
    with op.batch_alter_table('contact_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_tag_tag_id'), ['tag_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('funder', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('funder_call', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('lead_organization_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('owner_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
    sa.Column('internal_notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['lead_organization_id'], ['organization.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['contact.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_status'), ['status'], unique=False)

    op.create_table('action_item',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('meeting_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('owner_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('proposal_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['contact.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_item_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_item_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index('ix_action_item_status_due', ['status', 'due_date'], unique=False)

    op.create_table('proposal_budget_line',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('proposal_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposal_budget_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_budget_line_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_partner',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('proposal_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('organization_id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('commitment_minor', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('proposal_id', 'organization_id')
    )
    with op.batch_alter_table('proposal_partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_partner_organization_id'), ['organization_id'], unique=False)

    op.create_table('proposal_section',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('proposal_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('heading', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposal_section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_section_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_tag',
    sa.Column('proposal_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tag_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'tag_id')
    )
    with op.batch_alter_table('proposal_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_tag_tag_id'), ['tag_id'], unique=False)

    # Search: one FTS5 index over every entity. `search_doc` maps FTS rowids to
    # records so that an update deletes one row by key instead of scanning.
    op.execute(
        "CREATE TABLE search_doc (rowid INTEGER PRIMARY KEY, entity TEXT NOT NULL,"
        " entity_id TEXT NOT NULL UNIQUE)"
    )
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, body,"
        " tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
    )
    op.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    now = sa.func.current_timestamp()
    consortium = sa.table(
        "consortium",
        *(sa.column(c) for c in ("id", "name", "short_name", "states", "region",
                                 "website", "time_zone", "builtin", "created_at",
                                 "updated_at")),
    )
    for seed in CONSORTIA:
        op.execute(
            consortium.insert().values(
                id=seed.id, name=seed.name, short_name=seed.short_name, states=seed.states,
                region=seed.region, website=seed.website, time_zone=seed.time_zone,
                builtin=True, created_at=now, updated_at=now,
            )
        )
        op.execute(
            sa.text(
                "INSERT INTO search_doc (entity, entity_id) VALUES ('consortium', :id)"
            ).bindparams(id=seed.id)
        )
        op.execute(
            sa.text(
                "INSERT INTO search_fts (rowid, title, body) VALUES "
                "(last_insert_rowid(), :title, :body)"
            ).bindparams(title=seed.name, body=f"{seed.short_name} {seed.region} {seed.states}")
        )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute("DROP TABLE IF EXISTS search_doc")
    with op.batch_alter_table('proposal_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_tag_tag_id'))

    op.drop_table('proposal_tag')
    with op.batch_alter_table('proposal_section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_section_proposal_id'))

    op.drop_table('proposal_section')
    with op.batch_alter_table('proposal_partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_partner_organization_id'))

    op.drop_table('proposal_partner')
    with op.batch_alter_table('proposal_budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_budget_line_proposal_id'))

    op.drop_table('proposal_budget_line')
    with op.batch_alter_table('action_item', schema=None) as batch_op:
        batch_op.drop_index('ix_action_item_status_due')
        batch_op.drop_index(batch_op.f('ix_action_item_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_owner_id'))
        batch_op.drop_index(batch_op.f('ix_action_item_meeting_id'))

    op.drop_table('action_item')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_status'))
        batch_op.drop_index(batch_op.f('ix_proposal_due_date'))

    op.drop_table('proposal')
    with op.batch_alter_table('contact_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_tag_tag_id'))

    op.drop_table('contact_tag')
    with op.batch_alter_table('contact_phone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_phone_e164'))
        batch_op.drop_index(batch_op.f('ix_contact_phone_contact_id'))

    op.drop_table('contact_phone')
    with op.batch_alter_table('contact_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_email_contact_id'))
        batch_op.drop_index(batch_op.f('ix_contact_email_address_key'))

    op.drop_table('contact_email')
    with op.batch_alter_table('contact_address', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_address_contact_id'))

    op.drop_table('contact_address')
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendee_contact_id'))

    op.drop_table('attendee')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_meeting_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('organization_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_tag_tag_id'))

    op.drop_table('organization_tag')
    with op.batch_alter_table('meeting_consortium', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_consortium_consortium_id'))

    op.drop_table('meeting_consortium')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_meeting_id'))

    op.drop_table('decision')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_sort')
        batch_op.drop_index('ix_contact_organization')
        batch_op.drop_index('ix_contact_consortium_sort')

    op.drop_table('contact')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_sector'))
        batch_op.drop_index(batch_op.f('ix_organization_name_key'))
        batch_op.drop_index('ix_organization_consortium_name')

    op.drop_table('organization')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_starts_at'))
        batch_op.drop_index(batch_op.f('ix_meeting_series_id'))

    op.drop_table('meeting')

    op.drop_table('tag')

    op.drop_table('meeting_series')

    op.drop_table('consortium')
