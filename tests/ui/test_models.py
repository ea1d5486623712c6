"""The table models without any widget, on a 10,000-contact coalition."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from coordinator.changes import ChangeKind, ChangeSet
from coordinator.services import ContactFilter, OrganizationFilter
from ui.contacts import model as cm
from ui.contacts.model import ContactTableModel
from ui.kit.roles import ID_ROLE, ROW_ROLE
from ui.organizations.model import OrganizationTableModel


def test_contact_model_holds_ids_and_fetches_rows_lazily(large_services, qapp) -> None:
    model = ContactTableModel(large_services)
    model.reload()
    total = large_services.contacts.count()
    assert total == 10_000
    assert model.rowCount() == total
    assert model.fetches == 0 and model.cached_rows() == 0  # nothing fetched yet

    # Reading one cell fetches exactly one block around it.
    middle = model.index(5_000, cm.NAME)
    page = large_services.contacts.list(offset=5_000, limit=1).rows[0]
    assert model.data(middle) == page.full_name
    assert model.data(middle, ID_ROLE) == page.id
    assert model.fetches == 1 and model.cached_rows() == cm.BLOCK

    # Walking the whole table keeps memory bounded.
    for row in range(0, total, 97):
        assert model.data(model.index(row, cm.EMAIL)) is not None
    assert model.cached_rows() <= cm.BLOCK * cm.CACHE_BLOCKS
    last = model.data(model.index(total - 1, cm.NAME), ROW_ROLE)
    assert last.id == large_services.contacts.ids()[-1]


def test_contact_model_sorts_and_filters_in_sql(large_services, qapp) -> None:
    model = ContactTableModel(large_services)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.reload()
    model.sort(cm.ORGANIZATION, Qt.SortOrder.DescendingOrder)
    assert model.ids() == large_services.contacts.ids(sort="organization", descending=True)
    first = model.contact_row(0).organization_name
    last = model.contact_row(model.rowCount() - 1).organization_name
    assert first.casefold() >= last.casefold()

    # Phone cannot be sorted in SQL: the request is ignored, not faked.
    before = model.ids()
    model.sort(cm.PHONE, Qt.SortOrder.AscendingOrder)
    assert model.ids() == before

    consortium = large_services.consortia.list()[0]
    model.set_filter(ContactFilter(consortium_id=consortium.id))
    assert 0 < model.rowCount() < 10_000
    assert model.rowCount() == consortium.contact_count
    assert {model.contact_row(r).consortium_short_name
            for r in range(0, model.rowCount(), 50)} == {consortium.short_name}

    model.set_filter(ContactFilter(sector="university", text="ch"))
    assert model.rowCount() == large_services.contacts.count(
        ContactFilter(sector="university", text="ch"))


def test_contact_model_follows_changes(large_services, qapp) -> None:
    model = ContactTableModel(large_services)
    model.reload()
    victim = model.id_at(0)
    large_services.contacts.delete(victim)
    changes = ChangeSet()
    changes.add("contact", ChangeKind.DELETED, victim)
    model.apply_changes(changes)
    assert model.rowCount() == 9_999 and model.row_of(victim) == -1

    target = model.id_at(10)
    model.contact_row(10)
    data = large_services.contacts.get(target)
    data.title = "Chief Renamed Officer"
    large_services.contacts.update(target, data)
    changes = ChangeSet()
    changes.add("contact", ChangeKind.UPDATED, target)
    model.apply_changes(changes)
    assert model.data(model.index(10, cm.TITLE)) == "Chief Renamed Officer"


def test_organization_model_pages_sorts_and_filters(large_services, qapp) -> None:
    model = OrganizationTableModel(large_services)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.reload()
    total = large_services.organizations.list(limit=1).total
    assert model.rowCount() == total > 2_000
    assert model.data(model.index(total - 1, 0)) is not None

    model.sort(5, Qt.SortOrder.DescendingOrder)  # by number of contacts
    counts = [model.organization(r).contact_count for r in range(0, 400)]
    assert counts == sorted(counts, reverse=True)

    model.set_filter(OrganizationFilter(sector="university"))
    assert 0 < model.rowCount() < total
    assert {model.data(model.index(r, 1)) for r in range(model.rowCount())} == {"University"}


def test_display_phone_formats_e164() -> None:
    assert cm.display_phone("+19725550170") == "(972) 555-0170"
    assert cm.display_phone("+442079460000").startswith("+44 ")
    assert cm.display_phone("ext. 12") == "ext. 12"
