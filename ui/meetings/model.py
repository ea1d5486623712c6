"""The meetings table: a Qt item model over plain `MeetingData` rows.

The start is shown in the meeting's own zone (the zone it was planned in) and, in the
tooltip, in every consortium zone and on this computer.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from coordinator.models.enums import MeetingKind
from coordinator.reference import CONSORTIA
from coordinator.services.records import MeetingData
from ui.kit.formatting import OVERDUE_FG, enum_label
from ui.kit.planning_table import PlanningTableModel
from ui.kit.roles import COVERAGE_ROLE, ROW_ROLE, SORT_ROLE
from ui.timezones import describe_consortium_times, format_clock, format_in_zone, in_zone

PAST_FG = QColor("#6b747c")


def kind_label(kind: str) -> str:
    return enum_label(MeetingKind, kind)


def elsewhere_text(m: MeetingData) -> str:
    """The start in the other zones of the meeting's consortia: "11:00 EST · 08:00 MST"."""
    if m.starts_at is None:
        return ""
    zones = [c.time_zone for c in CONSORTIA if c.id in m.consortium_ids] or \
        [c.time_zone for c in CONSORTIA]
    own = format_clock(m.starts_at, m.time_zone)
    clocks = [format_clock(m.starts_at, z) for z in dict.fromkeys(zones)]
    return " · ".join(c for c in dict.fromkeys(clocks) if c != own)


class MeetingTableModel(PlanningTableModel[MeetingData]):
    WHEN, ELSEWHERE, TITLE, SERIES, KIND, CONSORTIA, ATTENDEES, OPEN_ITEMS = range(8)
    HEADERS = ("When", "Elsewhere", "Title", "Series", "Kind", "Consortia", "People",
               "Open items")

    def read_clock(self) -> None:
        """Also the moment: meetings already started are greyed."""
        self.now = datetime.now().astimezone()
        super().read_clock()

    def open_items(self, m: MeetingData) -> int:
        return sum(1 for a in m.action_items if a.status in ("open", "in_progress"))

    def overdue_items(self, m: MeetingData) -> int:
        return sum(1 for a in m.action_items if a.is_overdue(self.today))

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        m, col = self.rows[index.row()], index.column()
        if role == ROW_ROLE:
            return m
        if role == COVERAGE_ROLE:
            return set(m.consortium_ids)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(m, col)
        if role == SORT_ROLE:
            if col == self.WHEN:
                return m.starts_at.isoformat() if m.starts_at else ""
            if col == self.ATTENDEES:
                return len(m.attendees)
            if col == self.OPEN_ITEMS:
                return self.open_items(m)
            if col == self.CONSORTIA:
                return len(m.consortium_ids)
            return str(self._display(m, col)).casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(m, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.OPEN_ITEMS and self.overdue_items(m):
                return QBrush(OVERDUE_FG)
            if m.starts_at and m.starts_at < self.now:
                return QBrush(PAST_FG)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.ATTENDEES,
                                                                 self.OPEN_ITEMS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, m: MeetingData, col: int) -> str:
        if col == self.WHEN:
            return format_in_zone(m.starts_at, m.time_zone) if m.starts_at else ""
        if col == self.ELSEWHERE:
            return elsewhere_text(m)
        if col == self.TITLE:
            return m.title
        if col == self.SERIES:
            return m.series_name
        if col == self.KIND:
            return kind_label(m.kind)
        if col == self.CONSORTIA:
            return str(len(m.consortium_ids))
        if col == self.ATTENDEES:
            return str(len(m.attendees)) if m.attendees else ""
        if col == self.OPEN_ITEMS:
            n, late = self.open_items(m), self.overdue_items(m)
            return (f"{n} ({late} overdue)" if late else str(n)) if n else ""
        return ""

    def _tooltip(self, m: MeetingData, col: int) -> str | None:
        if col == self.WHEN and m.starts_at:
            consortia = [c for c in CONSORTIA if c.id in m.consortium_ids] or list(CONSORTIA)
            local = in_zone(m.starts_at, m.time_zone)
            return (f"Planned in {m.time_zone} ({local:%H:%M %Z}), {m.duration_minutes} min\n"
                    + describe_consortium_times(m.starts_at, consortia, m.time_zone))
        if col == self.TITLE and (m.location or m.link):
            return "\n".join(x for x in (m.location, m.link) if x)
        if col == self.ATTENDEES and m.attendees:
            return "\n".join(a.contact_name for a in m.attendees[:25])
        return None


__all__ = ["MeetingTableModel", "kind_label"]
