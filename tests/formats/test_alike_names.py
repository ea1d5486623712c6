"""Names alike within an organization: both ways `alike_names` pairs them (in C, equal
names once and only lengths that can still reach the threshold; or through the pieces
filter) find exactly the pairs that comparing every two names finds."""

from __future__ import annotations

import random

from rapidfuzz import fuzz, process

from coordinator.formats.alike_names import alike_pairs
from coordinator.services.duplicate_rule import SIMILAR

GIVEN = ["ana", "anna", "maria", "mariah", "jon", "john", "jonathan", "li", "lee", "zoe",
         "chidi", "kateryna", "katerina", "soren", "jose", "josé", "wei", "omar", "grace"]
FAMILY = ["smith", "smyth", "martinez", "martines", "okafor", "raman", "ramen", "zhang",
          "ostergaard", "bondarenko", "nunez", "cote", "liu", "khan", "o'neil", "van der berg"]


def _every_pair(names: list[str]) -> set[tuple[int, int]]:
    found = set()
    for i, name in enumerate(names[:-1]):
        if not name:
            continue
        for _m, _s, j in process.extract(name, names[i + 1:], scorer=fuzz.token_sort_ratio,
                                         score_cutoff=SIMILAR, limit=None):
            found.add((i, i + 1 + j))
    return found


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3 or rng.random() < 0.6:
        return word
    at = rng.randrange(len(word))
    return rng.choice([word[:at] + word[at + 1:], word[:at] + "x" + word[at:],
                       word[:at] + "e" + word[at + 1:]])


def test_the_same_pairs_as_comparing_every_two_names() -> None:
    rng = random.Random(16)
    for size in (2, 3, 40, 300, 900, 2500):
        names = []
        for _ in range(size):
            roll = rng.random()
            if roll < 0.05:
                names.append("")
            elif roll < 0.15:
                names.append(rng.choice(GIVEN))
            else:
                parts = [_typo(rng, rng.choice(GIVEN)), _typo(rng, rng.choice(FAMILY))]
                if rng.random() < 0.2:
                    parts.insert(1, rng.choice(GIVEN)[:1])
                if rng.random() < 0.3:
                    parts.reverse()
                names.append(" ".join(parts))
        every = _every_pair(names)
        for small in (None, 0):  # in C when short, and through the pieces filter
            fast = alike_pairs(names, small=small)
            assert len(fast) == len(set(fast))  # each pair once
            assert all(i < j for i, j in fast)
            assert set(fast) == every, (size, small)
