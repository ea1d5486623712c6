"""A proposal or meeting created in this session, saved and closed, opens again from its
row in the table (double-click) as often as wanted. The closed editor was kept in the
view's list of open editors and reused after Qt had deleted it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.kit.roles import ROW_ROLE
from ui.meetings.view import MeetingsView
from ui.proposals.view import ProposalsView


def open_editors(id_attr: str, record_id: str) -> list:
    return [w for w in QApplication.topLevelWidgets()
            if w.isVisible() and getattr(w, id_attr, None) == record_id]


def double_click_row(qtbot, view, record_id: str) -> None:
    view.refresh()
    qtbot.waitUntil(lambda: any(view.table.model().index(r, 0).data(ROW_ROLE).id == record_id
                                for r in range(view.table.model().rowCount())), timeout=5000)
    row = next(r for r in range(view.table.model().rowCount())
               if view.table.model().index(r, 0).data(ROW_ROLE).id == record_id)
    index = view.table.model().index(row, 2)
    view.table.scrollTo(index)
    center = view.table.visualRect(index).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=center)


@pytest.mark.parametrize(("view_class", "id_attr"), [(ProposalsView, "proposal_id"),
                                                     (MeetingsView, "meeting_id")])
def test_a_record_created_in_this_session_reopens_from_its_row(qtbot, ctx, view_class,
                                                                 id_attr):
    view = view_class(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    editor = view.new_record()
    qtbot.keyClicks(editor.title_edit, "Curb data pilot")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    record_id = getattr(editor, id_attr)
    assert record_id
    qtbot.mouseClick(editor.close_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    seen = [editor]
    for _ in range(2):  # the first reopen, and once more after closing that one
        double_click_row(qtbot, view, record_id)
        [reopened] = open_editors(id_attr, record_id)
        assert reopened not in seen
        assert reopened.title_edit.text() == "Curb data pilot"
        seen.append(reopened)
        reopened.close()
        QApplication.processEvents()


def test_an_open_editor_is_brought_forward_not_duplicated(qtbot, ctx):
    view = ProposalsView(ctx)
    qtbot.addWidget(view)
    editor = view.new_record()
    qtbot.keyClicks(editor.title_edit, "Heat sensors")
    assert editor.save()
    assert view.open_record(editor.proposal_id) is editor
    editor.close()
