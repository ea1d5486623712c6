"""Every write reports what it changed to Database.subscribe listeners, once, after the
commit; a write that fails validation reports nothing and saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from coordinator.changes import ChangeKind, ChangeSet
from coordinator.db import Database
from coordinator.errors import ValidationError
from coordinator.services import Services
from coordinator.services.records import (
    ActionItemData,
    ContactData,
    MeetingData,
    OrganizationData,
    ProposalData,
)

from .conftest import NOW, Build


def only(changes: list[ChangeSet]) -> ChangeSet:
    assert len(changes) == 1, changes
    return changes.pop()


def summary(change: ChangeSet) -> dict[str, dict[str, set[str]]]:
    return {e: {str(k): set(ids) for k, ids in kinds.items()}
            for e, kinds in change.changes.items()}


@pytest.mark.parametrize("entity", ["contact", "organization", "proposal", "meeting"])
def test_lifecycle_reports_each_step(services: Services, build: Build,
                                     changes: list[ChangeSet], entity: str) -> None:
    make: dict[str, Callable[[], object]] = {
        "contact": build.contact, "organization": build.org,
        "proposal": build.proposal, "meeting": build.meeting}
    service = {"contact": services.contacts, "organization": services.organizations,
               "proposal": services.proposals, "meeting": services.meetings}[entity]
    record = make[entity]()
    rid = record.id  # type: ignore[attr-defined]
    created = only(changes)
    assert created.ids(entity, ChangeKind.CREATED) == {rid}
    assert created.touches(entity)

    service.update(rid, service.get(rid))  # type: ignore[attr-defined]
    assert only(changes).ids(entity, ChangeKind.UPDATED) == {rid}
    for step, kind in ((service.delete, ChangeKind.DELETED),  # type: ignore[attr-defined]
                       (service.restore, ChangeKind.RESTORED),  # type: ignore[attr-defined]
                       (service.delete, ChangeKind.DELETED),  # type: ignore[attr-defined]
                       (service.purge, ChangeKind.PURGED)):  # type: ignore[attr-defined]
        step(rid)
        change = only(changes)
        assert change.entities() == {entity}
        assert change.ids(entity, kind) == {rid}
        assert change.ids(entity) == {rid}


def test_failed_writes_report_and_save_nothing(services: Services, build: Build,
                                               changes: list[ChangeSet]) -> None:
    org = build.org()
    changes.clear()
    attempts: list[Callable[[], object]] = [
        lambda: services.contacts.create(ContactData(emails=[])),
        lambda: services.organizations.create(OrganizationData(name="")),
        lambda: services.organizations.update(org.id, OrganizationData(name="", sector="x")),
        lambda: services.proposals.create(ProposalData(title="T", amount_minor=-1)),
        lambda: services.meetings.create(MeetingData(title="M")),
        lambda: services.proposals.list(sort="nonsense"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    assert changes == []
    assert services.stats()["counts"] == {"contact": 0, "organization": 1, "proposal": 0,
                                          "meeting": 0, "action_item": 0, "trash": 0}
    assert services.organizations.get(org.id).name == org.name


def test_reads_report_nothing(services: Services, build: Build,
                              changes: list[ChangeSet]) -> None:
    c = build.contact()
    changes.clear()
    services.contacts.get(c.id)
    services.contacts.list()
    services.search.search("ada")
    services.stats()
    assert changes == []


def test_meeting_writes_report_their_action_items(services: Services, build: Build,
                                                  changes: list[ChangeSet]) -> None:
    m = build.meeting(actions=[ActionItemData("Send slides")])
    change = only(changes)
    item_id = m.action_items[0].id
    assert change.ids("meeting", ChangeKind.CREATED) == {m.id}
    assert change.ids("action_item") == {item_id}

    services.actions.set_status(item_id, "done")  # type: ignore[arg-type]
    change = only(changes)
    assert summary(change) == {"action_item": {"updated": {item_id}}}


def test_status_changes_report(services: Services, build: Build,
                               changes: list[ChangeSet]) -> None:
    p = build.proposal()
    c = build.contact()
    changes.clear()
    services.proposals.set_status(p.id, "submitted")
    assert summary(only(changes)) == {"proposal": {"updated": {p.id}}}
    services.contacts.set_last_contacted(c.id)
    assert summary(only(changes)) == {"contact": {"updated": {c.id}}}


def test_organization_rename_reports_its_contacts(services: Services, build: Build,
                                                  changes: list[ChangeSet]) -> None:
    org = build.org("Acme")
    a, b = build.contact("Ada", "A", org=org), build.contact("Bob", "B", org=org)
    changes.clear()
    org.name = "Acme Mobility"
    services.organizations.update(org.id, org)
    assert summary(only(changes)) == {"organization": {"updated": {org.id}},
                                      "contact": {"updated": {a.id, b.id}}}
    org.notes = "no rename, no move"
    services.organizations.update(org.id, org)
    assert summary(only(changes)) == {"organization": {"updated": {org.id}}}


def test_trash_restore_reports(services: Services, build: Build,
                               changes: list[ChangeSet]) -> None:
    m = build.meeting(starts_at=NOW + timedelta(days=1))
    services.meetings.delete(m.id)
    changes.clear()
    services.trash.restore("meeting", m.id)
    assert summary(only(changes)) == {"meeting": {"restored": {m.id}}}


def test_a_failing_listener_does_not_undo_the_write(db: Database, services: Services,
                                                    changes: list[ChangeSet]) -> None:
    def broken(_change: ChangeSet) -> None:
        raise RuntimeError("listener bug")

    unsubscribe = db.subscribe(broken)
    c = services.contacts.create(ContactData(given_name="Ada"))
    unsubscribe()
    assert services.contacts.get(c.id).full_name == "Ada"
    assert only(changes).ids("contact", ChangeKind.CREATED) == {c.id}
