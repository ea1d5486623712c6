"""Laptops for team-hub tests: separate SQLite databases syncing with one real hub.

The "network" is explicit calls, so every test decides when each laptop syncs.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coordinator.db import Database
from coordinator.hub.connect import HubAddress
from coordinator.services import Services
from coordinator.services.records import ContactData
from coordinator.sync import api
from tests.safety.keyrings import MemoryKeyring, memory_keyring_installed


def new_contact(services: Services, given: str = "Ada", family: str = "Lovelace",
                **kw: object) -> ContactData:
    """A contact made through the service (tests build data the way the app does)."""
    return services.contacts.create(ContactData(given_name=given, family_name=family, **kw))  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Passwords go to an in-memory keyring, never the user's real one."""
    with memory_keyring_installed() as backend:
        yield backend


@dataclass
class Laptop:
    name: str
    path: Path
    db: Database
    services: Services
    address: HubAddress
    password: str
    joined: bool = field(default=False)

    def join(self) -> api.SyncReport:
        self.joined = True
        return api.join(self.db, self.address, self.password)

    def sync(self) -> api.SyncReport:
        return api.sync(self.db, self.password)

    def edit_contact(self, contact_id: str, **changes: object) -> None:
        """Change fields of a contact here, through the service, as a form would."""
        current = self.services.contacts.get(contact_id)
        self.services.contacts.update(contact_id, dataclasses.replace(current, **changes))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def laptop_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("laptop-template")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COORDINATOR_HOME", str(folder / "home"))
        Database.open(folder / "empty.db").close()
    return folder / "empty.db"


@pytest.fixture
def laptops(hub, tmp_path: Path, laptop_template: Path) -> Iterator:  # type: ignore[no-untyped-def]
    """`laptops("a")` makes a laptop with its own coordinator login on the test's hub;
    `laptops("v", role="viewer")` one with a viewer's login."""
    made: list[Laptop] = []

    def make(name: str, role: str = "coordinator", same_login_as: Laptop | None = None
             ) -> Laptop:
        path = tmp_path / f"{name}.db"
        with sqlite3.connect(laptop_template) as source, sqlite3.connect(path) as target:
            source.backup(target)
        if same_login_as is not None:  # one person's second laptop
            address, password = same_login_as.address, same_login_as.password
        else:
            address, password = hub.add_login(role)
        db = Database.open(path)
        laptop = Laptop(name, path, db, Services(db), address, password)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.db.close()
