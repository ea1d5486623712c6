"""Two app windows against one real hub: background sync, the status bar, the open
tables following what the other laptop did, and the bounded sync at quit."""

from __future__ import annotations

import dataclasses
import socket
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from coordinator.services.records import ContactData
from ui.app import settle
from ui.hub.status import status_text


def synced(qtbot, window, *, key: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Ask for a sync the way the user does (F9, or View > Sync Now) and wait for it."""
    syncer = window.hub_hooks.syncer
    qtbot.waitUntil(lambda: syncer.state.known and not syncer.running, timeout=30_000)
    assert window.hub_hooks.sync_action.isEnabled()
    before = syncer.state.last_attempt_at
    if key:
        with qtbot.waitActive(window):
            window.activateWindow()
        qtbot.keyClick(window, Qt.Key.Key_F9)
    else:
        window.hub_hooks.sync_action.trigger()
    qtbot.waitUntil(lambda: syncer.state.last_attempt_at != before and not syncer.running
                    and not syncer.state.syncing, timeout=30_000)
    settle(window.ctx)


def started(qtbot, *windows) -> None:  # type: ignore[no-untyped-def]
    """Wait for the windows' start-up sync (a moment after they opened) to end."""
    for window in windows:
        syncer = window.hub_hooks.syncer
        qtbot.waitUntil(lambda s=syncer: s.state.known and not s.running
                        and (not s.state.joined or s.state.last_attempt_at is not None),
                        timeout=30_000)
        settle(window.ctx)


def test_an_edit_on_one_laptop_appears_in_the_others_open_table(
        app_laptops, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    a, b = app_laptops("a"), app_laptops("b")
    ada = a.ctx.services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    others = [a.ctx.services.contacts.create(ContactData(given_name=f"P{n:02d}",
                                                         family_name="Zed")).id
              for n in range(40)]
    a.join()
    b.join()
    wa, wb = make_window(a.ctx), make_window(b.ctx)
    started(qtbot, wa, wb)
    view = wb.show_view("contacts")
    settle(b.ctx)
    assert view.model.rowCount() == 41
    # b looks at someone else, scrolled down: both stay after the sync.
    view.open_record(others[30])
    settle(b.ctx)
    assert view.table.verticalScrollBar().value() > 0
    top = view.model.id_at(view.table.rowAt(0))

    a.ctx.services.contacts.update(ada.id, dataclasses.replace(
        a.ctx.services.contacts.get(ada.id), family_name="Byron"))
    qtbot.waitUntil(lambda: wa.hub_hooks.syncer.state.waiting > 0, timeout=5000)
    assert "to push" in wa.hub_hooks.button.text()
    synced(qtbot, wa)
    assert wa.hub_hooks.syncer.state.waiting == 0
    assert wa.hub_hooks.button.text() == "Synced just now"
    synced(qtbot, wb)

    row = view.model.row_of(ada.id)
    names = [view.model.index(row, c).data() for c in range(view.model.columnCount())]
    assert "Byron" in " ".join(str(n) for n in names)
    assert view.selected_ids() == [others[30]]
    assert view.model.id_at(view.table.rowAt(0)) == top  # the same rows on screen
    assert "pulled 1" in wb.hub_hooks.button.toolTip()


def test_a_laptop_that_never_joined_shows_no_sync_and_f9_says_how_to_join(
        ctx, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window(ctx)
    hooks = window.hub_hooks
    qtbot.waitUntil(lambda: hooks.syncer.state.known, timeout=10_000)
    assert not hooks.button.isVisible()
    assert window.sidebar_items["conflicts"].isHidden()
    assert not hooks.sync_action.isEnabled()
    hooks.sync_now()
    assert "join one in File > Team Hub" in window.statusBar().currentMessage()
    assert hooks.team_hub_action.isEnabled()


def _silent_server() -> tuple[socket.socket, int]:
    """A port that accepts connections and never answers (a hub stuck on the way)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    return server, server.getsockname()[1]


def test_quitting_waits_a_bounded_time_and_keeps_unpushed_work_for_next_time(
        app_laptops, make_window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a = app_laptops("a")
    a.join()
    window = make_window(a.ctx)
    started(qtbot, window)
    syncer = window.hub_hooks.syncer
    qtbot.waitUntil(lambda: not syncer.running, timeout=30_000)
    a.ctx.services.contacts.create(ContactData(given_name="Grace", family_name="Hopper"))
    # The hub stops answering: the quit's sync cannot finish, the window still closes.
    server, port = _silent_server()
    try:
        real = a.ctx.hub.address()
        from coordinator.hub import credentials
        from coordinator.sync import api

        stuck = dataclasses.replace(real, port=port)
        credentials.store_password(stuck, a.password)
        monkeypatch.setattr(api, "address_of", lambda _db: stuck)
        assert syncer.finish(seconds=0.5) is False
        qtbot.waitUntil(lambda: not syncer.running, timeout=15_000)
        assert "did not answer" in syncer.state.error or "cannot be reached" in \
            syncer.state.error
    finally:
        server.close()
        monkeypatch.undo()
    QApplication.processEvents()
    assert a.ctx.hub.status().waiting  # still here, pushed next time
    report = a.ctx.hub.sync()
    assert report.pushed >= 1 and report.waiting == 0


def test_status_words() -> None:
    from datetime import UTC, datetime, timedelta

    from ui.hub.syncer import SyncState

    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    state = SyncState(joined=True, last_sync_at=now - timedelta(minutes=2), waiting=3,
                      conflicts=1)
    assert status_text(state, now) == "Synced 2 min ago · 3 changes to push · 1 conflict"
    assert status_text(dataclasses.replace(state, syncing=True), now).startswith("Syncing…")
    assert status_text(dataclasses.replace(state, offline=True, waiting=0, conflicts=0),
                       now) == "Offline"
    assert status_text(SyncState(joined=False), now) == ""


def test_syncs_by_themselves_after_an_edit_and_every_few_minutes(
        app_laptops, make_window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ui.hub.syncer import HubSync

    # Shortened here; the app waits a minute after an edit and syncs every 5 minutes.
    monkeypatch.setattr(HubSync, "AFTER_EDIT_MS", 300)
    monkeypatch.setattr(HubSync, "INTERVAL_MS", 700)
    a, b = app_laptops("a"), app_laptops("b")
    a.join()
    b.join()
    wa, wb = make_window(a.ctx), make_window(b.ctx)
    view = wb.show_view("contacts")
    settle(b.ctx)
    grace = a.ctx.services.contacts.create(ContactData(given_name="Grace",
                                                       family_name="Hopper"))
    # a pushes a moment after the edit, b pulls on its next round: nobody pressed F9.
    qtbot.waitUntil(lambda: view.model.row_of(grace.id) >= 0, timeout=20_000)
    assert wa.hub_hooks.syncer.state.waiting == 0
