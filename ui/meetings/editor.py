"""The meeting editor window.

Details (title, series, kind, start date and time in an IANA zone, the start shown in
every attending consortium's zone, duration, place or link, consortia), agenda,
attendees, notes (Markdown with preview, autosaved as a draft) and decisions, and
action items. For a meeting in a series, a side panel shows the previous meeting with
an offer to copy its agenda and lists the open action items carried forward.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator.errors import CoordinatorError, FieldProblem
from coordinator.models.enums import MeetingKind
from coordinator.reference import CONSORTIA
from coordinator.services import MeetingFilter, ProposalFilter
from coordinator.services.records import AgendaItemData, MeetingData
from ui.context import AppContext
from ui.kit.drafts import Draft, DraftAutosaver, DraftKey, DraftStore
from ui.kit.editor import RecordEditor
from ui.kit.markdown import MarkdownEditor
from ui.kit.undo import run_undoable
from ui.meetings.attendees import AttendeesEditor
from ui.meetings.items import ActionItemsEditor, AgendaEditor
from ui.meetings.previous import PreviousMeetingPanel
from ui.timezones import (
    all_zone_names,
    describe_consortium_times,
    format_in_zone,
    in_zone,
    is_valid_zone,
    local_to_utc,
    system_zone_name,
)
from ui.widgets.dates import to_date


class MeetingEditor(RecordEditor):
    noun = "meeting"
    record_type = MeetingData
    open_meeting = Signal(str)

    def __init__(self, ctx: AppContext, meeting_id: str | None = None,
                 template: MeetingData | None = None, drafts: DraftStore | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, meeting_id, drafts, parent)
        self._private_notes = ""
        order = {c.id: i for i, c in enumerate(CONSORTIA)}  # the coalition's usual order
        self.consortia = sorted(ctx.services.consortia.list(),
                                key=lambda c: (order.get(c.id, 99), c.name))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1180, 760)
        self._build()
        if meeting_id:
            data = ctx.services.meetings.get(meeting_id)
        else:
            data = template or MeetingData(time_zone=system_zone_name())
            if data.starts_at is None:
                data.starts_at = self._default_start(data.time_zone)
        self.load(data)
        self._load_proposals()
        self.finish_setup()

    @property
    def meeting_id(self) -> str | None:
        return self.record_id

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Meeting title, e.g. Mobility working group call")
        font = self.title_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setWeight(QFont.Weight.DemiBold)
        self.title_edit.setFont(font)
        self.series_box = QComboBox()
        self.series_box.setEditable(True)
        self.series_box.addItem("")
        for s in self.ctx.services.meetings.series():
            self.series_box.addItem(s.name, s.id)
        self.series_box.lineEdit().setPlaceholderText("No series (type a name to start one)")
        self.kind_box = QComboBox()
        for k in MeetingKind:
            self.kind_box.addItem(k.label, k.value)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.time_edit = QTimeEdit()
        self.time_edit.setDisplayFormat("HH:mm")
        self.zone_box = QComboBox()
        self.zone_box.setEditable(True)
        self.zone_box.addItems(list(all_zone_names()))
        self.zone_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone_box.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone_box.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.zone_box.setMinimumWidth(220)
        self.duration_spin = QSpinBox()
        self.duration_spin.setRange(0, 24 * 60 * 7)
        self.duration_spin.setSingleStep(15)
        self.duration_spin.setSuffix(" min")
        self.end_label = QLabel()
        self.location_edit = QLineEdit()
        self.location_edit.setPlaceholderText("Room, building, city")
        self.link_edit = QLineEdit()
        self.link_edit.setPlaceholderText("https://… video call link")
        self.consortium_checks: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for i, c in enumerate(self.consortia):
            check = QCheckBox(c.short_name)
            check.setToolTip(f"{c.name} — {c.time_zone}")
            check.toggled.connect(self._on_time_changed)
            self.consortium_checks[c.id or ""] = check
            grid.addWidget(check, i // 4, i % 4)
        self.zone_times = QLabel()
        self.zone_times.setTextFormat(Qt.TextFormat.PlainText)
        self.zone_times.setStyleSheet("font-size: 11pt;")
        self.your_time = QLabel()
        self.your_time.setStyleSheet("color: palette(dark);")

        when = QHBoxLayout()
        when.addWidget(self.date_edit)
        when.addWidget(self.time_edit)
        when.addWidget(self.zone_box, 1)
        length = QHBoxLayout()
        length.addWidget(self.duration_spin)
        length.addWidget(self.end_label, 1)
        form = QFormLayout()
        form.addRow("Series", self.series_box)
        form.addRow("Kind", self.kind_box)
        form.addRow("Starts", when)
        form.addRow("Duration", length)
        form.addRow("Place", self.location_edit)
        form.addRow("Link", self.link_edit)
        form.addRow("Consortia", grid)
        times_box = QWidget()
        times_layout = QVBoxLayout(times_box)
        heading = QLabel("Start time for each consortium")
        heading.setStyleSheet("font-weight: 600;")
        times_layout.addWidget(heading)
        times_layout.addWidget(self.zone_times)
        times_layout.addWidget(self.your_time)
        times_layout.addStretch(1)
        # The form and the list of times share the width 3:2 whatever the times say, so
        # ticking a consortium (which fills the list) never moves the checkboxes.
        form_box = QWidget()
        form_box.setLayout(form)
        for box, stretch in ((form_box, 3), (times_box, 2)):
            policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            policy.setHorizontalStretch(stretch)
            box.setSizePolicy(policy)
        form_box.setMinimumWidth(form_box.minimumSizeHint().width())
        times_box.setMinimumWidth(heading.sizeHint().width() + 24)
        for label in (self.zone_times, self.your_time):
            label.setWordWrap(True)
        details = QWidget()
        details_layout = QHBoxLayout(details)
        details_layout.addWidget(form_box)
        details_layout.addWidget(times_box)

        self.agenda = AgendaEditor()
        self.attendees = AttendeesEditor(self.ctx)
        self.notes = MarkdownEditor("Notes in Markdown: what was said, by whom…")
        self.decisions_edit = QPlainTextEdit()
        self.decisions_edit.setPlaceholderText("One decision per line")
        self.action_items = ActionItemsEditor()
        self.action_items.meeting_day = lambda: to_date(self.date_edit.date())
        self.autosaver = DraftAutosaver(self.drafts, self.notes.editor,
                                        DraftKey("meeting", self.record_key, "notes"), "Notes",
                                        title=lambda: self.title_edit.text())
        notes_split = QSplitter(Qt.Orientation.Vertical)
        notes_split.addWidget(self.notes)
        decisions = QWidget()
        decisions_layout = QVBoxLayout(decisions)
        decisions_layout.setContentsMargins(0, 0, 0, 0)
        decisions_layout.addWidget(QLabel("Decisions"))
        decisions_layout.addWidget(self.decisions_edit)
        notes_split.addWidget(decisions)
        notes_split.setSizes([500, 160])

        self.tabs = QTabWidget()
        self.tabs.addTab(details, "Details")
        self.tabs.addTab(self.agenda, "Agenda")
        self.tabs.addTab(self.attendees, "Attendees")
        self.tabs.addTab(notes_split, "Notes && decisions")
        self.tabs.addTab(self.action_items, "Action items")
        self.previous_panel = PreviousMeetingPanel()
        self.previous_panel.copy_agenda_requested.connect(self.copy_previous_agenda)
        self.previous_panel.copy_attendees_requested.connect(self.copy_previous_attendees)
        self.previous_panel.open_meeting_requested.connect(self.open_meeting)
        self.previous_panel.done_toggled.connect(self.set_carried_item_done)
        body = QSplitter()
        body.addWidget(self.tabs)
        body.addWidget(self.previous_panel)
        body.setSizes([880, 290])
        body.setStretchFactor(0, 1)

        self.frame(body, top=(self.title_edit,))

        for signal in (self.title_edit.textChanged, self.series_box.currentTextChanged,
                       self.kind_box.currentIndexChanged, self.location_edit.textChanged,
                       self.link_edit.textChanged, self.notes.text_changed,
                       self.decisions_edit.textChanged, self.agenda.changed,
                       self.attendees.changed, self.action_items.changed):
            signal.connect(self._mark_dirty)
        for signal in (self.date_edit.dateChanged, self.time_edit.timeChanged,
                       self.zone_box.currentTextChanged, self.duration_spin.valueChanged):
            signal.connect(self._on_time_changed)
        self.duration_spin.valueChanged.connect(
            lambda v: self.agenda.set_planned_minutes(v))
        self.attendees.changed.connect(self._on_attendees_changed)
        self._series_timer = QTimer(self)  # typing a series name looks it up once, after
        self._series_timer.setSingleShot(True)
        self._series_timer.setInterval(300)
        self._series_timer.timeout.connect(self._on_series_changed)
        self.series_box.currentTextChanged.connect(lambda _: self._series_timer.start())
        self.date_edit.dateChanged.connect(lambda _: self._series_timer.start())
        self.agenda.changed.connect(self._update_tab_titles)
        self.action_items.changed.connect(self._update_tab_titles)

    # -- data -------------------------------------------------------------------------
    def fill(self, d: MeetingData) -> None:
        self.title_edit.setText(d.title)
        self.series_box.setCurrentText(d.series_name)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(d.kind)))
        zone = d.time_zone if is_valid_zone(d.time_zone) else system_zone_name()
        self.zone_box.setCurrentText(zone)
        if d.starts_at:
            local = in_zone(d.starts_at, zone)
            self.date_edit.setDate(QDate(local.year, local.month, local.day))
            self.time_edit.setTime(QTime(local.hour, local.minute))
        self.duration_spin.setValue(d.duration_minutes)
        self.location_edit.setText(d.location)
        self.link_edit.setText(d.link)
        for cid, check in self.consortium_checks.items():
            check.setChecked(cid in d.consortium_ids)
        self.attendees.set_attendees(d.attendees)
        people = self.attendees.people()
        self.agenda.set_people(people)
        self.action_items.set_people(people)
        self.agenda.set_values(d.agenda)
        self.action_items.set_values(d.action_items)
        self.notes.set_text(d.notes)
        self.decisions_edit.setPlainText("\n".join(d.decisions))
        self._private_notes = d.private_notes
        self.setWindowTitle(f"Meeting — {d.title}" if self.meeting_id else "New meeting")
        self._show_times()

    def load(self, data: MeetingData) -> None:
        super().load(data)
        self._on_series_changed()
        if not self.meeting_id and data.series_name:
            self._set_dirty(True)  # the next meeting of a series, prepared: worth saving

    def starts_at(self) -> datetime | None:
        zone = self.zone_box.currentText().strip()
        if not is_valid_zone(zone):
            return None
        d, t = self.date_edit.date(), self.time_edit.time()
        return local_to_utc(date(d.year(), d.month(), d.day()), time(t.hour(), t.minute()), zone)

    def value(self) -> MeetingData:
        return MeetingData(
            title=self.title_edit.text().strip(), starts_at=self.starts_at(),
            time_zone=self.zone_box.currentText().strip(),
            series_name=self.series_box.currentText().strip(),
            kind=self.kind_box.currentData(), duration_minutes=self.duration_spin.value(),
            location=self.location_edit.text().strip(), link=self.link_edit.text().strip(),
            notes=self.notes.text(), private_notes=self._private_notes,
            consortium_ids=[cid for cid, c in self.consortium_checks.items() if c.isChecked()],
            agenda=[a for a in self.agenda.values() if a.title],
            attendees=self.attendees.attendees(),
            decisions=[x.strip() for x in self.decisions_edit.toPlainText().splitlines()
                       if x.strip()],
            action_items=[a for a in self.action_items.values() if a.text])

    def record_title(self) -> str:
        return self.title_edit.text().strip()

    def problems(self) -> list[FieldProblem]:
        data = self.value()
        # an unknown zone is said once, by the time_zone problem
        return [p for p in self.ctx.services.meetings.validate(data)
                if not (p.field == "starts_at" and not is_valid_zone(data.time_zone))]

    def after_save(self, saved: MeetingData) -> None:
        self._loading = True
        try:
            self.action_items.set_values(saved.action_items)  # keep the ids given on save
        finally:
            self._loading = False
        self.setWindowTitle(f"Meeting — {saved.title}")

    def set_record_key(self, record_key: str) -> None:
        super().set_record_key(record_key)
        self.autosaver.set_key(DraftKey("meeting", record_key, "notes"))

    def stop_autosave(self) -> None:
        super().stop_autosave()
        self.autosaver.stop()

    # -- series -----------------------------------------------------------------------
    def previous_meeting(self) -> MeetingData | None:
        meetings = self.ctx.services.meetings
        if self.meeting_id:
            prev = meetings.previous_in_series(self.meeting_id)
            if prev is not None or self.series_box.currentText().strip() == \
                    meetings.get(self.meeting_id).series_name:
                return prev
        series_id = self.series_box.currentData() if self.series_box.currentIndex() > 0 else None
        if series_id is None:
            name = self.series_box.currentText().strip().casefold()
            series_id = next((s.id for s in meetings.series() if s.name.casefold() == name),
                             None)
        if series_id is None:
            return None
        start = self.starts_at()
        rows = meetings.list(MeetingFilter(series_id=series_id, starts_before=start),
                             descending=True, limit=2).rows
        rows = [m for m in rows if m.id != self.meeting_id]
        return rows[0] if rows else None

    def _on_series_changed(self, *_: object) -> None:
        if self._loading:
            return
        try:
            prev = self.previous_meeting()
            items = self.ctx.services.meetings.relevant_action_items(prev.id) if prev else []
        except CoordinatorError:  # this meeting (or the previous) went to Trash meanwhile
            prev, items = None, []
        items = [a for a in items if a.meeting_id != self.meeting_id]
        self.previous_panel.set_previous(prev, items)

    def set_carried_item_done(self, item_id: str, done: bool) -> None:
        """Mark an open item carried from an earlier meeting done (or open again), as an
        undoable step of its own: it belongs to that meeting, not to this editor's save."""
        actions = self.ctx.services.actions
        new, old = ("done", "open") if done else ("open", "done")
        text = next((a.text for a in self.previous_panel.open_items if a.id == item_id), "")

        def apply(status: str) -> None:
            actions.set_status(item_id, status)
            if isValid(self.previous_panel):
                self.previous_panel.mark_shown(item_id, status == "done")

        try:
            run_undoable(self.ctx, f"Mark “{text[:40]}” {new}", lambda: apply(new),
                         lambda: apply(old))
        except CoordinatorError as exc:
            self.previous_panel.mark_shown(item_id, not done)
            self.ctx.status_message.emit(str(exc), 6000)

    def copy_previous_agenda(self) -> None:
        prev = self.previous_panel.previous
        if prev is None:
            return
        current = [a for a in self.agenda.values() if a.title]
        titles = {a.title.casefold() for a in current}
        for a in prev.agenda:
            if a.title.casefold() not in titles:
                current.append(AgendaItemData(a.title, a.presenter_id, a.minutes, a.details,
                                              a.presenter_name))
        self.agenda.set_values(current)
        self.tabs.setCurrentWidget(self.agenda)
        self._mark_dirty()
        self._update_tab_titles()

    def copy_previous_attendees(self) -> None:
        prev = self.previous_panel.previous
        if prev is None:
            return
        for a in prev.attendees:
            self.attendees.add_contact(a.contact_id, a.role)
        self._on_attendees_changed()

    # -- drafts -----------------------------------------------------------------------
    def recovered_texts(self, state: MeetingData | None) -> list[Draft]:
        """The notes, when typed since the whole state was saved."""
        notes = self.drafts.get(DraftKey("meeting", self.record_key, "notes"))
        if notes is not None and notes.text != (state.notes if state else self.notes.text()):
            return [notes]
        return []

    def apply_recovered_texts(self, found: list[Draft], state_draft: Draft | None) -> None:
        for notes in (d for d in found if d.field == "notes"):
            if state_draft is None or notes.saved_at >= state_draft.saved_at:
                self.notes.set_text(notes.text)
                self.tabs.setCurrentIndex(self.tabs.count() - 2)  # Notes & decisions

    # -- helpers ----------------------------------------------------------------------
    @staticmethod
    def _default_start(zone: str) -> datetime:
        """Next weekday at 10:00 in `zone`."""
        day = in_zone(datetime.now().astimezone(), zone).date() + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return local_to_utc(day, time(10, 0), zone)

    def _on_time_changed(self, *_: object) -> None:
        self._show_times()
        self._mark_dirty()

    def _show_times(self) -> None:
        """The end time and the start in each attending consortium's zone."""
        start, zone = self.starts_at(), self.zone_box.currentText().strip()
        if start is None:
            self.zone_times.setText("Pick a time zone from the list.")
            self.end_label.clear()
            return
        end = in_zone(start + timedelta(minutes=self.duration_spin.value()), zone)
        self.end_label.setText(f"ends {end:%H:%M} {end.tzname()}")
        # attending consortia: those ticked, and those of the people invited
        checked = {cid for cid, c in self.consortium_checks.items() if c.isChecked()}
        checked |= self.attendees.consortium_ids()
        chosen = [c for c in self.consortia if c.id in checked]
        self.zone_times.setText(
            describe_consortium_times(start, chosen, zone) if chosen else
            "Tick the consortia taking part (adding attendees ticks theirs).")
        mine = system_zone_name()
        self.your_time.setText("" if mine == zone else
                               f"On this computer ({mine}): {format_in_zone(start, mine)}")

    def _on_attendees_changed(self) -> None:
        self._on_time_changed()
        for cid in self.attendees.consortium_ids():
            if cid in self.consortium_checks:
                self.consortium_checks[cid].setChecked(True)
        people = self.attendees.people()
        self.agenda.set_people(people)
        self.action_items.set_people(people)
        self._update_tab_titles()

    def _load_proposals(self) -> None:
        services = self.ctx.services

        def load() -> list[tuple[str, str]]:
            return [(p.id or "", p.title) for p in
                    services.proposals.list(ProposalFilter(open_only=True), sort="title").rows]

        def show(rows: list[tuple[str, str]]) -> None:
            if isValid(self.action_items):
                self.action_items.set_proposals(rows)

        self.ctx.tasks.run(load, on_done=show,
                           key=f"meeting-proposals-{id(self)}")

    def _update_tab_titles(self) -> None:
        for index, (name, count) in enumerate((
                ("Agenda", self.agenda.table.rowCount()),
                ("Attendees", len(self.attendees.people())),
                ("Action items", self.action_items.table.rowCount())), start=1):
            self.tabs.setTabText(index if index < 3 else 4, f"{name} ({count})" if count
                                 else name)

    def after_dirty_changed(self) -> None:
        self._update_tab_titles()


__all__ = ["MeetingEditor"]
