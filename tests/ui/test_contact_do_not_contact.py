"""The contact form's do-not-contact checkbox, and the detail pane saying so."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from coordinator.services.records import ContactData, EmailData
from ui.app import settle
from ui.contacts.form import ContactDialog
from ui.widgets.detail import contact_html


def test_checkbox_saves_clears_and_is_shown(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    contacts = ctx.services.contacts
    ana = contacts.create(ContactData(given_name="Ana", family_name="Ruiz",
                                      emails=[EmailData("ana@example.org")]))
    dialog = ContactDialog(ctx, ana.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.do_not_contact.isChecked()
    assert dialog.do_not_contact in dialog.focus_order()
    qtbot.mouseClick(dialog.do_not_contact, Qt.MouseButton.LeftButton)
    assert dialog.do_not_contact.isChecked() and dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    saved = contacts.get(ana.id)
    assert saved.do_not_contact is True

    html = contact_html(saved)
    assert "Asked not to be emailed" in html
    assert "mailto:" not in html and "ana@example.org" in html
    assert "mailto:ana@example.org" in contact_html(replace(saved, do_not_contact=False))

    # Reopened, the box is ticked; unticking it saves the contact as reachable again.
    dialog = ContactDialog(ctx, ana.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.do_not_contact.isChecked()
    dialog.do_not_contact.setFocus()
    qtbot.keyClick(dialog.do_not_contact, Qt.Key.Key_Space)
    assert not dialog.do_not_contact.isChecked()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert contacts.get(ana.id).do_not_contact is False
