"""Fixtures for the safety dialog tests: an in-memory keyring and a fast key
derivation. The dialog drivers (`modal`, `messages`, `shot`) are in tests/ui/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from safety.keyrings import MemoryKeyring, memory_keyring_installed

from coordinator.db import backup as low


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test here runs with an in-memory keyring unless it installs another."""
    with memory_keyring_installed() as backend:
        yield backend


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt with N=2**14 instead of 2**17: encrypted backups in a blink."""
    monkeypatch.setattr(low, "DEFAULT_LOG2_N", 14)
