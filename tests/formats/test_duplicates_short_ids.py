"""The short ids `coordinator duplicates` prints: for a long list every id of the table
is read once and the neighbours found by bisection; the prefixes are the same as looking
up each id's neighbours, trashed records and ids sharing long prefixes included."""

from __future__ import annotations

import pytest

from coordinator.services import Services
from coordinator.services import duplicate_decisions as decisions
from coordinator.services.records import ContactData


def test_a_long_list_gets_the_same_prefixes_as_looking_each_up(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [services.contacts.create(ContactData(given_name="Ana", family_name=f"R{i}")).id
           for i in range(40)]
    services.contacts.delete(ids[5])  # in Trash: still an id a prefix must not match
    # ids made in the same moment share long prefixes; ask for some twice, the first
    # and last in id order, and ids no record has (before, between and after them all)
    ordered = sorted(ids)
    asked = ids[:30] + ids[:3] + [ordered[0], ordered[-1], "0" * 36, "f" * 36,
                                   ordered[10][:20] + "0" * 16]
    looked_up = decisions.short_ids(services.db, "contact", asked)
    monkeypatch.setattr(decisions, "SHORT_IDS_BY_LOOKUP", 0)
    bisected = decisions.short_ids(services.db, "contact", asked)
    assert bisected == looked_up
    assert all(len(v) >= 8 and k.startswith(v) for k, v in bisected.items())
    for rid in ids[:30]:  # unique among all the table's ids, trashed ones too
        assert [other for other in ids if other.startswith(bisected[rid])] == [rid]
