"""Merging two duplicate contacts (or organizations) into one, undoably.

The survivor keeps its own values and gains everything of the other that it lacks:
every email, phone, address and tag, and the other's notes. Everything that pointed
at the other (meeting attendance, agenda presenters, action items, proposal owners;
for organizations: contacts, proposal partners and leads) is re-pointed to the
survivor, and the other moves to Trash. "Not duplicates" decisions about the other
are carried over to the survivor (if B is not C and B is merged into A, A is not C).
The merge is recorded like an import batch (format "merge"), so `batches.undo_batch`
puts everything back, carried decisions included (`undo_carried_decisions`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, select

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.errors import Conflict, NotFound
from coordinator.formats import bulk
from coordinator.formats.combine import combine, snapshot
from coordinator.formats.loading import load_contacts
from coordinator.models.imports import ImportBatch, ImportBatchItem
from coordinator.services import duplicate_decisions as decisions
from coordinator.services.base import record_change
from coordinator.services.contacts import ContactService
from coordinator.services.organizations import OrganizationService

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


@dataclass
class MergeReport:
    batch_id: str
    survivor_id: str
    merged_id: str
    repointed: int
    fields_added: list[str]


def _repoint(session: Session, batch_id: str, links: tuple[tuple[str, str], ...],
             survivor: str, other: str) -> int:
    count = 0
    for table, column in links:
        rows = session.execute(text(f"SELECT * FROM {table} WHERE {column} = :o"),
                               {"o": other}).mappings().all()
        unique = UNIQUE_WITH.get(table)
        for row in rows:
            clash = unique and session.execute(text(
                f"SELECT 1 FROM {table} WHERE {column} = :s AND {unique} = :u"),
                {"s": survivor, "u": row[unique]}).first()
            if clash:  # both on the same meeting/proposal: keep the survivor's row
                session.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": row["id"]})
                bulk.record_items(session, batch_id, table, "deleted", [row["id"]],
                                  [json.dumps(dict(row), default=str)])
            else:
                session.execute(text(f"UPDATE {table} SET {column} = :s WHERE id = :id"),
                                {"s": survivor, "id": row["id"]})
                bulk.record_items(session, batch_id, f"{table}.{column}", "repointed",
                                  [row["id"]], [other])
            count += 1
    return count


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


def merge_contacts(db: Database, survivor_id: str, other_id: str) -> MergeReport:
    if survivor_id == other_id:
        raise Conflict("Choose two different contacts to merge.")
    contacts = ContactService(db)
    with db.write() as session:
        found = {c.id: c for c in load_contacts(session, [survivor_id, other_id])
                 if c.deleted_at is None}
        for cid in (survivor_id, other_id):
            if cid not in found:
                raise NotFound("contact", cid)
        survivor, other = found[survivor_id], found[other_id]
        batch = ImportBatch(source=f"{survivor.full_name} ← {other.full_name}"[:500],
                            format="merge", updated_count=1)
        session.add(batch)
        session.flush()
        bulk.record_items(session, batch.id, "contact", "updated", [survivor_id],
                          [snapshot(survivor)])
        added = combine(survivor, other, other_wins=False)
        if not survivor.organization_id and other.organization_id:
            survivor.organization_id = other.organization_id
            added.append("organization")
        repointed = _repoint(session, batch.id, CONTACT_LINKS, survivor_id, other_id)
        _carry_decisions(session, batch.id, "contact", survivor_id, other_id)
        contacts.update(survivor_id, survivor)
        contacts.delete(other_id)
        bulk.record_items(session, batch.id, "contact", "trashed", [other_id])
        record_change(session, "meeting", ChangeKind.UPDATED)
    return MergeReport(batch.id, survivor_id, other_id, repointed, added)


def merge_organizations(db: Database, survivor_id: str, other_id: str) -> MergeReport:
    if survivor_id == other_id:
        raise Conflict("Choose two different organizations to merge.")
    orgs = OrganizationService(db)
    with db.write() as session:
        survivor = orgs.get(survivor_id)
        other = orgs.get(other_id)
        batch = ImportBatch(source=f"{survivor.name} ← {other.name}"[:500], format="merge",
                            updated_count=1)
        session.add(batch)
        session.flush()
        bulk.record_items(session, batch.id, "organization", "updated", [survivor_id],
                          [json.dumps({"notes": survivor.notes, "tags": survivor.tags,
                                       "website": survivor.website, "city": survivor.city,
                                       "state": survivor.state,
                                       "consortium_id": survivor.consortium_id})])
        added = []
        for name in ("website", "city", "state", "consortium_id"):
            if not getattr(survivor, name) and getattr(other, name):
                setattr(survivor, name, getattr(other, name))
                added.append(name)
        if other.notes.strip() and other.notes.strip() not in survivor.notes:
            survivor.notes = (survivor.notes + "\n\n" if survivor.notes else "") + other.notes
            added.append("notes")
        survivor.tags = list(dict.fromkeys([*survivor.tags, *other.tags]))
        repointed = _repoint(session, batch.id, ORGANIZATION_LINKS, survivor_id, other_id)
        _carry_decisions(session, batch.id, "organization", survivor_id, other_id)
        orgs.update(survivor_id, survivor)  # also refreshes its contacts' consortium
        session.execute(text("UPDATE contact SET consortium_id = :c WHERE organization_id = :o"),
                        {"c": survivor.consortium_id, "o": survivor_id})
        orgs.delete(other_id)
        bulk.record_items(session, batch.id, "organization", "trashed", [other_id])
    return MergeReport(batch.id, survivor_id, other_id, repointed, added)
