"""Home: a coordinator's day on one page.

The next partnership call (its time in the meeting's zone and in each consortium's,
who is invited, the open items carried to it, and its briefing packet), proposal
deadlines, action items overdue or due this week (tick done in place, undoable),
member organizations going quiet (mark contacted today, undoable) and the records
changed last. Every row opens its record. The page reads everything in one background
task (`services.home.load`) and reads again after every committed change.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import CoordinatorError
from coordinator.models.enums import ProposalStatus
from coordinator.services.home import ActionRow, HomeData, NextCall
from coordinator.wording import plural
from ui.context import AppContext
from ui.kit.formatting import OVERDUE_BG, OVERDUE_FG, STATUS_LABELS, enum_label
from ui.kit.panels import Panel, RecordList, paint_row
from ui.kit.report_page import ReportPage
from ui.kit.roles import ID_ROLE
from ui.kit.undo import DoneCommand
from ui.timezones import describe_consortium_times, format_in_zone, is_valid_zone
from ui.widgets.forms import SPACING

INVITED_NAMED = 8  # invitees named on the page; the rest are counted
ENTITY_NOUNS = {"contact": "Contact", "organization": "Organization", "proposal": "Proposal",
                "meeting": "Meeting"}


def short_day(day: date | None, today: date) -> str:
    """"Mar 6" this year, "Mar 6, 2025" another year, "—" without a date."""
    if day is None:
        return "—"
    text = f"{day:%b} {day.day}"
    return text if day.year == today.year else f"{text}, {day.year}"


class _Step(DoneCommand):
    """A change the page already made: undo calls `undo_fn`, redo calls `redo_fn`."""

    def __init__(self, ctx: AppContext, text: str, redo_fn: Callable[[], object],
                 undo_fn: Callable[[], object]) -> None:
        super().__init__(ctx, text)
        self._redo_fn, self._undo_fn = redo_fn, undo_fn

    def _redo(self) -> None:
        self._guard(self._redo_fn)

    def undo(self) -> None:
        self._guard(self._undo_fn)


class HomeView(ReportPage):
    """The first view of a database that holds data."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Home", parent)
        self.data: HomeData | None = None

        page = QWidget()
        page.setAccessibleName("Home page")
        grid = QGridLayout(page)
        grid.setContentsMargins(SPACING * 2, SPACING * 2, SPACING * 2, SPACING * 2)
        grid.setSpacing(SPACING * 2)
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        self.heading.setFont(font)
        grid.addWidget(self.heading, 0, 0, 1, 2)
        left, right = QVBoxLayout(), QVBoxLayout()
        for column in (left, right):
            column.setSpacing(SPACING * 2)
        grid.addLayout(left, 1, 0)
        grid.addLayout(right, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)

        self._build_call(left)
        self._build_actions(left)
        self._build_deadlines(right)
        self._build_quiet(right)
        self._build_recent(right)
        left.addStretch(1)
        right.addStretch(1)
        self.setWidget(page)

    # -- building --------------------------------------------------------------------------
    def _lists(self) -> list[RecordList]:
        return [self.carried, self.actions, self.deadlines, self.quiet, self.recent]

    def _build_call(self, column: QVBoxLayout) -> None:
        self.call_panel = Panel("Next partnership call")
        self.call_title = QPushButton()
        self.call_title.setFlat(True)
        self.call_title.setStyleSheet("text-align: left; font-weight: 600;")
        self.call_title.setAccessibleName("Open the next partnership call")
        self.call_title.clicked.connect(self._open_call)
        self.call_when = QLabel()
        self.call_when.setWordWrap(True)
        self.call_when.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.call_zones = QLabel()
        self.call_zones.setAccessibleName("Time in each consortium")
        self.call_invited = QLabel()
        self.call_invited.setWordWrap(True)
        self.call_invited.setAccessibleName("Invited")
        self.call_invited.setTextFormat(Qt.TextFormat.RichText)
        self.call_invited.linkActivated.connect(
            lambda target: self._open("contact", target.removeprefix("contact:")))
        self.carried = RecordList(["Due", "Open item carried to the call", "Owner"],
                                  "Open items carried to the call")
        self.carried.stretch(1)
        self.carried.width(2, 130)
        self.briefing_button = QPushButton("Prepare briefing packet…")
        self.briefing_button.setAccessibleName("Prepare the briefing packet of the next call")
        self.briefing_button.clicked.connect(self.prepare_briefing)
        buttons = QHBoxLayout()
        buttons.addWidget(self.briefing_button)
        buttons.addStretch(1)
        for widget in (self.call_title, self.call_when, self.call_zones, self.call_invited,
                       self.carried):
            self.call_panel.body.addWidget(widget)
        self.call_panel.body.addLayout(buttons)
        column.addWidget(self.call_panel)

    def _build_actions(self, column: QVBoxLayout) -> None:
        self.actions_panel = Panel("Action items")
        self.actions = RecordList(["Done", "Due", "Action item", "Owner", "Meeting"],
                                  "Action items due")
        self.actions.stretch(2)
        self.actions.width(3, 110)
        self.actions.width(4, 120)
        self.actions.itemChanged.connect(self._on_tick)
        self.actions_panel.body.addWidget(self.actions)
        column.addWidget(self.actions_panel)

    def _build_deadlines(self, column: QVBoxLayout) -> None:
        self.deadlines_panel = Panel("Deadlines")
        self.deadlines = RecordList(["Due", "Proposal", "Status", "Lead"], "Deadlines")
        self.deadlines.stretch(1)
        self.deadlines.width(3, 150)
        self.deadlines_panel.body.addWidget(self.deadlines)
        column.addWidget(self.deadlines_panel)

    def _build_quiet(self, column: QVBoxLayout) -> None:
        self.quiet_panel = Panel("Going quiet")
        self.quiet_panel.header.addWidget(QLabel("No contact in"))
        self.quiet_panel.header.addWidget(self.months)
        self.quiet = RecordList(["Organization", "Consortium", "Last contact", ""],
                                "Organizations going quiet")
        self.quiet.stretch(0)
        self.quiet_panel.body.addWidget(self.quiet)
        column.addWidget(self.quiet_panel)

    def _build_recent(self, column: QVBoxLayout) -> None:
        self.recent_panel = Panel("Recently changed")
        self.recent = RecordList(["Record", "Name", "Changed"], "Recently changed")
        self.recent.stretch(1)
        self.recent_panel.body.addWidget(self.recent)
        column.addWidget(self.recent_panel)
        for records in self._lists():
            records.record_activated.connect(self._open)

    # -- loading ---------------------------------------------------------------------------
    def reader(self) -> Callable[[date, datetime, int], HomeData]:
        return self.ctx.services.home.load

    def report_failed(self, exc: BaseException) -> None:  # type: ignore[override]
        self.heading.setText("Home could not be read: " + str(exc))

    def show_report(self, data: HomeData) -> None:
        self.data = data
        self.heading.setText(f"{data.today:%A}, {data.today:%B} {data.today.day}")
        self._show_call(data.next_call, data.today)
        self._show_actions(data.actions, data.today)
        self._show_deadlines(data)
        self._show_quiet(data)
        self._show_recent(data)

    def _show_call(self, call: NextCall | None, today: date) -> None:
        self.carried.clear()
        shown = call is not None
        for widget in (self.call_title, self.call_zones, self.call_invited, self.carried,
                       self.briefing_button):
            widget.setVisible(shown)
        if call is None:
            self.call_panel.say("No partnership call is planned. Plan one in Meetings.")
            self.call_when.clear()
            return
        self.call_panel.say("")
        self.call_title.setText(call.title)
        zone = call.time_zone if is_valid_zone(call.time_zone) else "UTC"
        self.call_when.setText(f"{format_in_zone(call.starts_at, zone)} ({zone}), "
                               f"{call.duration_minutes} minutes")
        self.call_zones.setText(describe_consortium_times(call.starts_at, call.zones, zone))
        names = [f'<a href="contact:{html.escape(p.contact_id)}">'
                 f"{html.escape(p.name, quote=False)}</a>" for p in call.invited[:INVITED_NAMED]]
        more = len(call.invited) - len(names)
        invited = ", ".join(names) + (f" and {more} more" if more > 0 else "")
        self.call_invited.setText(f"Invited ({len(call.invited)}): {invited}" if names
                                  else "No one is invited yet.")
        for a in call.carried:
            item = self.carried.add([short_day(a.due_date, today), a.text, a.owner_name or "—"],
                                    "action_item", a.id, a.text)
            if a.overdue:
                paint_row(item, OVERDUE_FG)
        self.carried.fit_rows(len(call.carried), 6)
        if not call.carried:
            self.carried.hide()

    def _show_actions(self, rows: list[ActionRow], today: date) -> None:
        self.actions.blockSignals(True)
        self.actions.clear()
        for a in rows:
            item = self.actions.add(["", short_day(a.due_date, today), a.text,
                                     a.owner_name or "—", a.meeting_title],
                                    "action_item", a.id, a.text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Unchecked)
            item.setToolTip(0, "Tick when done (Ctrl+Z undoes)")
            if a.overdue:
                paint_row(item, OVERDUE_FG, OVERDUE_BG)
        self.actions.blockSignals(False)
        overdue = sum(1 for a in rows if a.overdue)
        self.actions_panel.say(
            f"{plural(overdue, 'overdue item')}, {len(rows) - overdue} due this week."
            if rows else "Nothing overdue or due this week.")
        self.actions.fit_rows(len(rows), 12)
        self.actions.setVisible(bool(rows))

    def _show_deadlines(self, data: HomeData) -> None:
        self.deadlines.clear()
        for d in data.deadlines:
            item = self.deadlines.add(
                [short_day(d.due_date, data.today), d.title, enum_label(ProposalStatus, d.status),
                 d.lead_name or "—"], "proposal", d.id,
                f"{d.title} — owner {d.owner_name}" if d.owner_name else d.title)
            if d.overdue:
                paint_row(item, OVERDUE_FG, OVERDUE_BG)
        overdue = sum(1 for d in data.deadlines if d.overdue)
        if not data.deadlines:
            text = "No proposal is due in the next 30 days."
        elif overdue:
            text = (f"{plural(overdue, 'overdue proposal')} first, then those due in the "
                    "next 30 days.")
        else:
            text = "Proposals due in the next 30 days."
        self.deadlines_panel.say(text)
        self.deadlines.fit_rows(len(data.deadlines), 8)
        self.deadlines.setVisible(bool(data.deadlines))

    def _show_quiet(self, data: HomeData) -> None:
        quiet = data.quiet
        self.quiet.clear()
        for q in quiet.rows:
            item = self.quiet.add([q.name, q.consortium or "—",
                                   short_day(q.last_contact, data.today) if q.last_contact
                                   else "Never", ""], "organization", q.id)
            button = QPushButton("Mark contacted today")
            button.setAccessibleName(f"Mark {q.name} contacted today")
            button.setEnabled(q.contact_count > 0 and not self.ctx.read_only)
            if q.contact_count == 0:
                button.setToolTip("This organization has no contacts yet.")
            button.clicked.connect(lambda _c=False, oid=q.id, name=q.name:
                                   self.mark_contacted(oid, name))
            self.quiet.setItemWidget(item, 3, button)
        shown = len(quiet.rows)
        since = short_day(quiet.since, data.today)
        if quiet.total == 0:
            text = f"Every member organization has been in contact since {since}."
        elif shown < quiet.total:
            text = (f"{quiet.total:,} member organizations with no contact since {since}; "
                    f"the {shown} quietest are listed.")
        else:
            text = f"{plural(quiet.total, 'member organization')} with no contact since {since}."
        self.quiet_panel.say(text)
        self.quiet.fit_rows(shown, 8)
        self.quiet.setVisible(bool(shown))

    def _show_recent(self, data: HomeData) -> None:
        self.recent.clear()
        for r in data.recent:
            local = r.updated_at.astimezone()
            when = (f"{local:%H:%M}" if local.date() == data.today
                    else short_day(local.date(), data.today))
            self.recent.add([ENTITY_NOUNS.get(r.entity, r.entity), r.label, when], r.entity,
                            r.id)
        self.recent_panel.say("" if data.recent else "Nothing yet.")
        self.recent.setVisible(bool(data.recent))
        self.recent.fit_rows(len(data.recent), 8)

    # -- acting ----------------------------------------------------------------------------
    def _open(self, entity: str, record_id: str) -> None:
        if self.ctx.open_record is not None:
            self.ctx.open_record(entity, record_id)

    def _open_call(self) -> None:
        if self.data is not None and self.data.next_call is not None:
            self._open("meeting", self.data.next_call.id)

    def prepare_briefing(self) -> None:
        """Options, then the packet of the next call (built in the background)."""
        if self.data is None or self.data.next_call is None:
            return
        from ui.briefing.actions import prepare_briefing

        prepare_briefing(self.ctx, self.data.next_call.id, self)

    def _do(self, text: str, redo: Callable[[], object], undo: Callable[[], object],
            done: str) -> bool:
        """Make a change now, then put it on the undo stack; a failure is said on the
        status bar and changes nothing."""
        try:
            redo()
        except CoordinatorError as exc:
            self.ctx.status_message.emit(f"Could not {text[0].lower()}{text[1:]}: {exc}", 8000)
            self.refresh()
            return False
        if self.ctx.undo_stack is not None:
            self.ctx.undo_stack.push(_Step(self.ctx, text, redo, undo))
        self.ctx.status_message.emit(f"{done} Undo with Ctrl+Z.", 6000)
        return True

    def _on_tick(self, item: QTreeWidgetItem, column: int) -> None:
        if column != 0 or item.checkState(0) != Qt.CheckState.Checked:
            return
        item_id = item.data(0, ID_ROLE)
        row = next((a for a in (self.data.actions if self.data else []) if a.id == item_id), None)
        if row is None:
            return
        self.mark_done(row)

    def mark_done(self, row: ActionRow) -> None:
        actions, old = self.ctx.services.actions, row.status
        label = f"“{row.text[:40]}”"
        self._do(f"Mark {label} done",
                 lambda: actions.set_status(row.id, "done"),
                 lambda: actions.set_status(row.id, old),
                 f"{label} is done; it was {STATUS_LABELS.get(old, old).lower()}.")

    def mark_contacted(self, organization_id: str, name: str) -> None:
        home, today = self.ctx.services.home, self.today()
        previous: dict[str, dict] = {}

        def redo() -> None:
            previous["dates"] = home.mark_contacted(organization_id, today)

        def undo() -> None:
            home.restore_contacted(previous.get("dates", {}))

        self._do(f"Mark {name[:40]} contacted today", redo, undo,
                 f"{name} marked contacted today.")

    # -- view protocol ---------------------------------------------------------------------
    def open_record(self, record_id: str) -> object:
        """Select the row of this record in the first panel that lists it."""
        for records in self._lists():
            item = records.item_of(record_id)
            if item is not None:
                records.setCurrentItem(item)
                records.setFocus()
                return item
        return None


__all__ = ["HomeView", "short_day"]
