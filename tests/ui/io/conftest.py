"""Fixtures for the import/export dialog tests: a patched `run_modal` that hands each
dialog to the test's driver, recorded message boxes, and screenshots on request
(set COORDINATOR_SHOTS=folder to keep PNGs of the dialogs)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

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
