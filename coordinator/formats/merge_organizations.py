"""Many organization merges at once, like `merge_batch` does for contacts.

The result is the one `merge._merge_organization_pair` leaves when the pairs are
merged one after the other (chains included): the survivor's fields by
`merge.combine_organizations` with no choices, checked by `OrganizationService`'s
rules at each step; contacts, proposal partners (a second partnership of the same
proposal is dropped) and lead organizations follow to the survivor; the contacts of a
survivor carry its consortium and the moved ones are re-indexed under its name;
"not duplicates" decisions are carried over. Every organization that was ever a
survivor is written once with its last state, each merged-away one goes to Trash.

Undo records as for contacts: each survivor's fields before the batch, each link's
organization before the batch, each dropped partnership as it was. `restore` and
`restore_trashed` put organizations back in bulk for `batches.undo_batch`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import Session

from coordinator.changes import ChangeKind
from coordinator.errors import FieldProblem, ValidationError
from coordinator.formats import bulk, contact_rows
from coordinator.formats.contact_rows import many
from coordinator.formats.merge import (
    CARRIED_DECISION,
    ORGANIZATION_LINKS,
    combine_organizations,
    refused,
)
from coordinator.formats.merge_batch import (
    Link,
    follow,
    links_to,
    take_pair,
    with_decisions,
    write_links,
)
from coordinator.formats.parsed import CancelCheck, check_cancel
from coordinator.models import fold, new_id, utcnow
from coordinator.models.base import parse_sql_time, sql_time
from coordinator.services import duplicate_decisions as decisions
from coordinator.services import indexing
from coordinator.services.base import record_change
from coordinator.services.organizations import OrganizationService
from coordinator.services.records import OrganizationData

# The fields a merge changes, as its undo record keeps them.
SNAPSHOT_FIELDS = ("notes", "tags", "website", "city", "state", "consortium_id")
_COLUMNS = ("id", "name", "sector", "consortium_id", "city", "state", "website", "notes",
            "deleted_at")


@dataclass
class _Plan:
    state: dict[str, OrganizationData]
    originals: dict[str, OrganizationData]
    saved: dict[str, OrganizationData] = field(default_factory=dict)  # ever a survivor
    tag_keys: dict[str, list[str]] = field(default_factory=dict)  # its tags, folded
    trashed: list[str] = field(default_factory=list)
    new_tags: dict[str, str] = field(default_factory=dict)  # folded name -> name


def snapshot(org: OrganizationData) -> str:
    """The undo record of a survivor's fields (as `merge._merge_organization_pair`)."""
    return json.dumps({name: getattr(org, name) for name in SNAPSHOT_FIELDS})


def merge_organization_run(session: Session, orgs: OrganizationService, batch_id: str,
                           pairs: Sequence[tuple[str, str]],
                           cancelled: CancelCheck | None = None) -> int:
    """Merge each (survivor id, other id) in order inside the caller's unit of work,
    recorded in `batch_id`. Returns how many merges were made."""
    ids = list(dict.fromkeys(i for pair in pairs for i in pair))
    originals = _load(session, ids)
    consortia = {r[0]: r[1] or "" for r in session.execute(text(
        "SELECT id, short_name FROM consortium"))}
    tags = {r[0]: r[1] for r in session.execute(text("SELECT name_key, name FROM tag"))}
    plan = _Plan(state=dict(originals), originals=originals)
    by_owner = links_to(session, ids, ORGANIZATION_LINKS)
    links = [link for owned in by_owner.values() for link in owned]
    decided = with_decisions(session, "organization", ids)
    carried: list[str] = []
    gone: set[str] = set()
    for step, (survivor_id, other_id) in enumerate(pairs):
        if step % 200 == 0:
            check_cancel(cancelled)
        survivor, other = take_pair(plan.state, gone, plan.saved, "organization",
                                    survivor_id, other_id)
        combine_organizations(survivor, other, None)
        try:
            _check(orgs, survivor, consortia)
        except ValidationError as exc:
            raise refused(exc, survivor.name, other.name) from None
        plan.tag_keys[survivor_id] = _as_saved(survivor, consortia, tags, plan.new_tags)
        plan.saved[survivor_id] = survivor
        gone.add(other_id)
        plan.trashed.append(other_id)
        follow(by_owner, survivor_id, other_id)
        if other_id in decided:
            carried.extend(decisions.carry_over(session, "organization", survivor_id,
                                                other_id))
            decided.add(survivor_id)
    check_cancel(cancelled)
    _write(session, batch_id, plan, links, carried)
    return len(pairs)


def _load(session: Session, ids: list[str]) -> dict[str, OrganizationData]:
    """`OrganizationService.get` of each of `ids` (in Trash too), read at once."""
    out: dict[str, OrganizationData] = {}
    for row in session.execute(text(
            f"SELECT {', '.join('o.' + c for c in _COLUMNS)} FROM json_each(:ids) j "
            "JOIN organization o ON o.id = j.value"), {"ids": json.dumps(ids)}):
        values = dict(zip(_COLUMNS, row, strict=True))
        deleted = parse_sql_time(values.pop("deleted_at"))
        out[values["id"]] = OrganizationData(**values, deleted_at=deleted)
    consortia = {r[0]: r[1] or "" for r in session.execute(text(
        "SELECT id, short_name FROM consortium"))}
    for org in out.values():
        org.consortium_short_name = consortia.get(org.consortium_id or "", "")
    for oid, name in session.execute(text(
            "SELECT ot.organization_id, t.name FROM organization_tag ot JOIN tag t "
            "ON t.id = ot.tag_id WHERE ot.organization_id IN "
            "(SELECT value FROM json_each(:ids))"), {"ids": json.dumps(ids)}):
        out[oid].tags.append(name)
    for org in out.values():
        org.tags.sort(key=fold)
    return out


def _check(orgs: OrganizationService, data: OrganizationData,
           consortia: dict[str, str]) -> None:
    """`OrganizationService.update`'s check, against the consortia read once."""
    problems = orgs.validate(data)
    if data.consortium_id and data.consortium_id not in consortia:
        problems.append(FieldProblem("consortium_id", "Choose one of the consortia."))
    if problems:
        raise ValidationError(problems)


def _as_saved(org: OrganizationData, consortia: dict[str, str], tags: dict[str, str],
              new_tags: dict[str, str]) -> list[str]:
    """`org` (in place) as `OrganizationService.update` saves it and `get` reads it
    back: trimmed text, its consortium's short name, its tags by their saved names.
    Returns the folded names of its tags (as `set_tags` looks them up)."""
    org.name = org.name.strip()
    org.consortium_id = org.consortium_id or None
    org.city, org.state, org.website = org.city.strip(), org.state.strip(), org.website.strip()
    org.consortium_short_name = consortia.get(org.consortium_id or "", "")
    names: dict[str, str] = {}
    for name in org.tags:
        key = fold(name)
        if not key or key in names:
            continue
        if key not in tags:  # `set_tags` creates a tag on first use
            tags[key] = new_tags[key] = name.strip()
        names[key] = tags[key]
    org.tags = sorted(names.values(), key=fold)
    return list(names)


def _write(session: Session, batch_id: str, plan: _Plan, links: list[Link],
           carried: list[str]) -> None:
    now = utcnow()
    stamp = sql_time(now)
    survivors = list(plan.saved)
    trashed = set(plan.trashed)
    bulk.record_items(session, batch_id, "organization", "updated", survivors,
                      [snapshot(plan.originals[oid]) for oid in survivors])
    _write_rows(session, plan, stamp, _tag_ids(session, plan.new_tags, stamp))
    never_survivors = [oid for oid in plan.trashed if oid not in plan.saved]
    many(session, "UPDATE organization SET deleted_at = :t, updated_at = :t WHERE id = :id",
         [{"t": stamp, "id": oid} for oid in never_survivors])
    many(session, "UPDATE organization SET deleted_at = :t WHERE id = :id",
         [{"t": stamp, "id": oid} for oid in survivors if oid in trashed])
    write_links(session, batch_id, links)
    live = [oid for oid in survivors if oid not in trashed]
    # Every contact of a survivor carries its consortium; those that moved are
    # re-indexed under its name.
    many(session, "UPDATE contact SET consortium_id = :c WHERE organization_id = :o",
         [{"c": plan.saved[oid].consortium_id, "o": oid} for oid in live])
    moved = [link.row["id"] for link in links
             if link.table == "contact" and link.owner != link.original]
    contact_rows.reindex(session, moved)
    if carried:
        kind, action = CARRIED_DECISION
        bulk.record_items(session, batch_id, kind, action,
                          [json.loads(note)["id"] for note in carried], carried)
    _reindex(session, [*survivors, *never_survivors])
    bulk.record_items(session, batch_id, "organization", "trashed", plan.trashed)
    record_change(session, "organization", ChangeKind.UPDATED, *survivors)
    record_change(session, "organization", ChangeKind.DELETED, *plan.trashed)
    record_change(session, "contact", ChangeKind.UPDATED, *moved)


def _tag_ids(session: Session, new_tags: dict[str, str], stamp: str) -> dict[str, str]:
    if new_tags:
        bulk.insert_tuples(session, "tag", ("id", "created_at", "updated_at", "deleted_at",
                                            "name", "name_key"),
                           [(new_id(), stamp, stamp, None, name, key)
                            for key, name in new_tags.items()])
    return {r[0]: r[1] for r in session.execute(text("SELECT name_key, id FROM tag"))}


def _write_rows(session: Session, plan: _Plan, stamp: str, tag_id_of: dict[str, str]) -> None:
    """Each organization's row and tags as `OrganizationService._apply` writes them."""
    saved = plan.saved
    many(session, "UPDATE organization SET name = :name, name_key = :key, sector = :sector, "
         "consortium_id = :consortium, city = :city, state = :state, website = :website, "
         "notes = :notes, updated_at = :t WHERE id = :id",
         [{"name": o.name.strip(), "key": fold(o.name.strip()), "sector": o.sector,
           "consortium": o.consortium_id or None, "city": o.city.strip(),
           "state": o.state.strip(), "website": o.website.strip(), "notes": o.notes,
           "t": stamp, "id": oid} for oid, o in saved.items()])
    session.execute(text("DELETE FROM organization_tag WHERE organization_id IN "
                         "(SELECT value FROM json_each(:ids))"), {"ids": json.dumps(list(saved))})
    bulk.insert_tuples(session, "organization_tag", ("organization_id", "tag_id"),
                       [(oid, tag_id_of[key]) for oid in saved
                        for key in plan.tag_keys[oid]])


def restore(session: Session, orgs: OrganizationService,
            befores: Sequence[tuple[str, str]]) -> int:
    """Save back each (organization id, `snapshot` JSON) as `OrganizationService.update`
    would, checked alike, in a few statements (the undo of a batch of merges). Where
    an organization comes more than once the first snapshot wins (the oldest); purged
    ones are skipped. Returns how many were saved back."""
    first: dict[str, dict] = {}
    for oid, before in befores:
        first.setdefault(oid, json.loads(before))
    current = _load(session, list(first))
    consortia = {r[0]: r[1] or "" for r in session.execute(text(
        "SELECT id, short_name FROM consortium"))}
    tags = {r[0]: r[1] for r in session.execute(text("SELECT name_key, name FROM tag"))}
    plan = _Plan(state={}, originals=current)
    moved = []
    for oid, before in first.items():
        if oid not in current:
            continue
        data = copy.deepcopy(current[oid])
        for name, value in before.items():
            setattr(data, name, value)
        _check(orgs, data, consortia)
        if (data.consortium_id or None) != current[oid].consortium_id:
            moved.append(oid)
        plan.tag_keys[oid] = _as_saved(data, consortia, tags, plan.new_tags)
        plan.saved[oid] = data
    stamp = sql_time(utcnow())
    _write_rows(session, plan, stamp, _tag_ids(session, plan.new_tags, stamp))
    # Contacts carry their organization's consortium, and are re-indexed with it.
    many(session, "UPDATE contact SET consortium_id = :c WHERE organization_id = :o",
         [{"c": plan.saved[oid].consortium_id, "o": oid} for oid in moved])
    contacts = [r[0] for r in session.execute(text(
        "SELECT id FROM contact WHERE organization_id IN (SELECT value FROM json_each(:ids))"),
        {"ids": json.dumps(moved)})]
    contact_rows.reindex(session, contacts)
    _reindex(session, list(plan.saved))
    record_change(session, "organization", ChangeKind.UPDATED, *plan.saved)
    record_change(session, "contact", ChangeKind.UPDATED, *contacts)
    return len(plan.saved)


def restore_trashed(session: Session, ids: Sequence[str]) -> list[str]:
    """Bring organizations `ids` back from Trash as `OrganizationService.restore` does
    (their live contacts show them again), in a few statements; those no longer in
    Trash (or purged) are left alone. Returns those brought back."""
    found = [oid for oid, deleted in session.execute(text(
        "SELECT o.id, o.deleted_at FROM json_each(:ids) j JOIN organization o "
        "ON o.id = j.value"), {"ids": json.dumps(list(dict.fromkeys(ids)))})
        if deleted is not None]
    stamp = sql_time(utcnow())
    many(session, "UPDATE organization SET deleted_at = NULL, updated_at = :t WHERE id = :id",
         [{"t": stamp, "id": oid} for oid in found])
    _reindex(session, found)
    contacts = [r[0] for r in session.execute(text(
        "SELECT id FROM contact WHERE deleted_at IS NULL AND organization_id IN "
        "(SELECT value FROM json_each(:ids))"), {"ids": json.dumps(found)})]
    contact_rows.reindex(session, contacts)
    record_change(session, "organization", ChangeKind.RESTORED, *found)
    record_change(session, "contact", ChangeKind.UPDATED, *contacts)
    return found


def _reindex(session: Session, ids: list[str]) -> None:
    """The search index of organizations `ids`, in bulk: those in Trash drop out."""
    indexing.unindex_many(session, ids)
    indexing.index_new(session, "organization", ids)
