"""Import batches list the records they created in bulk rows (a JSON array of ids).

An import used to write one `import_batch_item` row per created record, which cost as
much as writing the record. New imports write `import_batch_ids` rows of up to 5,000
ids each instead. Batches saved before keep their `import_batch_item` rows, which
undo still reads, so they stay undoable exactly as before; nothing is converted.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_batch_ids",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("batch_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("ids", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batch.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_batch_ids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_ids_batch_id"), ["batch_id"],
                              unique=False)


def downgrade() -> None:
    """Back to one `import_batch_item` per created record, so that older versions can
    still undo imports saved by this one."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT i.created_at, i.batch_id, i.entity, i.action, j.value "
        "FROM import_batch_ids i, json_each(i.ids) j")).all()
    if rows:
        from coordinator.models.base import new_id

        conn.execute(sa.text(
            "INSERT INTO import_batch_item (id, created_at, updated_at, deleted_at, batch_id,"
            " entity, entity_id, action, snapshot) VALUES (:id, :at, :at, NULL, :batch,"
            " :entity, :entity_id, :action, '')"),
            [{"id": new_id(), "at": r[0], "batch": r[1], "entity": r[2], "action": r[3],
              "entity_id": r[4]} for r in rows])
    with op.batch_alter_table("import_batch_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_ids_batch_id"))
    op.drop_table("import_batch_ids")
