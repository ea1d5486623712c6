"""Carrying a meeting series forward, and opening a meeting from anywhere.

`next_in_series_template` prepares the following meeting of a series (same zone, same
wall-clock time across daylight-saving changes); `open_meeting_for` opens the meeting
editor for a meeting or for the meeting an action item belongs to.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from coordinator.errors import NotFound
from coordinator.services.records import MeetingData
from ui.context import AppContext
from ui.meetings.editor import MeetingEditor
from ui.timezones import in_zone, local_to_utc


def next_in_series_template(ctx: AppContext, previous_id: str) -> MeetingData:
    """A new meeting following `previous_id`: same series, kind, zone, length, place and
    consortia, one interval later (the gap between the last two meetings, else a week)."""
    prev = ctx.services.meetings.get(previous_id)
    before = ctx.services.meetings.previous_in_series(previous_id)
    start, title = None, prev.title
    if prev.starts_at:  # same wall-clock time in the meeting's zone, across DST changes
        local = in_zone(prev.starts_at, prev.time_zone)
        days = 7
        if before and before.starts_at:
            days = max(1, (local.date() - in_zone(before.starts_at, prev.time_zone).date()).days)
        day = local.date() + timedelta(days=days)
        start = local_to_utc(day, local.time().replace(tzinfo=None), prev.time_zone)
        title = title.replace(f"{local:%b} {local.day}, {local.year}",
                              f"{day:%b} {day.day}, {day.year}")
    return MeetingData(title=title, starts_at=start, time_zone=prev.time_zone,
                       series_name=prev.series_name, series_id=prev.series_id, kind=prev.kind,
                       duration_minutes=prev.duration_minutes, location=prev.location,
                       link=prev.link, consortium_ids=list(prev.consortium_ids))



def open_meeting_for(ctx: AppContext, entity: str, record_id: str,
                     parent: QWidget | None = None) -> MeetingEditor | None:
    """Open the meeting editor for a meeting, or for the meeting of an action item."""
    try:
        meeting_id = record_id if entity == "meeting" else \
            ctx.services.actions.get(record_id).meeting_id
    except NotFound:
        return None
    editor = MeetingEditor(ctx, meeting_id, parent=parent)
    editor.setWindowFlag(Qt.WindowType.Window, True)
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    if entity == "action_item":
        editor.tabs.setCurrentWidget(editor.action_items)
    editor.show()
    return editor


__all__ = ["next_in_series_template", "open_meeting_for"]
