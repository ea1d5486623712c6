"""Fixtures for the safety dialog tests (an in-memory keyring, a fast key derivation,
and as for tests/ui/io): a patched `run_modal` that hands each
dialog to the test's driver, recorded message boxes, and screenshots on request
(set COORDINATOR_SHOTS=folder to keep PNGs of the dialogs)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from coordinator import secrets
from coordinator.db import backup as low
from ui.io import common


class Modal:
    """`run_modal` replacement: calls `drivers[type name]` (or `default`) with the dialog."""

    def __init__(self) -> None:
        self.drivers: dict[str, Callable[[Any], None]] = {}
        self.seen: list[QDialog] = []

    def __call__(self, dialog: QDialog) -> int:
        self.seen.append(dialog)
        driver = self.drivers.get(type(dialog).__name__)
        if driver is None:
            raise AssertionError(f"no driver for {type(dialog).__name__}")
        dialog.show()
        driver(dialog)
        return dialog.result()


class Messages:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _title, text in self.calls if kind is None or k == kind]


@pytest.fixture
def modal(monkeypatch: pytest.MonkeyPatch) -> Modal:
    m = Modal()
    monkeypatch.setattr(common, "run_modal", m)
    return m


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Messages:
    box = Messages()

    def record(kind: str) -> Callable[..., Any]:
        def show(_parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            box.calls.append((kind, title, text))
            if kind == "question":
                return box.answer
            return QMessageBox.StandardButton.Ok
        return show

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    return box


@pytest.fixture
def shot() -> Callable[[QWidget, str], Path | None]:
    folder = os.environ.get("COORDINATOR_SHOTS")

    def save(widget: QWidget, name: str) -> Path | None:
        if not folder:
            return None
        Path(folder).mkdir(parents=True, exist_ok=True)
        path = Path(folder) / f"{name}.png"
        widget.grab().save(str(path))
        return path

    return save


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
