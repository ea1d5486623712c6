"""The Home page in a real main window on the sample coalition: first in the sidebar and
shown at start, rows that open their records, ticking an action item done and marking
an organization contacted (both undone with the undo stack), the change signal, and the
briefing packet of the next call."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton

from coordinator.services.records import ProposalData
from ui.app import settle
from ui.kit.roles import ID_ROLE
from ui.views.registry import VIEWS


def _home(window, qtbot):
    view = window.pages["home"]
    qtbot.waitUntil(lambda: view.data is not None, timeout=10_000)
    settle(window.ctx)
    return view


def _double_click(qtbot, records, item) -> None:
    records.scrollToItem(item)
    rect = records.visualItemRect(item)
    qtbot.mouseClick(records.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(records.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_home_is_first_and_shown_at_start(sample_ctx, make_window, qtbot) -> None:
    assert next(iter(VIEWS)) == "home"
    window = make_window(sample_ctx)
    assert window.current_view == "home"
    view = _home(window, qtbot)
    home = sample_ctx.services.home
    today = date.today()
    assert view.deadlines.ids() == [d.id for d in home.deadlines(today)]
    assert view.actions.ids() == [a.id for a in home.action_items(today)]
    call = home.next_call()
    assert call is not None and view.call_title.text() == call.title
    assert view.carried.ids() == [a.id for a in call.carried]
    assert f"Invited ({len(call.invited)})" in view.call_invited.text()
    # the call's time in each consortium's zone, one line per zone
    assert view.call_zones.text().count("\n") + 1 == len({z.time_zone for z in call.zones})
    # an invitee's name opens the contact
    first = call.invited[0]
    assert first.name in view.call_invited.text()
    view.call_invited.linkActivated.emit(f"contact:{first.contact_id}")
    assert window.current_view == "contacts"
    contacts = window.pages["contacts"]
    qtbot.waitUntil(lambda: contacts.selected_ids() == [first.contact_id], timeout=10_000)


def test_a_deadline_opens_its_proposal(sample_ctx, make_window, qtbot) -> None:
    window = make_window(sample_ctx)
    view = _home(window, qtbot)
    item = view.deadlines.topLevelItem(0)
    proposal_id = item.data(0, ID_ROLE)
    _double_click(qtbot, view.deadlines, item)
    qtbot.waitUntil(lambda: window.current_view == "proposals", timeout=5000)
    editor = window.pages["proposals"].open_editor(proposal_id)
    assert editor is not None
    editor.close()


def test_a_recent_contact_opens_in_contacts(sample_ctx, make_window, qtbot) -> None:
    window = make_window(sample_ctx)
    view = _home(window, qtbot)
    item = next(view.recent.topLevelItem(i) for i in range(view.recent.topLevelItemCount())
                if view.recent.topLevelItem(i).text(0) == "Contact")
    contact_id = item.data(0, ID_ROLE)
    view.recent.setFocus()
    view.recent.setCurrentItem(item)
    qtbot.keyClick(view.recent, Qt.Key.Key_Return)
    assert window.current_view == "contacts"
    contacts = window.pages["contacts"]
    qtbot.waitUntil(lambda: contacts.selected_ids() == [contact_id], timeout=10_000)


def test_tick_done_in_place_and_undo(sample_ctx, make_window, qtbot) -> None:
    window = make_window(sample_ctx)
    view = _home(window, qtbot)
    item = view.actions.topLevelItem(0)
    item_id = item.data(0, ID_ROLE)
    before = sample_ctx.services.actions.get(item_id).status
    assert before in ("open", "in_progress")
    rect = view.actions.visualItemRect(item)
    qtbot.mouseClick(view.actions.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.left() + 10, rect.center().y()))
    assert sample_ctx.services.actions.get(item_id).status == "done"
    qtbot.waitUntil(lambda: item_id not in view.actions.ids(), timeout=5000)
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert sample_ctx.services.actions.get(item_id).status == before
    qtbot.waitUntil(lambda: item_id in view.actions.ids(), timeout=5000)
    restored = view.actions.item_of(item_id)
    assert restored.checkState(0) == Qt.CheckState.Unchecked
    window.redo_action.trigger()
    assert sample_ctx.services.actions.get(item_id).status == "done"


def test_mark_contacted_today_and_undo(sample_ctx, make_window, qtbot) -> None:
    sample_ctx.settings.setValue("home/quiet_months", 2)  # enough quiet members to act on
    window = make_window(sample_ctx)
    view = _home(window, qtbot)
    assert view.months.value() == 2
    item = next(view.quiet.topLevelItem(i) for i in range(view.quiet.topLevelItemCount())
                if view.quiet.itemWidget(view.quiet.topLevelItem(i), 3).isEnabled())
    org_id = item.data(0, ID_ROLE)
    button = view.quiet.itemWidget(item, 3)
    assert isinstance(button, QPushButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    people = [c for c in sample_ctx.services.contacts.get_many(
        sample_ctx.services.contacts.ids()) if c.organization_id == org_id]
    assert people and all(c.last_contacted_on == date.today() for c in people)
    qtbot.waitUntil(lambda: org_id not in view.quiet.ids(), timeout=5000)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: org_id in view.quiet.ids(), timeout=5000)
    again = {c.id: c.last_contacted_on for c in sample_ctx.services.contacts.get_many(
        [c.id for c in people])}
    assert all(day != date.today() for day in again.values())


def test_a_new_deadline_appears_through_the_change_signal(sample_ctx, make_window,
                                                          qtbot) -> None:
    window = make_window(sample_ctx)
    view = _home(window, qtbot)
    made = sample_ctx.services.proposals.create(ProposalData(
        title="Curbside Sensors Pilot", status="drafting",
        due_date=date.today() + timedelta(days=2)))
    qtbot.waitUntil(lambda: made.id in view.deadlines.ids(), timeout=5000)
    assert view.deadlines.item_of(made.id).text(1) == "Curbside Sensors Pilot"


def test_the_briefing_button_prepares_the_next_calls_packet(sample_ctx, make_window, qtbot,
                                                            monkeypatch) -> None:
    from ui.briefing.options import BriefingOptionsDialog

    asked: list[str] = []

    def answer(dialog: QDialog) -> int:  # the options dialog, answered "Cancel"
        asked.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(BriefingOptionsDialog, "exec", answer)
    window = make_window(sample_ctx)
    view = _home(window, qtbot)
    qtbot.mouseClick(view.briefing_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    assert view.data.next_call.title in asked[0]


def test_home_on_an_empty_database_says_so(ctx, qtbot) -> None:
    from ui.home.view import HomeView

    view = HomeView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.data is not None, timeout=5000)
    assert "No partnership call" in view.call_panel.note.text()
    assert not view.briefing_button.isVisible()
    assert "Nothing overdue" in view.actions_panel.note.text()


def test_an_action_item_opens_its_meeting(sample_ctx, make_window, qtbot) -> None:
    window = make_window(sample_ctx)
    view = _home(window, qtbot)
    item = view.actions.topLevelItem(0)
    meeting_id = sample_ctx.services.actions.get(item.data(0, ID_ROLE)).meeting_id
    view.actions.setFocus()
    view.actions.setCurrentItem(item)
    qtbot.keyClick(view.actions, Qt.Key.Key_Return)
    assert window.current_view == "actions"
    from PySide6.QtWidgets import QApplication

    from ui.meetings.editor import MeetingEditor

    editors = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, MeetingEditor) and w.isVisible()]
    assert [e.meeting_id for e in editors] == [meeting_id]
    editors[0].close()
    settle(sample_ctx)


def test_ticking_an_item_whose_meeting_went_to_trash_says_so(sample_ctx, make_window,
                                                             qtbot) -> None:
    window = make_window(sample_ctx)
    view = _home(window, qtbot)
    item = view.actions.topLevelItem(0)
    item_id = item.data(0, ID_ROLE)
    meeting_id = sample_ctx.services.actions.get(item_id).meeting_id
    said: list[str] = []
    sample_ctx.status_message.connect(lambda text, _ms: said.append(text))
    sample_ctx.services.meetings.delete(meeting_id)  # elsewhere, before the page re-reads
    steps = window.undo_stack.count()
    item.setCheckState(0, Qt.CheckState.Checked)
    assert said and said[-1].startswith("Could not mark")
    assert window.undo_stack.count() == steps  # nothing to undo: nothing was done
    qtbot.waitUntil(lambda: item_id not in view.actions.ids(), timeout=5000)
    sample_ctx.services.meetings.restore(meeting_id)
    assert sample_ctx.services.actions.get(item_id).status in ("open", "in_progress")
