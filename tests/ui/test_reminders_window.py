"""Reminders in the main window (the bar at the top, the tray decision, the switch in
the View menu) and the calendar export, on a fixed `today`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.records import ActionItemData, MeetingData, ProposalData
from ui.app import settle
from ui.context import AppContext
from ui.reminders import window as reminders_window
from ui.reminders.banner import MAX_SHOWN
from ui.reminders.window import notify_places, tray_message

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reminders_window, "today", lambda: TODAY)


def _due_items(services: Services, extra_actions: int = 0) -> dict[str, str]:
    grant = services.proposals.create(ProposalData(
        title="Curb data", status="drafting", funder="USDOT",
        due_date=TODAY + timedelta(days=3))).id
    services.proposals.create(ProposalData(title="Far off", status="drafting",
                                           due_date=TODAY + timedelta(days=30)))
    items = [ActionItemData(text="Send the budget", due_date=TODAY - timedelta(days=2))]
    items += [ActionItemData(text=f"Call partner {n}", due_date=TODAY - timedelta(days=1))
              for n in range(extra_actions)]
    items.append(ActionItemData(text="Done already", status="done",
                                due_date=TODAY - timedelta(days=5)))
    meeting = services.meetings.create(MeetingData(
        title="Board call", starts_at=datetime(2026, 11, 2, 16, tzinfo=UTC),
        action_items=items))
    action = next(a.id for a in meeting.action_items if a.text == "Send the budget")
    return {"grant": grant, "action": action}  # type: ignore[dict-item]


def _banner_up(window, qtbot):
    hooks = window.reminder_hooks
    qtbot.waitUntil(lambda: hooks.banner.isVisible(), timeout=5000)
    settle(window.ctx)
    return hooks.banner


def _row(banner, text: str):
    return next(row for row in banner.rows if text in row.reminder.text)


@pytest.fixture
def second_ctx(db: Database, tmp_path: Path, qapp: QApplication) -> Iterator[AppContext]:
    """The app started again: a new context on the same database and config folder."""
    context = AppContext(db, QSettings(str(tmp_path / "ui-2.ini"), QSettings.Format.IniFormat))
    yield context
    context.tasks.wait(10_000)
    QApplication.processEvents()
    context._unsubscribe()
    context.tasks.shutdown()


def test_bar_lists_what_is_due_at_start_and_opens_the_record(ctx, make_window, qtbot,
                                                             tmp_path) -> None:
    ids = _due_items(ctx.services)
    window = make_window(ctx)
    banner = _banner_up(window, qtbot)
    assert banner.listed_texts() == ["Action item: Send the budget (2 days overdue)",
                                     "Deadline: Curb data (due in 3 days)"]
    assert "2 items need attention" in banner.heading.text()
    assert banner.mapTo(window, banner.rect().topLeft()).y() < window.stack.mapTo(
        window, window.stack.rect().topLeft()).y()  # above the views
    window.grab().save(str(tmp_path / "reminders-bar.png"))

    qtbot.mouseClick(_row(banner, "Curb data").open_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert window.current_view == "proposals"
    editor = window.pages["proposals"].open_editor(ids["grant"])
    assert editor is not None and editor.isVisible()
    editor.close()

    qtbot.mouseClick(_row(banner, "Send the budget").open_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert window.current_view == "actions"
    meeting = next(w for w in QApplication.topLevelWidgets()
                   if type(w).__name__ == "MeetingEditor" and w.isVisible())
    assert meeting.tabs.currentWidget() is meeting.action_items  # the item's meeting
    meeting.close()
    # Shown today: the same day's hourly check finds nothing new.
    assert ctx.services.reminders.to_show(TODAY) == []


def test_snooze_hides_it_today_and_after_a_restart_but_not_tomorrow(
        ctx, second_ctx, make_window, qtbot) -> None:
    _due_items(ctx.services)
    window = make_window(ctx)
    banner = _banner_up(window, qtbot)
    qtbot.mouseClick(_row(banner, "Curb data").snooze_button, Qt.MouseButton.LeftButton)
    assert banner.listed_texts() == ["Action item: Send the budget (2 days overdue)"]
    window.reminder_hooks.check()  # the hourly check, same day
    settle(ctx)
    assert banner.listed_texts() == ["Action item: Send the budget (2 days overdue)"]
    window.close()
    settle(ctx)

    again = make_window(second_ctx)  # a restart on the same config folder
    settle(second_ctx)
    qtbot.wait(reminders_window.START_DELAY_MS + 200)
    settle(second_ctx)
    assert not again.reminder_hooks.banner.isVisible()  # shown and snoozed today
    tomorrow = second_ctx.services.reminders.to_show(TODAY + timedelta(days=1))
    assert [r.entry.title for r in tomorrow] == ["Send the budget", "Curb data"]


def test_dont_remind_persists_and_dismiss_hides_the_bar(ctx, second_ctx, make_window,
                                                        qtbot) -> None:
    _due_items(ctx.services)
    window = make_window(ctx)
    banner = _banner_up(window, qtbot)
    qtbot.mouseClick(_row(banner, "Send the budget").off_button, Qt.MouseButton.LeftButton)
    assert banner.listed_texts() == ["Deadline: Curb data (due in 3 days)"]
    qtbot.mouseClick(banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    window.close()
    settle(ctx)

    later = second_ctx.services.reminders.to_show(TODAY + timedelta(days=2))
    assert [r.entry.title for r in later] == ["Curb data"]  # switched off stays off


def test_more_than_five_are_counted(ctx, make_window, qtbot) -> None:
    _due_items(ctx.services, extra_actions=6)
    window = make_window(ctx)
    banner = _banner_up(window, qtbot)
    assert len(banner.rows) == MAX_SHOWN
    assert banner.more_label.isVisible()
    assert banner.more_label.text() == '<a href="home">and 3 more</a>'
    qtbot.mouseClick(banner.rows[0].snooze_button, Qt.MouseButton.LeftButton)
    assert len(banner.rows) == MAX_SHOWN
    assert banner.more_label.text() == '<a href="home">and 2 more</a>'
    window.show_view("contacts")
    label = banner.more_label
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton,
                     pos=QPoint(label.contentsMargins().left() + 6, label.height() // 2))
    assert window.current_view == "home"


def test_reminders_switched_off_in_the_view_menu_show_nothing(
        ctx, second_ctx, make_window, qtbot) -> None:
    _due_items(ctx.services)
    window = make_window(ctx)
    hooks = window.reminder_hooks
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert hooks.enabled_action in view_menu.actions()
    assert hooks.enabled_action.isChecked()
    _banner_up(window, qtbot)
    hooks.enabled_action.trigger()  # off
    assert not hooks.banner.isVisible()
    assert ctx.services.reminders.enabled is False
    window.close()
    settle(ctx)

    again = make_window(second_ctx)
    assert not again.reminder_hooks.enabled_action.isChecked()
    qtbot.wait(reminders_window.START_DELAY_MS + 200)
    settle(second_ctx)
    again.reminder_hooks.check()
    settle(second_ctx)
    assert not again.reminder_hooks.banner.isVisible()
    assert second_ctx.services.reminders.to_show(TODAY + timedelta(days=1)) == []


def test_tray_message_only_where_the_platform_has_a_tray() -> None:
    assert notify_places(True) == ("banner", "tray")
    assert notify_places(False) == ("banner",)


def test_tray_message_text(services: Services) -> None:
    _due_items(services, extra_actions=3)
    title, text = tray_message(services.reminders.to_show(TODAY))
    assert title == "Coordinator: 5 reminders"
    assert text.splitlines()[0] == "Action item: Send the budget (2 days overdue)"
    assert text.splitlines()[-1] == "and 2 more"


def test_calendar_export_from_the_file_menu(ctx, make_window, qtbot, tmp_path,
                                            monkeypatch) -> None:
    ids = _due_items(ctx.services)
    window = make_window(ctx)
    target = tmp_path / "mine"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    action = window.reminder_hooks.calendar_action
    actions = file_menu.actions()
    assert actions.index(action) == actions.index(window.export_action) + 1
    action.trigger()
    settle(ctx)
    written = tmp_path / "mine.ics"
    cal = Calendar.from_ical(written.read_bytes())
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Deadline: Curb data", "Deadline: Far off",
                           "Action: Send the budget"}
    assert str(events["Deadline: Curb data"]["uid"]) == \
        f"{ids['grant']}@coordinator.proposal-deadline"
    assert str(events["Action: Send the budget"]["uid"]) == \
        f"{ids['action']}@coordinator.action-item"
    assert events["Deadline: Curb data"].decoded("dtstart") == TODAY + timedelta(days=3)
    first = written.read_bytes()
    written.unlink()
    action.trigger()  # the same data again: the same UIDs, the same file
    settle(ctx)
    assert written.read_bytes() == first
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_calendar_export_into_a_missing_folder_says_so_and_writes_nothing(
        ctx, make_window, tmp_path) -> None:
    _due_items(ctx.services)
    window = make_window(ctx)
    messages: list[str] = []
    ctx.status_message.connect(lambda text, _t: messages.append(text))
    target = tmp_path / "nowhere" / "deadlines.ics"
    window.reminder_hooks.export_calendar(target)
    settle(ctx)
    assert not target.exists()
    assert messages and messages[-1].startswith(f"Could not write {target}")
    assert messages[-1].endswith("Nothing was written.")


def test_after_midnight_the_lines_are_reworded_and_snooze_counts_from_today(
        ctx, make_window, qtbot, monkeypatch) -> None:
    _due_items(ctx.services)
    window = make_window(ctx)
    banner = _banner_up(window, qtbot)
    tomorrow = TODAY + timedelta(days=1)
    monkeypatch.setattr(reminders_window, "today", lambda: tomorrow)
    window.reminder_hooks.check()  # the hourly check, after midnight
    settle(ctx)
    assert banner.listed_texts() == ["Action item: Send the budget (3 days overdue)",
                                     "Deadline: Curb data (due in 2 days)"]
    stale = next(r for r in banner.reminders if r.entry.title == "Curb data")
    banner.reminders = [r if r is not stale else replace(r, today=TODAY)
                        for r in banner.reminders]  # as if listed before midnight
    banner._rebuild()
    qtbot.mouseClick(_row(banner, "Curb data").snooze_button, Qt.MouseButton.LeftButton)
    snoozed = ctx.services.reminders.store.load()["snoozed"]
    assert snoozed == {stale.key: (tomorrow + timedelta(days=1)).isoformat()}  # not tomorrow


def test_an_item_done_or_binned_leaves_the_bar(ctx, make_window, qtbot) -> None:
    ids = _due_items(ctx.services)
    window = make_window(ctx)
    banner = _banner_up(window, qtbot)
    ctx.services.actions.set_status(ids["action"], "done")
    qtbot.waitUntil(lambda: len(banner.rows) == 1, timeout=5000)
    assert banner.listed_texts() == ["Deadline: Curb data (due in 3 days)"]
    ctx.services.proposals.delete(ids["grant"])
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5000)


@pytest.mark.parametrize("blocked", ["parent is a file", "file is a folder"])
def test_reminder_settings_that_cannot_be_saved_say_so_and_keep_the_line(
        ctx, make_window, qtbot, tmp_path, blocked) -> None:
    _due_items(ctx.services)
    window = make_window(ctx)
    banner = _banner_up(window, qtbot)
    messages: list[str] = []
    ctx.status_message.connect(lambda text, _t: messages.append(text))
    if blocked == "parent is a file":
        (tmp_path / "not-a-folder").write_text("x")
        ctx.services.reminders.store.path = tmp_path / "not-a-folder" / "reminders.json"
    else:
        (tmp_path / "reminders.json").mkdir()
        ctx.services.reminders.store.path = tmp_path / "reminders.json"
    qtbot.mouseClick(_row(banner, "Curb data").snooze_button, Qt.MouseButton.LeftButton)
    assert "Deadline: Curb data (due in 3 days)" in banner.listed_texts()
    assert messages and "reminder settings could not be saved" in messages[-1]
