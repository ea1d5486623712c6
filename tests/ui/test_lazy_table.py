"""The kit's lazy table model (ui/kit/lazy_table.py) behind real views: pages fetched for
what is shown, a bounded cache, changes merged with the selection and the scroll kept,
sorting in SQL from the header, and every list showing the rows its service lists."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

from coordinator.services import ActionFilter, ContactFilter, MeetingFilter, ProposalFilter
from coordinator.services.records import ContactData
from ui.app import settle
from ui.contacts.model import ORGANIZATION, contact_spec
from ui.kit.lazy_table import LazyTableModel, build_lazy_table
from ui.kit.roles import ID_ROLE, ROW_ROLE

PAGE = 50


def _table(qtbot, model: LazyTableModel, rows_shown: int = 20) -> QTableView:
    table = build_lazy_table(model)
    qtbot.addWidget(table)
    table.verticalHeader().setDefaultSectionSize(20)
    table.resize(700, rows_shown * 20 + table.horizontalHeader().sizeHint().height() + 4)
    table.show()
    qtbot.waitExposed(table)
    qtbot.waitUntil(lambda: model.cached_rows() > 0 or not model.rowCount(), timeout=5000)
    return table


def _top_id(table: QTableView) -> str:
    return table.model().id_at(table.rowAt(0))


def test_pages_are_fetched_for_what_is_shown_and_the_cache_stays_bounded(
        sample_ctx, qtbot) -> None:
    services = sample_ctx.services
    spec = replace(contact_spec(services), page=PAGE, cache_pages=4)
    model = LazyTableModel(spec, filter=ContactFilter())
    model.reload()
    ids = services.contacts.ids()
    assert model.rowCount() == len(ids) > 500
    assert model.cached_rows() == 0  # the listing fetched no row

    table = _table(qtbot, model)
    # Shown: the first screen (20 rows), fetched in one query, and only it; the cells
    # as the service gives them.
    assert model.fetches == 1
    assert 20 <= model.cached_rows() <= 22
    first = services.contacts.rows(ids[:3])
    for row, contact in enumerate(first):
        index = model.index(row, 0)
        assert index.data() == contact.full_name
        assert index.data(ID_ROLE) == contact.id
        assert index.data(ROW_ROLE) == contact

    # Page by page with the keyboard to the end: each new screen costs one query.
    table.setFocus()
    table.setCurrentIndex(model.index(0, 0))
    while table.currentIndex().row() < model.rowCount() - 1:
        qtbot.keyClick(table, Qt.Key.Key_PageDown)
        assert model.cached_rows() <= PAGE * 4  # bounded
    assert model.fetches <= len(ids) // 15  # a screen of ~20 rows per query, not a row each
    last = services.contacts.rows(ids[-1:])[0]
    assert model.index(len(ids) - 1, 0).data() == last.full_name
    assert model.is_fetched(len(ids) - 1)
    assert not any(model.is_fetched(r) for r in range(100, 120))  # passed by: evicted

    # A jump with the scrollbar fetches the rows shown there, and no other.
    before = model.fetches
    table.verticalScrollBar().setValue(300)
    table.viewport().repaint()
    assert model.fetches == before + 1
    assert all(model.is_fetched(r) for r in range(300, 320))
    assert model.index(300, 0).data() == services.contacts.rows([ids[300]])[0].full_name


def test_a_change_keeps_the_selection_and_the_scroll(sample_ctx, qtbot) -> None:
    services = sample_ctx.services
    model = LazyTableModel(replace(contact_spec(services), page=PAGE), sample_ctx.tasks,
                           filter=ContactFilter())
    sample_ctx.changed.connect(model.apply_changes)
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() > 500, timeout=10_000)
    table = _table(qtbot, model)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.scrollTo(model.index(300, 0), QAbstractItemView.ScrollHint.PositionAtTop)
    top = _top_id(table)
    # The user clicks a row on screen.
    chosen_row = table.rowAt(0) + 5
    chosen = model.id_at(chosen_row)
    rect = table.visualRect(model.index(chosen_row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [model.id_at(i.row()) for i in table.selectionModel().selectedRows()] == [chosen]

    # WHEN that contact is renamed in place (same position) elsewhere
    data = services.contacts.get(chosen)
    data.title = "Chief Lazy Officer"
    services.contacts.update(chosen, data)
    settle(sample_ctx)
    # THEN its row shows the new title, the selection and the top row are unchanged
    assert model.index(model.row_of(chosen), 1).data() == "Chief Lazy Officer"
    assert [model.id_at(i.row()) for i in table.selectionModel().selectedRows()] == [chosen]
    assert _top_id(table) == top

    # WHEN a contact is added above the viewport (sorted first)
    created = services.contacts.create(ContactData(given_name="Aaron", family_name="Aaaaberg"))
    settle(sample_ctx)
    assert model.id_at(0) == created.id
    # THEN the same record stays at the top, the same row selected, the current row too
    assert _top_id(table) == top
    assert [model.id_at(i.row()) for i in table.selectionModel().selectedRows()] == [chosen]
    assert model.id_at(table.currentIndex().row()) == chosen

    # WHEN the selected contact is deleted
    count = model.rowCount()
    services.contacts.delete(chosen)
    settle(sample_ctx)
    # THEN its row is gone and the top record stayed
    assert model.rowCount() == count - 1
    assert model.row_of(chosen) == -1
    assert chosen not in model.ids()
    assert model.ids() == services.contacts.ids()
    assert _top_id(table) == top


def test_many_scattered_changes_reset_but_keep_the_selection(sample_ctx, qtbot) -> None:
    services = sample_ctx.services
    model = LazyTableModel(contact_spec(services), filter=ContactFilter())
    model.reload()
    table = _table(qtbot, model)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    keep = [model.id_at(r) for r in (100, 101, 250)]
    for r in (100, 101, 250):
        table.selectionModel().select(
            model.index(r, 0), table.selectionModel().SelectionFlag.Select
            | table.selectionModel().SelectionFlag.Rows)
    # Every third contact outside the selection deleted: far more runs than a merge takes.
    doomed = [i for n, i in enumerate(model.ids()) if n % 3 == 0 and i not in keep][:120]
    services.contacts.delete_many(doomed)
    model.refresh()
    assert model.ids() == services.contacts.ids()
    assert sorted(model.id_at(i.row()) for i in table.selectionModel().selectedRows()) == \
        sorted(keep)


def test_the_header_sorts_in_sql(sample_ctx, qtbot) -> None:
    services = sample_ctx.services
    model = LazyTableModel(contact_spec(services), filter=ContactFilter())
    model.reload()
    table = _table(qtbot, model)
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(ORGANIZATION) + header.sectionSize(ORGANIZATION) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))
    column, order = model.sort_state()
    assert column == ORGANIZATION
    descending = order == Qt.SortOrder.DescendingOrder
    assert model.ids() == services.contacts.ids(sort="organization", descending=descending)
    assert header.sortIndicatorSection() == ORGANIZATION
    # The phone cannot be sorted in SQL: the click is refused, the indicator put back.
    phone = len(model.columns) - 1
    x = header.sectionViewportPosition(phone) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))
    assert model.sort_state()[0] == ORGANIZATION
    assert header.sortIndicatorSection() == ORGANIZATION


def test_every_list_shows_the_rows_its_service_lists(sample_ctx, make_window) -> None:
    services = sample_ctx.services
    services.contacts.delete(services.contacts.ids()[5])
    services.proposals.delete(services.proposals.ids()[0])
    window = make_window(sample_ctx)
    expected = {
        "contacts": [c.id for c in services.contacts.list().rows],
        "organizations": [o.id for o in services.organizations.list().rows],
        "proposals": [p.id for p in services.proposals.list(ProposalFilter(open_only=True)).rows],
        # meetings at the same moment: in id order
        "meetings": [m.id for m in sorted(services.meetings.list(MeetingFilter(upcoming=True))
                                          .rows, key=lambda m: (m.starts_at, m.id))],
        "actions": [a.id for a in services.actions.list(ActionFilter(open_only=True))],
        "trash": [t.id for t in services.trash.list()],
    }
    for name, ids in expected.items():
        view = window.show_view(name)
        settle(sample_ctx)
        model = view.table.model()
        assert ids, name  # the sample has some of each
        assert [model.id_at(r) for r in range(model.rowCount())] == ids, name
        shown = [model.index(r, 0).data(ROW_ROLE) for r in range(min(5, len(ids)))]
        assert [getattr(x, "id", None) for x in shown] == ids[:5], name


def test_scrolling_finds_the_next_rows_fetched_in_the_background(sample_ctx, qtbot) -> None:
    model = LazyTableModel(replace(contact_spec(sample_ctx.services), page=PAGE),
                           sample_ctx.tasks, filter=ContactFilter())
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() > 500, timeout=10_000)
    table = _table(qtbot, model)
    table.setFocus()
    table.setCurrentIndex(model.index(0, 0))
    for _ in range(8):  # page by page, letting the background work land in between
        qtbot.keyClick(table, Qt.Key.Key_PageDown)
        table.viewport().repaint()
        qtbot.waitUntil(lambda: sample_ctx.tasks.pending() == 0, timeout=5000)
    blocking = model.fetches
    assert blocking <= 2  # the first screen (and at most one more): the rest was prefetched
    assert model.prefetches >= 3
    # The rows after the screen are at hand before the user scrolls to them.
    bottom = table.rowAt(table.viewport().height() - 1)
    assert all(model.is_fetched(r) for r in range(bottom, bottom + PAGE))


def test_every_sortable_column_sorts_in_sql_both_ways(sample_ctx) -> None:
    from ui.actions.model import action_spec
    from ui.meetings.model import meeting_spec
    from ui.organizations.model import organization_spec
    from ui.proposals.model import proposal_spec
    from ui.trash.view import trash_spec

    services = sample_ctx.services
    services.contacts.delete(services.contacts.ids()[0])
    services.meetings.delete(services.meetings.ids(MeetingFilter())[0])
    specs = {"contacts": (contact_spec(services), ContactFilter()),
             "organizations": (organization_spec(services), None),
             "proposals": (proposal_spec(services), ProposalFilter()),
             "meetings": (meeting_spec(services), MeetingFilter()),
             "actions": (action_spec(services), ActionFilter()),
             "trash": (trash_spec(services), None)}
    for name, (spec, f) in specs.items():
        model = LazyTableModel(spec, filter=f)
        model.reload()
        everything = set(model.ids())
        assert everything, name
        for column, c in enumerate(spec.columns):
            if c.sort is None:
                continue
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                model.sort(column, order)
                assert model.sort_state() == (column, order), (name, c.header)
                assert set(model.ids()) == everything, (name, c.header)
        # Titles in ascending order read alphabetically, whatever their case.
        if name == "proposals":
            model.sort(1, Qt.SortOrder.AscendingOrder)
            titles = [model.index(r, 1).data().casefold() for r in range(model.rowCount())]
            assert titles == sorted(titles)
