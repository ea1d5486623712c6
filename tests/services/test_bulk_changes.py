"""Several records moved to Trash, restored or purged at once: all of them or none."""

from __future__ import annotations

import pytest

from coordinator.errors import Conflict, NotFound
from coordinator.services import Services
from coordinator.services.records import ContactData


def people(services: Services, n: int) -> list[str]:
    return [services.contacts.create(ContactData(given_name=f"P{i}", family_name="X")).id or ""
            for i in range(n)]


def test_delete_many_is_all_or_none(services: Services) -> None:
    ids = people(services, 3)
    with pytest.raises(NotFound):
        services.contacts.delete_many([ids[0], "no-such-contact", ids[1]])
    assert services.contacts.count() == 3  # the first one was not deleted either
    services.contacts.delete_many(ids[:2])
    assert services.contacts.count() == 1
    services.contacts.restore_many(ids[:2])
    assert services.contacts.count() == 3


def test_purge_many_is_all_or_none(services: Services) -> None:
    ids = people(services, 3)
    services.contacts.delete_many(ids[:2])
    with pytest.raises(Conflict):  # the third is not in Trash: it cannot be purged
        services.trash.purge_many({"contact": ids})
    assert len(services.trash.list()) == 2
    services.trash.purge_many({"contact": ids[:2]})
    assert services.trash.list() == [] and services.contacts.count() == 1
