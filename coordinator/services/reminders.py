"""Reminders: overdue action items and proposal deadlines within a week, at most once a
day per item, each of which can be snoozed or switched off (or all of them).

What is due comes from the agenda (`coordinator.services.agenda`) for a given `today`:

* an action item still open or in progress whose due date has passed;
* a proposal still being written (idea, drafting, internal review) due within
  `REMIND_DAYS` days, or whose due date has passed. A submitted proposal needs no
  reminder, although the agenda still lists its date.

What was shown, snoozed and switched off is kept in `reminders.json` in the per-user
config folder, written whole or not at all (`files.write_private_atomic`), so it holds
across restarts and between the app and another copy of the service. It holds record
ids and dates only, never names. Switching one item off holds for its current due
date: when the date moves, it reminds again. A damaged file is moved aside (its name
ends in `.damaged`) and reminders start afresh, rather than failing the app.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from coordinator import paths
from coordinator.errors import CoordinatorError
from coordinator.files import write_private_atomic
from coordinator.services.agenda import (
    STILL_BEING_WRITTEN,
    AgendaEntry,
    RawSource,
    agenda,
    calendar_ics,
)

REMIND_DAYS = 7
STORE_NAME = "reminders.json"
MAX_SWITCHED_OFF = 2000  # items remembered as switched off; the oldest due dates go first
_VERSION = 1
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    key: str  # "proposal:<id>" or "action_item:<id>": what the store remembers
    entry: AgendaEntry
    today: date

    @property
    def text(self) -> str:
        """One line for a notification, e.g. "Deadline: Curb data (due in 3 days)"."""
        label = "Deadline" if self.entry.kind == "proposal" else "Action item"
        return f"{label}: {self.entry.title} ({self.entry.when(self.today)})"


def reminder_key(entry: AgendaEntry) -> str:
    return f"{entry.kind}:{entry.id}"


class ReminderStore:
    """The reminders file: `{"version": 1, "enabled": bool, "shown": {key: day},
    "snoozed": {key: until}, "off": {key: due date}}` (days as YYYY-MM-DD)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else paths.config_dir() / STORE_NAME

    def load(self) -> dict[str, Any]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return _fresh()
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("The reminders file could not be read (%s); starting afresh.",
                        type(exc).__name__)
            return _fresh()
        try:
            state = _checked(json.loads(raw))
        except (ValueError, TypeError, AttributeError):
            self._set_aside()
            return _fresh()
        return state

    def save(self, state: dict[str, Any]) -> None:
        paths.ensure_private_dir(self.path.parent)
        data = json.dumps(state, indent=1, sort_keys=True).encode("utf-8")
        try:
            write_private_atomic(self.path, data)
        except OSError as exc:
            raise CoordinatorError(f"The reminder settings could not be saved to {self.path}: "
                                   f"{exc.strerror or exc}.") from exc

    def _set_aside(self) -> None:
        damaged = self.path.with_name(self.path.name + ".damaged")
        try:
            os.replace(self.path, damaged)
            log.warning("The reminders file was damaged; it was kept as %s and reminders "
                        "start afresh.", damaged.name)
        except OSError:
            log.warning("The reminders file was damaged and could not be moved aside.")


def _fresh() -> dict[str, Any]:
    return {"version": _VERSION, "enabled": True, "shown": {}, "snoozed": {}, "off": {}}


def _checked(value: object) -> dict[str, Any]:
    """The stored state with every date readable, or ValueError/TypeError."""
    if not isinstance(value, dict):
        raise TypeError("not an object")
    state = _fresh()
    state["enabled"] = bool(value.get("enabled", True))
    for part in ("shown", "snoozed", "off"):
        items = value.get(part, {})
        if not isinstance(items, dict):
            raise TypeError(part)
        state[part] = {str(k): date.fromisoformat(v).isoformat() for k, v in items.items()}
    return state


class ReminderService:
    def __init__(self, source: RawSource, store: ReminderStore | None = None) -> None:
        self.source = source
        self.store = store or ReminderStore()

    # -- what is due ---------------------------------------------------------------------
    def due(self, today: date) -> list[Reminder]:
        """Everything that calls for a reminder on `today`, whatever was shown, snoozed
        or switched off: overdue first (oldest first), then the soonest deadline."""
        day = agenda(self.source, today, REMIND_DAYS)
        wanted = [e for e in day.overdue if e.kind == "action_item" or (
            e.status in STILL_BEING_WRITTEN)]
        wanted += [e for e in day.upcoming if e.kind == "proposal"
                   and e.status in STILL_BEING_WRITTEN]
        return [Reminder(reminder_key(e), e, today) for e in wanted]

    def to_show(self, today: date) -> list[Reminder]:
        """What to notify about now: due, not yet shown `today`, not snoozed past
        `today`, not switched off for its current due date; nothing when reminders are
        switched off."""
        state = self.store.load()
        if not state["enabled"]:
            return []
        day = today.isoformat()
        return [r for r in self.due(today)
                if state["shown"].get(r.key) != day
                and state["snoozed"].get(r.key, "") <= day
                and state["off"].get(r.key) != r.entry.due_date.isoformat()]

    def calendar(self, today: date) -> bytes:
        """Every overdue and open dated deadline and action item as an iCalendar file
        with stable UIDs (`agenda.calendar_ics`), for the app's calendar export."""
        return calendar_ics(self.source, today)

    # -- what the user did ---------------------------------------------------------------
    def mark_shown(self, reminders: list[Reminder], today: date) -> None:
        """Remember that these were shown on `today` (so not again until tomorrow)."""
        state = self.store.load()
        day = today.isoformat()
        # Only today's marks matter: older ones are dropped, so the file stays small.
        state["shown"] = {k: v for k, v in state["shown"].items() if v >= day}
        state["shown"].update((r.key, day) for r in reminders)
        state["snoozed"] = {k: v for k, v in state["snoozed"].items() if v > day}
        self.store.save(state)

    def snooze(self, reminder: Reminder, until: date) -> None:
        """Not again before `until` (a later day than the reminder's)."""
        if until <= reminder.today:
            raise CoordinatorError("Snooze until a later day than today.")
        state = self.store.load()
        state["snoozed"][reminder.key] = until.isoformat()
        self.store.save(state)

    def snooze_days(self, reminder: Reminder, days: int = 1) -> date:
        until = reminder.today + timedelta(days=days)
        self.snooze(reminder, until)
        return until

    def switch_off(self, reminder: Reminder) -> None:
        """No more reminders for this item while its due date stays the same."""
        state = self.store.load()
        off = state["off"]
        off[reminder.key] = reminder.entry.due_date.isoformat()
        if len(off) > MAX_SWITCHED_OFF:
            keep = sorted(off.items(), key=lambda kv: kv[1])[-MAX_SWITCHED_OFF:]
            state["off"] = dict(keep)
        self.store.save(state)

    def switch_on(self, key: str) -> None:
        state = self.store.load()
        state["off"].pop(key, None)
        state["snoozed"].pop(key, None)
        self.store.save(state)

    @property
    def enabled(self) -> bool:
        return bool(self.store.load()["enabled"])

    def set_enabled(self, enabled: bool) -> None:
        """Switch every reminder on or off (what was snoozed or switched off is kept)."""
        state = self.store.load()
        state["enabled"] = bool(enabled)
        self.store.save(state)


__all__ = [
    "REMIND_DAYS",
    "Reminder",
    "ReminderService",
    "ReminderStore",
    "reminder_key",
]
