"""Secrets: kept in the keyring when there is one; for the session only (and never on
disk) when there is none."""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.core
import keyring.errors
import pytest

from coordinator import secrets
from coordinator.secrets import SecretStore

from .conftest import MemoryKeyring
from .keyrings import BrokenKeyring

SECRET = "s3cret-Passphrase-\u00e9-7731"


def files_containing(root: Path, needle: str) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            try:
                if needle.encode() in path.read_bytes():
                    found.append(path)
            except OSError:
                continue
    return found


def test_store_get_delete_with_a_keyring(memory_keyring: MemoryKeyring) -> None:
    result = secrets.store_secret(secrets.BACKUP_PASSPHRASE, SECRET)
    assert result.in_keyring and not result.session_only
    assert memory_keyring.store == {(secrets.SERVICE, secrets.BACKUP_PASSPHRASE): SECRET}
    assert secrets.get_secret(secrets.BACKUP_PASSPHRASE) == SECRET
    # another store object (another session) reads it from the keyring
    assert SecretStore().get(secrets.BACKUP_PASSPHRASE) == SECRET
    assert secrets.delete_secret(secrets.BACKUP_PASSPHRASE)
    assert secrets.get_secret(secrets.BACKUP_PASSPHRASE) is None
    assert not secrets.delete_secret(secrets.BACKUP_PASSPHRASE)


@pytest.mark.parametrize("backend", [keyring.backends.fail.Keyring, keyring.backends.null.Keyring])
def test_no_keyring_keeps_the_secret_for_the_session_only(
    backend: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(backend())
    monkeypatch.chdir(tmp_path)
    store = SecretStore()
    assert not store.keyring_available()
    result = store.store("server-password", SECRET)
    assert result.session_only
    assert "no keyring is available" in result.message.lower()
    assert "session only" in result.message
    assert store.get("server-password") == SECRET
    assert SecretStore().get("server-password") is None  # a new session does not have it
    home = Path(os.environ["COORDINATOR_HOME"])
    for root in (tmp_path, home):
        assert files_containing(root, SECRET) == []
    assert store.delete("server-password")
    assert store.get("server-password") is None


def test_keyring_error_on_write_falls_back_to_the_session() -> None:
    class Broken(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.NoKeyringError("locked")

    keyring.set_keyring(Broken())
    result = secrets.store_secret("x", SECRET)
    assert result.session_only
    assert secrets.get_secret("x") == SECRET


def test_a_plain_text_file_keyring_is_not_used(tmp_path: Path) -> None:
    # Simulates keyrings.alt's PlaintextKeyring without depending on it.
    class PlaintextKeyring(MemoryKeyring):
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    result = secrets.store_secret("x", SECRET)
    assert result.session_only and backend.store == {}


def test_the_secret_value_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    keyring.set_keyring(keyring.backends.fail.Keyring())
    secrets.store_secret("x", SECRET)
    secrets.get_secret("x")
    secrets.delete_secret("x")
    assert SECRET not in caplog.text


def unloadable_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `keyring` does when PYTHON_KEYRING_BACKEND names a module that is not
    installed: the first get_keyring() raises while loading it."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "coordinator_no_such_module.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    with pytest.raises(ModuleNotFoundError):
        keyring.get_keyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)


def test_an_unloadable_keyring_backend_means_this_session_only(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    unloadable_backend(monkeypatch)
    store = SecretStore()
    assert not store.keyring_available()
    result = store.store("server-password", SECRET)
    assert result.session_only and result.message == secrets.NO_KEYRING_MESSAGE
    assert store.get("server-password") == SECRET
    assert SecretStore().get("server-password") is None
    assert store.delete("server-password")
    assert SECRET not in caplog.text


def test_a_keyring_failing_with_any_error_means_this_session_only(
    caplog: pytest.LogCaptureFixture
) -> None:
    keyring.set_keyring(BrokenKeyring())
    store = SecretStore()
    result = store.store("server-password", SECRET)
    assert result.session_only and result.message == secrets.NO_KEYRING_MESSAGE
    assert store.get("server-password") == SECRET
    assert SecretStore().get("server-password") is None  # read failure: not stored
    assert store.delete("server-password")
    assert SECRET not in caplog.text


@pytest.mark.parametrize(
    "backend", [BrokenKeyring, keyring.backends.fail.Keyring], ids=["failing", "none"]
)
def test_a_keyring_failure_logs_the_kind_of_secret_not_the_hub_login(
    backend: type, caplog: pytest.LogCaptureFixture
) -> None:
    from coordinator.hub import credentials
    from coordinator.hub.connect import HubAddress

    address = HubAddress(host="hub.example.org", port=5432, dbname="coalition",
                         user="ana.pereira")
    caplog.set_level("DEBUG", logger="coordinator")
    keyring.set_keyring(backend())
    assert credentials.store_password(address, SECRET).session_only
    store = SecretStore()  # a new session: the read reaches the keyring
    assert store.get(credentials.secret_name(address)) is None
    store.delete(credentials.secret_name(address))
    assert credentials.forget_password(address)
    assert caplog.records, "the keyring failure is logged"
    assert "ana.pereira" not in caplog.text
    assert "hub.example.org" not in caplog.text
    assert "hub password" in caplog.text
    if backend is BrokenKeyring:
        assert "RuntimeError" in caplog.text
