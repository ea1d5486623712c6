"""Many contact merges at once: planned in Python, then written with a few bulk statements.

`merge.merge_all` hands each run of contact pairs here. The result is the one merging
the pairs one by one (`merge._merge_contact_pair`) would leave, pair after pair in the
order given, chains included (a <- b, then c <- a: c holds all three):

* the survivor's fields by the same rules (`merge.settle` with no choices, so a
  conflicting one-value field keeps the survivor's value and notes the other's;
  `combine.combine` for everything else), checked by `ContactService.validate` at each
  step, and between steps normalised as `ContactService.update` would save and read
  it back (`_as_saved`), so the next pair sees what a one-by-one merge would read;
* attendance, agenda presenters, action items and proposal owners follow their contact
  to its survivor (a second attendance of the same meeting is dropped, the survivor's
  kept); "not duplicates" decisions are carried over (`decisions.carry_over`);
* every record that was ever a survivor is written once with its last state, each
  merged-away record goes to Trash, and the search index is refreshed for all of them.

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
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlmodel import Session

from coordinator.changes import ChangeKind
from coordinator.errors import Conflict, FieldProblem, NotFound, ValidationError
from coordinator.formats import bulk
from coordinator.formats.combine import combine, from_snapshot, snapshot
from coordinator.formats.loading import load_contacts
from coordinator.formats.merge import CARRIED_DECISION, CONTACT_LINKS, UNIQUE_WITH, settle
from coordinator.formats.parsed import CancelCheck, check_cancel
from coordinator.models import fold, new_id, utcnow
from coordinator.models.base import sql_time
from coordinator.services import duplicate_decisions as decisions
from coordinator.services import indexing
from coordinator.services import validation as v
from coordinator.services.base import record_change
from coordinator.services.contacts import ContactService, full_name_of, sort_key_of
from coordinator.services.phones import e164 as phone_e164
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

if TYPE_CHECKING:
    from coordinator.formats.duplicates import DuplicatePair

_TRIMMED = ("prefix", "given_name", "middle_name", "family_name", "suffix", "nickname",
            "pronouns", "title", "website", "notes", "private_notes")
_ROW_COLUMNS = (*_TRIMMED, "birthday", "last_contacted_on", "do_not_contact",
                "organization_id", "consortium_id", "full_name", "sort_key")


@dataclass(frozen=True)
class _Org:
    name: str
    consortium_id: str | None
    live: bool


@dataclass
class _Link:
    """A row of a linking table: its contact before the batch and now."""

    table: str
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
    links: list[_Link] = field(default_factory=list)
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
    orgs = _organizations(session, {c.organization_id for c in loaded if c.organization_id})
    tags = {r[0]: r[1] for r in session.execute(text("SELECT name_key, name FROM tag"))}
    links = _links(session, ids)
    by_owner: dict[str, list[_Link]] = {}
    for link in links:
        by_owner.setdefault(link.owner, []).append(link)
    decided = _with_decisions(session, ids)
    carried: list[str] = []
    gone: set[str] = set()
    for step, (survivor_id, other_id) in enumerate(pairs):
        if step % 200 == 0:
            check_cancel(cancelled)
        if survivor_id == other_id:
            raise Conflict("Choose two different records to merge.")
        for cid in (survivor_id, other_id):
            found = plan.state.get(cid)
            if found is None or cid in gone or found.deleted_at is not None:
                raise NotFound("contact", cid)
        if survivor_id not in plan.rows:  # changed from here on: the original stays
            plan.state[survivor_id] = copy.deepcopy(plan.state[survivor_id])
        survivor, other = plan.state[survivor_id], plan.state[other_id]
        current_org = survivor.organization_id
        _combine_pair(survivor, other)
        _check(contacts, survivor, current_org, orgs)
        values = plan.rows[survivor_id] = _row_values(survivor, orgs)
        _as_saved(survivor, values, orgs, tags, plan.new_tags)
        gone.add(other_id)
        plan.trashed.append(other_id)
        _follow(by_owner, survivor_id, other_id)
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


def _check(contacts: ContactService, data: ContactData, current_org: str | None,
           orgs: dict[str, _Org]) -> None:
    """`ContactService.update`'s check, against the organizations read once."""
    problems = contacts.validate(data)
    if data.organization_id:
        org = orgs.get(data.organization_id)
        if org is None or (not org.live and data.organization_id != current_org):
            problems.append(FieldProblem("organization_id", "Choose an existing organization."))
    if problems:
        raise ValidationError(problems)


def _row_values(d: ContactData, orgs: dict[str, _Org]) -> dict:
    """The contact row `ContactService._apply` writes for `d`."""
    values: dict = {name: (getattr(d, name) or "").strip() for name in _TRIMMED}
    org_id = d.organization_id or None
    org = orgs.get(org_id) if org_id else None
    values.update(
        birthday=d.birthday.strip(),
        last_contacted_on=d.last_contacted_on.isoformat() if d.last_contacted_on else None,
        do_not_contact=int(bool(d.do_not_contact)), organization_id=org_id,
        consortium_id=org.consortium_id if org else None, full_name=full_name_of(d),
        sort_key=sort_key_of(d))
    values["children"] = _children(d)
    return values


def _children(d: ContactData) -> tuple[list[tuple], list[tuple], list[tuple], list[str]]:
    """Emails, phones and addresses as `ContactService._replace_children` writes them
    (position, label, values...), and the tags' folded names as `set_tags` keeps them."""
    emails, phones, addresses = [], [], []
    primary_seen = False
    for i, e in enumerate(d.emails):
        address = v.normalize_email(e.address)
        primary = e.is_primary and not primary_seen
        primary_seen |= primary
        emails.append((i, e.label or "work", address, address.casefold(), int(primary)))
    primary_seen = False
    for i, p in enumerate(d.phones):
        if not p.raw.strip():
            continue
        primary = p.is_primary and not primary_seen
        primary_seen |= primary
        phones.append((i, p.label or "work", p.raw.strip(), phone_e164(p.raw), int(primary)))
    for i, a in enumerate(d.addresses):
        addresses.append((i, a.label or "work", a.street, a.city, a.region, a.postal_code,
                          a.country))
    keys: dict[str, str] = {}
    for name in d.tags:
        key = fold(name)
        if key and key not in keys:
            keys[key] = name.strip()
    return emails, phones, addresses, list(keys.items())  # type: ignore[return-value]


def _as_saved(d: ContactData, values: dict, orgs: dict[str, _Org], tags: dict[str, str],
              new_tags: dict[str, str]) -> None:
    """`d` (in place) as `ContactService.update` saves it (`values`, from `_row_values`)
    and `load_contacts` reads it back: what the next merge of a one-by-one run reads."""
    for name in (*_TRIMMED, "birthday", "organization_id", "consortium_id", "full_name"):
        setattr(d, name, values[name])
    org = orgs.get(d.organization_id) if d.organization_id else None
    d.organization_name = org.name if org and org.live else ""
    emails, phones, addresses, tag_keys = values["children"]
    d.emails = [EmailData(address, label, bool(primary))
                for _i, label, address, _key, primary in emails]
    d.phones = [PhoneData(raw, label, bool(primary), number)
                for _i, label, raw, number, primary in phones]
    d.addresses = [AddressData(*a[1:]) for a in addresses]
    names = []
    for key, name in sorted(tag_keys):
        if key not in tags:  # `set_tags` creates a tag on first use
            tags[key] = new_tags[key] = name
        names.append(tags[key])
    d.tags = names


def _organizations(session: Session, ids: set[str]) -> dict[str, _Org]:
    found = session.execute(text(
        "SELECT o.id, o.name, o.consortium_id, o.deleted_at IS NULL FROM json_each(:ids) j "
        "JOIN organization o ON o.id = j.value"), {"ids": json.dumps(sorted(ids))})
    return {oid: _Org(name, consortium, bool(live)) for oid, name, consortium, live in found}


def _links(session: Session, ids: list[str]) -> list[_Link]:
    """Every row of the linking tables that points at one of `ids`."""
    out = []
    for table, column in CONTACT_LINKS:
        rows = session.execute(text(
            f"SELECT * FROM {table} WHERE {column} IN (SELECT value FROM json_each(:ids)) "
            "ORDER BY rowid"), {"ids": json.dumps(ids)}).mappings().all()
        out.extend(_Link(table, dict(r), r[column], r[column]) for r in rows)
    return out


def _follow(by_owner: dict[str, list[_Link]], survivor_id: str, other_id: str) -> None:
    """The other's links move to the survivor; an attendance of a meeting the survivor
    attends already is dropped (the survivor's row stays)."""
    mine = by_owner.setdefault(survivor_id, [])
    attending = {link.row["meeting_id"] for link in mine if link.table == "attendee"}
    for link in by_owner.pop(other_id, []):
        unique = UNIQUE_WITH.get(link.table)
        if unique and link.row[unique] in attending:
            link.dropped = True
            continue
        link.owner = survivor_id
        mine.append(link)


def _with_decisions(session: Session, ids: list[str]) -> set[str]:
    """Those of `ids` marked "not duplicates" with anything (the others carry nothing)."""
    return {r[0] for r in session.execute(text(
        "SELECT first_id FROM not_duplicate_contact WHERE deleted_at IS NULL AND first_id IN "
        "(SELECT value FROM json_each(:ids)) UNION SELECT second_id FROM not_duplicate_contact "
        "WHERE deleted_at IS NULL AND second_id IN (SELECT value FROM json_each(:ids))"),
        {"ids": json.dumps(ids)})}


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
    tag_ids = _tag_ids(session, plan.new_tags, now)
    _write_rows(session, plan.rows, stamp, tag_ids)
    survivors_gone = [cid for cid in plan.trashed if cid not in plan.rows]
    _many(session, "UPDATE contact SET deleted_at = :t, updated_at = :t WHERE id = :id",
          [{"t": stamp, "id": cid} for cid in survivors_gone])
    _many(session, "UPDATE contact SET deleted_at = :t WHERE id = :id",
          [{"t": stamp, "id": cid} for cid in survivors if cid in trashed])
    _write_links(session, batch_id, plan.links)
    if carried:
        kind, action = CARRIED_DECISION
        bulk.record_items(session, batch_id, kind, action,
                          [json.loads(note)["id"] for note in carried], carried)
    _reindex(session, [*survivors, *survivors_gone])
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


def _tag_ids(session: Session, new_tags: dict[str, str], now: object) -> dict[str, str]:
    """{folded name: tag id}, creating the tags a merge uses first (as `set_tags`)."""
    if new_tags:
        bulk.insert_tuples(session, "tag", ("id", "created_at", "updated_at", "deleted_at",
                                            "name", "name_key"),
                           [(new_id(), sql_time(now), sql_time(now), None, name, key)  # type: ignore[arg-type]
                            for key, name in new_tags.items()])
    return {r[0]: r[1] for r in session.execute(text("SELECT name_key, id FROM tag"))}


def _write_rows(session: Session, rows: dict[str, dict], stamp: str,
                tag_ids: dict[str, str]) -> None:
    """Each contact's row with `rows[id]` (from `_row_values`); its emails, phones,
    addresses and tags replaced (new row ids, as an update writes them)."""
    assignments = ", ".join(f"{c} = :{c}" for c in _ROW_COLUMNS)
    _many(session, f"UPDATE contact SET {assignments}, updated_at = :updated_at WHERE id = :id",
          [{**{c: values[c] for c in _ROW_COLUMNS}, "updated_at": stamp, "id": cid}
           for cid, values in rows.items()])
    ids = json.dumps(list(rows))
    for table in ("contact_email", "contact_phone", "contact_address", "contact_tag"):
        session.execute(text(f"DELETE FROM {table} WHERE contact_id IN "
                             "(SELECT value FROM json_each(:ids))"), {"ids": ids})
    new_id_of = bulk.Ids()
    emails, phones, addresses, links = [], [], [], []
    for cid, values in rows.items():
        e, p, a, t = values["children"]
        emails.extend((new_id_of(), stamp, stamp, None, cid, label, address, key, primary, i)
                      for i, label, address, key, primary in e)
        phones.extend((new_id_of(), stamp, stamp, None, cid, label, raw, number, primary, i)
                      for i, label, raw, number, primary in p)
        addresses.extend((new_id_of(), stamp, stamp, None, cid, *x[1:], x[0]) for x in a)
        links.extend((cid, tag_ids[key]) for key, _name in t)
    bulk.insert_tuples(session, "contact_email", bulk.EMAIL_COLUMNS, emails)
    bulk.insert_tuples(session, "contact_phone", bulk.PHONE_COLUMNS, phones)
    bulk.insert_tuples(session, "contact_address", bulk.ADDRESS_COLUMNS, addresses)
    bulk.insert_tuples(session, "contact_tag", ("contact_id", "tag_id"), links)


def _write_links(session: Session, batch_id: str, links: list[_Link]) -> None:
    """Move each link to its survivor, drop the clashing attendances, and remember both
    as they were before the batch."""
    moved: dict[tuple[str, str], list[_Link]] = {}
    for link in links:
        if link.dropped:
            continue
        if link.owner != link.original:
            moved.setdefault((link.table, _column(link.table)), []).append(link)
    for (table, column), group in moved.items():
        _many(session, f"UPDATE {table} SET {column} = :s WHERE id = :id",
              [{"s": link.owner, "id": link.row["id"]} for link in group])
        bulk.record_items(session, batch_id, f"{table}.{column}", "repointed",
                          [link.row["id"] for link in group],
                          [link.original for link in group])
    dropped = [link for link in links if link.dropped]
    for table in dict.fromkeys(link.table for link in dropped):
        group = [link for link in dropped if link.table == table]
        _many(session, f"DELETE FROM {table} WHERE id = :id",
              [{"id": link.row["id"]} for link in group])
        bulk.record_items(session, batch_id, table, "deleted", [link.row["id"] for link in group],
                          [json.dumps(link.row, default=str) for link in group])


def _column(table: str) -> str:
    return dict(CONTACT_LINKS)[table]


def _reindex(session: Session, ids: list[str]) -> None:
    """The search index of contacts `ids`, in bulk: those in Trash drop out."""
    indexing.unindex_many(session, ids)
    indexing.index_new(session, "contact", ids)


def restore_contacts(session: Session, contacts: ContactService,
                     befores: Sequence[tuple[str, str]]) -> int:
    """Save back each (contact id, `combine.snapshot` JSON) as `ContactService.update`
    would, checked alike, in a few statements (the undo of a batch of merges puts a
    thousand survivors back). Where a contact comes more than once the first snapshot
    wins (the oldest); purged contacts are skipped; a contact in Trash stays there.
    Returns how many contacts were saved back."""
    first: dict[str, str] = {}
    for cid, before in befores:
        first.setdefault(cid, before)
    current = {cid: (org, deleted) for cid, org, deleted in session.execute(text(
        "SELECT c.id, c.organization_id, c.deleted_at FROM json_each(:ids) j "
        "JOIN contact c ON c.id = j.value"), {"ids": json.dumps(list(first))})}
    datas = {cid: from_snapshot(before) for cid, before in first.items() if cid in current}
    orgs = _organizations(session, {o for d in datas.values() if (o := d.organization_id)}
                          | {org for org, _deleted in current.values() if org})
    tags = {r[0] for r in session.execute(text("SELECT name_key FROM tag"))}
    rows: dict[str, dict] = {}
    new_tags: dict[str, str] = {}
    for cid, data in datas.items():
        _check(contacts, data, current[cid][0], orgs)
        rows[cid] = _row_values(data, orgs)
        new_tags.update((key, name) for key, name in rows[cid]["children"][3]
                        if key not in tags and key not in new_tags)
    now = utcnow()
    _write_rows(session, rows, sql_time(now), _tag_ids(session, new_tags, now))
    _reindex(session, list(rows))
    record_change(session, "contact", ChangeKind.UPDATED, *rows)
    return len(rows)


def restore_trashed(session: Session, ids: Sequence[str]) -> list[str]:
    """Bring contacts `ids` back from Trash as `ContactService.restore` does, in a few
    statements; those no longer in Trash (or purged) are left alone. Returns those
    brought back."""
    found = [cid for cid, deleted in session.execute(text(
        "SELECT c.id, c.deleted_at FROM json_each(:ids) j JOIN contact c ON c.id = j.value"),
        {"ids": json.dumps(list(dict.fromkeys(ids)))}) if deleted is not None]
    stamp = sql_time(utcnow())
    _many(session, "UPDATE contact SET deleted_at = NULL, updated_at = :t WHERE id = :id",
          [{"t": stamp, "id": cid} for cid in found])
    _reindex(session, found)
    record_change(session, "contact", ChangeKind.RESTORED, *found)
    return found


def _many(session: Session, sql: str, rows: list[dict]) -> None:
    """One statement run for each of `rows` (an executemany); nothing for none."""
    if rows:
        session.execute(text(sql), rows)
