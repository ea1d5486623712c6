"""What the Meetings and Proposals views share (`ui/kit/planning_view.py`): the header menu
that shows and hides columns, the offer of drafts recovered after a crash, editor
windows opened once per record, and moving the selection to Trash. Each test runs for
both views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from coordinator.services import Services
from coordinator.services.records import MeetingData, ProposalData
from ui.context import AppContext
from ui.kit.drafts import DraftKey, DraftStore
from ui.meetings.view import MeetingsView
from ui.proposals.view import ProposalsView

if TYPE_CHECKING:
    from ui.kit.planning_view import PlanningView


@dataclass(frozen=True)
class Kind:
    view: type[PlanningView]  # type: ignore[type-arg]
    entity: str
    offered: list[str]  # the columns the header menu offers, in order
    hidden: set[str]  # hidden until the user asks for them
    draft_field: str
    recovery_text: str  # for drafts titled Alpha, Beta, (none), Delta, Epsilon, Alpha

    def create(self, services: Services, title: str) -> str:
        if self.entity == "meeting":
            starts = datetime.combine(date.today() + timedelta(days=7), datetime.min.time(),
                                      tzinfo=UTC)
            return services.meetings.create(MeetingData(
                title=title, starts_at=starts, time_zone="America/Chicago")).id or ""
        return services.proposals.create(ProposalData(title=title)).id or ""


KINDS = {
    "meetings": Kind(
        MeetingsView, "meeting",
        ["Elsewhere", "Series", "Kind", "Consortia", "People", "Open items"], {"Kind"},
        "notes", "Coordinator closed while meetings were being edited. Unsaved changes "
                 "were recovered for “Alpha”, “Beta”, “a new meeting” and 2 more."),
    "proposals": Kind(
        ProposalsView, "proposal",
        ["Status", "Lead organization", "Partners", "Consortia", "Funder", "Requested", "Due",
         "Owner"], {"Partners", "Owner"},
        "section:s1", "Coordinator closed while proposals were being edited. Unsaved "
                      "changes were recovered for “Alpha”, “Beta”, “a new proposal” and 2 "
                      "more."),
}


@pytest.fixture(params=list(KINDS))
def kind(request: pytest.FixtureRequest) -> Kind:
    return KINDS[request.param]


@pytest.fixture
def drafts(tmp_path: Path) -> DraftStore:
    return DraftStore(tmp_path / "drafts.json")


def open_view(qtbot, ctx: AppContext, drafts: DraftStore, kind: Kind,  # type: ignore[no-untyped-def]
              rows: int = 0) -> PlanningView:  # type: ignore[type-arg]
    """The kind's view over `drafts`, once it shows `rows` rows."""
    view = kind.view(ctx, drafts=drafts)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == rows, timeout=5000)
    return view


@pytest.fixture
def make_view(qtbot, ctx: AppContext, drafts: DraftStore, kind: Kind):  # type: ignore[no-untyped-def]
    """make_view(rows=0) -> `open_view` for the test's kind of view."""
    return lambda rows=0: open_view(qtbot, ctx, drafts, kind, rows)


@pytest.fixture
def status_messages(ctx: AppContext) -> list[str]:
    seen: list[str] = []
    ctx.status_message.connect(lambda text, _ms: seen.append(text))
    return seen


def popup_after(trigger: Callable[[], None]) -> QMenu:
    """Run `trigger`, which pops up a menu, and close that menu as soon as it shows
    (it would wait for a click); returns the menu (still alive: the view owns it)."""
    shown: list[QMenu] = []

    def close_popup() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:  # not up yet
            QTimer.singleShot(10, close_popup)
            return
        shown.append(menu)
        menu.close()

    QTimer.singleShot(0, close_popup)
    trigger()
    assert len(shown) == 1 and isinstance(shown[0], QMenu)
    return shown[0]


def test_header_menu_shows_and_hides_columns(make_view, kind):
    view = make_view()
    header = view.table.horizontalHeader()
    headers = view.model.HEADERS
    # WHEN the user right-clicks the header
    menu = popup_after(lambda: header.customContextMenuRequested.emit(QPoint(5, 5)))
    actions = {a.text(): a for a in menu.actions()}
    # THEN every column but the fixed ones is offered, ticked when it is shown
    assert list(actions) == kind.offered
    assert {t for t, a in actions.items() if not a.isChecked()} == kind.hidden
    assert {headers[c] for c in range(len(headers)) if view.table.isColumnHidden(c)} == \
        kind.hidden
    # AND ticking shows a hidden column, unticking hides one
    first_hidden = sorted(kind.hidden)[0]
    actions[first_hidden].trigger()
    assert not view.table.isColumnHidden(headers.index(first_hidden))
    actions["Consortia"].trigger()
    assert view.table.isColumnHidden(headers.index("Consortia"))
    actions["Consortia"].trigger()
    assert not view.table.isColumnHidden(headers.index("Consortia"))


def test_no_recovered_drafts_no_offer(make_view):
    assert make_view().recovery.isHidden()


def test_recovered_drafts_offered_then_discarded(make_view, kind, drafts):
    for i, title in enumerate(["Alpha", "Beta", "", "Delta", "Epsilon", "Alpha"]):
        drafts.put(DraftKey(kind.entity, f"new:{i}", kind.draft_field), f"text {i}",
                   record_title=title)
    view = make_view()
    assert not view.recovery.isHidden()
    assert view.recovery.label.text() == kind.recovery_text
    assert view.recovery.use_button.text() == "Open to review"
    view.recovery.discard_button.click()
    assert view.recovery.isHidden()
    assert drafts.for_entity(kind.entity) == []


def test_recovered_draft_of_a_deleted_record_is_dropped(make_view, kind, drafts, services):
    gone = kind.create(services, "Gone")
    getattr(services, f"{kind.entity}s").delete(gone)
    drafts.put(DraftKey(kind.entity, gone, kind.draft_field), "lost", record_title="Gone")
    view = make_view()
    assert view.open_recovered() == []
    assert view.recovery.isHidden()
    assert drafts.for_entity(kind.entity) == []


def test_one_editor_window_per_record(qtbot, make_view, kind, services, status_messages):
    record_id = kind.create(services, "Water board call")
    view = make_view(rows=1)
    # double-clicking the row opens its editor as a window of its own
    view.table.doubleClicked.emit(view.table.model().index(0, 1))
    editor = view.editors[record_id]
    assert editor.isWindow() and editor.isVisible()
    assert editor.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # opening it again brings the same window forward
    assert view.open_record(record_id) is editor
    # a record gone to Trash says so instead of opening
    assert view.open_record("no-such-id") is None
    assert status_messages == [f"That {kind.entity} is no longer there (in Trash?)."]
    editor.close()
    qtbot.waitUntil(lambda: record_id not in view.editors, timeout=3000)


def test_new_record_opens_a_window(make_view):
    view = make_view()
    editor = view.new_record()
    assert editor.isWindow() and editor.isVisible()
    assert editor.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    assert editor.parent() is view
    editor.close()


def test_editor_links_open_through_the_view(qtbot, ctx, drafts, services):
    meetings, proposals = KINDS["meetings"], KINDS["proposals"]
    first = proposals.create(services, "Curb data")
    second = proposals.create(services, "Smart water")
    view = open_view(qtbot, ctx, drafts, proposals, rows=2)
    view.open_record(first).open_link.emit("proposal", second)
    assert second in view.editors
    meeting = meetings.create(services, "Kick-off")
    view = open_view(qtbot, ctx, drafts, meetings, rows=1)
    view.new_record().open_meeting.emit(meeting)
    assert meeting in view.editors


def test_delete_selected_moves_to_trash(qtbot, make_view, kind, services, status_messages):
    ids = {kind.create(services, title) for title in ("One", "Two", "Three")}
    view = make_view(rows=3)
    view.delete_selected()  # nothing selected: nothing happens
    assert status_messages == []
    view.table.selectRow(0)
    [one] = view.selected_ids()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.delete_selected()
    assert status_messages == [f"Moved 1 {kind.entity} to Trash. Undo with Ctrl+Z."]
    assert view.model.rowCount() == 2
    view.table.selectAll()
    assert set(view.selected_ids()) == ids - {one}
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.delete_selected()
    assert status_messages[-1] == f"Moved 2 {kind.entity}s to Trash. Undo with Ctrl+Z."
    assert view.model.rowCount() == 0
    assert not getattr(services, f"{kind.entity}s").exists(one)
