"""The side panel of the meeting editor for a meeting in a series: the previous meeting,
an offer to copy its agenda (and invite the same people), and its open action items,
each with a check box to mark it done right there (`done_toggled`; the editor saves it
as an undoable step). A ticked item stays listed, struck through, so that a slip of the
mouse is undone by ticking it off again."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.services.records import ActionItemData, MeetingData
from coordinator.wording import plural
from ui.kit.formatting import OVERDUE_FG
from ui.kit.roles import ID_ROLE
from ui.timezones import format_in_zone


class PreviousMeetingPanel(QGroupBox):
    copy_agenda_requested = Signal()
    copy_attendees_requested = Signal()
    open_meeting_requested = Signal(str)
    done_toggled = Signal(str, bool)  # action item id, done

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Previous meeting in this series", parent)
        self.previous: MeetingData | None = None
        self._filling = False
        self.open_items: list[ActionItemData] = []
        self.summary = QLabel("This meeting is not part of a series.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.copy_agenda_button = QPushButton("Copy its agenda")
        self.copy_agenda_button.clicked.connect(self.copy_agenda_requested)
        self.copy_people_button = QPushButton("Invite the same people")
        self.copy_people_button.clicked.connect(self.copy_attendees_requested)
        self.open_button = QPushButton("Open previous meeting")
        self.open_button.clicked.connect(
            lambda: self.previous and self.open_meeting_requested.emit(self.previous.id))
        self.items_label = QLabel("Open action items")
        self.items_label.setStyleSheet("font-weight: 600;")
        self.items = QListWidget()
        self.items.setWordWrap(True)
        self.items.setSpacing(3)
        self.items.setAlternatingRowColors(True)
        self.items.setAccessibleName("Open action items from earlier meetings")
        self.items.itemChanged.connect(self._on_item_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.copy_agenda_button)
        layout.addWidget(self.copy_people_button)
        layout.addWidget(self.open_button)
        layout.addWidget(self.items_label)
        layout.addWidget(self.items, 1)
        self.set_previous(None, [])

    def mark_shown(self, item_id: str, done: bool) -> None:
        """Show an item as done (struck through, ticked) or open again."""
        for row in range(self.items.count()):
            item = self.items.item(row)
            if item.data(ID_ROLE) == item_id:
                self._filling = True
                item.setCheckState(Qt.CheckState.Checked if done else Qt.CheckState.Unchecked)
                font = item.font()
                font.setStrikeOut(done)
                item.setFont(font)
                self._filling = False

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        item_id = item.data(ID_ROLE)
        if self._filling or not item_id:
            return
        self.done_toggled.emit(item_id, item.checkState() == Qt.CheckState.Checked)

    def set_previous(self, previous: MeetingData | None, open_items: list[ActionItemData],
                     today: date | None = None) -> None:
        self.previous, self.open_items = previous, list(open_items)
        today = today or date.today()
        has = previous is not None
        for w in (self.copy_agenda_button, self.copy_people_button, self.open_button):
            w.setVisible(has)
        if previous is None:
            self.summary.setText("No earlier meeting in this series. Choose a series on the "
                                 "Details tab to carry agenda and action items forward.")
        else:
            when = format_in_zone(previous.starts_at, previous.time_zone) \
                if previous.starts_at else ""
            self.summary.setText(f"{previous.title}\n{when}\n"
                                 f"{plural(len(previous.agenda), 'agenda item')} · "
                                 f"{plural(len(previous.attendees), 'attendee')} · "
                                 f"{plural(len(previous.decisions), 'decision')}")
            self.copy_agenda_button.setEnabled(bool(previous.agenda))
            self.copy_agenda_button.setText(
                f"Copy its agenda ({plural(len(previous.agenda), 'item')})")
            self.copy_people_button.setEnabled(bool(previous.attendees))
        self._filling = True
        self.items.clear()
        self.items_label.setText(f"Open action items ({len(self.open_items)})")
        for a in self.open_items:
            due = f" · due {a.due_date:%b} {a.due_date.day}" if a.due_date else ""
            item = QListWidgetItem(f"{a.text}\n{a.owner_name or 'no owner'}{due}"
                                   + (" · OVERDUE" if a.is_overdue(today) else ""))
            item.setData(ID_ROLE, a.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(f"From “{a.meeting_title}”"
                            + (f"\nProposal: {a.proposal_title}" if a.proposal_title else "")
                            + "\nTick to mark it done (Space).")
            if a.is_overdue(today):
                item.setForeground(QBrush(OVERDUE_FG))
            self.items.addItem(item)
        self._filling = False
        if not self.open_items:
            self.items.addItem("Nothing open: every earlier action item is done.")
