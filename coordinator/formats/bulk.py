"""Writing many new contacts in one session, fast, with the search index in step.

The services write one contact at a time (a few statements each); an import of
100,000 rows instead inserts each table with one `executemany`. The values are the
ones the services would write (`full_name_of`, `sort_key_of`, E.164 phones, lower-cased
email keys, the organization's consortium), and the new rows are indexed with the same
SQL source (`indexing.SOURCES`) that `ContactService` uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, text
from sqlmodel import Session

from coordinator.models import (
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Organization,
    Tag,
    fold,
    new_id,
    utcnow,
)
from coordinator.models.imports import ImportBatchItem
from coordinator.services import indexing
from coordinator.services.contacts import full_name_of, sort_key_of
from coordinator.services.records import ContactData

CHUNK = 5000


@dataclass
class NewContacts:
    """Rows to insert, collected by `add` and written by `flush_into`."""

    now: datetime = field(default_factory=utcnow)
    contacts: list[dict] = field(default_factory=list)
    emails: list[dict] = field(default_factory=list)
    phones: list[dict] = field(default_factory=list)
    addresses: list[dict] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)

    def _base(self) -> dict:
        return {"id": new_id(), "created_at": self.now, "updated_at": self.now,
                "deleted_at": None}

    def add(self, d: ContactData, organization_id: str | None, consortium_id: str | None,
            tag_ids: dict[str, str]) -> str:
        row = self._base()
        contact_id = row["id"]
        row.update(
            prefix=d.prefix, given_name=d.given_name, middle_name=d.middle_name,
            family_name=d.family_name, suffix=d.suffix, nickname=d.nickname,
            pronouns=d.pronouns, full_name=full_name_of(d), sort_key=sort_key_of(d),
            title=d.title, organization_id=organization_id, consortium_id=consortium_id,
            website=d.website, notes=d.notes, private_notes=d.private_notes,
            birthday=d.birthday, last_contacted_on=d.last_contacted_on,
        )
        self.contacts.append(row)
        primary_seen = False
        for i, e in enumerate(d.emails):
            primary = e.is_primary and not primary_seen
            primary_seen |= primary
            self.emails.append({**self._base(), "contact_id": contact_id, "label": e.label,
                                "address": e.address, "address_key": e.address.casefold(),
                                "is_primary": primary, "position": i})
        primary_seen = False
        for i, p in enumerate(d.phones):
            primary = p.is_primary and not primary_seen
            primary_seen |= primary
            self.phones.append({**self._base(), "contact_id": contact_id, "label": p.label,
                                "raw": p.raw, "e164": p.e164, "is_primary": primary,
                                "position": i})
        for i, a in enumerate(d.addresses):
            self.addresses.append({**self._base(), "contact_id": contact_id, "label": a.label,
                                   "street": a.street, "city": a.city, "region": a.region,
                                   "postal_code": a.postal_code, "country": a.country,
                                   "position": i})
        for key in dict.fromkeys(fold(t) for t in d.tags):
            if key in tag_ids:
                self.tags.append({"contact_id": contact_id, "tag_id": tag_ids[key]})
        return contact_id

    def flush_into(self, session: Session) -> None:
        for model, rows in ((Contact, self.contacts), (ContactEmail, self.emails),
                            (ContactPhone, self.phones), (ContactAddress, self.addresses),
                            (ContactTag, self.tags)):
            insert_rows(session, model, rows)
            rows.clear()


def insert_rows(session: Session, model: type, rows: Sequence[dict]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), list(rows[start : start + CHUNK]))


def ensure_tags(session: Session, names: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """({folded name: tag id} for `names`, ids of the tags created)."""
    existing = {r[0]: r[1] for r in session.execute(text("SELECT name_key, id FROM tag"))}
    wanted: dict[str, str] = {}
    for name in names:
        key = fold(name)
        if key and key not in wanted:
            wanted[key] = " ".join(name.split())[:80]
    now = utcnow()
    new_rows = [{"id": new_id(), "created_at": now, "updated_at": now, "deleted_at": None,
                 "name": name, "name_key": key}
                for key, name in wanted.items() if key not in existing]
    insert_rows(session, Tag, new_rows)
    existing.update({r["name_key"]: r["id"] for r in new_rows})
    return {k: existing[k] for k in wanted}, [r["id"] for r in new_rows]


def insert_organizations(session: Session, orgs: Sequence[dict]) -> None:
    """`orgs`: dicts with id, name, sector, consortium_id."""
    now = utcnow()
    rows = [{"id": o["id"], "created_at": now, "updated_at": now, "deleted_at": None,
             "name": o["name"], "name_key": fold(o["name"]), "sector": o["sector"],
             "consortium_id": o.get("consortium_id"), "city": "", "state": "",
             "website": o.get("website", ""), "notes": ""} for o in orgs]
    insert_rows(session, Organization, rows)


def record_items(session: Session, batch_id: str, entity: str, action: str,
                 ids: Sequence[str], snapshots: Sequence[str] | None = None) -> None:
    now = utcnow()
    rows = [{"id": new_id(), "created_at": now, "updated_at": now, "deleted_at": None,
             "batch_id": batch_id, "entity": entity, "entity_id": entity_id,
             "action": action, "snapshot": snapshots[i] if snapshots else ""}
            for i, entity_id in enumerate(ids)]
    insert_rows(session, ImportBatchItem, rows)


def index_new(session: Session, entity: str, ids: Sequence[str]) -> None:
    """Add new records to the search index (the services' own SQL source per entity)."""
    if ids:
        indexing.refresh(session, entity, ids)
