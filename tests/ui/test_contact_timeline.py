"""The timeline under the contact's details: the selected contact's history newest
first, a row opens its record, and a change (a new meeting) shows up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPoint, Qt

from coordinator.services.records import AttendeeData, MeetingData
from ui.app import settle
from ui.kit.roles import ID_ROLE


def _contacts(window, qtbot):
    view = window.show_view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10_000)
    return view


def _busy_contact(services) -> str:
    """A contact of the sample with several meetings."""
    meetings = services.meetings.list().rows
    counts: dict[str, int] = {}
    for m in meetings:
        for a in m.attendees:
            counts[a.contact_id] = counts.get(a.contact_id, 0) + 1
    return max(counts, key=lambda c: counts[c])


def test_the_selected_contacts_history_newest_first(sample_ctx, make_window, qtbot) -> None:
    window = make_window(sample_ctx)
    view = _contacts(window, qtbot)
    contact_id = _busy_contact(sample_ctx.services)
    view.open_record(contact_id)
    timeline = view.timeline
    qtbot.waitUntil(lambda: timeline.contact_id == contact_id and bool(timeline.entries),
                    timeout=10_000)
    expected = sample_ctx.services.timeline.for_contact(contact_id)
    assert timeline.list.ids() == [e.record_id for e in expected]
    days = [e.day for e in timeline.entries]
    assert days == sorted(days, reverse=True)
    assert timeline.isVisible() and view.detail.isVisible()

    meeting_row = next(i for i in range(timeline.list.topLevelItemCount())
                       if timeline.entries[i].entity == "meeting")
    item = timeline.list.topLevelItem(meeting_row)
    timeline.list.scrollToItem(item)
    rect = timeline.list.visualItemRect(item)
    spot = QPoint(rect.left() + 8, rect.center().y())  # inside however narrow the pane is
    qtbot.mouseClick(timeline.list.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.mouseDClick(timeline.list.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert window.current_view == "meetings"
    editor = window.pages["meetings"].open_editor(item.data(0, ID_ROLE))
    assert editor is not None
    editor.close()
    settle(sample_ctx)


def test_a_new_meeting_appears_on_the_timeline(sample_ctx, make_window, qtbot) -> None:
    window = make_window(sample_ctx)
    view = _contacts(window, qtbot)
    contact_id = view.model.id_at(0)
    view.select_row(0)
    qtbot.waitUntil(lambda: view.timeline.contact_id == contact_id, timeout=5000)
    made = sample_ctx.services.meetings.create(MeetingData(
        title="Curb data workshop", kind="workshop",
        starts_at=datetime.now(UTC) + timedelta(days=400),
        attendees=[AttendeeData(contact_id)]))
    qtbot.waitUntil(lambda: view.timeline.list.ids()[:1] == [made.id], timeout=5000)
    first = view.timeline.list.topLevelItem(0)
    assert first.text(1) == "Meeting: Curb data workshop — Invited"
