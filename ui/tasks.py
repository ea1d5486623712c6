"""Run work off the GUI thread, then call back on it.

    ctx.tasks.run(lambda: services.search.search(text), on_done=show, key="search")

A task receives no widgets and no ORM objects: pass ids and plain values, and let
the function open its own unit of work through the services. With a `key`, a newer
task supersedes an older one with the same key: a late result never replaces a
newer one. `on_error` defaults to the application's error dialog hook.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Signals(QObject):
    # Lives on the GUI thread (created there, owned by the runner), so queued signals
    # reach slots there and not in a worker thread with no event loop.
    finished = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, seq: int, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.seq, self.fn, self.signals = seq, fn, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # reported on the GUI thread
            self.signals.failed.emit(self.seq, exc)
        else:
            self.signals.finished.emit(self.seq, result)


class TaskRunner(QObject):
    default_error_handler: Callable[[BaseException], None] | None = None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._signals = _Signals(self)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._seq = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None, str | None]] = {}
        self._latest: dict[str, int] = {}

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            key: str | None = None, context: QObject | None = None) -> int:
        """Run `fn` on the pool; with `context`, the callbacks are dropped if that object
        (typically the widget that asked) is destroyed before the result arrives."""
        seq = next(self._seq)
        self._callbacks[seq] = (on_done, on_error, key)
        if key is not None:
            self._latest[key] = seq
        if context is not None:
            context.destroyed.connect(lambda *_: self._callbacks.pop(seq, None))
        self.pool.start(_Job(seq, fn, self._signals))
        return seq

    def pending(self) -> int:
        return len(self._callbacks)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued jobs end (tests and shutdown only)."""
        return self.pool.waitForDone(msecs)

    def _stale(self, seq: int, key: str | None) -> bool:
        return key is not None and self._latest.get(key) != seq

    @Slot(int, object)
    def _on_finished(self, seq: int, result: Any) -> None:
        on_done, _, key = self._callbacks.pop(seq, (None, None, None))
        if self._stale(seq, key):
            return
        if on_done is not None:
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, seq: int, exc: BaseException) -> None:
        _, on_error, key = self._callbacks.pop(seq, (None, None, None))
        if self._stale(seq, key):
            return
        handler = on_error or TaskRunner.default_error_handler
        if handler is None:
            log.error("background task failed", exc_info=exc)
        else:
            handler(exc)

    def shutdown(self) -> None:
        self.pool.clear()
        self.pool.waitForDone(10_000)
