"""Shared fixtures: every test gets its own folders and its own database.

COORDINATOR_HOME points every per-user folder (data, backups, logs, settings) into the
test's temporary directory, and Qt renders offscreen, before anything is imported.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from coordinator.db import Database
from coordinator.services import Services

pytest_plugins = ["tests.pgserver"]  # a real PostgreSQL for the team-hub tests

# CI explores the same examples on every run, so a landing never depends on luck;
# local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def coordinator_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("COORDINATOR_HOME", str(home))
    monkeypatch.delenv("COORDINATOR_DB", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "coordinator.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database.open(db_path)
    yield database
    database.close()


@pytest.fixture
def services(db: Database) -> Services:
    return Services(db)
