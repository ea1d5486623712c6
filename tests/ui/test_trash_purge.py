"""Deleting for good in the Trash view runs off the GUI thread: the window keeps
painting, the buttons are off while it runs, the table is refreshed when it is done, a
failure is shown in a message (and nothing was deleted), and closing the view before
the result arrives does not crash (the records are still deleted: the work was done)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from coordinator.errors import CoordinatorError
from coordinator.services import base
from coordinator.services.records import ContactData
from ui.app import settle
from ui.trash.view import TrashView

RECORDS = 40
GATE_S = 5.0  # how long a gated purge waits to be let go (the test fails, never hangs)


class Gate:
    """Holds a service call on its worker thread until the test lets it go."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.threads: list[threading.Thread] = []
        self.held = False

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def gated(*args: Any, **kwargs: Any) -> Any:
            self.threads.append(threading.current_thread())
            self.entered.set()
            self.held = self.release.wait(GATE_S)
            return fn(*args, **kwargs)
        return gated


@pytest.fixture(autouse=True)
def no_blocking_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A static QMessageBox call would wait for a click that never comes: fail instead
    (confirmations go through run_modal, which the tests drive; `messages` records the
    error message of a failed purge)."""
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a modal message box was opened outside run_modal")
    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(refuse))


@pytest.fixture
def trash_ctx(ctx):  # type: ignore[no-untyped-def]
    contacts = ctx.services.contacts
    ids = [contacts.create(ContactData(given_name=f"Person{i}", family_name="Example")).id
           for i in range(RECORDS)]
    contacts.delete_many(ids)
    return ctx


@pytest.fixture
def view(trash_ctx, qtbot) -> Iterator[TrashView]:  # type: ignore[no-untyped-def]
    trash = TrashView(trash_ctx)
    trash.resize(900, 500)
    with qtbot.waitExposed(trash):
        trash.show()
    settle(trash_ctx)
    assert trash.model.rowCount() == RECORDS
    yield trash
    if shiboken6.isValid(trash):
        trash.close()
        shiboken6.delete(trash)
    settle(trash_ctx)


@pytest.fixture
def accept(modal, qtbot):  # type: ignore[no-untyped-def]
    """The confirmation is answered by clicking its Yes button."""
    def click_yes(box: QMessageBox) -> None:
        assert box.isVisible() and "cannot be undone" in box.text()
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes),
                         Qt.MouseButton.LeftButton)
    modal.drivers["QMessageBox"] = click_yes
    return modal


def status_messages(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    said: list[str] = []
    ctx.status_message.connect(lambda text, _ms: said.append(text))
    return said


def buttons_off(view: TrashView) -> bool:
    return not any(b.isEnabled() for b in
                   (view.restore_button, view.purge_button, view.empty_button))


@pytest.mark.parametrize("how", ["empty", "selection"])
def test_a_purge_runs_in_the_background_with_the_buttons_off(
        view: TrashView, trash_ctx, accept, qtbot, monkeypatch, how: str) -> None:  # type: ignore[no-untyped-def]
    trash = trash_ctx.services.trash
    gate = Gate()
    name = "empty" if how == "empty" else "purge_many"
    monkeypatch.setattr(trash, name, gate.wrap(getattr(trash, name)))
    said = status_messages(trash_ctx)
    if how == "empty":
        button = view.empty_button
    else:
        view.table.setFocus()
        view.table.selectAll()
        button = view.purge_button
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # The click came back while the purge waits on its worker: the GUI thread is free.
    assert gate.entered.wait(GATE_S)
    assert not gate.release.is_set()
    assert gate.threads[0] is not threading.main_thread()
    assert view.purging and buttons_off(view)
    qtbot.waitUntil(view.busy.isVisible, timeout=3000)  # after the progress delay
    view.table.selectAll()  # a new selection does not turn the buttons back on
    assert buttons_off(view)
    assert view.model.rowCount() == RECORDS
    gate.release.set()
    qtbot.waitUntil(lambda: not view.purging, timeout=10_000)
    settle(trash_ctx)
    assert gate.held
    assert trash.count() == 0
    assert view.model.rowCount() == 0 and view.empty.isVisible()
    assert not view.busy.isVisible()
    assert said and ("Emptied Trash" in said[-1] or "for good" in said[-1])


@pytest.mark.parametrize("how", ["empty", "selection"])
def test_the_busy_bar_shows_the_percentage_purged(
        view: TrashView, trash_ctx, accept, qtbot, monkeypatch, how: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(base, "PURGE_CHUNK", 10)  # 40 records: four chunks
    trash = trash_ctx.services.trash
    name = "empty" if how == "empty" else "purge_many"
    real = getattr(trash, name)
    gate = Gate()
    reported: list[tuple[int, int]] = []

    def held_at_a_quarter(*args: Any, progress: Callable[[int, int], None]) -> Any:
        def report(done: int, total: int) -> None:
            reported.append((done, total))
            progress(done, total)
            if done == 10:  # the worker waits here, a quarter done, inside the purge
                gate.entered.set()
                gate.held = gate.release.wait(GATE_S)
        return real(*args, progress=report)

    monkeypatch.setattr(trash, name, held_at_a_quarter)
    if how == "empty":
        button = view.empty_button
    else:
        view.table.setFocus()
        view.table.selectAll()
        button = view.purge_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert gate.entered.wait(GATE_S)
    qtbot.waitUntil(lambda: view.busy.isVisible() and view.busy.value() == 25, timeout=3000)
    assert view.busy.text() == "25%" and view.busy.maximum() == 100
    gate.release.set()
    qtbot.waitUntil(lambda: not view.purging, timeout=10_000)
    settle(trash_ctx)
    assert gate.held
    assert reported == [(0, 40), (10, 40), (20, 40), (30, 40), (40, 40)]
    assert trash.count() == 0 and not view.busy.isVisible()


def test_a_failed_purge_says_so_and_deletes_nothing(
        view: TrashView, trash_ctx, accept, messages, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    trash = trash_ctx.services.trash

    def refuse(_selection: object, progress: object = None) -> None:
        raise CoordinatorError("The disk is full; nothing was deleted.")

    monkeypatch.setattr(trash, "purge_many", refuse)
    view.table.setFocus()
    view.table.selectAll()
    qtbot.mouseClick(view.purge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.purging, timeout=10_000)
    settle(trash_ctx)
    assert messages.texts("warning") == ["The disk is full; nothing was deleted."]
    assert trash.count() == RECORDS and view.model.rowCount() == RECORDS
    assert view.purge_button.isEnabled() and view.empty_button.isEnabled()


def test_cancelling_the_confirmation_deletes_nothing(
        view: TrashView, trash_ctx, modal, qtbot) -> None:  # type: ignore[no-untyped-def]
    modal.drivers["QMessageBox"] = lambda box: qtbot.mouseClick(
        box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.empty_button, Qt.MouseButton.LeftButton)
    settle(trash_ctx)
    assert not view.purging
    assert trash_ctx.services.trash.count() == RECORDS


def test_closing_the_trash_while_it_purges_does_not_crash(
        view: TrashView, trash_ctx, accept, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    trash = trash_ctx.services.trash
    gate = Gate()
    monkeypatch.setattr(trash, "empty", gate.wrap(trash.empty))
    said = status_messages(trash_ctx)
    qtbot.mouseClick(view.empty_button, Qt.MouseButton.LeftButton)
    assert gate.entered.wait(GATE_S) and not gate.release.is_set()
    assert trash.count() == RECORDS  # the click came back before the purge was done
    view.close()
    shiboken6.delete(view)  # the view is gone before the result arrives
    assert not shiboken6.isValid(view)
    gate.release.set()
    trash_ctx.tasks.wait(10_000)
    settle(trash_ctx)
    assert gate.held
    assert trash.count() == 0  # the purge itself was done
    assert said and "Emptied Trash" in said[-1]
