"""Who changed a record that came from the hub (editors and detail panes), and an open
editor whose record a sync changed: it says so and offers Reload or Keep editing."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from coordinator.services.records import ContactData
from tests.ui.hub.test_sync_in_app import started, synced
from ui.app import settle
from ui.contacts.form import ContactDialog
from ui.hub.editors import WHO_NAME, RemoteChangeBar


def _open_editor(qtbot, ctx, contact_id: str) -> ContactDialog:  # type: ignore[no-untyped-def]
    editor = ContactDialog(ctx, contact_id)
    qtbot.addWidget(editor)
    with qtbot.waitExposed(editor):
        editor.show()
    with qtbot.waitActive(editor):
        editor.activateWindow()
    return editor


def test_an_open_editor_offers_to_reload_a_record_changed_on_the_hub(
        app_laptops, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    a, b = app_laptops("a"), app_laptops("b")
    ada = a.ctx.services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    a.join()
    b.join()
    window = make_window(b.ctx)
    started(qtbot, window)
    editor = _open_editor(qtbot, b.ctx, ada.id)
    who = editor.findChild(QLabel, WHO_NAME)
    assert who is not None and who.text() == f"Changed by {a.address.user}, just now"

    # b types her pronouns; meanwhile a gives her a title and syncs.
    qtbot.keyClicks(editor.pronouns, "she/her")
    assert editor.dirty
    services = a.ctx.services
    services.contacts.update(ada.id, dataclasses.replace(services.contacts.get(ada.id),
                                                         title="Director"))
    a.ctx.hub.sync()
    synced(qtbot, window, key=False)
    bar = editor.findChild(RemoteChangeBar)
    assert bar is not None and bar.isVisible()
    assert bar.label.text().startswith(
        f"This contact was changed on the team hub (changed by {a.address.user}, just now) "
        "while you were editing it.")
    qtbot.mouseClick(bar.reload_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    assert editor.title_edit.text() == "Director"
    assert editor.pronouns.text() == "she/her" and editor.dirty
    assert editor.save()
    got = b.ctx.services.contacts.get(ada.id)
    assert (got.title, got.pronouns) == ("Director", "she/her")

    # Another change: Keep editing leaves the editor as it is.
    services.contacts.update(ada.id, dataclasses.replace(services.contacts.get(ada.id),
                                                         family_name="Byron"))
    a.ctx.hub.sync()
    synced(qtbot, window, key=False)
    assert bar.isVisible()
    qtbot.mouseClick(bar.keep_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible() and editor.family.text() == "Lovelace"
    editor.close()


def test_the_detail_pane_says_who_changed_a_record_from_the_hub(
        app_laptops, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    a, b = app_laptops("a"), app_laptops("b")
    ada = a.ctx.services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    mine = b.ctx.services.contacts.create(ContactData(given_name="Local", family_name="Only"))
    a.join()
    window = make_window(b.ctx)
    started(qtbot, window)
    view = window.show_view("contacts")
    settle(b.ctx)
    view.open_record(mine.id)
    settle(b.ctx)
    assert "Changed by" not in view.detail.toPlainText()  # never travelled
    b.join()
    settle(b.ctx)
    view.refresh()
    settle(b.ctx)
    view.open_record(ada.id)
    settle(b.ctx)
    assert f"Changed by {a.address.user}, just now" in view.detail.toPlainText()
    view.open_record(mine.id)
    settle(b.ctx)
    assert "Changed by you, just now" in view.detail.toPlainText()


def test_the_trash_says_who_deleted_each_record(
        app_laptops, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    a, b = app_laptops("a"), app_laptops("b")
    ada = a.ctx.services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    grace = a.ctx.services.contacts.create(ContactData(given_name="Grace",
                                                       family_name="Hopper"))
    a.join()
    b.join()
    a.ctx.services.contacts.delete(ada.id)
    a.ctx.hub.sync()
    window = make_window(b.ctx)
    started(qtbot, window)
    synced(qtbot, window, key=False)
    b.ctx.services.contacts.delete(grace.id)  # here, not pushed yet
    view = window.show_view("trash")
    settle(b.ctx)
    model = view.model
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert header[-1] == "Deleted by"
    who = {model.id_at(r): model.index(r, len(header) - 1).data()
           for r in range(model.rowCount())}
    assert who == {ada.id: a.address.user, grace.id: "you"}


def test_a_trash_that_syncs_with_no_hub_shows_no_deleted_by_column(ctx, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window(ctx)
    view = window.show_view("trash")
    headers = [view.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(view.model.columnCount())
               if not view.table.isColumnHidden(c)]
    assert "Deleted by" not in headers


def test_the_deleted_by_column_appears_when_the_database_joins_later(
        app_laptops, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    b = app_laptops("b")
    window = make_window(b.ctx)
    started(qtbot, window)
    view = window.show_view("trash")
    last = view.model.columnCount() - 1
    assert view.model.headerData(last, Qt.Orientation.Horizontal) == "Deleted by"
    assert view.table.isColumnHidden(last)
    b.join()
    syncer = window.hub_hooks.syncer
    syncer.refresh_status()
    qtbot.waitUntil(lambda: syncer.state.joined, timeout=30_000)
    assert not view.table.isColumnHidden(last)
