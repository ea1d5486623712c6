"""The Team Hub dialog's Users page: the hub's administrator adds, lists and removes
logins and sees their last sync; anyone else is told only the administrator can."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt

from coordinator.hub.connect import HubError, connect
from tests.ui.hub.test_team_hub_dialog import _dialog


def _cells(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    table = page.table
    return {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 5)]
            for r in range(table.rowCount())}


def test_the_administrator_adds_lists_and_removes_users(
        app_laptops, qtbot, messages) -> None:  # type: ignore[no-untyped-def]
    admin = app_laptops("admin", admin=True)
    admin.join()
    dialog = _dialog(qtbot, admin)
    assert dialog.tabs.isTabEnabled(1)
    dialog.tabs.setCurrentWidget(dialog.users)
    page = dialog.users
    rows = _cells(page)
    assert rows[admin.address.user][0] == "admin"
    assert rows[admin.address.user][2] != "never"  # the join was a sync

    qtbot.keyClicks(page.name, "ana")
    qtbot.keyClicks(page.consortium, "CSCA")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    password = page.one_time.text()
    assert page.one_time.isVisible() and len(password) >= 16
    assert page.message.text() == (
        f"Added ana (coordinator). Their hub address: postgresql://ana@127.0.0.1:"
        f"{admin.address.port}/{admin.address.dbname}. Hand over this one-time password "
        "privately; it is shown only now:")
    assert _cells(page)["ana"] == ["coordinator", "CSCA", "never", ""]
    ana = dataclasses.replace(admin.address, user="ana")
    connect(ana, password).close()  # the new login works

    qtbot.keyClicks(page.name, "ana")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "ana is already a member of this hub (coordinator)."

    page.table.selectRow(sorted(_cells(page)).index("ana"))
    messages.answer = messages.answer.Yes
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == "Removed ana; what they wrote stays."
    assert _cells(page)["ana"][3] != ""  # the removal date
    try:
        connect(ana, password).close()
    except HubError as exc:
        assert "revoked" in str(exc)
    else:
        raise AssertionError("a removed login still connects")


def test_a_coordinator_is_told_only_the_administrator_manages_users(
        app_laptops, qtbot) -> None:  # type: ignore[no-untyped-def]
    a = app_laptops("a")
    a.join()
    dialog = _dialog(qtbot, a)
    dialog.tabs.setCurrentWidget(dialog.users)
    assert dialog.users.message.text() == "Only the hub's administrator can manage its users."
    assert dialog.users.table.rowCount() == 0


def test_a_database_that_syncs_with_no_hub_has_no_users_page(app_laptops, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, app_laptops("a"))
    assert not dialog.tabs.isTabEnabled(1)


def test_a_new_hub_is_set_up_from_the_dialog_and_upgraded_from_the_users_page(
        ctx, hub_admin, qtbot, messages, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    from coordinator.services.records import ContactData
    from tests.ui.hub.test_team_hub_dialog import _type
    from ui.hub.dialog import TeamHubDialog

    ada = ctx.services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    dialog = TeamHubDialog(ctx, None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.coalition.isVisible()
    _type(qtbot, dialog, hub_admin.address, hub_admin.password)
    qtbot.mouseClick(dialog.set_up_box, Qt.MouseButton.LeftButton)
    assert dialog.coalition.isVisible() and not dialog.join_button.isEnabled()
    qtbot.keyClicks(dialog.coalition, "Smart Cities")
    assert dialog.join_button.text() == "Set &up and join"
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text().startswith("Joined the hub of Smart Cities: pulled 0, pushed ")
    assert ctx.hub.status().coalition == "Smart Cities"
    assert not dialog.set_up_box.isVisible()

    dialog.tabs.setCurrentWidget(dialog.users)
    page = dialog.users
    assert _cells(page)[hub_admin.address.user][0] == "admin"
    messages.answer = messages.answer.Yes
    qtbot.mouseClick(page.upgrade_button, Qt.MouseButton.LeftButton)
    assert page.message.text().startswith("The hub's schema is at version ")
    assert page.message.text().endswith("; nothing to do.")
    with hub_admin.connect() as conn:  # this database is the hub's first content
        assert conn.execute("SELECT count(*) FROM hub.record WHERE kind = 'contact' "
                            "AND id = %s", (ada.id,)).fetchone() == (1,)


def test_setting_up_a_hub_twice_is_refused_in_one_line(ctx, hub, qtbot) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.hub.test_team_hub_dialog import _type
    from ui.hub.dialog import TeamHubDialog

    dialog = TeamHubDialog(ctx, None)
    qtbot.addWidget(dialog)
    dialog.show()
    _type(qtbot, dialog, hub.address, hub.password)
    dialog.set_up_box.setChecked(True)
    qtbot.keyClicks(dialog.coalition, "Again")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text() == (
        "This database already holds a team hub of Test coalition: nothing was changed "
        "(use another, empty database for a new hub).")
    assert ctx.hub.address() is None
