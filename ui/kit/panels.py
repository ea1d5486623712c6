"""Panels of the report pages (Home, Coverage, a contact's timeline): a titled panel,
and a list of records in it whose rows open their record on Enter or double-click.

    panel = Panel("Deadlines")
    records = RecordList(["Due", "Proposal", "Status", "Lead"], "Deadlines")
    records.add(["Mar 6", "Curb data", "Drafting", "City of Plano"], "proposal", pid)
    records.record_activated.connect(ctx.open_record)
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.kit.roles import ENTITY_ROLE, ID_ROLE
from ui.widgets.forms import SPACING


class Panel(QFrame):
    """A framed box with a bold title, a line for counts or hints, and its content."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(title)
        self.title = QLabel(title)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName(f"{title}: summary")
        self.header = QHBoxLayout()
        self.header.addWidget(self.title)
        self.header.addStretch(1)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(SPACING * 2, SPACING, SPACING * 2, SPACING * 2)
        self.body.setSpacing(SPACING)
        self.body.addLayout(self.header)
        self.body.addWidget(self.note)
        self.note.hide()

    def say(self, text: str) -> None:
        """The line under the title; hidden when there is nothing to say."""
        self.note.setText(text)
        self.note.setVisible(bool(text))


class RecordList(QTreeWidget):
    """Rows that each stand for one record; Enter or double-click opens it."""

    record_activated = Signal(str, str)  # entity, id

    def __init__(self, columns: Sequence[str], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setColumnCount(len(columns))
        self.setHeaderLabels(list(columns))
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.itemActivated.connect(self._activated)

    def stretch(self, column: int) -> None:
        """Let `column` take the width the others leave."""
        self.header().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

    def width(self, column: int, pixels: int) -> None:
        """A column of its own width (the user may drag it), its text elided."""
        self.header().setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(column, pixels)

    def add(self, values: Sequence[str], entity: str, record_id: str,
            tip: str = "") -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [str(v) for v in values])
        item.setData(0, ID_ROLE, record_id)
        item.setData(0, ENTITY_ROLE, entity)
        if tip:
            for column in range(len(values)):
                item.setToolTip(column, tip)
        return item

    def item_of(self, record_id: str) -> QTreeWidgetItem | None:
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item.data(0, ID_ROLE) == record_id:
                return item
        return None

    def ids(self) -> list[str]:
        return [self.topLevelItem(i).data(0, ID_ROLE) for i in range(self.topLevelItemCount())]

    def fit_rows(self, rows: int, most: int = 8) -> None:
        """As tall as `rows` rows (between 2 and `most`), so short lists stay short."""
        row = self.sizeHintForRow(0) if self.topLevelItemCount() else \
            self.fontMetrics().height() + 8
        shown = max(2, min(rows, most))
        self.setFixedHeight(self.header().sizeHint().height() + row * shown + 2 * self.frameWidth()
                            + 4)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        entity, record_id = item.data(0, ENTITY_ROLE), item.data(0, ID_ROLE)
        if entity and record_id:
            self.record_activated.emit(entity, record_id)


def paint_row(item: QTreeWidgetItem, fg: QColor, bg: QColor | None = None) -> None:
    for column in range(item.columnCount()):
        item.setForeground(column, fg)
        if bg is not None:
            item.setBackground(column, bg)


__all__ = ["Panel", "RecordList", "paint_row"]
