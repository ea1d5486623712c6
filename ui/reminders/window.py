"""Reminders and the calendar export in the main window.

* At start (once the window has painted its first view) and then every hour, what
  `services.reminders.to_show(today)` finds — overdue action items, proposal deadlines
  within a week, each at most once a day — is read off the GUI thread and listed in a
  bar at the top of the window (`RemindersBanner`); where the platform has a system
  tray, a tray message says it too. What was listed is then marked shown, so it does
  not come back until tomorrow, not even after a restart.
* Each line opens its record; Snooze (1 day), "Don't remind me" (while the due date
  stays the same) and Dismiss (the whole bar, until tomorrow).
* View > Reminders switches every reminder on or off (kept with the reminder state).
* File > Export Deadlines and Action Items to Calendar (.ics)… writes every open dated
  deadline and action item as an iCalendar file with stable UIDs, so importing a newer
  file updates the calendar's events instead of adding copies.

The reminder state is a small file read, changed and written whole: its writes run on
the GUI thread, one after another, so two of them never interleave and lose a change.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QFileDialog, QStyle, QSystemTrayIcon

from coordinator.errors import CoordinatorError
from coordinator.services.reminders import Reminder
from ui.kit.background import ProgressJob, is_alive
from ui.reminders.banner import RemindersBanner

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

START_DELAY_MS = 1000  # after the first view has painted: reminders are not urgent
CHECK_INTERVAL_MS = 60 * 60 * 1000  # every hour while the app is open
TRAY_LINES = 3  # lines in a tray message; the rest are counted
CALENDAR_NAME = "Coordinator deadlines.ics"


def today() -> date:
    """The day reminders are for (tests replace it with a fixed day)."""
    return date.today()


def notify_places(tray_available: bool) -> tuple[str, ...]:
    """Where reminders are shown: always in the window's bar, and as a tray message
    where the platform has a system tray."""
    return ("banner", "tray") if tray_available else ("banner",)


def tray_message(reminders: list[Reminder]) -> tuple[str, str]:
    """(title, text) of the tray message for `reminders`."""
    count = len(reminders)
    title = f"Coordinator: {count} reminder{'s' if count != 1 else ''}"
    lines = [r.text for r in reminders[:TRAY_LINES]]
    if count > TRAY_LINES:
        lines.append(f"and {count - TRAY_LINES} more")
    return title, "\n".join(lines)


def _problem(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"The reminder settings could not be saved: {exc.strerror or exc}."
    return str(exc)


class ReminderHooks(QObject):
    """Built when the window gets its database: the bar, the menu entries, the timer."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ctx: AppContext | None = None
        self.banner = RemindersBanner(window)
        self.banner.open_requested.connect(self.open_record)
        self.banner.snooze_requested.connect(self.snooze)
        self.banner.switch_off_requested.connect(self.switch_off)
        self.banner.more_requested.connect(lambda: window.show_view("home"))
        window.top_bars.insertWidget(0, self.banner)
        self.tray: QSystemTrayIcon | None = None
        self.job: ProgressJob | None = None
        self.prune_job: ProgressJob | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.check)

        self.enabled_action = QAction("&Reminders", window)
        self.enabled_action.setCheckable(True)
        self.enabled_action.setChecked(True)
        self.enabled_action.setStatusTip("Remind me of overdue action items and of proposal "
                                         "deadlines within a week")
        self.enabled_action.toggled.connect(self.set_enabled)
        self.calendar_action = QAction(
            "Export Deadlines and Action Items to &Calendar (.ics)…", window)
        self.calendar_action.setStatusTip("Write every open deadline and action item as an "
                                          "iCalendar file for your own calendar")
        self.calendar_action.triggered.connect(lambda _c=False: self.choose_calendar_file())
        window.addActions([self.enabled_action, self.calendar_action])
        menus = {a.text(): a.menu() for a in window.menuBar().actions() if a.menu()}
        file, view = menus.get("&File"), menus.get("&View")
        if file is not None:
            actions = file.actions()
            after = actions.index(window.export_action) + 1 \
                if window.export_action in actions else len(actions)
            if after < len(actions):
                file.insertAction(actions[after], self.calendar_action)
            else:
                file.addAction(self.calendar_action)
        if view is not None:
            view.insertAction(window.refresh_action, self.enabled_action)

    def attach(self, ctx: AppContext) -> None:
        """Read the switch, then check after the first paint and every hour."""
        self.ctx = ctx
        self.job = ProgressJob(ctx, self)
        self.prune_job = ProgressJob(ctx, self)
        ctx.changed.connect(self._on_changed)
        self.enabled_action.blockSignals(True)
        self.enabled_action.setChecked(ctx.services.reminders.enabled)
        self.enabled_action.blockSignals(False)
        QTimer.singleShot(START_DELAY_MS, self, self.check)
        self.timer.start()

    # -- checking -------------------------------------------------------------------------
    def check(self) -> None:
        """Ask what to show today, off the GUI thread; show it when it comes back."""
        if self.ctx is None or self.job is None or not self.enabled_action.isChecked():
            return
        day = today()
        service = self.ctx.services.reminders
        self.job.start(lambda _progress, _cancelled: service.to_show(day),
                       on_done=self.show_reminders, on_error=self._check_failed)

    def show_reminders(self, reminders: list[Reminder]) -> None:
        if not reminders or self.ctx is None or not self.enabled_action.isChecked():
            return
        self.banner.add_reminders(reminders)
        if "tray" in notify_places(QSystemTrayIcon.isSystemTrayAvailable()):
            self._tray_message(reminders)
        try:
            self.ctx.services.reminders.mark_shown(reminders, reminders[0].today)
        except (CoordinatorError, OSError) as exc:
            self._say(_problem(exc))

    def _on_changed(self, changes: object) -> None:
        """An item done, a deadline moved or a record sent to Trash leaves the bar."""
        touches = getattr(changes, "touches", None)
        if not self.banner.reminders or self.prune_job is None or touches is None \
                or not touches("action_item", "proposal", "meeting"):
            return
        day = today()
        service = self.ctx.services.reminders  # type: ignore[union-attr]
        self.prune_job.start(lambda _progress, _cancelled: {r.key for r in service.due(day)},
                             on_done=self._keep_only, on_error=self._check_failed)

    def _keep_only(self, due_keys: set[str]) -> None:
        for reminder in [r for r in self.banner.reminders if r.key not in due_keys]:
            self.banner.remove(reminder)

    def _check_failed(self, exc: BaseException) -> None:
        log.warning("Reminders could not be read (%s).", type(exc).__name__)
        self._say(f"Reminders could not be read: {exc}")

    def _tray_message(self, reminders: list[Reminder]) -> None:
        if self.tray is None:
            icon = QApplication.windowIcon()
            if icon.isNull():
                icon = self.window.style().standardIcon(
                    QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.tray = QSystemTrayIcon(QIcon(icon), self)
            self.tray.setToolTip("Coordinator")
            self.tray.messageClicked.connect(self._bring_window_up)
            self.tray.show()
        title, text = tray_message(reminders)
        self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 15000)

    def _bring_window_up(self) -> None:
        if is_alive(self.window):
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()

    # -- what the user chose ----------------------------------------------------------------
    def open_record(self, kind: str, record_id: str) -> None:
        if self.ctx is not None and self.ctx.open_record is not None:
            self.ctx.open_record(kind, record_id)

    def snooze(self, reminder: Reminder) -> None:
        if self.ctx is None:
            return
        if reminder.today < today():  # listed yesterday: a day from now, not from then
            reminder = replace(reminder, today=today())
        try:
            until = self.ctx.services.reminders.snooze_days(reminder, 1)
        except (CoordinatorError, OSError) as exc:
            self._say(_problem(exc))
            return
        self.banner.remove(reminder)
        self._say(f"Snoozed until {until:%A}.", 4000)

    def switch_off(self, reminder: Reminder) -> None:
        if self.ctx is None:
            return
        try:
            self.ctx.services.reminders.switch_off(reminder)
        except (CoordinatorError, OSError) as exc:
            self._say(_problem(exc))
            return
        self.banner.remove(reminder)
        self._say("No more reminders about that item (unless its due date changes).", 6000)

    def set_enabled(self, enabled: bool) -> None:
        if self.ctx is None:
            return
        try:
            self.ctx.services.reminders.set_enabled(enabled)
        except (CoordinatorError, OSError) as exc:
            self._say(_problem(exc))
        if enabled:
            self.check()
        else:
            self.banner.clear()

    # -- calendar export --------------------------------------------------------------------
    def choose_calendar_file(self) -> None:
        suggested = Path.home() / CALENDAR_NAME
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Export deadlines and action items to a calendar file",
            str(suggested), "iCalendar files (*.ics)")
        if name:
            self.export_calendar(Path(name))

    def export_calendar(self, path: Path) -> None:
        """Write the calendar file off the GUI thread, whole or not at all; the status
        bar says the outcome."""
        if self.ctx is None:
            return
        if path.suffix.lower() != ".ics":
            path = path.with_name(path.name + ".ics")
        service = self.ctx.services.reminders
        day = today()

        def write() -> Path:
            from coordinator.files import write_private_atomic

            return write_private_atomic(path, service.calendar(day))

        def failed(exc: BaseException) -> None:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self._say(f"Could not write {path}: {reason}. Nothing was written.", 10000)

        self.ctx.tasks.run(write, on_done=lambda _p: self._say(
            f"Deadlines and action items exported to {path}.", 6000),
            on_error=failed, context=self)

    def _say(self, text: str, timeout: int = 8000) -> None:
        if self.ctx is not None:
            self.ctx.status_message.emit(text, timeout)


__all__ = [
    "CHECK_INTERVAL_MS",
    "START_DELAY_MS",
    "ReminderHooks",
    "notify_places",
    "today",
    "tray_message",
]
