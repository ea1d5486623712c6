"""Meetings in the desktop app: the Meetings view (upcoming / past, by series and
consortium), the meeting editor (agenda, attendees, notes, decisions, action items,
times in every consortium's zone) and carrying a series forward."""

from __future__ import annotations


def MeetingsView(ctx):  # type: ignore[no-untyped-def]
    """Registry factory: build the Meetings view (imports the Qt code lazily)."""
    from ui.meetings.view import MeetingsView as View

    return View(ctx)
