"""Proposals: partners, sections, budget, status, Trash, filters, sorting, paging."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coordinator.errors import Conflict, NotFound, ValidationError
from coordinator.services import ProposalFilter, Services
from coordinator.services.records import BudgetLineData, PartnerData, ProposalData, SectionData

from .conftest import CONS, TODAY, Build


def test_create_get_update(services: Services, build: Build) -> None:
    lead = build.org("City of Plano", consortium="NTXIA")
    uni = build.org("University of Denver", consortium="CSCA", sector="university")
    owner = build.contact("Ada", "Lovelace", org=lead)
    p = services.proposals.create(ProposalData(
        title=" Smart Corridors ", summary="Signals that talk.", status="drafting",
        funder="NSF", funder_call="CIVIC", amount_minor=125_000_00, currency="USD",
        due_date=date(2027, 3, 1), lead_organization_id=lead.id, owner_id=owner.id,
        partners=[PartnerData(lead.id, "lead", 10_000_00), PartnerData(uni.id, "co_lead")],
        sections=[SectionData("Vision", "*Bold* ideas"), SectionData("Plan", "Steps")],
        budget_lines=[BudgetLineData("Staff", 100_000_00), BudgetLineData("Travel", 25_000_00)],
        tags=["mobility"]))
    assert p.title == "Smart Corridors"
    assert (p.lead_organization_name, p.owner_name) == ("City of Plano", "Ada Lovelace")
    assert [(x.organization_name, x.role, x.commitment_minor, x.consortium_short_name)
            for x in p.partners] == [("City of Plano", "lead", 10_000_00, "NTXIA"),
                                     ("University of Denver", "co_lead", 0, "CSCA")]
    assert p.consortium_ids == {CONS["NTXIA"], CONS["CSCA"]}
    assert [(s.heading, s.body) for s in p.sections] == [("Vision", "*Bold* ideas"),
                                                          ("Plan", "Steps")]
    assert p.budget_lines == [BudgetLineData("Staff", 100_000_00),
                              BudgetLineData("Travel", 25_000_00)]
    assert p.tags == ["mobility"]
    assert services.proposals.get(p.id) == p

    p.sections = [SectionData("Plan", "Steps, revised")]
    p.partners = [PartnerData(uni.id, "lead")]
    p.status = "submitted"
    updated = services.proposals.update(p.id, p)
    assert [s.heading for s in updated.sections] == ["Plan"]
    assert updated.sections[0].body == "Steps, revised"
    assert [x.organization_id for x in updated.partners] == [uni.id]
    assert updated.status == "submitted"
    assert updated.updated_at > p.updated_at  # type: ignore[operator]


def test_set_status(services: Services, build: Build) -> None:
    p = build.proposal(status="idea")
    services.proposals.set_status(p.id, "awarded")
    assert services.proposals.get(p.id).status == "awarded"
    with pytest.raises(ValidationError) as err:
        services.proposals.set_status(p.id, "won")
    assert err.value.for_field("status") == ["Unknown status 'won'."]
    assert services.proposals.get(p.id).status == "awarded"
    with pytest.raises(NotFound):
        services.proposals.set_status("missing", "idea")


def test_delete_restore_purge(services: Services, build: Build) -> None:
    p = build.proposal("Smart Corridors")
    with pytest.raises(Conflict):
        services.proposals.purge(p.id)
    services.proposals.delete(p.id)
    with pytest.raises(NotFound):
        services.proposals.get(p.id)
    assert services.proposals.list().total == 0
    services.proposals.restore(p.id)
    assert services.proposals.list().total == 1
    services.proposals.delete(p.id)
    services.proposals.purge(p.id)
    with pytest.raises(NotFound):
        services.proposals.get(p.id, include_deleted=True)


def test_update_missing_proposal(services: Services) -> None:
    with pytest.raises(NotFound, match="No proposal with id nope"):
        services.proposals.update("nope", ProposalData(title="X"))


@pytest.fixture
def pipeline(services: Services, build: Build) -> dict[str, str]:
    plano = build.org("City of Plano", consortium="NTXIA")
    denver = build.org("Denver Water", consortium="CSCA", sector="utility")
    jax = build.org("City of Jacksonville", consortium="SNF")
    owner = build.contact("Ada", "Lovelace", org=plano)
    other = build.contact("Bob", "Anders", org=denver)
    made = {
        "corridors": build.proposal("Smart Corridors", "drafting", [plano, denver],
                                    due_date=TODAY + timedelta(days=30), owner_id=owner.id,
                                    funder="NSF", amount_minor=300, tags=["mobility"]),
        "water": build.proposal("Water Sensors", "submitted", [denver],
                                due_date=TODAY + timedelta(days=5), owner_id=other.id,
                                funder="EPA", amount_minor=100),
        "broadband": build.proposal("Broadband Map", "awarded", [jax],
                                    due_date=TODAY - timedelta(days=60), funder="nsf",
                                    amount_minor=200, lead_organization_id=plano.id),
        "idea": build.proposal("Air Quality Idea", "idea", [], amount_minor=0),
    }
    ids = {k: v.id for k, v in made.items()}
    ids.update(plano=plano.id, denver=denver.id, owner=owner.id)
    return ids


def _titles(services: Services, f: ProposalFilter | None = None, **kw: object) -> list[str]:
    return [p.title for p in services.proposals.list(f, **kw).rows]  # type: ignore[arg-type]


def test_list_filters(services: Services, pipeline: dict[str, str]) -> None:
    assert _titles(services) == ["Broadband Map", "Water Sensors", "Smart Corridors",
                                 "Air Quality Idea"]  # by due date, undated last
    assert _titles(services, ProposalFilter(status="submitted")) == ["Water Sensors"]
    assert _titles(services, ProposalFilter(statuses=("idea", "awarded"))) == [
        "Broadband Map", "Air Quality Idea"]
    assert _titles(services, ProposalFilter(open_only=True)) == [
        "Water Sensors", "Smart Corridors", "Air Quality Idea"]
    assert _titles(services, ProposalFilter(consortium_id=CONS["CSCA"])) == [
        "Water Sensors", "Smart Corridors"]
    assert _titles(services, ProposalFilter(organization_id=pipeline["plano"])) == [
        "Broadband Map", "Smart Corridors"]  # as partner or as lead
    assert _titles(services, ProposalFilter(owner_id=pipeline["owner"])) == ["Smart Corridors"]
    assert _titles(services, ProposalFilter(funder="NSF")) == ["Broadband Map",
                                                               "Smart Corridors"]
    assert _titles(services, ProposalFilter(tag="Mobility")) == ["Smart Corridors"]
    assert _titles(services, ProposalFilter(text="sens")) == ["Water Sensors"]
    assert _titles(services, ProposalFilter(due_after=TODAY, due_before=TODAY + timedelta(10))
                   ) == ["Water Sensors"]
    assert _titles(services, ProposalFilter(due_after=TODAY)) == ["Water Sensors",
                                                                  "Smart Corridors"]
    assert _titles(services, ProposalFilter(due_before=TODAY)) == ["Broadband Map"]


def test_list_sorting_and_paging(services: Services, pipeline: dict[str, str]) -> None:
    assert _titles(services, sort="title") == ["Air Quality Idea", "Broadband Map",
                                               "Smart Corridors", "Water Sensors"]
    assert _titles(services, sort="amount", descending=True) == [
        "Smart Corridors", "Broadband Map", "Water Sensors", "Air Quality Idea"]
    assert _titles(services, sort="status") == ["Broadband Map", "Smart Corridors",
                                                "Air Quality Idea", "Water Sensors"]
    page = services.proposals.list(sort="title", offset=2, limit=1)
    assert [p.title for p in page.rows] == ["Smart Corridors"]
    assert (page.total, page.offset) == (4, 2)
    with pytest.raises(ValidationError) as err:
        services.proposals.list(sort="colour")
    assert err.value.for_field("sort") == ["Cannot sort by 'colour'."]


def test_funders(services: Services, pipeline: dict[str, str]) -> None:
    assert services.proposals.funders() == ["EPA", "NSF", "nsf"]
