"""Organizations whose names both carry numbers, and different ones, are different bodies
("Fire District 5" and "Fire District 6"): Find Duplicates neither pairs nor scores them.
A name with a number and one without stay candidates (an import's "Acme ... (2)" copy),
and the same number written differently ("#5", "No. 5", "05") still matches."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz

from coordinator.formats import duplicates
from coordinator.formats.alike_names import Comparisons, alike_scores_in_groups
from coordinator.formats.duplicates import name_numbers
from coordinator.formats.known import organization_key
from coordinator.services import Services
from coordinator.services.duplicate_rule import SIMILAR
from coordinator.services.records import OrganizationData

ONSET = ["b", "d", "g", "k", "l", "m", "p", "r", "s", "t", "v", "z", "br", "st", "tr"]
VOWEL = ["a", "e", "i", "o", "u", "ai", "oo"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(ONSET) + rng.choice(VOWEL) for _ in range(3)).capitalize()


def _pairs(services: Services, names: list[str]) -> dict[frozenset[str], list[str]]:
    for name in names:
        services.organizations.create(OrganizationData(name=name))
    return {frozenset((p.first_label, p.second_label)): p.reasons
            for p in duplicates.find_duplicate_organizations(services.db)}


@pytest.mark.parametrize("first, second", [
    ("Fire District 5", "Fire District 6"),
    ("Lakeview School District No. 3", "Lakeview School District No. 4"),
    ("Region 7 Council", "Region 8 Council"),
    ("Region 7 Council of Governments", "Region 17 Council of Governments"),
    ("Harbor Water Authority (342)", "Harbor Water Authority (398)"),
    ("Route 1 and 9 Coalition", "Route 1 and 8 Coalition"),  # a number each side alike
])
@pytest.mark.parametrize("older_first", [True, False])
def test_different_numbers_are_different_bodies(services: Services, first: str, second: str,
                                                older_first: bool) -> None:
    names = [first, second] if older_first else [second, first]
    assert _pairs(services, names) == {}


@pytest.mark.parametrize("first, second", [
    ("Harbor Water Authority", "Harbor Water Authority (2)"),  # an import's copy
    ("Fire District 5", "Fire District #5"),
    ("Fire District 5", "Fire District No. 5"),
    ("Fire District #5", "Fire District No. 05"),
    ("Route 1 and 9 Coalition", "Route 9 & 1 Coalition"),
    ("Région 7 Council", "REGION 7 COUNCIL"),
])
@pytest.mark.parametrize("older_first", [True, False])
def test_the_same_numbers_or_one_without_still_match(services: Services, first: str,
                                                     second: str, older_first: bool) -> None:
    names = [first, second] if older_first else [second, first]
    assert set(_pairs(services, names)) == {frozenset((first, second))}


def test_the_numbers_of_a_name() -> None:
    assert name_numbers(organization_key("Fire District No. 05")) == ("5",)
    assert name_numbers(organization_key("Route 9 & 1, Unit 0")) == ("0", "1", "9")
    assert name_numbers(organization_key("Fire District ５")) == ("5",)  # full-width
    assert name_numbers(organization_key("Route 9 and 9")) == ("9", "9")  # a multiset
    assert name_numbers(organization_key("Harbor Water Authority")) == ()


def test_numbered_copies_are_never_scored_against_each_other(services: Services) -> None:
    """Fifty names, each also in nine numbered copies: every copy is scored only against
    the names without a number in its blocks (its own name among them), never against
    another copy; and each copy pairs with its own name, the copies with none."""
    rng = random.Random(11)
    bases = [f"{_word(rng)} {_word(rng)} Partnership" for _ in range(50)]
    numbers = iter(rng.sample(range(100, 30000), 50 * 9))
    names = bases + [f"{base} ({next(numbers)})" for base in bases for _ in range(9)]
    rng.shuffle(names)
    for name in names:
        services.organizations.create(OrganizationData(name=name))
    counted = Comparisons()
    pairs = duplicates.find_duplicate_organizations(services.db, comparisons=counted)

    # Each copy shares two distinctive words with its own name (and 'partnership', in
    # more than MAX_BLOCK names, is no block), so is scored at most twice per name
    # without a number there; comparing every two names in each block scored each copy
    # with all nine others of its name too.
    copies = len(names) - len(bases)
    assert 0 < counted.scored <= 2 * copies, counted.scored
    found = {frozenset((p.first_label, p.second_label)) for p in pairs}
    assert found == {frozenset((name, name.rsplit(" (", 1)[0])) for name in names
                     if name not in bases}


def test_groups_are_paired_within_and_with_the_names_of_no_group() -> None:
    names = ["harbor water authority", "harbor water authority 2",
             "harbor water authority 3", "harbor water authority 2", "harbor water authorty"]
    groups = [None, ("2",), ("3",), ("2",), None]
    counted = Comparisons()
    found = {(i, j) for i, j, _score in alike_scores_in_groups(names, groups, counted)}
    assert found == {(0, 1), (0, 2), (0, 3), (0, 4), (1, 3), (1, 4), (2, 4), (3, 4)}
    # the two without a group once, the two 2s once, then each of the three numbered
    # names against the two without: 8 of the 10 pairs; 2 and 3 never meet
    assert counted.scored == 1 + 1 + 3 * 2


@pytest.mark.parametrize("small", [0, 10_000])  # the pieces filter, or all in C
def test_groups_the_same_pairs_as_comparing_every_two(small: int) -> None:
    rng = random.Random(23)
    names: list[str] = []
    for _ in range(300):
        if names and rng.random() < 0.5:
            name = rng.choice(names)
            at = rng.randrange(len(name))
            names.append(name[:at] + rng.choice("aeo") + name[at + 1:])
        else:
            names.append(f"{_word(rng)} {_word(rng)}".lower())
    groups = [rng.choice([None, None, 1, 2, 3]) for _ in names]
    counted = Comparisons()
    found = {(i, j): score for i, j, score in alike_scores_in_groups(names, groups, counted,
                                                                      small=small)}
    expected = {}
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if None in (groups[i], groups[j]) or groups[i] == groups[j]:
                score = fuzz.token_sort_ratio(names[i], names[j])
                if score >= SIMILAR:
                    expected[(i, j)] = score
    assert found.keys() == expected.keys() and len(expected) > 50
    assert all(found[p] == pytest.approx(expected[p]) for p in expected)
    assert counted.scored < len(names) * (len(names) - 1) // 2
