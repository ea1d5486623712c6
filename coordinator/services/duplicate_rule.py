"""When two contacts are probably one person: one rule for Find Duplicates, for the
contact form's warning before saving, and for an import deciding what a row matches.

Evidence, from the strongest:

- the same email address: 100;
- the same name at the same organization: 95; a similar name there (rapidfuzz
  token-sort ratio of the folded names, SIMILAR or more): that ratio less 5;
- the same name and a shared phone number: 90; a similar name and a shared phone: 85;
- the same name where one or both have no organization: 70.

Each further reason adds 5 (at most 100). A phone shared between names that are not
alike is no evidence (colleagues share a switchboard), nor is the same name alone at
two different organizations (two people, or one who moved: only an email or a phone
can tell).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from coordinator.models import fold
from coordinator.services import validation as v
from coordinator.services.phones import e164 as phone_e164
from coordinator.services.records import ContactData

SIMILAR = 88  # token-sort ratio from which two names look alike
PROBABLE = 70  # the lowest score of a probable duplicate

SAME_EMAIL = 100
SAME_NAME_SAME_ORGANIZATION = 95
SAME_NAME_AND_PHONE = 90
SIMILAR_NAME_AND_PHONE = 85
SAME_NAME_NO_ORGANIZATION = 70


def name_key(given: str, family: str) -> str:
    """The folded name two records are compared by ("Zoë MARTÍNEZ" -> "zoe martinez")."""
    return fold(f"{given} {family}")


@dataclass(frozen=True)
class ContactFacts:
    """What the rule looks at in one contact (plain values: a saved contact, a form
    not saved yet, or a row of an import file)."""

    name: str  # name_key(given, family)
    organization: str = ""  # the same text for the same organization (its id); "" if none
    emails: frozenset[str] = frozenset()  # address keys: normalized, case folded
    phones: frozenset[str] = frozenset()  # E.164 numbers

    @classmethod
    def of(cls, data: ContactData) -> ContactFacts:
        """The facts of a contact as the form or the service holds it."""
        phones = {p.e164 or phone_e164(p.raw) for p in data.phones if p.raw.strip()}
        return cls(name_key(data.given_name, data.family_name), data.organization_id or "",
                   frozenset(v.normalize_email(e.address).casefold() for e in data.emails
                             if e.address.strip()),
                   frozenset(p for p in phones if p))


@dataclass
class Likeness:
    score: int
    reasons: list[str] = field(default_factory=list)


def name_similarity(a: str, b: str) -> int:
    """0 to 100: how alike two folded names are (100: the same)."""
    if not a or not b:
        return 0
    return 100 if a == b else int(fuzz.token_sort_ratio(a, b))


def names_alike(a: str, b: str) -> bool:
    """Whether two folded names (`name_key`) are the same or similar: what a shared
    phone needs before it counts as evidence."""
    return name_similarity(a, b) >= SIMILAR


def likeness(a: ContactFacts, b: ContactFacts, organization_label: str = "") -> Likeness | None:
    """How much `a` and `b` look like one person, with the reasons; None when nothing
    says so. `organization_label` names their shared organization in the reasons."""
    found: list[tuple[int, str]] = []
    if a.emails & b.emails:
        found.append((SAME_EMAIL, "same email"))
    names = name_similarity(a.name, b.name)
    at = f" at {organization_label}" if organization_label else " at the same organization"
    if a.organization and a.organization == b.organization:
        if names == 100:
            found.append((SAME_NAME_SAME_ORGANIZATION, f"same name{at}"))
        elif names >= SIMILAR:
            found.append((names - 5, f"similar name{at}"))
    elif names == 100 and not (a.organization and b.organization):
        both = not a.organization and not b.organization
        found.append((SAME_NAME_NO_ORGANIZATION, "same name, no organization" if both
                      else "same name, one without an organization"))
    if names >= SIMILAR and a.phones & b.phones:  # names_alike(a.name, b.name)
        found.append((SAME_NAME_AND_PHONE, "same name and phone") if names == 100
                     else (SIMILAR_NAME_AND_PHONE, "similar name and same phone"))
    if not found:
        return None
    found.sort(key=lambda f: -f[0])
    score = min(100, found[0][0] + 5 * (len(found) - 1))
    return Likeness(score, [reason for _score, reason in found])


def is_probable_duplicate(a: ContactFacts, b: ContactFacts) -> bool:
    """Whether `a` and `b` are probably one person (see the module's rule)."""
    found = likeness(a, b)
    return found is not None and found.score >= PROBABLE
