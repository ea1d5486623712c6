"""Which tables travel to the team hub, and how each row is named and split there.

Every table of the data model travels except the import history (it describes what
this laptop imported, and its undo already travels as ordinary deletes), each
organization's latest contact (derived by triggers from the records a laptop holds:
`coordinator.db.last_touch`) and the sync bookkeeping itself. A row is identified on
the hub by its table name (the "kind") and its id; rows of link tables, which have a
two-column key, by "left:right".

Fields are split three ways on the hub, because row-level security can hide rows but
not columns:
- private fields (a person's private notes) go to an owner-only table;
- internal fields (a proposal's internal notes) go to a table viewers cannot read;
- everything else is the shared record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from sqlmodel import SQLModel

import coordinator.models  # noqa: F401  (registers every table on the metadata)
from coordinator.models.sync import BOOKKEEPING_TABLES

# organization_touch is derived by triggers from the records each laptop holds.
LOCAL_ONLY = frozenset({"import_batch", "import_batch_ids", "import_batch_item",
                        "organization_touch", *BOOKKEEPING_TABLES})

PRIVATE_FIELDS: dict[str, tuple[str, ...]] = {
    "contact": ("private_notes",),
    "meeting": ("private_notes",),
}
INTERNAL_FIELDS: dict[str, tuple[str, ...]] = {"proposal": ("internal_notes",)}

# Long texts people edit by lines (Markdown): two edits to different lines both stay.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "proposal": ("summary", "internal_notes"),
    "proposal_section": ("body",),
    "meeting": ("notes", "private_notes"),
    "agenda_item": ("details",),
    "contact": ("notes", "private_notes"),
    "organization": ("notes",),
}

# Bookkeeping columns that differ on every write and carry no edit of their own: a
# merge takes the newer value rather than calling two timestamps a conflict.
CLOCK_FIELDS = frozenset({"updated_at"})


@dataclass(frozen=True)
class SyncedTable:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # ("id",) or the two columns of a link table
    order: int  # parents before children
    private: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    text_fields: tuple[str, ...] = ()
    # column -> (parent table, on delete) for columns that reference another synced table
    references: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def is_link(self) -> bool:
        return len(self.key) > 1

    def id_sql(self, alias: str) -> str:
        """SQL naming a row of this table as the hub does (`alias` is NEW, OLD or a table)."""
        if not self.is_link:
            return f"{alias}.id"
        return " || ':' || ".join(f"{alias}.{column}" for column in self.key)

    def key_values(self, row_id: str) -> dict[str, str]:
        """The key columns of the row named `row_id`."""
        if not self.is_link:
            return {"id": row_id}
        return dict(zip(self.key, row_id.split(":", len(self.key) - 1), strict=True))

    @property
    def shared(self) -> tuple[str, ...]:
        hidden = set(self.private) | set(self.internal)
        return tuple(c for c in self.columns if c not in hidden)


@cache
def synced_tables() -> tuple[SyncedTable, ...]:
    """Every synced table, parents before children."""
    found = []
    for order, table in enumerate(SQLModel.metadata.sorted_tables):
        if table.name in LOCAL_ONLY:
            continue
        references = {
            fk.parent.name: (fk.column.table.name, (fk.ondelete or "NO ACTION").upper())
            for fk in table.foreign_keys if fk.column.table.name not in LOCAL_ONLY
        }
        found.append(SyncedTable(
            # Plain str, not SQLAlchemy's quoted_name: bound as a parameter, a str
            # subclass costs sqlite3 an adapter lookup per row.
            name=str(table.name),
            columns=tuple(str(c.name) for c in table.columns),
            key=tuple(str(c.name) for c in table.primary_key.columns),
            order=order,
            private=PRIVATE_FIELDS.get(table.name, ()),
            internal=INTERNAL_FIELDS.get(table.name, ()),
            text_fields=TEXT_FIELDS.get(table.name, ()),
            references=references,
        ))
    return tuple(found)


@cache
def table(name: str) -> SyncedTable:
    for candidate in synced_tables():
        if candidate.name == name:
            return candidate
    raise KeyError(name)
