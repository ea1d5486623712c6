"""Action items view: overdue items listed and counted; mark done inline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt

from coordinator.services.records import ActionItemData, MeetingData, ProposalData
from ui.actions.model import OVERDUE_ROLE, ActionItemModel
from ui.actions.view import ActionItemsView
from ui.proposals.links import linked_records


def _meeting_with_items(services, coalition):  # type: ignore[no-untyped-def]
    today = date.today()
    proposal = services.proposals.create(ProposalData(title="Curb data"))
    return services.meetings.create(MeetingData(
        title="Monthly call", series_name="Monthly", time_zone="America/Chicago",
        starts_at=datetime.now(UTC) - timedelta(days=30),
        action_items=[
            ActionItemData("Send the budget", coalition.people["KCDD"],
                           today - timedelta(days=3), proposal_id=proposal.id),
            ActionItemData("Book the room", coalition.people["SNF"], today + timedelta(days=5)),
            ActionItemData("Old and done", coalition.people["SNF"], today - timedelta(days=9),
                           status="done"),
        ])), proposal


def test_overdue_items_listed_and_counted(qtbot, ctx, services, coalition):
    _meeting_with_items(services, coalition)
    view = ActionItemsView(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.count_changed, timeout=5000) as blocker:
        pass
    assert blocker.args == [1]
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)  # open ones
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.overdue_check.setChecked(True)
    assert [a.text for a in view.model.rows()] == ["Send the budget"]
    index = view.model.index(0, ActionItemModel.DUE)
    assert index.data(OVERDUE_ROLE) is True
    assert "3 d late" in index.data()
    assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b71c1c"
    assert view.model.index(0, ActionItemModel.PROPOSAL).data() == "Curb data"


def test_mark_done_inline(qtbot, ctx, services, coalition):
    _meeting_with_items(services, coalition)
    view = ActionItemsView(ctx)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    row = next(i for i, a in enumerate(view.model.rows()) if a.text == "Send the budget")
    item_id = view.model.rows()[row].id
    source = view.model.index(row, ActionItemModel.DONE)
    with qtbot.waitSignal(view.count_changed, timeout=5000) as blocker:
        assert view.model.setData(source, Qt.CheckState.Checked.value,
                                  Qt.ItemDataRole.CheckStateRole)
    assert services.actions.get(item_id).status == "done"
    assert blocker.args == [0]
    qtbot.waitUntil(lambda: all(a.id != item_id for a in view.model.rows()), timeout=5000)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.status_filter.setCurrentIndex(view.status_filter.findData("done"))
    assert {a.text for a in view.model.rows()} == {"Send the budget", "Old and done"}


def test_linked_records_for_contact_proposal_and_organization(services, coalition):
    meeting, proposal = _meeting_with_items(services, coalition)
    for_contact = linked_records(services, "contact", coalition.people["KCDD"])
    assert ("action_item", "Send the budget") in {(r.entity, r.title) for r in for_contact}
    for_proposal = linked_records(services, "proposal", proposal.id)
    assert {(r.entity, r.id) for r in for_proposal} >= {("meeting", meeting.id)}
    for_org = linked_records(services, "organization", coalition.orgs["SNF"])
    assert {r.title for r in for_org if r.entity == "action_item"} == {"Book the room",
                                                                       "Old and done"}
    assert linked_records(services, "contact", "missing") == []
