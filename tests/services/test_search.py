"""Search: prefixes as you type, accents ignored, ranked, grouped with snippets, kept in
step with every write, rebuilt by reindex, and no user string raises."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordinator.services import ContactFilter, OrganizationFilter, ProposalFilter, Services
from coordinator.services.records import ActionItemData, AgendaItemData, SectionData
from coordinator.services.search import ENTITY_ORDER, SearchResults, fts_query

from .conftest import Build


def found(services: Services, query: str, entity: str | None = None) -> list[str]:
    """Titles of the hits, in rank order (of one entity when given)."""
    return [h.title for h in services.search.search(query).hits
            if entity is None or h.entity == entity]


@pytest.fixture
def people(build: Build) -> dict[str, str]:
    plano = build.org("City of Plano", consortium="NTXIA", sector="local_government")
    made = {
        "zoe": build.contact("Zoë", "Ødegård", org=plano, emails=["zoe@plano.example.org"]),
        "lukasz": build.contact("Łukasz", "Nguyễn", title="Data Officer"),
        "zora": build.contact("Zora", "Neale", title="CIO"),
        "bob": build.contact("Bob", "Zoeller"),
    }
    ids = {k: v.id for k, v in made.items()}
    ids["plano"] = plano.id
    return ids


@pytest.mark.parametrize(("query", "expected"), [
    ("zo", {"Zoë Ødegård", "Zora Neale", "Bob Zoeller"}),
    ("zoe", {"Zoë Ødegård", "Bob Zoeller"}),
    ("Zoë", {"Zoë Ødegård", "Bob Zoeller"}),
    ("ZOË", {"Zoë Ødegård", "Bob Zoeller"}),
    ("odegard", {"Zoë Ødegård"}),
    ("Ødeg", {"Zoë Ødegård"}),
    ("lukasz", {"Łukasz Nguyễn"}),
    ("nguyen", {"Łukasz Nguyễn"}),
    ("zoe odeg", {"Zoë Ødegård"}),  # every word must match
    ("zoe neale", set()),
    ("plano", {"Zoë Ødegård"}),  # through the organization's name
    ("zoe@plano", {"Zoë Ødegård"}),  # through an email address
    ("data off", {"Łukasz Nguyễn"}),  # title
])
def test_prefix_and_accent_insensitive(services: Services, people: dict[str, str], query: str,
                                       expected: set[str]) -> None:
    assert set(found(services, query, "contact")) == expected


def test_title_matches_rank_first(services: Services, build: Build) -> None:
    build.contact("Ann", "Smith", title="Zephyr liaison")
    build.contact("Zephyr", "Jones")
    build.contact("Cy", "Young", title="Zephyr zephyr zephyr expert")
    assert found(services, "zephyr", "contact")[0] == "Zephyr Jones"
    assert set(found(services, "zephyr", "contact")) == {"Zephyr Jones", "Ann Smith",
                                                         "Cy Young"}


def test_results_grouped_by_type_with_snippets(services: Services, build: Build,
                                               people: dict[str, str]) -> None:
    org = services.organizations.get(people["plano"])
    build.proposal("Plano Smart Corridors", partners=[org], summary="Signals in Plano")
    build.meeting("Plano site visit", notes="Walk the Plano corridor")
    results = services.search.search("plano")
    assert isinstance(results, SearchResults)
    assert list(results.groups) and set(results.groups) <= set(ENTITY_ORDER)
    assert {e: [h.title for h in hits] for e, hits in results.groups.items()} == {
        "contact": ["Zoë Ødegård"], "organization": ["City of Plano"],
        "proposal": ["Plano Smart Corridors"], "meeting": ["Plano site visit"]}
    assert [h.entity for h in results.hits] == ["contact", "organization", "proposal",
                                                 "meeting"]
    assert len(results) == 4
    for hit in results.hits:
        assert hit.id and isinstance(hit.rank, float)
    contact = results.groups["contact"][0]
    assert contact.id == people["zoe"]
    assert "[Plano]" in contact.snippet  # the match is marked
    assert "[Plano]" in results.groups["meeting"][0].snippet


def test_limit_per_group(services: Services, build: Build) -> None:
    for i in range(12):
        build.contact("Zeb", f"Person{i:02d}")
    assert len(services.search.search("zeb").groups["contact"]) == 8
    assert len(services.search.search("zeb", limit_per_group=3).groups["contact"]) == 3
    assert len(services.search.search("zeb", limit_per_group=50).groups["contact"]) == 12


def test_empty_and_wordless_queries(services: Services, people: dict[str, str]) -> None:
    for query in ("", "   ", "!!!", "*", "\"\"", "--", "()"):
        results = services.search.search(query)
        assert len(results) == 0 and results.hits == []
        assert results.query == query


def test_index_follows_contact_writes(services: Services, people: dict[str, str]) -> None:
    zoe = people["zoe"]
    services.contacts.delete(zoe)
    assert found(services, "odegard") == []
    services.contacts.restore(zoe)
    assert found(services, "odegard") == ["Zoë Ødegård"]

    data = services.contacts.get(zoe)
    data.family_name = "Quimby"
    services.contacts.update(zoe, data)
    assert found(services, "odegard") == []
    assert found(services, "quimb") == ["Zoë Quimby"]

    services.contacts.delete(zoe)
    services.contacts.purge(zoe)
    assert found(services, "quimby") == []


def test_organization_rename_reindexes_its_contacts(services: Services,
                                                   people: dict[str, str]) -> None:
    org = services.organizations.get(people["plano"])
    org.name = "Town of Frisco"
    services.organizations.update(org.id, org)
    assert found(services, "frisco", "contact") == ["Zoë Ødegård"]
    assert found(services, "frisco", "organization") == ["Town of Frisco"]
    assert found(services, "plano", "contact") == ["Zoë Ødegård"]  # still via the email
    assert found(services, "city of", "organization") == []
    services.organizations.delete(org.id)
    assert found(services, "frisco", "organization") == []
    services.organizations.restore(org.id)
    assert found(services, "frisco", "organization") == ["Town of Frisco"]


def test_proposals_and_meetings_are_indexed_in_full(services: Services, build: Build) -> None:
    p = build.proposal("Smart Corridors", summary="Connected signals", funder="Knight Fdn",
                       sections=[SectionData("Budget", "Includes a quokka census")])
    ada = build.contact("Ada", "Lovelace")
    m = build.meeting("Workshop", series="Mobility WG", location="Room Walrus",
                      notes="We talked about narwhals",
                      agenda=["Platypus update"], decisions=["Adopt the axolotl plan"],
                      actions=[ActionItemData("Email the pangolin team", ada.id)])
    for word in ("quokka", "knight", "connected"):
        assert found(services, word) == ["Smart Corridors"], word
    for word in ("walrus", "narwhal", "platypus", "axolotl", "pangolin", "mobility wg"):
        assert found(services, word) == ["Workshop"], word

    p.sections = [SectionData("Budget", "A wombat census")]
    services.proposals.update(p.id, p)
    assert found(services, "quokka") == []
    assert found(services, "wombat") == ["Smart Corridors"]

    m.agenda = [AgendaItemData("Echidna update")]
    services.meetings.update(m.id, m)  # type: ignore[arg-type]
    assert found(services, "platypus") == []
    assert found(services, "echidna") == ["Workshop"]
    services.meetings.delete(m.id)  # type: ignore[arg-type]
    assert found(services, "echidna") == []
    services.proposals.delete(p.id)
    assert found(services, "wombat") == []


def test_consortia_are_searchable(services: Services) -> None:
    assert found(services, "kc digital", "consortium") == ["KC Digital Drive"]
    assert found(services, "ntxia", "consortium") == ["North Texas Innovation Alliance"]


def test_reindex_gives_the_same_results(services: Services, build: Build,
                                        people: dict[str, str]) -> None:
    build.proposal("Zoning reform", summary="Plano pilot")
    build.meeting("Zoom call", notes="About zoning")
    queries = ["zo", "plano", "odegard", "nguyen", "cio", "ntxia", "zoning", "z"]

    def run() -> dict[str, list[tuple[str, str, str]]]:
        # Consortia are compared in test_builtin_consortia_indexed_as_reindex_does.
        return {q: [(h.entity, h.id, h.snippet) for h in services.search.search(q).hits
                    if h.entity != "consortium"] for q in queries}

    before = run()
    count = services.search.reindex()
    assert count == 4 + 1 + 1 + 1 + 7  # contacts, organization, proposal, meeting, consortia
    assert run() == before
    assert before["zo"] and before["ntxia"]  # the comparison is not vacuous


def test_builtin_consortia_indexed_as_reindex_does(services: Services) -> None:
    def run() -> list[tuple[str, str]]:
        return [(h.id, h.snippet) for h in services.search.search("ntxia").hits]

    before, finds_state = run(), found(services, "tx", "consortium")
    services.search.reindex()
    assert run() == before
    assert finds_state == found(services, "tx", "consortium")


def test_reindex_of_the_sample_coalition(services: Services) -> None:
    from coordinator.demo import build_demo

    build_demo(services)
    queries = ["zo", "zoe", "odegard", "city of", "broadband", "partnership call", "a"]
    before = {q: [(h.entity, h.id) for h in services.search.search(q).hits] for q in queries}
    services.search.reindex()
    after = {q: [(h.entity, h.id) for h in services.search.search(q).hits] for q in queries}
    assert after == before
    assert all(before[q] for q in queries)


# -- hostile input -------------------------------------------------------------------------

HOSTILE = [
    '"', '""', '"zoe', 'zoe"', "'", "zoe's", "*", "zo*", "**", "AND", "OR", "NOT",
    "zoe AND", "AND zoe", "zoe OR", "NOT zoe", "zoe NOT odegard", "NEAR(", "NEAR(zoe odegard",
    "NEAR(zoe, 2)", "C++", "c#", "(", ")", "((zoe", "zoe))", "col:x", "title:zoe",
    "body:plano", "{title}: zoe", "-x", "-zoe", "^", "^zoe", "+zoe", "zoe -odegard", "😀",
    "Zoë 😀 Ødegård", "👩‍👩‍👧‍👦", "\x00", "zo\x00e", "zoe\x00", "%", "_", "zoe_odegard",
    "'; DROP TABLE contact; --", "\\", "\n\t\r", "\u200b", "\ufeffzoe", "ǅ", "ﬁ", "ß",
    "İstanbul", "x" * 10_240, "zoe " * 2_560, "é" * 5_000, "😀" * 2_560,
    " ".join(["NEAR(", "\"", "*", "AND", "OR"] * 2_000),
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_are_accepted(demo: Services, query: str) -> None:
    results = demo.search.search(query)
    assert all(h.entity in ENTITY_ORDER for h in results.hits)
    demo.contacts.list(ContactFilter(text=query), limit=5)
    demo.organizations.list(OrganizationFilter(text=query), limit=5)
    demo.proposals.list(ProposalFilter(text=query), limit=5)


@pytest.mark.parametrize("query", ['"zoe', "^zoe", "+zoe", "((zoe", "zoe))", "zoe's",
                                   "\ufeffzoe", "Zoë 😀", "zoe\x00"])
def test_hostile_wrappers_still_find(demo: Services, query: str) -> None:
    assert any(h.title.startswith("Zoë") for h in demo.search.search(query).hits)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text())
def test_any_text_is_accepted(demo: Services, query: str) -> None:
    results = demo.search.search(query, limit_per_group=3)
    assert all(len(hits) <= 3 for hits in results.groups.values())
    assert all(h.entity in ENTITY_ORDER for h in results.hits)
    demo.contacts.list(ContactFilter(text=query), limit=3)


@settings(max_examples=200, deadline=None)
@given(query=st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_fts_query_is_always_well_formed(query: str) -> None:
    match = fts_query(query)
    if match is not None:
        terms = match.split(" ")
        assert 1 <= len(terms) <= 12
        assert all(t.startswith('"') and t.endswith('"*') for t in terms)
