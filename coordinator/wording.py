"""Counts and articles in English, for every message that shows a number of things.

    plural(1, "contact")            -> "1 contact"
    plural(1200, "organization")    -> "1,200 organizations"
    plural(2, "person", "people")   -> "2 people"
    count_noun(3, "section")        -> "sections" (the noun alone, for "3 of 5 sections")
    a_or_an("organization")         -> "an organization"

Used by the CLI and the desktop app alike, so it never imports Qt.
"""

from __future__ import annotations

__all__ = ["a_or_an", "count_noun", "plural"]

# Words whose first letter misleads: "an hour", "a user", "a one-off", "an MOU".
_AN_EXCEPTIONS = ("hour", "honest", "honor", "heir")
_A_EXCEPTIONS = ("one", "once", "uni", "use", "usu", "user", "euro", "eu")


def count_noun(n: int, one: str, many: str | None = None) -> str:
    """`one` when n is 1 (or -1), else `many` (default: `one` + "s")."""
    return one if abs(n) == 1 else (many if many is not None else one + "s")


def plural(n: int, one: str, many: str | None = None) -> str:
    """The count with thousands separators, then the noun that agrees with it."""
    return f"{n:,} {count_noun(n, one, many)}"


def a_or_an(noun: str) -> str:
    """The noun with the indefinite article that goes with how it is spoken."""
    word = noun.strip()
    lowered = word.casefold()
    if lowered.startswith(_AN_EXCEPTIONS):
        article = "an"
    elif lowered.startswith(_A_EXCEPTIONS):
        article = "a"
    else:
        article = "an" if lowered[:1] in ("a", "e", "i", "o", "u") else "a"
    return f"{article} {word}"
