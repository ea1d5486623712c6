"""The meetings table: the kit's lazy model over `services.meetings`, its columns
declared in `COLUMNS`.

The start is shown in the meeting's own zone (the zone it was planned in) and, in the
tooltip, in every consortium zone and on this computer.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from coordinator.models.enums import MeetingKind
from coordinator.reference import CONSORTIA
from coordinator.services import MeetingFilter, Services
from coordinator.services.records import MeetingData
from ui.kit.formatting import OVERDUE_FG, enum_label
from ui.kit.lazy_table import RIGHT, Clock, Column, TableSpec
from ui.kit.planning_table import PlanningTableModel
from ui.kit.roles import COVERAGE_ROLE
from ui.tasks import TaskRunner
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


def open_items(m: MeetingData) -> int:
    return sum(1 for a in m.action_items if a.status in ("open", "in_progress"))


def overdue_items(m: MeetingData, today: date) -> int:
    return sum(1 for a in m.action_items if a.is_overdue(today))


def _open_items_text(m: MeetingData, c: Clock) -> str:
    n, late = open_items(m), overdue_items(m, c.today)
    return (f"{n} ({late} overdue)" if late else str(n)) if n else ""


def _when_tooltip(m: MeetingData, _c: Clock) -> str | None:
    if not m.starts_at:
        return None
    consortia = [c for c in CONSORTIA if c.id in m.consortium_ids] or list(CONSORTIA)
    local = in_zone(m.starts_at, m.time_zone)
    return (f"Planned in {m.time_zone} ({local:%H:%M %Z}), {m.duration_minutes} min\n"
            + describe_consortium_times(m.starts_at, consortia, m.time_zone))


def _greyed_if_past(m: MeetingData, c: Clock) -> object:
    return QBrush(PAST_FG) if m.starts_at and m.starts_at < c.now else None


def _open_items_colour(m: MeetingData, c: Clock) -> object:
    return QBrush(OVERDUE_FG) if overdue_items(m, c.today) else _greyed_if_past(m, c)


_FG = Qt.ItemDataRole.ForegroundRole
_PAST = {_FG: _greyed_if_past}

COLUMNS: list[Column[MeetingData]] = [
    Column("When", lambda m, _c: format_in_zone(m.starts_at, m.time_zone)
           if m.starts_at else "", "when", tooltip=_when_tooltip, roles=_PAST),
    Column("Elsewhere", lambda m, _c: elsewhere_text(m), roles=_PAST),
    Column("Title", lambda m, _c: m.title, "title", roles=_PAST,
           tooltip=lambda m, _c: "\n".join(x for x in (m.location, m.link) if x) or None),
    Column("Series", lambda m, _c: m.series_name, "series", roles=_PAST),
    Column("Kind", lambda m, _c: kind_label(m.kind), "kind", roles=_PAST),
    Column("Consortia", lambda m, _c: str(len(m.consortium_ids)), "consortia", roles=_PAST),
    Column("People", lambda m, _c: str(len(m.attendees)) if m.attendees else "", "attendees",
           align=RIGHT, roles=_PAST, tooltip=lambda m, _c: "\n".join(
               a.contact_name for a in m.attendees[:25]) or None),
    Column("Open items", _open_items_text, "open_items", align=RIGHT,
           roles={_FG: _open_items_colour}),
]


def meeting_spec(services: Services) -> TableSpec[MeetingData]:
    meetings = services.meetings
    return TableSpec(
        columns=COLUMNS,
        list_ids=lambda f, sort, desc: meetings.ids(f, sort=sort, descending=desc),
        fetch=meetings.rows, entities=("meeting",), related=("action_item", "contact"),
        row_roles={COVERAGE_ROLE: lambda m, _c: set(m.consortium_ids)})


class MeetingTableModel(PlanningTableModel[MeetingData]):
    WHEN, ELSEWHERE, TITLE, SERIES, KIND, CONSORTIA, ATTENDEES, OPEN_ITEMS = range(8)

    def __init__(self, services: Services, tasks: TaskRunner | None = None,
                 parent: object = None) -> None:
        super().__init__(meeting_spec(services), tasks, parent,
                         filter=MeetingFilter(upcoming=True))


__all__ = ["MeetingTableModel", "kind_label"]
