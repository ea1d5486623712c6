"""The contact form warns before saving a probable duplicate: the same name at the
same organization, not only the same email; never a colleague on the same phone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from coordinator.services.records import ContactData, OrganizationData, PhoneData
from ui.app import settle


def fill(qtbot, dialog, given: str, family: str, org: str, phone: str) -> None:
    qtbot.keyClicks(dialog.given, given)
    qtbot.keyClicks(dialog.family, family)
    qtbot.keyClicks(dialog.organization, org)
    if not dialog.phones.rows:
        qtbot.mouseClick(dialog.phones.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.phones.rows[0].edit, phone)


def test_same_name_same_organization_warns_and_offers_the_existing(
        ctx, make_window, qtbot, monkeypatch) -> None:
    acme = ctx.services.organizations.create(OrganizationData(name="Acme Mobility"))
    existing = ctx.services.contacts.create(ContactData(
        given_name="Ada", family_name="Lovelace", organization_id=acme.id,
        phones=[PhoneData("972-555-0100")]))
    window = make_window(ctx)
    view = window.show_view("contacts")
    settle(ctx)
    asked: list[tuple[str, str]] = []
    answers = [QMessageBox.StandardButton.Open]

    def warning(_parent, title, text, *args, **kwargs):
        asked.append((title, text))
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "warning", warning)

    # A colleague on the same switchboard number saves without a question.
    view.new_record()
    dialog = view.dialog
    settle(ctx)
    fill(qtbot, dialog, "Grace", "Hopper", "Acme Mobility", "972-555-0100")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert asked == []
    assert ctx.services.contacts.count() == 2

    # The same person typed in again is caught before saving.
    view.new_record()
    dialog = view.dialog
    settle(ctx)
    fill(qtbot, dialog, "ADA", "Lovelace", "Acme Mobility", "(972) 555-0100")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    with qtbot.waitSignal(dialog.open_existing) as opened:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert opened.args == [existing.id]
    [(title, text)] = asked
    assert title == "Contact already exists"
    assert "Ada Lovelace at Acme Mobility already exists" in text
    assert "same name at Acme Mobility" in text
    assert ctx.services.contacts.count() == 2  # nothing saved
