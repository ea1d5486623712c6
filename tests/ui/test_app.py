"""Start-up pieces: --screenshot for every view, database open errors, the error dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from ui import app as app_module
from ui.app import VIEW_NAMES, ExceptionHook, open_database, parse_args, parse_size
from ui.views.registry import VIEWS

ROOT = Path(__file__).resolve().parents[2]


def _load_main():
    """main.py sits at the top of the checkout, outside the installed packages."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("coordinator_main", ROOT / "main.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


main = _load_main()


def distinct_colours(image: QImage, step: int = 7) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), step)
                for y in range(0, image.height(), step)})


def test_screenshot_writes_a_picture_of_every_view(sample_db_path, tmp_path, qapp) -> None:
    db = sample_db_path
    assert set(VIEW_NAMES) <= set(VIEWS)
    for view in VIEW_NAMES:
        out = tmp_path / f"{view}.png"
        code = main.main(["--db", str(db), "--screenshot", str(out), "--view", view,
                          "--size", "1280x800"])
        assert code == 0, view
        image = QImage(str(out))
        assert (image.width(), image.height()) == (1280, 800), view
        assert distinct_colours(image) > 12, f"{view} looks blank"


def test_screenshot_rejects_unknown_view(tmp_path, qapp) -> None:
    code = main.main(["--db", str(tmp_path / "x.db"), "--screenshot", str(tmp_path / "x.png"),
                      "--view", "nope"])
    assert code == 2
    assert not (tmp_path / "x.png").exists()


def test_arguments() -> None:
    args = parse_args(["--db", "a.db", "--demo"])
    assert args.db == "a.db" and args.demo and args.screenshot is None
    assert parse_size("1920x1080") == (1920, 1080)
    with pytest.raises(SystemExit):
        parse_size("huge")


def test_a_file_that_is_not_a_database_gets_a_clear_message(tmp_path, qapp, monkeypatch) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"These are my meeting notes, not a database.\n" * 100)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    assert open_database(bogus) is None
    assert shown and str(bogus) in shown[0] and "Nothing in the file was changed" in shown[0]
    assert bogus.read_bytes().startswith(b"These are my meeting notes")
    assert main.main(["--db", str(bogus), "--screenshot", str(tmp_path / "x.png")]) == 1


def test_unexpected_errors_show_a_dialog_with_copy_details(qapp) -> None:
    hook = ExceptionHook()
    try:
        raise RuntimeError("the flux capacitor overheated")
    except RuntimeError as exc:
        hook.handle(type(exc), exc, exc.__traceback__)
    assert len(hook.dialogs) == 1
    dialog = hook.dialogs[0]
    assert "flux capacitor" in dialog.details_text
    assert "Traceback" in dialog.details_text
    dialog.copy_details()
    assert "flux capacitor" in QGuiApplication.clipboard().text()
    dialog.close()
    QApplication.processEvents()


def test_application_identity(qapp) -> None:
    application = app_module.make_application([])
    assert application.applicationName() == "Coordinator"
    assert application.organizationName()
    assert not application.windowIcon().isNull()
    assert Path(app_module.RESOURCES, "icons", "coordinator.svg").exists()


def test_background_errors_get_a_message_or_the_error_dialog(qapp, monkeypatch) -> None:
    from coordinator.errors import NotFound

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    hook = ExceptionHook()
    hook.handle_task_error(NotFound("contact", "42"))  # a user-facing error: plain message
    assert shown == ["No contact with id 42."] and hook.dialogs == []
    hook.handle_task_error(ZeroDivisionError("boom"))  # unexpected: details dialog
    assert len(hook.dialogs) == 1 and "ZeroDivisionError" in hook.dialogs[0].details_text
    hook.dialogs[0].close()


def test_task_callbacks_are_dropped_when_their_context_is_destroyed(ctx, qtbot) -> None:
    import shiboken6
    from PySide6.QtCore import QObject

    owner = QObject()
    got: list[object] = []
    ctx.tasks.run(lambda: 42, on_done=got.append, context=owner)
    shiboken6.delete(owner)  # gone before the GUI thread sees the result
    qtbot.waitUntil(lambda: ctx.tasks.pending() == 0, timeout=5000)
    kept: list[object] = []
    ctx.tasks.run(lambda: 7, on_done=kept.append)
    qtbot.waitUntil(lambda: kept == [7], timeout=5000)
    assert got == []


def test_ui_settings_live_in_coordinators_config_folder(coordinator_home) -> None:
    """One owner for per-user paths: the settings file follows COORDINATOR_HOME."""
    from ui.settings import default_settings

    settings = default_settings()
    settings.setValue("probe", 1)
    settings.sync()
    assert settings.fileName().startswith(str(coordinator_home / "config"))
