"""The action items table: the kit's lazy model over `services.actions`, its columns
declared in `COLUMNS`; the first column is a check box that marks an item done (the view
turns the tick into a service call)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from coordinator.services import ActionFilter, Services
from coordinator.services.records import ActionItemData
from ui.kit.formatting import OVERDUE_BG, OVERDUE_FG, STATUS_LABELS
from ui.kit.lazy_table import Clock, Column, TableSpec
from ui.kit.planning_table import PlanningTableModel
from ui.kit.roles import OVERDUE_ROLE
from ui.tasks import TaskRunner

_FG, _BG, _FONT = (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
                   Qt.ItemDataRole.FontRole)
_CLOSED = ("done", "cancelled")


def _closed_grey(a: ActionItemData, _c: Clock) -> object:
    return QBrush(Qt.GlobalColor.gray) if a.status in _CLOSED else None


def _due_text(a: ActionItemData, c: Clock) -> str:
    if not a.due_date:
        return ""
    days = (c.today - a.due_date).days
    text = f"{a.due_date:%b} {a.due_date.day}" + ("" if abs(days) < 300 else
                                                    f", {a.due_date.year}")
    return f"{text} ({days} d late)" if a.is_overdue(c.today) else text


def _due_tooltip(a: ActionItemData, c: Clock) -> str | None:
    if not a.due_date:
        return None
    late = a.is_overdue(c.today)
    return f"{a.due_date:%A %d %B %Y}" + (
        f" — overdue by {(c.today - a.due_date).days} days" if late else "")


def _when_overdue(make: Callable[[], object], otherwise: Callable[[ActionItemData, Clock],
                                                                   object] | None = None
                  ) -> Callable[[ActionItemData, Clock], object]:
    def style(a: ActionItemData, c: Clock) -> object:
        if a.is_overdue(c.today):
            return make()
        return otherwise(a, c) if otherwise is not None else None

    return style


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def _struck(a: ActionItemData, _c: Clock) -> object:
    if a.status not in _CLOSED:
        return None
    font = QFont()
    font.setStrikeOut(True)
    return font


def _meeting_text(a: ActionItemData, _c: Clock) -> str:
    when = f"{a.meeting_starts_at:%b} {a.meeting_starts_at.day}" if a.meeting_starts_at else ""
    return f"{when} · {a.meeting_title}" if when else a.meeting_title


_GREY = {_FG: _closed_grey}

COLUMNS: list[Column[ActionItemData]] = [
    Column("Done", lambda _a, _c: "", "done", checkable=True,
           tooltip=lambda _a, _c: "Tick to mark done; untick to reopen",
           roles={Qt.ItemDataRole.CheckStateRole: lambda a, _c: Qt.CheckState.Checked
                  if a.status == "done" else Qt.CheckState.Unchecked, **_GREY}),
    Column("Action item", lambda a, _c: a.text, "text", tooltip=lambda a, _c: a.text,
           roles={_FONT: _struck, **_GREY}),
    Column("Owner", lambda a, _c: a.owner_name or "—", "owner", roles=_GREY),
    Column("Due", _due_text, "due", tooltip=_due_tooltip, roles={
        _FG: _when_overdue(lambda: QBrush(OVERDUE_FG), _closed_grey),
        _BG: _when_overdue(lambda: QBrush(OVERDUE_BG)),
        _FONT: _when_overdue(_bold)}),
    Column("Status", lambda a, _c: STATUS_LABELS.get(a.status, a.status), "status",
           roles=_GREY),
    Column("Meeting", _meeting_text, "meeting", roles=_GREY, tooltip=lambda a, _c: (
        f"{a.meeting_title}\n{a.meeting_starts_at:%Y-%m-%d %H:%M} UTC"
        if a.meeting_starts_at else None)),
    Column("Proposal", lambda a, _c: a.proposal_title, "proposal", roles=_GREY),
]


def action_spec(services: Services) -> TableSpec[ActionItemData]:
    actions = services.actions
    return TableSpec(
        columns=COLUMNS,
        list_ids=lambda f, sort, desc: actions.ids(f, sort=sort, descending=desc),
        fetch=actions.rows, entities=("action_item",),
        related=("meeting", "contact", "proposal"), default_sort=3,  # due first
        row_roles={OVERDUE_ROLE: lambda a, c: a.is_overdue(c.today)})


class ActionItemModel(PlanningTableModel[ActionItemData]):
    DONE, TEXT, OWNER, DUE, STATUS, MEETING, PROPOSAL = range(7)

    def __init__(self, services: Services, on_toggle: Callable[[str, bool], None],
                 tasks: TaskRunner | None = None, parent: object = None) -> None:
        super().__init__(action_spec(services), tasks, parent,
                         filter=ActionFilter(open_only=True), on_check=on_toggle)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.DONE:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base


__all__ = ["OVERDUE_ROLE", "ActionItemModel"]
