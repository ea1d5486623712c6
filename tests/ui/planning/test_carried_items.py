"""Open action items carried to the next meeting of a series can be ticked done in the
meeting editor's side panel (an undoable step), and items an attendee owns in another
series are not carried there."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from coordinator.services.records import ActionItemData, AttendeeData, MeetingData
from ui.meetings.editor import MeetingEditor


def meeting(services, title: str, series: str, day: date, **extra) -> MeetingData:  # type: ignore[no-untyped-def]
    return services.meetings.create(MeetingData(
        title=title, series_name=series, time_zone="America/Chicago",
        starts_at=datetime(day.year, day.month, day.day, 15, tzinfo=UTC), **extra))


def test_carried_item_ticked_done_in_the_panel_with_the_keyboard_and_undone(
    qtbot, ctx, services, coalition
):
    ctx.undo_stack = QUndoStack()
    kcdd = coalition.people["KCDD"]
    meeting(services, "Call 1", "Monthly call", date(2027, 3, 10),
            attendees=[AttendeeData(kcdd)],
            action_items=[ActionItemData("Send budget", kcdd, date(2027, 2, 20))])
    meeting(services, "Mobility WG", "Mobility WG", date(2027, 3, 12),
            action_items=[ActionItemData("Other series item", kcdd)])
    second = meeting(services, "Call 2", "Monthly call", date(2027, 4, 10),
                     attendees=[AttendeeData(kcdd)])
    editor = MeetingEditor(ctx, second.id)
    qtbot.addWidget(editor)
    with qtbot.waitExposed(editor):
        editor.show()
    panel = editor.previous_panel
    assert [a.text for a in panel.open_items] == ["Send budget"]  # not the other series'
    item_id = panel.open_items[0].id
    panel.items.setFocus()
    panel.items.setCurrentRow(0)
    qtbot.keyClick(panel.items, Qt.Key.Key_Space)
    assert services.actions.get(item_id).status == "done"
    assert panel.items.item(0).font().strikeOut()
    assert not editor.dirty  # the meeting being edited did not change
    ctx.undo_stack.undo()
    assert services.actions.get(item_id).status == "open"
    assert panel.items.item(0).checkState() == Qt.CheckState.Unchecked
    ctx.undo_stack.redo()
    assert services.actions.get(item_id).status == "done"
