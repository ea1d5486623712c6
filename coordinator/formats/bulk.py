"""Writing many new contacts in one session, fast, with the search index in step.

The services write one contact at a time (a few statements each); an import of
100,000 rows instead inserts each table with one `executemany`. The values are the
ones the services would write (`full_name_of`, `sort_key_of`, E.164 phones, lower-cased
email keys, the organization's consortium), and the new rows are indexed with the same
SQL source (`indexing.SOURCES`) that `ContactService` uses.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, text
from sqlmodel import Session

from coordinator.formats.fields import fold_cached
from coordinator.models import (
    Tag,
    fold,
    new_id,
    utcnow,
)
from coordinator.models.base import sql_time
from coordinator.services import indexing
from coordinator.services.contacts import full_name_of, sort_key_of
from coordinator.services.records import ContactData

CHUNK = 5000


CONTACT_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "prefix", "given_name",
                   "middle_name", "family_name", "suffix", "nickname", "pronouns", "full_name",
                   "sort_key", "title", "organization_id", "consortium_id", "website", "notes",
                   "private_notes", "birthday", "last_contacted_on")
EMAIL_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "contact_id", "label",
                 "address", "address_key", "is_primary", "position")
PHONE_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "contact_id", "label", "raw",
                 "e164", "is_primary", "position")
ADDRESS_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "contact_id", "label",
                   "street", "city", "region", "postal_code", "country", "position")


class Ids:
    """Random (version 4) UUIDs as text, like `models.new_id`, drawn in bulk: one
    `os.urandom` call per 4,096 ids instead of a `uuid.UUID` object per id."""

    def __init__(self) -> None:
        self._pool: list[str] = []

    def __call__(self) -> str:
        if not self._pool:
            raw = bytearray(os.urandom(16 * 4096))
            for i in range(0, len(raw), 16):
                raw[i + 6] = raw[i + 6] & 0x0F | 0x40
                raw[i + 8] = raw[i + 8] & 0x3F | 0x80
            hexed = raw.hex()
            self._pool = [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
                          for h in (hexed[i : i + 32] for i in range(0, len(hexed), 32))]
        return self._pool.pop()


@dataclass
class NewContacts:
    """Rows to insert (as tuples in the column orders above), written by `flush_into`."""

    now: datetime = field(default_factory=utcnow)
    contacts: list[tuple] = field(default_factory=list)
    emails: list[tuple] = field(default_factory=list)
    phones: list[tuple] = field(default_factory=list)
    addresses: list[tuple] = field(default_factory=list)
    tags: list[tuple] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stamp = sql_time(self.now)
        self.new_id = Ids()

    def add(self, d: ContactData, organization_id: str | None, consortium_id: str | None,
            tag_ids: dict[str, str], tags: Sequence[str] | None = None) -> str:
        stamp, new_id = self.stamp, self.new_id
        contact_id = new_id()
        self.contacts.append((
            contact_id, stamp, stamp, None, d.prefix, d.given_name, d.middle_name,
            d.family_name, d.suffix, d.nickname, d.pronouns, full_name_of(d), sort_key_of(d),
            d.title, organization_id, consortium_id, d.website, d.notes, d.private_notes,
            d.birthday, d.last_contacted_on.isoformat() if d.last_contacted_on else None))
        primary_seen = False
        for i, e in enumerate(d.emails):
            primary = e.is_primary and not primary_seen
            primary_seen |= primary
            self.emails.append((new_id(), stamp, stamp, None, contact_id, e.label, e.address,
                                e.address.casefold(), int(primary), i))
        primary_seen = False
        for i, p in enumerate(d.phones):
            primary = p.is_primary and not primary_seen
            primary_seen |= primary
            self.phones.append((new_id(), stamp, stamp, None, contact_id, p.label, p.raw,
                                p.e164, int(primary), i))
        for i, a in enumerate(d.addresses):
            self.addresses.append((new_id(), stamp, stamp, None, contact_id, a.label, a.street,
                                   a.city, a.region, a.postal_code, a.country, i))
        for key in dict.fromkeys(fold_cached(t) for t in (d.tags if tags is None else tags)):
            if key in tag_ids:
                self.tags.append((contact_id, tag_ids[key]))
        return contact_id

    def flush_into(self, session: Session) -> None:
        for table, columns, rows in (
                ("contact", CONTACT_COLUMNS, self.contacts),
                ("contact_email", EMAIL_COLUMNS, self.emails),
                ("contact_phone", PHONE_COLUMNS, self.phones),
                ("contact_address", ADDRESS_COLUMNS, self.addresses),
                ("contact_tag", ("contact_id", "tag_id"), self.tags)):
            insert_tuples(session, table, columns, rows)
            rows.clear()


def insert_tuples(session: Session, table: str, columns: Sequence[str],
                  rows: Sequence[tuple]) -> None:
    """One executemany on the session's own connection (same transaction)."""
    if not rows:
        return
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                           f"VALUES ({', '.join([mark] * len(columns))})", rows)
    finally:
        cursor.close()


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
    """`orgs`: dicts with id, name, sector, consortium_id, website."""
    stamp = sql_time(utcnow())
    insert_tuples(session, "organization",
                  ("id", "created_at", "updated_at", "deleted_at", "name", "name_key", "sector",
                   "consortium_id", "city", "state", "website", "notes"),
                  [(o["id"], stamp, stamp, None, o["name"], fold(o["name"]), o["sector"],
                    o.get("consortium_id"), "", "", o.get("website", ""), "") for o in orgs])


def record_items(session: Session, batch_id: str, entity: str, action: str,
                 ids: Sequence[str], snapshots: Sequence[str] | None = None) -> None:
    stamp, new_id = sql_time(utcnow()), Ids()
    insert_tuples(session, "import_batch_item",
                  ("id", "created_at", "updated_at", "deleted_at", "batch_id", "entity",
                   "entity_id", "action", "snapshot"),
                  [(new_id(), stamp, stamp, None, batch_id, entity, entity_id, action,
                    snapshots[i] if snapshots else "") for i, entity_id in enumerate(ids)])


def index_new(session: Session, entity: str, ids: Sequence[str]) -> None:
    """Add new records to the search index, with the services' own SQL source per entity.

    New records have nothing to remove from the index first, so this skips the per-id
    delete of `indexing.refresh` (which dominates at 100,000 records): the ids go into a
    temporary table and two INSERT ... SELECT statements index them all.
    """
    if not ids:
        return
    source = getattr(indexing, "source", None)
    if source is None or len(ids) < 50:
        indexing.refresh(session, entity, ids)
        return
    sql = f"SELECT * FROM ({source(entity)}) WHERE id IN (SELECT id FROM temp.formats_new_ids)"
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS formats_new_ids (id TEXT PRIMARY KEY)")
        cursor.execute("DELETE FROM temp.formats_new_ids")
        cursor.executemany("INSERT OR IGNORE INTO temp.formats_new_ids (id) VALUES (?)",
                           [(i,) for i in ids])
        cursor.execute(f"INSERT INTO search_doc (entity, entity_id) SELECT ?, id FROM ({sql})",
                       (entity,))
        cursor.execute(f"INSERT INTO search_fts (rowid, title, body) SELECT d.rowid, s.title, "
                       f"s.body FROM ({sql}) s JOIN search_doc d ON d.entity_id = s.id")
        cursor.execute("DELETE FROM temp.formats_new_ids")
    finally:
        cursor.close()
