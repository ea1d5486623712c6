"""Ctrl+C (SIGINT), SIGTERM and a closed terminal (SIGHUP) during a CLI command.

Each of them cancels the command the same way. Outside a write the signal raises
`KeyboardInterrupt` at once: reading a file or planning an import saves nothing, so it
can stop anywhere. Inside `deferred()` (a write transaction) the signal is only noted:
the work asks `cancelled()` between chunks and raises `ImportCancelled`, so the
transaction is rolled back by the unit of work, never interrupted halfway through a
statement, a commit or a rollback. A signal that comes after the last check is answered
once the commit is done: the command then says what was saved.

A signal the parent process told us to ignore (`nohup`, a background job without job
control) stays ignored, as every Unix program does.
"""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

EXIT_CANCELLED = 130  # 128 + SIGINT: what shells expect of an interrupted command
REPEAT_S = 3.0  # signals this soon after the one that cancelled are only noted


def _cancel_signals() -> list[signal.Signals]:
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


class Interrupts:
    """The process's cancel signals while a CLI command runs (`install` / `restore`)."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._deferring = 0
        self._raised_at: float | None = None
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        for sig in _cancel_signals():
            try:
                if signal.getsignal(sig) == signal.SIG_IGN:
                    continue
                self._previous[sig] = signal.signal(sig, self._handle)
            except (ValueError, OSError):  # not the main thread: leave signals alone
                continue

    def restore(self) -> None:
        """The handlers from before `install`; after a cancel, further signals are
        ignored instead: the process is about to exit, and a second Ctrl+C while the
        interpreter shuts down (which resets handlers it set, but not an ignore) would
        end it as killed, with no exit code, or with a traceback."""
        for sig, handler in self._previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(sig, handler if self.received is None else signal.SIG_IGN)
        self._previous.clear()

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        self.received = signum
        if self._deferring:
            return
        now = time.monotonic()
        # A second Ctrl+C right after the first would land in the cleanup the first one
        # started (stopping workers, rolling back, printing "Cancelled") and turn it
        # into a traceback; one pressed later means the first did not get through.
        if self._raised_at is not None and now - self._raised_at < REPEAT_S:
            return
        self._raised_at = now
        raise KeyboardInterrupt

    def cancelled(self) -> bool:
        """Whether a cancel signal came (a `CancelCheck` for long work)."""
        return self.received is not None

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Signals only set `cancelled()` inside: for work that checks it at safe points."""
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1

    def __enter__(self) -> Interrupts:
        self.install()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.restore()
