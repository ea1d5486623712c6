"""The application context passed to every window, view and dialog (no globals).

It holds the open database and its services, turns the services' change reports
into one Qt signal (`changed`) that views subscribe to, and runs work off the GUI
thread through `tasks`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack

from coordinator.changes import ChangeSet
from coordinator.db import Database
from coordinator.services import Services
from ui.hub.service import HubService
from ui.settings import default_settings
from ui.tasks import TaskRunner


class AppContext(QObject):
    """One open database as the UI sees it."""

    # Emitted on the GUI thread after every committed write, with what changed.
    changed = Signal(object)  # ChangeSet
    # Emitted when a message should appear in the status bar (text, timeout ms).
    status_message = Signal(str, int)

    def __init__(self, db: Database, settings: QSettings | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.services = Services(db)
        self.hub = HubService(db)  # the team hub: sync, conflicts, users
        self.settings = settings if settings is not None else default_settings()
        self.tasks = TaskRunner(self)
        self.unsaved = False
        # Provided by the main window when there is one (views and dialogs also run
        # without it, in tests and in the standalone dialogs): its undo stack, and how
        # to open a record or a view by name.
        self.undo_stack: QUndoStack | None = None
        self.open_record: Callable[[str, str], object] | None = None
        self.show_view: Callable[[str], object] | None = None
        # The background sync with the team hub (ui.hub.syncer.HubSync), when a window runs one.
        self.hub_sync: object | None = None
        # Writes may commit on worker threads: a queued signal hop brings the report
        # back to the GUI thread before any view touches it.
        self._bridge = _ChangeBridge()
        self._bridge.relay.connect(self.changed)
        self._unsubscribe = db.subscribe(self._bridge.relay.emit)

    @property
    def db_path(self) -> Path:
        return self.db.path

    @property
    def read_only(self) -> bool:
        """The database was opened read-only: nothing can be saved."""
        return bool(self.db.read_only)

    def close(self) -> None:
        self._unsubscribe()
        self.tasks.shutdown()
        self.db.close()


class _ChangeBridge(QObject):
    relay = Signal(object)


__all__ = ["AppContext", "ChangeSet"]
