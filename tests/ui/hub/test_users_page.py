"""The Team Hub dialog's Users page: the hub's administrator adds, lists and removes
logins and sees their last sync; anyone else is told only the administrator can."""

from __future__ import annotations

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
    ana = admin.address.__class__(**{**admin.address.__dict__, "user": "ana"})
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
