"""The members views' tag filter: a list of the tags in use, kept current, with typing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from coordinator.services import ContactFilter
from coordinator.services.records import ContactData
from ui.app import settle


def items(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_lists_tags_in_use_and_filters_by_the_one_picked(sample_ctx, make_window, qtbot) -> None:
    services = sample_ctx.services
    window = make_window(sample_ctx)
    view = window.show_view("contacts")
    settle(sample_ctx)
    in_use = services.tags.in_use("contact")
    assert in_use and items(view.tag) == in_use
    assert view.tag.tag_text() == ""  # nothing picked: every contact shows
    total = view.model.rowCount()

    # WHEN a tag is picked from the list
    view.tag.setCurrentIndex(0)
    view.tag.activated.emit(0)
    settle(sample_ctx)
    # THEN only its contacts show, as many as the service counts
    expected = services.contacts.count(ContactFilter(tag=in_use[0]))
    assert 0 < view.model.rowCount() == expected < total
    assert view.model.contact_filter.tag == in_use[0]

    # WHEN filters are cleared, the list of tags stays
    view.clear_filters()
    assert view.tag.tag_text() == "" and items(view.tag) == in_use


def test_typing_a_tag_filters_case_and_accent_insensitively(sample_ctx, make_window,
                                                           qtbot) -> None:
    services = sample_ctx.services
    window = make_window(sample_ctx)
    view = window.show_view("contacts")
    settle(sample_ctx)
    tag = services.tags.in_use("contact")[0]
    view.tag.setFocus()
    qtbot.keyClicks(view.tag.lineEdit(), tag.upper())
    qtbot.waitUntil(lambda: view.model.contact_filter.tag == tag.upper())
    settle(sample_ctx)
    assert view.model.rowCount() == services.contacts.count(ContactFilter(tag=tag))

    qtbot.keyClicks(view.tag.lineEdit(), "zz")  # no tag has this name
    qtbot.waitUntil(lambda: view.model.contact_filter.tag == tag.upper() + "zz")
    settle(sample_ctx)
    assert view.model.rowCount() == 0
    assert view.empty_state.title.text() == "No contacts match the filter"


def test_a_new_tag_appears_without_losing_what_is_typed(sample_ctx, make_window,
                                                        qtbot) -> None:
    services = sample_ctx.services
    window = make_window(sample_ctx)
    view = window.show_view("contacts")
    organizations = window.show_view("organizations")
    settle(sample_ctx)
    qtbot.keyClicks(view.tag.lineEdit(), "Zeb")

    services.contacts.create(ContactData(given_name="Zara", family_name="Ng",
                                         tags=["Zebra crossings"]))
    qtbot.waitUntil(lambda: "Zebra crossings" in items(view.tag))
    assert view.tag.lineEdit().text() == "Zeb"
    # a contact's tag is not offered for organizations
    settle(sample_ctx)
    assert "Zebra crossings" not in items(organizations.tag)
    assert items(organizations.tag) == services.tags.in_use("organization")


def test_the_picker_is_reachable_and_named(sample_ctx, make_window) -> None:
    window = make_window(sample_ctx)
    view = window.show_view("contacts")
    assert view.tag.accessibleName() == "Filter by tag"
    assert view.tag.focusPolicy() & Qt.FocusPolicy.TabFocus
