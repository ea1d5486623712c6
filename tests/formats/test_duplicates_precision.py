"""Probable duplicates are people, not switchboards: a shared phone alone between
different names is no reason; the same name at the same organization is, in Find
Duplicates and in the check the contact form runs before saving."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from coordinator.demo import build_demo
from coordinator.formats import duplicates
from coordinator.services import Services
from coordinator.services import duplicate_decisions as decisions
from coordinator.services.duplicate_rule import (
    ContactFacts,
    is_probable_duplicate,
    likeness,
    name_key,
    names_alike,
)
from coordinator.services.records import ContactData, EmailData, OrganizationData, PhoneData

PHONE = "+19725550100"


def facts(given: str, family: str, org: str = "", emails: tuple[str, ...] = (),
          phones: tuple[str, ...] = ()) -> ContactFacts:
    return ContactFacts(name_key(given, family), org, frozenset(emails), frozenset(phones))


# -- the rule ------------------------------------------------------------------------------

def test_a_shared_phone_alone_is_no_reason() -> None:
    a = facts("Ada", "Lovelace", "acme", phones=(PHONE,))
    b = facts("Alan", "Turing", "plano", phones=(PHONE,))
    assert likeness(a, b) is None
    assert not is_probable_duplicate(a, b)
    # Colleagues at one organization on one switchboard are still two people.
    assert likeness(a, facts("Grace", "Hopper", "acme", phones=(PHONE,))) is None
    assert not names_alike(a.name, b.name)
    assert names_alike(name_key("Zoë", "Ødegård"), name_key("ZOE", "Odegard"))


def test_the_same_name_at_the_same_organization_is() -> None:
    a = facts("Zoë", "Martínez", "acme")
    found = likeness(a, facts("ZOE", "Martinez", "acme"), "Acme")
    assert found is not None and found.score == 95
    assert found.reasons == ["same name at Acme"]
    similar = likeness(facts("Marcus", "Okafor", "acme"), facts("Marcos", "Okafor", "acme"))
    assert similar is not None and 80 <= similar.score < 95
    # The same name at two organizations, with nothing else shared: not enough.
    assert likeness(a, facts("Zoe", "Martinez", "plano")) is None


def test_a_phone_backs_up_a_name_and_an_email_is_enough() -> None:
    both = likeness(facts("Ada", "Lovelace", "acme", phones=(PHONE,)),
                    facts("Ada", "Lovelace", "plano", phones=(PHONE,)))
    assert both is not None and both.reasons == ["same name and phone"] and both.score == 90
    email = likeness(facts("Ada", "Lovelace", emails=("ada@example.org",)),
                     facts("A.", "King", "acme", emails=("ada@example.org",)))
    assert email is not None and email.score == 100
    loose = likeness(facts("Ada", "Lovelace"), facts("Ada", "Lovelace", "acme"))
    assert loose is not None and loose.score == 70


# -- Find Duplicates on the sample coalition -----------------------------------------------

@pytest.fixture
def sample(services: Services) -> Services:
    build_demo(services)
    return services


def test_sample_lists_no_phone_only_pair_and_finds_a_planted_twin(sample: Services) -> None:
    with sample.db.read() as session:  # the sample does have colleagues on one number
        shared = session.execute(text(
            "SELECT count(*) FROM (SELECT e164 FROM contact_phone GROUP BY e164 "
            "HAVING count(DISTINCT contact_id) > 1)")).scalar_one()
    assert shared > 20
    someone = sample.contacts.list(limit=1).rows[0]
    assert someone.organization_id
    twin = sample.contacts.create(ContactData(
        given_name=someone.full_name.split()[0], family_name=someone.full_name.split()[-1],
        organization_id=someone.organization_id, emails=[EmailData("typed.again@example.org")]))

    pairs = duplicates.find_duplicate_contacts(sample.db)
    ids = {c.id: c for c in sample.contacts.list(limit=10_000).rows}
    for pair in pairs:  # every pair is one person by name or email, not by phone
        a, b = ids[pair.first_id], ids[pair.second_id]
        assert any("name" in r or "email" in r for r in pair.reasons), pair
        assert all(r != "same phone" for r in pair.reasons), pair
        assert name_key(*a.full_name.split(maxsplit=1)) == name_key(
            *b.full_name.split(maxsplit=1)) or "same email" in pair.reasons, pair
    planted = [p for p in pairs if {p.first_id, p.second_id} == {someone.id, twin.id}]
    assert len(planted) == 1
    assert planted[0].reasons == [f"same name at {someone.organization_name}"]
    assert planted[0].score == 95


# -- the check before saving ---------------------------------------------------------------

def test_saving_the_same_name_at_the_same_organization_is_flagged(services: Services) -> None:
    acme = services.organizations.create(OrganizationData(name="Acme Mobility"))
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    ada = services.contacts.create(ContactData(
        given_name="Ada", family_name="Lovelace", organization_id=acme.id,
        emails=[EmailData("ada@acme.example.org")], phones=[PhoneData("972-555-0100")]))
    services.contacts.create(ContactData(
        given_name="Front", family_name="Desk", organization_id=acme.id,
        phones=[PhoneData("972-555-0100")]))

    typed = ContactData(given_name="ADA", family_name="Lovelace", organization_id=acme.id,
                        phones=[PhoneData("(972) 555-0100")])
    found = services.contacts.probable_duplicates(typed)
    assert [(d.contact.id, d.reasons) for d in found] == [
        (ada.id, ("same name at Acme Mobility", "same name and phone"))]
    assert found[0].score == 100

    # A colleague on the same switchboard is not a duplicate of anyone.
    colleague = ContactData(given_name="Grace", family_name="Hopper", organization_id=acme.id,
                            phones=[PhoneData("972-555-0100")])
    assert services.contacts.probable_duplicates(colleague) == []
    # Nor is a namesake elsewhere; the same email is, whoever it is.
    namesake = ContactData(given_name="Ada", family_name="Lovelace", organization_id=plano.id)
    assert services.contacts.probable_duplicates(namesake) == []
    mail = ContactData(given_name="Augusta", family_name="King",
                       emails=[EmailData(" ADA@acme.example.org")])
    [same_mail] = services.contacts.probable_duplicates(mail)
    assert same_mail.contact.id == ada.id and same_mail.emails == ("ada@acme.example.org",)
    # Editing Ada herself finds nobody.
    assert services.contacts.probable_duplicates(services.contacts.get(ada.id),
                                                 exclude_id=ada.id) == []
    # Editing a namesake the user said is someone else does not ask again.
    other = services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace",
                                                 organization_id=acme.id))
    assert [d.contact.id for d in services.contacts.probable_duplicates(
        services.contacts.get(other.id), exclude_id=other.id)] == [ada.id]
    decisions.mark_not_duplicates(services.db, "contact", ada.id, other.id)
    assert services.contacts.probable_duplicates(services.contacts.get(other.id),
                                                 exclude_id=other.id) == []
