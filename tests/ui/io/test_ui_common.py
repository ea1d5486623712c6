"""The shared pieces: waiting for a worker with a delayed busy dialog, private writes."""

from __future__ import annotations

import errno
import os
import stat
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from coordinator.errors import CoordinatorError
from ui.io import common
from ui.kit import background


def busy_shown() -> list[bool]:
    return [w.isVisible() for w in QApplication.topLevelWidgets()
            if isinstance(w, QProgressDialog)]


def test_wait_for_returns_and_shows_busy_only_when_slow(ctx) -> None:
    seen: list[list[bool]] = []
    QTimer.singleShot(100, lambda: seen.append(busy_shown()))
    QTimer.singleShot(background.PROGRESS_DELAY_MS + 300, lambda: seen.append(busy_shown()))
    assert background.wait_for(ctx, lambda: (time.sleep(1.2), 42)[1], None, "Working…") == 42
    assert seen[0] == [False] and seen[1] == [True]
    QApplication.processEvents()
    assert True not in busy_shown()


def test_wait_for_raises_the_worker_error(ctx) -> None:
    def fail() -> None:
        raise CoordinatorError("no room")

    with pytest.raises(CoordinatorError, match="no room"):
        background.wait_for(ctx, fail, None, "Working…")


def test_write_private_is_0600_and_replaces(tmp_path: Path) -> None:
    dest = tmp_path / "out.csv"
    dest.write_bytes(b"old")
    os.chmod(dest, 0o644)
    common.write_private(dest, b"new")
    assert dest.read_bytes() == b"new"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_private_disk_full_is_clear(tmp_path: Path, monkeypatch) -> None:
    def full(*_a: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    from coordinator import files

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(CoordinatorError, match="disk is full"):
        common.write_private(tmp_path / "out.csv", b"data")
    assert list(tmp_path.iterdir()) == []  # no half-written file left
