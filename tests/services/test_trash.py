"""The Trash: lists deleted records of every kind; restore, purge and empty."""

from __future__ import annotations

import pytest

from coordinator.errors import Conflict, CoordinatorError, NotFound
from coordinator.services import Services
from coordinator.services.records import ActionItemData

from .conftest import Build


@pytest.fixture
def trashed(services: Services, build: Build) -> dict[str, str]:
    org = build.org("Acme Mobility")
    contact = build.contact("Zoë", "Ødegård", org=org)
    proposal = build.proposal("Smart Corridors", partners=[org])
    meeting = build.meeting("Partnership call", attendees=[contact],
                            actions=[ActionItemData("Send slides", contact.id)])
    build.contact("Kept", "Alive")
    for service, record in ((services.contacts, contact), (services.proposals, proposal),
                            (services.meetings, meeting), (services.organizations, org)):
        service.delete(record.id)  # type: ignore[attr-defined]
    return {"contact": contact.id, "organization": org.id, "proposal": proposal.id,
            "meeting": meeting.id}


def test_trash_lists_every_deleted_record(services: Services, trashed: dict[str, str]) -> None:
    items = services.trash.list()
    assert [(i.entity, i.title) for i in items] == [
        ("organization", "Acme Mobility"), ("meeting", "Partnership call"),
        ("proposal", "Smart Corridors"), ("contact", "Zoë Ødegård")]  # latest first
    assert {i.entity: i.id for i in items} == trashed
    assert all(i.deleted_at.tzinfo is not None for i in items)
    assert services.trash.count() == 4
    assert services.stats()["counts"] == {"contact": 1, "organization": 0, "proposal": 0,
                                          "meeting": 0, "action_item": 0, "trash": 4}
    assert services.trash.find(trashed["meeting"][:8]).entity == "meeting"
    with pytest.raises(NotFound):
        services.trash.find("zzzz")


def test_restore_from_trash(services: Services, trashed: dict[str, str]) -> None:
    services.trash.restore("meeting", trashed["meeting"])
    services.trash.restore("contact", trashed["contact"])
    assert {i.entity for i in services.trash.list()} == {"organization", "proposal"}
    meeting = services.meetings.get(trashed["meeting"])
    assert [a.contact_name for a in meeting.attendees] == ["Zoë Ødegård"]
    assert [a.text for a in services.actions.list()] == ["Send slides"]
    with pytest.raises(NotFound):
        services.trash.restore("meeting", trashed["meeting"])
    with pytest.raises(NotFound, match="kind of record"):
        services.trash.restore("spaceship", trashed["meeting"])


def test_purge_one(services: Services, trashed: dict[str, str]) -> None:
    services.trash.purge("contact", trashed["contact"])
    assert services.trash.count() == 3
    with pytest.raises(NotFound):
        services.contacts.get(trashed["contact"], include_deleted=True)
    kept = services.contacts.list().rows[0]
    with pytest.raises(Conflict):
        services.trash.purge("contact", kept.id)


def test_empty_purges_everything_in_one_go(services: Services, trashed: dict[str, str],
                                           changes: list) -> None:
    assert services.trash.empty() == 4
    assert services.trash.list() == []
    assert services.trash.empty() == 0
    for entity, getter in (("contact", services.contacts), ("proposal", services.proposals),
                           ("meeting", services.meetings),
                           ("organization", services.organizations)):
        with pytest.raises(NotFound):
            getter.get(trashed[entity], include_deleted=True)  # type: ignore[attr-defined]
    assert [r.full_name for r in services.contacts.list().rows] == ["Kept Alive"]
    # One unit of work, so one notification covering every purge.
    (change,) = changes
    assert {e: change.ids(e, "purged") for e in trashed} == {  # type: ignore[arg-type]
        e: {i} for e, i in trashed.items()}


def test_find_refuses_an_id_prefix_shared_by_several_items(services: Services,
                                                          trashed: dict[str, str]) -> None:
    # GIVEN four items in Trash
    ids = sorted(trashed.values())
    # WHEN looking one up by a prefix all of them share (the empty one), nothing is
    # guessed
    with pytest.raises(CoordinatorError, match=r"4 records in Trash .* give more of the id"):
        services.trash.find("")
    # THEN the exact id always wins, and a unique prefix still works
    assert services.trash.find(ids[0]).id == ids[0]
    assert services.trash.find(ids[1][:12]).id == ids[1]
