"""The Meetings view: upcoming or past meetings, filtered by series and consortium,
opening the meeting editor; "Next in series" starts the following meeting of the
selected one's series."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
)

from coordinator.services import MeetingFilter
from coordinator.services.records import MeetingData
from coordinator.wording import plural
from ui.kit.drafts import Draft
from ui.kit.planning_view import PlanningView, consortium_filter
from ui.kit.roles import ROW_ROLE
from ui.meetings.editor import MeetingEditor
from ui.meetings.model import MeetingTableModel
from ui.meetings.series import next_in_series_template
from ui.widgets.combos import compact, refill_combo
from ui.widgets.empty_state import EmptyState


class MeetingsView(PlanningView[MeetingEditor]):
    entity = "meeting"
    reload_on = ("meeting", "action_item", "contact")
    always_shown = (MeetingTableModel.WHEN, MeetingTableModel.TITLE)
    editor_class = MeetingEditor
    model: MeetingTableModel

    def _build(self) -> None:
        self.new_button = QPushButton("New meeting")
        self.new_button.setToolTip("New meeting (Ctrl+N)")
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
        self.when_group.idClicked.connect(lambda which: self._when_chosen(which))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter meetings…")
        self.search.setToolTip("Words in the titles, agendas, notes and decisions")
        self.search.setAccessibleName("Filter meetings by text")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)
        self.search.textChanged.connect(self.reload_soon)
        self.series_filter = QComboBox()
        self.series_filter.addItem("Any series", None)
        self.consortium_filter = consortium_filter()
        for box in (self.series_filter, self.consortium_filter):
            box.currentIndexChanged.connect(self.reload_soon)
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.briefing_button)
        bar.addSpacing(8)
        bar.addLayout(when_row)
        bar.addWidget(self.search, 2)
        filters = QHBoxLayout()
        # the same order as in every view: consortium before the view's own filters
        filters.addWidget(compact(self.consortium_filter, 8), 1)
        filters.addWidget(compact(self.series_filter, 8), 2)
        filters.addStretch(2)

        model = MeetingTableModel(self.ctx.services, self.ctx.tasks, self)
        self.build_table(model, stretch=model.TITLE, coverage=model.CONSORTIA,
                         widths={model.WHEN: 178, model.ELSEWHERE: 150, model.SERIES: 140,
                                 model.KIND: 110, model.ATTENDEES: 55, model.OPEN_ITEMS: 85},
                         hidden=(model.KIND,),  # the header menu shows it
                         caps={model.ELSEWHERE: 200, model.SERIES: 200},
                         shrink={model.ELSEWHERE: 110, model.SERIES: 100})
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(self.recovery)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.empty_state = EmptyState(covered=self.table)
        self._update_actions()

    # -- loading ----------------------------------------------------------------------
    def current_filter(self) -> MeetingFilter:
        upcoming = {0: True, 1: False, 2: None}[self.when_group.checkedId()]
        return MeetingFilter(series_id=self.series_filter.currentData(),
                             consortium_id=self.consortium_filter.currentData(),
                             upcoming=upcoming, text=self.search.text().strip() or None)

    def _when_chosen(self, which: int) -> None:
        """Upcoming meetings soonest first; past ones (and all) the latest first."""
        order = Qt.SortOrder.AscendingOrder if which == 0 else Qt.SortOrder.DescendingOrder
        self.set_sort(MeetingTableModel.WHEN, order)
        self.refresh()

    def loader(self) -> Callable[[], tuple]:  # type: ignore[type-arg]
        services = self.ctx.services

        def load() -> tuple[int, int, list]:  # type: ignore[type-arg]
            upcoming = services.meetings.list(MeetingFilter(upcoming=True), limit=0).total
            everything = services.meetings.list(MeetingFilter(), limit=0).total
            return upcoming, everything, services.meetings.series()

        return load

    def show_loaded(self, result: tuple) -> None:  # type: ignore[type-arg]
        upcoming, everything, series = result
        total = self.model.rowCount()
        refill_combo(self.series_filter,
                     ((f"{s.name} ({s.meeting_count})", s.id) for s in series))
        self.summary.setText(f"{plural(total, 'meeting')} · {upcoming:,} upcoming · "
                             "times in each "
                             "meeting's own zone; hover for every consortium's time")
        self.count_changed.emit(everything)
        self._update_actions()
        self.update_empty_state(total, everything)

    empty_text = ("A meeting holds its agenda, attendees, notes, decisions and action items, "
                  "with its start time in each consortium's zone.")

    def clear_filters(self) -> None:
        """Every meeting, past and upcoming."""
        for box in (self.series_filter, self.consortium_filter):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.when_group.button(2).setChecked(True)
        self._when_chosen(2)

    # -- selection & actions ----------------------------------------------------------
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

    def _table_menu(self, pos: object) -> None:
        m = self.selected_meeting()
        if m is None:
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.open_record(m.id or ""))
        menu.addAction("Prepare briefing…", self.prepare_briefing)
        if m.series_id:
            menu.addAction("Plan the next meeting in this series", self.new_in_series)
        from ui.mailing.actions import MailingSelection, add_mail_actions

        add_mail_actions(menu, self.ctx, self, lambda: MailingSelection(meeting_id=m.id),
                         "the attendees")
        self.popup_row_menu(menu, pos)

    # -- editors ----------------------------------------------------------------------
    def connect_editor(self, editor: MeetingEditor) -> None:
        editor.open_meeting.connect(self.open_record)

    def new_record(self) -> MeetingEditor:
        return self.bring_forward(self._new_window(self.make_editor(None)))

    def _new_window(self, editor: MeetingEditor) -> MeetingEditor:
        """A new meeting's editor: once saved, opening that meeting brings it forward."""
        editor.saved.connect(lambda mid, e=editor: self.remember_editor(mid, e))
        return self.as_window(editor)

    def new_in_series(self, previous_id: str | None = None) -> MeetingEditor | None:
        """The next meeting after `previous_id` (default: the selected meeting)."""
        if not previous_id:
            m = self.selected_meeting()
            previous_id = m.id if m else None
        if not previous_id:
            return None
        template = next_in_series_template(self.ctx, previous_id)
        return self.bring_forward(self._new_window(MeetingEditor(
            self.ctx, None, template=template, drafts=self.drafts, parent=self)))

    # -- recovered drafts -------------------------------------------------------------
    def open_new_recovered(self, draft: Draft) -> MeetingEditor:
        """A meeting never saved: a new editor takes over its drafts and shows them."""
        editor = self.new_record()
        editor.adopt_drafts_of(draft.record_id)
        editor.use_recovered()
        if not editor.title_edit.text():
            editor.title_edit.setText(draft.record_title)
        editor._set_dirty(True)
        return editor
