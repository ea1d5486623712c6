"""The contacts table's fast paths give what the slow ones give: North American numbers
formatted without phonenumbers, and rows read on a plain pooled connection."""

from __future__ import annotations

import random

import phonenumbers

from ui.contacts import columns as cc


def test_north_american_numbers_match_phonenumbers() -> None:
    rng = random.Random(16)
    for _ in range(5000):
        value = f"+1{rng.randint(200, 999)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        expected = phonenumbers.format_number(phonenumbers.parse(value, None),
                                              phonenumbers.PhoneNumberFormat.NATIONAL)
        cc.display_phone.cache_clear()
        assert cc.display_phone(value) == expected
    # Everything else still goes through phonenumbers (or is shown as typed).
    assert cc.display_phone("+442079460000").startswith("+44 20")
    assert cc.display_phone("+11235550100") == phonenumbers.format_number(
        phonenumbers.parse("+11235550100", None), phonenumbers.PhoneNumberFormat.NATIONAL)
    assert cc.display_phone("ext. 12") == "ext. 12"


def test_table_rows_are_the_rows(large_services) -> None:
    contacts = large_services.contacts
    ids = contacts.ids()
    sample = ids[:3] + ids[-700:] + ["missing-id"] + ids[100:160]
    assert contacts.table_rows(sample) == contacts.rows(sample)
    assert contacts.table_rows([]) == []


def test_a_jump_fetches_what_is_shown_and_the_neighbours_once_settled(large_services, qapp,
                                                                      qtbot) -> None:
    from ui.contacts import model as cm
    from ui.tasks import TaskRunner

    tasks = TaskRunner()
    model = cm.ContactTableModel(large_services, tasks)
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=20_000)
    qtbot.waitUntil(lambda: tasks.pending() == 0, timeout=20_000)
    before = model.prefetches
    # Dragging the thumb: far apart rows, one after another, faster than SETTLE_MS.
    for row in (5_000, 9_000, 2_000):
        assert model.index(row, 0).data() == model.contact_row(row).full_name
        assert tasks.pending() == 0  # nothing competes with the rows being shown
    assert model.cached_rows() == 3 * cm.BLOCK
    qtbot.waitUntil(lambda: model.prefetches >= before + 2, timeout=5_000)  # settled
    assert all(model.is_fetched(r) for r in range(2_000 - cm.BLOCK, 2_000 + 2 * cm.BLOCK))
    tasks.wait()
