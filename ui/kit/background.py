"""Work off the GUI thread, the same way everywhere.

- `run_modal(dialog)`: the one place a dialog is executed (tests replace it with a driver);
- `ProgressJob`: run `fn(progress, cancelled)` on `ctx.tasks` with progress reported to
  the GUI thread and a cancel flag the core checks;
- `wait_for(ctx, fn, parent, label)`: run a job off the GUI thread while the caller waits
  (the GUI keeps painting; a busy dialog appears only after `PROGRESS_DELAY_MS`), then
  return its result or raise its exception;
- `wait_with_progress(ctx, fn, parent, label)`: the same for work that reports
  (done, total) as it goes (moving tens of thousands of records to Trash): the dialog
  fills as it goes;
- `PROGRESS_DELAY_MS`: the one delay before any progress dialog shows, so quick jobs
  never flash one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QProgressDialog, QWidget

if TYPE_CHECKING:
    from ui.context import AppContext


PROGRESS_DELAY_MS = 400

ProgressFn = Callable[[int, int], None]

CancelFn = Callable[[], bool]


def run_modal(dialog: QDialog) -> int:
    """Execute `dialog` modally (tests monkeypatch this with a driver)."""
    return dialog.exec()


class ProgressJob(QObject):
    """One cancellable background job whose progress reaches the GUI thread.

    The job object lives on the GUI thread (a QObject created in a worker thread has its
    signals delivered in that thread, where no event loop runs); the worker only emits
    `progressed`, which Qt queues across threads.
    """

    progressed = Signal(int, int)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._cancel = threading.Event()
        self.running = False
        self._generation = 0

    def start(
        self,
        fn: Callable[[ProgressFn, CancelFn], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Run `fn(progress, cancelled)`; a job started again supersedes this one (its
        results are dropped, and it is asked to stop)."""
        self._cancel.set()
        self._cancel = threading.Event()
        flag = self._cancel
        self.running = True
        self._generation += 1
        generation = self._generation

        def work() -> Any:
            return fn(self.progressed.emit, flag.is_set)

        def done(result: Any) -> None:
            if is_alive(self) and generation == self._generation:
                self.running = False
                on_done(result)

        def failed(exc: BaseException) -> None:
            if is_alive(self) and generation == self._generation:
                self.running = False
                on_error(exc)

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


def is_alive(obj: QObject) -> bool:
    """False once Qt deleted the object (a late callback must then do nothing)."""
    return shiboken6.isValid(obj)


def wait_for(ctx: AppContext, fn: Callable[[], Any], parent: QWidget | None, label: str) -> Any:
    """Run `fn` on the task pool and wait for it (the GUI keeps painting); a busy
    dialog with `label` shows only if it takes longer than 0.6 s."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    busy = QProgressDialog(label, "", 0, 0, parent)
    busy.setCancelButton(None)  # type: ignore[arg-type]
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.reset()  # no automatic show: ours comes after PROGRESS_DELAY_MS
    busy.hide()
    timer = QTimer(busy)
    timer.setSingleShot(True)
    timer.timeout.connect(busy.show)
    timer.start(PROGRESS_DELAY_MS)
    ctx.tasks.run(fn, on_done=done, on_error=failed)
    if not outcome:
        loop.exec()
    timer.stop()
    busy.reset()
    busy.hide()
    busy.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


class _Reporter(QObject):
    """Carries (done, total) from a worker thread to the GUI thread. Owned by the task
    runner, not the dialog, so the worker never emits through a deleted object."""

    progressed = Signal(int, int)


class _UserInputBlocker(QObject):
    """Drops keyboard and mouse input while installed on the application. It decides
    from the event's type alone and never moves focus or selection."""

    BLOCKED = frozenset({
        QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride,
        QEvent.Type.Shortcut,
        QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel})

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        return event.type() in self.BLOCKED


def wait_with_progress(ctx: AppContext, fn: Callable[[ProgressFn], Any],
                       parent: QWidget | None, label: str) -> Any:
    """`wait_for` for `fn(progress)`, which calls `progress(done, total)` as it goes: the
    dialog (after `PROGRESS_DELAY_MS`) shows how far it is. Keyboard and mouse input is
    dropped until it is done, also before the dialog shows: the window keeps painting
    in this nested event loop, but a second Delete or an Undo pressed meanwhile would
    run inside the first."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setCancelButton(None)  # type: ignore[arg-type]
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    dialog.setMinimumDuration(2**30)  # shown by our timer only, never by setValue
    reporter = _Reporter(ctx.tasks)

    def show_progress(done: int, total: int) -> None:
        if total > 0 and is_alive(dialog):
            dialog.setRange(0, total)
            dialog.setValue(done)

    reporter.progressed.connect(show_progress)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    timer = QTimer(dialog)
    timer.setSingleShot(True)
    timer.timeout.connect(dialog.show)
    timer.start(PROGRESS_DELAY_MS)
    ctx.tasks.run(lambda: fn(reporter.progressed.emit), on_done=done, on_error=failed)
    app = QCoreApplication.instance()
    blocker = _UserInputBlocker()
    if app is not None:
        app.installEventFilter(blocker)
    try:
        if not outcome:
            loop.exec()
    finally:
        if app is not None:
            app.removeEventFilter(blocker)
    timer.stop()
    reporter.progressed.disconnect(show_progress)
    reporter.deleteLater()
    dialog.hide()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
