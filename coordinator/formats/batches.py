"""Import batches (and merges): list them, and undo one ("Undo import").

Undo, in one transaction: contacts the batch updated get back the state recorded
before the import; contacts it created are deleted for good. Nothing people did after
the import is lost: created contacts that were edited since, or that other records
now point at (a meeting's attendee, an action item's owner...), go to Trash instead,
and updated contacts that were edited since keep their edits. Organizations and tags
the batch created are deleted when nothing uses them any more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.errors import Conflict, NotFound
from coordinator.formats import contact_rows, merge_organizations
from coordinator.formats.combine import from_snapshot
from coordinator.formats.merge import undo_carried_decisions
from coordinator.models import Contact, parse_sql_time, utcnow
from coordinator.models.imports import ImportBatch, ImportBatchItem
from coordinator.services import indexing
from coordinator.services.base import record_change
from coordinator.services.contacts import ContactService
from coordinator.services.organizations import OrganizationService
from coordinator.services.search import unindex

CHUNK = 500
# Columns that point at a contact from records an import does not create.
CONTACT_REFERENCES = (
    ("attendee", "contact_id"), ("action_item", "owner_id"),
    ("agenda_item", "presenter_id"), ("proposal", "owner_id"),
)
ORGANIZATION_REFERENCES = (
    ("contact", "organization_id"), ("proposal_partner", "organization_id"),
    ("proposal", "lead_organization_id"),
)


@dataclass(frozen=True)
class BatchInfo:
    id: str
    created_at: datetime
    source: str
    format: str
    created_count: int
    updated_count: int
    organizations_created: int
    undone_at: datetime | None


@dataclass
class UndoReport:
    contacts_removed: int = 0
    contacts_to_trash: int = 0  # created, but edited since or referenced elsewhere
    contacts_restored: int = 0
    contacts_kept: int = 0  # updated by the import, then edited: left as they are
    organizations_removed: int = 0
    organizations_kept: int = 0
    tags_removed: int = 0


def list_batches(db: Database) -> list[BatchInfo]:
    with db.read() as session:
        rows = session.exec(select(ImportBatch).order_by(ImportBatch.created_at.desc())).all()  # type: ignore[attr-defined]
        return [BatchInfo(b.id, b.created_at, b.source, b.format, b.created_count,
                          b.updated_count, b.organizations_created, b.undone_at) for b in rows]


def _items(session: Session, batch_id: str, entity: str, action: str) -> list[ImportBatchItem]:
    """In the order they were recorded (a batch of merges may touch a record twice)."""
    return list(session.exec(select(ImportBatchItem).where(
        ImportBatchItem.batch_id == batch_id, ImportBatchItem.entity == entity,
        ImportBatchItem.action == action).order_by(text("import_batch_item.rowid"))).all())


def _created(session: Session, batch_id: str, entity: str) -> list[str]:
    """Ids of every `entity` record the batch created.

    Imports record created ids in bulk rows (`ImportBatchIds`, a JSON array each);
    batches saved before those existed have one `ImportBatchItem` per record, still
    read here, so that they stay undoable after the upgrade.
    """
    found: list[str] = []
    for (ids,) in session.execute(text(
            "SELECT ids FROM import_batch_ids WHERE batch_id = :b "
            "AND entity = :e AND action = 'created' ORDER BY created_at, id"),
            {"b": batch_id, "e": entity}):
        found.extend(json.loads(ids))
    found.extend(i.entity_id for i in _items(session, batch_id, entity, "created"))
    return found


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


_IN_IDS = bindparam("ids", expanding=True)


def _referenced(session: Session, ids: list[str], refs: tuple[tuple[str, str], ...]) -> set[str]:
    found: set[str] = set()
    for table, column in refs:
        query = text(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IN :ids"
                     ).bindparams(_IN_IDS)
        for chunk in _chunks(ids):
            found.update(r[0] for r in session.execute(query, {"ids": chunk}))
    return found


def _finished_at(session: Session, batch_id: str) -> datetime | None:
    """When the batch's last undo record was written: after every change it made to
    contacts (imports record their updates after making them, merges record the
    trashed record after updating the survivor). Later changes were made by people."""
    found = [parse_sql_time(session.execute(text(
        f"SELECT max(created_at) FROM {table} WHERE batch_id = :b"), {"b": batch_id}
        ).scalar()) for table in ("import_batch_item", "import_batch_ids")]
    return max((f for f in found if f is not None), default=None)


def _changed_since(session: Session, ids: list[str], since: datetime | None) -> set[str]:
    """Those of `ids` (contacts) updated after `since` (purged ones are not here)."""
    if since is None:
        return set()
    query = text("SELECT id, updated_at FROM contact WHERE id IN :ids").bindparams(_IN_IDS)
    changed: set[str] = set()
    for chunk in _chunks(ids):
        for contact_id, updated_at in session.execute(query, {"ids": chunk}):
            at = parse_sql_time(updated_at)
            if at is not None and at > since:
                changed.add(contact_id)
    return changed


@dataclass
class _UndoPlan:
    """Which contacts an undo deletes, moves to Trash, puts back or leaves alone."""

    remove: list[str]
    to_trash: list[str]  # created by the batch, but edited since or used elsewhere
    restore: list[ImportBatchItem]  # updated by the batch: their snapshot goes back
    keep: list[ImportBatchItem]  # updated by the batch, then edited: left as they are


def _plan_undo(session: Session, batch_id: str) -> _UndoPlan:
    finished = _finished_at(session, batch_id)
    ids = _created(session, batch_id, "contact")
    keep_out = _referenced(session, ids, CONTACT_REFERENCES) | _changed_since(
        session, ids, finished)
    updated = _items(session, batch_id, "contact", "updated")
    edited = _changed_since(session, [i.entity_id for i in updated], finished)
    return _UndoPlan([i for i in ids if i not in keep_out], [i for i in ids if i in keep_out],
                     [i for i in updated if i.entity_id not in edited],
                     [i for i in updated if i.entity_id in edited])


def _delete(session: Session, table: str, ids: list[str]) -> None:
    query = text(f"DELETE FROM {table} WHERE id IN :ids").bindparams(_IN_IDS)
    for chunk in _chunks(ids):
        session.execute(query, {"ids": chunk})


def _undo_merge(session: Session, db: Database, batch_id: str) -> None:
    """Put back what a merge did: the other record, re-pointed links, deleted clashes."""
    undo_carried_decisions(session, batch_id)
    # Newest first: in a batch of merges a row re-pointed by one merge may be re-pointed
    # (or deleted) again by a later one, and must come back to where it first was.
    items = list(session.exec(select(ImportBatchItem).where(
        ImportBatchItem.batch_id == batch_id,
        ImportBatchItem.action.in_(("trashed", "repointed", "deleted")))  # type: ignore[attr-defined]
        .order_by(text("import_batch_item.rowid DESC"))).all())
    # In bulk: a batch of merges trashes a thousand records.
    trashed = {kind: [item.entity_id for item in items
                      if item.action == "trashed" and item.entity == kind]
               for kind in ("contact", "organization")}
    contact_rows.restore_trashed(session, trashed["contact"])
    merge_organizations.restore_trashed(session, trashed["organization"])
    moved_back: list[str] = []  # contacts back at their organization: re-indexed at once
    for item in items:
        if item.action == "repointed":
            table, column = item.entity.split(".")
            session.execute(text(f"UPDATE {table} SET {column} = :old WHERE id = :id"),
                            {"old": item.snapshot, "id": item.entity_id})
            if table == "contact":
                session.execute(text(
                    "UPDATE contact SET consortium_id = (SELECT o.consortium_id FROM "
                    "organization o WHERE o.id = contact.organization_id) WHERE id = :id"),
                    {"id": item.entity_id})
                moved_back.append(item.entity_id)
        elif item.action == "deleted":
            row = json.loads(item.snapshot)
            columns = ", ".join(row)
            marks = ", ".join(f":{k}" for k in row)
            session.execute(text(f"INSERT INTO {item.entity} ({columns}) VALUES ({marks})"), row)
    contact_rows.reindex(session, list(dict.fromkeys(moved_back)))
    merge_organizations.restore(session, OrganizationService(db), [
        (item.entity_id, item.snapshot)
        for item in _items(session, batch_id, "organization", "updated")])


@dataclass(frozen=True)
class UndoPreview:
    """What undoing a batch would do, for the confirmation message."""

    contacts_to_remove: int
    contacts_to_trash: int  # created by the import, then edited or used elsewhere
    contacts_to_restore: int
    contacts_to_keep: int  # updated by the import, then edited: their edits stay


def undo_preview(db: Database, batch_id: str) -> UndoPreview:
    with db.read() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound("import", batch_id)
        plan = _plan_undo(session, batch_id)
        return UndoPreview(len(plan.remove), len(plan.to_trash), len(plan.restore),
                           len(plan.keep))


def undo_batch(db: Database, batch_id: str) -> UndoReport:
    report = UndoReport()
    contacts = ContactService(db)
    with db.write() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound("import", batch_id)
        if batch.undone_at is not None:
            raise Conflict(f"This import was already undone on {batch.undone_at:%Y-%m-%d %H:%M}.")
        # Planned before anything is put back: restoring a merged record from Trash
        # stamps it, and a record both merged into and then merged away (a batch of
        # merges) would then look edited since.
        plan = _plan_undo(session, batch_id)
        _undo_merge(session, db, batch_id)
        if batch.format == "merge":  # up to thousands of survivors: saved back in bulk
            report.contacts_restored = contact_rows.restore_contacts(
                session, contacts, [(i.entity_id, i.snapshot) for i in plan.restore])
        # Restore what was updated (in reverse, in case a contact appears twice).
        for item in reversed(plan.restore if batch.format != "merge" else []):
            before = from_snapshot(item.snapshot)
            row = session.execute(text("SELECT deleted_at FROM contact WHERE id = :id"),
                                  {"id": item.entity_id}).first()
            if row is None:
                continue  # purged since: nothing to restore
            if row[0] is not None:
                contacts.restore(item.entity_id)
                contacts.update(item.entity_id, before)
                contacts.delete(item.entity_id)
            else:
                contacts.update(item.entity_id, before)
            report.contacts_restored += 1
        report.contacts_kept = len(plan.keep)
        # Remove what was created (emails, phones, addresses and tags cascade); what was
        # edited since or is used elsewhere goes to Trash, from where it can come back.
        now = utcnow()
        indexing.unindex_many(session, plan.remove)
        _delete(session, "contact", plan.remove)
        for contact_id in plan.to_trash:
            contact = session.get(Contact, contact_id)
            if contact is not None and contact.deleted_at is None:
                contact.deleted_at = contact.updated_at = now
                session.add(contact)
            unindex(session, contact_id)
        report.contacts_removed, report.contacts_to_trash = len(plan.remove), len(plan.to_trash)
        if plan.remove:
            record_change(session, "contact", ChangeKind.PURGED, *plan.remove)
        if plan.to_trash:
            record_change(session, "contact", ChangeKind.DELETED, *plan.to_trash)
        orgs = _created(session, batch_id, "organization")
        used = _referenced(session, orgs, ORGANIZATION_REFERENCES)
        gone = [o for o in orgs if o not in used]
        indexing.unindex_many(session, gone)
        _delete(session, "organization", gone)
        report.organizations_removed, report.organizations_kept = len(gone), len(used)
        if gone:
            record_change(session, "organization", ChangeKind.PURGED, *gone)
        tags = _created(session, batch_id, "tag")
        used_tags = _referenced(session, tags, (("contact_tag", "tag_id"),
                                                ("organization_tag", "tag_id"),
                                                ("proposal_tag", "tag_id")))
        _delete(session, "tag", [t for t in tags if t not in used_tags])
        report.tags_removed = len(tags) - len(used_tags)
        batch.undone_at = utcnow()
        session.add(batch)
    return report
