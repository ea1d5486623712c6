"""The reminders bar at the top of the main window: what is overdue or due within a
week, each line opening its record, with Snooze (1 day) and "Don't remind me" per
item and Dismiss for the whole bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from coordinator.services.reminders import Reminder

MAX_SHOWN = 5  # lines listed; the rest are counted ("and 3 more")


class ReminderRow(QWidget):
    """One reminder: its text as a link-like button, Snooze and Don't remind."""

    def __init__(self, reminder: Reminder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reminder = reminder
        self.open_button = QPushButton(reminder.text)
        self.open_button.setFlat(True)
        self.open_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.open_button.setStyleSheet(
            "QPushButton { text-align: left; color: #0b57d0; border: none; padding: 2px 4px; }"
            "QPushButton:hover { text-decoration: underline; }")
        self.open_button.setToolTip("Open this record")
        self.open_button.setAccessibleName(f"Open {reminder.text}")
        self.snooze_button = QPushButton("Snooze 1 day")
        self.snooze_button.setToolTip("Remind me again tomorrow")
        self.off_button = QPushButton("Don't remind me")
        self.off_button.setToolTip("No more reminders about this item while its due date "
                                   "stays the same")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.open_button, 1)
        layout.addWidget(self.snooze_button)
        layout.addWidget(self.off_button)


class RemindersBanner(QFrame):
    """Lists reminders; emits what the user chose, the caller acts on it."""

    open_requested = Signal(str, str)  # kind ("proposal" / "action_item"), record id
    snooze_requested = Signal(object)  # Reminder
    switch_off_requested = Signal(object)  # Reminder
    dismissed = Signal()
    more_requested = Signal()  # "and N more" clicked: Home lists them all

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remindersBar")
        self.setAccessibleName("Reminders")
        self.setStyleSheet(
            "#remindersBar { background: #fff4d6; border: 1px solid #e0b84c;"
            " border-radius: 4px; }")
        self.reminders: list[Reminder] = []
        self.rows: list[ReminderRow] = []
        self.heading = QLabel()
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setToolTip("Hide these reminders until tomorrow")
        self.dismiss_button.clicked.connect(self.dismiss)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.dismiss_button)
        self.list_layout = QVBoxLayout()
        self.list_layout.setSpacing(0)
        self.more_label = QLabel()
        self.more_label.setContentsMargins(4, 0, 0, 0)
        self.more_label.setToolTip("See them all on Home")
        self.more_label.linkActivated.connect(lambda _link: self.more_requested.emit())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(self.list_layout)
        layout.addWidget(self.more_label)
        self.hide()

    # -- what is listed --------------------------------------------------------------------
    def add_reminders(self, reminders: list[Reminder]) -> None:
        """Add those not listed yet (by item) and show the bar; an hourly check adds
        what fell due meanwhile without repeating what is there, and a line already
        listed takes the newer wording ("3 days overdue" once the day has changed)."""
        newer = {r.key: r for r in reminders}
        listed = {r.key for r in self.reminders}
        self.reminders = [newer.get(r.key, r) for r in self.reminders]
        self.reminders += [r for r in reminders if r.key not in listed]
        self._rebuild()

    def remove(self, reminder: Reminder) -> None:
        self.reminders = [r for r in self.reminders if r.key != reminder.key]
        self._rebuild()

    def clear(self) -> None:
        self.reminders = []
        self._rebuild()

    def dismiss(self) -> None:
        self.clear()
        self.dismissed.emit()

    def listed_texts(self) -> list[str]:
        return [row.reminder.text for row in self.rows]

    def _rebuild(self) -> None:
        for row in self.rows:
            self.list_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows = []
        for reminder in self.reminders[:MAX_SHOWN]:
            row = ReminderRow(reminder, self)
            row.open_button.clicked.connect(
                lambda _c=False, r=reminder: self.open_requested.emit(r.entry.kind, r.entry.id))
            row.snooze_button.clicked.connect(
                lambda _c=False, r=reminder: self.snooze_requested.emit(r))
            row.off_button.clicked.connect(
                lambda _c=False, r=reminder: self.switch_off_requested.emit(r))
            self.list_layout.addWidget(row)
            self.rows.append(row)
        count = len(self.reminders)
        more = count - len(self.rows)
        self.more_label.setText(f'<a href="home">and {more} more</a>' if more > 0 else "")
        self.more_label.setVisible(more > 0)
        self.heading.setText(
            f"Reminders: {count} item{'s' if count != 1 else ''} need"
            f"{'s' if count == 1 else ''} attention")
        self.setVisible(count > 0)


__all__ = ["MAX_SHOWN", "ReminderRow", "RemindersBanner"]
