"""File > Team Hub…: joining, the one-line answers of Test connection, the keyring (and
the session-only fallback), leaving with all data kept; and the background sync's
answers to the same failures, after which the app keeps working on local data."""

from __future__ import annotations

import dataclasses
import re
import socket
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt

from coordinator import secrets
from coordinator.hub import credentials
from coordinator.hub.schema import HUB_SCHEMA
from coordinator.services.records import ContactData
from tests.hub.test_tls import PASSWORD as TLS_PASSWORD
from tests.hub.test_tls import USER as TLS_USER
from tests.hub.test_tls import tls_server  # noqa: F401  (a fixture)
from tests.ui.hub.test_sync_in_app import started, synced
from ui.app import settle
from ui.hub.dialog import NO_KEYRING_NOTE, TeamHubDialog


def _dialog(qtbot, laptop) -> TeamHubDialog:  # type: ignore[no-untyped-def]
    dialog = TeamHubDialog(laptop.ctx, getattr(laptop.ctx, "hub_sync", None))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _type(qtbot, dialog: TeamHubDialog, address, password: str) -> None:  # type: ignore[no-untyped-def]
    for field, text in ((dialog.host, address.host), (dialog.dbname, address.dbname),
                        (dialog.user, address.user), (dialog.password, password)):
        field.clear()
        qtbot.keyClicks(field, text)
    dialog.port.setValue(address.port)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_join_through_the_dialog_then_leave_keeping_every_record(
        app_laptops, make_window, qtbot, memory_keyring, messages) -> None:  # type: ignore[no-untyped-def]
    a = app_laptops("a")
    ada = a.ctx.services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    window = make_window(a.ctx)
    started(qtbot, window)
    assert not window.hub_hooks.button.isVisible()
    dialog = _dialog(qtbot, a)
    assert not dialog.join_button.isEnabled()
    _type(qtbot, dialog, a.address, a.password)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text() == "Connected: the hub of Test coalition."
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert re.fullmatch(r"Joined the hub of Test coalition: pulled 0, pushed [1-9]\d*, "
                        r"merged 0, conflicts 0\.", dialog.result.text())
    assert "Test coalition" in dialog.state_label.text()
    assert dialog.password.text() == ""
    # Joined: Test connection uses the kept password.
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text() == "Connected: the hub of Test coalition."
    # The password is in the keyring, and nowhere in the database.
    assert memory_keyring.store[("Coordinator", credentials.secret_name(a.address))] == \
        a.password
    assert a.password.encode() not in Path(a.ctx.db_path).read_bytes()
    hooks = window.hub_hooks
    qtbot.waitUntil(lambda: hooks.button.isVisible() and hooks.syncer.state.joined,
                    timeout=5000)
    assert not window.sidebar_items["conflicts"].isHidden()

    messages.answer = messages.answer.Yes
    qtbot.mouseClick(dialog.leave_button, Qt.MouseButton.LeftButton)
    assert "Every record stays on this computer" in messages.texts("question")[-1]
    assert dialog.result.text() == "Left the hub of Test coalition; every record stays here."
    assert a.ctx.services.contacts.get(ada.id).full_name == "Ada Lovelace"
    assert a.ctx.hub.address() is None
    assert ("Coordinator", credentials.secret_name(a.address)) not in memory_keyring.store
    qtbot.waitUntil(lambda: not hooks.button.isVisible(), timeout=5000)
    assert dialog.join_button.isVisible() and dialog.host.isEnabled()


def test_without_a_keyring_the_password_is_kept_for_the_session_and_the_dialog_says_so(
        app_laptops, qtbot) -> None:  # type: ignore[no-untyped-def]
    a = app_laptops("a")
    keyring.set_keyring(keyring.backends.fail.Keyring())
    dialog = _dialog(qtbot, a)
    assert dialog.keyring_note.text() == NO_KEYRING_NOTE
    _type(qtbot, dialog, a.address, a.password)
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text().endswith(secrets.NO_KEYRING_MESSAGE)
    assert credentials.get_password(a.address) == a.password  # this session only
    secrets.default_store().forget_session()  # the next session: asked again
    with pytest.raises(Exception) as exc:
        a.ctx.hub.sync()
    assert str(exc.value) == (f"No password is kept for {a.address.user} at "
                              f"{a.address.display()}: enter it in File > Team Hub….")


def test_test_connection_says_in_one_line_what_is_wrong(
        app_laptops, hub, qtbot, tls_server) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    a = app_laptops("a")
    dialog = _dialog(qtbot, a)
    where = a.address.display()

    _type(qtbot, dialog, a.address, "not-the-password")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text() == (
        f"The hub refused the password for {a.address.user} at {where}: check it, or ask "
        "the hub's administrator for a new one.")

    port = _closed_port()
    _type(qtbot, dialog, dataclasses.replace(a.address, port=port), a.password)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text() == (f"The hub at 127.0.0.1:{port} cannot be reached: check "
                                    "the network and the address.")

    server, trusted, _ = tls_server
    dialog.url.clear()
    qtbot.keyClicks(dialog.url, f"postgresql://{TLS_USER}@hub.elsewhere.test:{server.port}/"
                                f"postgres?sslrootcert={trusted}&hostaddr=127.0.0.1")
    assert dialog.host.text() == "hub.elsewhere.test"
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, TLS_PASSWORD)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text() == (
        "TLS: the hub's certificate is for another host than hub.elsewhere.test: refusing "
        "to connect (check the address, or ask the hub's provider).")
    dialog.url.clear()
    qtbot.keyClicks(dialog.url, "postgresql://ana:secret@db.example.org/coalition")
    assert "contains a password" in dialog.result.text()

    dialog.url.clear()
    dialog._url_edited("")
    with hub.server.superuser_conn(hub.dbname) as su:
        su.execute("UPDATE hub.meta SET hub_schema = %s", (HUB_SCHEMA + 1,))
    _type(qtbot, dialog, a.address, a.password)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text() == (
        f"The hub at {where} uses a newer hub schema ({HUB_SCHEMA + 1}) than this "
        f"Coordinator knows ({HUB_SCHEMA}): update Coordinator.")
    # None of it changed anything here: the database still works on its own.
    assert a.ctx.hub.address() is None and dialog.join_button.isVisible()
    made = a.ctx.services.contacts.create(ContactData(given_name="Still", family_name="Here"))
    assert a.ctx.services.contacts.get(made.id).full_name == "Still Here"


def _still_works_locally(qtbot, window, laptop) -> None:  # type: ignore[no-untyped-def]
    """After a failed sync the app edits on: the new contact waits to be pushed."""
    syncer = window.hub_hooks.syncer
    before = syncer.state.waiting
    laptop.ctx.services.contacts.create(ContactData(given_name="Local", family_name="Edit"))
    qtbot.waitUntil(lambda: syncer.state.waiting == before + 1, timeout=5000)
    settle(laptop.ctx)
    view = window.show_view("contacts")
    settle(laptop.ctx)
    assert view.model.rowCount() >= 1


def test_background_sync_failures_show_one_line_and_the_app_keeps_working(
        app_laptops, hub, make_window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a = app_laptops("a")
    a.join()
    window = make_window(a.ctx)
    started(qtbot, window)
    hooks = window.hub_hooks
    where = a.address.display()

    # A password the hub no longer takes: forgotten, and the user is told where to enter it.
    credentials.store_password(a.address, "an-old-password")
    synced(qtbot, window)
    error = hooks.syncer.state.error
    assert error == (f"The hub refused the password for {a.address.user} at {where}: check "
                     "it, or ask the hub's administrator for a new one. The stored password "
                     "was forgotten: enter it again in File > Team Hub….")
    assert hooks.button.text().startswith("Sync failed")
    assert error in hooks.button.toolTip()
    assert credentials.get_password(a.address) is None
    _still_works_locally(qtbot, window, a)

    # The hub cannot be reached: Offline, and the work waits.
    credentials.store_password(a.address, a.password)
    from coordinator.sync import api

    port = _closed_port()
    away = dataclasses.replace(a.address, port=port)
    credentials.store_password(away, a.password)
    real = api.address_of
    monkeypatch.setattr(api, "address_of", lambda _db: away)
    synced(qtbot, window)
    assert hooks.syncer.state.offline
    assert hooks.button.text().startswith("Offline · ")
    assert "to push" in hooks.button.text()
    assert f"The hub at 127.0.0.1:{port} cannot be reached" in hooks.button.toolTip()
    _still_works_locally(qtbot, window, a)
    monkeypatch.setattr(api, "address_of", real)

    # A hub upgraded by a newer Coordinator.
    with hub.server.superuser_conn(hub.dbname) as su:
        su.execute("UPDATE hub.meta SET hub_schema = %s", (HUB_SCHEMA + 1,))
    synced(qtbot, window)
    assert hooks.syncer.state.error == (
        f"The hub at {where} uses a newer hub schema ({HUB_SCHEMA + 1}) than this "
        f"Coordinator knows ({HUB_SCHEMA}): update Coordinator.")
    _still_works_locally(qtbot, window, a)

    # Back to normal: everything that waited is pushed.
    with hub.server.superuser_conn(hub.dbname) as su:
        su.execute("UPDATE hub.meta SET hub_schema = %s", (HUB_SCHEMA,))
    synced(qtbot, window)
    assert hooks.syncer.state.error == "" and hooks.syncer.state.waiting == 0
    assert hooks.button.text() == "Synced just now"


def test_a_forgotten_password_is_entered_again_in_the_dialog(
        app_laptops, qtbot, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    a = app_laptops("a")
    a.join()
    credentials.forget_password(a.address)
    dialog = _dialog(qtbot, a)
    assert dialog.save_button.isVisible() and not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.password, "a-wrong-one")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text().startswith("The hub refused the password")
    assert credentials.get_password(a.address) is None  # a refused password is not kept
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, a.password)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result.text() == ("Connected: the hub of Test coalition. The password is "
                                    "saved in the keyring.")
    assert credentials.get_password(a.address) == a.password
    assert a.ctx.hub.sync().waiting == 0
