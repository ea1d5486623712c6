"""Proposals view and editor: coverage, quick status change, drafts recovered after a
crash, overdue/amber due dates."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from coordinator.services import Services
from coordinator.services.records import PartnerData, ProposalData, SectionData
from ui.context import AppContext
from ui.kit.drafts import DraftKey, DraftStore
from ui.kit.formatting import format_money
from ui.kit.markdown import render_markdown
from ui.kit.roles import COVERAGE_ROLE, DUE_STATE_ROLE
from ui.proposals.editor import ProposalEditor
from ui.proposals.model import ProposalTableModel, due_state
from ui.proposals.view import ProposalsView


def make_view(qtbot, ctx: AppContext) -> ProposalsView:  # type: ignore[no-untyped-def]
    view = ProposalsView(ctx)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 or view.summary_label.text() != "",
                    timeout=5000)
    return view


def three_partner_proposal(services: Services, coalition, **extra) -> ProposalData:  # type: ignore[no-untyped-def]
    return services.proposals.create(ProposalData(
        title="Curb data for freight", funder="US DOT", amount_minor=125_000_000,
        partners=[PartnerData(coalition.orgs["NTXIA"], "lead"),
                  PartnerData(coalition.orgs["CSCA"], "partner"),
                  PartnerData(coalition.orgs["SNF"], "advisor")],
        sections=[SectionData("Approach", "We will *pilot* curb sensors.")], **extra))


def test_three_partners_from_three_consortia_show_coverage_3(qtbot, ctx, services, coalition):
    # GIVEN a proposal whose three partners belong to NTXIA, CSCA and SNF
    three_partner_proposal(services, coalition)
    # WHEN the Proposals view loads
    view = make_view(qtbot, ctx)
    # THEN its row shows 3 of the 7 consortia covered
    index = view.model.index(0, ProposalTableModel.CONSORTIA)
    assert index.data() == "3/7"
    assert len(index.data(COVERAGE_ROLE)) == 3
    assert "Colorado Smart Cities Alliance" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_editor_coverage_follows_partners_live(qtbot, ctx, services, coalition):
    proposal = three_partner_proposal(services, coalition)
    editor = ProposalEditor(ctx, proposal.id)
    qtbot.addWidget(editor)
    assert editor.partners.coverage.count == 3
    assert editor.partners.coverage.text() == "3 of 7 consortia"
    # adding a partner from a fourth consortium updates the coverage at once
    assert editor.partners.add_partner(coalition.orgs["KCDD"], "letter_of_support")
    assert editor.partners.coverage.count == 4
    # the same organization twice is refused
    assert not editor.partners.add_partner(coalition.orgs["KCDD"])
    editor.partners.table.selectRow(0)
    editor.partners.remove_selected()
    assert editor.partners.coverage.count == 3
    assert editor.dirty
    assert editor.save()
    saved = services.proposals.get(proposal.id)
    assert {p.consortium_short_name for p in saved.partners} == {"CSCA", "SNF", "KCDD"}
    assert [p.role for p in saved.partners][-1] == "letter_of_support"


def test_status_change_from_board_and_quick_action_is_saved(qtbot, ctx, services, coalition):
    proposal = three_partner_proposal(services, coalition)
    view = make_view(qtbot, ctx)
    assert view.board.card_ids("idea") == [proposal.id]
    # WHEN the card is moved to "Drafting" on the board (what a drop does)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.board.move_requested.emit(proposal.id, "drafting")
    # THEN it is saved and the board shows it in its new column
    assert services.proposals.get(proposal.id).status == "drafting"
    assert view.board.card_ids("drafting") == [proposal.id]
    # AND the quick action on the selected table row works too
    view.table.selectRow(0)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.set_status_of_selected("submitted")
    assert services.proposals.get(proposal.id).status == "submitted"
    assert view.model.index(0, ProposalTableModel.STATUS).data() == "Submitted"


def test_filters_run_through_the_service(qtbot, ctx, services, coalition):
    three_partner_proposal(services, coalition, tags=["freight"])
    services.proposals.create(ProposalData(title="Broadband for rural libraries",
                                           funder="NTIA", status="drafting",
                                           partners=[PartnerData(coalition.orgs["KCDD"])]))
    view = make_view(qtbot, ctx)
    assert view.model.rowCount() == 2
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.consortium_filter.setCurrentIndex(view.consortium_filter.findText("KCDD"))
    assert [p.title for p in view.model.rows()] == ["Broadband for rural libraries"]
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.consortium_filter.setCurrentIndex(0)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.tag_filter.setCurrentIndex(view.tag_filter.findData("freight"))
    assert [p.title for p in view.model.rows()] == ["Curb data for freight"]
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.tag_filter.setCurrentIndex(0)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.funder_filter.setCurrentIndex(view.funder_filter.findData("NTIA"))
    assert [p.title for p in view.model.rows()] == ["Broadband for rural libraries"]


def test_due_dates_overdue_red_and_soon_amber(qtbot, ctx, services):
    today = date.today()
    services.proposals.create(ProposalData(title="Late", status="drafting",
                                           due_date=today - timedelta(days=2)))
    services.proposals.create(ProposalData(title="Soon", due_date=today + timedelta(days=10)))
    services.proposals.create(ProposalData(title="Later", due_date=today + timedelta(days=40)))
    services.proposals.create(ProposalData(title="Sent", status="submitted",
                                           due_date=today - timedelta(days=5)))
    view = make_view(qtbot, ctx)
    states = {p.title: view.model.index(i, ProposalTableModel.DUE).data(DUE_STATE_ROLE)
              for i, p in enumerate(view.model.rows())}
    assert states == {"Late": "overdue", "Soon": "soon", "Later": "", "Sent": ""}
    late = view.model.rows().index(next(p for p in view.model.rows() if p.title == "Late"))
    brush = view.model.index(late, ProposalTableModel.DUE).data(Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == "#b71c1c"
    assert due_state(today + timedelta(days=14), "idea", today) == "soon"
    assert due_state(today + timedelta(days=15), "idea", today) == ""


def test_money_is_formatted_with_its_currency():
    assert format_money(125_000_000, "USD") == "$1,250,000"
    assert format_money(1_050, "EUR") == "€10.50"
    assert format_money(0, "CAD") == "CA$0"


def test_section_recovered_after_a_crash(qtbot, ctx, services, coalition):
    # GIVEN an editor in which a section is being typed
    proposal = three_partner_proposal(services, coalition)
    store = DraftStore.shared()
    editor = ProposalEditor(ctx, proposal.id, drafts=store)
    qtbot.addWidget(editor)
    editor.sections.autosaver._timer.setInterval(50)
    qtbot.keyClicks(editor.sections.body.editor, " Then scale to 40 curbs.")
    typed = editor.sections.body.text()
    # WHEN the autosave fires and the app dies without saving (no close, no cleanup)
    qtbot.waitUntil(lambda: store.get(DraftKey("proposal", proposal.id, "section:"
                                               + editor.sections.sections[0].id)) is not None,
                    timeout=3000)
    store.wait()
    editor.sections.autosaver.stop()
    DraftStore.forget_shared()  # the next start reads the file from disk
    path = store.path
    assert path.stat().st_mode & 0o777 == 0o600
    assert services.proposals.get(proposal.id).sections[0].body == "We will *pilot* curb sensors."
    # THEN at the next start the view offers the recovered text
    fresh = DraftStore.shared()
    assert fresh is not store
    view = ProposalsView(ctx, drafts=fresh)
    qtbot.addWidget(view)
    assert not view.recovery.isHidden()
    assert "Curb data for freight" in view.recovery.label.text()
    editors = view.open_recovered()
    assert len(editors) == 1
    recovered = editors[0]
    assert recovered.sections.sections[0].body == typed
    assert recovered.dirty
    # AND saving stores the text and clears the draft store
    assert recovered.save()
    fresh.wait()
    assert services.proposals.get(proposal.id).sections[0].body == typed
    assert fresh.for_record("proposal", proposal.id) == []
    assert DraftStore(path).all() == []
    recovered.dirty = False
    recovered.close()


def test_sections_add_reorder_remove_and_preview(qtbot, ctx, services):
    editor = ProposalEditor(ctx, None)
    qtbot.addWidget(editor)
    editor.title_edit.setText("Smart water metering")
    first = editor.sections.add_section("Problem")
    editor.sections.body.editor.setPlainText("# Leaks\n\n<script>alert(1)</script> **big**")
    editor.sections.body.update_preview()
    # raw HTML is shown as text, never interpreted (markdown-it with html disabled)
    assert "<script>alert(1)</script>" in editor.sections.body.preview.toPlainText()
    assert "<script>" not in render_markdown("<script>alert(1)</script>")
    assert "Leaks" in editor.sections.body.preview.toPlainText()
    editor.sections.add_section("Approach")
    editor.sections.move_current(-1)
    assert [s.heading for s in editor.sections.value()] == ["Approach", "Problem"]
    assert editor.save()
    saved = services.proposals.get(editor.proposal_id)
    assert [s.heading for s in saved.sections] == ["Approach", "Problem"]
    assert saved.sections[1].id == first.id
    editor.sections.list.setCurrentRow(0)
    editor.sections.remove_current()
    assert editor.save()
    assert [s.heading for s in services.proposals.get(editor.proposal_id).sections] == [
        "Problem"]


def test_status_change_is_undoable(qtbot, ctx, services, coalition):
    from PySide6.QtGui import QUndoStack

    proposal = three_partner_proposal(services, coalition)
    ctx.undo_stack = QUndoStack()
    view = make_view(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.set_status(proposal.id, "internal_review")
    assert services.proposals.get(proposal.id).status == "internal_review"
    ctx.undo_stack.undo()
    assert services.proposals.get(proposal.id).status == "idea"
    ctx.undo_stack.redo()
    assert services.proposals.get(proposal.id).status == "internal_review"


def test_lead_and_owner_picked_by_typing(qtbot, ctx, services, coalition):
    editor = ProposalEditor(ctx, None)
    qtbot.addWidget(editor)
    editor.show()
    editor.title_edit.setText("Heat resilience sensors")
    editor.lead_picker.setFocus()
    qtbot.keyClicks(editor.lead_picker, "Mesa")
    qtbot.waitUntil(lambda: len(editor.lead_picker.choices()) == 1, timeout=5000)
    editor.lead_picker._on_activated(editor.lead_picker._model.stringList()[0])
    assert editor.lead_picker.value() == coalition.orgs["Connective"]
    # a name typed but never picked is not saved silently
    qtbot.keyClicks(editor.owner_picker, "Nobody at all")
    assert editor.owner_picker.value() is None
    assert not editor.save()
    assert "owner" in editor.problems_label.text()
    editor.owner_picker.set_value(coalition.people["SNF"], "Grace Liu")
    assert editor.save()
    saved = services.proposals.get(editor.proposal_id)
    assert saved.lead_organization_name == "City of Mesa"
    assert saved.owner_name == "Grace Liu"


def test_prepare_document_from_the_proposals_view(qtbot, ctx, services, monkeypatch):  # type: ignore[no-untyped-def]
    import ui.briefing.actions as briefing_actions

    calls: list[str] = []
    monkeypatch.setattr(briefing_actions, "prepare_proposal_document",
                        lambda _ctx, proposal_id, _parent: calls.append(proposal_id))
    proposal = services.proposals.create(ProposalData(title="Curb data", status="drafting"))
    view = make_view(qtbot, ctx)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    assert not view.document_button.isEnabled()
    view.table.selectRow(0)
    assert view.document_button.isEnabled()
    view.document_button.click()
    assert calls == [proposal.id]
