"""The action items of a meeting are edited with the keyboard: Tab from the owner into
the due date, set the date with the arrow keys, open and close the pop-ups. Focusing a
cell once re-selected its row from the focus event, which focused a cell again, until
the stack overflowed and the app died (so a failure here may be a crash)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from coordinator.services.records import ActionItemData, AttendeeData, MeetingData
from ui.meetings.editor import MeetingEditor

MEETING_DAY = date(2027, 3, 10)  # later than today: new due dates start there


@pytest.fixture
def editor(qtbot, ctx, services, coalition) -> MeetingEditor:
    people = [coalition.people["SNF"], coalition.people["CSCA"]]
    meeting = services.meetings.create(MeetingData(
        title="Mobility call", starts_at=datetime(2027, 3, 10, 15, 0, tzinfo=UTC),
        time_zone="America/Chicago", attendees=[AttendeeData(p) for p in people],
        action_items=[ActionItemData("Draft the data-sharing MOU", owner_id=people[0]),
                      ActionItemData("Book the room", owner_id=people[1])]))
    widget = MeetingEditor(ctx, meeting.id)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.tabs.setCurrentWidget(widget.action_items)
    QApplication.processEvents()
    return widget


def cell(editor: MeetingEditor, row: int, col: int):
    return editor.action_items.table.cellWidget(row, col)


def test_tab_from_owner_into_due_then_set_the_date_with_the_keyboard(qtbot, editor,
                                                                      services):
    owner, due = cell(editor, 0, 1), cell(editor, 0, 2)
    owner.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(owner.hasFocus)
    qtbot.keyClick(owner, Qt.Key.Key_Tab)
    QApplication.processEvents()
    assert QApplication.focusWidget() in (due, due.lineEdit() if hasattr(due, "lineEdit")
                                          else due)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)  # empty -> the meeting's day
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)  # the day after
    assert editor.save()
    saved = services.meetings.get(editor.meeting_id)
    assert saved.action_items[0].due_date == date(2027, 3, 11)
    assert saved.action_items[1].due_date is None


def test_escape_in_the_owner_popup_and_the_due_calendar(qtbot, editor):
    owner, due = cell(editor, 1, 1), cell(editor, 1, 2)
    owner.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.keyClick(owner, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    qtbot.mouseClick(due, Qt.MouseButton.LeftButton, pos=QPoint(due.width() - 8,
                                                                due.height() // 2))
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    qtbot.waitUntil(lambda: editor.value().action_items[1].due_date is None)  # no choice
    assert editor.isVisible()


def test_remove_acts_on_the_row_being_edited(qtbot, editor):
    text = cell(editor, 1, 0)
    text.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(text.hasFocus)
    qtbot.mouseClick(editor.action_items.remove_button, Qt.MouseButton.LeftButton)
    assert [a.text for a in editor.action_items.values()] == ["Draft the data-sharing MOU"]


def test_move_up_acts_on_the_row_being_edited(qtbot, editor):
    due = cell(editor, 1, 2)
    due.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(due.hasFocus)
    qtbot.mouseClick(editor.action_items.up_button, Qt.MouseButton.LeftButton)
    assert [a.text for a in editor.action_items.values()] == [
        "Book the room", "Draft the data-sharing MOU"]
    qtbot.mouseClick(editor.action_items.down_button, Qt.MouseButton.LeftButton)
    assert [a.text for a in editor.action_items.values()] == [
        "Draft the data-sharing MOU", "Book the room"]
