"""Two laptops and one real PostgreSQL hub: what one does reaches the other."""

from __future__ import annotations

from coordinator.services.records import EmailData, OrganizationData
from coordinator.sync import api
from tests.sync.conftest import new_contact


def test_a_contact_made_on_one_laptop_reaches_the_other(laptops) -> None:
    a, b = laptops("a"), laptops("b")
    org = a.services.organizations.create(OrganizationData(name="Acme Mobility"))
    ada = new_contact(a.services, organization_id=org.id, emails=[EmailData("ada@example.org")],
                   tags=["mobility"])
    first = a.join()
    assert first.pushed >= 4 and first.conflicts == 0
    second = b.join()
    assert second.pulled >= 4
    got = b.services.contacts.get(ada.id)
    assert got.full_name == ada.full_name
    assert [e.address for e in got.emails] == ["ada@example.org"]
    assert got.tags == ["mobility"]
    assert got.organization_id == org.id
    # The search index follows the pulled rows.
    assert ada.id in {hit.id for hit in b.services.search.search("lovelace").hits}
    assert a.sync().pulled == 0 and b.sync().pushed == 0


def test_edits_of_different_fields_both_stay(laptops) -> None:
    a, b = laptops("a"), laptops("b")
    ada = new_contact(a.services)
    a.join()
    b.join()
    a.edit_contact(ada.id, title="Director")
    b.edit_contact(ada.id, nickname="Countess")
    a.sync()
    report = b.sync()
    assert report.conflicts == 0
    a.sync()
    for laptop in (a, b):
        got = laptop.services.contacts.get(ada.id)
        assert (got.title, got.nickname) == ("Director", "Countess")


def test_the_same_field_changed_on_both_sides_is_a_conflict_kept_until_resolved(laptops) -> None:
    a, b = laptops("a"), laptops("b")
    ada = new_contact(a.services)
    a.join()
    b.join()
    a.edit_contact(ada.id, title="Director")
    b.edit_contact(ada.id, title="Chair")
    a.sync()
    report = b.sync()
    assert report.conflicts == 1
    # The record shows the hub's value; mine is kept in the conflict.
    assert b.services.contacts.get(ada.id).title == "Director"
    [conflict] = api.list_conflicts(b.db)
    assert (conflict.field, conflict.mine, conflict.theirs) == ("title", "Chair", "Director")
    api.resolve(b.db, conflict.id[:8], "mine")
    assert api.list_conflicts(b.db) == []
    b.sync()
    a.sync()
    assert a.services.contacts.get(ada.id).title == "Chair"


def test_markdown_notes_merge_line_by_line(laptops) -> None:
    a, b = laptops("a"), laptops("b")
    ada = new_contact(a.services, notes="one\ntwo\nthree\nfour\n")
    a.join()
    b.join()
    a.edit_contact(ada.id, notes="ONE\ntwo\nthree\nfour\n")
    b.edit_contact(ada.id, notes="one\ntwo\nthree\nFOUR\n")
    a.sync()
    assert b.sync().conflicts == 0
    a.sync()
    for laptop in (a, b):
        assert laptop.services.contacts.get(ada.id).notes.strip() == "ONE\ntwo\nthree\nFOUR"
