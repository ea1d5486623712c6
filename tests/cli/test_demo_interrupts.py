"""Ctrl+C (or SIGTERM, or a closed terminal) during `coordinator demo`: what the command
says matches what the database holds. A signal that arrives as the final commit runs is
answered once the commit is done, with what was saved (exit 130), never "Cancelled."
about a saved sample coalition; one that arrives before it rolls everything back,
`--force` included (the data it was replacing stays)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from coordinator import demo
from coordinator.cli import main
from coordinator.db import Database, database
from coordinator.services import Services
from coordinator.services.records import ContactData

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

WATCHED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@pytest.fixture(autouse=True)
def signal_handlers_put_back() -> Iterator[None]:
    """After a signal the command leaves its cancel signals ignored for its exit; the test
    process goes on, and its later subprocesses would inherit that: put them back."""
    previous = {sig: signal.getsignal(sig) for sig in WATCHED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def demo_run(path: Path, *args: str) -> int:
    return main(["--db", str(path), "demo", "--contacts", "30", *args])


def contact_names(path: Path) -> set[str]:
    db = Database.open(path)
    try:
        return {c.full_name for c in Services(db).contacts.list(limit=1000).rows}
    finally:
        db.close()


def signal_when(monkeypatch: pytest.MonkeyPatch, when: Callable[[Any], bool]) -> None:
    """Ctrl+C right after the commit of a unit of work for which `when(changes)` holds:
    what a signal that arrives while SQLite commits looks like to Python."""

    class SignallingSession(database.Session):  # type: ignore[misc, name-defined]
        def commit(self) -> None:
            super().commit()
            changes = self.info.get("changes")
            if changes is not None and when(changes):
                signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(database, "Session", SignallingSession)


def test_a_signal_as_the_demo_commits_reports_what_was_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "coalition.db"
    signal_when(monkeypatch, lambda changes: changes.touches("contact"))
    code = demo_run(path)
    out, err = capsys.readouterr()
    saved = contact_names(path)
    assert len(saved) == 30
    assert code == 130
    assert "Cancelled" not in err
    assert "Sample coalition written" in out and "30 contacts" in out
    assert "interrupted after the sample coalition was saved" in err


def test_a_signal_before_the_commit_saves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "coalition.db"
    original = demo.indexing.refresh

    def refresh_then_signal(session: Any, entity: str) -> None:
        original(session, entity)
        signal.raise_signal(signal.SIGINT)  # Ctrl+C while the search index is built

    monkeypatch.setattr(demo.indexing, "refresh", refresh_then_signal)
    code = demo_run(path)
    out, err = capsys.readouterr()
    assert code == 130
    assert "Cancelled" in err and "nothing was changed" in err.lower()
    assert "Sample coalition written" not in out
    assert contact_names(path) == set()


def test_a_signal_during_demo_force_keeps_the_data_it_was_replacing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "coalition.db"
    db = Database.open(path)
    try:
        Services(db).contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    finally:
        db.close()
    original = demo.generate

    def generate_then_signal(*args: Any, **kwargs: Any) -> Any:
        rows = original(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # Ctrl+C while the sample is generated
        return rows

    monkeypatch.setattr(demo, "generate", generate_then_signal)
    code = demo_run(path, "--force")
    out, err = capsys.readouterr()
    assert code == 130
    assert "Cancelled" in err and "Sample coalition written" not in out
    assert contact_names(path) == {"Ada Lovelace"}
