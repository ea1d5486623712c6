"""Organizations through the widgets: moving one with contacts to Trash asks first and
says what happens to its people; its contacts then show no organization until undo."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from coordinator.services import ContactFilter
from ui.app import settle


def _answer_confirmation(view, button_text: str, seen: list[str]) -> None:
    """When the confirmation opens, note its words and press `button_text`."""
    def answer() -> None:
        box = view.confirm_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        seen.append(f"{box.text()} {box.informativeText()}")
        (button,) = [b for b in box.buttons() if b.text().replace("&", "") == button_text]
        button.click()
    QTimer.singleShot(0, answer)


def test_deleting_an_organization_with_contacts_asks_and_undo_relinks(
        sample_ctx, make_window, qtbot) -> None:
    services = sample_ctx.services
    window = make_window(sample_ctx)
    view = window.show_view("organizations")
    settle(sample_ctx)
    row = next(r for r in range(view.model.rowCount())
               if (view.model.organization(r).contact_count or 0) > 1)
    org = view.model.organization(row)
    people = services.contacts.list(ContactFilter(organization_id=org.id)).rows
    assert len(people) == org.contact_count
    view.select_row(row)
    view.table.setFocus()

    # Cancel leaves everything as it was.
    seen: list[str] = []
    _answer_confirmation(view, "Cancel", seen)
    window.delete_action.trigger()
    settle(sample_ctx)
    assert seen == [f"Move “{org.name}” to Trash? Its {len(people)} contacts will stay, "
                    "shown without an organization until you restore it from Trash or "
                    "undo this (Ctrl+Z)."]
    assert services.organizations.exists(org.id)

    # Confirmed: in Trash, its contacts stay but no longer show its name.
    _answer_confirmation(view, "Move to Trash", seen)
    window.delete_action.trigger()
    settle(sample_ctx)
    assert len(seen) == 2
    assert not services.organizations.exists(org.id)
    assert [t.id for t in services.trash.list()] == [org.id]
    contacts = window.show_view("contacts")
    settle(sample_ctx)
    for person in people:
        row = contacts.model.row_of(person.id)
        assert row >= 0
        assert contacts.model.contact_row(row).organization_name == ""
        assert services.contacts.get(person.id).organization_name == ""

    # Ctrl+Z brings the organization back and relinks its contacts.
    window.show_view("organizations")
    window.undo_action.trigger()
    settle(sample_ctx)
    assert services.organizations.exists(org.id)
    window.show_view("contacts")
    settle(sample_ctx)
    for person in people:
        row = contacts.model.row_of(person.id)
        assert contacts.model.contact_row(row).organization_name == org.name


def test_deleting_an_organization_without_contacts_does_not_ask(
        sample_ctx, make_window) -> None:
    from coordinator.services.records import OrganizationData

    services = sample_ctx.services
    lonely = services.organizations.create(OrganizationData(name="Nobody Works Here"))
    window = make_window(sample_ctx)
    view = window.show_view("organizations")
    settle(sample_ctx)
    view.open_record(lonely.id)
    window.delete_action.trigger()
    settle(sample_ctx)
    assert view.confirm_box is None
    assert not services.organizations.exists(lonely.id)


def test_contact_form_of_a_trashed_organization_keeps_the_link(ctx, qtbot, monkeypatch) -> None:
    from PySide6.QtCore import Qt

    from coordinator.services.records import ContactData, OrganizationData
    from ui.contacts.form import ContactDialog

    services = ctx.services
    org = services.organizations.create(OrganizationData(name="Acme Mobility"))
    person = services.contacts.create(ContactData(given_name="Ada", organization_id=org.id))
    services.organizations.delete(org.id)
    monkeypatch.setattr(QMessageBox, "question",  # never a modal question at teardown
                        staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Discard))

    dialog = ContactDialog(ctx, person.id)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    assert dialog.organization.text() == ""  # no name of an organization in Trash
    assert "in Trash" in dialog.organization.placeholderText()
    assert dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.title_edit, "Analyst")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert services.contacts.get(person.id).title == "Analyst"

    services.organizations.restore(org.id)
    assert services.contacts.get(person.id).organization_name == "Acme Mobility"
