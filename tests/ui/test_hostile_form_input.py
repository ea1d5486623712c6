"""Typing text that breaks URL parsing into a form's web address field: every keystroke
is validated live, so each one must give a message, never an exception."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from ui.contacts.form import ContactDialog
from ui.organizations.form import OrganizationDialog


def _open(dialog, qtbot, messages):  # type: ignore[no-untyped-def]
    messages.answer = QMessageBox.StandardButton.Discard  # closing drops the typing
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    return dialog


@pytest.mark.parametrize("typed", ["http://[", "]", "https://[::1", "http://a.example.org:99999"])
def test_organization_website_with_a_bracket_shows_a_message(ctx, qtbot, messages,  # type: ignore[no-untyped-def]
                                                             typed: str) -> None:
    dialog = _open(OrganizationDialog(ctx), qtbot, messages)
    qtbot.keyClicks(dialog.name, "City of Plano")
    assert dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.website, typed)  # one live validation per character
    assert dialog.website.text() == typed
    assert dialog.website_message.isVisible()
    assert dialog.website_message.text().endswith("Enter a web address such as https://example.org.")
    assert not dialog.save_button.isEnabled()
    # correcting the address makes the form savable again
    dialog.website.clear()
    qtbot.keyClicks(dialog.website, "https://plano.example.org")
    assert dialog.save_button.isEnabled() and not dialog.website_message.isVisible()
    assert messages.calls == []  # no error box along the way


def test_contact_website_with_a_bracket_shows_a_message(ctx, qtbot, messages) -> None:  # type: ignore[no-untyped-def]
    dialog = _open(ContactDialog(ctx), qtbot, messages)
    qtbot.keyClicks(dialog.given, "Ada")
    qtbot.keyClicks(dialog.website, "http://[")
    assert dialog.website_message.isVisible()
    assert not dialog.save_button.isEnabled()
    assert messages.calls == []
