"""Merging in Find Duplicates: where the two records hold different titles,
organizations or birthdays, the user picks which to keep; nothing is lost unseen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from coordinator.services.records import ContactData, OrganizationData
from ui.io import review_duplicates
from ui.io.duplicates_dialog import DuplicatesDialog


def test_the_user_chooses_between_two_titles(ctx, qtbot, modal, shot) -> None:
    acme = ctx.services.organizations.create(OrganizationData(name="Acme Mobility"))
    first = ctx.services.contacts.create(ContactData(
        given_name="Ada", family_name="Lovelace", organization_id=acme.id, title="CTO",
        birthday="1815-12-10"))
    second = ctx.services.contacts.create(ContactData(
        given_name="Ada", family_name="Lovelace", organization_id=acme.id,
        title="Chief Analyst", birthday="--12-11"))
    ctx.undo_stack = QUndoStack()
    seen: dict[str, object] = {}

    def drive(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: dialog.choices_box.isVisible(), timeout=10_000)
        shot(dialog, "duplicates-choices")
        combos = dialog.choice_combos
        seen["fields"] = list(combos)
        seen["items"] = [combos["title"].itemText(i) for i in range(combos["title"].count())]
        assert combos["title"].currentText() == "A: CTO"  # the kept record's, to start with
        # The user keeps record A but takes B's title: focus the list, press Down.
        combos["title"].setFocus()
        qtbot.keyClick(combos["title"], Qt.Key.Key_Down)
        assert combos["title"].currentText() == "B: Chief Analyst"
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.pairs, timeout=10_000)
        dialog.reject()

    modal.drivers["DuplicatesDialog"] = drive
    assert review_duplicates(ctx, None) == 1
    assert seen["fields"] == ["title", "birthday"]
    assert seen["items"] == ["A: CTO", "B: Chief Analyst"]
    survivor = ctx.services.contacts.get(first.id)
    assert survivor.title == "Chief Analyst"  # chosen
    assert survivor.birthday == "1815-12-10"  # chosen too: the kept record's, left as set
    assert ctx.services.contacts.get(second.id, include_deleted=True).deleted_at is not None
    ctx.undo_stack.undo()
    assert ctx.services.contacts.get(first.id).title == "CTO"
    ctx.undo_stack.redo()  # redo makes the same choices again
    assert ctx.services.contacts.get(first.id).title == "Chief Analyst"
