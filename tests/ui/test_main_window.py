"""The main window: global search, restored state, Trash, welcome page, counts, menus."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from coordinator.services import SearchResults
from coordinator.services.records import ContactData, EmailData
from ui.app import settle
from ui.views.registry import VIEWS


def test_sidebar_lists_every_view_with_counts(sample_ctx, make_window) -> None:
    window = make_window(sample_ctx)
    assert list(window.sidebar_items) == list(VIEWS)
    stats = sample_ctx.services.stats()["counts"]
    assert window.sidebar_items["contacts"].text(1) == f"{stats['contact']:,}"
    assert window.sidebar_items["organizations"].text(1) == f"{stats['organization']:,}"
    assert window.sidebar_items["consortia"].text(1) == "7"
    assert f"{stats['contact']:,} contacts" in window.counts_label.text()
    assert window.db_label.text() == sample_ctx.db_path.name
    for name in VIEWS:  # every view opens
        assert window.show_view(name) is window.stack.currentWidget()
        settle(sample_ctx)


def test_search_finds_contact_by_two_letter_prefix_and_opens_it(
        sample_ctx, make_window, qtbot) -> None:
    contact = sample_ctx.services.contacts.create(ContactData(
        given_name="Qzofia", family_name="Brandt", emails=[EmailData("qz@example.org")]))
    window = make_window(sample_ctx)
    window.show_view("organizations")
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()

    with qtbot.waitSignal(window.search.results_shown, timeout=5000):
        qtbot.keyClicks(window.search, "qz")
    popup = window.search.popup
    assert popup.isVisible()
    titles = [item.text(0) for item in popup.hit_items()]
    assert "Qzofia Brandt" in titles
    groups = [popup.tree.topLevelItem(i).text(0) for i in range(popup.tree.topLevelItemCount())]
    assert groups[0] == "Contacts"

    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    settle(sample_ctx)
    assert window.current_view == "contacts"
    view = window.pages["contacts"]
    assert view.selected_ids() == [contact.id]
    assert not popup.isVisible()


def test_a_late_search_result_never_replaces_a_newer_one(sample_ctx, make_window,
                                                          qtbot) -> None:
    window = make_window(sample_ctx)
    box = window.search
    box.setFocus()
    box.setText("city")
    box._in_flight = "ci"
    box._on_results(SearchResults(query="ci"))  # an older query finishing late
    assert not box.popup_visible()  # not shown: the box now says "city"
    with qtbot.waitSignal(box.results_shown, timeout=5000) as shown:
        pass  # the late result started the current query instead
    assert shown.args == ["city"]


def test_find_shortcuts_are_standard(sample_ctx, make_window) -> None:
    window = make_window(sample_ctx)
    shortcuts = window.find_action.shortcuts()
    assert QKeySequence(QKeySequence.StandardKey.Find) in shortcuts
    assert QKeySequence("Ctrl+K") in shortcuts
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Help"]


def test_state_is_restored_after_restart(sample_ctx, make_window, ui_settings, qtbot) -> None:
    window = make_window(sample_ctx)
    window.resize(760, 560)  # within the offscreen screen, which restoreGeometry respects
    view = window.show_view("organizations")
    settle(sample_ctx)
    header = view.table.horizontalHeader()
    # The user drags the right edge of the Name column to 333 px.
    edge = header.sectionViewportPosition(0) + header.sectionSize(0) - 1
    y = header.height() // 2
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, y))
    qtbot.mouseMove(header.viewport(), QPoint(edge + 333 - header.sectionSize(0), y))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton,
                       pos=QPoint(edge + 333 - header.sectionSize(0), y))
    assert header.sectionSize(0) == 333
    header.moveSection(3, 1)  # City before Sector
    view.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    view.splitter.setSizes([300, 250])
    window.splitter.setSizes([230, 520])
    splitter_sizes = view.splitter.sizes()
    main_sizes = window.splitter.sizes()
    size = (window.width(), window.height())  # the width stops at the window's minimum
    window.close()

    # A new window reading the same settings file comes back as it was left.
    sample_ctx.settings = QSettings(ui_settings.fileName(), QSettings.Format.IniFormat)
    again = make_window(sample_ctx, size=None)
    assert again.current_view == "organizations"
    assert (again.width(), again.height()) == size
    assert again.height() == 560
    assert again.splitter.sizes() == main_sizes
    view2 = again.pages["organizations"]
    header2 = view2.table.horizontalHeader()
    assert header2.sectionSize(0) == 333
    assert header2.visualIndex(3) == 1
    assert header2.sortIndicatorSection() == 3
    assert header2.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert view2.model.sort_state() == (3, Qt.SortOrder.DescendingOrder)
    cities = [view2.model.organization(r).city for r in range(5)]
    assert cities == sorted(cities, reverse=True)
    assert view2.splitter.sizes() == splitter_sizes


def test_trash_restores_with_undo_and_purges_after_confirming(
        sample_ctx, make_window, modal) -> None:
    services = sample_ctx.services
    victim = services.contacts.list(limit=1).rows[0]
    services.contacts.delete(victim.id)
    window = make_window(sample_ctx)
    trash = window.show_view("trash")
    settle(sample_ctx)
    assert trash.model.rowCount() == 1
    assert window.sidebar_items["trash"].text(1) == "1"

    trash.table.selectRow(0)
    trash.restore_button.click()
    settle(sample_ctx)
    assert services.contacts.exists(victim.id)
    assert trash.model.rowCount() == 0 and trash.empty.isVisible()
    window.undo_action.trigger()  # back to Trash
    settle(sample_ctx)
    assert trash.model.rowCount() == 1

    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    modal.drivers["QMessageBox"] = lambda box: box.button(answers.pop(0)).click()
    trash.table.selectRow(0)
    window.delete_action.trigger()  # Edit ▸ Delete in Trash = delete for good
    assert trash.model.rowCount() == 1  # cancelled: nothing purged
    trash.purge_button.click()
    settle(sample_ctx)
    assert trash.model.rowCount() == 0
    assert services.trash.list() == []
    assert not services.contacts.exists(victim.id)


def test_welcome_page_loads_the_sample_coalition(ctx, make_window, qtbot) -> None:
    window = make_window(ctx)
    assert window.stack.currentWidget() is window.welcome
    welcome = window.welcome
    with qtbot.waitSignal(welcome.finished, timeout=30_000):
        welcome.load_sample(contacts=60)
    settle(ctx)
    assert window.current_view == "home"  # the database has data now: Home comes first
    window.show_view("contacts")
    settle(ctx)
    assert window.pages["contacts"].model.rowCount() == 60
    assert ctx.services.contacts.count() == 60
    # Once dismissed, the welcome page does not come back for this database.
    assert not window._should_welcome()


def test_where_is_my_data_shows_the_path(sample_ctx, make_window) -> None:
    window = make_window(sample_ctx)
    box = window.where_is_my_data()
    assert str(sample_ctx.db_path) in box.text()
    assert any(b.text() == "Open Folder" for b in box.buttons())
    box.close()


def test_consortia_view_shows_members_and_links_to_contacts(sample_ctx, make_window) -> None:
    window = make_window(sample_ctx)
    view = window.show_view("consortia")
    settle(sample_ctx)
    consortium = sample_ctx.services.consortia.list()[0]
    assert view.current_id() == consortium.id
    assert view.orgs.rowCount() == consortium.organization_count
    assert consortium.name in view.detail.toPlainText()
    view.show_contacts.click()
    settle(sample_ctx)
    contacts = window.pages["contacts"]
    assert window.current_view == "contacts"
    assert contacts.model.rowCount() == consortium.contact_count


def test_controls_have_accessible_names_and_take_keyboard_focus(sample_ctx, make_window) -> None:
    from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QLineEdit

    window = make_window(sample_ctx)
    roots = [window.sidebar, window.search]
    for name in ("contacts", "organizations", "consortia", "trash"):
        roots.append(window.show_view(name))
        settle(sample_ctx)
    unnamed, unfocusable = [], []

    def inside_combo(widget) -> bool:
        parent = widget.parent()
        while parent is not None:
            if isinstance(parent, QComboBox):
                return True
            parent = parent.parent()
        return False

    for root in roots:
        widgets = [root, *root.findChildren(QLineEdit), *root.findChildren(QComboBox),
                   *root.findChildren(QAbstractItemView)]
        for widget in widgets:
            if not isinstance(widget, QLineEdit | QComboBox | QAbstractItemView) or \
                    isinstance(widget, QHeaderView) or inside_combo(widget):
                continue
            if not widget.accessibleName():
                unnamed.append(f"{type(widget).__name__} in {type(root).__name__}")
            if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
                unfocusable.append(f"{type(widget).__name__} in {type(root).__name__}")
    assert unnamed == []
    assert unfocusable == []
    # The first nine views are reachable with Ctrl+1 … Ctrl+9.
    for number, name in enumerate(list(window.view_actions)[:9], start=1):
        assert window.view_actions[name].shortcut().toString() == f"Ctrl+{number}"


def test_recovered_drafts_are_offered_at_start(sample_ctx, make_window) -> None:
    """After a crash the window opens on the view whose bar offers the text back."""
    from ui.kit.drafts import DraftKey, DraftStore

    DraftStore.forget_shared()
    store = DraftStore.shared()
    store.put(DraftKey("meeting", "m-unsaved", "notes"), "Decided: ship the pilot",
              label="Notes", record_title="Kick-off")
    store.wait()
    DraftStore.forget_shared()  # as after a restart (the store lives in this test's home)
    try:
        window = make_window(sample_ctx)
        assert window.current_view == "meetings"
        assert "Recovered 1 unsaved text" in window.statusBar().currentMessage()
    finally:
        DraftStore.forget_shared()
