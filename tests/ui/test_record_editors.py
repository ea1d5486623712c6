"""Every record editor — the contact and organization forms, the proposal and meeting
editors — behaves the same, because they share one base (`ui/kit/editor.py`): an
invalid value disables Save and says why, fixing it enables Save, Ctrl+S saves and
keeps the editor open, Ctrl+Enter saves and closes, Escape with unsaved changes asks
first, and an edit cut short by a crash is offered back the next time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit, QMessageBox
from shiboken6 import isValid

from ui.contacts.form import ContactDialog
from ui.kit.drafts import DraftStore
from ui.kit.editor import RecordEditor
from ui.meetings.editor import MeetingEditor
from ui.organizations.form import OrganizationDialog
from ui.proposals.editor import ProposalEditor

CTRL = Qt.KeyboardModifier.ControlModifier


@dataclass(frozen=True)
class Kind:
    """How to drive one editor: its class, its name field and a field the service
    checks (typed text that is wrong, then right), and how to read a saved record."""

    name: str
    make: Callable[..., RecordEditor]
    name_field: str
    checked_field: str
    bad: str
    good: str
    message: str  # part of the service's message for `bad`
    title: Callable[[object], str]
    other_field: str  # any other text field, to see the whole state come back


KINDS = [
    Kind("contact", ContactDialog, "given", "website", "not a site", "https://ada.example.org",
         "web address", lambda r: r.given_name, "city"),
    Kind("organization", OrganizationDialog, "name", "website", "nope",
         "https://acme.example.org", "web address", lambda r: r.name, "city"),
    Kind("proposal", ProposalEditor, "title_edit", "lead_picker", "No such partner", "",
         "Pick the lead organization", lambda r: r.title, "funder_edit"),
    Kind("meeting", MeetingEditor, "title_edit", "link_edit", "http://[",
         "https://meet.example.org", "web address", lambda r: r.title, "location_edit"),
]


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def kind(request: pytest.FixtureRequest) -> Kind:
    return request.param


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Questions the editor asked (answered Cancel, so nothing is lost unasked)."""
    questions: list[str] = []

    def question(_parent: object, title: str, *_a: object, **_k: object) -> object:
        questions.append(title)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return questions


def field(editor: RecordEditor, name: str) -> QLineEdit:
    return getattr(editor, name)


def open_editor(qtbot, kind: Kind, ctx, record_id: str | None = None) -> RecordEditor:  # type: ignore[no-untyped-def]
    editor = kind.make(ctx, record_id)
    qtbot.addWidget(editor)
    with qtbot.waitExposed(editor):
        editor.show()
    with qtbot.waitActive(editor):
        editor.activateWindow()
    return editor


def type_into(qtbot, edit: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace the field's text by typing, as the user does."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    if text:
        qtbot.keyClicks(edit, text)


def visible_message(editor: RecordEditor, part: str) -> bool:
    """The problem is said beside its field or on the problems line."""
    labels = [editor.problems_label, *editor.messages().values()]
    return any(part in label.text() and label.isVisible() for label in labels)


def test_an_invalid_value_disables_save_and_says_why_until_fixed(qtbot, ctx, kind, asked):
    editor = open_editor(qtbot, kind, ctx)
    assert not editor.save_button.isEnabled()  # a new, blank record: nothing to save
    assert editor.problems_label.text() == ""  # and no scolding before typing
    type_into(qtbot, field(editor, kind.name_field), "Flood sensors")
    assert editor.save_button.isEnabled() and editor.save_close_button.isEnabled()

    type_into(qtbot, field(editor, kind.checked_field), kind.bad)
    assert not editor.save_button.isEnabled() and not editor.save_close_button.isEnabled()
    assert visible_message(editor, kind.message)
    assert kind.message in editor.save_button.toolTip()
    qtbot.keyClick(field(editor, kind.checked_field), Qt.Key.Key_S, CTRL)
    assert editor.record_id is None  # Ctrl+S does not save past the problem

    type_into(qtbot, field(editor, kind.checked_field), kind.good)
    assert editor.save_button.isEnabled()
    assert not visible_message(editor, kind.message)
    editor.dirty = False  # nothing to ask at teardown


def test_ctrl_s_saves_and_stays_open_then_ctrl_enter_saves_and_closes(qtbot, ctx, kind,
                                                                     asked):
    ctx.undo_stack = QUndoStack()
    editor = open_editor(qtbot, kind, ctx)
    name = field(editor, kind.name_field)
    type_into(qtbot, name, "Curb data")
    assert editor.dirty and editor.state_label.text() == "Unsaved changes"
    qtbot.keyClick(name, Qt.Key.Key_S, CTRL)
    assert editor.record_id and editor.isVisible() and not editor.dirty
    assert editor.state_label.text() == "Saved"
    saved = editor.service.get(editor.record_id)
    assert kind.title(saved) == "Curb data"
    assert ctx.undo_stack.count() == 1  # the create, as one undo step

    qtbot.keyClicks(name, " pilot")
    qtbot.keyClick(name, Qt.Key.Key_Return, CTRL)
    assert not isValid(editor) or not editor.isVisible()
    assert kind.title(editor.service.get(saved.id)) == "Curb data pilot"
    assert ctx.undo_stack.count() == 2  # and the edit
    ctx.undo_stack.undo()
    assert kind.title(editor.service.get(saved.id)) == "Curb data"
    assert asked == []  # saved: closing had nothing to ask


def test_escape_with_unsaved_changes_asks_and_cancel_keeps_the_typing(qtbot, ctx, kind,
                                                                     asked):
    editor = open_editor(qtbot, kind, ctx)
    name = field(editor, kind.name_field)
    type_into(qtbot, name, "Half typed")
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert asked == ["Unsaved changes"]
    assert editor.isVisible() and name.text() == "Half typed"  # Cancel keeps it all
    qtbot.mouseClick(editor.close_button, Qt.MouseButton.LeftButton)
    assert asked == ["Unsaved changes"] * 2 and editor.isVisible()
    editor.dirty = False


def test_escape_without_changes_closes_at_once(qtbot, ctx, kind, asked):
    editor = open_editor(qtbot, kind, ctx)
    name = field(editor, kind.name_field)
    qtbot.keyClicks(name, "x")
    qtbot.keyClick(name, Qt.Key.Key_Backspace)  # typed and taken back: nothing to save
    assert not editor.dirty
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert asked == [] and not editor.isVisible()


def test_an_edit_cut_short_is_offered_back_and_used(qtbot, ctx, kind, asked):
    editor = open_editor(qtbot, kind, ctx)
    type_into(qtbot, field(editor, kind.name_field), "Before the crash")
    qtbot.keyClick(field(editor, kind.name_field), Qt.Key.Key_S, CTRL)
    record_id = editor.record_id
    assert record_id
    type_into(qtbot, field(editor, kind.name_field), "Typed when it crashed")
    type_into(qtbot, field(editor, kind.other_field), "Denton")
    editor.state_saver.flush()  # what the autosave timer does ~2 s after a change
    DraftStore.shared().wait()
    editor.stop_autosave()
    editor.dirty = False
    editor.close()  # as if the process had died: the draft stays on disk
    DraftStore.forget_shared()  # the next start reads the file again

    again = open_editor(qtbot, kind, ctx, record_id)
    assert field(again, kind.name_field).text() == "Before the crash"
    assert again.recovery.isVisible()
    assert "every field" in again.recovery.label.text()
    qtbot.mouseClick(again.recovery.use_button, Qt.MouseButton.LeftButton)
    assert field(again, kind.name_field).text() == "Typed when it crashed"
    assert field(again, kind.other_field).text() == "Denton"
    assert again.dirty and not again.recovery.isVisible()
    assert again.save()
    assert kind.title(again.service.get(record_id)) == "Typed when it crashed"
    assert DraftStore.shared().for_record(kind.name, record_id) == []  # saved: gone


def test_a_new_member_record_cut_short_comes_back_in_the_next_new_form(qtbot, ctx, asked):
    for make, name_field in ((ContactDialog, "given"), (OrganizationDialog, "name")):
        editor = make(ctx)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.keyClicks(field(editor, name_field), "Never saved")
        editor.state_saver.flush()
        DraftStore.shared().wait()
        editor.stop_autosave()
        editor.dirty = False
        editor.close()
        DraftStore.forget_shared()

        again = make(ctx)
        qtbot.addWidget(again)
        again.show()
        assert again.recovery.isVisible()
        again.use_recovered()
        assert field(again, name_field).text() == "Never saved"
        assert again.save()
        assert DraftStore.shared().for_entity(editor.noun) == []


def test_no_editor_base_but_one() -> None:
    import ui.kit.editor as kit

    assert not hasattr(kit, "EditorChrome")
    for cls in (ContactDialog, OrganizationDialog, ProposalEditor, MeetingEditor):
        assert issubclass(cls, RecordEditor)
    with pytest.raises(ImportError):
        __import__("ui.kit.record_form")



def test_typing_a_new_record_past_the_offer_keeps_the_recovered_edit(qtbot, ctx, asked):
    editor = ContactDialog(ctx)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.keyClicks(editor.given, "Never saved")
    editor.state_saver.flush()
    DraftStore.shared().wait()
    editor.stop_autosave()
    editor.dirty = False
    editor.close()
    DraftStore.forget_shared()

    other = ContactDialog(ctx)  # the offer is ignored: another contact is typed
    qtbot.addWidget(other)
    other.show()
    assert other.recovery.isVisible()
    qtbot.keyClicks(other.given, "Someone else")
    other.state_saver.flush()
    DraftStore.shared().wait()
    assert len({d.record_id for d in DraftStore.shared().for_entity("contact")}) == 2
    other.use_recovered()  # still there to take
    assert other.given.text() == "Never saved"
    other.dirty = False


def test_an_error_from_the_save_is_shown_and_nothing_typed_is_lost(qtbot, ctx, kind, asked):
    editor = open_editor(qtbot, kind, ctx)
    name = field(editor, kind.name_field)
    type_into(qtbot, name, "Soon in Trash")
    assert editor.save()
    editor.service.delete(editor.record_id)  # meanwhile, elsewhere: moved to Trash
    type_into(qtbot, name, "Edited after")
    qtbot.keyClick(name, Qt.Key.Key_S, CTRL)
    assert editor.isVisible() and editor.dirty
    assert name.text() == "Edited after"
    assert editor.problems_label.text()  # what went wrong, in the editor, not a traceback
    qtbot.keyClick(name, Qt.Key.Key_Return, CTRL)
    assert editor.isVisible() and name.text() == "Edited after"  # still not closed
    editor.dirty = False


def test_a_meeting_moved_to_trash_while_open_keeps_its_editor_working(qtbot, ctx, asked):
    """The previous-meeting panel looks the meeting up again when the series or the date
    changes: a meeting moved to Trash meanwhile is said on the panel's terms (none
    found), never an exception out of the event loop."""
    editor = open_editor(qtbot, KINDS[3], ctx)
    type_into(qtbot, editor.title_edit, "Series call")
    editor.series_box.setCurrentText("Freight WG")
    assert editor.save()
    editor.service.delete(editor.record_id)
    editor.series_box.setCurrentText("Freight WG, renamed")
    qtbot.wait(500)  # the series look-up runs 300 ms after typing
    assert editor.previous_panel.previous is None
    editor.dirty = False
