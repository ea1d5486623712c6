"""Two desktop apps against one real PostgreSQL hub: each `app_laptops(name)` is its own
SQLite database with its own AppContext, settings and hub login (password in an
in-memory keyring), ready to be shown in a MainWindow."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from coordinator.db import Database
from coordinator.hub import credentials
from coordinator.hub.connect import HubAddress
from tests.safety.keyrings import MemoryKeyring, memory_keyring_installed
from ui.app import settle
from ui.context import AppContext


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Passwords go to an in-memory keyring, never the user's real one."""
    with memory_keyring_installed() as backend:
        yield backend


@dataclass
class AppLaptop:
    name: str
    ctx: AppContext
    address: HubAddress
    password: str

    def join(self) -> None:
        self.ctx.hub.join(self.address, self.password)
        credentials.store_password(self.address, self.password)


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("app-laptop-template")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COORDINATOR_HOME", str(folder / "home"))
        Database.open(folder / "empty.db").close()
    return folder / "empty.db"


@pytest.fixture
def app_laptops(hub, tmp_path: Path, empty_template: Path, qapp: QApplication
                ) -> Iterator[Callable[..., AppLaptop]]:
    made: list[tuple[AppLaptop, Database]] = []

    def make(name: str, role: str = "coordinator", *, admin: bool = False) -> AppLaptop:
        """A laptop with its own new login of `role`, or the hub administrator's login."""
        path = tmp_path / f"{name}.db"
        with sqlite3.connect(empty_template) as source, sqlite3.connect(path) as target:
            source.backup(target)
        address, password = (hub.address, hub.password) if admin else hub.add_login(role)
        db = Database.open(path)
        settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
        settings.setValue("welcome/dismissed", [str(path)])
        laptop = AppLaptop(name, AppContext(db, settings), address, password)
        made.append((laptop, db))
        return laptop

    yield make
    for laptop, db in made:
        settle(laptop.ctx)
        laptop.ctx.tasks.wait(10_000)
        QApplication.processEvents()
        laptop.ctx._unsubscribe()
        laptop.ctx.tasks.shutdown()
        db.close()
