"""A date field that may be empty ("No due date") and that opens near the date meant.

    due = OptionalDateEdit("No due date")
    due.set_value(None)                 # empty; due.value() -> None
    due.set_anchor(lambda: meeting_day)  # where it opens when empty (default: today)

QDateEdit cannot be empty, so emptiness is a sentinel date below any real one, shown as
the special-value text. When the field is empty, the first arrow key, the first digit
typed and the calendar all start from the anchor date, never from the sentinel. Delete
empties the field. Opening the calendar and closing it without choosing leaves the
field empty (and signals nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QDateEdit, QWidget
from shiboken6 import isValid

EMPTY = QDate(1900, 1, 1)  # the sentinel; no meeting, proposal or action is that old


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class OptionalDateEdit(QDateEdit):
    """A date or nothing; see the module docstring."""

    def __init__(self, empty_text: str = "No date", parent: QWidget | None = None, *,
                 display_format: str = "d MMM yyyy",
                 anchor: Callable[[], date | None] | None = None) -> None:
        super().__init__(parent)
        self._anchor = anchor
        self._opened_empty = False  # the calendar was opened on an empty field
        self._picked = False  # ...and a day was chosen in it
        self.setDisplayFormat(display_format)
        self.setCalendarPopup(True)
        self.setMinimumDate(EMPTY)
        self.setSpecialValueText(empty_text)
        self.setDate(EMPTY)
        self.setToolTip(f"Type or pick a date; Delete clears it ({empty_text.lower()})")
        calendar = self.calendarWidget()
        calendar.clicked.connect(self._on_pick)
        calendar.activated.connect(self._on_pick)
        calendar.window().installEventFilter(self)  # the popup around the calendar

    # -- value -------------------------------------------------------------------------
    def value(self) -> date | None:
        return None if self.is_empty() else to_date(self.date())

    def set_value(self, value: date | None) -> None:
        self.setDate(EMPTY if value is None else to_qdate(value))

    def is_empty(self) -> bool:
        return self.date() <= EMPTY

    def clear(self) -> None:
        self.setDate(EMPTY)

    def set_anchor(self, anchor: Callable[[], date | None] | None) -> None:
        """Where an empty field starts: `anchor()` (None or no anchor: today)."""
        self._anchor = anchor

    def anchor_date(self) -> QDate:
        chosen = self._anchor() if self._anchor is not None else None
        return to_qdate(chosen) if chosen is not None else QDate.currentDate()

    # -- an empty field starts at the anchor ---------------------------------------------
    def stepBy(self, steps: int) -> None:
        if self.is_empty():
            self.setDate(self.anchor_date())
            return
        super().stepBy(steps)

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        if self.is_empty():
            return (QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
                    | QAbstractSpinBox.StepEnabledFlag.StepDownEnabled)
        return super().stepEnabled()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete and not self.isReadOnly():
            self.clear()
            event.accept()
            return
        if self.is_empty() and event.text().isdigit() and not self.isReadOnly():
            self.setDate(self.anchor_date())  # the digit then replaces the first part
            self.setCurrentSectionIndex(0)
            self.setSelectedSection(self.sectionAt(0))
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The calendar opens on the anchor's month when the field is empty."""
        if event.type() == QEvent.Type.Show and self.is_empty():
            self._opened_empty, self._picked = True, False
            with QSignalBlocker(self):  # opening is not an edit
                self.calendarWidget().setSelectedDate(self.anchor_date())
        elif event.type() == QEvent.Type.Hide and self._opened_empty:
            # after the calendar's own click handling, which may come after this
            QTimer.singleShot(0, self._after_popup)
        return False

    def _on_pick(self, _day: QDate) -> None:
        if self._opened_empty:
            self._picked = True

    def _after_popup(self) -> None:
        if not isValid(self) or not self._opened_empty:
            return
        self._opened_empty = False
        anchor = self.anchor_date()
        if self._picked and self.date() == anchor:
            self.dateChanged.emit(self.date())  # set silently on opening: say so now
        elif not self._picked and self.date() == anchor:
            with QSignalBlocker(self):  # closed without a choice: still empty
                self.setDate(EMPTY)


__all__ = ["EMPTY", "OptionalDateEdit", "to_date", "to_qdate"]
