"""The proposal pipeline board: one column per status; dragging a card to another
column (or "Move to" in its context menu) changes the proposal's status."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDropEvent, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.models.enums import ProposalStatus
from coordinator.services.records import ProposalData
from ui.kit.formatting import OVERDUE_FG, SOON_FG, format_money
from ui.kit.planning_table import coverage_text
from ui.kit.roles import ID_ROLE, LINES_ROLE
from ui.proposals.model import STATUS_COLORS, due_state

PAD = 6


def short_money(minor: int, currency: str) -> str:
    units = minor / 100
    if units >= 1_000_000:
        return format_money(0, currency).rstrip("0") + f"{units / 1_000_000:.2f}".rstrip(
            "0").rstrip(".") + "M"
    if units >= 1_000:
        return format_money(0, currency).rstrip("0") + f"{units / 1_000:.0f}k"
    return format_money(minor, currency)


class CardDelegate(QStyledItemDelegate):
    """A card: the title in bold (up to two lines), the lead and funder, then coverage,
    amount and due date (red when overdue, amber when due soon)."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.9)
        return bold, small

    def _title_rect(self, option: QStyleOptionViewItem, title: str, width: int) -> QRect:
        bold, _ = self._fonts(option)
        metrics = QFontMetrics(bold)
        rect = metrics.boundingRect(QRect(0, 0, width, 10_000),
                                    int(Qt.TextFlag.TextWordWrap), title)
        return QRect(0, 0, width, min(rect.height(), metrics.lineSpacing() * 2))

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        lines = index.data(LINES_ROLE)
        width = max(80, (option.widget.viewport().width() if option.widget else 160) - 2 * PAD
                    - 6)
        _, small = self._fonts(option)
        title = self._title_rect(option, lines[0], width)
        return QSize(width, title.height() + 2 * QFontMetrics(small).lineSpacing() + 2 * PAD + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        title, org, facts, state = index.data(LINES_ROLE)
        bold, small = self._fonts(option)
        card = option.rect.adjusted(1, 1, -2, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#1f6f8b") if selected else QColor("#d0d5da"),
                            2 if selected else 1))
        painter.setBrush(option.palette.base())
        painter.drawRoundedRect(card, 5, 5)
        inner = card.adjusted(PAD, PAD, -PAD, -PAD)
        painter.setPen(option.palette.text().color())
        painter.setFont(bold)
        title_rect = self._title_rect(option, title, inner.width()).translated(inner.topLeft())
        painter.drawText(title_rect, int(Qt.TextFlag.TextWordWrap), title)
        painter.setFont(small)
        metrics = QFontMetrics(small)
        y = title_rect.bottom() + 1
        for text, color in ((org, QColor("#5a6570")),
                            (facts, OVERDUE_FG if state == "overdue" else
                             SOON_FG if state == "soon" else QColor("#5a6570"))):
            painter.setPen(color)
            line = QRect(inner.left(), y, inner.width(), metrics.lineSpacing())
            painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             metrics.elidedText(text, Qt.TextElideMode.ElideRight, inner.width()))
            y += metrics.lineSpacing()
        painter.restore()


class StatusColumn(QListWidget):
    """Cards of one status; accepts cards dropped from the other columns."""

    dropped = Signal(str, str)  # proposal id, status

    def __init__(self, status: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = status
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setSpacing(3)
        self.setUniformItemSizes(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(f"{ProposalStatus(status).label} proposals")
        self.setItemDelegate(CardDelegate(self))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setStyleSheet("QListWidget { background: #eef1f4; border: none; }")

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.doItemsLayout()  # card heights depend on the column width

    def dropEvent(self, event: QDropEvent) -> None:
        source = event.source()
        if isinstance(source, StatusColumn) and source is not self:
            item = source.currentItem()
            if item is not None:
                self.dropped.emit(item.data(ID_ROLE), self.status)
        event.ignore()  # the board reloads from the database; Qt must not move the item


class ProposalBoard(QScrollArea):
    """Seven status columns side by side."""

    move_requested = Signal(str, str)  # proposal id, new status
    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns: dict[str, StatusColumn] = {}
        self.headers: dict[str, QLabel] = {}
        inner = QWidget()
        row = QHBoxLayout(inner)
        row.setContentsMargins(4, 4, 4, 4)
        row.setSpacing(6)
        for status in ProposalStatus:
            box = QFrame()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.setSpacing(2)
            header = QLabel()
            header.setStyleSheet(f"font-weight: 600; color: {STATUS_COLORS[status.value]}; "
                                 f"border-bottom: 3px solid {STATUS_COLORS[status.value]}; "
                                 "padding: 2px 4px;")
            column = StatusColumn(status.value)
            column.dropped.connect(self.move_requested)
            column.itemActivated.connect(lambda item: self.open_requested.emit(item.data(ID_ROLE)))
            column.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            column.customContextMenuRequested.connect(
                lambda pos, c=column: self._menu(c, pos))
            box_layout.addWidget(header)
            box_layout.addWidget(column, 1)
            box.setMinimumWidth(150)
            row.addWidget(box, 1)
            self.columns[status.value] = column
            self.headers[status.value] = header
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def set_rows(self, rows: list[ProposalData], today: date | None = None) -> None:
        today = today or date.today()
        by_status: dict[str, list[ProposalData]] = {s: [] for s in self.columns}
        for p in rows:
            by_status.setdefault(p.status, []).append(p)
        for status, column in self.columns.items():
            column.clear()
            items = by_status.get(status, [])
            self.headers[status].setText(f"{ProposalStatus(status).label}  ({len(items)})")
            for p in items:
                column.addItem(self._card(p, today))

    def card_ids(self, status: str) -> list[str]:
        column = self.columns[status]
        return [column.item(i).data(ID_ROLE) for i in range(column.count())]

    @staticmethod
    def _card(p: ProposalData, today: date) -> QListWidgetItem:
        org = " · ".join(x for x in (p.lead_organization_name, p.funder) if x) or "No lead yet"
        bits = []
        if p.due_date:
            state = due_state(p.due_date, p.status, today)
            days = (p.due_date - today).days
            when = f"{p.due_date:%b} {p.due_date.day}" + (
                "" if abs(days) < 300 else f" {p.due_date.year}")
            bits.append(f"due {when}" + (f" ({-days} d late)" if state == "overdue" else
                                         f" (in {days} d)" if state == "soon" else ""))
        bits.append(coverage_text(p.consortium_ids))
        if p.amount_minor:
            bits.append(short_money(p.amount_minor, p.currency))
        item = QListWidgetItem(p.title)
        item.setData(ID_ROLE, p.id)
        item.setData(LINES_ROLE, (p.title, org, " · ".join(bits),
                                  due_state(p.due_date, p.status, today)))
        tip = [p.title, org, f"{coverage_text(p.consortium_ids)} consortia covered"]
        if p.amount_minor:
            tip.append(f"Requested {format_money(p.amount_minor, p.currency)}")
        if p.summary:
            tip.append(p.summary[:300])
        item.setToolTip("\n".join(tip))
        return item

    def _menu(self, column: StatusColumn, pos: object) -> None:
        item = column.itemAt(pos)  # type: ignore[arg-type]
        if item is None:
            return
        pid = item.data(ID_ROLE)
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.open_requested.emit(pid))
        move = menu.addMenu("Move to")
        for status in ProposalStatus:
            if status.value != column.status:
                move.addAction(status.label,
                               lambda s=status.value: self.move_requested.emit(pid, s))
        menu.exec(column.viewport().mapToGlobal(pos))  # type: ignore[arg-type]
