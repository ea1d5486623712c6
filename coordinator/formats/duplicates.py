"""Probable duplicates, with a score from 0 to 100 and the reasons.

Contacts are judged by `services.duplicate_rule` (the rule the contact form and the
importer use too): the same email, the same or a similar name at the same
organization, the same name and a shared phone, the same name where one or both have
no organization. A phone shared by people whose names differ (a switchboard) is not
a reason. Organizations: names that are the same once folded and reordered ("City of
Plano" / "Plano, City of" / "CITY OF PLANO") score 100, similar names that share a
distinctive word score by their similarity.

Comparisons are blocked (candidates come from shared emails, shared phones, one
organization, one name; organizations by distinctive word) so 100,000 contacts take
seconds, not hours.

Pairs the user marked "not duplicates" (`services.duplicate_decisions`) are left out,
unless `include_dismissed=True`: then they come back with `dismissed=True`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import text

from coordinator.db import Database
from coordinator.formats.known import organization_key, same_name_key
from coordinator.formats.parsed import CancelCheck, ProgressCallback, check_cancel
from coordinator.services import duplicate_rule as rule
from coordinator.services.duplicate_decisions import dismissed_pairs
from coordinator.services.duplicate_rule import PROBABLE, SIMILAR

MAX_BLOCK = 400  # larger blocks are too generic to say anything (e.g. 'smith')
_ORG_STOP = {"the", "of", "and", "for", "city", "town", "village", "county", "inc", "llc",
             "co", "corp", "corporation", "company", "ltd", "department", "dept",
             "university", "college", "office", "government", "state", "district", "at"}


@dataclass
class DuplicatePair:
    entity: str  # contact or organization
    first_id: str  # the older record: the usual survivor
    second_id: str
    score: int
    reasons: list[str] = field(default_factory=list)
    first_label: str = ""
    second_label: str = ""
    dismissed: bool = False  # marked "not duplicates" (listed only when asked for)


class _Pairs:
    def __init__(self, entity: str) -> None:
        self.entity = entity
        self.found: dict[tuple[str, str], DuplicatePair] = {}

    def add(self, a: str, b: str, score: int, reason: str) -> None:
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        pair = self.found.get(key)
        if pair is None:
            self.found[key] = DuplicatePair(self.entity, key[0], key[1], score, [reason])
        elif reason not in pair.reasons:
            pair.reasons.append(reason)
            pair.score = min(100, max(pair.score, score) + 5)


def _same_value_groups(rows: Iterable[tuple[str, str]]) -> list[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for value, record_id in rows:
        if value and record_id not in groups[value]:
            groups[value].append(record_id)
    return [ids for ids in groups.values() if 1 < len(ids) <= MAX_BLOCK]


def _fuzzy_block(pairs: _Pairs, names: list[str], ids: list[str], reason: str,
                 offset: int = 0) -> None:
    """Pairs of similar names within one block (rapidfuzz compares in C)."""
    if len(ids) < 2:
        return
    for i, name in enumerate(names[:-1]):
        rest = names[i + 1 :]
        for _match, score, j in process.extract(name, rest, scorer=fuzz.token_sort_ratio,
                                                score_cutoff=SIMILAR, limit=None):
            what = "same name" if score == 100 else "similar name"
            pairs.add(ids[i], ids[i + 1 + j], (95 if score == 100 else int(score) - 5) - offset,
                      f"{what}{reason}")


def _alike_names(names: list[str]) -> list[tuple[int, int]]:
    """Index pairs (i < j) of names at least SIMILAR alike by token-sort ratio: the same
    pairs as comparing every two names, found with fewer comparisons. Equal names are
    compared once (they score alike against every other name) and are all alike; two
    names whose lengths differ too much cannot reach SIMILAR (an insertion or deletion
    per extra character), so each is compared only with names of nearby lengths, in C."""
    positions: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        if name:
            positions[" ".join(sorted(name.split()))].append(i)
    found: list[tuple[int, int]] = []
    for same in positions.values():  # equal names: every pair scores 100
        found.extend((a, b) for n, a in enumerate(same) for b in same[n + 1:])
    keys = sorted(positions, key=len)
    lengths = [len(k) for k in keys]
    # ratio = 100 * (1 - indel / (la + lb)) and indel >= lb - la: with la <= lb, a ratio
    # of SIMILAR or more needs lb <= la * (100 + s) / s', s = 100 - SIMILAR, s' = SIMILAR.
    stretch = (200 - SIMILAR) / SIMILAR
    for n, key in enumerate(keys[:-1]):
        end = bisect_right(lengths, lengths[n] * stretch + 1e-9, n + 1)
        if end <= n + 1:
            continue
        for _match, _score, j in process.extract(key, keys[n + 1:end],
                                                 scorer=fuzz.ratio, score_cutoff=SIMILAR,
                                                 limit=None):
            for a in positions[key]:
                for b in positions[keys[n + 1 + j]]:
                    found.append((a, b) if a < b else (b, a))
    return found


def find_duplicate_contacts(db: Database, *, progress: ProgressCallback | None = None,
                            cancelled: CancelCheck | None = None,
                            min_score: int = PROBABLE,
                            include_dismissed: bool = False) -> list[DuplicatePair]:
    with db.read() as session:
        dismissed = dismissed_pairs(session, "contact")
        people = session.execute(text(
            "SELECT c.id, c.given_name, c.family_name, c.full_name, c.organization_id, "
            "coalesce(o.name, '') FROM contact c LEFT JOIN organization o "
            "ON o.id = c.organization_id WHERE c.deleted_at IS NULL "
            "ORDER BY c.created_at, c.id")).all()
        emails = session.execute(text(
            "SELECT e.address_key, e.contact_id FROM contact_email e JOIN contact c "
            "ON c.id = e.contact_id WHERE c.deleted_at IS NULL")).all()
        phones = session.execute(text(
            "SELECT p.e164, p.contact_id FROM contact_phone p JOIN contact c "
            "ON c.id = p.contact_id WHERE c.deleted_at IS NULL AND p.e164 IS NOT NULL")).all()
    order = {r[0]: i for i, r in enumerate(people)}
    labels = {r[0]: r[3] + (f" ({r[5]})" if r[5] else "") for r in people}
    org_names = {r[4]: r[5] for r in people if r[4]}
    names = {r[0]: rule.name_key(r[1], r[2]) for r in people}
    emails_of: dict[str, set[str]] = defaultdict(set)
    phones_of: dict[str, set[str]] = defaultdict(set)
    for key, cid in emails:
        emails_of[cid].add(key)
    for number, cid in phones:
        phones_of[cid].add(number)
    facts = {cid: rule.ContactFacts(names[cid], org_id or "", frozenset(emails_of[cid]),
                                    frozenset(phones_of[cid]))
             for cid, _g, _f, _full, org_id, _o in people}
    candidates: set[tuple[str, str]] = set()

    def candidate(a: str, b: str) -> None:
        if a != b:
            candidates.add((a, b) if a < b else (b, a))

    steps = 4
    _report(progress, 0, steps)
    for ids in _same_value_groups((k, cid) for k, cid in emails):
        for other in ids[1:]:  # each with the first: one merge each gathers them all
            candidate(ids[0], other)
    check_cancel(cancelled)
    _report(progress, 1, steps)
    # A shared phone counts only with alike names: compare the names within each number.
    for ids in _same_value_groups((k, cid) for k, cid in phones):
        for i, j in _alike_names([names[cid] for cid in ids]):
            candidate(ids[i], ids[j])
    check_cancel(cancelled)
    _report(progress, 2, steps)
    by_org: dict[str, list[str]] = defaultdict(list)
    by_name: dict[str, list[str]] = defaultdict(list)
    for cid, _given, _family, _full, org_id, _org in people:
        if org_id:
            by_org[org_id].append(cid)
        if names[cid]:
            by_name[names[cid]].append(cid)
    for n, members in enumerate(by_org.values()):
        if n % 2000 == 0:
            check_cancel(cancelled)
        if 1 < len(members) <= 5000:
            for i, j in _alike_names([names[cid] for cid in members]):
                candidate(members[i], members[j])
    _report(progress, 3, steps)
    for members in by_name.values():  # the same name where one has no organization
        if 1 < len(members) <= MAX_BLOCK:
            loose = [cid for cid in members if not facts[cid].organization]
            for a in loose[1:]:  # with the oldest of them, as for a shared email
                candidate(loose[0], a)
            for a in loose:
                for b in members:
                    if facts[b].organization:
                        candidate(a, b)
    check_cancel(cancelled)
    pairs = _Pairs("contact")
    for a, b in candidates:
        org = facts[a].organization
        found = rule.likeness(facts[a], facts[b], org_names.get(org, "") if org else "")
        if found is not None:
            pairs.found[(a, b)] = DuplicatePair("contact", a, b, found.score, found.reasons)
    _report(progress, steps, steps)
    return _finish(pairs, labels, order, min_score, dismissed, include_dismissed)


def _report(progress: ProgressCallback | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _finish(pairs: _Pairs, labels: dict[str, str], order: dict[str, int],
            min_score: int, dismissed: set[tuple[str, str]],
            include_dismissed: bool) -> list[DuplicatePair]:
    out = []
    for key, pair in pairs.found.items():  # keys are in canonical order, as decisions
        if pair.score < min_score:
            continue
        if key in dismissed:
            if not include_dismissed:
                continue
            pair.dismissed = True
        if order.get(pair.second_id, 0) < order.get(pair.first_id, 0):
            pair.first_id, pair.second_id = pair.second_id, pair.first_id
        pair.first_label = labels.get(pair.first_id, "")
        pair.second_label = labels.get(pair.second_id, "")
        out.append(pair)
    out.sort(key=lambda p: (-p.score, p.first_label.casefold(), p.second_label.casefold()))
    return out


def find_duplicate_organizations(db: Database, *, cancelled: CancelCheck | None = None,
                                 min_score: int = 70,
                                 include_dismissed: bool = False) -> list[DuplicatePair]:
    pairs = _Pairs("organization")
    with db.read() as session:
        dismissed = dismissed_pairs(session, "organization")
        orgs = session.execute(text(
            "SELECT id, name FROM organization WHERE deleted_at IS NULL "
            "ORDER BY created_at, id")).all()
    order = {r[0]: i for i, r in enumerate(orgs)}
    labels = {r[0]: r[1] for r in orgs}
    keys = {oid: organization_key(name) for oid, name in orgs}
    exact: dict[str, list[str]] = defaultdict(list)
    for oid, key in keys.items():
        exact[same_name_key(key)].append(oid)
    for ids in exact.values():
        for other in ids[1:]:
            pairs.add(ids[0], other, 100, "same name")
    blocks: dict[str, list[str]] = defaultdict(list)
    for oid, key in keys.items():
        for word in set(key.split()) - _ORG_STOP:
            if len(word) > 2:
                blocks[word].append(oid)
    check_cancel(cancelled)
    for word, ids in blocks.items():
        if 1 < len(ids) <= MAX_BLOCK:
            _fuzzy_block(pairs, [keys[i] for i in ids], ids, f" (share '{word}')", offset=5)
    return _finish(pairs, labels, order, min_score, dismissed, include_dismissed)
