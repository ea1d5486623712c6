"""What the database already holds, in the shape an import needs for matching:
contacts by id, email and (folded) name per organization; organizations by a match key
that ignores case, accents, word order and "X, City of" inversions; consortia by name
and short name. Also: a sector guessed from an organization's name.

An import's probable duplicate is narrower than Find Duplicates' (`duplicate_rule`):
only the same full name at the same organization (or with no organization on either
side). A row with a known email is not a duplicate but an update of that contact. A
shared phone (colleagues share a switchboard) or a similar name ("Ashley Martinez",
"Ashley Martin") is never enough to leave a row out: an import cannot ask, and people
left out silently are lost; Find Duplicates shows such pairs afterwards."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import text
from sqlmodel import Session

from coordinator.formats.bulk import FoldCache
from coordinator.formats.fields import fold_cached
from coordinator.formats.parsed import ParsedContact
from coordinator.models import Sector, fold
from coordinator.services.duplicate_rule import (
    SAME_NAME_NO_ORGANIZATION,
    SAME_NAME_SAME_ORGANIZATION,
)

_SECTOR_HINTS = (
    (r"\b(county|parish|borough)\b", Sector.COUNTY),
    (r"\b(city|town|village|township|municipality|ville)\b", Sector.LOCAL_GOVERNMENT),
    (r"\b(university|college|institute|school)\b", Sector.UNIVERSITY),
    (r"\b(electric|energy|power|utilit(y|ies)|water district|gas)\b", Sector.UTILITY),
    (r"\b(authority|council of governments|association of governments|department|"
     r"commission|agency|state of|regional)\b", Sector.REGIONAL_AGENCY),
    (r"\b(foundation|alliance|nonprofit|non-profit|association|coalition|society)\b",
     Sector.NONPROFIT),
    (r"\b(inc|llc|ltd|corp|corporation|company|co|gmbh|plc|technologies|labs)\b\.?",
     Sector.COMPANY),
)


_ABBREVIATIONS = {"univ": "university", "dept": "department", "assn": "association",
                  "assoc": "association", "govt": "government", "intl": "international",
                  "ctr": "center", "centre": "center", "natl": "national", "tx": "texas"}
_FILLER = {"the", "of", "and"}


def organization_key(name: str) -> str:
    """'Plano, City of' -> 'city of plano'; 'Univ. of North Texas' -> 'university of north
    texas' (folded, reordered inversions, common abbreviations spelt out)."""
    key = fold(name).replace("&", " and ")
    m = re.match(r"^(.*?),\s*(city|town|village|county|state|university|college)\s+of$", key)
    if m:
        key = f"{m.group(2)} of {m.group(1)}"
    words = [_ABBREVIATIONS.get(w, w) for w in re.sub(r"[^\w\s]", " ", key).split()]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def same_name_key(key: str) -> str:
    """Word order and filler words do not matter: 'county of denton' = 'denton county'."""
    return " ".join(sorted(w for w in key.split() if w not in _FILLER))


@lru_cache(maxsize=65536)
def org_match_key(name: str) -> str:
    """What two names of one organization share: 'Plano, City of', 'CITY OF PLANO' and
    'City of Plano' all give 'city plano'."""
    return same_name_key(organization_key(name)) if name else ""


def guess_sector(name: str) -> str:
    key = fold(name)
    for pattern, sector in _SECTOR_HINTS:
        if re.search(pattern, key):
            return sector.value
    return Sector.OTHER.value


def sorted_words(key: str) -> str:
    """A folded name with its words in order: what rapidfuzz's token_sort_ratio compares
    (folded text has single spaces only, so both split it the same way)."""
    return " ".join(sorted(key.split())) if " " in key else key


def _at(pc: ParsedContact) -> str:
    return f" at {pc.organization}" if pc.organization else ""


@dataclass
class KnownRecords:
    """Lookups for one import. An import file's own rows about to be created are
    remembered (`remember`) as their `ParsedContact`, so that later rows of the same
    file can be matched against them; ids of saved contacts are strings."""

    live_ids: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)  # contact id -> full name
    by_email: dict[str, str] = field(default_factory=dict)
    # (org_match_key, name_key) -> the first contact id, or row of this file, so named
    by_name: dict[tuple[str, str], str | ParsedContact] = field(default_factory=dict)
    organizations: dict[str, str] = field(default_factory=dict)  # org_match_key -> id
    org_consortium: dict[str, str | None] = field(default_factory=dict)
    consortia: dict[str, str] = field(default_factory=dict)  # folded name/short -> id
    folds: FoldCache = field(default_factory=FoldCache)  # shared with the bulk writer
    _label_consortium: dict[str, str | None] = field(default_factory=dict)
    _plain_labels: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> KnownRecords:
        k = cls()
        for cid, name, short in session.execute(text(
                "SELECT id, name, short_name FROM consortium WHERE deleted_at IS NULL")):
            k.consortia[fold(name)] = cid
            k.consortia[fold(short)] = cid
        for oid, name, cons in session.execute(text(
                "SELECT id, name, consortium_id FROM organization "
                "WHERE deleted_at IS NULL ORDER BY created_at")):
            k.organizations.setdefault(org_match_key(name), oid)
            k.org_consortium[oid] = cons
        joined = k.folds.joined
        # A contact whose organization is in Trash shows none: so it has none here, and
        # a row naming that organization is not "the same name at" it.
        for cid, given, family, full, org_name in session.execute(text(
                "SELECT c.id, c.given_name, c.family_name, c.full_name, "
                "coalesce(o.name, '') FROM contact c LEFT JOIN organization o "
                "ON o.id = c.organization_id AND o.deleted_at IS NULL "
                "WHERE c.deleted_at IS NULL")):
            k.live_ids.add(cid)
            k.names[cid] = full
            k.by_name.setdefault((org_match_key(org_name), joined(given, family)), cid)
        for key, cid in session.execute(text(
                "SELECT e.address_key, e.contact_id FROM contact_email e JOIN contact c "
                "ON c.id = e.contact_id WHERE c.deleted_at IS NULL")):
            k.by_email.setdefault(key, cid)
        return k

    def name_key(self, given: str, family: str) -> str:
        """`name_key(given, family)`, with each part folded once per import."""
        return self.folds.joined(given, family)

    def name(self, contact_id: str | ParsedContact | None) -> str:
        if isinstance(contact_id, ParsedContact):
            pc = contact_id
            return f"{pc.data.given_name} {pc.data.family_name} ({pc.where} of this file)"
        return self.names.get(contact_id or "", "an existing contact")

    def consortium_for(self, label: str) -> str | None:
        """The consortium a label names ('NTXIA', 'the connective'), else None; asked
        for every label of every row, answered once per distinct label."""
        if not label:
            return None
        try:
            return self._label_consortium[label]
        except KeyError:
            found = self._label_consortium[label] = self.consortia.get(fold_cached(label))
            return found

    def without_consortia(self, labels: list[str]) -> list[str]:
        """`labels` without those that name a consortium, worked out once per distinct
        set of labels (a file repeats the same few). Do not change the list returned."""
        key = tuple(labels)
        found = self._plain_labels.get(key)
        if found is None:
            found = self._plain_labels[key] = [t for t in labels
                                               if self.consortium_for(t) is None]
        return found

    def probable_duplicate(self, pc: ParsedContact, key: str, org_key: str | None = None
                           ) -> tuple[str | None, str, int] | None:
        """(existing contact id or None for an earlier row, reason, score) when the row
        has the same full name at the same organization as a contact or an earlier row
        (see the module's rule), else None; `key` is the row's `name_key`, `org_key` its
        organization's `org_match_key`. Emails are matched before (an update)."""
        if not key:  # two rows without a name are not one person by that
            return None
        if org_key is None:
            org_key = org_match_key(pc.organization)
        exact = self.by_name.get((org_key, key))
        if exact is None:
            return None
        if org_key:
            return self._own(exact, f"same name{_at(pc)} as {self.name(exact)}",
                             SAME_NAME_SAME_ORGANIZATION)
        return self._own(exact, f"same name, no organization, as {self.name(exact)}",
                         SAME_NAME_NO_ORGANIZATION)

    @staticmethod
    def _own(cid: str | ParsedContact, why: str, score: int) -> tuple[str | None, str, int]:
        return (cid if isinstance(cid, str) else None), why, score

    def remember(self, pc: ParsedContact, key: str, org_key: str | None = None) -> None:
        """Make a row about to be created findable by later rows of the same file."""
        if org_key is None:
            org_key = org_match_key(pc.organization)
        self.by_name.setdefault((org_key, key), pc)
