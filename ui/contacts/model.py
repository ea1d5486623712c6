"""The contacts table: the kit's id-based lazy model over `services.contacts`.

    model = ContactTableModel(ctx.services, ctx.tasks)
    model.set_filter(ContactFilter(consortium_id=...))   # ids listed again (SQL)
    model.sort(column, order)                              # ids listed again (SQL)

Ids come from `services.contacts.ids` (one index range in name order), rows from
`services.contacts.table_rows` (a pooled plain connection: the table scrolls).
"""

from __future__ import annotations

from typing import Any

from coordinator.services import ContactFilter, ContactRow, Services
from ui.contacts.columns import COLUMNS, display_phone
from ui.kit.lazy_table import CACHE_PAGES, PAGE, Column, LazyTableModel, TableSpec, field_column
from ui.tasks import TaskRunner

NAME, TITLE, ORGANIZATION, CONSORTIUM, EMAIL, PHONE = range(len(COLUMNS))
BLOCK, CACHE_BLOCKS = PAGE, CACHE_PAGES


def contact_columns() -> list[Column[ContactRow]]:
    """The columns of `ui.contacts.columns.COLUMNS`; the phone shown the way people
    write it."""
    columns = [field_column(header, attribute, sort) for header, sort, attribute in COLUMNS]
    columns[PHONE] = Column(COLUMNS[PHONE][0], lambda r, _c: display_phone(r.phone or ""))
    return columns


def contact_spec(services: Services) -> TableSpec[ContactRow]:
    contacts = services.contacts
    return TableSpec(
        columns=contact_columns(),
        list_ids=lambda f, sort, desc: contacts.ids(f, sort=sort, descending=desc),
        fetch=contacts.table_rows, entities=("contact",), related=("organization",))


class ContactTableModel(LazyTableModel[ContactRow]):
    """Ids of every matching contact in display order; rows fetched on demand."""

    def __init__(self, services: Services, tasks: TaskRunner | None = None,
                 parent: Any = None) -> None:
        super().__init__(contact_spec(services), tasks, parent, filter=ContactFilter())

    @property
    def contact_filter(self) -> ContactFilter:
        return self.filter

    def contact_row(self, row: int) -> ContactRow | None:
        return self.row_data(row)


__all__ = ["BLOCK", "CACHE_BLOCKS", "ContactTableModel", "contact_spec", "display_phone"]
