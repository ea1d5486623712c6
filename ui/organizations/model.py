"""The organizations table model: pages fetched lazily, sorted and filtered in SQL.

    model = OrganizationTableModel(ctx.services)
    model.set_filter(OrganizationFilter(sector="university"))

The total comes from the first page (`Page.total`); other pages are fetched with
`services.organizations.list(..., offset, limit)` when a view first asks for them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from coordinator.changes import ChangeSet
from coordinator.models.enums import SECTOR_LABELS, Sector
from coordinator.services import OrganizationFilter, Services
from coordinator.services.records import OrganizationData
from ui.kit.roles import ID_ROLE, ROW_ROLE

Index = QModelIndex | QPersistentModelIndex

# (header, service sort key or None, attribute)
COLUMNS: list[tuple[str, str | None, str]] = [
    ("Name", "name", "name"),
    ("Sector", "sector", "sector"),
    ("Consortium", "consortium", "consortium_short_name"),
    ("City", "city", "city"),
    ("State", None, "state"),
    ("Contacts", "contacts", "contact_count"),
]
NAME, SECTOR, CONSORTIUM, CITY, STATE, CONTACTS = range(len(COLUMNS))
PAGE = 200
CACHE_PAGES = 40


def sector_label(value: str) -> str:
    try:
        return SECTOR_LABELS[Sector(value)]
    except ValueError:
        return value


class OrganizationTableModel(QAbstractTableModel):
    loaded = Signal(int)

    def __init__(self, services: Services, parent: Any = None) -> None:
        super().__init__(parent)
        self.services = services
        self._filter = OrganizationFilter()
        self._sort_column = NAME
        self._descending = False
        self._total = 0
        self._pages: dict[int, list[OrganizationData]] = {}

    @property
    def organization_filter(self) -> OrganizationFilter:
        return self._filter

    def set_filter(self, f: OrganizationFilter) -> None:
        self._filter = f
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        first = self._query(0)
        self._total = first.total
        self._pages[0] = first.rows
        self.endResetModel()
        self.loaded.emit(self._total)

    def _query(self, offset: int):  # -> Page[OrganizationData]
        sort = COLUMNS[self._sort_column][1] or "name"
        return self.services.organizations.list(self._filter, sort=sort,
                                                descending=self._descending,
                                                offset=offset, limit=PAGE)

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.touches("organization", "contact"):
            self.reload()

    def organization(self, row: int) -> OrganizationData | None:
        if not 0 <= row < self._total:
            return None
        number = row // PAGE
        page = self._pages.get(number)
        if page is None:
            if len(self._pages) >= CACHE_PAGES:
                self._pages.pop(next(k for k in self._pages if k != 0))
            page = self._pages[number] = self._query(number * PAGE).rows
        offset = row - number * PAGE
        return page[offset] if offset < len(page) else None

    def id_at(self, row: int) -> str | None:
        org = self.organization(row)
        return org.id if org else None

    def row_of(self, organization_id: str) -> int:
        """Position of an id (fetches pages until found; organizations stay in the 10^4s)."""
        for row in range(self._total):
            org = self.organization(row)
            if org is not None and org.id == organization_id:
                return row
        return -1

    # -- Qt model API ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        org = self.organization(index.row())
        if org is None:
            return None
        column = index.column()
        if role == ID_ROLE:
            return org.id
        if role == ROW_ROLE:
            return org
        if role == Qt.ItemDataRole.TextAlignmentRole and column == CONTACTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = getattr(org, COLUMNS[column][2])
            if column == SECTOR:
                value = sector_label(value)
            text = f"{value:,}" if isinstance(value, int) else (value or "")
            if role == Qt.ItemDataRole.ToolTipRole:
                return text if len(text) > 30 else None
            return text
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.set_sort(column, order):
            self.reload()

    def set_sort(self, column: int, order: Qt.SortOrder) -> bool:
        """Choose the order of the next load (a restored sort); False if not sortable."""
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][1] is None:
            return False
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        return True

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._sort_column, order
