"""Fixtures for the desktop-shell tests: an AppContext with its own QSettings file,
sample databases copied per test from session-wide templates, and a shown MainWindow.

Templates are built once per session with `coordinator.demo.build_demo` and copied
with SQLite's backup API (never a file copy, which misses what is still in the WAL file).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from coordinator.db import Database
from coordinator.services import Services
from ui.app import settle
from ui.context import AppContext

SAMPLE_CONTACTS = 600
LARGE_CONTACTS = 10_000


def _build_template(folder: Path, contacts: int) -> Path:
    from coordinator.demo import build_demo

    path = folder / f"template-{contacts}.db"
    db = Database.open(path, backup_dir=folder / "backups")
    try:
        build_demo(Services(db), contacts=contacts)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return path


def copy_database(src: Path, dest: Path) -> Path:
    source = sqlite3.connect(src)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return dest


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_template(tmp_path_factory.mktemp("sample"), SAMPLE_CONTACTS)


@pytest.fixture(scope="session")
def large_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_template(tmp_path_factory.mktemp("large"), LARGE_CONTACTS)


@pytest.fixture
def sample_db_path(sample_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample coalition database file."""
    return copy_database(sample_template, tmp_path / "sample-copy.db")


@pytest.fixture
def ui_settings(tmp_path: Path) -> QSettings:
    """A private settings file (the same path twice = the same settings after a restart)."""
    return QSettings(str(tmp_path / "ui-settings.ini"), QSettings.Format.IniFormat)


def _make_ctx(db: Database, settings: QSettings) -> AppContext:
    return AppContext(db, settings)


def _close_ctx(ctx: AppContext) -> None:
    ctx.tasks.wait(10_000)
    QApplication.processEvents()
    ctx._unsubscribe()
    ctx.tasks.shutdown()


@pytest.fixture
def ctx(db: Database, ui_settings: QSettings, qapp: QApplication) -> Iterator[AppContext]:
    """An AppContext over the test's empty database."""
    context = _make_ctx(db, ui_settings)
    yield context
    _close_ctx(context)


@pytest.fixture
def sample_ctx(sample_template: Path, tmp_path: Path, ui_settings: QSettings,
               qapp: QApplication) -> Iterator[AppContext]:
    """An AppContext over a fresh copy of the 600-contact sample coalition."""
    db = Database.open(copy_database(sample_template, tmp_path / "sample.db"))
    context = _make_ctx(db, ui_settings)
    yield context
    _close_ctx(context)
    db.close()


@pytest.fixture
def large_services(large_template: Path, tmp_path: Path) -> Iterator[Services]:
    """Services over a fresh copy of a 10,000-contact coalition."""
    db = Database.open(copy_database(large_template, tmp_path / "large.db"))
    yield Services(db)
    db.close()


@pytest.fixture
def make_window(qtbot) -> Iterator[Callable[..., object]]:
    """make_window(ctx, size=(1280, 800)) -> a shown MainWindow (closed at teardown);
    size=None keeps the geometry restored from the settings."""
    from ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(context: AppContext, size: tuple[int, int] | None = (1280, 800)) -> MainWindow:
        window = MainWindow(context)
        qtbot.addWidget(window)
        if size:
            window.resize(*size)
        with qtbot.waitExposed(window):
            window.show()
        with qtbot.waitActive(window):
            window.activateWindow()
        settle(context)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        settle(window.ctx)


# -- dialogs: drive modal dialogs and record message boxes (tests/ui/io, tests/ui/safety) --
# `modal` replaces ui.kit.background.run_modal, the one place dialogs run modally; `shot`
# keeps PNGs of dialogs when COORDINATOR_SHOTS=folder is set.
class Modal:
    """`run_modal` replacement: calls `drivers[type name]` (or `default`) with the dialog."""

    def __init__(self) -> None:
        self.drivers: dict[str, Callable[[Any], None]] = {}
        self.seen: list[QDialog] = []

    def __call__(self, dialog: QDialog) -> int:
        self.seen.append(dialog)
        driver = self.drivers.get(type(dialog).__name__)
        if driver is None:
            raise AssertionError(f"no driver for {type(dialog).__name__}")
        dialog.show()
        driver(dialog)
        return dialog.result()


class Messages:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _title, text in self.calls if kind is None or k == kind]


@pytest.fixture
def modal(monkeypatch: pytest.MonkeyPatch) -> Modal:
    from ui.kit import background

    m = Modal()
    monkeypatch.setattr(background, "run_modal", m)
    return m


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Messages:
    box = Messages()

    def record(kind: str) -> Callable[..., Any]:
        def show(_parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            box.calls.append((kind, title, text))
            if kind == "question":
                return box.answer
            return QMessageBox.StandardButton.Ok
        return show

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    return box


@pytest.fixture
def shot() -> Callable[[QWidget, str], Path | None]:
    folder = os.environ.get("COORDINATOR_SHOTS")

    def save(widget: QWidget, name: str) -> Path | None:
        if not folder:
            return None
        Path(folder).mkdir(parents=True, exist_ok=True)
        path = Path(folder) / f"{name}.png"
        widget.grab().save(str(path))
        return path

    return save
