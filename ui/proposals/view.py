"""The Proposals view: a filterable table (or the pipeline board) of every proposal,
quick status changes, and the proposal editor windows it opens.

Filters run in SQL through `ProposalFilter`; loading happens off the GUI thread. The
view offers text recovered from drafts after a crash (see ui/drafts.py).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction
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
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator.changes import ChangeSet
from coordinator.errors import NotFound
from coordinator.models.enums import ProposalStatus
from coordinator.reference import CONSORTIA
from coordinator.services import ProposalFilter
from coordinator.services.records import ProposalData
from ui.context import AppContext
from ui.drafts import DraftStore
from ui.proposals.board import ProposalBoard
from ui.proposals.commands import run_undoable
from ui.proposals.editor import ProposalEditor, RecoveryBar
from ui.proposals.model import (
    ROW_ROLE,
    SORT_ROLE,
    CoverageDelegate,
    ProposalTableModel,
    coverage_width,
    status_label,
)

OPEN = "__open__"


def compact(box: QComboBox, chars: int = 10) -> QComboBox:
    """A filter combo that may shrink with the window (long entries are elided)."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(chars)
    return box


class ProposalsView(QWidget):
    count_changed = Signal(int)
    loaded = Signal()  # after each (re)load: tests wait on it

    def __init__(self, ctx: AppContext, drafts: DraftStore | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.drafts = drafts or DraftStore.shared()
        self.editors: dict[str, ProposalEditor] = {}
        self.rows: list[ProposalData] = []
        self.board_rows: list[ProposalData] = []
        self._build()
        ctx.changed.connect(self._on_changed)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(100)
        self._reload_timer.timeout.connect(self.refresh)
        self.refresh()
        self._offer_recovered()

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles, summaries, text…")
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.addItem("Open (not closed)", OPEN)
        self.status_filter.addItem("Any status", None)
        for s in ProposalStatus:
            self.status_filter.addItem(s.label, s.value)
        self.consortium_filter = QComboBox()
        self.consortium_filter.addItem("Any consortium", None)
        for c in CONSORTIA:
            self.consortium_filter.addItem(c.short_name, c.id)
            self.consortium_filter.setItemData(self.consortium_filter.count() - 1, c.name,
                                               Qt.ItemDataRole.ToolTipRole)
        self.funder_filter = QComboBox()
        self.owner_filter = QComboBox()
        self.tag_filter = QComboBox()
        for box, label in ((self.funder_filter, "Any funder"), (self.owner_filter, "Any owner"),
                           (self.tag_filter, "Any tag")):
            box.addItem(label, None)
        self.new_button = QPushButton("New proposal")
        self.new_button.clicked.connect(self.new_record)
        self.table_button = QToolButton()
        self.table_button.setText("Table")
        self.board_button = QToolButton()
        self.board_button.setText("Board")
        self.mode_group = QButtonGroup(self)
        for i, b in enumerate((self.table_button, self.board_button)):
            b.setCheckable(True)
            self.mode_group.addButton(b, i)
        self.table_button.setChecked(True)
        self.status_button = QToolButton()
        self.status_button.setText("Set status")
        self.status_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.status_button.setMenu(self._status_menu())
        self.document_button = QPushButton("Prepare document…")
        self.document_button.setToolTip("Print the selected proposal as a PDF document")
        self.document_button.clicked.connect(self.prepare_document)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.search, 1)
        top.addSpacing(8)
        top.addWidget(self.table_button)
        top.addWidget(self.board_button)
        filters = QHBoxLayout()
        for w in (self.status_filter, self.consortium_filter, self.funder_filter,
                  self.owner_filter, self.tag_filter):
            compact(w, 6)
            filters.addWidget(w, 1)
        bar = QVBoxLayout()
        bar.addLayout(top)
        bar.addLayout(filters)

        self.model = ProposalTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ProposalTableModel.DUE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setItemDelegateForColumn(ProposalTableModel.CONSORTIA, CoverageDelegate(self))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ProposalTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ProposalTableModel.CONSORTIA, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(ProposalTableModel.CONSORTIA, coverage_width(self.font()))
        for col, width in ((ProposalTableModel.STATUS, 100), (ProposalTableModel.LEAD, 160),
                           (ProposalTableModel.PARTNERS, 60), (ProposalTableModel.FUNDER, 125),
                           (ProposalTableModel.AMOUNT, 92), (ProposalTableModel.DUE, 110),
                           (ProposalTableModel.OWNER, 130)):
            self.table.setColumnWidth(col, width)
        header.setMinimumSectionSize(40)
        for col in (ProposalTableModel.OWNER, ProposalTableModel.PARTNERS):
            self.table.setColumnHidden(col, True)  # right-click the header to show them
        self.table.doubleClicked.connect(self._open_index)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)

        self.board = ProposalBoard()
        self.board.move_requested.connect(self.set_status)
        self.board.open_requested.connect(self.open_record)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.board)
        self.mode_group.idClicked.connect(self.stack.setCurrentIndex)
        self.mode_group.idClicked.connect(lambda _: self._update_actions())

        self.recovery = RecoveryBar()
        self.recovery.use_button.setText("Open to review")
        self.recovery.use_button.clicked.connect(self.open_recovered)
        self.recovery.discard_button.clicked.connect(self.discard_recovered)
        footer = QHBoxLayout()
        footer.addWidget(self.summary_label, 1)
        footer.addWidget(self.document_button)
        footer.addWidget(self.status_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.recovery)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)

        self.search.textChanged.connect(lambda _: self._reload_timer.start())
        for box in (self.status_filter, self.consortium_filter, self.funder_filter,
                    self.owner_filter, self.tag_filter):
            box.currentIndexChanged.connect(lambda _: self._reload_timer.start())
        self._update_actions()

    def _status_menu(self) -> QMenu:
        menu = QMenu(self)
        for s in ProposalStatus:
            action = QAction(s.label, menu)
            action.triggered.connect(lambda _=False, v=s.value: self.set_status_of_selected(v))
            menu.addAction(action)
        return menu

    # -- loading ----------------------------------------------------------------------
    def current_filter(self) -> ProposalFilter:
        status = self.status_filter.currentData()
        return ProposalFilter(
            status=status if status not in (None, OPEN) else None, open_only=status == OPEN,
            consortium_id=self.consortium_filter.currentData(),
            funder=self.funder_filter.currentData(), owner_id=self.owner_filter.currentData(),
            tag=self.tag_filter.currentData(), text=self.search.text().strip() or None)

    def refresh(self) -> None:
        services, f = self.ctx.services, self.current_filter()

        board_filter = replace(f, status=None, statuses=None, open_only=False)

        def load() -> tuple[list[ProposalData], list[ProposalData], list[ProposalData]]:
            everything = services.proposals.list().rows
            rows = everything if f == ProposalFilter() else services.proposals.list(f).rows
            # the board shows every status column whatever the status filter says
            board = everything if board_filter == ProposalFilter() else \
                services.proposals.list(board_filter).rows
            return rows, everything, board

        self.ctx.tasks.run(load, on_done=self._show, key=f"proposals-view-{id(self)}")

    def _show(self, result: tuple[list[ProposalData], list[ProposalData],
                                  list[ProposalData]]) -> None:
        if not isValid(self.table):  # a late result for a view already closed
            return
        rows, everything, board = result
        selected = set(self.selected_ids())
        self.rows = rows
        self.model.set_rows(rows)
        self.board.set_rows(board)
        self.board_rows = board
        self._fill_options(everything)
        open_count = sum(1 for p in everything if not ProposalStatus(p.status).is_closed)
        shown = f"{len(rows)} of {len(everything)}" if len(rows) != len(everything) \
            else f"{len(rows)}"
        self.summary_label.setText(f"{shown} proposals · {open_count} open · double-click to "
                                   "open, right-click to change the status")
        self._reselect(selected)
        self.count_changed.emit(len(everything))
        self.loaded.emit()

    def _fill_options(self, everything: list[ProposalData]) -> None:
        funders = sorted({p.funder for p in everything if p.funder}, key=str.casefold)
        owners = sorted({(p.owner_name, p.owner_id) for p in everything if p.owner_id})
        tags = sorted({t for p in everything for t in p.tags}, key=str.casefold)
        for box, values in ((self.funder_filter, [(f, f) for f in funders]),
                            (self.owner_filter, owners), (self.tag_filter, [(t, t) for t in tags])):
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for label, value in values:
                box.addItem(label, value)
            box.setCurrentIndex(max(0, box.findData(current)) if current else 0)
            box.blockSignals(False)

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.touches("proposal", "organization", "contact"):
            self._reload_timer.start()

    # -- selection & actions ----------------------------------------------------------
    def selected_ids(self) -> list[str]:
        if self.stack.currentWidget() is self.board:
            for column in self.board.columns.values():
                item = column.currentItem()
                if item is not None and item.isSelected():
                    return [item.data(Qt.ItemDataRole.UserRole)]
            return []
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.proxy.index(r, 0).data(ROW_ROLE).id for r in sorted(rows)]

    def _reselect(self, ids: set[str]) -> None:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(ROW_ROLE).id in ids:
                self.table.selectRow(r)

    def _update_actions(self) -> None:
        self.status_button.setEnabled(bool(self.selected_ids()))
        self.document_button.setEnabled(len(self.selected_ids()) == 1)

    def prepare_document(self) -> None:
        """The proposal document (PDF) of the selected proposal, previewed in the app."""
        from ui.briefing.actions import prepare_proposal_document

        ids = self.selected_ids()
        if len(ids) == 1:
            prepare_proposal_document(self.ctx, ids[0], self)

    def set_status(self, proposal_id: str, status: str) -> None:
        """Change one proposal's status (board drop, menus); undoable."""
        row = next((p for p in [*self.rows, *self.board_rows] if p.id == proposal_id), None)
        old = row.status if row else None
        if old == status:
            return
        services = self.ctx.services

        def undo() -> None:
            if old:
                services.proposals.set_status(proposal_id, old)

        title = row.title if row else "proposal"
        run_undoable(self.ctx, f"Set “{title}” to {status_label(status)}",
                     lambda: services.proposals.set_status(proposal_id, status), undo)
        self.ctx.status_message.emit(f"“{title}” is now {status_label(status)}.", 4000)

    def set_status_of_selected(self, status: str) -> None:
        for pid in self.selected_ids():
            self.set_status(pid, status)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        services = self.ctx.services

        def redo() -> None:
            for i in ids:
                services.proposals.delete(i)

        def undo() -> None:
            for i in ids:
                services.proposals.restore(i)

        label = f"{len(ids)} proposals" if len(ids) > 1 else "proposal"
        run_undoable(self.ctx, f"Move {label} to Trash", redo, undo)
        self.ctx.status_message.emit(f"Moved {label} to Trash.", 4000)

    def _table_menu(self, pos: object) -> None:
        if not self.selected_ids():
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: [self.open_record(i) for i in self.selected_ids()])
        if len(self.selected_ids()) == 1:
            menu.addAction("Prepare document…", self.prepare_document)
        status = menu.addMenu("Set status")
        for action in self._status_menu().actions():
            status.addAction(action)
        menu.addSeparator()
        menu.addAction("Move to Trash", self.delete_selected)
        menu.exec(self.table.viewport().mapToGlobal(pos))  # type: ignore[arg-type]

    def _header_menu(self, pos: object) -> None:
        menu = QMenu(self)
        for col, name in enumerate(ProposalTableModel.HEADERS):
            if col == ProposalTableModel.TITLE:
                continue
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(col))
            action.toggled.connect(lambda on, c=col: self.table.setColumnHidden(c, not on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))  # type: ignore[arg-type]

    # -- editors ----------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self.open_record(row.id)

    def open_record(self, record_id: str) -> ProposalEditor | None:
        editor = self.editors.get(record_id)
        if editor is None or not editor.isVisible():
            try:
                editor = ProposalEditor(self.ctx, record_id, drafts=self.drafts, parent=self)
            except NotFound:
                self.ctx.status_message.emit("That proposal is no longer there (in Trash?).",
                                             5000)
                return None
            editor.setWindowFlag(Qt.WindowType.Window, True)
            editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            editor.open_link.connect(self._open_link)
            editor.destroyed.connect(lambda _=None, r=record_id: self.editors.pop(r, None))
            self.editors[record_id] = editor
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def new_record(self) -> ProposalEditor:
        editor = ProposalEditor(self.ctx, None, drafts=self.drafts, parent=self)
        editor.setWindowFlag(Qt.WindowType.Window, True)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        editor.saved.connect(lambda pid, e=editor: self.editors.setdefault(pid, e))
        editor.open_link.connect(self._open_link)
        editor.show()
        return editor

    def _open_link(self, entity: str, record_id: str) -> None:
        if entity == "proposal":
            self.open_record(record_id)
            return
        window = self.window()
        opener = getattr(window, "open_record", None)  # the shell: entity -> view
        if callable(opener):
            opener(entity, record_id)
        elif entity in ("meeting", "action_item"):
            from ui.meetings.series import open_meeting_for

            open_meeting_for(self.ctx, entity, record_id, parent=self)

    # -- recovered drafts -------------------------------------------------------------
    def recovered_record_ids(self) -> list[str]:
        return list(dict.fromkeys(d.record_id for d in self.drafts.for_entity("proposal")))

    def _offer_recovered(self) -> None:
        drafts = self.drafts.for_entity("proposal")
        if not drafts:
            self.recovery.hide()
            return
        titles = list(dict.fromkeys(d.record_title or "a new proposal" for d in drafts))
        self.recovery.label.setText(
            f"Coordinator closed while proposal text was being typed. Unsaved text was "
            f"recovered for {', '.join(f'“{t}”' for t in titles[:3])}"
            + (f" and {len(titles) - 3} more" if len(titles) > 3 else "") + ".")
        self.recovery.show()

    def open_recovered(self) -> list[ProposalEditor]:
        """Open an editor for each proposal with recovered text; each offers the text."""
        editors = []
        for record_id in self.recovered_record_ids():
            if record_id.startswith("new:"):
                editor = self.new_record()
                editor.record_key = record_id
                editor.sections.set_record_key(record_id)
                editor.use_recovered()
                editor.title_edit.setText(next((d.record_title for d in
                                                self.drafts.for_record("proposal", record_id)
                                                if d.record_title), ""))
            elif self.ctx.services.proposals.exists(record_id):
                editor = self.open_record(record_id)
                if editor is None:
                    continue
                if editor.recovered_drafts():
                    editor.use_recovered()
            else:
                self.drafts.discard_record("proposal", record_id)
                continue
            editors.append(editor)
        self.recovery.hide()
        return editors

    def discard_recovered(self) -> None:
        for record_id in self.recovered_record_ids():
            self.drafts.discard_record("proposal", record_id)
        self.recovery.hide()
