"""Fixtures for the safety tests: a private COORDINATOR_HOME, an in-memory keyring
(never the user's real one), a fast key derivation, and a database with contacts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coordinator.db import backup as low

from .keyrings import MemoryKeyring, memory_keyring_installed


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """COORDINATOR_HOME under this test's tmp dir (also if the top conftest set one)."""
    path = tmp_path / "home"
    monkeypatch.setenv("COORDINATOR_HOME", str(path))
    monkeypatch.delenv("COORDINATOR_DB", raising=False)
    monkeypatch.delenv("COORDINATOR_BACKUP_PASSPHRASE", raising=False)
    return path


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every safety test runs with an in-memory keyring unless it installs another."""
    with memory_keyring_installed() as backend:
        yield backend


@pytest.fixture
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt with N=2**14 instead of 2**17 for tests that encrypt many times."""
    monkeypatch.setattr(low, "DEFAULT_LOG2_N", 14)


def add_contacts(services: object, count: int, prefix: str = "Person") -> list[str]:
    """`count` contacts with an email and a phone each, through the services."""
    from coordinator.services.records import ContactData, EmailData, PhoneData

    ids = []
    for i in range(count):
        data = ContactData(
            given_name=f"{prefix}{i}", family_name="Example",
            emails=[EmailData(f"{prefix.lower()}{i}@example.org")],
            phones=[PhoneData(f"+1 214 555 {i % 10000:04d}")],
        )
        ids.append(services.contacts.create(data).id)  # type: ignore[attr-defined]
    return ids


def file_digest(path: Path) -> str:
    """sha256 of a database file and its -wal (what "nothing changed" means on disk)."""
    import hashlib

    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            h.update(part.read_bytes())
    return h.hexdigest()
