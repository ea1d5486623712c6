"""The contact's timeline under the detail pane: meetings, proposals, action items and
the last-contacted day in one list, newest first; Enter or double-click opens the
record (the meeting, the proposal, the action item's meeting).

    timeline = attach_timeline(contacts_view)   # placed under the view's detail pane
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget
from shiboken6 import isValid

from coordinator.changes import ChangeSet
from coordinator.errors import CoordinatorError
from coordinator.services.timeline import TimelineEntry
from ui.kit.panels import Panel, RecordList

if TYPE_CHECKING:
    from ui.context import AppContext

KINDS = {"meeting": "Meeting", "proposal": "Proposal", "action_item": "Action item",
         "contacted": "Contacted"}
MIN_WIDTH = 280
WATCHED = ("contact", "meeting", "proposal", "action_item", "organization")


class ContactTimeline(QWidget):
    """The history of one contact (`show_contact`), reloaded after every change."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.contact_id: str | None = None
        self.entries: list[TimelineEntry] = []
        self.panel = Panel("Timeline")
        self.list = RecordList(["Date", "What"], "Contact timeline")
        self.list.stretch(1)
        self.list.record_activated.connect(self._open)
        self.panel.body.addWidget(self.list, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)
        ctx.changed.connect(self._on_changed)
        self.show_contact(None)

    def show_contact(self, contact_id: str | None) -> None:
        self.contact_id = contact_id
        if contact_id is None:
            self.list.clear()
            self.entries = []
            self.panel.say("Select a contact to see their history.")
            return
        timeline = self.ctx.services.timeline

        def load() -> list[TimelineEntry] | None:
            try:
                return timeline.for_contact(contact_id)
            except CoordinatorError:
                return None

        self.ctx.tasks.run(load, on_done=lambda entries: self._show(contact_id, entries),
                           key=f"timeline-{id(self)}", context=self)

    def _show(self, contact_id: str, entries: list[TimelineEntry] | None) -> None:
        if not isValid(self) or contact_id != self.contact_id:
            return
        self.entries = entries or []
        self.list.clear()
        for e in self.entries:
            entity = "contact" if e.entity == "contacted" else e.entity
            kind = KINDS.get(e.entity, e.entity)
            what = f"{kind}: {e.title}" if e.entity != "contacted" else "Last contacted"
            if e.detail:
                what += f" — {e.detail}"
            self.list.add([f"{e.day:%b} {e.day.day}, {e.day.year}", what], entity,
                          e.record_id, what)
        self.panel.say("" if self.entries else "No meetings, proposals or action items yet.")

    def _on_changed(self, changes: ChangeSet) -> None:
        if self.contact_id and any(changes.touches(e) for e in WATCHED):
            self.show_contact(self.contact_id)

    def _open(self, entity: str, record_id: str) -> None:
        if entity == "contact" or self.ctx.open_record is None:
            return  # "last contacted" is this contact, already shown
        self.ctx.open_record(entity, record_id)


def attach_timeline(view: QWidget) -> ContactTimeline:
    """Put a timeline under the contacts view's detail pane and follow its current row."""
    timeline = ContactTimeline(view.ctx)  # type: ignore[attr-defined]
    splitter: QSplitter = view.splitter  # type: ignore[attr-defined]
    detail = view.detail  # type: ignore[attr-defined]
    column = QSplitter(Qt.Orientation.Vertical)
    column.setChildrenCollapsible(False)
    column.setMinimumWidth(MIN_WIDTH)  # a date, a title and what it was stay readable
    sizes = splitter.sizes()
    splitter.insertWidget(splitter.indexOf(detail), column)
    column.addWidget(detail)  # moves the pane out of the outer splitter, into the column
    column.addWidget(timeline)
    splitter.setSizes(sizes)
    column.setStretchFactor(0, 3)
    column.setStretchFactor(1, 2)

    def current(index: object, _previous: object) -> None:
        row = index.row() if index.isValid() else -1  # type: ignore[attr-defined]
        timeline.show_contact(view.model.id_at(row) if row >= 0 else None)  # type: ignore[attr-defined]

    view.table.selectionModel().currentRowChanged.connect(current)  # type: ignore[attr-defined]
    return timeline


__all__ = ["ContactTimeline", "attach_timeline"]
