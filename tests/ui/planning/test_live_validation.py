"""The proposal and meeting editors check the record live through the service's own
`validate`: Save is enabled only when there is nothing to fix, and the problem is
shown while typing, not first when Save is pressed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.meetings.editor import MeetingEditor
from ui.proposals.editor import ProposalEditor


def shown(qtbot, editor):  # type: ignore[no-untyped-def]
    qtbot.addWidget(editor)
    with qtbot.waitExposed(editor):
        editor.show()
    return editor


def test_a_new_proposal_is_quiet_until_typed_in_then_says_what_to_fix(qtbot, ctx):
    editor = shown(qtbot, ProposalEditor(ctx))
    assert not editor.save_button.isEnabled()  # nothing to save yet: no title
    assert editor.problems_label.text() == ""  # and no scolding of a blank form
    qtbot.keyClicks(editor.title_edit, "Flood sensors")
    assert editor.save_button.isEnabled() and editor.problems_label.text() == ""
    qtbot.keyClicks(editor.title_edit, " x" * 160)  # past the service's title limit
    assert not editor.save_button.isEnabled()
    assert "300 characters" in editor.problems_label.text()
    assert "300 characters" in editor.save_button.toolTip()
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.proposal_id is None  # Ctrl+S does not save past the problem
    editor.title_edit.setFocus()
    editor.title_edit.selectAll()
    qtbot.keyClicks(editor.title_edit, "Flood sensors")
    assert editor.save_button.isEnabled() and editor.problems_label.text() == ""


def test_a_meeting_link_that_is_not_a_web_address_is_caught_while_typing(qtbot, ctx):
    editor = shown(qtbot, MeetingEditor(ctx))
    qtbot.keyClicks(editor.title_edit, "Partnership call")
    assert editor.save_button.isEnabled()
    editor.link_edit.setFocus()
    qtbot.keyClicks(editor.link_edit, "http://[")
    assert not editor.save_button.isEnabled()
    assert "web address" in editor.problems_label.text()
    qtbot.keyClick(editor.link_edit, Qt.Key.Key_Backspace)
    editor.link_edit.clear()
    qtbot.keyClicks(editor.link_edit, "https://meet.example.org/call")
    assert editor.save_button.isEnabled() and editor.problems_label.text() == ""
