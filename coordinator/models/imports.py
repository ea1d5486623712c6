"""Import batches: what each contact import created and updated, so it can be undone."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from coordinator.models.base import Record


class ImportBatch(Record, table=True):
    """One import run. `undone_at` is set when the import was undone."""

    __tablename__ = "import_batch"
    source: str = Field(default="", max_length=500)  # file name as the user chose it
    format: str = Field(default="", max_length=30)  # google, outlook, vcard, ...
    created_count: int = 0
    updated_count: int = 0
    organizations_created: int = 0
    undone_at: datetime | None = None


class ImportBatchItem(Record, table=True):
    """One record an import touched: created (undo removes it) or updated (undo restores
    `snapshot`, the JSON of the record as it was before the import)."""

    __tablename__ = "import_batch_item"
    batch_id: str = Field(foreign_key="import_batch.id", ondelete="CASCADE", index=True,
                          max_length=36)
    entity: str = Field(max_length=20)  # contact, organization, tag
    entity_id: str = Field(max_length=36, index=True)
    action: str = Field(max_length=10)  # created, updated
    snapshot: str = Field(default="")


class ImportBatchIds(Record, table=True):
    """Records an import created, many per row: `ids` is a JSON array of up to 5,000
    ids of one entity (contact, organization, tag). Undo removes them. One
    `ImportBatchItem` per created record cost as much to write as the record itself;
    records that need a snapshot (updated, merged) still get an `ImportBatchItem`.
    `created_at` is the time of the import: a record updated after it was changed since.
    """

    __tablename__ = "import_batch_ids"
    batch_id: str = Field(foreign_key="import_batch.id", ondelete="CASCADE", index=True,
                          max_length=36)
    entity: str = Field(max_length=20)  # contact, organization, tag
    action: str = Field(default="created", max_length=10)
    ids: str = Field(default="[]")  # JSON array of ids
