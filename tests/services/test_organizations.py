"""Organizations and consortia: CRUD, Trash, consortium propagation, listing."""

from __future__ import annotations

import pytest

from coordinator.errors import Conflict, NotFound, ValidationError
from coordinator.reference import CONSORTIA
from coordinator.services import ContactFilter, OrganizationFilter, Services
from coordinator.services.records import OrganizationData

from .conftest import CONS, Build


def test_create_get_update(services: Services, build: Build) -> None:
    org = services.organizations.create(OrganizationData(
        name="  City of Plano ", sector="local_government", consortium_id=CONS["NTXIA"],
        city="Plano", state="TX", website="https://plano.example.org", notes="Founding member",
        tags=["Mobility", "open data"]))
    assert org.name == "City of Plano"
    assert org.consortium_short_name == "NTXIA"
    assert org.tags == ["Mobility", "open data"]
    assert org.contact_count == 0
    assert org.created_at is not None and org.created_at.tzinfo is not None
    assert services.organizations.get(org.id) == org

    build.contact("Ada", "Lovelace", org=org)
    org.name, org.sector, org.tags = "City of Plano, Texas", "county", []
    updated = services.organizations.update(org.id, org)
    assert (updated.name, updated.sector, updated.tags) == ("City of Plano, Texas", "county", [])
    assert updated.contact_count == 1
    assert updated.updated_at > org.updated_at  # type: ignore[operator]


def test_missing_organization(services: Services) -> None:
    with pytest.raises(NotFound, match="No organization with id x"):
        services.organizations.get("x")
    with pytest.raises(NotFound):
        services.organizations.update("x", OrganizationData(name="X"))
    with pytest.raises(NotFound):
        services.organizations.delete("x")


def test_delete_restore_purge(services: Services, build: Build) -> None:
    org = build.org("Acme Mobility")
    contact = build.contact(org=org)
    services.organizations.delete(org.id)
    with pytest.raises(NotFound):
        services.organizations.get(org.id)
    assert services.organizations.get(org.id, include_deleted=True).deleted_at is not None
    assert services.organizations.list().total == 0
    assert services.organizations.find_by_name("Acme Mobility") is None
    with pytest.raises(Conflict):
        services.organizations.purge(build.org("Still here").id)

    services.organizations.restore(org.id)
    assert services.organizations.find_by_name("acme mobility").id == org.id  # type: ignore[union-attr]

    services.organizations.delete(org.id)
    services.organizations.purge(org.id)
    with pytest.raises(NotFound):
        services.organizations.get(org.id, include_deleted=True)
    # The contact stays, without its organization, its consortium or its name in search.
    kept = services.contacts.get(contact.id)
    assert (kept.organization_id, kept.organization_name, kept.consortium_id) == (None, "", None)
    assert services.search.search("acme").hits == []
    assert services.search.search("lovelace").hits[0].id == contact.id


def test_purge_reports_the_contacts_it_unlinks(services: Services, build: Build,
                                               changes: list) -> None:
    org = build.org("Acme Mobility")
    a, b = build.contact("Ada", "A", org=org), build.contact("Bob", "B", org=org)
    services.organizations.delete(org.id)
    changes.clear()
    services.organizations.purge(org.id)
    (change,) = changes
    assert change.ids("organization", "purged") == {org.id}  # type: ignore[arg-type]
    assert change.ids("contact", "updated") == {a.id, b.id}  # type: ignore[arg-type]


def test_consortium_change_moves_its_contacts(services: Services, build: Build,
                                              changes: list) -> None:
    org = build.org("Acme Mobility", consortium="NTXIA")
    a = build.contact("Ada", "Lovelace", org=org)
    b = build.contact("Bob", "Anders", org=org)
    other = build.contact("Cy", "Young", org=build.org("Other", consortium="NTXIA"))
    changes.clear()

    org.consortium_id = CONS["SNF"]
    services.organizations.update(org.id, org)
    assert services.contacts.get(a.id).consortium_id == CONS["SNF"]
    assert services.contacts.get(b.id).consortium_short_name == "SNF"
    assert services.contacts.get(other.id).consortium_id == CONS["NTXIA"]
    assert {r.id for r in services.contacts.list(
        ContactFilter(consortium_id=CONS["SNF"])).rows} == {a.id, b.id}
    (change,) = changes
    assert change.ids("contact") == {a.id, b.id}
    assert change.ids("organization") == {org.id}

    org.consortium_id = None
    services.organizations.update(org.id, org)
    assert services.contacts.get(a.id).consortium_id is None


def test_find_by_name_ignores_case_and_accents(services: Services, build: Build) -> None:
    org = build.org("Université de Montréal", sector="university")
    assert services.organizations.find_by_name("UNIVERSITE DE MONTREAL").id == org.id  # type: ignore[union-attr]
    assert services.organizations.find_by_name("Universite") is None


@pytest.fixture
def orgs(build: Build) -> dict[str, str]:
    made = {
        "plano": build.org("City of Plano", "NTXIA", "local_government", tags=["Mobility"]),
        "denver": build.org("Denver Water", "CSCA", "utility", city="Denver", tags=["water"]),
        "acme": build.org("Acme Mobility", "NTXIA", "company", city="Austin",
                          tags=["mobility"]),
        "uni": build.org("Zenith University", "CSCA", "university", city="Boulder"),
    }
    build.contact("Ada", "A", org=made["uni"])
    build.contact("Bo", "B", org=made["uni"])
    build.contact("Cy", "C", org=made["acme"])
    return {k: v.id for k, v in made.items()}


def _names(services: Services, f: OrganizationFilter | None = None, **kw: object) -> list[str]:
    return [o.name for o in services.organizations.list(f, **kw).rows]  # type: ignore[arg-type]


def test_list_filters_sorts_and_pages(services: Services, orgs: dict[str, str]) -> None:
    assert _names(services) == ["Acme Mobility", "City of Plano", "Denver Water",
                                "Zenith University"]
    assert _names(services, OrganizationFilter(consortium_id=CONS["CSCA"])) == [
        "Denver Water", "Zenith University"]
    assert _names(services, OrganizationFilter(sector="utility")) == ["Denver Water"]
    assert _names(services, OrganizationFilter(tag="MOBILITY")) == ["Acme Mobility",
                                                                     "City of Plano"]
    assert _names(services, OrganizationFilter(text="zen")) == ["Zenith University"]
    assert _names(services, OrganizationFilter(consortium_id=CONS["NTXIA"],
                                               sector="company")) == ["Acme Mobility"]
    assert _names(services, sort="contacts", descending=True)[:2] == [
        "Zenith University", "Acme Mobility"]
    assert _names(services, sort="city") == ["City of Plano", "Acme Mobility",
                                             "Zenith University", "Denver Water"]
    assert _names(services, descending=True)[0] == "Zenith University"
    page = services.organizations.list(offset=1, limit=2)
    assert [o.name for o in page.rows] == ["City of Plano", "Denver Water"]
    assert (page.total, page.offset) == (4, 1)
    with pytest.raises(ValidationError) as err:
        services.organizations.list(sort="size")
    assert err.value.for_field("sort") == ["Cannot sort by 'size'."]
    counts = {o.name: o.contact_count for o in services.organizations.list().rows}
    assert counts == {"Acme Mobility": 1, "City of Plano": 0, "Denver Water": 0,
                      "Zenith University": 2}


def test_consortia_are_built_in_with_counts(services: Services, orgs: dict[str, str]) -> None:
    consortia = services.consortia.list()
    assert {c.short_name for c in consortia} == {c.short_name for c in CONSORTIA}
    assert all(c.builtin for c in consortia)
    csca = services.consortia.get(CONS["CSCA"])
    assert (csca.organization_count, csca.contact_count) == (2, 2)
    assert csca.sector_counts == {"utility": 1, "university": 1}
    assert services.consortia.by_short_name("csca").id == CONS["CSCA"]  # type: ignore[union-attr]
    assert services.consortia.by_short_name("Colorado Smart Cities Alliance").id == CONS["CSCA"]  # type: ignore[union-attr]
    assert services.consortia.by_short_name("NOPE") is None
    with pytest.raises(NotFound):
        services.consortia.get("nope")


def _contact_shows(services: Services, contact_id: str) -> dict[str, object]:
    """Everything that names a contact's organization: list row, record, search, exports."""
    from coordinator.formats.exports import export_contacts

    row = services.contacts.rows([contact_id])[0]
    record = services.contacts.get(contact_id)
    csv_text = export_contacts(services.db, "csv", ids=[contact_id]).decode("utf-8-sig")
    vcard_text = export_contacts(services.db, "vcard3", ids=[contact_id]).decode("utf-8")
    return {"row": row.organization_name, "record": record.organization_name,
            "search": sorted(h.entity for h in services.search.search("acme").hits),
            "csv": "Acme" in csv_text, "vcard": "ORG:" in vcard_text}


def test_trashed_organization_is_not_shown_on_its_contacts(services: Services,
                                                           build: Build) -> None:
    org = build.org("Acme Mobility")
    contact = build.contact("Ada", "Lovelace", org=org)
    before = _contact_shows(services, contact.id)
    assert before == {"row": "Acme Mobility", "record": "Acme Mobility",
                      "search": ["contact", "organization"], "csv": True, "vcard": True}

    services.organizations.delete(org.id)
    # The contact stays, showing no organization anywhere, and no longer found by its name.
    assert _contact_shows(services, contact.id) == {
        "row": "", "record": "", "search": [], "csv": False, "vcard": False}
    assert services.search.search("lovelace").hits[0].id == contact.id
    # Sorting and filtering by organization do not see it either.
    by_org = services.contacts.list(sort="organization").rows
    assert [r.organization_name for r in by_org] == [""]
    assert services.contacts.list(ContactFilter(sector="company")).total == 0

    # Restoring the organization relinks it everywhere.
    services.organizations.restore(org.id)
    assert _contact_shows(services, contact.id) == before


def test_contacts_in_trash_counts_and_change_reports(services: Services, build: Build,
                                                     changes: list) -> None:
    org = build.org("Acme Mobility")
    a, b = build.contact("Ada", "A", org=org), build.contact("Bob", "B", org=org)
    gone = build.contact("Cy", "C", org=org)
    services.contacts.delete(gone.id)
    build.contact("Di", "D", org=build.org("Other"))
    assert services.organizations.contact_count(org.id) == 2  # live contacts only

    changes.clear()
    services.organizations.delete(org.id)
    (change,) = changes
    assert change.ids("organization", "deleted") == {org.id}  # type: ignore[arg-type]
    assert change.ids("contact", "updated") == {a.id, b.id}  # type: ignore[arg-type]
    # Still linked underneath, so the organization's count does not change in Trash.
    assert services.organizations.contact_count(org.id) == 2

    changes.clear()
    services.organizations.restore(org.id)
    (change,) = changes
    assert change.ids("contact", "updated") == {a.id, b.id}  # type: ignore[arg-type]
    assert services.contacts.get(a.id).organization_name == "Acme Mobility"


def test_editing_a_contact_of_a_trashed_organization_keeps_the_link(
        services: Services, build: Build) -> None:
    org = build.org("Acme Mobility")
    contact = build.contact("Ada", "Lovelace", org=org)
    services.organizations.delete(org.id)
    data = services.contacts.get(contact.id)
    data.title = "Analyst"
    services.contacts.update(contact.id, data)
    services.organizations.restore(org.id)
    assert services.contacts.get(contact.id).organization_name == "Acme Mobility"


def test_meeting_attendees_do_not_name_a_trashed_organization(services: Services,
                                                             build: Build) -> None:
    org = build.org("Acme Mobility")
    ada = build.contact("Ada", "Lovelace", org=org)
    meeting = build.meeting(attendees=[ada])
    assert services.meetings.get(meeting.id).attendees[0].organization_name == "Acme Mobility"
    services.organizations.delete(org.id)
    assert services.meetings.get(meeting.id).attendees[0].organization_name == ""
    services.organizations.restore(org.id)
    assert services.meetings.get(meeting.id).attendees[0].organization_name == "Acme Mobility"
