"""The Proposals view: a filterable table (or the pipeline board) of every proposal,
quick status changes, and the proposal editor windows it opens.

Filters run in SQL through `ProposalFilter`; loading happens off the GUI thread. The
view offers text recovered from drafts after a crash (see ui/drafts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
)

from coordinator.models.enums import ProposalStatus
from coordinator.services import ProposalFilter
from coordinator.services.records import ProposalData
from coordinator.wording import plural
from ui.kit.drafts import Draft
from ui.kit.planning_view import PlanningView, consortium_filter
from ui.kit.roles import ID_ROLE
from ui.kit.undo import run_undoable
from ui.proposals.board import ProposalBoard
from ui.proposals.editor import ProposalEditor
from ui.proposals.model import ProposalTableModel, status_label
from ui.widgets.combos import compact, refill_combo
from ui.widgets.empty_state import EmptyState

OPEN = "__open__"

__all__ = ["OPEN", "ProposalsView"]


class ProposalsView(PlanningView[ProposalEditor]):
    entity = "proposal"
    reload_on = ("proposal", "organization", "contact")
    always_shown = (ProposalTableModel.TITLE,)
    editor_class = ProposalEditor
    model: ProposalTableModel

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.board_rows: list[ProposalData] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter proposals…")
        self.search.setToolTip("Words in the titles, summaries and sections")
        self.search.setAccessibleName("Filter proposals by text")
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.addItem("Open (not closed)", OPEN)
        self.status_filter.addItem("Any status", None)
        for s in ProposalStatus:
            self.status_filter.addItem(s.label, s.value)
        self.consortium_filter = consortium_filter(names_as_tooltips=True)
        self.funder_filter = QComboBox()
        self.owner_filter = QComboBox()
        self.tag_filter = QComboBox()
        for box, label in ((self.funder_filter, "Any funder"), (self.owner_filter, "Any owner"),
                           (self.tag_filter, "Any tag")):
            box.addItem(label, None)
        self.new_button = QPushButton("New proposal")
        self.new_button.setToolTip("New proposal (Ctrl+N)")
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

        model = ProposalTableModel(self.ctx.services, self.ctx.tasks, self)
        self.build_table(model, stretch=model.TITLE, coverage=model.CONSORTIA,
                         widths={model.STATUS: 100, model.LEAD: 160, model.PARTNERS: 60,
                                 model.FUNDER: 125, model.AMOUNT: 92, model.DUE: 110,
                                 model.OWNER: 130},
                         hidden=(model.OWNER, model.PARTNERS),
                         caps={model.LEAD: 220, model.FUNDER: 260, model.OWNER: 180},
                         shrink={model.LEAD: 120, model.FUNDER: 120, model.OWNER: 100})
        self.set_sort(model.DUE, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(model.CONSORTIA, QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(40)

        self.board = ProposalBoard()
        self.board.move_requested.connect(self.set_status)
        self.board.open_requested.connect(self.open_record)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.board)
        self.mode_group.idClicked.connect(self.stack.setCurrentIndex)
        self.mode_group.idClicked.connect(lambda _: self._update_actions())
        self.mode_group.idClicked.connect(lambda _: self._refresh_empty_state())
        self.count_all = 0

        footer = QHBoxLayout()
        footer.addWidget(self.summary_label, 1)
        footer.addWidget(self.document_button)
        footer.addWidget(self.status_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.recovery)
        layout.addWidget(self.stack, 1)
        layout.addLayout(footer)
        self.empty_state = EmptyState(covered=self.stack)

        self.search.textChanged.connect(self.reload_soon)
        for box in (self.status_filter, self.consortium_filter, self.funder_filter,
                    self.owner_filter, self.tag_filter):
            box.currentIndexChanged.connect(self.reload_soon)
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

    def loader(self) -> Callable[[], tuple[list[ProposalData], list[ProposalData]]]:
        services, f = self.ctx.services, self.current_filter()

        board_filter = replace(f, status=None, statuses=None, open_only=False)

        def load() -> tuple[list[ProposalData], list[ProposalData]]:
            everything = services.proposals.list().rows
            # the board shows every status column whatever the status filter says
            board = everything if board_filter == ProposalFilter() else \
                services.proposals.list(board_filter).rows
            return everything, board

        return load

    def show_loaded(self, result: tuple[list[ProposalData], list[ProposalData]]) -> None:
        everything, board = result
        shown_count = self.model.rowCount()
        self.board.set_rows(board)
        self.board_rows = board
        self.count_all = len(everything)
        self._fill_options(everything)
        open_count = sum(1 for p in everything if not ProposalStatus(p.status).is_closed)
        shown = f"{shown_count:,} of {plural(len(everything), 'proposal')}" \
            if shown_count != len(everything) else plural(shown_count, "proposal")
        self.summary_label.setText(f"{shown} · {open_count:,} open · double-click to "
                                   "open, right-click to change the status")
        self.count_changed.emit(len(everything))
        self._refresh_empty_state()

    def _refresh_empty_state(self) -> None:
        """The board shows every status whatever the status filter says: count what the
        current mode shows."""
        shown = len(self.board_rows) if self.stack.currentWidget() is self.board else \
            self.model.rowCount()
        self.update_empty_state(shown, self.count_all)

    empty_text = ("A proposal gathers the partners, budget, sections and deadlines of one "
                  "funding application.")

    def clear_filters(self) -> None:
        """Every proposal, whatever its status."""
        for box in (self.status_filter, self.consortium_filter, self.funder_filter,
                    self.owner_filter, self.tag_filter):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(None)) if box is self.status_filter else 0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.refresh()

    def _fill_options(self, everything: list[ProposalData]) -> None:
        funders = sorted({p.funder for p in everything if p.funder}, key=str.casefold)
        owners = sorted({(p.owner_name, p.owner_id) for p in everything if p.owner_id})
        tags = sorted({t for p in everything for t in p.tags}, key=str.casefold)
        for box, values in ((self.funder_filter, [(f, f) for f in funders]),
                            (self.owner_filter, owners), (self.tag_filter, [(t, t) for t in tags])):
            refill_combo(box, values)

    # -- selection & actions ----------------------------------------------------------
    def selected_ids(self) -> list[str]:
        if self.stack.currentWidget() is self.board:
            for column in self.board.columns.values():
                item = column.currentItem()
                if item is not None and item.isSelected():
                    return [item.data(ID_ROLE)]
            return []
        return super().selected_ids()

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
        row = self.model.record(proposal_id) or next(
            (p for p in self.board_rows if p.id == proposal_id), None)
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
        from ui.mailing.actions import add_mail_actions, proposal_partner_people

        add_mail_actions(menu, self.ctx, self, lambda: proposal_partner_people(
            self.ctx, self.selected_ids()), "the partners' people")
        self.popup_row_menu(menu, pos)

    # -- editors ----------------------------------------------------------------------
    def connect_editor(self, editor: ProposalEditor) -> None:
        editor.open_link.connect(self._open_link)

    def new_record(self) -> ProposalEditor:
        editor = self.as_window(self.make_editor(None))
        editor.saved.connect(lambda pid, e=editor: self.remember_editor(pid, e))
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
    def open_new_recovered(self, draft: Draft) -> ProposalEditor:
        """A proposal never saved: a new editor takes over its drafts and shows them."""
        record_id = draft.record_id
        editor = self.new_record()
        editor.adopt_drafts_of(record_id)
        editor.use_recovered()
        if not editor.title_edit.text():
            editor.title_edit.setText(next((d.record_title for d in
                                            self.drafts.for_record("proposal", record_id)
                                            if d.record_title), ""))
        return editor

    def use_recovered(self, editor: ProposalEditor) -> None:
        if editor.recovered_drafts():
            editor.use_recovered()
