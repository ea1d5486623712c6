"""The Meetings view: upcoming or past meetings, filtered by series and consortium,
opening the meeting editor; "Next in series" starts the following meeting of the
selected one's series."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator.changes import ChangeSet
from coordinator.errors import NotFound
from coordinator.reference import CONSORTIA
from coordinator.services import MeetingFilter
from coordinator.services.records import MeetingData
from ui.context import AppContext
from ui.drafts import DraftStore
from ui.meetings.editor import MeetingEditor
from ui.meetings.model import MeetingTableModel
from ui.meetings.series import next_in_series_template
from ui.proposals.commands import run_undoable
from ui.proposals.editor import RecoveryBar
from ui.proposals.model import ROW_ROLE, SORT_ROLE, CoverageDelegate, coverage_width
from ui.proposals.view import compact

PAGE_LIMIT = 500  # most recent first for past meetings; the count says when more exist


class MeetingsView(QWidget):
    count_changed = Signal(int)
    loaded = Signal()

    def __init__(self, ctx: AppContext, drafts: DraftStore | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.drafts = drafts or DraftStore.shared()
        self.editors: dict[str, MeetingEditor] = {}
        self._build()
        ctx.changed.connect(self._on_changed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self.refresh)
        self.refresh()
        self._offer_recovered()

    def _build(self) -> None:
        self.new_button = QPushButton("New meeting")
        self.new_button.clicked.connect(self.new_record)
        self.next_button = QPushButton("Next in series")
        self.next_button.setToolTip("Plan the next meeting of the selected meeting's series: "
                                    "offers its agenda and shows its open action items")
        self.next_button.clicked.connect(self.new_in_series)
        self.briefing_button = QPushButton("Prepare briefing…")
        self.briefing_button.setToolTip("Build the briefing packet (PDF) for the selected "
                                        "meeting and preview it (Ctrl+Shift+B)")
        self.briefing_button.setShortcut("Ctrl+Shift+B")
        self.briefing_button.clicked.connect(self.prepare_briefing)
        self.when_group = QButtonGroup(self)
        when_row = QHBoxLayout()
        when_row.setSpacing(0)
        for i, label in enumerate(("Upcoming", "Past", "All")):
            b = QToolButton()
            b.setText(label)
            b.setCheckable(True)
            self.when_group.addButton(b, i)
            when_row.addWidget(b)
        self.when_group.button(0).setChecked(True)
        self.when_group.idClicked.connect(lambda _: self.refresh())
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search meetings, notes, decisions…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)
        self.search.textChanged.connect(lambda _: self._timer.start())
        self.series_filter = QComboBox()
        self.series_filter.addItem("Any series", None)
        self.consortium_filter = QComboBox()
        self.consortium_filter.addItem("Any consortium", None)
        for c in CONSORTIA:
            self.consortium_filter.addItem(c.short_name, c.id)
        for box in (self.series_filter, self.consortium_filter):
            box.currentIndexChanged.connect(lambda _: self._timer.start())
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.briefing_button)
        bar.addSpacing(8)
        bar.addLayout(when_row)
        bar.addWidget(self.search, 2)
        filters = QHBoxLayout()
        filters.addWidget(compact(self.series_filter, 8), 2)
        filters.addWidget(compact(self.consortium_filter, 8), 1)
        filters.addStretch(2)

        self.model = MeetingTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setItemDelegateForColumn(MeetingTableModel.CONSORTIA, CoverageDelegate(self))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(MeetingTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        for col, width in ((MeetingTableModel.WHEN, 178), (MeetingTableModel.ELSEWHERE, 150),
                           (MeetingTableModel.SERIES, 140),
                           (MeetingTableModel.KIND, 110),
                           (MeetingTableModel.CONSORTIA, coverage_width(self.font())),
                           (MeetingTableModel.ATTENDEES, 55), (MeetingTableModel.OPEN_ITEMS, 85)):
            self.table.setColumnWidth(col, width)
        self.table.setColumnHidden(MeetingTableModel.KIND, True)  # header menu shows it
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.table.doubleClicked.connect(self._open_index)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.recovery = RecoveryBar()
        self.recovery.use_button.setText("Open to review")
        self.recovery.use_button.clicked.connect(self.open_recovered)
        self.recovery.discard_button.clicked.connect(self.discard_recovered)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(self.recovery)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self._update_actions()

    # -- loading ----------------------------------------------------------------------
    def current_filter(self) -> MeetingFilter:
        upcoming = {0: True, 1: False, 2: None}[self.when_group.checkedId()]
        return MeetingFilter(series_id=self.series_filter.currentData(),
                             consortium_id=self.consortium_filter.currentData(),
                             upcoming=upcoming, text=self.search.text().strip() or None)

    def refresh(self) -> None:
        services, f = self.ctx.services, self.current_filter()
        descending = f.upcoming is not True

        def load() -> tuple[list[MeetingData], int, int, list]:  # type: ignore[type-arg]
            page = services.meetings.list(f, descending=descending, limit=PAGE_LIMIT)
            upcoming = services.meetings.list(MeetingFilter(upcoming=True), limit=0).total
            everything = services.meetings.list(MeetingFilter(), limit=0).total
            return page.rows, page.total, upcoming, everything, services.meetings.series()

        self.ctx.tasks.run(load, on_done=self._show, key=f"meetings-view-{id(self)}")

    def _show(self, result: tuple) -> None:  # type: ignore[type-arg]
        if not isValid(self.table):  # a late result for a view already closed
            return
        rows, total, upcoming, everything, series = result
        selected = set(self.selected_ids())
        self.model.set_rows(rows)
        if self.when_group.checkedId() == 0:
            self.table.sortByColumn(MeetingTableModel.WHEN, Qt.SortOrder.AscendingOrder)
        else:
            self.table.sortByColumn(MeetingTableModel.WHEN, Qt.SortOrder.DescendingOrder)
        current = self.series_filter.currentData()
        self.series_filter.blockSignals(True)
        while self.series_filter.count() > 1:
            self.series_filter.removeItem(1)
        for s in series:
            self.series_filter.addItem(f"{s.name} ({s.meeting_count})", s.id)
        self.series_filter.setCurrentIndex(max(0, self.series_filter.findData(current))
                                           if current else 0)
        self.series_filter.blockSignals(False)
        more = f" (the {PAGE_LIMIT} most recent shown)" if total > len(rows) else ""
        self.summary.setText(f"{total} meetings{more} · {upcoming} upcoming · times in each "
                             "meeting's own zone; hover for every consortium's time")
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(ROW_ROLE).id in selected:
                self.table.selectRow(r)
        self.count_changed.emit(everything)
        self._update_actions()
        self.loaded.emit()

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.touches("meeting", "action_item", "contact"):
            self._timer.start()

    # -- selection & actions ----------------------------------------------------------
    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.proxy.index(r, 0).data(ROW_ROLE).id for r in rows]

    def selected_meeting(self) -> MeetingData | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _update_actions(self) -> None:
        m = self.selected_meeting()
        self.next_button.setEnabled(bool(m and m.series_id))
        self.briefing_button.setEnabled(m is not None)

    def prepare_briefing(self) -> None:
        """Options, then the packet built in a worker and shown in the preview."""
        from ui.briefing.actions import prepare_briefing

        m = self.selected_meeting()
        if m is not None and m.id:
            prepare_briefing(self.ctx, m.id, self)

    def _menu(self, pos: object) -> None:
        m = self.selected_meeting()
        if m is None:
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.open_record(m.id or ""))
        menu.addAction("Prepare briefing…", self.prepare_briefing)
        if m.series_id:
            menu.addAction("Plan the next meeting in this series", self.new_in_series)
        menu.addSeparator()
        menu.addAction("Move to Trash", self.delete_selected)
        menu.exec(self.table.viewport().mapToGlobal(pos))  # type: ignore[arg-type]

    def _header_menu(self, pos: object) -> None:
        menu = QMenu(self)
        for col, name in enumerate(MeetingTableModel.HEADERS):
            if col in (MeetingTableModel.WHEN, MeetingTableModel.TITLE):
                continue
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(col))
            action.toggled.connect(lambda on, c=col: self.table.setColumnHidden(c, not on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))  # type: ignore[arg-type]

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        meetings = self.ctx.services.meetings
        label = f"{len(ids)} meetings" if len(ids) > 1 else "meeting"
        run_undoable(self.ctx, f"Move {label} to Trash",
                     lambda: [meetings.delete(i) for i in ids],  # type: ignore[func-returns-value]
                     lambda: [meetings.restore(i) for i in ids])  # type: ignore[func-returns-value]
        self.ctx.status_message.emit(f"Moved {label} to Trash.", 4000)

    # -- editors ----------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        m = index.data(ROW_ROLE)
        if m is not None:
            self.open_record(m.id)

    def _window(self, editor: MeetingEditor) -> MeetingEditor:
        editor.setWindowFlag(Qt.WindowType.Window, True)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        editor.open_meeting.connect(self.open_record)
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def open_record(self, record_id: str) -> MeetingEditor | None:
        editor = self.editors.get(record_id)
        if editor is not None and editor.isVisible():
            editor.raise_()
            editor.activateWindow()
            return editor
        try:
            editor = MeetingEditor(self.ctx, record_id, drafts=self.drafts, parent=self)
        except NotFound:
            self.ctx.status_message.emit("That meeting is no longer there (in Trash?).", 5000)
            return None
        self.editors[record_id] = editor
        editor.destroyed.connect(lambda _=None, r=record_id: self.editors.pop(r, None))
        return self._window(editor)

    def new_record(self) -> MeetingEditor:
        return self._window(MeetingEditor(self.ctx, None, drafts=self.drafts, parent=self))

    def new_in_series(self, previous_id: str | None = None) -> MeetingEditor | None:
        """The next meeting after `previous_id` (default: the selected meeting)."""
        if not previous_id:
            m = self.selected_meeting()
            previous_id = m.id if m else None
        if not previous_id:
            return None
        template = next_in_series_template(self.ctx, previous_id)
        return self._window(MeetingEditor(self.ctx, None, template=template,
                                          drafts=self.drafts, parent=self))

    # -- recovered drafts -------------------------------------------------------------
    def _offer_recovered(self) -> None:
        drafts = self.drafts.for_entity("meeting")
        if not drafts:
            self.recovery.hide()
            return
        titles = list(dict.fromkeys(d.record_title or "a new meeting" for d in drafts))
        self.recovery.label.setText("Coordinator closed while meeting notes were being typed. "
                                    "Unsaved notes were recovered for "
                                    + ", ".join(f"“{t}”" for t in titles[:3]) + ".")
        self.recovery.show()

    def open_recovered(self) -> list[MeetingEditor]:
        editors = []
        for d in self.drafts.for_entity("meeting"):
            if d.key.is_new_record:  # notes of a meeting never saved: a new editor gets them
                editor = self._window(MeetingEditor(self.ctx, None, drafts=self.drafts,
                                                    parent=self))
                editor.title_edit.setText(d.record_title)
                editor.notes.set_text(d.text)
                editor.tabs.setCurrentIndex(3)
                editor.autosaver.flush()  # re-keyed to this editor's new record
                self.drafts.discard_record("meeting", d.record_id)
                editor._set_dirty(True)
            elif self.ctx.services.meetings.exists(d.record_id):
                editor = self.open_record(d.record_id)
                if editor is None:
                    continue
                editor.use_recovered()
            else:
                self.drafts.discard_record("meeting", d.record_id)
                continue
            editors.append(editor)
        self.recovery.hide()
        return editors

    def discard_recovered(self) -> None:
        for d in self.drafts.for_entity("meeting"):
            self.drafts.discard_record("meeting", d.record_id)
        self.recovery.hide()
