"""An in-memory keyring backend for tests (never the user's real keyring), shared by
every test folder that stores secrets: safety, the safety dialogs, the hub and sync."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
import keyring.backend
import keyring.errors

from coordinator import secrets


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in a dict: what the tests check is what was stored."""

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


class BrokenKeyring(keyring.backend.KeyringBackend):
    """A keyring that loads but fails on every use with a non-keyring error, as a
    D-Bus or Secret Service backend does when its daemon went away."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")


@contextmanager
def memory_keyring_installed() -> Iterator[MemoryKeyring]:
    """A fresh in-memory keyring (and no session-only secrets) for the block."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    secrets.default_store().forget_session()
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
        secrets.default_store().forget_session()
