"""Import batches (and merges): list them, and undo one ("Undo import").

Undo, in one transaction: contacts the batch updated get back the state recorded
before the import; contacts it created are deleted for good, except those that
other records now point at (a meeting's attendee, an action item's owner...), which
go to Trash instead; organizations and tags it created are deleted when nothing uses
them any more.
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
from coordinator.formats.combine import from_snapshot
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
    contacts_to_trash: int = 0  # created, but now referenced elsewhere
    contacts_restored: int = 0
    organizations_removed: int = 0
    organizations_kept: int = 0
    tags_removed: int = 0


def list_batches(db: Database) -> list[BatchInfo]:
    with db.read() as session:
        rows = session.exec(select(ImportBatch).order_by(ImportBatch.created_at.desc())).all()  # type: ignore[attr-defined]
        return [BatchInfo(b.id, b.created_at, b.source, b.format, b.created_count,
                          b.updated_count, b.organizations_created, b.undone_at) for b in rows]


def _items(session: Session, batch_id: str, entity: str, action: str) -> list[ImportBatchItem]:
    return list(session.exec(select(ImportBatchItem).where(
        ImportBatchItem.batch_id == batch_id, ImportBatchItem.entity == entity,
        ImportBatchItem.action == action)).all())


def _created(session: Session, batch_id: str, entity: str) -> list[tuple[str, datetime]]:
    """(id, time of the import) of every `entity` record the batch created.

    Imports record created ids in bulk rows (`ImportBatchIds`, a JSON array each);
    batches saved before those existed have one `ImportBatchItem` per record, still
    read here, so that they stay undoable after the upgrade.
    """
    found: list[tuple[str, datetime]] = []
    for ids, at in session.execute(text(
            "SELECT ids, created_at FROM import_batch_ids WHERE batch_id = :b "
            "AND entity = :e AND action = 'created' ORDER BY created_at, id"),
            {"b": batch_id, "e": entity}):
        when = parse_sql_time(at)
        found.extend((i, when) for i in json.loads(ids))
    found.extend((i.entity_id, i.created_at) for i in _items(session, batch_id, entity,
                                                            "created"))
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


def _changed_since(session: Session, records: list[tuple[str, datetime]]) -> int:
    """How many of these contacts were updated after their import (None-safe: purged
    contacts are not counted)."""
    when = dict(records)
    query = text("SELECT id, updated_at FROM contact WHERE id IN :ids").bindparams(_IN_IDS)
    changed = 0
    for chunk in _chunks(list(when)):
        for contact_id, updated_at in session.execute(query, {"ids": chunk}):
            at = parse_sql_time(updated_at)
            if at is not None and at > when[contact_id]:
                changed += 1
    return changed


def _delete(session: Session, table: str, ids: list[str]) -> None:
    query = text(f"DELETE FROM {table} WHERE id IN :ids").bindparams(_IN_IDS)
    for chunk in _chunks(ids):
        session.execute(query, {"ids": chunk})


def _undo_merge(session: Session, db: Database, batch_id: str) -> None:
    """Put back what a merge did: the other record, re-pointed links, deleted clashes."""
    items = list(session.exec(select(ImportBatchItem).where(
        ImportBatchItem.batch_id == batch_id,
        ImportBatchItem.action.in_(("trashed", "repointed", "deleted")))).all())  # type: ignore[attr-defined]
    services = {"contact": ContactService(db), "organization": OrganizationService(db)}
    for item in items:
        if item.action == "trashed":
            row = session.execute(text(f"SELECT deleted_at FROM {item.entity} WHERE id = :id"),
                                  {"id": item.entity_id}).first()
            if row is not None and row[0] is not None:
                services[item.entity].restore(item.entity_id)
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
                indexing.refresh(session, "contact", [item.entity_id])
        elif item.action == "deleted":
            row = json.loads(item.snapshot)
            columns = ", ".join(row)
            marks = ", ".join(f":{k}" for k in row)
            session.execute(text(f"INSERT INTO {item.entity} ({columns}) VALUES ({marks})"), row)
    for item in _items(session, batch_id, "organization", "updated"):
        before = json.loads(item.snapshot)
        orgs = services["organization"]
        data = orgs.get(item.entity_id)  # type: ignore[attr-defined]
        for name, value in before.items():
            setattr(data, name, value)
        orgs.update(item.entity_id, data)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class UndoPreview:
    """What undoing a batch would do, for the confirmation message."""

    contacts_to_remove: int
    contacts_in_use: int  # created by the import, now used elsewhere: they go to Trash
    contacts_to_restore: int
    changed_since: int  # updated or created by the import and edited after it


def undo_preview(db: Database, batch_id: str) -> UndoPreview:
    with db.read() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound("import", batch_id)
        created = _created(session, batch_id, "contact")
        updated = _items(session, batch_id, "contact", "updated")
        in_use = _referenced(session, [i for i, _ in created], CONTACT_REFERENCES)
        changed = _changed_since(session, created) + _changed_since(
            session, [(i.entity_id, i.created_at) for i in updated])
        return UndoPreview(len(created) - len(in_use), len(in_use), len(updated), changed)


def undo_batch(db: Database, batch_id: str) -> UndoReport:
    report = UndoReport()
    contacts = ContactService(db)
    with db.write() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound("import", batch_id)
        if batch.undone_at is not None:
            raise Conflict(f"This import was already undone on {batch.undone_at:%Y-%m-%d %H:%M}.")
        _undo_merge(session, db, batch_id)
        # Restore what was updated (in reverse, in case a contact appears twice).
        for item in reversed(_items(session, batch_id, "contact", "updated")):
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
        # Remove what was created.
        created = [i for i, _ in _created(session, batch_id, "contact")]
        linked = _referenced(session, created, CONTACT_REFERENCES)
        now = utcnow()
        removable = [c for c in created if c not in linked]
        indexing.unindex_many(session, removable)
        _delete(session, "contact", removable)  # emails, phones, addresses, tags cascade
        for contact_id in linked:
            contact = session.get(Contact, contact_id)
            if contact is not None and contact.deleted_at is None:
                contact.deleted_at = contact.updated_at = now
                session.add(contact)
            unindex(session, contact_id)
        report.contacts_removed, report.contacts_to_trash = len(removable), len(linked)
        if removable:
            record_change(session, "contact", ChangeKind.PURGED, *removable)
        if linked:
            record_change(session, "contact", ChangeKind.DELETED, *linked)
        orgs = [i for i, _ in _created(session, batch_id, "organization")]
        used = _referenced(session, orgs, ORGANIZATION_REFERENCES)
        gone = [o for o in orgs if o not in used]
        indexing.unindex_many(session, gone)
        _delete(session, "organization", gone)
        report.organizations_removed, report.organizations_kept = len(gone), len(used)
        if gone:
            record_change(session, "organization", ChangeKind.PURGED, *gone)
        tags = [i for i, _ in _created(session, batch_id, "tag")]
        used_tags = _referenced(session, tags, (("contact_tag", "tag_id"),
                                                ("organization_tag", "tag_id"),
                                                ("proposal_tag", "tag_id")))
        _delete(session, "tag", [t for t in tags if t not in used_tags])
        report.tags_removed = len(tags) - len(used_tags)
        batch.undone_at = utcnow()
        session.add(batch)
    return report
