"""The organizations table: the kit's id-based lazy model over `services.organizations`
(ids listed and sorted in SQL, rows fetched for what is shown)."""

from __future__ import annotations

from typing import Any

from coordinator.models.enums import SECTOR_LABELS, Sector
from coordinator.services import OrganizationFilter, Services
from coordinator.services.records import OrganizationData
from ui.kit.lazy_table import RIGHT, Column, LazyTableModel, TableSpec, field_column
from ui.tasks import TaskRunner

NAME, SECTOR, CONSORTIUM, CITY, STATE, CONTACTS = range(6)


def sector_label(value: str) -> str:
    try:
        return SECTOR_LABELS[Sector(value)]
    except ValueError:
        return value


COLUMNS: list[Column[OrganizationData]] = [
    field_column("Name", "name", "name"),
    Column("Sector", lambda o, _c: sector_label(o.sector), "sector"),
    field_column("Consortium", "consortium_short_name", "consortium"),
    field_column("City", "city", "city"),
    field_column("State", "state"),
    Column("Contacts", lambda o, _c: f"{o.contact_count or 0:,}", "contacts", align=RIGHT),
]


def organization_spec(services: Services) -> TableSpec[OrganizationData]:
    organizations = services.organizations
    return TableSpec(
        columns=COLUMNS,
        list_ids=lambda f, sort, desc: organizations.ids(f, sort=sort, descending=desc),
        fetch=organizations.rows, entities=("organization",), related=("contact",))


class OrganizationTableModel(LazyTableModel[OrganizationData]):
    def __init__(self, services: Services, tasks: TaskRunner | None = None,
                 parent: Any = None) -> None:
        super().__init__(organization_spec(services), tasks, parent,
                         filter=OrganizationFilter())

    @property
    def organization_filter(self) -> OrganizationFilter:
        return self.filter

    def organization(self, row: int) -> OrganizationData | None:
        return self.row_data(row)


__all__ = ["COLUMNS", "OrganizationTableModel", "organization_spec", "sector_label"]
