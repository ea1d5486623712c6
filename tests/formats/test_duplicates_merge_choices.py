"""A merge that meets two different values of a one-value field lets the user choose,
and drops nothing unseen: a value nobody chose between goes into the notes."""

from __future__ import annotations

import pytest

from coordinator.errors import Conflict
from coordinator.formats import batches, merge
from coordinator.formats.merge import KEEP, OTHER, field_conflicts
from coordinator.services import Services
from coordinator.services.records import ContactData, EmailData, OrganizationData


@pytest.fixture
def two_adas(services: Services) -> dict[str, str]:
    acme = services.organizations.create(OrganizationData(name="Acme Mobility"))
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    a = services.contacts.create(ContactData(
        given_name="Ada", family_name="Lovelace", title="CTO", organization_id=acme.id,
        birthday="1815-12-10", notes="Met in London", emails=[EmailData("ada@example.org")]))
    b = services.contacts.create(ContactData(
        given_name="ADA", family_name="Lovelace", title="Analyst", organization_id=plano.id,
        birthday="--12-11", pronouns="she/her", emails=[EmailData("ada@example.org")]))
    return {"a": a.id, "b": b.id, "acme": acme.id, "plano": plano.id}


def test_conflicting_one_value_fields_are_listed(services: Services,
                                                 two_adas: dict[str, str]) -> None:
    a, b = services.contacts.get(two_adas["a"]), services.contacts.get(two_adas["b"])
    found = {c.field: (c.label, c.survivor, c.other) for c in field_conflicts(a, b)}
    assert found == {  # the name differs only in case; pronouns fill a gap
        "title": ("Title", "CTO", "Analyst"),
        "organization_id": ("Organization", "Acme Mobility", "City of Plano"),
        "birthday": ("Birthday", "1815-12-10", "--12-11"),
    }


def test_the_users_choices_win_and_nothing_is_dropped(services: Services,
                                                      two_adas: dict[str, str]) -> None:
    before = services.contacts.get(two_adas["a"])
    report = merge.merge_contacts(services.db, two_adas["a"], two_adas["b"],
                                  choices={"title": OTHER, "organization_id": KEEP})
    after = services.contacts.get(two_adas["a"])
    assert after.title == "Analyst"  # chosen from the other
    assert after.organization_id == two_adas["acme"]  # chosen: the survivor's
    assert after.birthday == "1815-12-10"  # not chosen: kept, and the other's noted
    assert after.pronouns == "she/her"  # a gap filled, as before
    assert after.notes == ("Met in London\n\nAlso on the merged record ADA Lovelace: "
                           "Birthday: --12-11")
    assert report.chosen_from_other == ["title"]
    assert report.kept_in_notes == ["Birthday"]

    batches.undo_batch(services.db, report.batch_id)
    back = services.contacts.get(two_adas["a"])
    assert (back.title, back.organization_id, back.birthday, back.notes, back.pronouns) == (
        before.title, before.organization_id, before.birthday, before.notes, "")


def test_a_merge_without_choices_keeps_every_other_value_in_the_notes(
        services: Services, two_adas: dict[str, str]) -> None:
    report = merge.merge_contacts(services.db, two_adas["a"], two_adas["b"])
    after = services.contacts.get(two_adas["a"])
    assert (after.title, after.organization_id) == ("CTO", two_adas["acme"])
    assert "Title: Analyst; Organization: City of Plano; Birthday: --12-11" in after.notes
    assert report.kept_in_notes == ["Title", "Organization", "Birthday"]


def test_a_choice_is_keep_or_other(services: Services, two_adas: dict[str, str]) -> None:
    with pytest.raises(Conflict, match="'keep' or 'other'"):
        merge.merge_contacts(services.db, two_adas["a"], two_adas["b"],
                             choices={"title": "B"})
    assert services.contacts.get(two_adas["b"]).deleted_at is None  # nothing merged


def test_organizations_choose_too(services: Services) -> None:
    one = services.organizations.create(OrganizationData(name="City of Plano", city="Plano",
                                                         website="https://plano.gov"))
    two = services.organizations.create(OrganizationData(
        name="Plano, City of", city="Plano", website="https://www.plano.example.org"))
    a, b = services.organizations.get(one.id), services.organizations.get(two.id)
    assert [c.field for c in field_conflicts(a, b)] == ["website"]
    merge.merge_organizations(services.db, one.id, two.id, choices={"website": OTHER})
    assert services.organizations.get(one.id).website == "https://www.plano.example.org"
