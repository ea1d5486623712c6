"""Fixtures for the safety dialog tests: an in-memory keyring and a fast key
derivation. The dialog drivers (`modal`, `messages`, `shot`) are in tests/ui/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest

from coordinator import secrets
from coordinator.db import backup as low


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring in a dict (never the user's real one)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError(username)
        del self.store[(service, username)]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test here runs with an in-memory keyring unless it installs another."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    secrets.default_store().forget_session()
    yield backend
    keyring.set_keyring(previous)
    secrets.default_store().forget_session()


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt with N=2**14 instead of 2**17: encrypted backups in a blink."""
    monkeypatch.setattr(low, "DEFAULT_LOG2_N", 14)
