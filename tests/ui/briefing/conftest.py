"""Fixtures for the briefing UI: a small sample coalition, an AppContext with its own
settings file, built PDFs, and recorded (never shown) message boxes.

Nothing here runs a real modal loop: message boxes are replaced by recorders; the tests
patch `exec` of the dialogs they drive.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

import ui

if getattr(ui, "__file__", None) is None:
    # Run as `.venv/bin/pytest`, the project root is not on sys.path but tests/ is, so
    # `ui` became a namespace package over tests/ui and `ui.briefing` would resolve to
    # *this* folder. Point `ui` at the real package (the lasting fix is
    # `pythonpath = ["."]` in pyproject's pytest options; see the report).
    ui.__path__ = [str(Path(__file__).resolve().parents[3] / "ui")]
    for _name in [n for n in sys.modules if n == "ui.briefing" or n.startswith("ui.briefing.")]:
        del sys.modules[_name]

from coordinator.briefing import BriefingOptions, write_private
from coordinator.db import Database
from coordinator.demo import build_demo
from coordinator.services import Services
from ui.briefing.build import BuiltDocument, build_briefing_file, new_build_folder
from ui.briefing.preview import open_previews
from ui.context import AppContext

DEMO_CONTACTS = 60  # small and quick; the sample coalition's meetings still have attendees


@dataclass
class MessageBoxes:
    """Every QMessageBox static call a test triggered: (kind, title, text)."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [c[0] for c in self.calls]


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    boxes = MessageBoxes()

    def recorder(kind: str):
        def show(_parent, title, text, *_args, **_kwargs):
            boxes.calls.append((kind, str(title), str(text)))
            return QMessageBox.StandardButton.Ok

        return show

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder(kind)))
    return boxes


@pytest.fixture(autouse=True)
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary PDFs go under the test's folder, not the system's /tmp."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample coalition, built once per session (opening a new database migrates it,
    which costs far more than copying this one)."""
    folder = tmp_path_factory.mktemp("briefing-demo")
    path = folder / "demo.db"
    db = Database.open(path, backup_dir=folder / "backups")
    try:
        build_demo(Services(db), contacts=DEMO_CONTACTS)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh copy of the sample coalition for this test (SQLite backup API, never a
    file copy, which misses what is still in the WAL file)."""
    copy = tmp_path / "demo.db"
    source, target = sqlite3.connect(demo_template), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    db = Database.open(copy, backup_dir=tmp_path / "backups")
    yield db
    db.close()


@pytest.fixture
def demo_services(demo_db: Database) -> Services:
    return Services(demo_db)


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "s.ini"


@pytest.fixture
def bctx(demo_db: Database, settings_path: Path,
         qapp: QApplication) -> Iterator[AppContext]:
    """An AppContext over the sample coalition, with a private settings file."""
    context = AppContext(demo_db, QSettings(str(settings_path), QSettings.Format.IniFormat))
    yield context
    context.tasks.wait(10_000)
    QApplication.processEvents()
    for preview in open_previews():
        preview.close()
    QApplication.processEvents()
    context._unsubscribe()
    context.tasks.shutdown()


@pytest.fixture
def meeting_id(demo_services: Services) -> str:
    upcoming = demo_services.meetings.next_upcoming()
    assert upcoming is not None
    return upcoming.id


@pytest.fixture
def proposal_id(demo_services: Services) -> str:
    return demo_services.proposals.list(limit=1).rows[0].id


@pytest.fixture(scope="session")
def briefing_template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory
                      ) -> BuiltDocument:
    """The next meeting's Internal packet, built once per session by the worker's code."""
    db = Database.open(demo_template, backup_dir=demo_template.parent / "backups")
    try:
        services = Services(db)
        upcoming = services.meetings.next_upcoming()
        assert upcoming is not None
        return build_briefing_file(services, upcoming.id, BriefingOptions(),
                                   tmp_path_factory.mktemp("packet"))
    finally:
        db.close()


@pytest.fixture
def built_briefing(briefing_template: BuiltDocument) -> BuiltDocument:
    """A copy of the session's packet in its own private temporary folder, as a build
    leaves it (the preview deletes that folder when it closes)."""
    path = write_private(new_build_folder() / briefing_template.suggested_name,
                         briefing_template.path.read_bytes())
    return replace(briefing_template, path=path)
