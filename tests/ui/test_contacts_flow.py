"""Contacts through the widgets: create, edit, delete, undo; live validation;
duplicate emails; unsaved changes; filters."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from coordinator.services import ContactFilter
from coordinator.services.records import ContactData, EmailData
from ui.app import settle
from ui.contacts.form import ContactDialog


def start_empty(window) -> object:
    # GIVEN a new database: the welcome page offers to start empty
    assert window.welcome is not None and window.stack.currentWidget() is window.welcome
    window.welcome.empty_button.click()
    settle(window.ctx)
    return window.pages["contacts"]


def test_create_edit_delete_undo_contact(ctx, make_window, qtbot) -> None:
    window = make_window(ctx)
    view = start_empty(window)
    services = ctx.services

    # WHEN a contact is created through the form
    window.new_record_action.trigger()
    dialog = view.dialog
    assert isinstance(dialog, ContactDialog)
    assert not dialog.save_button.isEnabled()  # no name yet
    qtbot.keyClicks(dialog.given, "Ada")
    qtbot.keyClicks(dialog.family, "Lovelace")
    qtbot.keyClicks(dialog.emails.rows[0].edit, "ada@example.org")
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_close_button, Qt.MouseButton.LeftButton)
    settle(ctx)

    # THEN it is saved, listed and selected
    assert services.contacts.count() == 1
    assert view.model.rowCount() == 1
    contact_id = view.model.id_at(0)
    assert view.selected_ids() == [contact_id]
    assert services.contacts.get(contact_id).primary_email == "ada@example.org"

    # WHEN it is edited
    view.edit_selected()
    dialog = view.dialog
    assert dialog.given.text() == "Ada"
    qtbot.keyClicks(dialog.title_edit, "Analyst")
    qtbot.mouseClick(dialog.save_close_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert services.contacts.get(contact_id).title == "Analyst"
    assert view.model.contact_row(0).title == "Analyst"

    # WHEN it is deleted with the Delete action
    view.table.setFocus()
    window.delete_action.trigger()
    settle(ctx)
    assert services.contacts.count() == 0
    assert view.model.rowCount() == 0
    assert [t.id for t in services.trash.list()] == [contact_id]

    # THEN Ctrl+Z brings it back at once
    with qtbot.waitActive(window):  # the closed form hands activation back
        window.activateWindow()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(ctx)
    assert services.contacts.count() == 1
    assert view.model.rowCount() == 1
    assert services.trash.list() == []

    # AND undoing the edit restores the old title; redo puts it back
    window.undo_action.trigger()
    settle(ctx)
    assert services.contacts.get(contact_id).title == ""
    window.redo_action.trigger()
    assert services.contacts.get(contact_id).title == "Analyst"


def test_bad_email_shows_message_and_disables_save(ctx, qtbot) -> None:
    dialog = ContactDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.given, "Grace")
    row = dialog.emails.rows[0]
    qtbot.keyClicks(row.edit, "grace@")
    assert not dialog.save_button.isEnabled()
    assert row.message.isVisible()
    assert row.message.text()  # the validator's own words, beside the field
    assert any(p.field == "emails[0]" for p in dialog.current_problems)

    qtbot.keyClicks(row.edit, "example.org")
    assert dialog.save_button.isEnabled()
    assert not row.message.isVisible()

    # A bad website is marked beside its field too.
    qtbot.keyClicks(dialog.website, "not a site")
    assert not dialog.save_button.isEnabled()
    assert dialog.website_message.isVisible()
    dialog.dirty = False  # nothing to ask on close
    dialog.close()


def test_name_message_only_after_touching(ctx, qtbot) -> None:
    dialog = ContactDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.save_button.isEnabled()
    assert not dialog.name_message.isVisible()  # not shouted at before typing
    qtbot.keyClicks(dialog.given, "x")
    qtbot.keyClick(dialog.given, Qt.Key.Key_Backspace)
    assert dialog.name_message.isVisible()


def test_duplicate_email_offers_existing(ctx, make_window, qtbot, monkeypatch) -> None:
    existing = ctx.services.contacts.create(ContactData(
        given_name="Alan", family_name="Turing", emails=[EmailData("alan@example.org")]))
    window = make_window(ctx)
    view = window.show_view("contacts")
    settle(ctx)
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Open

    monkeypatch.setattr(QMessageBox, "warning", answer)
    view.new_record()
    dialog = view.dialog
    qtbot.keyClicks(dialog.given, "A.")
    qtbot.keyClicks(dialog.family, "Turing")
    qtbot.keyClicks(dialog.emails.rows[0].edit, "ALAN@example.org")
    with qtbot.waitSignal(dialog.open_existing) as opened:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert opened.args == [existing.id]
    assert "Alan Turing" in asked[0]
    assert ctx.services.contacts.count() == 1  # nothing saved
    # the table may still be (re)loading its rows in the background: wait for the selection
    qtbot.waitUntil(lambda: view.selected_ids() == [existing.id], timeout=5000)


def test_leaving_with_unsaved_changes_asks(ctx, qtbot, monkeypatch) -> None:
    dialog = ContactDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.given, "Edsger")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked = []

    def question(*args, **kwargs):
        asked.append(args[1])
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog.reject()
    assert dialog.isVisible() and dialog.given.text() == "Edsger"  # Cancel keeps the form
    dialog.reject()
    assert not dialog.isVisible()
    assert asked == ["Unsaved changes", "Unsaved changes"]
    assert ctx.services.contacts.count() == 0


@pytest.mark.parametrize("field", ["consortium", "sector", "text"])
def test_filters_narrow_rows(sample_ctx, make_window, qtbot, field) -> None:
    window = make_window(sample_ctx)
    view = window.show_view("contacts")
    settle(sample_ctx)
    total = view.model.rowCount()
    assert total == sample_ctx.services.contacts.count() > 0

    if field == "consortium":
        view.consortium.setCurrentIndex(1)
        expected = view.consortium.currentText()
    elif field == "sector":
        view.sector.setCurrentIndex(view.sector.findData("university"))
    else:
        name = view.model.contact_row(0).full_name.split()[-1]
        qtbot.keyClicks(view.text_filter, name[:3])
        view.apply_filters()
    settle(sample_ctx)

    rows = view.model.rowCount()
    assert 0 < rows < total
    assert str(rows) in view.count_label.text().replace(",", "")
    if field == "consortium":
        assert {view.model.contact_row(r).consortium_short_name for r in range(rows)} == {
            expected}
    f = view.model.contact_filter
    assert rows == sample_ctx.services.contacts.count(
        ContactFilter(consortium_id=f.consortium_id, sector=f.sector, text=f.text))


def test_filters_with_no_match_show_a_hint(sample_ctx, make_window, qtbot) -> None:
    window = make_window(sample_ctx)
    view = window.show_view("contacts")
    settle(sample_ctx)
    qtbot.keyClicks(view.text_filter, "zzqqxx")
    view.apply_filters()
    settle(sample_ctx)
    assert view.model.rowCount() == 0
    assert view.empty_state.isVisible()
    assert view.empty_state.title.text() == "No contacts match the filter"
    view.empty_state.button.click()  # Clear filter
    settle(sample_ctx)
    assert view.text_filter.text() == ""
    assert view.model.rowCount() == sample_ctx.services.contacts.count()
    assert not view.empty_state.isVisible()


def test_columns_share_the_width_until_the_user_sizes_them(sample_ctx, make_window) -> None:
    window = make_window(sample_ctx)
    for name in ("contacts", "organizations"):
        view = window.show_view(name)
        settle(sample_ctx)
        header = view.table.horizontalHeader()
        assert header.length() <= view.table.viewport().width() + 1, name  # no sideways scroll
        title = view.model.headerData(0, Qt.Orientation.Horizontal)
        assert header.sectionSize(0) > header.fontMetrics().horizontalAdvance(title), name


def test_organization_form_validates_and_warns_about_duplicates(
        sample_ctx, make_window, qtbot, monkeypatch) -> None:
    from ui.organizations.form import OrganizationDialog

    window = make_window(sample_ctx)
    view = window.show_view("organizations")
    settle(sample_ctx)
    existing = view.model.organization(0)
    before = view.model.rowCount()

    view.new_record()
    dialog = view.dialog
    assert isinstance(dialog, OrganizationDialog)
    assert not dialog.save_button.isEnabled()  # a name is required
    qtbot.keyClicks(dialog.name, existing.name.upper())
    qtbot.keyClicks(dialog.website, "nope")
    assert not dialog.save_button.isEnabled() and dialog.website_message.isVisible()
    dialog.website.clear()
    qtbot.keyClicks(dialog.website, "https://example.org")
    assert dialog.save_button.isEnabled()

    # Same name (any case): warned, Cancel keeps the form; Save anyway saves.
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save]
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: answers.pop(0))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and view.model.rowCount() == before
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(sample_ctx)
    assert view.model.rowCount() == before + 1
    window.undo_action.trigger()  # undo the create: back to Trash
    settle(sample_ctx)
    assert view.model.rowCount() == before
