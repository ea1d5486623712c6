"""Contacts: create/read/update, soft delete, restore, purge, listing, filters, paging."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from coordinator.errors import Conflict, NotFound, ValidationError
from coordinator.services import ContactFilter, Services
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

from .conftest import CONS, Build


def test_create_and_get_round_trip(services: Services, build: Build) -> None:
    org = build.org("Acme Mobility", consortium="CSCA")
    created = services.contacts.create(ContactData(
        prefix="Dr.", given_name="  Zoë ", middle_name="A.", family_name="Ødegård", suffix="PhD",
        title="CTO", organization_id=org.id, website="https://zoe.example.org",
        notes="Met at the summit.", private_notes="secret", birthday="--04-12",
        last_contacted_on=date(2026, 1, 5),
        emails=[EmailData("zoe@Example.ORG", "work", True),
                EmailData("z@mail.example.org", "home")],
        phones=[PhoneData("(214) 555-0100", "work", True), PhoneData("+44 20 7946 0958", "mobile")],
        addresses=[AddressData("work", "1 Main St", "Denver", "CO", "80202", "United States")],
        tags=["Mobility", "mobility", "Open data"],
    ))
    assert created.id
    assert created.full_name == "Dr. Zoë A. Ødegård PhD"
    assert created.given_name == "Zoë"
    assert created.organization_name == "Acme Mobility"
    assert created.consortium_id == CONS["CSCA"]
    assert created.consortium_short_name == "CSCA"
    assert [e.address for e in created.emails] == ["zoe@example.org", "z@mail.example.org"]
    assert [e.is_primary for e in created.emails] == [True, False]
    assert [(p.raw, p.e164) for p in created.phones] == [
        ("(214) 555-0100", "+12145550100"), ("+44 20 7946 0958", "+442079460958")]
    assert created.primary_email == "zoe@example.org"
    assert created.primary_phone == "+12145550100"
    assert created.addresses == [AddressData("work", "1 Main St", "Denver", "CO", "80202",
                                             "United States")]
    assert created.tags == ["Mobility", "Open data"]  # duplicates folded away
    assert created.created_at is not None and created.created_at.tzinfo is not None
    assert created.created_at.utcoffset() == UTC.utcoffset(None)

    again = services.contacts.get(created.id)
    assert again == created


def test_only_the_first_primary_email_stays_primary(services: Services) -> None:
    c = services.contacts.create(ContactData(given_name="Ada", emails=[
        EmailData("a@example.org", is_primary=True), EmailData("b@example.org", is_primary=True)]))
    assert [e.is_primary for e in c.emails] == [True, False]


def test_unparsable_phone_is_kept_as_typed(services: Services) -> None:
    c = services.contacts.create(ContactData(given_name="Ada", phones=[
        PhoneData("call the front desk"), PhoneData("12"), PhoneData("   ")]))
    assert [(p.raw, p.e164) for p in c.phones] == [("call the front desk", None), ("12", None)]
    assert c.primary_phone == "call the front desk"


def test_update_replaces_fields_and_children(services: Services, build: Build) -> None:
    c = build.contact("Ada", "Lovelace", emails=["ada@example.org"], phones=["214 555 0100"],
                      tags=["mobility"])
    c.family_name = "Byron"
    c.emails = [EmailData("countess@example.org")]
    c.phones = []
    c.tags = ["energy"]
    updated = services.contacts.update(c.id, c)
    assert updated.full_name == "Ada Byron"
    assert [e.address for e in updated.emails] == ["countess@example.org"]
    assert updated.phones == []
    assert updated.tags == ["energy"]
    assert updated.updated_at > c.updated_at  # type: ignore[operator]
    assert updated.created_at == c.created_at
    assert services.contacts.find_by_email("ada@example.org") == []


def test_update_missing_contact_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound, match="No contact with id nope"):
        services.contacts.update("nope", ContactData(given_name="X"))
    with pytest.raises(NotFound):
        services.contacts.get("nope")


def test_soft_delete_restore_purge(services: Services, build: Build) -> None:
    c = build.contact("Ada", "Lovelace", emails=["ada@example.org"])
    services.contacts.delete(c.id)
    with pytest.raises(NotFound):
        services.contacts.get(c.id)
    trashed = services.contacts.get(c.id, include_deleted=True)
    assert trashed.deleted_at is not None
    assert services.contacts.list().total == 0
    assert services.contacts.find_by_email("ada@example.org") == []
    assert not services.contacts.exists(c.id)
    with pytest.raises(NotFound):  # already in Trash
        services.contacts.delete(c.id)

    services.contacts.restore(c.id)
    assert services.contacts.get(c.id).deleted_at is None
    assert [r.id for r in services.contacts.list().rows] == [c.id]
    with pytest.raises(NotFound):  # not in Trash any more
        services.contacts.restore(c.id)


def test_purge_only_from_trash(services: Services, build: Build) -> None:
    c = build.contact("Ada", "Lovelace", emails=["ada@example.org"])
    with pytest.raises(Conflict, match="Trash"):
        services.contacts.purge(c.id)
    assert services.contacts.get(c.id).id == c.id
    services.contacts.delete(c.id)
    services.contacts.purge(c.id)
    with pytest.raises(NotFound):
        services.contacts.get(c.id, include_deleted=True)
    with pytest.raises(NotFound):
        services.contacts.purge(c.id)
    assert services.trash.list() == []


def test_contact_takes_its_organizations_consortium(services: Services, build: Build) -> None:
    org = build.org("Denver Water", consortium="CSCA", sector="utility")
    c = build.contact(org=org)
    assert c.consortium_id == CONS["CSCA"]
    c.organization_id = None
    assert services.contacts.update(c.id, c).consortium_id is None


def test_contact_in_a_deleted_organization_is_refused(services: Services, build: Build) -> None:
    org = build.org("Gone Inc")
    services.organizations.delete(org.id)
    with pytest.raises(ValidationError) as err:
        build.contact(org=org)
    assert err.value.for_field("organization_id") == ["Choose an existing organization."]
    assert services.contacts.count() == 0


def test_contact_stays_editable_while_its_organization_is_in_trash(services: Services,
                                                                  build: Build) -> None:
    org = build.org("Gone Inc", consortium="SNF")
    c = build.contact(org=org)
    services.organizations.delete(org.id)
    c.title = "Director"
    updated = services.contacts.update(c.id, c)
    assert (updated.title, updated.organization_id, updated.consortium_id) == (
        "Director", org.id, CONS["SNF"])
    other = build.contact("Bo", "B")
    other.organization_id = org.id  # moving someone *into* a trashed organization: no
    with pytest.raises(ValidationError):
        services.contacts.update(other.id, other)


@pytest.fixture
def people(services: Services, build: Build) -> dict[str, str]:
    """Five contacts over three organizations and two consortia."""
    city = build.org("City of Plano", consortium="NTXIA", sector="local_government")
    uni = build.org("University of Denver", consortium="CSCA", sector="university")
    acme = build.org("Acme Mobility", consortium="NTXIA", sector="company")
    ids = {
        "zoe": build.contact("Zoë", "Ødegård", org=city, title="CIO", tags=["Mobility"],
                             emails=["zoe@plano.example.org"]).id,
        "bob": build.contact("Bob", "Anders", org=uni, title="Professor",
                             emails=["bob@du.example.org"], tags=["energy"]).id,
        "cy": build.contact("Cy", "Young", org=acme, title="Analyst", tags=["mobility"]).id,
        "dee": build.contact("Dee", "Brown", org=city, title="Mayor",
                             emails=["a-dee@plano.example.org"]).id,
        "eve": build.contact("Eve", "Zimmer", title="Consultant").id,
    }
    return ids


def _names(services: Services, **kw: object) -> list[str]:
    f = kw.pop("f", None)
    return [r.full_name for r in services.contacts.list(f, **kw).rows]  # type: ignore[arg-type]


def test_list_sorted_by_family_name_ignoring_accents(services: Services,
                                                     people: dict[str, str]) -> None:
    assert _names(services) == ["Bob Anders", "Dee Brown", "Zoë Ødegård", "Cy Young",
                                "Eve Zimmer"]
    assert _names(services, descending=True) == ["Eve Zimmer", "Cy Young", "Zoë Ødegård",
                                                 "Dee Brown", "Bob Anders"]


def test_list_sorts(services: Services, people: dict[str, str]) -> None:
    by_org = _names(services, sort="organization")
    assert by_org == ["Eve Zimmer", "Cy Young", "Dee Brown", "Zoë Ødegård", "Bob Anders"]
    assert _names(services, sort="title") == ["Cy Young", "Zoë Ødegård", "Eve Zimmer",
                                              "Dee Brown", "Bob Anders"]
    assert _names(services, sort="email")[:3] == ["Cy Young", "Eve Zimmer", "Dee Brown"]
    assert _names(services, sort="consortium")[:2] == ["Eve Zimmer", "Bob Anders"]
    with pytest.raises(ValidationError) as err:
        services.contacts.list(sort="shoe size")
    assert err.value.for_field("sort") == ["Cannot sort contacts by 'shoe size'."]


def test_list_filters(services: Services, people: dict[str, str]) -> None:
    assert _names(services, f=ContactFilter(consortium_id=CONS["NTXIA"])) == [
        "Dee Brown", "Zoë Ødegård", "Cy Young"]
    assert _names(services, f=ContactFilter(consortium_id=CONS["SNF"])) == []
    assert _names(services, f=ContactFilter(sector="university")) == ["Bob Anders"]
    assert _names(services, f=ContactFilter(tag="MOBILITY")) == ["Zoë Ødegård", "Cy Young"]
    assert _names(services, f=ContactFilter(tag="no such tag")) == []
    assert _names(services, f=ContactFilter(text="zoe")) == ["Zoë Ødegård"]
    assert _names(services, f=ContactFilter(text="plano")) == ["Dee Brown", "Zoë Ødegård"]
    assert _names(services, f=ContactFilter(text="((")) == _names(services)  # no words
    org_id = services.organizations.find_by_name("city of plano").id  # type: ignore[union-attr]
    assert _names(services, f=ContactFilter(organization_id=org_id, tag="mobility")) == [
        "Zoë Ødegård"]
    assert services.contacts.count(ContactFilter(consortium_id=CONS["NTXIA"],
                                                 sector="local_government")) == 2


def test_list_paging(services: Services, people: dict[str, str]) -> None:
    page = services.contacts.list(offset=1, limit=2)
    assert [r.full_name for r in page.rows] == ["Dee Brown", "Zoë Ødegård"]
    assert (page.total, page.offset) == (5, 1)
    last = services.contacts.list(offset=4, limit=2)
    assert [r.full_name for r in last.rows] == ["Eve Zimmer"]
    assert last.total == 5
    beyond = services.contacts.list(offset=10, limit=2)
    assert beyond.rows == [] and beyond.total == 5
    filtered = services.contacts.list(ContactFilter(consortium_id=CONS["NTXIA"]), limit=1)
    assert filtered.total == 3 and len(filtered.rows) == 1
    everything = services.contacts.list()
    assert everything.total == 5 == len(everything.rows)


def test_rows_carry_primary_email_phone_and_organization(services: Services,
                                                         build: Build) -> None:
    org = build.org("Acme Mobility", consortium="KCDD")
    c = services.contacts.create(ContactData(
        given_name="Ada", family_name="Lovelace", organization_id=org.id, title="CTO",
        emails=[EmailData("a@example.org"), EmailData("b@example.org", is_primary=True)],
        phones=[PhoneData("not a number"), PhoneData("816-555-0101", is_primary=True)]))
    (row,) = services.contacts.list().rows
    assert row.id == c.id
    assert (row.full_name, row.title, row.organization_name, row.consortium_short_name) == (
        "Ada Lovelace", "CTO", "Acme Mobility", "KCDD")
    assert (row.email, row.phone) == ("b@example.org", "+18165550101")
    assert services.contacts.ids() == [c.id]
    assert services.contacts.rows(["missing", c.id]) == [row]


def test_find_by_email(services: Services, people: dict[str, str]) -> None:
    found = services.contacts.find_by_email("  ZOE@Plano.Example.org ")
    assert [r.id for r in found] == [people["zoe"]]
    assert services.contacts.find_by_email("zoe@plano.example.org",
                                           exclude_id=people["zoe"]) == []
    assert services.contacts.find_by_email("nobody@example.org") == []


def test_get_many_keeps_order_and_children(services: Services, people: dict[str, str]) -> None:
    ids = [people["eve"], "missing", people["zoe"]]
    got = services.contacts.get_many(ids)
    assert [c.full_name for c in got] == ["Eve Zimmer", "Zoë Ødegård"]
    assert got[1].emails[0].address == "zoe@plano.example.org"
    assert got[1].tags == ["Mobility"]


def test_set_last_contacted(services: Services, build: Build) -> None:
    c = build.contact()
    services.contacts.set_last_contacted(c.id)
    assert services.contacts.get(c.id).last_contacted_on is not None


def test_count_is_remembered_only_until_anyone_commits(db_path, services) -> None:
    """The count cache follows commits from this process and from another one."""
    from coordinator.db import Database
    from coordinator.services import Services

    assert services.contacts.count() == 0
    other = Database.open(db_path)  # another program on the same file
    try:
        Services(other).contacts.create(ContactData(given_name="From", family_name="Elsewhere"))
        assert services.contacts.count() == 1
        services.contacts.create(ContactData(given_name="From", family_name="Here"))
        assert services.contacts.count() == 2
        gone = services.contacts.list(limit=1).rows[0].id
        services.contacts.delete(gone)
        assert services.contacts.count() == 1
    finally:
        other.close()
