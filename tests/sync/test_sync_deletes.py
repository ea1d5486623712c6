"""Deletes travel: Trash, restore, purge, links removed, merges; an edit against a delete
is a conflict, never a silent loss or resurrection."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from coordinator.errors import NotFound
from coordinator.services.records import EmailData, MeetingData
from coordinator.sync import api
from tests.sync.conftest import new_contact

WHEN = datetime(2027, 1, 12, 16, 0, tzinfo=UTC)


def _pair(laptops):  # type: ignore[no-untyped-def]
    a, b = laptops("a"), laptops("b")
    return a, b


def test_trash_restore_and_purge_reach_the_other_laptop(laptops) -> None:
    a, b = _pair(laptops)
    ada = new_contact(a.services, emails=[EmailData("ada@example.org")])
    a.join()
    b.join()
    a.services.contacts.delete(ada.id)
    a.sync()
    b.sync()
    with pytest.raises(NotFound):
        b.services.contacts.get(ada.id)
    assert b.services.contacts.get(ada.id, include_deleted=True).full_name == "Ada Lovelace"
    b.services.contacts.restore(ada.id)
    b.sync()
    a.sync()
    assert a.services.contacts.get(ada.id).full_name == "Ada Lovelace"
    a.services.contacts.delete(ada.id)
    a.services.trash.empty()
    assert a.sync().deleted >= 2  # the contact and its email, as tombstones
    b.sync()
    with pytest.raises(NotFound):
        b.services.contacts.get(ada.id, include_deleted=True)


def test_removing_a_tag_and_a_meeting_consortium_travels(laptops) -> None:
    a, b = _pair(laptops)
    ada = new_contact(a.services, tags=["mobility", "energy"])
    consortia = [c.id for c in a.services.consortia.list()][:2]
    meeting = a.services.meetings.create(MeetingData(title="Call", starts_at=WHEN,
                                                     consortium_ids=consortia))
    a.join()
    b.join()
    data = b.services.contacts.get(ada.id)
    b.services.contacts.update(ada.id, dataclasses.replace(data, tags=["energy"]))
    m = b.services.meetings.get(meeting.id)
    b.services.meetings.update(meeting.id, dataclasses.replace(m, consortium_ids=consortia[:1]))
    b.sync()
    a.sync()
    assert a.services.contacts.get(ada.id).tags == ["energy"]
    assert a.services.meetings.get(meeting.id).consortium_ids == consortia[:1]


def test_tags_and_series_created_offline_on_two_laptops_converge(laptops) -> None:
    a, b = _pair(laptops)
    a.join()
    b.join()
    ada = new_contact(a.services, tags=["Mobility"])
    grace = new_contact(b.services, "Grace", "Hopper", tags=["mobility"])
    a.services.meetings.create(MeetingData(title="Call A", starts_at=WHEN,
                                           series_name="NSCP Partnership Call"))
    b.services.meetings.create(MeetingData(title="Call B", starts_at=WHEN,
                                           series_name="nscp partnership call"))
    a.sync()
    assert b.sync().conflicts == 0
    a.sync()
    for laptop in (a, b):
        assert laptop.services.contacts.get(ada.id).tags == ["Mobility"]
        assert [t.lower() for t in laptop.services.contacts.get(grace.id).tags] == ["mobility"]
        assert [t.lower() for t in laptop.services.tags.in_use("contact")] == ["mobility"]
        assert len(laptop.services.meetings.series()) == 1
        assert laptop.services.meetings.list().total == 2


def test_an_edit_against_a_purge_is_a_conflict_and_keep_mine_brings_it_back(laptops) -> None:
    a, b = _pair(laptops)
    ada = new_contact(a.services)
    a.join()
    b.join()
    a.services.contacts.delete(ada.id)
    a.services.trash.empty()
    a.sync()
    b.edit_contact(ada.id, title="Director")
    report = b.sync()
    assert report.conflicts == 1
    [conflict] = api.list_conflicts(b.db)
    assert conflict.field == "(deleted)" and conflict.theirs_absent
    assert conflict.mine["title"] == "Director"
    with pytest.raises(NotFound):
        b.services.contacts.get(ada.id, include_deleted=True)
    api.resolve(b.db, conflict.id, "mine")
    assert b.services.contacts.get(ada.id).title == "Director"
    b.sync()
    a.sync()
    assert a.services.contacts.get(ada.id).title == "Director"


def test_trash_against_an_edit_is_a_conflict_with_the_edit_kept(laptops) -> None:
    a, b = _pair(laptops)
    ada = new_contact(a.services)
    a.join()
    b.join()
    a.services.contacts.delete(ada.id)
    a.sync()
    b.edit_contact(ada.id, title="Director")
    report = b.sync()
    assert report.conflicts == 1
    [conflict] = api.list_conflicts(b.db)
    assert conflict.field == "deleted_at"
    a.sync()
    for laptop in (a, b):
        kept = laptop.services.contacts.get(ada.id, include_deleted=True)
        assert kept.title == "Director"


def test_an_import_and_its_undo_both_travel(laptops, tmp_path) -> None:
    from coordinator.formats.importer import ImportOptions
    from coordinator.formats.reader import parse_file

    a, b = _pair(laptops)
    a.join()
    b.join()
    sheet = tmp_path / "people.csv"
    sheet.write_text("First Name,Last Name,E-mail 1 - Value,Organization 1 - Name\n"
                     "Ana,Ruiz,ana@example.org,Ruiz Labs\n"
                     "Bo,Chen,bo@example.org,Ruiz Labs\n")
    report = a.services.imports.apply(parse_file(sheet), ImportOptions(source=str(sheet)))
    a.sync()
    b.sync()
    assert b.services.contacts.count() == 2
    assert {c.full_name for c in b.services.contacts.list().rows} == {"Ana Ruiz", "Bo Chen"}
    a.services.imports.undo(report.batch_id)
    a.sync()
    b.sync()
    assert b.services.contacts.count() == 0
    assert b.services.contacts.list().total == 0


def test_a_purge_refused_by_an_edit_brings_back_the_children_it_took(laptops) -> None:
    """A deletes a contact for good (its emails and tags go with it) while B edits it: the
    contact comes back with a conflict, and its emails and tags with it, on every laptop."""
    a, b = _pair(laptops)
    ada = new_contact(a.services, emails=[EmailData("ada@example.org")], tags=["mobility"])
    a.join()
    b.join()
    b.edit_contact(ada.id, title="Director")
    b.sync()
    a.services.contacts.delete(ada.id)
    a.services.trash.empty()
    assert a.sync().conflicts == 1
    b.sync()
    for laptop in (a, b):
        kept = laptop.services.contacts.get(ada.id)
        assert kept.title == "Director"
        assert [e.address for e in kept.emails] == ["ada@example.org"]
        assert kept.tags == ["mobility"]


def test_a_laptop_behind_pruned_tombstones_resyncs_and_drops_what_the_hub_dropped(
        laptops, hub) -> None:
    from coordinator.hub.admin import prune_tombstones

    a, b = _pair(laptops)
    ada = new_contact(a.services)
    grace = new_contact(a.services, "Grace", "Hopper")
    a.join()
    b.join()
    a.services.contacts.delete(ada.id)
    a.services.trash.empty()
    a.sync()
    with hub.connect() as conn:
        top = conn.execute("SELECT value FROM hub.clock").fetchone()[0]
        assert prune_tombstones(conn, top + 1) >= 1
    b.sync()
    with pytest.raises(NotFound):
        b.services.contacts.get(ada.id, include_deleted=True)
    assert b.services.contacts.get(grace.id).full_name == "Grace Hopper"
