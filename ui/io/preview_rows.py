"""The import preview's records, one row per record in the file, with the user's choice.

`ImportRowsModel` shows every planned row (not only the first few hundred: it is a
model, not a table of items) with a check box in its first column:

- a new contact, an update or a new organization is imported unless the user unticks
  it ("Left out" — `ImportOptions.row_choices[i] = "skip"`);
- a probable duplicate is left out unless the user ticks it ("Import anyway" —
  `row_choices[i] = "create"`);
- rows with nothing to do (up to date, merged into another row of the file, an
  organization already here) have no check box.

`RowsFilter` narrows the table to one kind of row ("Probable duplicates", "Left out"…).
`importer.apply` plans again with these choices, so what is saved is exactly what the
user ticked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from coordinator.formats.importer import ImportPreview, PlannedRow

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Import", "Row", "What happens", "Name", "Organization", "E-mail", "Details")
INCLUDED_BY_DEFAULT = {"create", "update", "organization"}
CHOOSABLE = INCLUDED_BY_DEFAULT | {"duplicate"}
DESCRIPTIONS = {"create": "New", "update": "Update", "unchanged": "Up to date",
                "duplicate": "Probable duplicate", "merged": "Same contact as another row",
                "organization": "New organization", "known-org": "Organization already here",
                "skipped": "Left out"}
# What the filter box offers: label -> the kinds of row it shows
FILTERS: dict[str, frozenset[str]] = {
    "All records": frozenset(),
    "New": frozenset({"create", "organization"}),
    "Updates": frozenset({"update"}),
    "Probable duplicates": frozenset({"duplicate"}),
    "Left out": frozenset({"left-out"}),
    "Nothing to do": frozenset({"unchanged", "merged", "known-org"}),
}


class ImportRowsModel(QAbstractTableModel):
    """Every planned row of an `ImportPreview` and whether the user imports it."""

    choicesChanged = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[PlannedRow] = []
        self._flipped: set[int] = set()  # positions whose default the user reversed

    # -- data --------------------------------------------------------------------------
    def set_preview(self, preview: ImportPreview) -> None:
        self.beginResetModel()
        self.rows = list(preview.rows)
        self._flipped.clear()
        self.endResetModel()
        self.choicesChanged.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0 and self.rows[index.row()].action in CHOOSABLE:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        position, column = index.row(), index.column()
        row = self.rows[position]
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            if row.action not in CHOOSABLE:
                return None
            return (Qt.CheckState.Checked if self.included(position)
                    else Qt.CheckState.Unchecked)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(position, row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 6):
            return self._details(row) or None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return "imported" if self.included(position) else "left out"
        return None

    def setData(self, index: Index, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        if self.rows[index.row()].action not in CHOOSABLE:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked  # views pass an int
        self.set_included([index.row()], checked)
        return True

    def _text(self, position: int, row: PlannedRow, column: int) -> str:
        if column == 0:
            return "" if row.action in CHOOSABLE else "—"
        if column == 1:
            return row.parsed.where
        if column == 2:
            return self.describe(position)
        if column == 3:
            return row.parsed.display
        if column == 4:
            return row.parsed.organization
        if column == 5:
            return row.parsed.data.primary_email
        return self._details(row)

    @staticmethod
    def _details(row: PlannedRow) -> str:
        details = row.reason
        if row.changes:
            details = (details + "; " if details else "") + "changes " + ", ".join(row.changes)
        return details

    # -- choices -----------------------------------------------------------------------
    def included(self, position: int) -> bool:
        """Whether the row at `position` will be imported."""
        action = self.rows[position].action
        if action not in CHOOSABLE:
            return False
        default = action in INCLUDED_BY_DEFAULT
        return default != (position in self._flipped)

    def kind(self, position: int) -> str:
        """The row's action, or "left-out" for a row the user (un)ticked out."""
        row = self.rows[position]
        if row.action == "skipped" or (row.action in INCLUDED_BY_DEFAULT
                                       and not self.included(position)):
            return "left-out"
        return row.action

    def describe(self, position: int) -> str:
        row = self.rows[position]
        if row.action == "duplicate" and self.included(position):
            return "New (imported anyway)"
        if self.kind(position) == "left-out":
            return "Left out"
        return DESCRIPTIONS.get(row.action, row.action)

    def set_included(self, positions: Iterable[int], include: bool) -> int:
        """Tick or untick the choosable rows at `positions`; how many changed."""
        changed = []
        for position in positions:
            row = self.rows[position]
            if row.action not in CHOOSABLE or self.included(position) == include:
                continue
            self._flipped ^= {position}
            changed.append(position)
        if changed:
            last = len(COLUMNS) - 1
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), last))
            self.choicesChanged.emit()
        return len(changed)

    def set_all_duplicates(self, include: bool) -> int:
        return self.set_included(
            [i for i, r in enumerate(self.rows) if r.action == "duplicate"], include)

    def duplicates_included(self) -> tuple[int, int]:
        """(probable duplicates ticked, probable duplicates in all)."""
        positions = [i for i, r in enumerate(self.rows) if r.action == "duplicate"]
        return sum(1 for i in positions if self.included(i)), len(positions)

    def counts(self) -> dict[str, int]:
        """What the import would do with the current choices."""
        out = dict.fromkeys(("new", "updated", "organizations", "left_out"), 0)
        for position, row in enumerate(self.rows):
            if not self.included(position):
                if row.action in INCLUDED_BY_DEFAULT:
                    out["left_out"] += 1
                continue
            key = {"create": "new", "duplicate": "new", "update": "updated",
                   "organization": "organizations"}[row.action]
            out[key] += 1
        return out

    def row_choices(self) -> dict[int, str]:
        """`ImportOptions.row_choices`: only the rows whose default the user reversed."""
        choices = {}
        for position in self._flipped:
            row = self.rows[position]
            choices[row.index] = "create" if row.action == "duplicate" else "skip"
        return choices


class RowsFilter(QSortFilterProxyModel):
    """Shows one kind of row (see `FILTERS`); all rows when the kind set is empty."""

    def __init__(self, source: ImportRowsModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setDynamicSortFilter(False)  # see set_kinds
        self._kinds: frozenset[str] = frozenset()

    def set_kinds(self, kinds: frozenset[str]) -> None:
        """Filter again only when asked: a row ticked back in stays in the "Left out"
        view until the user picks a view again, instead of jumping away mid-click."""
        self.beginFilterChange()  # Qt 6.9+: replaces the deprecated invalidateFilter()
        self._kinds = kinds
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._kinds:
            return True
        model = self.sourceModel()
        assert isinstance(model, ImportRowsModel)
        return model.kind(source_row) in self._kinds
