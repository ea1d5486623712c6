"""Empty views say what they hold and offer the first record; a filter that hides
everything offers to clear it; counts agree with their nouns; the filter bars use the
same words in the same order in every view."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

from coordinator.services.records import ContactData, OrganizationData
from ui.app import settle

PLANNING = {
    "proposals": ("No proposals yet", "New proposal (Ctrl+N)", "ProposalEditor"),
    "meetings": ("No meetings yet", "New meeting (Ctrl+N)", "MeetingEditor"),
    "actions": ("No action items yet", "New meeting (Ctrl+N)", "MeetingEditor"),
}


def _shoot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("COORDINATOR_SHOTS")
    if folder:
        widget.grab().save(os.path.join(folder, f"{name}.png"))


def _loaded(view, ctx) -> None:
    settle(ctx)
    QApplication.processEvents()


def _open_windows(kind: str) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets()
            if type(w).__name__ == kind and w.isVisible()]


@pytest.mark.parametrize("name", list(PLANNING))
def test_an_empty_view_says_what_it_holds_and_offers_the_first(
        ctx, make_window, qtbot, name) -> None:
    title, button, editor_kind = PLANNING[name]
    window = make_window(ctx)
    view = window.show_view(name)
    _loaded(view, ctx)
    state = view.empty_state
    assert state.isVisible()
    assert state.title.text() == title
    assert state.text.text()  # what the view is for, in a sentence
    assert state.button.text() == button
    # laid over the empty grid, not beside it
    table_at = QRect(view.table.mapTo(view, QPoint(0, 0)), view.table.size())
    state_at = QRect(state.mapTo(view, QPoint(0, 0)), state.size())
    assert state_at.contains(table_at)
    _shoot(window, f"empty-{name}")
    before = len(_open_windows(editor_kind))
    state.button.click()
    assert len(_open_windows(editor_kind)) == before + 1
    for editor in _open_windows(editor_kind):
        editor.close()
    # Ctrl+N does the same from the window
    window.new_record_action.trigger()
    assert len(_open_windows(editor_kind)) == before + 1
    for editor in _open_windows(editor_kind):
        editor.close()


@pytest.mark.parametrize("name", list(PLANNING))
def test_a_filter_hiding_everything_offers_to_clear_it(
        sample_ctx, make_window, qtbot, name) -> None:
    window = make_window(sample_ctx)
    view = window.show_view(name)
    _loaded(view, sample_ctx)
    assert not view.empty_state.isVisible()
    qtbot.keyClicks(view.search, "zzqqxx")
    qtbot.waitUntil(lambda: view.empty_state.isVisible(), timeout=5000)
    noun = {"proposals": "proposals", "meetings": "meetings", "actions": "action items"}[name]
    assert view.empty_state.title.text() == f"No {noun} match the filter"
    assert view.empty_state.button.text() == "Clear filter"
    if name == "actions":  # the summary counts what the words leave shown
        assert view.summary.text().startswith("0 shown · ")
    _shoot(window, f"filtered-{name}")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.empty_state.button.click()
    _loaded(view, sample_ctx)
    assert view.search.text() == ""
    assert not view.empty_state.isVisible()
    assert view.table.model().rowCount() > 0


def test_counts_agree_with_their_nouns(ctx, make_window) -> None:
    services = ctx.services
    org = services.organizations.create(OrganizationData(name="Acme Mobility"))
    services.contacts.create(ContactData(given_name="Ada", organization_id=org.id))
    window = make_window(ctx)
    contacts = window.show_view("contacts")
    settle(ctx)
    assert contacts.count_label.text() == "1 contact"
    organizations = window.show_view("organizations")
    settle(ctx)
    assert organizations.count_label.text() == "1 organization"
    assert organizations.detail.empty_hint == "Select an organization to see everything about it."


def _filters(view: QWidget) -> list[QWidget]:
    """The view's filter widgets (combos and the text box), in reading order."""
    bar = [w for w in view.findChildren(QWidget)
           if isinstance(w, QComboBox | QLineEdit) and w.isVisible()
           and not isinstance(w.parentWidget(), QComboBox)
           and w.window() is view.window() and view.isAncestorOf(w)
           and not _in_table(view, w)]

    def where(w: QWidget) -> tuple[int, int]:
        p = w.mapTo(view, QPoint(0, 0))
        return (p.y() // 20, p.x())
    return sorted(bar, key=where)


def _in_table(view: QWidget, w: QWidget) -> bool:
    table = getattr(view, "table", None)
    detail = getattr(view, "detail", None)
    return any(t is not None and t.isAncestorOf(w) for t in (table, detail))


def _label(w: QWidget) -> str:
    if isinstance(w, QComboBox):
        if w.isEditable():
            return w.lineEdit().placeholderText()
        return w.itemText(0)
    return "text"


@pytest.mark.parametrize("name", ["contacts", "organizations", "proposals", "meetings",
                                  "actions"])
def test_filter_bars_share_words_and_order(sample_ctx, make_window, name) -> None:
    window = make_window(sample_ctx)
    view = window.show_view(name)
    settle(sample_ctx)
    labels = [_label(w) for w in _filters(view)]
    # the text filter first, its placeholder naming what it filters
    assert labels[0] == "text"
    text_box = _filters(view)[0]
    assert text_box.placeholderText().startswith("Filter ") and text_box.accessibleName()
    # every "no choice" entry reads "Any …"; statuses start on what is open
    for label in labels[1:]:
        assert label.startswith(("Any ", "Open ")), labels
    # consortium before the view's own filters, tag last
    if "Any consortium" in labels:
        first_other = min((i for i, t in enumerate(labels)
                           if t.startswith("Any ") and t != "Any consortium"), default=99)
        assert labels.index("Any consortium") < first_other, labels
    if "Any tag" in labels:
        assert labels[-1] == "Any tag", labels
    # New, where the view has one, sits first: left of the text filter
    new = getattr(view, "new_button", None)
    if new is not None:
        assert new.mapTo(view, QPoint(0, 0)).x() < text_box.mapTo(view, QPoint(0, 0)).x()
        assert "Ctrl+N" in new.toolTip()


def test_status_bar_counts_agree_with_their_nouns(ctx, make_window) -> None:
    services = ctx.services
    org = services.organizations.create(OrganizationData(name="Acme Mobility"))
    services.contacts.create(ContactData(given_name="Ada", organization_id=org.id))
    window = make_window(ctx)
    window.refresh_counts()
    settle(ctx)
    assert window.counts_label.text() == "1 contact · 1 organization · 0 proposals"


def test_section_and_item_counts_agree_with_their_nouns(qtbot, tmp_path) -> None:
    from coordinator.services.records import AgendaItemData, SectionData
    from ui.kit.drafts import DraftStore
    from ui.meetings.items import AgendaEditor
    from ui.proposals.sections import SectionsEditor

    sections = SectionsEditor(DraftStore(tmp_path / "drafts"), "new:x")
    qtbot.addWidget(sections)
    sections.set_sections([SectionData("Need", "One")])
    sections.list.setCurrentRow(0)
    words = sections.words_label.text()
    assert words.startswith("1 word in this section · 1 word in the only section"), words

    agenda = AgendaEditor()
    qtbot.addWidget(agenda)
    agenda.add_row(AgendaItemData("Welcome", None, 5))
    assert agenda.footer.text().startswith("1 item · "), agenda.footer.text()


@pytest.mark.parametrize(("name", "noun"), [("contacts", "contact"),
                                            ("organizations", "organization")])
def test_empty_member_views_offer_the_first_record(ctx, make_window, name, noun) -> None:
    window = make_window(ctx)
    view = window.show_view(name)
    settle(ctx)
    state = view.empty_state
    assert state.isVisible()
    assert state.title.text() == f"No {noun}s yet"
    assert state.button.text() == f"New {noun} (Ctrl+N)"
    _shoot(window, f"empty-{name}")
    state.button.click()
    assert view.dialog is not None and view.dialog.isVisible()
    view.dialog.reject()


def test_the_empty_state_covers_the_table_exactly(ctx, make_window) -> None:
    window = make_window(ctx)
    for name in ("organizations", "contacts", "proposals", "meetings", "actions"):
        view = window.show_view(name)
        settle(ctx)
        QApplication.processEvents()
        covered = view.empty_state.covered
        assert view.empty_state.geometry() == covered.geometry(), name
        assert view.empty_state.parentWidget() is covered.parentWidget(), name


def test_proposal_board_is_not_covered_when_only_the_status_filter_hides_rows(
        ctx, make_window, qtbot) -> None:
    from coordinator.services.records import ProposalData

    ctx.services.proposals.create(ProposalData(title="Smart Corridors", status="drafting"))
    window = make_window(ctx)
    view = window.show_view("proposals")
    _loaded(view, ctx)
    assert not view.empty_state.isVisible()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.status_filter.setCurrentIndex(view.status_filter.findData("submitted"))
    assert view.empty_state.isVisible()  # the table: nothing is submitted
    assert view.empty_state.title.text() == "No proposals match the filter"
    view.board_button.click()
    assert not view.empty_state.isVisible()  # the board shows every status
    view.table_button.click()
    assert view.empty_state.isVisible()
