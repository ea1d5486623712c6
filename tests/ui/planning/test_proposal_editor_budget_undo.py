"""Proposal editor: budget lines and internal notes typed in and saved, saving a
proposal or a meeting is one step on the undo stack, and Enter in the partner search
adds the partner without saving the whole proposal."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from coordinator.services.records import MeetingData, ProposalData
from ui.meetings.editor import MeetingEditor
from ui.proposals.editor import ProposalEditor


def open_editor(qtbot, ctx, proposal_id=None) -> ProposalEditor:  # type: ignore[no-untyped-def]
    editor = ProposalEditor(ctx, proposal_id)
    qtbot.addWidget(editor)
    with qtbot.waitExposed(editor):
        editor.show()
    with qtbot.waitActive(editor):
        editor.activateWindow()
    return editor


def test_budget_lines_and_internal_notes_typed_in_are_saved(qtbot, ctx, services):
    editor = open_editor(qtbot, ctx)
    qtbot.keyClicks(editor.title_edit, "Flood sensors")
    editor.tabs.setCurrentWidget(editor.budget)
    qtbot.mouseClick(editor.budget.add_button, Qt.MouseButton.LeftButton)
    description = editor.budget.table.cellWidget(0, editor.budget.DESCRIPTION)
    qtbot.waitUntil(description.hasFocus, timeout=2000)
    qtbot.keyClicks(description, "Sensor hardware")
    amount = editor.budget.table.cellWidget(0, editor.budget.AMOUNT)
    amount.setFocus()
    amount.selectAll()
    qtbot.keyClicks(amount, "12500.50")
    qtbot.mouseClick(editor.budget.add_button, Qt.MouseButton.LeftButton)  # left empty
    editor.budget.notes.setFocus()
    qtbot.keyClicks(editor.budget.notes, "Ask KCDD about match funding")
    assert "total $12,500.50" in editor.budget.total_label.text()
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.proposal_id
    saved = services.proposals.get(editor.proposal_id)
    assert [(b.description, b.amount_minor) for b in saved.budget_lines] == [
        ("Sensor hardware", 1_250_050)]
    assert saved.internal_notes == "Ask KCDD about match funding"
    # and they come back when the proposal is opened again
    again = open_editor(qtbot, ctx, editor.proposal_id)
    assert [b.description for b in again.budget.lines()] == ["Sensor hardware"]
    assert again.budget.internal_notes() == "Ask KCDD about match funding"
    assert not again.dirty


def test_creating_and_editing_a_proposal_are_undo_steps(qtbot, ctx, services):
    ctx.undo_stack = QUndoStack()
    editor = open_editor(qtbot, ctx)
    qtbot.keyClicks(editor.title_edit, "Curb data")
    assert editor.save()
    pid = editor.proposal_id
    assert ctx.undo_stack.count() == 1 and "Curb data" in ctx.undo_stack.undoText()
    editor.title_edit.selectAll()
    qtbot.keyClicks(editor.title_edit, "Curb data for freight")
    assert editor.save()
    assert ctx.undo_stack.count() == 2
    ctx.undo_stack.undo()
    assert services.proposals.get(pid).title == "Curb data"
    ctx.undo_stack.undo()  # the create: the proposal goes to Trash
    assert services.proposals.get(pid, include_deleted=True).deleted_at is not None
    ctx.undo_stack.redo()
    ctx.undo_stack.redo()
    assert services.proposals.get(pid).title == "Curb data for freight"


def test_saving_a_meeting_is_an_undo_step(qtbot, ctx, services):
    ctx.undo_stack = QUndoStack()
    meeting = services.meetings.create(MeetingData(
        title="Partnership call", time_zone="America/Chicago",
        starts_at=datetime(2026, 12, 10, 16, 0, tzinfo=UTC)))
    editor = MeetingEditor(ctx, meeting.id)
    qtbot.addWidget(editor)
    editor.show()
    editor.title_edit.selectAll()
    qtbot.keyClicks(editor.title_edit, "Partnership call (moved)")
    assert editor.save()
    assert ctx.undo_stack.count() == 1
    ctx.undo_stack.undo()
    assert services.meetings.get(meeting.id).title == "Partnership call"


def test_enter_in_the_partner_search_adds_the_partner_and_does_not_save(
    qtbot, ctx, services, coalition
):
    proposal = services.proposals.create(ProposalData(title="Heat islands"))
    editor = open_editor(qtbot, ctx, proposal.id)
    picker = editor.partners.picker
    picker.setFocus()
    qtbot.keyClicks(picker, "Mesa")
    qtbot.waitUntil(lambda: len(picker.choices()) == 1, timeout=5000)
    picker._on_activated(picker._model.stringList()[0])
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert [p.organization_name for p in editor.partners.partners()] == ["City of Mesa"]
    assert editor.dirty  # added in the editor, not saved behind the user's back
    assert services.proposals.get(proposal.id).partners == []
    assert editor.isVisible()
