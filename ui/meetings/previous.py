"""The side panel of the meeting editor for a meeting in a series: the previous meeting,
an offer to copy its agenda (and invite the same people), and its open action items."""

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
from ui.proposals.model import OVERDUE_FG
from ui.timezones import format_in_zone


class PreviousMeetingPanel(QGroupBox):
    copy_agenda_requested = Signal()
    copy_attendees_requested = Signal()
    open_meeting_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Previous meeting in this series", parent)
        self.previous: MeetingData | None = None
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
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.copy_agenda_button)
        layout.addWidget(self.copy_people_button)
        layout.addWidget(self.open_button)
        layout.addWidget(self.items_label)
        layout.addWidget(self.items, 1)
        self.set_previous(None, [])

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
            self.summary.setText(f"{previous.title}\n{when}\n{len(previous.agenda)} agenda "
                                 f"items · {len(previous.attendees)} attendees · "
                                 f"{len(previous.decisions)} decisions")
            self.copy_agenda_button.setEnabled(bool(previous.agenda))
            self.copy_agenda_button.setText(f"Copy its agenda ({len(previous.agenda)} items)")
            self.copy_people_button.setEnabled(bool(previous.attendees))
        self.items.clear()
        self.items_label.setText(f"Open action items ({len(self.open_items)})")
        for a in self.open_items:
            due = f" · due {a.due_date:%b} {a.due_date.day}" if a.due_date else ""
            item = QListWidgetItem(f"{a.text}\n{a.owner_name or 'no owner'}{due}"
                                   + (" · OVERDUE" if a.is_overdue(today) else ""))
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            item.setToolTip(f"From “{a.meeting_title}”"
                            + (f"\nProposal: {a.proposal_title}" if a.proposal_title else ""))
            if a.is_overdue(today):
                item.setForeground(QBrush(OVERDUE_FG))
            self.items.addItem(item)
        if not self.open_items:
            self.items.addItem("Nothing open: every earlier action item is done.")
