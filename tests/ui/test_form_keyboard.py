"""The contact and organization forms driven by the keyboard alone: Ctrl+N starts in
the first field, Tab walks every field top to bottom (email and phone rows included)
before the buttons, an empty email/phone row never blocks saving, Ctrl+S saves (the
form stays open), Ctrl+Enter saves and closes, and F2 opens the selected record."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from shiboken6 import isValid

from coordinator.services.records import ContactData, EmailData, OrganizationData, PhoneData
from ui.app import settle
from ui.contacts.form import ContactDialog
from ui.organizations.form import OrganizationDialog

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def discard_on_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """A form left open by a failing test closes without a modal question."""
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Discard))


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def focused_name() -> str:
    """The focused control's accessible name (an editable combo's name for its line)."""
    widget = focused()
    if not widget.accessibleName() and widget.parentWidget() is not None:
        widget = widget.parentWidget()
    return widget.accessibleName() or widget.objectName() or type(widget).__name__


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    qtbot.keyClick(focused(), key, modifier)


def tab_to(qtbot, name: str, limit: int = 40) -> list[str]:
    """Press Tab until the control named `name` has focus; the names passed on the way."""
    passed = []
    for _ in range(limit):
        press(qtbot, Qt.Key.Key_Tab)
        passed.append(focused_name())
        if passed[-1] == name:
            return passed
    raise AssertionError(f"Tab never reached {name!r}: {passed}")


def open_with_ctrl_n(qtbot, window, view_name: str) -> object:
    view = window.show_view(view_name)
    settle(window.ctx)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_N, CTRL)
    dialog = view.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    return dialog


CONTACT_ORDER = [
    "First name", "Last name", "Title or role", "Pronouns", "Organization",
    "Email label", "Email", "Remove email", "Add email",
    "Phone label", "Phone", "Remove phone", "Add phone", "Do not contact",
    "Street", "City", "State or region", "Postal code", "Country", "Website", "Birthday",
    "Tags", "Notes", "Private notes", "Save", "Save and close", "Close"]


def test_ctrl_n_then_typing_and_tab_saves_a_contact_with_ctrl_s(
        ctx, make_window, qtbot) -> None:
    ctx.services.organizations.create(OrganizationData(name="Acme Mobility"))
    window = make_window(ctx)
    dialog = open_with_ctrl_n(qtbot, window, "contacts")
    assert isinstance(dialog, ContactDialog)
    assert focused() is dialog.given  # typing goes into the first name at once

    type_text(qtbot, "Ada")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Lovelace")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Analyst")
    assert tab_to(qtbot, "Email") == ["Pronouns", "Organization", "Email label", "Email"]
    type_text(qtbot, "ada@example.org")
    tab_to(qtbot, "City")
    type_text(qtbot, "Denton")
    press(qtbot, Qt.Key.Key_S, CTRL)
    settle(ctx)

    # saved, and the form stays open on the saved contact; Escape then closes it
    assert dialog.isVisible() and dialog.record_id and not dialog.dirty
    assert dialog.state_label.text() == "Saved"
    press(qtbot, Qt.Key.Key_Escape)
    settle(ctx)
    assert not isValid(dialog) or not dialog.isVisible()
    (row,) = ctx.services.contacts.list().rows
    saved = ctx.services.contacts.get(row.id)
    assert (saved.given_name, saved.family_name, saved.title) == ("Ada", "Lovelace", "Analyst")
    assert [e.address for e in saved.emails] == ["ada@example.org"]
    assert saved.addresses[0].city == "Denton"
    assert saved.phones == []


def test_tab_walks_every_contact_field_top_to_bottom_before_the_buttons(ctx, qtbot) -> None:
    dialog = ContactDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.phones.add_row()  # one row of each kind, as a new contact form can have
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    assert focused() is dialog.given
    type_text(qtbot, "Ada")  # a valid form: Save takes focus too
    order = ["First name", *tab_to(qtbot, "Close")]
    assert order == CONTACT_ORDER
    # and back again with Shift+Tab
    back = []
    for _ in range(len(CONTACT_ORDER) - 1):
        press(qtbot, Qt.Key.Key_Backtab)
        back.append(focused_name())
    assert back == CONTACT_ORDER[-2::-1]
    dialog.close()


def test_rows_added_later_join_the_tab_order_in_place(ctx, qtbot) -> None:
    dialog = ContactDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    dialog.emails.add_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)  # "Add email": a second row, focused
    assert focused() is dialog.emails.rows[1].edit
    assert tab_to(qtbot, "Add email") == ["Remove email", "Add email"]
    assert tab_to(qtbot, "Street") == ["Add phone", "Do not contact", "Street"]
    dialog.close()


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_empty_email_row_never_blocks_saving_and_ctrl_enter_saves(ctx, qtbot, key) -> None:
    dialog = ContactDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    assert len(dialog.emails.rows) == 1 and dialog.emails.rows[0].value() == ""
    type_text(qtbot, "Grace")
    assert dialog.save_button.isEnabled()
    assert not dialog.emails.rows[0].message.isVisible()
    tab_to(qtbot, "Notes")
    type_text(qtbot, "Met at the summit")
    press(qtbot, key, CTRL)  # in the notes, Ctrl+Enter still saves
    settle(ctx)
    assert not dialog.isVisible()
    (row,) = ctx.services.contacts.list().rows
    saved = ctx.services.contacts.get(row.id)
    assert (saved.given_name, saved.emails, saved.notes) == ("Grace", [], "Met at the summit")


def test_a_bad_email_still_blocks_and_ctrl_s_marks_it(ctx, qtbot) -> None:
    dialog = ContactDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    type_text(qtbot, "Grace")
    dialog.emails.add_row()  # an empty row before a bad one: messages stay on their row
    tab_to(qtbot, "Email")
    tab_to(qtbot, "Email")
    assert focused() is dialog.emails.rows[1].edit
    type_text(qtbot, "grace@")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and not dialog.save_button.isEnabled()
    assert dialog.emails.rows[1].message.isVisible()
    assert not dialog.emails.rows[0].message.isVisible()
    assert ctx.services.contacts.count() == 0
    dialog.close()


def test_organization_form_by_keyboard(ctx, make_window, qtbot) -> None:
    window = make_window(ctx)
    window.welcome.empty_button.click()
    settle(ctx)
    dialog = open_with_ctrl_n(qtbot, window, "organizations")
    assert isinstance(dialog, OrganizationDialog)
    assert focused() is dialog.name
    type_text(qtbot, "Acme Mobility")
    assert tab_to(qtbot, "City") == ["Sector", "Consortium", "City"]
    type_text(qtbot, "Austin")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    settle(ctx)
    assert not isValid(dialog) or not dialog.isVisible()
    (org,) = ctx.services.organizations.list().rows
    assert (org.name, org.city) == ("Acme Mobility", "Austin")


@pytest.mark.parametrize("view_name", ["contacts", "organizations"])
def test_f2_edits_the_selected_record(ctx, make_window, qtbot, view_name) -> None:
    services = ctx.services
    org = services.organizations.create(OrganizationData(name="Acme Mobility"))
    person = services.contacts.create(ContactData(
        given_name="Ada", family_name="Lovelace", organization_id=org.id,
        emails=[EmailData("ada@example.org")], phones=[PhoneData("+1 555 010 0000")]))
    window = make_window(ctx)
    view = window.show_view(view_name)
    settle(ctx)
    view.select_row(0)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.record_id == (person.id if view_name == "contacts" else org.id)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    # the first field has focus; typing adds to it and Ctrl+S saves the edit
    press(qtbot, Qt.Key.Key_End)
    type_text(qtbot, "x")
    press(qtbot, Qt.Key.Key_S, CTRL)
    settle(ctx)
    if view_name == "contacts":
        assert services.contacts.get(person.id).given_name == "Adax"
    else:
        assert services.organizations.get(org.id).name == "Acme Mobilityx"
