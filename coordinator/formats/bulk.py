"""Writing many new contacts in one session, fast, with the search index in step.

The services write one contact at a time (a few statements each); an import of
100,000 rows instead inserts each table with one `executemany` per chunk. The values
are the ones the services would write (`full_name_of`, `sort_key_of`, E.164 phones,
lower-cased email keys, the organization's consortium), and the new rows are indexed
with the same SQL source (`indexing.source`) that `ContactService` uses.

What makes it fast, besides fewer statements: keys handed out in increasing order
(`SortedIds` for contacts and organizations, time-ordered `Ids` for their emails, phones
and addresses), so that primary keys and `contact_id` indexes are appended to instead
of being written at a random page per row; a page cache sized for the write
(`bulk_cache`); and undo records that list thousands of created ids per row
(`record_created`) instead of one row per record.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, text
from sqlmodel import Session

from coordinator.db.engine import BULK_CACHE_KIB, CACHE_KIB
from coordinator.formats.fields import fold_cached
from coordinator.models import (
    Tag,
    fold,
    new_id,
    utcnow,
)
from coordinator.models.base import sql_time
from coordinator.services.contacts import full_name_of
from coordinator.services.records import ContactData

CHUNK = 5000
IDS_PER_ROW = 5000  # ids per import_batch_ids row (about 190 kB of JSON)
CACHE_KIB_PER_ROW = 4  # page cache per record written: a contact with its rows and index
# At most this much page cache for an import: the import also holds the parsed file
# (about 4 kB a contact), and with 256 MiB of cache a 100,000-contact import peaked at
# 800 MB; with 96 MiB at under 600 MB, and it was no slower.
IMPORT_CACHE_KIB = min(BULK_CACHE_KIB, 96 * 1024)


CONTACT_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "prefix", "given_name",
                   "middle_name", "family_name", "suffix", "nickname", "pronouns", "full_name",
                   "sort_key", "title", "organization_id", "consortium_id", "website", "notes",
                   "private_notes", "birthday", "last_contacted_on", "do_not_contact")
EMAIL_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "contact_id", "label",
                 "address", "address_key", "is_primary", "position")
PHONE_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "contact_id", "label", "raw",
                 "e164", "is_primary", "position")
ADDRESS_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "contact_id", "label",
                   "street", "city", "region", "postal_code", "country", "position")


def _v7_stream() -> Iterator[str]:
    """Endless time-ordered UUIDs (version 7, RFC 9562) in strictly increasing order.

    The 48-bit millisecond timestamp and the 12 `rand_a` bits are drawn once per
    stream; the 62 `rand_b` bits are a 30-bit counter (RFC 9562 section 6.2, method 1,
    starting at a random value below 2**29) followed by 32 random bits. Strictly
    increasing keys are appended at the end of every index on them, which is what
    makes bulk inserts cheap. Ids are made 4,096 at a time from a fixed prefix (the
    counter's upper bits change once per 65,536 ids): formatting whole 128-bit numbers
    one by one would cost more than the inserts save.
    """
    block = 4096  # divides 2**16: a block never carries into the counter's upper bits
    last_ms = 0
    while True:
        last_ms = max(time.time_ns() // 1_000_000, last_ms + 1)
        rand_a = int.from_bytes(os.urandom(2), "big") & 0xFFF
        prefix = f"{last_ms >> 16 & 0xFFFF_FFFF:08x}-{last_ms & 0xFFFF:04x}-{0x7000 | rand_a:04x}-"
        counter = (int.from_bytes(os.urandom(4), "big") >> 3) & ~(block - 1)
        while counter + block < 1 << 30:
            rand = array("I")
            rand.frombytes(os.urandom(rand.itemsize * block))
            head = f"{prefix}{0x8000 | counter >> 16:04x}-"
            low = counter & 0xFFFF
            yield from [f"{head}{c << 32 | r & 0xFFFF_FFFF:012x}"
                        for c, r in zip(range(low, low + block), rand, strict=True)]
            counter += block


class Ids:
    """Time-ordered UUIDs as text (version 7, see `_v7_stream`), each greater than the
    one before: for rows nobody sees or types the id of (a contact's emails, phones
    and addresses, undo records). Their keys are appended at the end of every index
    on them instead of at random pages."""

    def __init__(self) -> None:
        self._next = _v7_stream().__next__

    def __call__(self) -> str:
        return self._next()


class _SharedIds:
    """One `Ids` stream for the whole process, safe to call from any thread: a new
    stream makes its first 4,096 ids at once (7 ms), which a merge recording one undo
    row at a time paid on every row."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: Ids | None = None

    def __call__(self) -> str:
        with self._lock:
            if self._ids is None:
                self._ids = Ids()
            return self._ids()


shared_id = _SharedIds()


_VERSION_4 = bytes(b & 0x0F | 0x40 for b in range(256))
_VARIANT = bytes(b & 0x3F | 0x80 for b in range(256))


def random_ids(count: int) -> list[str]:
    """`count` random (version 4) UUIDs as text, exactly like `models.new_id`, sorted."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_VARIANT)
    h = raw.hex()
    ids = [f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-"
           f"{h[i + 20 : i + 32]}" for i in range(0, 32 * count, 32)]
    ids.sort()
    return ids


class SortedIds:
    """Random (version 4) UUIDs, like `models.new_id`, handed out in increasing order:
    for records people see and name by a short id prefix (contacts, organizations:
    `trash restore 3f2a`, vCard UIDs), whose first characters must stay random and must
    not tell when they were made. `expected` ids are drawn at once and sorted, so a
    bulk insert still walks each index on them once, in order (in an empty table, it
    appends), instead of landing at a random page per row."""

    def __init__(self, expected: int) -> None:
        self._expected = max(expected, 1)
        self._pool: list[str] = []

    def __call__(self) -> str:
        if not self._pool:  # more than expected: another sorted run (still correct)
            self._pool = random_ids(self._expected)
            self._pool.reverse()  # pop() from the end: increasing order
        return self._pool.pop()


class FoldCache(dict[str, str]):
    """`fold` of each distinct value, computed once per import: the same given names,
    family names and labels come back on row after row, and folding text with accents
    costs microseconds each time."""

    def __missing__(self, key: str) -> str:
        value = self[key] = fold(key)
        return value

    def joined(self, *parts: str) -> str:
        """`fold(" ".join(parts))`. Folding is character by character (case folding,
        NFKD, dropped combining marks, collapsed spaces), so for text with accents the
        folded parts, joined, give the same text; plain ASCII is folded at once."""
        text = " ".join(parts)
        if text.isascii():
            return " ".join(text.casefold().split())
        return " ".join([f for f in map(self.__getitem__, parts) if f])


@dataclass
class NewContacts:
    """Rows to insert (as tuples in the column orders above), written by `flush_into`.

    Values are exactly those `ContactService.create` would write; `sort_key` is
    `sort_key_of(d)` computed with `folds` (see `FoldCache.joined`).
    """

    now: datetime = field(default_factory=utcnow)
    folds: FoldCache = field(default_factory=FoldCache)
    expected: int = CHUNK  # contacts to be added (their ids are drawn at once)
    contacts: list[tuple] = field(default_factory=list)
    emails: list[tuple] = field(default_factory=list)
    phones: list[tuple] = field(default_factory=list)
    addresses: list[tuple] = field(default_factory=list)
    tags: list[tuple] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stamp = sql_time(self.now)
        self.new_contact_id = SortedIds(self.expected)
        self.new_id = Ids()  # emails, phones, addresses
        self._tag_ids: dict[str, str] = {}
        self._tag_rows: dict[tuple[str, ...], list[str]] = {}  # label set -> tag ids

    def add(self, d: ContactData, organization_id: str | None, consortium_id: str | None,
            tag_ids: dict[str, str], tags: Sequence[str] | None = None) -> str:
        stamp, new_id, folds = self.stamp, self.new_id, self.folds
        contact_id = self.new_contact_id()
        self.contacts.append((
            contact_id, stamp, stamp, None, d.prefix, d.given_name, d.middle_name,
            d.family_name, d.suffix, d.nickname, d.pronouns, full_name_of(d),
            folds.joined(d.family_name, d.given_name, d.middle_name),
            d.title, organization_id, consortium_id, d.website, d.notes, d.private_notes,
            d.birthday, d.last_contacted_on.isoformat() if d.last_contacted_on else None,
            int(d.do_not_contact)))
        if d.emails:
            primary_seen = False
            for i, e in enumerate(d.emails):
                primary = e.is_primary and not primary_seen
                primary_seen |= primary
                self.emails.append((new_id(), stamp, stamp, None, contact_id, e.label,
                                    e.address, e.address.casefold(), int(primary), i))
        if d.phones:
            primary_seen = False
            for i, p in enumerate(d.phones):
                primary = p.is_primary and not primary_seen
                primary_seen |= primary
                self.phones.append((new_id(), stamp, stamp, None, contact_id, p.label, p.raw,
                                    p.e164, int(primary), i))
        for i, a in enumerate(d.addresses):
            self.addresses.append((new_id(), stamp, stamp, None, contact_id, a.label, a.street,
                                   a.city, a.region, a.postal_code, a.country, i))
        names = tuple(d.tags if tags is None else tags)
        if names:
            if tag_ids is not self._tag_ids:  # the cache below holds for one mapping
                self._tag_ids, self._tag_rows = tag_ids, {}
            wanted = self._tag_rows.get(names)
            if wanted is None:  # files repeat the same few label sets: look each up once
                keys = dict.fromkeys(fold_cached(t) for t in names)
                wanted = self._tag_rows[names] = [tag_ids[k] for k in keys if k in tag_ids]
            self.tags.extend([(contact_id, tag_id) for tag_id in wanted])
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


# Rows in one INSERT into a table with triggers: a few fixed sizes (the rest of a list
# goes in smaller ones), so that the compiled statements stay few and small, and within
# SQLite's limit of parameters in one statement (999 in builds before 3.32).
ROWS_PER_INSERT = (64, 16, 4, 1)


def insert_tuples(session: Session, table: str, columns: Sequence[str],
                  rows: Sequence[tuple]) -> None:
    """Inserts on the session's own connection (same transaction). Into a table with
    triggers (Home's last-contact table, a team hub's change capture), several rows per
    statement: SQLite opens a statement journal for each execution of a statement that
    may fire triggers, which one execution per contact made cost an import of 20,000
    contacts a third more time. Other tables take one executemany."""
    if not rows:
        return
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    one = f"({', '.join([mark] * len(columns))})"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    driver = connection.connection.driver_connection
    sizes = [1]
    if isinstance(driver, sqlite3.Connection) and driver.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (table,)).fetchone():
        limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        sizes = [n for n in ROWS_PER_INSERT if n * len(columns) <= limit] or [1]
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        if sizes == [1]:
            cursor.executemany(head + one, rows)
            return
        start = 0
        while start < len(rows):
            n = next(n for n in sizes if n <= len(rows) - start)
            chunk = rows[start:start + n]
            cursor.execute(head + ", ".join([one] * n), [v for row in chunk for v in row])
            start += n
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


def insert_organizations(session: Session, orgs: Sequence[dict],
                         now: datetime | None = None) -> None:
    """`orgs`: dicts with id, name, sector, consortium_id and optionally website, city,
    state and notes."""
    stamp = sql_time(now or utcnow())
    insert_tuples(session, "organization",
                  ("id", "created_at", "updated_at", "deleted_at", "name", "name_key", "sector",
                   "consortium_id", "city", "state", "website", "notes"),
                  [(o["id"], stamp, stamp, None, o["name"], fold(o["name"]), o["sector"],
                    o.get("consortium_id"), o.get("city", ""), o.get("state", ""),
                    o.get("website", ""), o.get("notes", "")) for o in orgs])


def record_items(session: Session, batch_id: str, entity: str, action: str,
                 ids: Sequence[str], snapshots: Sequence[str] | None = None) -> None:
    """One `import_batch_item` per record: for records whose undo needs a snapshot
    (updated, merged). Records a batch created go in `record_created`."""
    stamp, new_id = sql_time(utcnow()), shared_id
    insert_tuples(session, "import_batch_item",
                  ("id", "created_at", "updated_at", "deleted_at", "batch_id", "entity",
                   "entity_id", "action", "snapshot"),
                  [(new_id(), stamp, stamp, None, batch_id, entity, entity_id, action,
                    snapshots[i] if snapshots else "") for i, entity_id in enumerate(ids)])


def record_created(session: Session, batch_id: str, entity: str, ids: Sequence[str],
                   now: datetime | None = None) -> None:
    """Remember that the batch created `ids`, `IDS_PER_ROW` ids per `import_batch_ids`
    row (a JSON array): one undo row per created record cost about as much as writing
    the record itself. `now` must not be earlier than the records' own `updated_at`
    (undo counts records updated after it as changed since the import)."""
    if not ids:
        return
    stamp, new_id = sql_time(now or utcnow()), Ids()
    insert_tuples(session, "import_batch_ids",
                  ("id", "created_at", "updated_at", "deleted_at", "batch_id", "entity",
                   "action", "ids"),
                  [(new_id(), stamp, stamp, None, batch_id, entity, "created",
                    json.dumps(list(ids[start : start + IDS_PER_ROW])))
                   for start in range(0, len(ids), IDS_PER_ROW)])


@contextmanager
def bulk_cache(session: Session, rows: int) -> Iterator[None]:
    """A page cache big enough for writing about `rows` records in the session's
    transaction (up to `IMPORT_CACHE_KIB`), and the connection's own size back after.

    With the usual 16 MiB, a large import fills the cache and SQLite spills dirty pages
    to the WAL mid-transaction, then writes the same pages again as the import touches
    them. This changes neither what is written nor how safely (journal and synchronous
    settings stay as they are: a crash still leaves the database as it was).
    """
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        before = cursor.execute("PRAGMA cache_size").fetchone()[0]
        want = min(IMPORT_CACHE_KIB, max(CACHE_KIB, rows * CACHE_KIB_PER_ROW))
        if before < 0 and -before < want:
            cursor.execute(f"PRAGMA cache_size=-{want}")
        try:
            yield
        finally:
            # Never hide the error that is unwinding: at worst the pooled connection
            # keeps a larger cache limit (memory, not data).
            with suppress(sqlite3.Error):
                cursor.execute(f"PRAGMA cache_size={before}")
    finally:
        cursor.close()
