"""The import preview's records, one row per record in the file, with the user's choice.

`ImportRowsModel` shows every planned row (not only the first few hundred: it is a
model, not a table of items) with a check box in its first column:

- a new contact, an update or a new organization is imported unless the user unticks
  it ("Left out" — `ImportOptions.row_choices[i] = "skip"`);
- a probable duplicate is left out unless the user ticks it ("Import anyway" —
  `row_choices[i] = "create"`);
- rows with nothing to do (up to date, merged into another row of the file, an
  organization already here) have no check box.

A choice can change what happens to other rows: a row merged into one that is now left
out becomes a contact of its own, and a later row with the same email merges into a
duplicate ticked to be created. So the counts are never worked out here from the first
plan: the dialog plans again with the choices (`importer.preview`, off the GUI thread)
and hands the new plan to `apply_plan`, which takes its actions and reasons in place
(one `dataChanged`, no reset: choices, selection, scroll position and filter stay).
Until it lands, `is_current()` is False and the counts are out of date.

`RowsFilter` narrows the table to one kind of row ("Probable duplicates", "Left out"…).
`importer.apply` plans again with these choices, so what is saved is exactly what the
user ticked.
"""

from __future__ import annotations

from collections import Counter
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
ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
CHECKABLE_FLAGS = ROW_FLAGS | Qt.ItemFlag.ItemIsUserCheckable
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
    """Every planned row of an `ImportPreview` and whether the user imports it.

    Three things per row: the latest plan's row (`rows`, planned with the choices in
    force when it was made), the row as last planned without a choice of its own (what
    ticking or unticking it means), and the user's choice, kept by file index exactly as
    `ImportOptions.row_choices` wants it.
    """

    choicesChanged = Signal()  # the user's choices changed: the counts may be out of date
    planChanged = Signal()  # a plan for the current choices arrived: the counts are right

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[PlannedRow] = []  # the latest plan's rows, made with `_planned`
        # per position: the row as planned when it had no choice of its own
        self._natural: list[PlannedRow] = []
        self._choices: dict[int, str] = {}  # file index -> "skip" / "create"
        self._planned: dict[int, str] = {}  # the choices `rows` were planned with
        self._positions: dict[int, int] = {}  # file index -> position
        self._duplicates: list[int] = []  # positions of probable duplicates
        self._counts: dict[str, int] = {}

    # -- data --------------------------------------------------------------------------
    def set_preview(self, preview: ImportPreview) -> None:
        """Show a first plan (made without choices): forgets every choice."""
        self.beginResetModel()
        self.rows = list(preview.rows)
        self._natural = list(preview.rows)
        self._choices, self._planned = {}, {}
        self._positions = {row.index: position for position, row in enumerate(self.rows)}
        self._take_plan_figures(preview)
        self.endResetModel()
        self.choicesChanged.emit()
        self.planChanged.emit()

    def apply_plan(self, preview: ImportPreview, choices: dict[int, str]) -> bool:
        """Take a plan made with `choices`, in place; False (and nothing changes) when
        the user's choices have moved on since, or it is a plan of another file."""
        if choices != self._choices or len(preview.rows) != len(self.rows):
            return False
        natural = list(preview.rows)
        for index in choices:  # a row with a choice keeps what it was without one
            position = self._positions[index]
            natural[position] = self._natural[position]
        self.rows, self._natural = list(preview.rows), natural
        self._planned = dict(choices)
        self._take_plan_figures(preview)
        if self.rows:  # one signal: the view repaints only what it shows
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(COLUMNS) - 1))
        self.planChanged.emit()
        return True

    def _take_plan_figures(self, preview: ImportPreview) -> None:
        self._duplicates = [p for p, row in enumerate(self._natural)
                            if row.action == "duplicate"]
        self._counts = plan_counts(preview)

    def is_current(self) -> bool:
        """Whether the latest plan was made with the choices as they are now."""
        return self._choices == self._planned

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
        # asked for every cell of a selection (700,000 times for 100,000 rows selected):
        # the flags are made once, not or-ed together on every call
        if index.column() == 0 and self.choosable(index.row()):
            return CHECKABLE_FLAGS
        return ROW_FLAGS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        position, column = index.row(), index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            if not self.choosable(position):
                return None
            return (Qt.CheckState.Checked if self.included(position)
                    else Qt.CheckState.Unchecked)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(position, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 6):
            return self.details(position) or None
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return "imported" if self.included(position) else "left out"
        return None

    def setData(self, index: Index, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        if not self.choosable(index.row()):
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked  # views pass an int
        self.set_included([index.row()], checked)
        return True

    def _text(self, position: int, column: int) -> str:
        row = self.rows[position]
        if column == 0:
            return "" if self.choosable(position) else "—"
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
        return self.details(position)

    def details(self, position: int) -> str:
        """Why the row does what it does: the latest plan's reason, or for a row left
        out or imported anyway, why it was what it was without the choice."""
        planned = self.rows[position]
        if planned.action != "skipped":
            text = _details(planned)
            if text:
                return text
        return _details(self._natural[position])

    # -- choices -----------------------------------------------------------------------
    def _choice(self, position: int) -> str | None:
        return self._choices.get(self.rows[position].index)

    def choosable(self, position: int) -> bool:
        """Whether the row has a check box (something to import or leave out)."""
        return (self._natural[position].action in CHOOSABLE
                or self._choice(position) is not None)

    def included(self, position: int) -> bool:
        """Whether the row at `position` will be imported (as far as the user decides)."""
        choice = self._choice(position)
        if choice is not None:
            return choice == "create"
        return self._natural[position].action in INCLUDED_BY_DEFAULT

    def kind(self, position: int) -> str:
        """The row's action, or "left-out" for a row the user unticked."""
        if self._choice(position) == "skip":
            return "left-out"
        return self._natural[position].action

    def describe(self, position: int) -> str:
        choice = self._choice(position)
        if choice == "skip":
            return "Left out"
        if choice == "create":
            planned = self.rows[position]
            if self._planned.get(planned.index) == "create" and planned.action not in (
                    "create", "duplicate"):  # e.g. merged into an earlier row after all
                return DESCRIPTIONS.get(planned.action, planned.action)
            return "New (imported anyway)"
        action = self._natural[position].action
        return DESCRIPTIONS.get(action, action)

    def set_included(self, positions: Iterable[int], include: bool) -> int:
        """Tick or untick the choosable rows at `positions`; how many changed."""
        changed = []
        for position in positions:
            if not self.choosable(position) or self.included(position) == include:
                continue
            index = self.rows[position].index
            if include == (self._natural[position].action in INCLUDED_BY_DEFAULT):
                self._choices.pop(index, None)  # back to what the plan does by itself
            else:
                self._choices[index] = "create" if include else "skip"
            changed.append(position)
        if changed:
            last = len(COLUMNS) - 1
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), last))
            self.choicesChanged.emit()
        return len(changed)

    def set_all_duplicates(self, include: bool) -> int:
        return self.set_included(self._duplicates, include)

    def duplicates_included(self) -> tuple[int, int]:
        """(probable duplicates ticked, probable duplicates in all)."""
        return sum(1 for p in self._duplicates if self.included(p)), len(self._duplicates)

    def counts(self) -> dict[str, int]:
        """What the latest plan does (see `is_current`), and how many records the user
        left out."""
        left_out = sum(1 for choice in self._choices.values() if choice == "skip")
        return {**self._counts, "left_out": left_out}

    def row_choices(self) -> dict[int, str]:
        """`ImportOptions.row_choices`: only the rows whose default the user reversed."""
        return dict(self._choices)


def plan_counts(preview: ImportPreview) -> dict[str, int]:
    """The preview's figures, counted the way `importer.apply` saves them."""
    actions = Counter(row.action for row in preview.rows)
    new = actions["create"] + (actions["duplicate"] if preview.duplicates_policy == "create"
                               else 0)
    return {"new": new, "updated": actions["update"], "unchanged": actions["unchanged"],
            "duplicates": actions["duplicate"] + actions["merged"],
            "organizations": len(preview.new_organizations), "errors": len(preview.errors)}


def _details(row: PlannedRow) -> str:
    details = row.reason
    if row.changes:
        details = (details + "; " if details else "") + "changes " + ", ".join(row.changes)
    warnings = len(row.parsed.warnings)
    if warnings:  # what was read but not as written: listed in the Warnings tab
        note = "1 warning" if warnings == 1 else f"{warnings} warnings"
        details = (details + "; " if details else "") + f"{note} (see Warnings)"
    return details


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

    def source_rows(self, rows: Iterable[int]) -> list[int]:
        """The source positions of shown rows `rows` (no look-up when all are shown)."""
        if not self._kinds:
            return list(rows)
        return [self.mapToSource(self.index(row, 0)).row() for row in rows]

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._kinds:
            return True
        model = self.sourceModel()
        assert isinstance(model, ImportRowsModel)
        return model.kind(source_row) in self._kinds
