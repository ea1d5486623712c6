"""Hub tests: an in-memory keyring (never the user's real one) and login helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keyring
import psycopg
import pytest

from coordinator import secrets
from coordinator.hub.connect import HubAddress, connect
from tests.safety.keyrings import MemoryKeyring


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    secrets.default_store().forget_session()
    yield backend
    keyring.set_keyring(previous)
    secrets.default_store().forget_session()


def login(address: HubAddress, password: str) -> psycopg.Connection[Any]:
    """A member's connection, autocommit so each statement stands alone."""
    conn = connect(address, password)
    conn.autocommit = True
    return conn
