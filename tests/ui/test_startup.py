"""The real start-up path: the window paints first, the database opens in the
background, then the views fill; a bad file gets a clear message and exit code 1."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from ui.app import Controller


def test_window_paints_first_then_shows_the_data(sample_db_path, ui_settings, qtbot) -> None:
    ui_settings.setValue("main/view", "contacts")  # left on Contacts: its rows paint first
    controller = Controller(Path(sample_db_path), settings=ui_settings)
    window = controller.window
    qtbot.addWidget(window)
    assert window.ctx is None and not window.sidebar.isEnabled()  # a frame, no data yet
    controller.start()
    qtbot.waitUntil(lambda: controller.ctx is not None, timeout=20_000)
    qtbot.waitUntil(lambda: window.pages.get("contacts") is not None
                    and window.pages["contacts"].model.rowCount() > 0, timeout=20_000)
    assert window.sidebar.isEnabled()
    assert window.current_view == "contacts"
    assert window.db_label.text() == Path(sample_db_path).name
    qtbot.waitUntil(lambda: window.sidebar_items["contacts"].text(1) != "", timeout=10_000)
    window.close()
    controller.ctx.tasks.wait()
    controller.close()
    assert ui_settings.value("main/view") == "contacts"


def test_a_bad_database_file_is_explained(tmp_path, ui_settings, qtbot, monkeypatch) -> None:
    bogus = tmp_path / "holiday-photos.db"
    bogus.write_bytes(b"\x89PNG not a database" * 50)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    controller = Controller(bogus, settings=ui_settings)
    qtbot.addWidget(controller.window)
    controller.start()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert controller.exit_code == 1
    assert str(bogus) in shown[0] and "Nothing in the file was changed" in shown[0]
    assert bogus.read_bytes().startswith(b"\x89PNG not a database")


def test_new_database_opens_in_a_new_window(sample_db_path, ui_settings, tmp_path, qtbot) -> None:
    controller = Controller(Path(sample_db_path), settings=ui_settings)
    qtbot.addWidget(controller.window)
    controller.start()
    qtbot.waitUntil(lambda: controller.ctx is not None, timeout=20_000)
    first = controller.window

    # File ▸ New database… chose a path: the window is replaced, the old one closed.
    fresh = tmp_path / "second coalition.db"
    first.database_requested.emit(str(fresh))
    window = controller.window
    qtbot.addWidget(window)
    assert window is not first and not first.isVisible()
    assert fresh.exists() and controller.ctx.db_path == fresh.resolve()
    assert window.stack.currentWidget() is window.welcome  # an empty database
    assert str(fresh.resolve()) in window.recent_databases()
    assert str(Path(sample_db_path).resolve()) in window.recent_databases()
    window.close()
    controller.ctx.tasks.wait()
    controller.close()


def test_a_database_open_elsewhere_can_be_opened_read_only(
        sample_db_path, ui_settings, qtbot, monkeypatch) -> None:
    from ui.safety import opening

    first = Controller(Path(sample_db_path), settings=ui_settings)
    qtbot.addWidget(first.window)
    first.start()
    qtbot.waitUntil(lambda: first.ctx is not None, timeout=20_000)
    assert not first.locked.read_only  # it holds the lock

    asked: list[str] = []

    def choose(parent, icon, title, text, detail, choices, default=None, cancel="Cancel"):
        asked.append(title)
        return opening.OPEN_READ_ONLY

    monkeypatch.setattr(opening, "_choose", choose)
    second = Controller(Path(sample_db_path), settings=ui_settings)
    qtbot.addWidget(second.window)
    second.start()
    qtbot.waitUntil(lambda: second.ctx is not None, timeout=20_000)
    assert asked == ["Database in use"]
    assert second.locked.read_only
    assert "read-only" in second.window.db_label.text()
    for controller in (second, first):
        controller.window.close()
        controller.ctx.tasks.wait()
        controller.close()
    assert not Path(str(sample_db_path) + ".lock").exists()  # the lock was given back
