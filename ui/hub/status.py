"""The status bar's sync entry: Offline · Syncing… · Synced 2 min ago · N changes to push
· N conflicts. Clicking it opens the Conflicts view when there are conflicts, else the
Team Hub dialog; its tooltip tells what the last sync did."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QToolButton, QWidget

from coordinator.wording import plural
from ui.hub.syncer import HubSync, SyncState

REFRESH_MS = 30_000


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """'just now', '2 min ago', '3 hours ago', 'yesterday', '4 days ago' or the date."""
    if moment is None:
        return "never"
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86_400:
        hours = seconds // 3600
        return f"{plural(hours, 'hour')} ago"
    days = seconds // 86_400
    if days == 1:
        return "yesterday"
    if days < 30:
        return f"{days} days ago"
    return f"on {moment.astimezone():%Y-%m-%d}"


def status_text(state: SyncState, now: datetime | None = None) -> str:
    if not state.joined:
        return ""
    if state.syncing:
        parts = ["Syncing…"]
    elif state.offline:
        parts = ["Offline"]
    elif state.error:
        parts = ["Sync failed"]
    elif state.last_sync_at is None:
        parts = ["Not synced yet"]
    else:
        parts = [f"Synced {ago(state.last_sync_at, now)}"]
    if state.waiting:
        parts.append(f"{plural(state.waiting, 'change')} to push")
    if state.conflicts:
        parts.append(plural(state.conflicts, "conflict"))
    return " · ".join(parts)


def status_tooltip(state: SyncState) -> str:
    lines = [f"Team hub: {state.coalition or '(unnamed)'}", state.address]
    if state.last_sync_at is not None:
        lines.append(f"Last sync: {state.last_sync_at.astimezone():%Y-%m-%d %H:%M}")
    if state.report is not None:
        lines.append(f"It {state.report.summary()}.")
        if state.report.read_only:
            lines.append("A viewer's login: nothing is pushed.")
    if state.last_attempt_at is not None and state.error:
        lines.append(f"Last attempt {state.last_attempt_at.astimezone():%H:%M}: {state.error}")
        if state.offline:
            lines.append("Your work is kept here and synced when the hub can be reached.")
    if state.waiting:
        lines.append(f"{plural(state.waiting, 'change')} wait to be pushed.")
    if state.conflicts:
        lines.append(f"{plural(state.conflicts, 'conflict')}: click to open them.")
    lines.append("Sync now: F9.")
    return "\n".join(line for line in lines if line)


class SyncStatusButton(QToolButton):
    """The sync entry of the status bar (hidden when the database syncs with no hub)."""

    open_conflicts = Signal()
    open_dialog = Signal()

    def __init__(self, syncer: HubSync, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.syncer = syncer
        self.setAutoRaise(True)
        # No taller than the status bar's labels: the bar (and the views above it) must
        # not change height when the entry appears, or a table scrolled to its end moves.
        self.setMaximumHeight(QLabel("Ag").sizeHint().height())
        self.setStyleSheet("QToolButton { padding: 0px 4px; }")
        self.setAccessibleName("Sync status")
        self.clicked.connect(self._clicked)
        syncer.changed.connect(self.show_state)
        self._tick = QTimer(self)
        self._tick.setInterval(REFRESH_MS)
        self._tick.timeout.connect(lambda: self.show_state(self.syncer.state))
        self._tick.start()
        self.show_state(syncer.state)

    def show_state(self, state: SyncState) -> None:
        text = status_text(state)
        self.setText(text)
        self.setToolTip(status_tooltip(state) if state.joined else "")
        self.setAccessibleDescription(text)
        self.setVisible(state.joined)

    def _clicked(self) -> None:
        if self.syncer.state.conflicts:
            self.open_conflicts.emit()
        else:
            self.open_dialog.emit()
