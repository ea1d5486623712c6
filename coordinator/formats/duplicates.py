"""Probable duplicates, with a score from 0 to 100 and the reasons.

Contacts are judged by `services.duplicate_rule` (the rule the contact form and the
importer use too): the same email, the same or a similar name at the same
organization, the same name and a shared phone, the same name where one or both have
no organization. A phone shared by people whose names differ (a switchboard) is not
a reason. Organizations: names that are the same once folded and reordered ("City of
Plano" / "Plano, City of" / "CITY OF PLANO") score 100, similar names that share a
distinctive word score by their similarity; two names that both carry numbers, and not
the same ones ("Fire District 5" / "Fire District 6"), are never a pair, and are never
compared.

Comparisons are blocked (candidates come from shared emails, shared phones, one
organization, one name; organizations by distinctive word), and names within a block
are paired by `alike_names`, which finds the same pairs as comparing every two names
while scoring few of them in a large block: 100,000 contacts take seconds, and an
organization of any size is searched. An organization in Trash matches nothing, and
its contacts have no organization here, as everywhere they are shown.

Pairs the user marked "not duplicates" (`services.duplicate_decisions`) are left out,
unless `include_dismissed=True`: then they come back with `dismissed=True`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import text

from coordinator.db import Database
from coordinator.formats.alike_names import Comparisons, alike_pairs, alike_scores_in_groups
from coordinator.formats.known import organization_key, same_name_key
from coordinator.formats.parsed import (
    CancelCheck,
    ProgressCallback,
    check_cancel,
    gc_paused,
)
from coordinator.services import duplicate_rule as rule
from coordinator.services.duplicate_decisions import dismissed_pairs
from coordinator.services.duplicate_rule import PROBABLE

MAX_BLOCK = 400  # larger blocks are too generic to say anything (e.g. 'smith')
_ORG_STOP = {"the", "of", "and", "for", "city", "town", "village", "county", "inc", "llc",
             "co", "corp", "corporation", "company", "ltd", "department", "dept",
             "university", "college", "office", "government", "state", "district", "at"}


_DIGITS = re.compile(r"\d+")


def name_numbers(key: str) -> tuple[str, ...]:
    """The numbers a folded organization name carries, as a sorted multiset of digit
    runs without leading zeros: 'fire district no 05' -> ('5',). Two names that both
    carry numbers, different ones, name different bodies ("Fire District 5" and "Fire
    District 6", "Region 7 Council" and "Region 8 Council"), as record linkage treats
    disagreeing numbers; a name with a number and one without ("Acme" and "Acme (2)",
    an import's copy) may still be one."""
    runs = _DIGITS.findall(key)
    if not runs:
        return ()
    return tuple(sorted((run if run.isascii() else "".join(
        str(unicodedata.decimal(c)) for c in run)).lstrip("0") or "0" for run in runs))


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
    """The records sharing each value (each once, in the order given), for values shared
    by more than one record and at most MAX_BLOCK."""
    groups: dict[str, list[str]] = {}
    for value, record_id in rows:
        if value:
            ids = groups.get(value)
            if ids is None:
                groups[value] = [record_id]
            else:
                ids.append(record_id)
    out = []
    for ids in groups.values():
        if len(ids) > 1:
            ids = list(dict.fromkeys(ids))  # a record with the value twice counts once
            if 1 < len(ids) <= MAX_BLOCK:
                out.append(ids)
    return out


def find_duplicate_contacts(db: Database, *, progress: ProgressCallback | None = None,
                            cancelled: CancelCheck | None = None,
                            min_score: int = PROBABLE,
                            include_dismissed: bool = False,
                            comparisons: Comparisons | None = None) -> list[DuplicatePair]:
    """Probable duplicate contacts, most alike first. `comparisons`, if given, counts the
    pairs of names scored. A contact whose organization is in Trash shows none, so here
    it has none: it is not at the same organization as anyone, by id or by name. The
    collector is paused: the search keeps nearly all it allocates (every row, every
    candidate pair), and walking that growing heap took a third of the time."""
    with gc_paused():
        return _contacts(db, progress, cancelled, min_score, include_dismissed, comparisons)


def _contacts(db: Database, progress: ProgressCallback | None, cancelled: CancelCheck | None,
              min_score: int, include_dismissed: bool,
              comparisons: Comparisons | None) -> list[DuplicatePair]:
    # Each table read whole and joined here: a join per row (looking up each contact's
    # organization, each email's and phone's contact) took three times as long.
    with db.read() as session:
        dismissed = dismissed_pairs(session, "contact")
        org_names = dict(session.execute(text(
            "SELECT id, name FROM organization WHERE deleted_at IS NULL")).all())
        people = [(cid, given, family, full, org if org in org_names else None,
                   org_names.get(org, "")) for cid, given, family, full, org in
                  session.execute(text(
                      "SELECT id, given_name, family_name, full_name, organization_id "
                      "FROM contact WHERE deleted_at IS NULL ORDER BY created_at, id")).all()]
        order = {r[0]: i for i, r in enumerate(people)}
        emails = [(key, cid) for key, cid in session.execute(text(
            "SELECT address_key, contact_id FROM contact_email")).all() if cid in order]
        phones = [(number, cid) for number, cid in session.execute(text(
            "SELECT e164, contact_id FROM contact_phone WHERE e164 IS NOT NULL")).all()
                  if cid in order]
    labels = {r[0]: r[3] + (f" ({r[5]})" if r[5] else "") for r in people}
    names = {r[0]: rule.name_key(r[1], r[2]) for r in people}
    emails_of: dict[str, set[str]] = defaultdict(set)
    phones_of: dict[str, set[str]] = defaultdict(set)
    for key, cid in emails:
        emails_of[cid].add(key)
    for number, cid in phones:
        phones_of[cid].add(number)
    organization = {r[0]: r[4] or "" for r in people}
    known: dict[str, rule.ContactFacts] = {}

    def facts(cid: str) -> rule.ContactFacts:  # built for the few candidates only
        found = known.get(cid)
        if found is None:
            found = known[cid] = rule.ContactFacts(
                names[cid], organization[cid], frozenset(emails_of.get(cid, ())),
                frozenset(phones_of.get(cid, ())))
        return found

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
        for i, j in alike_pairs([names[cid] for cid in ids], comparisons):
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
        if len(members) > 1:  # any size: a large one goes through the pieces filter
            for i, j in alike_pairs([names[cid] for cid in members], comparisons):
                candidate(members[i], members[j])
    _report(progress, 3, steps)
    for members in by_name.values():  # the same name where one has no organization
        if 1 < len(members) <= MAX_BLOCK:
            loose = [cid for cid in members if not organization[cid]]
            for a in loose[1:]:  # with the oldest of them, as for a shared email
                candidate(loose[0], a)
            for a in loose:
                for b in members:
                    if organization[b]:
                        candidate(a, b)
    check_cancel(cancelled)
    pairs = _Pairs("contact")
    for a, b in candidates:
        org = organization[a]
        found = rule.likeness(facts(a), facts(b), org_names.get(org, "") if org else "")
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
    folded: dict[str, str] = {}  # each label case folded once, not once per pair
    for key, pair in pairs.found.items():  # keys are in canonical order, as decisions
        if pair.score < min_score:
            continue
        if key in dismissed:
            if not include_dismissed:
                continue
            pair.dismissed = True
        if order.get(pair.second_id, 0) < order.get(pair.first_id, 0):
            pair.first_id, pair.second_id = pair.second_id, pair.first_id
        for record_id in key:
            if record_id not in folded:
                folded[record_id] = labels.get(record_id, "").casefold()
        pair.first_label = labels.get(pair.first_id, "")
        pair.second_label = labels.get(pair.second_id, "")
        out.append(pair)
    out.sort(key=lambda p: (-p.score, folded[p.first_id], folded[p.second_id]))
    return out


def find_duplicate_organizations(db: Database, *, cancelled: CancelCheck | None = None,
                                 min_score: int = 70, include_dismissed: bool = False,
                                 comparisons: Comparisons | None = None
                                 ) -> list[DuplicatePair]:
    """Probable duplicate organizations (in Trash: never). Names the same once folded
    and reordered: 100 ("same name"), each with the oldest so named. Names SIMILAR or
    more alike that share a distinctive word (one of more than two letters, not a
    filler like 'city' or 'inc', in at most MAX_BLOCK names): their ratio less 10 (90
    when their words are the same), and 5 more for each further such word they share. A
    pair is listed once however many words it shares (it is scored in each of their
    blocks, in C); `comparisons` counts the names scored. Names carrying different
    numbers (`name_numbers`) are kept apart within a block: not scored, not paired."""
    pairs = _Pairs("organization")
    with db.read() as session:
        dismissed = dismissed_pairs(session, "organization")
        orgs = session.execute(text(
            "SELECT id, name FROM organization WHERE deleted_at IS NULL "
            "ORDER BY created_at, id")).all()
    order = {r[0]: i for i, r in enumerate(orgs)}
    labels = {r[0]: r[1] for r in orgs}
    keys = {oid: organization_key(name) for oid, name in orgs}
    numbers = {oid: name_numbers(key) or None for oid, key in keys.items()}
    exact: dict[str, list[str]] = defaultdict(list)
    for oid, key in keys.items():
        exact[same_name_key(key)].append(oid)
    for ids in exact.values():
        for other in ids[1:]:
            pairs.add(ids[0], other, 100, "same name")
    blocks: dict[str, list[str]] = defaultdict(list)
    for oid, key in keys.items():
        for word in dict.fromkeys(key.split()):  # each word once, in the name's order
            if len(word) > 2 and word not in _ORG_STOP:
                blocks[word].append(oid)
    distinctive = {word: ids for word, ids in blocks.items() if 1 < len(ids) <= MAX_BLOCK}
    rank = {word: n for n, word in enumerate(distinctive)}.__getitem__
    words_of: dict[str, set[str]] = defaultdict(set)
    for word, ids in distinctive.items():
        for oid in ids:
            words_of[oid].add(word)
    check_cancel(cancelled)
    seen: set[tuple[str, str]] = set()
    with gc_paused():  # a few objects per pair, all kept: as for contacts
        for n, (word, ids) in enumerate(distinctive.items()):
            if n % 500 == 0:
                check_cancel(cancelled)
            for i, j, ratio in alike_scores_in_groups(
                    [keys[oid] for oid in ids], [numbers[oid] for oid in ids], comparisons):
                a, b = ids[i], ids[j]
                pair = (a, b) if a < b else (b, a)
                if pair in seen:  # listed from the first block they share, with all words
                    continue
                seen.add(pair)
                a, b = pair
                shared = words_of[a] & words_of[b]
                words = sorted(shared, key=rank) if len(shared) > 1 else [word]
                what = "same name" if ratio == 100 else "similar name"
                reasons = [f"{what} (share '{w}')" for w in words]
                known = pairs.found.get((a, b))
                if known is None:
                    base = 90 if ratio == 100 else int(ratio) - 10
                    pairs.found[(a, b)] = DuplicatePair(
                        "organization", a, b, min(100, base + 5 * (len(words) - 1)), reasons)
                else:  # the same name: 100 whatever else
                    known.reasons.extend(reasons)
        return _finish(pairs, labels, order, min_score, dismissed, include_dismissed)
