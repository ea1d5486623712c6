"""Conflicting edits on two laptops show up in the Conflicts view (with its sidebar count
and the status bar's), and resolve every way: keep mine, keep theirs, a merged text,
each an undoable edit that the next sync pushes."""

from __future__ import annotations

import dataclasses

import pytest
import shiboken6
from PySide6.QtCore import Qt

from coordinator.errors import NotFound
from coordinator.services.records import ContactData
from tests.ui.hub.test_sync_in_app import started, synced
from ui.app import settle


def _edit(laptop, contact_id: str, **fields) -> None:  # type: ignore[no-untyped-def]
    services = laptop.ctx.services
    services.contacts.update(contact_id, dataclasses.replace(services.contacts.get(contact_id),
                                                             **fields))


def test_conflicts_show_side_by_side_and_resolve_every_way_undoably(
        app_laptops, make_window, qtbot, modal) -> None:  # type: ignore[no-untyped-def]
    a, b = app_laptops("a"), app_laptops("b")
    ada = a.ctx.services.contacts.create(ContactData(
        given_name="Ada", family_name="Lovelace", notes="one\ntwo\nthree\n"))
    a.join()
    b.join()
    _edit(a, ada.id, title="Director", nickname="Countess", notes="one\nTWO (a)\nthree\n")
    _edit(b, ada.id, title="Chair", nickname="Enchantress", notes="one\nTWO (b)\nthree\n")
    a.ctx.hub.sync()
    window = make_window(b.ctx)
    started(qtbot, window)
    synced(qtbot, window)
    hooks = window.hub_hooks
    assert hooks.syncer.state.conflicts == 3
    assert hooks.button.text().endswith("3 conflicts")
    item = window.sidebar_items["conflicts"]
    assert not item.isHidden() and item.text(1) == "3"

    # Clicking the status bar's entry opens the view.
    qtbot.mouseClick(hooks.button, Qt.MouseButton.LeftButton)
    view = window.current_page()
    assert view is window.pages["conflicts"]
    qtbot.waitUntil(lambda: len(view.rows) == 3, timeout=5000)
    by_field = {row.conflict.field: n for n, row in enumerate(view.rows)}

    # Keep mine on the title: the record says "Chair" again; undo brings the conflict back.
    view.table.selectRow(by_field["title"])
    assert (view.base[2].toPlainText(), view.mine[2].toPlainText(),
            view.theirs[2].toPlainText()) == ("(empty)", "Chair", "Director")
    assert "Ada Lovelace" in view.heading.text()
    assert not view.merge.isEnabled() and not view.diff.isVisible()
    qtbot.mouseClick(view.keep_mine, Qt.MouseButton.LeftButton)
    settle(b.ctx)
    assert b.ctx.services.contacts.get(ada.id).title == "Chair"
    qtbot.waitUntil(lambda: len(view.rows) == 2, timeout=5000)
    window.undo_stack.undo()
    settle(b.ctx)
    assert b.ctx.services.contacts.get(ada.id).title == "Director"
    qtbot.waitUntil(lambda: len(view.rows) == 3, timeout=5000)
    window.undo_stack.redo()
    settle(b.ctx)
    assert b.ctx.services.contacts.get(ada.id).title == "Chair"
    qtbot.waitUntil(lambda: len(view.rows) == 2, timeout=5000)

    # Keep theirs on the nickname.
    view.select_conflict(next(r.conflict.id for r in view.rows if r.conflict.field == "nickname"))
    qtbot.mouseClick(view.keep_theirs, Qt.MouseButton.LeftButton)
    settle(b.ctx)
    assert b.ctx.services.contacts.get(ada.id).nickname == "Countess"
    qtbot.waitUntil(lambda: len(view.rows) == 1, timeout=5000)

    # The Markdown notes: a line diff, and a merged text written by hand.
    [row] = view.rows
    assert row.conflict.field == "notes" and view.merge.isEnabled()
    assert view.diff.isVisibleTo(view)
    diff = view.diff.toPlainText()
    assert "mine: TWO (b)" in diff and "theirs: TWO (a)" in diff

    def write_merge(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.editor.toPlainText().strip() == "one\nTWO (a)\nthree"
        dialog.editor.setPlainText("one\nTWO (a and b)\nthree\n")
        dialog.accept()

    modal.drivers["MergedTextDialog"] = write_merge
    qtbot.mouseClick(view.merge, Qt.MouseButton.LeftButton)
    settle(b.ctx)
    assert b.ctx.services.contacts.get(ada.id).notes.strip() == "one\nTWO (a and b)\nthree"
    qtbot.waitUntil(lambda: not view.rows and view.empty.isVisibleTo(view), timeout=5000)
    qtbot.waitUntil(lambda: hooks.syncer.state.conflicts == 0, timeout=5000)
    assert item.text(1) == ""
    assert "conflict" not in hooks.button.text()

    # The resolutions are ordinary edits: they reach the other laptop (View > Sync Now:
    # offscreen, the hidden merge dialog stays the application's active window).
    synced(qtbot, window, key=False)
    a.ctx.hub.sync()
    got = a.ctx.services.contacts.get(ada.id)
    assert (got.title, got.nickname, got.notes.strip()) == ("Chair", "Countess",
                                                            "one\nTWO (a and b)\nthree")


def test_a_closed_conflicts_view_ignores_later_changes(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.hub.conflicts import ConflictsView

    view = ConflictsView(ctx)
    settle(ctx)
    view.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(view), timeout=2000)
    # A change after the view went: nothing may reach the deleted widgets.
    ctx.services.contacts.create(ContactData(given_name="After", family_name="Close"))
    settle(ctx)


def test_an_edit_against_a_delete_for_good_resolves_and_undoes(
        app_laptops, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    a, b = app_laptops("a"), app_laptops("b")
    ada = a.ctx.services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    a.join()
    b.join()
    a.ctx.services.contacts.delete(ada.id)
    a.ctx.services.trash.purge_many({"contact": [ada.id]})
    a.ctx.hub.sync()
    _edit(b, ada.id, title="Countess")
    window = make_window(b.ctx)
    started(qtbot, window)
    synced(qtbot, window, key=False)
    view = window.show_view("conflicts")
    qtbot.waitUntil(lambda: len(view.rows) == 1, timeout=5000)
    assert view.rows[0].conflict.mine_absent is False
    assert view.table.item(0, 1).text() == "Deleted for good on one side"
    assert "Countess" in view.mine[2].toPlainText()
    assert view.theirs[2].toPlainText() == "(deleted for good)"
    assert not view.merge.isEnabled()
    with pytest.raises(NotFound):
        b.ctx.services.contacts.get(ada.id)  # the hub's side stands: gone here too

    qtbot.mouseClick(view.keep_mine, Qt.MouseButton.LeftButton)
    settle(b.ctx)
    assert b.ctx.services.contacts.get(ada.id).title == "Countess"  # back, as mine
    window.undo_stack.undo()
    settle(b.ctx)
    with pytest.raises(NotFound):
        b.ctx.services.contacts.get(ada.id)
    qtbot.waitUntil(lambda: len(view.rows) == 1, timeout=5000)
    qtbot.mouseClick(view.keep_theirs, Qt.MouseButton.LeftButton)
    settle(b.ctx)
    qtbot.waitUntil(lambda: not view.rows, timeout=5000)
    synced(qtbot, window, key=False)
    a.ctx.hub.sync()
    with pytest.raises(NotFound):
        a.ctx.services.contacts.get(ada.id)
