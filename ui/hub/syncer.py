"""Background sync with the team hub: at start, every few minutes, a minute after a
local edit, on demand (View > Sync Now) and, bounded, at quit.

A sync runs on the context's task pool through `ProgressJob` (ui/kit/background.py),
never on the GUI thread: the hub connection is opened, used and closed in the worker.
One sync runs at a time; asking again meanwhile runs one more right after. What a pull
changes reaches the open views through the context's ordinary change signal (the pull
records its changes); `remote_changes` tells open editors which records changed.

Failures never interrupt: an unreachable hub is "Offline", any other problem shows its
one line in the status bar entry's tooltip, and the app keeps working on local data.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer, Signal

from coordinator.errors import CoordinatorError
from coordinator.sync.times import parse_time
from ui.kit.background import ProgressJob, is_alive

if TYPE_CHECKING:
    from coordinator.sync.api import SyncReport, SyncStatus
    from ui.context import AppContext

log = logging.getLogger(__name__)

# Lines of coordinator.hub.connect's messages that mean "no network to the hub".
OFFLINE_MARKS = ("cannot be reached", "was not found", "did not answer")


@dataclass(frozen=True)
class SyncState:
    joined: bool = False
    coalition: str = ""
    address: str = ""
    user: str = ""
    syncing: bool = False
    offline: bool = False
    error: str = ""  # the last failure's one line ("" after a good sync)
    last_sync_at: datetime | None = None
    last_attempt_at: datetime | None = None
    waiting: int = 0  # local changes still to push
    conflicts: int = 0  # open conflicts
    report: SyncReport | None = None  # of the last good sync
    known: bool = False  # the status was read at least once
    waiting_by_kind: dict[str, int] = field(default_factory=dict)


def is_offline(message: str) -> bool:
    return any(mark in message for mark in OFFLINE_MARKS)


class HubSync(QObject):
    """The one background syncer of a context (see the module's docstring)."""

    changed = Signal(object)  # SyncState, whenever it changes
    synced = Signal(object)  # SyncReport of a sync that went through
    remote_changes = Signal(object)  # {kind: ids} a pull changed
    idle = Signal()  # a sync ended, well or not

    INTERVAL_MS = 5 * 60_000
    AFTER_EDIT_MS = 60_000
    STATUS_DELAY_MS = 400
    QUIT_SECONDS = 4.0

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.state = SyncState()
        self._job = ProgressJob(ctx, self)
        self._again = False
        self._closed = False
        self._timeout: int | None = None
        self._conn: Any = None
        self._conn_lock = threading.Lock()
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self.sync_now)
        self._edit_timer = QTimer(self)
        self._edit_timer.setSingleShot(True)
        self._edit_timer.setInterval(self.AFTER_EDIT_MS)
        self._edit_timer.timeout.connect(self.sync_now)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(self.STATUS_DELAY_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        ctx.changed.connect(self._on_local_change)

    # -- status ---------------------------------------------------------------------------
    def start(self) -> None:
        """Read the status, then sync once if this database syncs with a hub."""
        self.refresh_status(sync_after=True)

    def refresh_status(self, sync_after: bool = False) -> None:
        def done(status: SyncStatus) -> None:
            if not is_alive(self):
                return
            self._apply_status(status)
            if sync_after and self.state.joined:
                self.sync_now()

        self.ctx.tasks.run(self.ctx.hub.status, on_done=done, on_error=self._status_failed,
                           key=f"hub-status-{id(self)}", context=self)

    def _status_failed(self, exc: BaseException) -> None:
        log.warning("hub status could not be read (%s)", type(exc).__name__)

    def _apply_status(self, status: SyncStatus) -> None:
        user = status.address.split("://", 1)[-1].split("@", 1)[0] if status.address else ""
        waiting = sum(status.waiting.values())
        self._set(joined=status.joined, coalition=status.coalition, address=status.address,
                  user=user, last_sync_at=parse_time(status.last_sync_at), waiting=waiting,
                  waiting_by_kind=dict(status.waiting), conflicts=status.open_conflicts,
                  known=True)
        if not status.joined:
            self._timer.stop()
            self._edit_timer.stop()
        elif not self._closed:
            if not self._timer.isActive():
                self._timer.start()
            # After a failure only the periodic round tries again (a refused login would
            # otherwise be retried a minute after every edit).
            if waiting and not self.state.syncing and not self.state.offline \
                    and not self.state.error and not self._edit_timer.isActive():
                self._edit_timer.start()

    def _set(self, **values: Any) -> None:
        self.state = replace(self.state, **values)
        self.changed.emit(self.state)

    def _on_local_change(self, _changes: object) -> None:
        if self.state.joined and not self.state.syncing and not self._closed:
            self._status_timer.start()

    # -- syncing --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._job.running

    def sync_now(self) -> bool:
        """Start a sync (or one more right after the running one); False when this
        database does not sync with a hub."""
        if self._closed and self._timeout is None:
            return False
        if not self.state.known:  # the status first (this is the start-up sync)
            self.refresh_status(sync_after=True)
            return True
        if not self.state.joined:
            return False
        if self._job.running:
            self._again = True
            return True
        self._edit_timer.stop()
        self._again = False
        self._set(syncing=True, last_attempt_at=datetime.now(UTC))
        timeout = self._timeout
        hub = self.ctx.hub

        def work(_progress: Any, _cancelled: Any) -> SyncReport:
            return hub.sync(timeout=timeout, opened=self._remember)

        self._job.start(work, self._done, self._failed)
        return True

    def _remember(self, conn: Any) -> None:
        with self._conn_lock:
            self._conn = conn

    def _forget_connection(self) -> None:
        with self._conn_lock:
            self._conn = None

    def _done(self, report: SyncReport) -> None:
        self._forget_connection()
        self._set(syncing=False, offline=False, error="", report=report,
                  last_sync_at=datetime.now(UTC), waiting=report.waiting,
                  conflicts=report.open_conflicts)
        self.synced.emit(report)
        if report.touched:  # the report's own sets: copying 70,000 ids costs a frame
            self.remote_changes.emit(report.touched)
        self._after()

    def _failed(self, exc: BaseException) -> None:
        self._forget_connection()
        if isinstance(exc, CoordinatorError):
            message = str(exc)
        else:  # never a traceback for the user: the log has the details
            log.error("sync failed unexpectedly", exc_info=exc)
            message = f"The sync failed unexpectedly ({type(exc).__name__}); details are in " \
                      "the log."
        self._set(syncing=False, offline=is_offline(message), error=message)
        self._after()

    def _after(self) -> None:
        self.idle.emit()
        self.refresh_status()
        if self._again and not self._closed:
            self._again = False
            QTimer.singleShot(0, self.sync_now)

    # -- quitting -------------------------------------------------------------------------
    def finish(self, seconds: float | None = None) -> bool:
        """At quit: push what waits, waiting `seconds` at most (the rest is pushed next
        time). True when nothing was left running."""
        seconds = self.QUIT_SECONDS if seconds is None else seconds
        self._timer.stop()
        self._edit_timer.stop()
        self._status_timer.stop()
        if self._closed:
            return not self._job.running
        self._closed = True
        deadline = time.monotonic() + seconds
        if self.state.known and not self.state.joined:
            return True  # syncs with no hub: nothing to push, no driver to load
        if not self._job.running:
            try:
                status = self.ctx.hub.status()
            except Exception as exc:  # a database already gone: nothing to push
                log.warning("no sync at quit (%s)", type(exc).__name__)
                return True
            if not status.joined or not sum(status.waiting.values()) or self.state.offline:
                return True
            self._timeout = max(2, int(seconds))
            self._apply_status(status)
            self.sync_now()
        self._wait(deadline)
        if self._job.running:
            self._cancel_connection()
            self._wait(time.monotonic() + 1.0)
        return not self._job.running

    def _wait(self, deadline: float) -> None:
        """Let the sync's result arrive until `deadline`. Events are processed by hand,
        not by a nested event loop: one would also carry out deletions the caller
        scheduled (deleteLater) while the window closes."""
        while self._job.running and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.005)

    def _cancel_connection(self) -> None:
        """Ask the hub to stop the running statement: the worker's sync then fails and
        rolls back its open transaction (what was pushed stays pushed)."""
        with self._conn_lock:
            conn = self._conn
        if conn is None:
            return
        try:
            conn.cancel_safe(timeout=1.0)
        except Exception as exc:  # an already closed or broken connection
            log.info("sync at quit not cancelled (%s)", type(exc).__name__)
