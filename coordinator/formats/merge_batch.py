"""Many contact merges at once: planned in Python, then written with a few bulk statements.

`merge.merge_all` hands each run of contact pairs here. The result is the one merging
the pairs one by one (`merge._merge_contact_pair`) would leave, pair after pair in the
order given, chains included (a <- b, then c <- a: c holds all three):

* the survivor's fields by the same rules (`merge.settle` with no choices, so a
  conflicting one-value field keeps the survivor's value and notes the other's;
  `combine.combine` for everything else), checked by `ContactService.validate` at each
  step, and between steps normalised as `ContactService.update` would save and read
  it back (`contact_rows.as_saved`): the next pair sees what a one-by-one merge reads;
* attendance, agenda presenters, action items and proposal owners follow their contact
  to its survivor (a second attendance of the same meeting is dropped, the survivor's
  kept); "not duplicates" decisions are carried over (`decisions.carry_over`);
* every record that was ever a survivor is written once with its last state
  (`contact_rows.write_rows`), each merged-away record goes to Trash, and the search
  index is refreshed for all of them.

What one-by-one merging costs per pair (reading the contacts and every organization's
name, an ORM update of the survivor and its children, a scan of each linking table,
re-indexing) is paid here once per batch. The undo records are those of the one-by-one
path, without its intermediate steps: each survivor's state before the batch, each
link's contact before the batch, each dropped attendance as it was; so
`batches.undo_batch` puts everything back the same way.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Container, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlmodel import Session

from coordinator.changes import ChangeKind
from coordinator.errors import Conflict, NotFound, ValidationError
from coordinator.formats import bulk, contact_rows
from coordinator.formats.combine import combine, snapshot
from coordinator.formats.contact_rows import many
from coordinator.formats.loading import load_contacts
from coordinator.formats.merge import (
    CARRIED_DECISION,
    CONTACT_LINKS,
    UNIQUE_WITH,
    refused,
    settle,
)
from coordinator.formats.parsed import CancelCheck, check_cancel
from coordinator.models import utcnow
from coordinator.models.base import sql_time
from coordinator.services import duplicate_decisions as decisions
from coordinator.services.base import record_change
from coordinator.services.contacts import ContactService
from coordinator.services.records import ContactData

if TYPE_CHECKING:
    from coordinator.formats.duplicates import DuplicatePair


@dataclass
class Link:
    """A row of a linking table (`row`: all its columns where a clash may drop it, else
    its id): the record it pointed at before the batch, and now."""

    table: str
    column: str
    row: dict
    original: str
    owner: str
    dropped: bool = False


@dataclass
class _Plan:
    state: dict[str, ContactData]  # each contact as a one-by-one merge would read it now
    originals: dict[str, ContactData]  # as it was before the batch
    rows: dict[str, dict] = field(default_factory=dict)  # ever a survivor: what is saved
    trashed: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    new_tags: dict[str, str] = field(default_factory=dict)  # folded name -> name


def plan_merges(pairs: Iterable[DuplicatePair], threshold: int,
                marked: Collection[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """The merges "merge every pair scoring `threshold` or more" makes, in order, as
    (entity, survivor id, other id) for `merge.merge_all`.

    Each pair goes into its first (older) record; a pair whose records were already
    merged stands for their survivors (a <- b, then b ~ c merges c into a), so every
    group ends with one survivor. A pair marked "not duplicates" is left alone, and
    so is a pair that would put together two records (of everything merged into
    either side) the user said are different (`marked`: canonical id pairs)."""
    partners: dict[str, set[str]] = {}
    for first, second in marked:
        partners.setdefault(first, set()).add(second)
        partners.setdefault(second, set()).add(first)
    survivor_of: dict[str, str] = {}
    members: dict[str, set[str]] = {}  # survivor -> every record merged into it, itself too

    def survivor(record: str) -> str:
        found = record
        while found in survivor_of:
            found = survivor_of[found]
        if found != record:
            survivor_of[record] = found
        return found

    plan: list[tuple[str, str, str]] = []
    for p in pairs:
        if p.score < threshold or p.dismissed:
            continue
        a, b = survivor(p.first_id), survivor(p.second_id)
        if a == b:
            continue
        group_a, group_b = members.get(a, {a}), members.get(b, {b})
        smaller, larger = sorted((group_a, group_b), key=len)
        if any(not partners.get(x, set()).isdisjoint(larger) for x in smaller):
            continue
        plan.append((p.entity, a, b))
        survivor_of[b] = a
        members[a] = group_a | members.pop(b, {b})
    return plan


def merge_contact_run(session: Session, contacts: ContactService, batch_id: str,
                      pairs: Sequence[tuple[str, str]],
                      cancelled: CancelCheck | None = None) -> int:
    """Merge each (survivor id, other id) in order inside the caller's unit of work,
    recorded in `batch_id`. Returns how many merges were made."""
    ids = list(dict.fromkeys(i for pair in pairs for i in pair))
    loaded = load_contacts(session, ids)
    check_cancel(cancelled)
    originals = {c.id: c for c in loaded if c.id}
    plan = _Plan(state=dict(originals), originals=originals)
    orgs = contact_rows.organizations(session, {c.organization_id for c in loaded
                                                if c.organization_id})
    tags = {r[0]: r[1] for r in session.execute(text("SELECT name_key, name FROM tag"))}
    by_owner = links_to(session, ids, CONTACT_LINKS)
    links = [link for owned in by_owner.values() for link in owned]
    decided = with_decisions(session, "contact", ids)
    carried: list[str] = []
    gone: set[str] = set()
    for step, (survivor_id, other_id) in enumerate(pairs):
        if step % 200 == 0:
            check_cancel(cancelled)
        survivor, other = take_pair(plan.state, gone, plan.rows, "contact",
                                    survivor_id, other_id)
        current_org = survivor.organization_id
        _combine_pair(survivor, other)
        try:
            contact_rows.check(contacts, survivor, current_org, orgs)
        except ValidationError as exc:
            raise refused(exc, survivor.full_name, other.full_name) from None
        values = plan.rows[survivor_id] = contact_rows.row_values(survivor, orgs)
        contact_rows.as_saved(survivor, values, orgs, tags, plan.new_tags)
        gone.add(other_id)
        plan.trashed.append(other_id)
        follow(by_owner, survivor_id, other_id)
        if other_id in decided:
            carried.extend(decisions.carry_over(session, "contact", survivor_id, other_id))
            decided.add(survivor_id)
    check_cancel(cancelled)
    plan.links = links
    _write(session, batch_id, plan, carried)
    return len(pairs)


def _combine_pair(survivor: ContactData, other: ContactData) -> None:
    """What `merge._merge_contact_pair` does to the survivor's data, with no choices."""
    settle(survivor, other, other.full_name, None)
    combine(survivor, other, other_wins=False)
    if not survivor.organization_id and other.organization_id:
        survivor.organization_id = other.organization_id


def links_to(session: Session, ids: list[str],
             tables: tuple[tuple[str, str], ...]) -> dict[str, list[Link]]:
    """Every row of the linking `tables` ((table, column)) that points at one of `ids`,
    by the record it points at."""
    by_owner: dict[str, list[Link]] = {}
    for table, column in tables:
        columns = "*" if table in UNIQUE_WITH else f"id, {column}"
        rows = session.execute(text(
            f"SELECT {columns} FROM {table} WHERE {column} IN "
            "(SELECT value FROM json_each(:ids)) ORDER BY rowid"),
            {"ids": json.dumps(ids)}).mappings().all()
        for r in rows:
            by_owner.setdefault(r[column], []).append(
                Link(table, column, dict(r), r[column], r[column]))
    return by_owner


def follow(by_owner: dict[str, list[Link]], survivor_id: str, other_id: str) -> None:
    """The other's links move to the survivor; where both are on the same meeting or
    proposal, the other's row is dropped (the survivor's stays)."""
    mine = by_owner.setdefault(survivor_id, [])
    held = {(link.table, link.row[UNIQUE_WITH[link.table]]) for link in mine
            if link.table in UNIQUE_WITH}
    for link in by_owner.pop(other_id, []):
        unique = UNIQUE_WITH.get(link.table)
        if unique and (link.table, link.row[unique]) in held:
            link.dropped = True
            continue
        link.owner = survivor_id
        mine.append(link)


def with_decisions(session: Session, entity: str, ids: list[str]) -> set[str]:
    """Those of `ids` (contacts or organizations) marked "not duplicates" with anything
    (the others carry nothing)."""
    table = f"not_duplicate_{entity}"
    return {r[0] for r in session.execute(text(
        f"SELECT first_id FROM {table} WHERE deleted_at IS NULL AND first_id IN "
        f"(SELECT value FROM json_each(:ids)) UNION SELECT second_id FROM {table} "
        f"WHERE deleted_at IS NULL AND second_id IN (SELECT value FROM json_each(:ids))"),
        {"ids": json.dumps(ids)})}


def take_pair(state: dict[str, Any], gone: set[str], copied: Container[str], entity: str,
              survivor_id: str, other_id: str) -> tuple[Any, Any]:
    """The survivor and the other record of one planned merge as the plan holds them,
    after checking both are still there; the survivor is copied on its first change so
    that the plan keeps its original."""
    if survivor_id == other_id:
        raise Conflict("Choose two different records to merge.")
    for rid in (survivor_id, other_id):
        found = state.get(rid)
        if found is None or rid in gone or found.deleted_at is not None:
            raise NotFound(entity, rid)
    if survivor_id not in copied:
        state[survivor_id] = copy.deepcopy(state[survivor_id])
    return state[survivor_id], state[other_id]


def _write(session: Session, batch_id: str, plan: _Plan, carried: list[str]) -> None:
    earlier = _organizations_before(session, batch_id)
    now = utcnow()
    stamp = sql_time(now)
    survivors = list(plan.rows)
    trashed = set(plan.trashed)
    # Undo records first, of the state before the batch (`undo_batch` restores them).
    bulk.record_items(session, batch_id, "contact", "updated", survivors,
                      [snapshot(_before_batch(plan.originals[cid], earlier))
                       for cid in survivors])
    contact_rows.write_rows(session, plan.rows, stamp,
                            contact_rows.tag_ids(session, plan.new_tags, now))
    survivors_gone = [cid for cid in plan.trashed if cid not in plan.rows]
    many(session, "UPDATE contact SET deleted_at = :t, updated_at = :t WHERE id = :id",
         [{"t": stamp, "id": cid} for cid in survivors_gone])
    many(session, "UPDATE contact SET deleted_at = :t WHERE id = :id",
         [{"t": stamp, "id": cid} for cid in survivors if cid in trashed])
    write_links(session, batch_id, plan.links)
    if carried:
        kind, action = CARRIED_DECISION
        bulk.record_items(session, batch_id, kind, action,
                          [json.loads(note)["id"] for note in carried], carried)
    contact_rows.reindex(session, [*survivors, *survivors_gone])
    bulk.record_items(session, batch_id, "contact", "trashed", plan.trashed)
    record_change(session, "contact", ChangeKind.UPDATED, *survivors)
    record_change(session, "contact", ChangeKind.DELETED, *plan.trashed)
    record_change(session, "meeting", ChangeKind.UPDATED)


def _organizations_before(session: Session, batch_id: str) -> dict[str, str]:
    """{contact id: its organization before the batch} for the contacts an earlier
    organization merge of this batch re-pointed (the oldest record of each wins)."""
    found: dict[str, str] = {}
    for cid, before in session.execute(text(
            "SELECT entity_id, snapshot FROM import_batch_item WHERE batch_id = :b AND "
            "entity = 'contact.organization_id' AND action = 'repointed' "
            "ORDER BY rowid DESC"), {"b": batch_id}):
        found[cid] = before
    return found


def _before_batch(data: ContactData, earlier: dict[str, str]) -> ContactData:
    """`data` as it was before the batch: undo re-points the organization links an
    organization merge moved before it restores this snapshot, so the snapshot must
    hold the organization from before that merge too."""
    if data.id in earlier:
        data = copy.copy(data)
        data.organization_id = earlier[data.id]
    return data


def write_links(session: Session, batch_id: str, links: list[Link]) -> None:
    """Move each link to its survivor, drop the clashing rows, and remember both
    as they were before the batch."""
    moved: dict[tuple[str, str], list[Link]] = {}
    for link in links:
        if link.dropped:
            continue
        if link.owner != link.original:
            moved.setdefault((link.table, link.column), []).append(link)
    for (table, column), group in moved.items():
        many(session, f"UPDATE {table} SET {column} = :s WHERE id = :id",
             [{"s": link.owner, "id": link.row["id"]} for link in group])
        bulk.record_items(session, batch_id, f"{table}.{column}", "repointed",
                          [link.row["id"] for link in group],
                          [link.original for link in group])
    dropped = [link for link in links if link.dropped]
    for table in dict.fromkeys(link.table for link in dropped):
        group = [link for link in dropped if link.table == table]
        many(session, f"DELETE FROM {table} WHERE id = :id",
             [{"id": link.row["id"]} for link in group])
        bulk.record_items(session, batch_id, table, "deleted", [link.row["id"] for link in group],
                          [json.dumps(link.row, default=str) for link in group])

