"""Columns stay readable: the meeting editor's child tables and the planning views size
each column to its content (a combo box's longest item, a due date's full text), every
column can be dragged wider, and the main text keeps room in a 1024x700 window."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QComboBox, QHeaderView, QTableView

from coordinator.services.records import (
    ActionItemData,
    AgendaItemData,
    AttendeeData,
    MeetingData,
)
from ui.actions.model import ActionItemModel
from ui.app import settle
from ui.meetings.editor import MeetingEditor
from ui.proposals.model import ProposalTableModel

Interactive = QHeaderView.ResizeMode.Interactive


def longest_item(box: QComboBox) -> int:
    metrics = box.fontMetrics()
    return max(metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count()))


def longest_text(table: QTableView, col: int) -> int:
    model, widest = table.model(), 0
    for row in range(model.rowCount()):
        index = model.index(row, col)
        font = index.data(Qt.ItemDataRole.FontRole)
        metrics = QFontMetrics(font if isinstance(font, QFont) else table.font())
        widest = max(widest, metrics.horizontalAdvance(str(index.data() or "")))
    return widest


def assert_resizable(table: QTableView, fixed: tuple[int, ...] = ()) -> None:
    header = table.horizontalHeader()
    modes = {col: header.sectionResizeMode(col) for col in range(header.count())
             if col not in fixed}
    assert set(modes.values()) == {Interactive}, modes


@pytest.fixture
def editor(qtbot, ctx, services, coalition) -> MeetingEditor:
    people = list(coalition.people.values())[:3]
    meeting = services.meetings.create(MeetingData(
        title="Mobility call", starts_at=datetime(2027, 3, 10, 15, 0, tzinfo=UTC),
        time_zone="America/Chicago",
        attendees=[AttendeeData(p, role="note_taker", rsvp="pending") for p in people],
        agenda=[AgendaItemData("Curb data pilot", people[0], 120)],
        action_items=[ActionItemData("Draft the MOU", owner_id=people[1],
                                     status="in_progress")]))
    widget = MeetingEditor(ctx, meeting.id)
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize("part", ["agenda", "attendees", "action_items"])
def test_editor_tables_fit_their_longest_choice_and_can_be_dragged(qtbot, editor, part):
    owner = getattr(editor, part)
    editor.tabs.setCurrentWidget(owner)
    QApplication.processEvents()
    table = owner.table
    assert_resizable(table)
    for row in range(table.rowCount()):
        for col in range(table.columnCount()):
            widget = table.cellWidget(row, col)
            if isinstance(widget, QComboBox):
                assert table.columnWidth(col) >= longest_item(widget) + 16, \
                    (part, col, widget.currentText())
            elif widget is not None and col > 0:  # dates, minutes: their whole text
                assert table.columnWidth(col) >= widget.sizeHint().width(), (part, col)
    # dragged wider it stays wider; dragged narrower than its content it springs back
    col = table.columnCount() - 1
    content = table.cellWidget(0, col).sizeHint().width()
    header = table.horizontalHeader()
    qtbot.mousePress(table.viewport(), Qt.MouseButton.LeftButton)  # a drag in progress
    header.resizeSection(col, content + 50)
    assert table.columnWidth(col) == content + 50
    header.resizeSection(col, 20)
    qtbot.mouseRelease(table.viewport(), Qt.MouseButton.LeftButton)
    assert table.columnWidth(col) >= content


def test_action_items_view_keeps_the_text_readable_at_1024(qtbot, sample_ctx, make_window):
    window = make_window(sample_ctx, size=(1024, 700))
    view = window.show_view("actions")
    settle(sample_ctx)
    assert view.model.rowCount() > 0
    assert view.table.columnWidth(ActionItemModel.TEXT) >= 200
    metrics = view.table.fontMetrics()
    assert view.table.columnWidth(ActionItemModel.TEXT) >= metrics.horizontalAdvance(
        "Circulate the draft letter")
    assert_resizable(view.table, fixed=(ActionItemModel.DONE,))


def test_proposals_due_and_funder_are_not_cut_at_1920(qtbot, sample_ctx, make_window):
    window = make_window(sample_ctx, size=(1920, 1080))
    view = window.show_view("proposals")
    settle(sample_ctx)
    table, m = view.table, ProposalTableModel
    for col in (m.DUE, m.FUNDER):
        assert table.columnWidth(col) >= longest_text(table, col), view.model.HEADERS[col]
    assert_resizable(table, fixed=(m.CONSORTIA,))


def test_proposal_partners_fit_their_role_and_commitment(qtbot, ctx, services, coalition):
    from coordinator.services.records import PartnerData, ProposalData
    from ui.proposals.editor import ProposalEditor

    proposal = services.proposals.create(ProposalData(
        title="Curb data", partners=[
            PartnerData(coalition.orgs["SNF"], role="letter_of_support",
                        commitment_minor=1_250_000_00),
            PartnerData(coalition.orgs["CSCA"], role="lead")]))
    editor = ProposalEditor(ctx, proposal.id)
    qtbot.addWidget(editor)
    editor.resize(1024, 700)
    editor.show()
    table = editor.partners.table
    assert_resizable(table)
    for row in range(table.rowCount()):
        role, amount = table.cellWidget(row, 2), table.cellWidget(row, 3)
        assert table.columnWidth(2) >= longest_item(role) + 16
        assert table.columnWidth(3) >= amount.sizeHint().width()
