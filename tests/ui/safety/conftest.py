"""Fixtures for the safety dialog tests: an in-memory keyring and a fast key
derivation. The dialog drivers (`modal`, `messages`, `shot`) are in tests/ui/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from safety.keyrings import MemoryKeyring

from coordinator import secrets
from coordinator.db import backup as low


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
