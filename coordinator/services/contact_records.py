"""Full contact records as JSON-ready dicts, read in bulk with plain sqlite3.

`coordinator list contacts --format json` streams these one by one: the same keys and
values as `ContactService.get_many` turned plain (dates as ISO text, UTC times with their
offset), without building ORM objects first. A test compares the two on the sample.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import fields
from datetime import UTC, datetime

from coordinator.folding import fold
from coordinator.services.records import AddressData, ContactData

CHUNK = 500  # ids per query (well under SQLite's limit on bound values)
_KEYS = [f.name for f in fields(ContactData)]
_EMAIL_KEYS = ("address", "label", "is_primary")
_PHONE_KEYS = ("raw", "label", "is_primary", "e164")
_ADDRESS_KEYS = tuple(f.name for f in fields(AddressData))
_CONTACT_COLUMNS = ("id", "prefix", "given_name", "middle_name", "family_name", "suffix",
                    "nickname", "pronouns", "title", "organization_id", "website", "notes",
                    "private_notes", "birthday", "last_contacted_on", "do_not_contact",
                    "full_name",
                    "consortium_id", "created_at", "updated_at", "deleted_at")
_TIMES = ("created_at", "updated_at", "deleted_at")


def _time(value: str | None) -> str | None:
    """A UTC time as SQLAlchemy stores it in SQLite, as ISO text with its offset."""
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat()


def _children(conn: sqlite3.Connection, sql: str, ids: Sequence[str],
              keys: tuple[str, ...], flags: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in conn.execute(sql.format(marks=", ".join("?" * len(ids))), ids):
        item = dict(zip(keys, row[1:], strict=True))
        for flag in flags:
            item[flag] = bool(item[flag])
        grouped.setdefault(row[0], []).append(item)
    return grouped


def iter_contact_records(conn: sqlite3.Connection, ids: Sequence[str]) -> Iterator[dict]:
    """The record of each id (in the order given; missing ids skipped)."""
    consortia = dict(conn.execute("SELECT id, short_name FROM consortium"))
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        marks = ", ".join("?" * len(chunk))
        rows = {r[0]: r for r in conn.execute(
            f"SELECT {', '.join(_CONTACT_COLUMNS)} FROM contact WHERE id IN ({marks})", chunk)}
        emails = _children(conn, "SELECT contact_id, address, label, is_primary FROM "
                           "contact_email WHERE contact_id IN ({marks}) ORDER BY position",
                           chunk, _EMAIL_KEYS, ("is_primary",))
        phones = _children(conn, "SELECT contact_id, raw, label, is_primary, e164 FROM "
                           "contact_phone WHERE contact_id IN ({marks}) ORDER BY position",
                           chunk, _PHONE_KEYS, ("is_primary",))
        addresses = _children(conn, f"SELECT contact_id, {', '.join(_ADDRESS_KEYS)} FROM "
                              "contact_address WHERE contact_id IN ({marks}) ORDER BY position",
                              chunk, _ADDRESS_KEYS)
        tags: dict[str, list[str]] = {}
        for cid, name in conn.execute(
                "SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id"
                f" WHERE ct.contact_id IN ({marks})", chunk):
            tags.setdefault(cid, []).append(name)
        org_ids = sorted({r[9] for r in rows.values() if r[9]})
        # An organization in Trash is not shown on its contacts (they keep the link).
        orgs: dict[str, str] = {}
        for begin in range(0, len(org_ids), CHUNK):
            part = org_ids[begin:begin + CHUNK]
            orgs.update(conn.execute(
                f"SELECT id, name FROM organization WHERE id IN ({', '.join('?' * len(part))})"
                " AND deleted_at IS NULL", part))
        for cid in chunk:
            row = rows.get(cid)
            if row is None:
                continue
            values = dict(zip(_CONTACT_COLUMNS, row, strict=True))
            for key in _TIMES:
                values[key] = _time(values[key])
            values["do_not_contact"] = bool(values["do_not_contact"])
            values.update(
                emails=emails.get(cid, []), phones=phones.get(cid, []),
                addresses=addresses.get(cid, []), tags=sorted(tags.get(cid, []), key=fold),
                organization_name=orgs.get(values["organization_id"] or "", ""),
                consortium_short_name=consortia.get(values["consortium_id"] or "", ""))
            yield {key: values[key] for key in _KEYS}
