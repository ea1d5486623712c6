"""Hub tests: an in-memory keyring (never the user's real one) and login helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from coordinator.hub.connect import HubAddress, connect
from tests.safety.keyrings import MemoryKeyring, memory_keyring_installed


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    with memory_keyring_installed() as backend:
        yield backend


def login(address: HubAddress, password: str) -> psycopg.Connection[Any]:
    """A member's connection, autocommit so each statement stands alone."""
    conn = connect(address, password)
    conn.autocommit = True
    return conn
