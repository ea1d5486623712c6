"""The Action items view: every action item across meetings, filtered by owner, status,
overdue, series, proposal and words (in SQL through `ActionFilter`), in the kit's lazy
table; tick to mark done.
The sidebar count (`count_changed`) is the number of overdue items."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator.changes import ChangeSet
from coordinator.errors import CoordinatorError
from coordinator.services import ActionFilter
from coordinator.wording import plural
from ui.actions.model import ActionItemModel
from ui.context import AppContext
from ui.kit.formatting import STATUS_LABELS
from ui.kit.lazy_table import build_lazy_table, selected_ids
from ui.kit.undo import run_undoable
from ui.kit.views import FeatureView
from ui.widgets.columns import ReadableColumns
from ui.widgets.combos import compact
from ui.widgets.empty_state import EmptyState

OPEN = "__open__"


class ActionItemsView(QWidget, FeatureView):
    can_create = True  # a new meeting, on its Action items tab

    count_changed = Signal(int)
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._build()
        ctx.changed.connect(self._on_changed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self.refresh)
        self.refresh()

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter action items…")
        self.search.setToolTip("Words in the action items")
        self.search.setAccessibleName("Filter action items by text")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self._timer.start())
        self.owner_filter = QComboBox()
        self.owner_filter.addItem("Any owner", None)
        self.status_filter = QComboBox()
        self.status_filter.addItem("Open or in progress", OPEN)
        self.status_filter.addItem("Any status", None)
        for value, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, value)
        self.overdue_check = QCheckBox("Overdue only")
        self.series_filter = QComboBox()
        self.series_filter.addItem("Any series", None)
        self.proposal_filter = QComboBox()
        self.proposal_filter.addItem("Any proposal", None)
        for box in (self.owner_filter, self.status_filter, self.series_filter,
                    self.proposal_filter):
            box.currentIndexChanged.connect(lambda _: self._timer.start())
        self.overdue_check.toggled.connect(lambda _: self._timer.start())
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(compact(self.status_filter, 8), 1)
        bar.addWidget(self.overdue_check)
        filters = QHBoxLayout()
        for w in (self.owner_filter, self.series_filter, self.proposal_filter):
            filters.addWidget(compact(w, 8), 1)
        self.search.setMinimumWidth(110)

        self.model = ActionItemModel(self.ctx.services, self.set_done, self.ctx.tasks, self)
        self.table = build_lazy_table(self.model)  # sorted by due date, in SQL
        m = ActionItemModel
        self.table.setColumnWidth(m.DONE, 44)
        self.table.horizontalHeader().setSectionResizeMode(m.DONE, QHeaderView.ResizeMode.Fixed)
        # the item's text keeps room to be read in a small window: the meeting and
        # proposal titles give up width first, then the table scrolls sideways
        self.columns = ReadableColumns(
            self.table, stretch=(m.TEXT,), fixed=(m.DONE,), stretch_min=220,
            caps={m.OWNER: 180, m.MEETING: 260, m.PROPOSAL: 240},
            shrink={m.MEETING: 110, m.PROPOSAL: 100})
        self.table.doubleClicked.connect(self._open_index)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.empty_state = EmptyState(covered=self.table)
        self._total = 0

    # -- loading ----------------------------------------------------------------------
    def current_filter(self, today: date | None = None) -> ActionFilter:
        status = self.status_filter.currentData()
        return ActionFilter(
            owner_id=self.owner_filter.currentData(),
            status=status if status not in (None, OPEN) else None, open_only=status == OPEN,
            overdue_on=(today or date.today()) if self.overdue_check.isChecked() else None,
            series_id=self.series_filter.currentData(),
            proposal_id=self.proposal_filter.currentData(),
            text=self.search.text().strip() or None)

    def refresh(self) -> None:
        """List the ids (and load the filters' choices) off the GUI thread; the same
        filters as shown keep the selection and the scroll."""
        services, today = self.ctx.services, date.today()
        f = self.current_filter(today)
        keep = f == self.model.filter
        self.model.filter = f
        listing = self.model.lister_with_rows()

        def load() -> tuple:  # type: ignore[type-arg]
            return listing(), services.actions.list(), services.meetings.series(), \
                services.actions.count_overdue(today)

        self.ctx.tasks.run(load, on_done=lambda result: self._show(result, keep),
                           key=f"actions-view-{id(self)}")

    def _show(self, result: tuple, keep: bool) -> None:  # type: ignore[type-arg]
        if not isValid(self.table):  # a late result for a view already closed
            return
        (ids, rows), everything, series, overdue = result
        self.model.show_ids(ids, keep=keep, rows=rows)
        self.columns.fit_new_rows()
        self._refill(self.owner_filter, sorted({(a.owner_name, a.owner_id) for a in everything
                                                if a.owner_id}))
        self._refill(self.series_filter, [(s.name, s.id) for s in series])
        self._refill(self.proposal_filter, sorted({(a.proposal_title, a.proposal_id)
                                                   for a in everything if a.proposal_id}))
        still_open = sum(1 for a in everything if a.status in ("open", "in_progress"))
        self._total = len(everything)
        self.summary.setText(f"{self.model.rowCount():,} shown · {still_open:,} open · "
                             f"{overdue:,} overdue · tick Done to close an item; "
                             "double-click opens its meeting")
        self.update_empty_state()
        self.count_changed.emit(overdue)
        self.loaded.emit()

    @staticmethod
    def _refill(box: QComboBox, values: list[tuple[str, str]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for label, value in values:
            box.addItem(label[:50], value)
        box.setCurrentIndex(max(0, box.findData(current)) if current else 0)
        box.blockSignals(False)

    def update_empty_state(self) -> None:
        """Instead of an empty grid: what action items are and how to add the first, or,
        when the filters hide every item, offer to clear them."""
        if self._total == 0:
            self.empty_state.show_state(
                "No action items yet",
                "Action items are agreed in meetings: each has an owner and a due date, "
                "and is added on its meeting's Action items tab.",
                "New meeting (Ctrl+N)", self.new_record)
        elif self.model.rowCount() == 0:
            self.empty_state.show_state(
                "No action items match the filter",
                f"{plural(self._total, 'action item')} in all; the filters hide every one.",
                "Clear filter", self.clear_filters)
        else:
            self.empty_state.show_state(None)

    def clear_filters(self) -> None:
        """Every action item, whatever its status."""
        for box in (self.owner_filter, self.status_filter, self.series_filter,
                    self.proposal_filter):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(None)) if box is self.status_filter else 0)
            box.blockSignals(False)
        self.overdue_check.blockSignals(True)
        self.overdue_check.setChecked(False)
        self.overdue_check.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.refresh()

    def new_record(self) -> object:
        """Action items belong to a meeting: a new meeting, open on its Action items tab."""
        from ui.meetings.editor import MeetingEditor

        editor = MeetingEditor(self.ctx, None, parent=self)
        editor.setWindowFlag(Qt.WindowType.Window, True)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        editor.tabs.setCurrentWidget(editor.action_items)
        editor.show()
        return editor

    def _on_changed(self, changes: ChangeSet) -> None:
        # Stale rows are dropped now (fetched again when shown), the ids listed soon.
        if self.model.forget_changed(changes):
            self._timer.start()

    # -- actions ----------------------------------------------------------------------
    def set_done(self, item_id: str, done: bool) -> None:
        """Mark an item done (or reopen it); undoable."""
        row = self.model.record(item_id)
        if row is None:
            return
        old, new = row.status, ("done" if done else "open")
        if old == new:
            return
        actions = self.ctx.services.actions
        try:  # the row shows the new status when the change comes back
            run_undoable(self.ctx, f"Mark “{row.text[:40]}” {STATUS_LABELS[new].lower()}",
                         lambda: actions.set_status(item_id, new),
                         lambda: actions.set_status(item_id, old))
        except CoordinatorError as exc:
            self.ctx.status_message.emit(str(exc), 6000)
            return
        self.ctx.status_message.emit(f"“{row.text[:60]}” is {STATUS_LABELS[new].lower()}.", 4000)

    def selected_ids(self) -> list[str]:
        return selected_ids(self.table)

    def _menu(self, pos: object) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        menu = QMenu(self)
        menu.addAction("Open its meeting", lambda: self.open_record(ids[0]))
        status = menu.addMenu("Set status")
        for value, label in STATUS_LABELS.items():
            status.addAction(label, lambda v=value: self.set_status_of_selected(v))
        menu.exec(self.table.viewport().mapToGlobal(pos))  # type: ignore[arg-type]

    def set_status_of_selected(self, status: str) -> None:
        actions = self.ctx.services.actions
        for item_id in self.selected_ids():
            row = self.model.record(item_id)
            if row is None:
                continue
            old = row.status
            run_undoable(self.ctx, f"Set status of “{row.text[:40]}”",
                         lambda i=item_id: actions.set_status(i, status),
                         lambda i=item_id, o=old: actions.set_status(i, o))

    def _open_index(self, index: QModelIndex) -> None:
        item_id = self.model.id_at(index.row())
        if item_id is not None and index.column() != ActionItemModel.DONE:
            self.open_record(item_id)

    def open_record(self, record_id: str) -> object:
        """Open the meeting the action item belongs to, on its Action items tab."""
        from ui.meetings.series import open_meeting_for

        return open_meeting_for(self.ctx, "action_item", record_id, parent=self)
