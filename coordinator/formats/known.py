"""What the database already holds, in the shape an import needs for matching:
contacts by id, email, phone and (folded) name per organization; organizations by a
match key that ignores case, accents, word order and "X, City of" inversions;
consortia by name and short name. Also: a sector guessed from an organization's name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from sqlalchemy import text
from sqlmodel import Session

from coordinator.formats.bulk import FoldCache
from coordinator.formats.fields import fold_cached
from coordinator.formats.parsed import ParsedContact
from coordinator.models import Sector, fold

SIMILAR_NAME = 88  # rapidfuzz token_sort_ratio at or above which names look alike

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


def name_key(given: str, family: str) -> str:
    return fold(f"{given} {family}")


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
    by_phone: dict[str, str | ParsedContact] = field(default_factory=dict)
    # org key -> ([name keys, words sorted], [contact ids or rows of this file])
    by_org: dict[str, tuple[list[str], list[str | ParsedContact]]] = field(
        default_factory=dict)
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
        for cid, given, family, full, org_name in session.execute(text(
                "SELECT c.id, c.given_name, c.family_name, c.full_name, "
                "coalesce(o.name, '') FROM contact c LEFT JOIN organization o "
                "ON o.id = c.organization_id WHERE c.deleted_at IS NULL")):
            k.live_ids.add(cid)
            k.names[cid] = full
            org_key = org_match_key(org_name)
            nk = joined(given, family)
            group = k.by_org.get(org_key)
            if group is None:
                group = k.by_org[org_key] = ([], [])
            group[0].append(sorted_words(nk))
            group[1].append(cid)
            k.by_name.setdefault((org_key, nk), cid)
        for key, cid in session.execute(text(
                "SELECT e.address_key, e.contact_id FROM contact_email e JOIN contact c "
                "ON c.id = e.contact_id WHERE c.deleted_at IS NULL")):
            k.by_email.setdefault(key, cid)
        for e164, cid in session.execute(text(
                "SELECT p.e164, p.contact_id FROM contact_phone p JOIN contact c "
                "ON c.id = p.contact_id WHERE c.deleted_at IS NULL AND p.e164 IS NOT NULL")):
            k.by_phone.setdefault(e164, cid)
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
        """(existing contact id or None for an earlier row, reason, score) or None;
        `key` is the row's `name_key`, `org_key` its organization's `org_match_key`."""
        if org_key is None:
            org_key = org_match_key(pc.organization)
        exact = self.by_name.get((org_key, key))
        if exact is not None:
            return self._own(exact, f"same name{_at(pc)} as {self.name(exact)}",
                             100 if org_key else 80)
        group = self.by_org.get(org_key) if org_key else None
        if group and key:
            # token_sort_ratio(a, b) is ratio() of the words sorted: the group keeps its
            # names with sorted words, so each row sorts only its own.
            found = process.extractOne(sorted_words(key), group[0], scorer=fuzz.ratio,
                                       score_cutoff=SIMILAR_NAME)
            if found is not None:
                cid = group[1][found[2]]
                return self._own(cid, f"similar name{_at(pc)} as {self.name(cid)}",
                                 int(found[1]))
        for p in pc.data.phones:
            if p.e164 and p.e164 in self.by_phone:
                cid = self.by_phone[p.e164]
                return self._own(cid, f"same phone {p.e164} as {self.name(cid)}", 85)
        return None

    @staticmethod
    def _own(cid: str | ParsedContact, why: str, score: int) -> tuple[str | None, str, int]:
        return (cid if isinstance(cid, str) else None), why, score

    def remember(self, pc: ParsedContact, key: str, org_key: str | None = None) -> None:
        """Make a row about to be created findable by later rows of the same file."""
        if org_key is None:
            org_key = org_match_key(pc.organization)
        group = self.by_org.get(org_key)
        if group is None:
            group = self.by_org[org_key] = ([], [])
        group[0].append(sorted_words(key))
        group[1].append(pc)
        self.by_name.setdefault((org_key, key), pc)
        for p in pc.data.phones:
            if p.e164:
                self.by_phone.setdefault(p.e164, pc)
