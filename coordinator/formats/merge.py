"""Merging two duplicate contacts (or organizations) into one, undoably.

The survivor keeps its own values and gains everything of the other that it lacks:
every email, phone, address and tag, and the other's notes. Where both hold a
different value of a one-value field (title, organization, birthday... see
`field_conflicts`), the caller passes the user's choice (`choices`: field -> KEEP or
OTHER); a conflict with no choice keeps the survivor's value and writes the other's
into the survivor's notes, so nothing is dropped unseen. Everything that pointed
at the other (meeting attendance, agenda presenters, action items, proposal owners;
for organizations: contacts, proposal partners and leads) is re-pointed to the
survivor, and the other moves to Trash. "Not duplicates" decisions about the other
are carried over to the survivor (if B is not C and B is merged into A, A is not C).
The merge is recorded like an import batch (format "merge"), so `batches.undo_batch`
puts everything back, carried decisions included (`undo_carried_decisions`).
`merge_all` merges many pairs in one unit of work recorded as one batch: one commit
(one sync to disk) instead of one per pair, and one undo takes them all back; contact
pairs are planned in Python and written in bulk (`merge_batch`), with the same result
as merging them one by one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import Session, select

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.errors import Conflict, NotFound, ValidationError
from coordinator.formats import bulk, contact_rows
from coordinator.formats.combine import combine, snapshot
from coordinator.formats.loading import load_contacts
from coordinator.formats.parsed import CancelCheck, check_cancel
from coordinator.models import fold
from coordinator.models.imports import ImportBatch, ImportBatchItem
from coordinator.services import duplicate_decisions as decisions
from coordinator.services.base import record_change
from coordinator.services.contacts import ContactService
from coordinator.services.organizations import OrganizationService
from coordinator.services.records import ContactData, OrganizationData

# (table, column) pointing at a contact / an organization; attendee and proposal_partner
# are unique per meeting / proposal, so a clash keeps the survivor's row.
CONTACT_LINKS = (("attendee", "contact_id"), ("agenda_item", "presenter_id"),
                 ("action_item", "owner_id"), ("proposal", "owner_id"))
ORGANIZATION_LINKS = (("contact", "organization_id"), ("proposal_partner", "organization_id"),
                      ("proposal", "lead_organization_id"))
UNIQUE_WITH = {"attendee": "meeting_id", "proposal_partner": "proposal_id"}
# (entity, action) of the undo records of decisions a merge carried over to the survivor:
# one per decision, entity_id the decision's row, snapshot `decisions.carry_over`'s note.
CARRIED_DECISION = (decisions.CHANGE_ENTITY, "carried")


# One-value fields whose two different values the user chooses between: (field, label).
CONTACT_CHOICES = (("prefix", "Prefix"), ("given_name", "Given name"),
                   ("middle_name", "Middle name"), ("family_name", "Family name"),
                   ("suffix", "Suffix"), ("nickname", "Nickname"), ("pronouns", "Pronouns"),
                   ("title", "Title"), ("organization_id", "Organization"),
                   ("birthday", "Birthday"), ("website", "Website"))
ORGANIZATION_CHOICES = (("consortium_id", "Consortium"), ("city", "City"),
                        ("state", "State"), ("website", "Website"))
KEEP, OTHER = "keep", "other"  # a choice: the survivor's value, or the other's


@dataclass
class MergeReport:
    batch_id: str
    survivor_id: str
    merged_id: str
    repointed: int
    fields_added: list[str]
    chosen_from_other: list[str] = field(default_factory=list)  # fields, by the user
    kept_in_notes: list[str] = field(default_factory=list)  # labels of unchosen conflicts


@dataclass(frozen=True)
class FieldConflict:
    """A one-value field both records fill differently."""

    field: str
    label: str
    survivor: str  # the survivor's value, as the user reads it
    other: str


def _shown(record: ContactData | OrganizationData, name: str) -> str:
    if name == "organization_id":
        return getattr(record, "organization_name", "") or "(an organization in Trash)"
    if name == "consortium_id":
        return record.consortium_short_name or str(record.consortium_id)
    return str(getattr(record, name) or "")


def refused(exc: ValidationError, survivor_label: str, other_label: str) -> ValidationError:
    """`exc` (a merged record its service refuses) saying which merge of a batch it is:
    among a thousand merges the field alone does not tell the user where to look."""
    found = ValidationError(exc.problems)
    found.args = (f"Merging {other_label} into {survivor_label} would save a record that "
                  f"is refused: {exc}",)
    return found


def field_conflicts(survivor: ContactData | OrganizationData,
                    other: ContactData | OrganizationData) -> list[FieldConflict]:
    """The one-value fields where both records hold a value and the values differ
    (for text, not only in case or accents): what the user chooses before a merge."""
    names = CONTACT_CHOICES if isinstance(survivor, ContactData) else ORGANIZATION_CHOICES
    found = []
    for name, label in names:
        mine, theirs = getattr(survivor, name), getattr(other, name)
        if not mine or not theirs:
            continue
        if mine == theirs if name.endswith("_id") else fold(mine) == fold(theirs):
            continue
        found.append(FieldConflict(name, label, _shown(survivor, name), _shown(other, name)))
    return found


def settle(survivor: ContactData | OrganizationData, other: ContactData | OrganizationData,
            other_label: str, choices: Mapping[str, str] | None) -> tuple[list[str], list[str]]:
    """Apply the user's choices to `survivor` (in place); a conflict without one keeps
    the survivor's value and the other's goes into the notes. Returns (fields taken
    from the other, labels of the values kept in the notes)."""
    choices = choices or {}
    bad = sorted(c for c in choices.values() if c not in (KEEP, OTHER))
    if bad:
        raise Conflict(f"A merge choice is {KEEP!r} or {OTHER!r}, not {bad[0]!r}.")
    taken, noted, lines = [], [], []
    for conflict in field_conflicts(survivor, other):
        choice = choices.get(conflict.field)
        if choice == OTHER:
            setattr(survivor, conflict.field, getattr(other, conflict.field))
            taken.append(conflict.field)
        elif choice is None:
            noted.append(conflict.label)
            lines.append(f"{conflict.label}: {conflict.other}")
    if lines:
        kept = f"Also on the merged record {other_label}: " + "; ".join(lines)
        survivor.notes = f"{survivor.notes.rstrip()}\n\n{kept}" if survivor.notes.strip() \
            else kept
    return taken, noted


def _repoint(session: Session, batch_id: str, links: tuple[tuple[str, str], ...],
             survivor: str, other: str) -> tuple[int, list[str]]:
    """Point every row of `links` at `other` to `survivor`; where both are on the same
    meeting or proposal, the other's row is dropped. Each change is recorded for undo.
    Returns (rows changed, ids of the contacts that moved: their search entries name
    their organization)."""
    count, moved_contacts = 0, []
    for table, column in links:
        rows = session.execute(text(f"SELECT * FROM {table} WHERE {column} = :o"),
                               {"o": other}).mappings().all()
        unique = UNIQUE_WITH.get(table)
        taken = {r[0] for r in session.execute(text(
            f"SELECT {unique} FROM {table} WHERE {column} = :s"), {"s": survivor})
                 } if unique and rows else set()
        dropped = [row for row in rows if unique and row[unique] in taken]
        moving = [row for row in rows if not (unique and row[unique] in taken)]
        if dropped:  # both on the same meeting/proposal: keep the survivor's row
            session.execute(text(f"DELETE FROM {table} WHERE id = :id"),
                            [{"id": row["id"]} for row in dropped])
            bulk.record_items(session, batch_id, table, "deleted", [r["id"] for r in dropped],
                              [json.dumps(dict(row), default=str) for row in dropped])
        if moving:
            session.execute(text(f"UPDATE {table} SET {column} = :s WHERE id = :id"),
                            [{"s": survivor, "id": row["id"]} for row in moving])
            bulk.record_items(session, batch_id, f"{table}.{column}", "repointed",
                              [row["id"] for row in moving], [other] * len(moving))
        if table == "contact":
            moved_contacts = [row["id"] for row in moving]
        count += len(rows)
    return count, moved_contacts


def _carry_decisions(session: Session, batch_id: str, entity: str, survivor: str,
                     other: str) -> None:
    """Mark the survivor "not duplicates" with whatever the other was marked with, and
    keep what was added with the merge's undo records."""
    notes = decisions.carry_over(session, entity, survivor, other)
    kind, action = CARRIED_DECISION
    bulk.record_items(session, batch_id, kind, action,
                      [json.loads(note)["id"] for note in notes], notes)


def undo_carried_decisions(session: Session, batch_id: str) -> None:
    """Take back the decisions the merge `batch_id` carried over (inside the undo's unit
    of work): those the survivor had before the merge stay."""
    kind, action = CARRIED_DECISION
    notes = session.exec(select(ImportBatchItem.snapshot).where(
        ImportBatchItem.batch_id == batch_id, ImportBatchItem.entity == kind,
        ImportBatchItem.action == action)).all()
    decisions.take_back_carried(session, notes)


def merge_contacts(db: Database, survivor_id: str, other_id: str,
                   choices: Mapping[str, str] | None = None) -> MergeReport:
    """Merge `other_id` into `survivor_id`; `choices` settles `field_conflicts`."""
    if survivor_id == other_id:
        raise Conflict("Choose two different contacts to merge.")
    contacts = ContactService(db)
    with db.write() as session:
        survivor, other = _live_contacts(session, survivor_id, other_id)
        batch = _new_batch(session, f"{survivor.full_name} ← {other.full_name}", 1)
        return _merge_contact_pair(session, contacts, batch.id, survivor, other, choices)


def merge_organizations(db: Database, survivor_id: str, other_id: str,
                        choices: Mapping[str, str] | None = None) -> MergeReport:
    """Merge `other_id` into `survivor_id`; `choices` settles `field_conflicts`."""
    if survivor_id == other_id:
        raise Conflict("Choose two different organizations to merge.")
    orgs = OrganizationService(db)
    with db.write() as session:
        survivor, other = orgs.get(survivor_id), orgs.get(other_id)
        batch = _new_batch(session, f"{survivor.name} ← {other.name}", 1)
        return _merge_organization_pair(session, orgs, batch.id, survivor, other, choices)


def merge_all(db: Database, pairs: Sequence[tuple[str, str, str]],
              cancelled: CancelCheck | None = None) -> tuple[str, int]:
    """Merge each (entity, survivor id, other id) in order, in one unit of work recorded
    as one batch (one undo takes every merge back). Returns (batch id, merges).

    Each run of contact pairs, and of organization pairs, is merged set-based
    (`merge_batch`, `merge_organizations`: the same result as one merge after the
    other, for a fraction of the statements).
    With conflicting one-value fields, the survivor's value stays and the other's goes
    into its notes (as a single merge without choices). `cancelled` is asked between
    steps; a cancel rolls everything back (`ImportCancelled`).
    """
    from coordinator.formats.merge_batch import merge_contact_run
    from coordinator.formats.merge_organizations import merge_organization_run

    if not pairs:
        raise Conflict("Nothing to merge.")
    for entity, _survivor, _other in pairs:
        if entity not in ("contact", "organization"):
            raise NotFound("kind of record", entity)
    run_of = {"contact": merge_contact_run, "organization": merge_organization_run}
    with db.write() as session:
        batch = _new_batch(session, f"{len(pairs)} duplicate pairs merged", len(pairs))
        services = {"contact": ContactService(db), "organization": OrganizationService(db)}
        start = 0
        while start < len(pairs):  # each run of pairs of one kind at once, in order
            entity = pairs[start][0]
            end = start
            while end < len(pairs) and pairs[end][0] == entity:
                end += 1
            run_of[entity](session, services[entity], batch.id,  # type: ignore[operator]
                           [(s, o) for _e, s, o in pairs[start:end]], cancelled)
            start = end
        check_cancel(cancelled)
        return batch.id, len(pairs)


def _new_batch(session: Session, source: str, pairs: int) -> ImportBatch:
    batch = ImportBatch(source=source[:500], format="merge", updated_count=pairs)
    session.add(batch)
    session.flush()
    return batch


def _live_contacts(session: Session, survivor_id: str, other_id: str
                   ) -> tuple[ContactData, ContactData]:
    found = {c.id: c for c in load_contacts(session, [survivor_id, other_id])
             if c.deleted_at is None}
    for cid in (survivor_id, other_id):
        if cid not in found:
            raise NotFound("contact", cid)
    return found[survivor_id], found[other_id]


def _merge_contact_pair(session: Session, contacts: ContactService, batch_id: str,
                        survivor: ContactData, other: ContactData,
                        choices: Mapping[str, str] | None) -> MergeReport:
    """One contact merge inside the caller's unit of work, recorded in `batch_id`."""
    survivor_id, other_id = str(survivor.id), str(other.id)
    bulk.record_items(session, batch_id, "contact", "updated", [survivor_id],
                      [snapshot(survivor)])
    taken, noted = settle(survivor, other, other.full_name, choices)
    added = combine(survivor, other, other_wins=False)
    if not survivor.organization_id and other.organization_id:
        survivor.organization_id = other.organization_id
        added.append("organization")
    repointed, _none = _repoint(session, batch_id, CONTACT_LINKS, survivor_id, other_id)
    _carry_decisions(session, batch_id, "contact", survivor_id, other_id)
    contacts.update(survivor_id, survivor)
    contacts.delete(other_id)
    bulk.record_items(session, batch_id, "contact", "trashed", [other_id])
    record_change(session, "meeting", ChangeKind.UPDATED)
    return MergeReport(batch_id, survivor_id, other_id, repointed, added, taken, noted)


def combine_organizations(survivor: OrganizationData, other: OrganizationData,
                          choices: Mapping[str, str] | None
                          ) -> tuple[list[str], list[str], list[str]]:
    """Put `other` into `survivor` (in place): the user's choices (`settle`), then the
    other's website, city, state and consortium where the survivor has none, its notes
    and its tags. Returns (fields chosen from the other, labels kept in the notes,
    fields added)."""
    taken, noted = settle(survivor, other, other.name, choices)
    added = []
    for name in ("website", "city", "state", "consortium_id"):
        if not getattr(survivor, name) and getattr(other, name):
            setattr(survivor, name, getattr(other, name))
            added.append(name)
    if other.notes.strip() and other.notes.strip() not in survivor.notes:
        survivor.notes = (survivor.notes + "\n\n" if survivor.notes else "") + other.notes
        added.append("notes")
    survivor.tags = list(dict.fromkeys([*survivor.tags, *other.tags]))
    return taken, noted, added


def _merge_organization_pair(session: Session, orgs: OrganizationService, batch_id: str,
                             survivor: OrganizationData, other: OrganizationData,
                             choices: Mapping[str, str] | None) -> MergeReport:
    """One organization merge inside the caller's unit of work, recorded in `batch_id`."""
    survivor_id, other_id = str(survivor.id), str(other.id)
    bulk.record_items(session, batch_id, "organization", "updated", [survivor_id],
                      [json.dumps({"notes": survivor.notes, "tags": survivor.tags,
                                   "website": survivor.website, "city": survivor.city,
                                   "state": survivor.state,
                                   "consortium_id": survivor.consortium_id})])
    taken, noted, added = combine_organizations(survivor, other, choices)
    repointed, moved = _repoint(session, batch_id, ORGANIZATION_LINKS, survivor_id, other_id)
    _carry_decisions(session, batch_id, "organization", survivor_id, other_id)
    orgs.update(survivor_id, survivor)  # also refreshes its contacts' consortium
    session.execute(text("UPDATE contact SET consortium_id = :c WHERE organization_id = :o"),
                    {"c": survivor.consortium_id, "o": survivor_id})
    orgs.delete(other_id)
    contact_rows.reindex(session, moved)  # found under the survivor's name from now on
    record_change(session, "contact", ChangeKind.UPDATED, *moved)
    bulk.record_items(session, batch_id, "organization", "trashed", [other_id])
    return MergeReport(batch_id, survivor_id, other_id, repointed, added, taken, noted)
