"""The action items table: plain `ActionItemData` rows; the first column is a check box
that marks an item done (the view turns the check into a service call)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from coordinator.services.records import ActionItemData
from ui.kit.formatting import OVERDUE_BG, OVERDUE_FG, STATUS_LABELS
from ui.kit.roles import OVERDUE_ROLE, ROW_ROLE, SORT_ROLE


class ActionItemModel(QAbstractTableModel):
    DONE, TEXT, OWNER, DUE, STATUS, MEETING, PROPOSAL = range(7)
    HEADERS = ("Done", "Action item", "Owner", "Due", "Status", "Meeting", "Proposal")

    def __init__(self, on_toggle: Callable[[str, bool], None], parent: object = None) -> None:
        super().__init__(parent)
        self.rows: list[ActionItemData] = []
        self.today = date.today()
        self.on_toggle = on_toggle

    def set_rows(self, rows: list[ActionItemData]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.today = date.today()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.DONE:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        a, col = self.rows[index.row()], index.column()
        overdue = a.is_overdue(self.today)
        if role == ROW_ROLE:
            return a
        if role == OVERDUE_ROLE:
            return overdue
        if role == Qt.ItemDataRole.CheckStateRole and col == self.DONE:
            return Qt.CheckState.Checked if a.status == "done" else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(a, col, overdue)
        if role == SORT_ROLE:
            if col == self.DUE:
                return a.due_date.isoformat() if a.due_date else "9999-12-31"
            if col == self.MEETING:
                return a.meeting_starts_at.isoformat() if a.meeting_starts_at else ""
            if col == self.DONE:
                return int(a.status == "done")
            return str(self._display(a, col, overdue)).casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.TEXT:
                return a.text
            if col == self.MEETING and a.meeting_starts_at:
                return f"{a.meeting_title}\n{a.meeting_starts_at:%Y-%m-%d %H:%M} UTC"
            if col == self.DUE and a.due_date:
                return f"{a.due_date:%A %d %B %Y}" + (
                    f" — overdue by {(self.today - a.due_date).days} days" if overdue else "")
            if col == self.DONE:
                return "Tick to mark done; untick to reopen"
        if overdue and col == self.DUE:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(OVERDUE_FG)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(OVERDUE_BG)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.FontRole and a.status in ("done", "cancelled") \
                and col == self.TEXT:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and a.status in ("done", "cancelled"):
            return QBrush(Qt.GlobalColor.gray)
        return None

    def _display(self, a: ActionItemData, col: int, overdue: bool) -> str:
        if col == self.TEXT:
            return a.text
        if col == self.OWNER:
            return a.owner_name or "—"
        if col == self.DUE:
            if not a.due_date:
                return ""
            days = (self.today - a.due_date).days
            text = f"{a.due_date:%b} {a.due_date.day}" + (
                "" if abs(days) < 300 else f", {a.due_date.year}")
            return f"{text} ({days} d late)" if overdue else text
        if col == self.STATUS:
            return STATUS_LABELS.get(a.status, a.status)
        if col == self.MEETING:
            when = f"{a.meeting_starts_at:%b} {a.meeting_starts_at.day}" \
                if a.meeting_starts_at else ""
            return f"{when} · {a.meeting_title}" if when else a.meeting_title
        if col == self.PROPOSAL:
            return a.proposal_title
        return ""

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: object,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.isValid() and index.column() == self.DONE and \
                role == Qt.ItemDataRole.CheckStateRole:
            a = self.rows[index.row()]
            done = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            self.on_toggle(a.id or "", done)
            return True
        return False


__all__ = ["OVERDUE_ROLE", "ActionItemModel"]
