"""An organization in Trash is matched by nothing: its contacts show no organization
until it is restored, so Find Duplicates does not call two of them "the same name at"
it, and an import naming it neither finds it nor leaves its row out as a duplicate of
someone there."""

from __future__ import annotations

from coordinator.formats import duplicates, importer
from coordinator.formats.reader import parse_contacts
from coordinator.services import Services
from coordinator.services.records import ContactData, EmailData, OrganizationData


def _person(services: Services, given: str, family: str, org_id: str | None,
            email: str) -> str:
    return services.contacts.create(ContactData(
        given_name=given, family_name=family, organization_id=org_id,
        emails=[EmailData(email)])).id


def test_find_duplicates_does_not_match_through_an_organization_in_trash(
        services: Services) -> None:
    acme = services.organizations.create(OrganizationData(name="Acme Mobility")).id
    ada = _person(services, "Ada", "Lovelace", acme, "ada@acme.example.org")
    again = _person(services, "ADA", "Lovelace", acme, "a.lovelace@home.example.org")
    _person(services, "Grace", "Hopper", acme, "grace@acme.example.org")
    _person(services, "Grace", "Hoppers", acme, "gh@home.example.org")
    live = duplicates.find_duplicate_contacts(services.db)
    assert len(live) == 2 and {p.reasons[0] for p in live} == {
        "same name at Acme Mobility", "similar name at Acme Mobility"}

    services.organizations.delete(acme)
    # A namesake organization in Trash is not a duplicate of a live one either.
    services.organizations.create(OrganizationData(name="ACME Mobility"))
    [pair] = duplicates.find_duplicate_contacts(services.db)
    assert {pair.first_id, pair.second_id} == {ada, again}
    assert pair.reasons == ["same name, no organization"] and pair.score == 70
    assert "Acme" not in pair.first_label + pair.second_label
    assert duplicates.find_duplicate_organizations(services.db) == []

    services.organizations.restore(acme)
    assert len(duplicates.find_duplicate_contacts(services.db)) == 2


def test_an_import_does_not_match_an_organization_in_trash(services: Services) -> None:
    acme = services.organizations.create(OrganizationData(name="Acme Mobility")).id
    ada = _person(services, "Ada", "Lovelace", acme, "ada@acme.example.org")
    services.organizations.delete(acme)
    rows = (b"First Name,Last Name,Company,E-mail Address\n"
            b"Ada,Lovelace,Acme Mobility,ada.l@new.example.org\n")

    preview = importer.preview(services.db, parse_contacts(rows))
    assert preview.duplicates == [] and preview.new == 1
    assert preview.new_organizations == ["Acme Mobility"]

    report = importer.apply(services.db, parse_contacts(rows))
    assert (report.created, report.skipped_duplicates, report.organizations_created) == (
        1, 0, 1)
    made = [c for c in services.contacts.list(limit=10).rows if c.id != ada]
    assert len(made) == 1 and made[0].organization_id not in (None, acme)
    assert services.organizations.get(acme, include_deleted=True).deleted_at is not None


def test_the_contact_form_warns_as_find_duplicates_lists(services: Services) -> None:
    """The check before saving follows the same rule: a namesake whose organization is
    in Trash has none, so typing the same name at another organization is a probable
    duplicate ("one without an organization"), as Find Duplicates lists it."""
    acme = services.organizations.create(OrganizationData(name="Acme Mobility")).id
    plano = services.organizations.create(OrganizationData(name="City of Plano")).id
    ada = _person(services, "Ada", "Lovelace", acme, "ada@acme.example.org")
    typed = ContactData(given_name="Ada", family_name="Lovelace", organization_id=plano)
    assert services.contacts.probable_duplicates(typed) == []  # two organizations

    services.organizations.delete(acme)
    [found] = services.contacts.probable_duplicates(typed)
    assert found.contact.id == ada
    assert found.reasons == ("same name, one without an organization",)
    saved = services.contacts.create(typed)
    [pair] = duplicates.find_duplicate_contacts(services.db)
    assert {pair.first_id, pair.second_id} == {ada, saved.id}
    assert (pair.score, tuple(pair.reasons)) == (found.score, found.reasons)
