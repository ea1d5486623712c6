"""Many records moved to Trash and back through the widgets: the selection goes in one
step (a progress dialog shows how far a long move is, off the GUI thread), and one
Undo brings every record back."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from coordinator.services import Services, base
from coordinator.services.records import ContactData, OrganizationData
from ui.app import settle
from ui.kit import background, undo


def people_in_organizations(services: Services, orgs: int, each: int
                            ) -> tuple[list[str], list[str]]:
    org_ids, contact_ids = [], []
    for n in range(orgs):
        org = services.organizations.create(OrganizationData(name=f"Bulk Org {n:02d}"))
        org_ids.append(org.id or "")
        for m in range(each):
            contact_ids.append(services.contacts.create(ContactData(
                given_name=f"Person{n:02d}{m}", family_name="Bulk",
                organization_id=org.id)).id or "")
    return org_ids, contact_ids


class ProgressSeen:
    """The visible progress dialogs' (label, value, maximum), looked at every 5 ms."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, int]] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._look)
        self.timer.start(5)

    def _look(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                self.seen.append((widget.labelText(), widget.value(), widget.maximum()))


@pytest.fixture
def long_moves(monkeypatch: pytest.MonkeyPatch) -> Iterator[ProgressSeen]:
    """Moves of a few records take the long path: off the GUI thread, chunks of 5, the
    progress dialog at once, each chunk taking a moment so that it is seen."""
    monkeypatch.setattr(undo, "BACKGROUND_FROM", 10)
    monkeypatch.setattr(base, "MOVE_CHUNK", 5)
    monkeypatch.setattr(background, "PROGRESS_DELAY_MS", 0)
    move = base.EntityService.move_chunk

    def slowly(self, session, ids, to_trash, now):  # type: ignore[no-untyped-def]
        time.sleep(0.05)
        move(self, session, ids, to_trash, now)

    monkeypatch.setattr(base.EntityService, "move_chunk", slowly)
    seen = ProgressSeen()
    yield seen
    seen.timer.stop()


def test_deleting_many_organizations_asks_shows_progress_and_undo_brings_all_back(
        ctx, make_window, qtbot, modal, long_moves: ProgressSeen) -> None:
    services = ctx.services
    _orgs, contact_ids = people_in_organizations(services, orgs=12, each=2)
    window = make_window(ctx)
    view = window.show_view("organizations")
    settle(ctx)
    assert view.model.rowCount() == 12
    asked: list[str] = []

    def move_to_trash(box: QMessageBox) -> None:
        asked.append(f"{box.text()} {box.informativeText()}")
        (button,) = [b for b in box.buttons() if b.text() == "Move to Trash"]
        button.click()

    modal.drivers["QMessageBox"] = move_to_trash
    view.table.setFocus()
    view.table.selectAll()
    steps = ctx.undo_stack.count()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    settle(ctx)

    assert asked == ["Move 12 organizations to Trash? Their 24 contacts will stay, shown "
                     "without an organization until you restore them from Trash or undo "
                     "this (Ctrl+Z)."]
    assert view.model.rowCount() == 0
    assert services.trash.count() == 12
    assert all(services.contacts.get(c).organization_name == "" for c in contact_ids)
    labels = {label for label, _value, _maximum in long_moves.seen}
    assert labels == {"Moving 12 organizations to Trash…"}
    assert {maximum for _label, _value, maximum in long_moves.seen} <= {0, 12}
    assert ctx.undo_stack.count() == steps + 1

    # One Undo: every organization back, its people with it.
    long_moves.seen.clear()
    window.undo_action.trigger()
    settle(ctx)
    assert view.model.rowCount() == 12
    assert services.trash.count() == 0
    assert {services.contacts.get(c).organization_name for c in contact_ids} == {
        f"Bulk Org {n:02d}" for n in range(12)}
    assert {label for label, _v, _m in long_moves.seen} == {"Restoring 12 organizations…"}


def test_deleting_many_contacts_with_the_delete_key_and_undo(
        ctx, make_window, qtbot) -> None:
    services = ctx.services
    _orgs, contact_ids = people_in_organizations(services, orgs=3, each=10)
    window = make_window(ctx)
    view = window.show_view("contacts")
    settle(ctx)
    view.table.setFocus()
    view.table.selectAll()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    settle(ctx)
    assert view.model.rowCount() == 0
    assert services.contacts.count() == 0
    assert {i.id for i in services.trash.list()} == set(contact_ids)

    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(ctx)
    assert view.model.rowCount() == 30
    assert services.trash.count() == 0


def test_restoring_a_mixed_selection_from_trash_is_one_step(
        ctx, make_window, qtbot, long_moves: ProgressSeen) -> None:
    services = ctx.services
    org_ids, contact_ids = people_in_organizations(services, orgs=4, each=3)
    services.contacts.delete_many(contact_ids)
    services.organizations.delete_many(org_ids)
    window = make_window(ctx)
    view = window.show_view("trash")
    settle(ctx)
    assert view.model.rowCount() == 16
    view.table.selectAll()
    steps = ctx.undo_stack.count()
    qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    settle(ctx)
    assert view.model.rowCount() == 0
    assert services.trash.count() == 0
    assert services.contacts.get(contact_ids[0]).organization_name == "Bulk Org 00"
    assert ctx.undo_stack.count() == steps + 1
    assert {label for label, _v, _m in long_moves.seen} == {
        "Restoring 4 organizations, 12 contacts…"}  # as listed: latest deleted first
    assert {maximum for _label, _value, maximum in long_moves.seen} <= {0, 16}

    window.undo_action.trigger()  # one step: everything back in Trash
    settle(ctx)
    assert services.trash.count() == 16
    assert view.model.rowCount() == 16


def test_the_selected_rows_read_from_ranges_are_qts_selected_rows(ctx, make_window) -> None:
    """The fast reading of a selection (its ranges) gives what Qt's `selectedRows()`
    gives: whole rows in ranges and one by one, and cells alone count for nothing."""
    from PySide6.QtCore import QItemSelectionModel

    from ui.kit.lazy_table import selected_rows

    people_in_organizations(ctx.services, orgs=2, each=5)
    window = make_window(ctx)
    view = window.show_view("contacts")
    settle(ctx)
    table, model = view.table, view.model
    selection = table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    for row in (7, 1, 2, 3, 9):
        selection.select(model.index(row, 0), flags.Select | flags.Rows)

    def qt_rows() -> list[int]:
        return sorted({i.row() for i in selection.selectedRows()})

    assert selected_rows(table) == qt_rows() == [1, 2, 3, 7, 9]
    selection.select(model.index(5, 1), flags.Select)  # one cell, not the row
    assert selected_rows(table) == qt_rows() == [1, 2, 3, 7, 9]
    table.selectAll()
    assert selected_rows(table) == qt_rows() == list(range(10))


def test_keys_pressed_while_a_long_move_runs_are_dropped(
        ctx, make_window, qtbot, long_moves: ProgressSeen,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl+Z or a second Delete pressed while a long move runs (in its nested event
    loop, before the progress dialog blocks the window) would run inside it: dropped."""
    monkeypatch.setattr(background, "PROGRESS_DELAY_MS", 10_000)  # no dialog to block
    services = ctx.services
    _orgs, contact_ids = people_in_organizations(services, orgs=2, each=10)
    window = make_window(ctx)
    view = window.show_view("contacts")
    settle(ctx)
    steps = ctx.undo_stack.count()
    view.table.setFocus()
    view.table.selectRow(0)
    [first] = view.selected_ids()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)  # one record: at once, one undo step
    settle(ctx)
    view.table.selectAll()
    pressed: list[str] = []

    def press_undo() -> None:
        qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        pressed.append("Ctrl+Z")

    QTimer.singleShot(20, press_undo)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)  # the other 19: the long way
    settle(ctx)
    assert pressed == ["Ctrl+Z"]  # pressed while the move ran, and dropped
    assert {i.id for i in services.trash.list()} == set(contact_ids)
    assert (ctx.undo_stack.count(), ctx.undo_stack.index()) == (steps + 2, steps + 2)

    with qtbot.waitActive(window):  # the progress dialog hands activation back
        window.activateWindow()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(ctx)
    assert [i.id for i in services.trash.list()] == [first]


def test_an_undo_that_cannot_be_done_names_the_record_to_the_user_not_the_log(
        ctx, make_window, caplog: pytest.LogCaptureFixture) -> None:
    services = ctx.services
    ada = services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    window = make_window(ctx)
    view = window.show_view("contacts")
    settle(ctx)
    said: list[str] = []
    ctx.status_message.connect(lambda text, _ms: said.append(text))
    view.table.selectAll()
    view.delete_selected()
    services.contacts.restore(ada.id or "")  # brought back meanwhile, not by the undo
    window.undo_action.trigger()
    settle(ctx)
    assert said[-1] == ("Could not delete Ada Lovelace: Contact “Ada Lovelace” is not in "
                        "Trash.")
    assert "undo step failed: NotWhereExpected" in caplog.text
    assert "Ada" not in caplog.text and "Lovelace" not in caplog.text
    assert services.contacts.get(ada.id or "").deleted_at is None
