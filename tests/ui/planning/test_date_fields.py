"""Optional date fields (a proposal's due date, an action item's due date) start empty
and, when opened or stepped, start at today (an action item: its meeting's day when
that is later), never at the old "no date" sentinel of 1 January 2000."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QTableView

from coordinator.services.records import ActionItemData, MeetingData
from ui.meetings.editor import MeetingEditor
from ui.proposals.editor import ProposalEditor


def open_calendar(qtbot, field) -> None:
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton,
                     pos=QPoint(field.width() - 8, field.height() // 2))
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)


def shown_month(field) -> tuple[int, int]:
    calendar = field.calendarWidget()
    return calendar.yearShown(), calendar.monthShown()


def test_a_new_proposals_due_date_is_empty_and_opens_at_today(qtbot, ctx):
    editor = ProposalEditor(ctx)
    qtbot.addWidget(editor)
    editor.show()
    today = date.today()
    assert editor.value().due_date is None
    assert editor.due_edit.text() == "No due date"
    open_calendar(qtbot, editor.due_edit)
    assert shown_month(editor.due_edit) == (today.year, today.month)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    qtbot.waitUntil(lambda: editor.due_edit.text() == "No due date")
    assert editor.value().due_date is None
    assert not editor.dirty  # looking at the calendar is not an edit


def test_one_up_arrow_on_no_due_date_gives_today(qtbot, ctx):
    editor = ProposalEditor(ctx)
    qtbot.addWidget(editor)
    editor.show()
    editor.due_edit.setFocus()
    qtbot.keyClick(editor.due_edit, Qt.Key.Key_Up)
    assert editor.value().due_date == date.today()
    qtbot.keyClick(editor.due_edit, Qt.Key.Key_Up)
    assert editor.value().due_date == date.today() + timedelta(days=1)
    qtbot.keyClick(editor.due_edit, Qt.Key.Key_Delete)
    assert editor.value().due_date is None


def test_picking_today_in_the_calendar_is_an_edit(qtbot):
    from ui.widgets.dates import OptionalDateEdit

    field = OptionalDateEdit("No due date")
    qtbot.addWidget(field)
    field.show()
    changes: list[object] = []
    field.dateChanged.connect(changes.append)
    open_calendar(qtbot, field)
    days = field.calendarWidget().findChild(QTableView, "qt_calendar_calendarview")
    qtbot.keyClick(days, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    QApplication.processEvents()
    assert field.value() == date.today()
    assert changes  # the editor hears about it and offers to save


def test_an_action_items_due_date_opens_at_its_meetings_day(qtbot, ctx, services,
                                                            coalition):
    later = date.today() + timedelta(days=40)
    meeting = services.meetings.create(MeetingData(
        title="Planning call", time_zone="UTC",
        starts_at=datetime(later.year, later.month, later.day, 15, tzinfo=UTC),
        action_items=[ActionItemData("Send the budget")]))
    editor = MeetingEditor(ctx, meeting.id)
    qtbot.addWidget(editor)
    editor.show()
    editor.tabs.setCurrentWidget(editor.action_items)
    due = editor.action_items.table.cellWidget(0, 2)
    assert editor.value().action_items[0].due_date is None
    open_calendar(qtbot, due)
    assert shown_month(due) == (later.year, later.month)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: editor.value().action_items[0].due_date is None)
    due.setFocus()
    qtbot.keyClick(due, Qt.Key.Key_Up)
    assert editor.value().action_items[0].due_date == later
