"""Find Duplicates compares only what its blocks (shared emails, phones, organization,
name, distinctive words) and the pieces filter of `alike_names` let through, and still
finds exactly the pairs that comparing every two records finds: checked here against a
brute-force reference (every pair, rapidfuzz on each) on generated coalitions full of
near-duplicates. The number of names scored is counted, not timed."""

from __future__ import annotations

import random
import re
from itertools import combinations

import pytest
from rapidfuzz import fuzz

from coordinator.formats import alike_names, duplicates, importer
from coordinator.formats.alike_names import Comparisons, alike_pairs
from coordinator.formats.duplicates import _ORG_STOP, MAX_BLOCK
from coordinator.formats.known import organization_key, same_name_key
from coordinator.formats.reader import parse_contacts
from coordinator.services import Services
from coordinator.services.duplicate_rule import (
    PROBABLE,
    SIMILAR,
    ContactFacts,
    likeness,
    name_key,
    names_alike,
)
from coordinator.services.records import ContactData, EmailData, OrganizationData

GIVEN = ["Zoë", "Marcus", "Priya", "José", "Renée", "Wei", "Aiyana", "Søren", "Kateryna",
         "Tomás", "Kwame", "Grace", "Isabel", "Chidi", "Hannah", "Luis", "Amélie", "Omar",
         "Folake", "Kenji", "Ana", "Fatima", "Liam", "Olivia", "Noah", "Emma", "Mary Ann",
         "Jean-Luc", "Siobhán", "Bartholomew", "Li", "Dmitri", "Ngozi", "Astrid", "Mateo"]
ONSET = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
         "br", "ch", "dr", "gr", "kr", "pl", "sh", "st", "tr"]
VOWEL = ["a", "e", "i", "o", "u", "ai", "ea", "ie", "oo"]
CODA = ["", "", "n", "r", "s", "l", "m", "t", "nd", "rt", "ck", "ng"]


def _family(rng: random.Random) -> str:
    word = "".join(rng.choice(ONSET) + rng.choice(VOWEL) + rng.choice(CODA)
                   for _ in range(rng.randint(2, 3)))
    return word.capitalize()


def _typo(rng: random.Random, word: str) -> str:
    at = rng.randrange(1, len(word))
    return rng.choice([word[:at] + word[at + 1:], word[:at] + rng.choice("aeist") + word[at:],
                       word[:at] + rng.choice("aeiou") + word[at + 1:]])


def _plain(word: str) -> str:
    """Accents off, upper case: how another system may have typed the same name."""
    table = str.maketrans("ëéèáóúñøöíã", "eeeaounooia")
    return word.translate(table).upper()


def _variant(rng: random.Random, given: str, family: str) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.3:
        return given, _typo(rng, family)
    if roll < 0.5:
        return _typo(rng, given), family
    if roll < 0.7:
        return _plain(given), _plain(family)
    if roll < 0.85:
        return family, given  # swapped name order
    return _typo(rng, given), _typo(rng, family)  # sometimes still alike, mostly not


def _people(rng: random.Random, count: int) -> list[tuple[str, str]]:
    people: list[tuple[str, str]] = []
    for _ in range(count):
        if people and rng.random() < 0.2:
            people.append(_variant(rng, *rng.choice(people)))
        else:
            people.append((rng.choice(GIVEN), _family(rng)))
    return people


# -- contacts ------------------------------------------------------------------------------

LARGE = 120  # more distinct names than this go through the pieces filter in these tests


def _contact_coalition(services: Services, seed: int) -> None:
    """A large organization (more distinct names than LARGE: the pieces filter), two small
    ones and people with none; switchboards shared by many; near-duplicates everywhere;
    a few planted with the same email (as the same person at another organization)."""
    rng = random.Random(seed)
    big = services.organizations.create(OrganizationData(name="Regional Transit Authority"))
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    acme = services.organizations.create(OrganizationData(name="Acme Labs Inc"))
    places = [(big, LARGE + 200, "+1 214 555 0100"), (plano, 40, "+1 972 555 0100"),
              (acme, 40, "+1 817 555 0100"), (None, 70, "")]
    lines = ["First Name,Last Name,Company,E-mail Address,Business Phone"]
    n = 0
    for org, count, switchboard in places:
        for given, family in _people(rng, count):
            n += 1
            phone = switchboard if switchboard and rng.random() < 0.3 else (
                f"+1 303 {200 + n // 10000:03d} {n % 10000:04d}")
            if rng.random() < 0.05:  # the same number as an earlier person (one person?)
                phone = f"+1 303 200 {rng.randrange(1, n):04d}"
            lines.append(f"{given},{family},{org.name if org else ''},p{n}@example.org,{phone}")
    importer.apply(services.db, parse_contacts(("\n".join(lines) + "\n").encode()),
                   importer.ImportOptions(duplicates="create"))
    rows = services.contacts.list(limit=10_000).rows
    for row in rng.sample(rows, 12):  # the same email elsewhere: one person, moved
        person = services.contacts.get(row.id)
        given, family = _variant(rng, person.given_name, person.family_name)
        services.contacts.create(ContactData(
            given_name=given, family_name=family,
            organization_id=rng.choice([None, plano.id, acme.id]),
            emails=[EmailData(person.emails[0].address)]))


def _contact_pairs_by_brute_force(services: Services) -> dict[frozenset[str], tuple]:
    """Every two live contacts judged by the rule; listed when the finder's documented
    blocks would list them: a shared email (shared here by two at most); alike names at
    one organization or with a shared phone; the same name where one has no organization
    (several without one: each with the oldest of them)."""
    contacts = sorted((services.contacts.get(r.id) for r in services.contacts.list(
        limit=10_000).rows), key=lambda c: (c.created_at, c.id))
    facts = {c.id: ContactFacts.of(c) for c in contacts}
    org_name = {c.id: c.organization_name for c in contacts}
    first_loose: dict[str, str] = {}
    for c in contacts:
        if not c.organization_id:
            first_loose.setdefault(facts[c.id].name, c.id)
    found = {}
    for a, b in combinations([c.id for c in contacts], 2):
        fa, fb = facts[a], facts[b]
        alike = names_alike(fa.name, fb.name)
        loose_a, loose_b = not fa.organization, not fb.organization
        listed = bool(fa.emails & fb.emails) or (alike and (
            (fa.organization and fa.organization == fb.organization)
            or bool(fa.phones & fb.phones))) or (fa.name and fa.name == fb.name and (
                loose_a != loose_b or (loose_a and first_loose[fa.name] in (a, b))))
        if not listed:
            continue
        judged = likeness(fa, fb, org_name[a] if fa.organization else "")
        if judged is not None and judged.score >= PROBABLE:
            found[frozenset((a, b))] = (judged.score, judged.reasons)
    return found


def test_contacts_the_same_pairs_as_comparing_every_two(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alike_names, "SMALL", LARGE)
    _contact_coalition(services, seed=16)
    counted = Comparisons()
    pairs = duplicates.find_duplicate_contacts(services.db, comparisons=counted)
    found = {frozenset((p.first_id, p.second_id)): (p.score, p.reasons) for p in pairs}
    expected = _contact_pairs_by_brute_force(services)
    assert len(found) == len(pairs)
    assert found == expected
    # the kinds of evidence the generated coalition is meant to exercise
    reasons = {r.split(" at ")[0] for score, why in expected.values() for r in why}
    assert {"same email", "same name", "similar name", "same name and phone",
            "same name, no organization", "same name, one without an organization"} <= reasons
    # far fewer names scored than there are pairs of people in the large organization
    assert 0 < counted.scored < (LARGE + 200) ** 2 / 2 / 4


# -- organizations -------------------------------------------------------------------------

PLACES = ["Plano", "Denton", "Arlington", "Tucson", "Chandler", "Montréal", "Boulder",
          "Peoria", "Naperville", "Kansas City", "Olathe", "Gainesville", "Mesa", "Tempe",
          "San Marcos", "Fort Worth"]
KINDS = ["City of {}", "{} County", "University of {}", "{} Water Utility", "{} Labs Inc",
         "{} Transit Authority", "{} Innovation Foundation", "{} School District {}"]


def _organization_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    for _ in range(count):
        if names and rng.random() < 0.35:
            name = rng.choice(names)
            roll = rng.random()
            if roll < 0.25 and name.startswith("City of "):
                names.append(f"{name[8:]}, City of")  # the inverted form
            elif roll < 0.45:
                names.append(_plain(name))
            elif roll < 0.6:
                names.append(name.replace(" Inc", ", Inc.").replace("University", "Univ."))
            elif roll < 0.75:  # an import's numbered copy, or "#" / "No." before a number
                names.append(rng.choice([f"{name} ({rng.randint(1, 30)})",
                                         re.sub(r" (\d+)$", r" #\1", name),
                                         re.sub(r" (\d+)$", r" No. 0\1", name)]))
            else:
                word = rng.choice([w for w in name.split() if len(w) > 3] or [name])
                names.append(name.replace(word, _typo(rng, word), 1))
        else:
            place = rng.choice(PLACES + [_family(rng) for _ in range(3)])
            names.append(rng.choice(KINDS).format(place, rng.randint(1, 12)))
    return names


def _numbers(key: str) -> list[int]:
    return sorted(int(run) for run in re.findall(r"[0-9]+", key))


def _organization_pairs_by_brute_force(orgs: list[tuple[str, str]]) -> dict:
    """Every two live organizations: names the same once folded and reordered (each with
    the oldest so named), or SIMILAR alike and sharing a distinctive word, unless both
    carry numbers and not the same ones."""
    keys = {oid: organization_key(name) for oid, name in orgs}
    words = {oid: {w for w in key.split() if len(w) > 2 and w not in _ORG_STOP}
             for oid, key in keys.items()}
    block = {w: sum(w in ws for ws in words.values()) for ws in words.values() for w in ws}
    oldest: dict[str, str] = {}
    for oid, _name in orgs:
        oldest.setdefault(same_name_key(keys[oid]), oid)
    found = {}
    for a, b in combinations([oid for oid, _name in orgs], 2):
        reasons, score = [], 0
        if same_name_key(keys[a]) == same_name_key(keys[b]) and oldest[
                same_name_key(keys[a])] in (a, b):
            reasons, score = ["same name"], 100
        shared = sorted(w for w in words[a] & words[b] if 1 < block[w] <= MAX_BLOCK)
        ratio = fuzz.token_sort_ratio(keys[a], keys[b])
        numbered = _numbers(keys[a]) and _numbers(keys[b])
        if numbered and _numbers(keys[a]) != _numbers(keys[b]):
            ratio = 0  # different numbers: different bodies
        if shared and ratio >= SIMILAR:
            what = "same name" if ratio == 100 else "similar name"
            reasons += [f"{what} (share '{w}')" for w in shared]
            if not score:
                base = 90 if ratio == 100 else int(ratio) - 10
                score = min(100, base + 5 * (len(shared) - 1))
        if reasons and score >= 70:
            found[frozenset((a, b))] = (score, sorted(reasons))
    return found


@pytest.mark.parametrize("large", [20, 10_000])  # the pieces filter, or all in C
def test_organizations_the_same_pairs_as_comparing_every_two(
        services: Services, monkeypatch: pytest.MonkeyPatch, large: int) -> None:
    monkeypatch.setattr(alike_names, "SMALL", large)
    rng = random.Random(7)
    orgs = []
    for name in _organization_names(rng, 160):
        orgs.append((services.organizations.create(OrganizationData(name=name)).id, name))
    trashed = services.organizations.create(OrganizationData(name=orgs[0][1]))
    services.organizations.delete(trashed.id)  # in Trash: matched by nothing

    pairs = duplicates.find_duplicate_organizations(services.db)
    found = {frozenset((p.first_id, p.second_id)): (p.score, sorted(p.reasons))
             for p in pairs}
    expected = _organization_pairs_by_brute_force(orgs)
    assert found == expected
    assert len(expected) > 40 and any("similar name" in r for _s, why in expected.values()
                                      for r in why)
    # numbered names on both sides were paired (the same number) and kept apart
    names = dict(orgs)
    numbered = [(a, b) for a, b in combinations(names, 2)
                if _numbers(organization_key(names[a])) and _numbers(organization_key(names[b]))
                and fuzz.token_sort_ratio(organization_key(names[a]),
                                          organization_key(names[b])) >= SIMILAR]
    assert any(frozenset(p) in expected for p in numbered)
    assert any(frozenset(p) not in expected for p in numbered)


# -- how the work grows --------------------------------------------------------------------

def test_doubling_the_names_of_one_organization() -> None:
    """Names scored as the people of one organization double (new people, a fifth of
    them near-duplicates of earlier ones): about twice as many each time, and a small
    share of every pair. (Names crowded with a few long given names cost more: every
    pair of people sharing one is scored, as comparing every two would.)"""
    rng = random.Random(3)
    everyone: list[str] = []
    while len(everyone) < 6000:
        if everyone and rng.random() < 0.2:
            given, family = rng.choice(everyone).split(" ", 1)
            everyone.append(name_key(*_variant(rng, given, family)))
        else:
            everyone.append(name_key(_family(rng)[:rng.randint(3, 7)], _family(rng)))
    scored, found = [], []
    for size in (1500, 3000, 6000):
        counted = Comparisons()
        found.append(len(alike_pairs(everyone[:size], counted, small=0)))
        scored.append(counted.scored)
        assert counted.scored < size * (size - 1) / 2 / 1000
    assert scored[1] / scored[0] < 2.7 and scored[2] / scored[1] < 2.7


def test_doubling_one_organization_through_find_duplicates(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same through Find Duplicates: the people of one organization imported in two
    halves; the names scored by the second search about twice the first's."""
    monkeypatch.setattr(alike_names, "SMALL", LARGE)
    rng = random.Random(5)
    people: list[tuple[str, str]] = []
    while len(people) < 3000:
        if people and rng.random() < 0.2:
            people.append(_variant(rng, *rng.choice(people)))
        else:
            people.append((_family(rng)[:rng.randint(3, 7)].capitalize(), _family(rng)))
    scored = []
    for half in (people[:1500], people[1500:]):
        start = len(scored) * 1500
        lines = ["First Name,Last Name,Company,E-mail Address"] + [
            f"{given},{family},Regional Transit Authority,p{start + n}@example.org"
            for n, (given, family) in enumerate(half)]
        importer.apply(services.db, parse_contacts(("\n".join(lines) + "\n").encode()),
                       importer.ImportOptions(duplicates="create"))
        counted = Comparisons()
        duplicates.find_duplicate_contacts(services.db, comparisons=counted)
        scored.append(counted.scored)
    assert scored[0] > 0 and scored[1] / scored[0] < 2.7, scored
