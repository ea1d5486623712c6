"""Meeting editor and Meetings view: a meeting created through the editor with agenda,
attendees, notes, decisions and action items; times in each consortium's zone; the
next meeting of a series offers the previous agenda and open action items."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, QTime

from coordinator.services.records import (
    ActionItemData,
    AgendaItemData,
    AttendeeData,
    MeetingData,
)
from ui.kit.drafts import DraftKey, DraftStore
from ui.kit.roles import ID_ROLE
from ui.meetings.editor import MeetingEditor
from ui.meetings.view import MeetingsView


def set_start(editor: MeetingEditor, day: date, clock: time, zone: str) -> None:
    editor.zone_box.setCurrentText(zone)
    editor.date_edit.setDate(QDate(day.year, day.month, day.day))
    editor.time_edit.setTime(QTime(clock.hour, clock.minute))


def test_meeting_created_through_the_editor(qtbot, ctx, services, coalition):
    editor = MeetingEditor(ctx)
    qtbot.addWidget(editor)
    # details
    qtbot.keyClicks(editor.title_edit, "Mobility working group")
    editor.series_box.setCurrentText("Mobility WG")
    set_start(editor, date(2027, 3, 10), time(9, 0), "America/Chicago")
    editor.duration_spin.setValue(90)
    editor.link_edit.setText("https://meet.example.org/mobility")
    # attendees found by search, then roles / RSVP
    qtbot.keyClicks(editor.attendees.search, "Priya")
    qtbot.waitUntil(lambda: editor.attendees.results.count() > 0
                    and bool(editor.attendees.results.item(0).data(ID_ROLE)), timeout=5000)
    editor.attendees.results.setCurrentRow(0)
    editor.attendees.results.item(0).setSelected(True)
    editor.attendees.add_selected_results()
    assert editor.attendees.add_contact(coalition.people["SNF"])
    assert editor.attendees.add_contact(coalition.people["CSCA"])
    editor.attendees.table.cellWidget(0, editor.attendees.ROLE).setCurrentIndex(0)  # chair
    editor.attendees.table.cellWidget(0, editor.attendees.RSVP).setCurrentIndex(1)  # yes
    # the consortia of the attendees are ticked and their times shown
    times = editor.zone_times.text()
    assert "08:00 MST — CSCA" in times
    assert "08:00 MST — Connective" in times
    assert "10:00 EST — SNF" in times
    # agenda, notes, decisions, action items
    editor.agenda.add_row(AgendaItemData("Curb data pilot", coalition.people["Connective"], 20))
    editor.agenda.add_row(AgendaItemData("Round table", None, 15))
    editor.notes.editor.setPlainText("## Notes\n\nPilot **approved** in Mesa.")
    editor.decisions_edit.setPlainText("Start the pilot in April\nShare data monthly")
    editor.action_items.add_row(ActionItemData("Draft data-sharing MOU",
                                               owner_id=coalition.people["SNF"],
                                               due_date=date(2027, 3, 31)))
    assert editor.dirty
    assert editor.save()
    saved = services.meetings.get(editor.meeting_id)
    assert saved.title == "Mobility working group"
    assert saved.series_name == "Mobility WG"
    assert saved.starts_at == datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
    assert saved.time_zone == "America/Chicago"
    assert saved.duration_minutes == 90
    assert [a.title for a in saved.agenda] == ["Curb data pilot", "Round table"]
    assert saved.agenda[0].presenter_id == coalition.people["Connective"]
    assert {a.contact_name for a in saved.attendees} == {"Priya Natarajan", "Grace Liu",
                                                         "Sam Whitfield"}
    chair = next(a for a in saved.attendees if a.role == "chair")
    assert chair.rsvp == "yes"
    assert "approved" in saved.notes
    assert saved.decisions == ["Start the pilot in April", "Share data monthly"]
    assert [(a.text, a.owner_name, a.due_date) for a in saved.action_items] == [
        ("Draft data-sharing MOU", "Grace Liu", date(2027, 3, 31))]
    assert len(saved.consortium_ids) == 3
    # saving again keeps the action item (same id), not a duplicate
    editor.decisions_edit.appendPlainText("Third decision")
    assert editor.save()
    again = services.meetings.get(editor.meeting_id)
    assert [a.id for a in again.action_items] == [a.id for a in saved.action_items]


def test_start_shown_across_the_dst_change(qtbot, ctx, coalition):
    editor = MeetingEditor(ctx)
    qtbot.addWidget(editor)
    for check in editor.consortium_checks.values():
        check.setChecked(True)
    set_start(editor, date(2027, 3, 17), time(9, 0), "America/Chicago")
    lines = editor.zone_times.text().splitlines()
    assert lines[0] == "10:00 EDT — SNF"
    assert "09:00 CDT" in lines[1]
    assert lines[2].startswith("08:00 MDT — CSCA")
    assert lines[3].startswith("07:00 MST — ") and "SASR" in lines[3]


def _series_meeting(services, coalition, day: date, **extra) -> MeetingData:  # type: ignore[no-untyped-def]
    return services.meetings.create(MeetingData(
        title="Partnership call", series_name="Monthly partnership call",
        starts_at=datetime(day.year, day.month, day.day, 15, tzinfo=UTC),
        time_zone="America/Chicago", **extra))


def test_next_meeting_offers_previous_agenda_and_open_items(qtbot, ctx, services, coalition):
    first = _series_meeting(services, coalition, date(2027, 3, 10),
                            agenda=[AgendaItemData("Roll call", None, 5),
                                    AgendaItemData("Funding updates", None, 20)],
                            attendees=[AttendeeData(coalition.people["KCDD"])],
                            action_items=[ActionItemData("Send budget", coalition.people["KCDD"],
                                                         date(2027, 2, 20)),
                                          ActionItemData("Done already", status="done")])
    view = MeetingsView(ctx)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    view.table.selectRow(0)
    assert view.next_button.isEnabled()
    editor = view.new_in_series()
    qtbot.addWidget(editor)
    # a week later, same wall-clock time in Chicago (09:00 CDT after the DST change)
    assert editor.value().starts_at == datetime(2027, 3, 17, 14, tzinfo=UTC)
    assert editor.previous_panel.previous.id == first.id
    assert [a.text for a in editor.previous_panel.open_items] == ["Send budget"]
    assert editor.previous_panel.copy_agenda_button.isEnabled()
    editor.copy_previous_agenda()
    editor.copy_previous_attendees()
    assert [a.title for a in editor.agenda.values()] == ["Roll call", "Funding updates"]
    assert editor.save()
    second = services.meetings.get(editor.meeting_id)
    assert second.series_id == first.series_id
    assert [a.title for a in second.agenda] == ["Roll call", "Funding updates"]
    assert [a.contact_id for a in second.attendees] == [coalition.people["KCDD"]]
    assert services.meetings.previous_in_series(second.id).id == first.id


def test_notes_draft_recovered(qtbot, ctx, services, coalition):
    meeting = _series_meeting(services, coalition, date(2027, 2, 10))
    store = DraftStore.shared()
    editor = MeetingEditor(ctx, meeting.id, drafts=store)
    qtbot.addWidget(editor)
    editor.autosaver._timer.setInterval(30)
    qtbot.keyClicks(editor.notes.editor, "Budget agreed")
    qtbot.waitUntil(lambda: store.get(DraftKey("meeting", meeting.id, "notes")) is not None,
                    timeout=3000)
    editor.autosaver.stop()
    DraftStore.forget_shared()
    view = MeetingsView(ctx, drafts=DraftStore.shared())
    qtbot.addWidget(view)
    assert not view.recovery.isHidden()
    [recovered] = view.open_recovered()
    assert recovered.notes.text() == "Budget agreed"
    assert recovered.save()
    assert services.meetings.get(meeting.id).notes == "Budget agreed"
    recovered.close()


def test_meetings_view_filters_upcoming_and_series(qtbot, ctx, services, coalition):
    today = date.today()
    _series_meeting(services, coalition, today + timedelta(days=20))
    _series_meeting(services, coalition, today - timedelta(days=20))
    services.meetings.create(MeetingData(
        title="Broadband workshop", kind="workshop", time_zone="America/Denver",
        starts_at=datetime.now(UTC) + timedelta(days=3),
        consortium_ids=[services.consortia.by_short_name("CSCA").id]))
    view = MeetingsView(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.count_changed, timeout=5000) as blocker:
        pass
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    assert blocker.args == [3]  # every live meeting, as the sidebar shows
    assert [m.title for m in view.model.rows()] == ["Broadband workshop", "Partnership call"]
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.when_group.button(1).click()
    assert [m.title for m in view.model.rows()] == ["Partnership call"]
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.when_group.button(2).click()
    assert view.model.rowCount() == 3
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.consortium_filter.setCurrentIndex(view.consortium_filter.findText("CSCA"))
    assert [m.title for m in view.model.rows()] == ["Broadband workshop"]
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.consortium_filter.setCurrentIndex(0)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.series_filter.setCurrentIndex(1)
    assert {m.title for m in view.model.rows()} == {"Partnership call"}


def test_notes_of_a_never_saved_meeting_are_recovered(qtbot, ctx, services):
    store = DraftStore.shared()
    editor = MeetingEditor(ctx, drafts=store)
    qtbot.addWidget(editor)
    editor.title_edit.setText("Kick-off")
    editor.notes.editor.setPlainText("Who: everyone")
    editor.autosaver.flush()
    editor.autosaver.stop()
    DraftStore.forget_shared()
    view = MeetingsView(ctx, drafts=DraftStore.shared())
    qtbot.addWidget(view)
    assert "Kick-off" in view.recovery.label.text()
    [recovered] = view.open_recovered()
    assert recovered.meeting_id is None
    assert recovered.title_edit.text() == "Kick-off"
    assert recovered.notes.text() == "Who: everyone"
    assert recovered.save()
    assert services.meetings.get(recovered.meeting_id).notes == "Who: everyone"
    assert DraftStore.shared().all() == []
    recovered.close()


def test_prepare_briefing_from_the_meetings_view(qtbot, ctx, services, coalition, monkeypatch):
    import ui.briefing.actions as briefing_actions

    calls: list[str] = []
    monkeypatch.setattr(briefing_actions, "prepare_briefing",
                        lambda _ctx, meeting_id, _parent: calls.append(meeting_id))
    meeting = _series_meeting(services, coalition, date.today() + timedelta(days=5))
    view = MeetingsView(ctx)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    assert not view.briefing_button.isEnabled()  # nothing selected yet
    view.table.selectRow(0)
    assert view.briefing_button.isEnabled()
    view.briefing_button.click()
    assert calls == [meeting.id]
