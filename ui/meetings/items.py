"""The meeting editor's lists: ordered agenda items (title, presenter, minutes) and
action items (text, owner, due date, status, linked proposal). Presenters and owners
are chosen among the attendees (plus whoever was already set)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator.models.enums import ActionStatus
from coordinator.services.records import ActionItemData, AgendaItemData
from coordinator.wording import plural
from ui.kit.formatting import STATUS_LABELS
from ui.widgets.columns import ReadableColumns
from ui.widgets.dates import OptionalDateEdit


def _people_combo(people: list[tuple[str, str]], current: str | None, current_name: str = ""
                  ) -> QComboBox:
    box = QComboBox()
    box.addItem("—", None)
    for cid, name in people:
        box.addItem(name, cid)
    if current and box.findData(current) < 0:
        box.addItem(current_name or "(not an attendee)", current)
    box.setCurrentIndex(max(0, box.findData(current)) if current else 0)
    return box


def _refill_people(box: QComboBox, people: list[tuple[str, str]]) -> None:
    current, name = box.currentData(), box.currentText()
    box.blockSignals(True)
    box.clear()
    box.addItem("—", None)
    for cid, person in people:
        box.addItem(person, cid)
    if current and box.findData(current) < 0:
        box.addItem(name, current)
    box.setCurrentIndex(max(0, box.findData(current)) if current else 0)
    box.blockSignals(False)


def _short(title: str, limit: int = 40) -> str:
    """A proposal title short enough for a table cell (the full title is the tooltip)."""
    return title if len(title) <= limit else title[:limit - 1].rstrip() + "…"


class _RowTable(QWidget):
    """A table of editable rows with Add / Remove / Up / Down buttons."""

    changed = Signal()
    HEADERS: tuple[str, ...] = ()

    def __init__(self, add_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people: list[tuple[str, str]] = []
        self._active_cell: QWidget | None = None  # the cell widget last focused
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # every column resizable and as wide as its content; the text takes the rest
        self.columns = ReadableColumns(self.table, stretch=(0,), stretch_min=200)
        self.add_button = QPushButton(add_text)
        self.remove_button = QPushButton("Remove")
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.footer = QLabel()
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.footer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # rows are rebuilt from values: simple and correct for the few rows a meeting has
    def values(self) -> list:  # type: ignore[type-arg]
        return [self._row_value(r) for r in range(self.table.rowCount())]

    def set_values(self, values: list) -> None:  # type: ignore[type-arg]
        self._active_cell = None
        self.table.setRowCount(0)
        for v in values:
            self._insert(self.table.rowCount(), v)
            self._track(self.table.rowCount() - 1)
        self._after_change(emit=False)

    def add_row(self, value: object = None) -> int:
        row = self.table.rowCount()
        self._insert(row, value if value is not None else self._blank())
        self._track(row)
        self.table.selectRow(row)
        editor = self.table.cellWidget(row, 0)
        if editor is not None:
            editor.setFocus()
        self._after_change()
        return row

    def remove_current(self) -> None:
        row = self.active_row()
        if row >= 0:
            self._active_cell = None
            self.table.removeRow(row)
            self._after_change()

    def move_current(self, step: int) -> None:
        row = self.active_row()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        values = self.values()
        values[row], values[target] = values[target], values[row]
        self.set_values(values)
        self._active_cell = self.table.cellWidget(target, 0)
        self.table.selectRow(target)
        self.changed.emit()

    def set_people(self, people: list[tuple[str, str]]) -> None:
        self.people = list(people)
        for row in range(self.table.rowCount()):
            for col in self._people_columns():
                _refill_people(self.table.cellWidget(row, col), self.people)
        self.columns.fit()

    def _after_change(self, emit: bool = True) -> None:
        self._update_footer()
        self.columns.fit()
        if emit:
            self.changed.emit()

    def _people_columns(self) -> tuple[int, ...]:
        return ()

    def _update_footer(self) -> None:
        pass

    def _blank(self) -> object:
        raise NotImplementedError

    def _insert(self, row: int, value: object) -> None:
        raise NotImplementedError

    def _row_value(self, row: int) -> object:
        raise NotImplementedError

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Remember the cell being edited, so Remove / Move act on its row.

        Only a note is taken here. Selecting the row from a focus event would make the
        table give the focus to the row's first cell, whose focus event would select the
        row again, and so on until the stack overflows; the highlight of the row is
        therefore updated afterwards, without touching the current index (changing
        the current index also moves the focus)."""
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self._active_cell = watched
            QTimer.singleShot(0, self._highlight_active_row)
        return False

    def active_row(self) -> int:
        """The row of the cell last edited, else the table's current row (-1: none)."""
        cell = self._active_cell
        if cell is not None and isValid(cell):
            for row in range(self.table.rowCount()):
                for col in range(self.table.columnCount()):
                    if self.table.cellWidget(row, col) is cell:
                        return row
        return self.table.currentRow()

    def _highlight_active_row(self) -> None:
        if not isValid(self.table):
            return
        row = self.active_row()
        if row < 0:
            return
        model, selection = self.table.model(), self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        selection.select(model.index(row, 0), flags.ClearAndSelect | flags.Rows)

    def _track(self, row: int) -> None:
        for col in range(self.table.columnCount()):
            widget = self.table.cellWidget(row, col)
            if widget is not None:
                widget.installEventFilter(self)

    def _line(self, text: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        edit.setFrame(False)
        edit.textEdited.connect(lambda _: self.changed.emit())
        return edit


class AgendaEditor(_RowTable):
    HEADERS = ("Agenda item", "Presenter", "Minutes")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add agenda item", parent)

    def _blank(self) -> AgendaItemData:
        return AgendaItemData("")

    def _insert(self, row: int, a: AgendaItemData) -> None:  # type: ignore[override]
        self.table.insertRow(row)
        self.table.setCellWidget(row, 0, self._line(a.title, "What will be discussed"))
        presenter = _people_combo(self.people, a.presenter_id, a.presenter_name)
        presenter.setToolTip("Presenters are chosen among the attendees")
        presenter.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.table.setCellWidget(row, 1, presenter)
        minutes = QSpinBox()
        minutes.setRange(0, 600)
        minutes.setSuffix(" min")
        minutes.setValue(a.minutes)
        minutes.valueChanged.connect(lambda _: self._after_change())
        self.table.setCellWidget(row, 2, minutes)
        self.table.cellWidget(row, 0).setProperty("details", a.details)

    def _row_value(self, row: int) -> AgendaItemData:
        presenter = self.table.cellWidget(row, 1)
        return AgendaItemData(self.table.cellWidget(row, 0).text().strip(),
                              presenter.currentData(), self.table.cellWidget(row, 2).value(),
                              self.table.cellWidget(row, 0).property("details") or "",
                              presenter.currentText() if presenter.currentData() else "")

    def _people_columns(self) -> tuple[int, ...]:
        return (1,)

    planned_minutes = 0

    def set_planned_minutes(self, minutes: int) -> None:
        self.planned_minutes = minutes
        self._update_footer()

    def total_minutes(self) -> int:
        return sum(self.table.cellWidget(r, 2).value() for r in range(self.table.rowCount()))

    def _update_footer(self) -> None:
        total, planned = self.total_minutes(), self.planned_minutes
        over = planned and total > planned
        self.footer.setText(f"{plural(self.table.rowCount(), 'item')} · {total} of {planned} min"
                            + (" — longer than the meeting" if over else ""))
        self.footer.setStyleSheet("color: #b71c1c;" if over else "")


class ActionItemsEditor(_RowTable):
    HEADERS = ("Action item", "Owner", "Due", "Status", "Proposal")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add action item", parent)
        self.proposals: list[tuple[str, str]] = []  # id, title
        self.meeting_day: Callable[[], date | None] = lambda: None

    def due_anchor(self) -> date:
        """An empty due date opens at the meeting's day, or today when that is past."""
        day, today = self.meeting_day(), date.today()
        return day if day is not None and day > today else today

    def set_proposals(self, proposals: list[tuple[str, str]]) -> None:
        self.proposals = proposals
        for row in range(self.table.rowCount()):
            box: QComboBox = self.table.cellWidget(row, 4)
            current, title = box.currentData(), box.currentText()
            box.blockSignals(True)
            box.clear()
            self._fill_proposals(box, current, title)
            box.blockSignals(False)
        self.columns.fit()

    def _fill_proposals(self, box: QComboBox, current: str | None, title: str) -> None:
        box.addItem("—", None)
        for pid, name in self.proposals:
            box.addItem(_short(name), pid)
            box.setItemData(box.count() - 1, name, Qt.ItemDataRole.ToolTipRole)
        if current and box.findData(current) < 0:
            box.addItem(_short(title) or "(proposal)", current)
        box.setCurrentIndex(max(0, box.findData(current)) if current else 0)
        box.setToolTip(box.itemData(box.currentIndex(), Qt.ItemDataRole.ToolTipRole) or "")

    def _blank(self) -> ActionItemData:
        return ActionItemData("")

    def _insert(self, row: int, a: ActionItemData) -> None:  # type: ignore[override]
        self.table.insertRow(row)
        text = self._line(a.text, "Who does what")
        text.setProperty("item_id", a.id or "")
        self.table.setCellWidget(row, 0, text)
        owner = _people_combo(self.people, a.owner_id, a.owner_name)
        owner.setToolTip("Owners are chosen among the attendees")
        owner.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.table.setCellWidget(row, 1, owner)
        due = OptionalDateEdit("No due date", anchor=self.due_anchor)
        due.set_value(a.due_date)
        due.dateChanged.connect(lambda _: self.changed.emit())
        self.table.setCellWidget(row, 2, due)
        status = QComboBox()
        for s in ActionStatus:
            status.addItem(STATUS_LABELS[s.value], s.value)
        status.setCurrentIndex(max(0, status.findData(a.status)))
        status.currentIndexChanged.connect(lambda _: self._after_change())
        self.table.setCellWidget(row, 3, status)
        proposal = QComboBox()
        self._fill_proposals(proposal, a.proposal_id, a.proposal_title)
        proposal.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.table.setCellWidget(row, 4, proposal)

    def _row_value(self, row: int) -> ActionItemData:
        text = self.table.cellWidget(row, 0)
        owner = self.table.cellWidget(row, 1)
        due: OptionalDateEdit = self.table.cellWidget(row, 2)
        proposal = self.table.cellWidget(row, 4)
        return ActionItemData(
            text=text.text().strip(), owner_id=owner.currentData(), due_date=due.value(),
            status=self.table.cellWidget(row, 3).currentData(),
            proposal_id=proposal.currentData(), id=text.property("item_id") or None,
            owner_name=owner.currentText() if owner.currentData() else "",
            proposal_title=proposal.currentText() if proposal.currentData() else "")

    def _people_columns(self) -> tuple[int, ...]:
        return (1,)

    def _update_footer(self) -> None:
        values = self.values()
        still_open = sum(1 for v in values if v.status in ("open", "in_progress"))
        self.footer.setText(f"{plural(len(values), 'item')} · {still_open:,} open")
