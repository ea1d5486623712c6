"""Reading many contacts at once (for export, matching and merge) in a few queries.

`ContactService.get` reads one contact with five queries; exporting 100,000 that way
would take minutes. Here each table is read once per 900 contacts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from coordinator.formats.parsed import CancelCheck, ProgressCallback, check_cancel
from coordinator.models.base import parse_sql_time
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

CHUNK = 900  # SQLite host parameter limit is 999 on old builds; stay below it
SCAN_FROM = 5000  # from this many contacts on, read whole tables instead of id lists

_CONTACT_COLUMNS = (
    "id, prefix, given_name, middle_name, family_name, suffix, nickname, pronouns, title, "
    "organization_id, website, notes, private_notes, birthday, last_contacted_on, full_name, "
    "consortium_id, created_at, updated_at, deleted_at, do_not_contact"
)


def contact_ids(session: Session, *, include_deleted: bool = False) -> list[str]:
    where = "" if include_deleted else " WHERE deleted_at IS NULL"
    return [r[0] for r in session.execute(text(f"SELECT id FROM contact{where} "
                                               "ORDER BY sort_key, id"))]


def load_contacts(session: Session, ids: Sequence[str] | None = None, *,
                  progress: ProgressCallback | None = None,
                  cancelled: CancelCheck | None = None) -> list[ContactData]:
    """ContactData (with emails, phones, addresses, tags, organization and consortium
    names) for `ids` in that order, or for every live contact sorted by name.

    Reads through the session's own DB-API cursor with positional parameters, 900 ids
    at a time (or whole tables when most contacts are wanted): building SQLAlchemy
    statements with 900 named parameters costs more than running them.
    """
    ids = list(ids) if ids is not None else contact_ids(session)
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        # An organization in Trash is not named on its contacts (they keep the link).
        orgs = dict(cursor.execute(
            "SELECT id, name FROM organization WHERE deleted_at IS NULL").fetchall())
        consortia = dict(cursor.execute("SELECT id, short_name FROM consortium").fetchall())
        if len(ids) > SCAN_FROM:  # most of the table: one pass over each table is faster
            out = _load_chunk(cursor, ids, orgs, consortia, mark, scan=True,
                              cancelled=cancelled)
            if progress is not None:
                progress(len(ids), len(ids))
            return out
        out: list[ContactData] = []
        for start in range(0, len(ids), CHUNK):
            check_cancel(cancelled)
            if progress is not None:
                progress(start, len(ids))
            chunk = ids[start : start + CHUNK]
            out.extend(_load_chunk(cursor, chunk, orgs, consortia, mark))
    finally:
        cursor.close()
    if progress is not None:
        progress(len(ids), len(ids))
    return out


def _load_chunk(cursor: Any, chunk: Sequence[str], orgs: dict[str, str],
                consortia: dict[str, str], mark: str = "?", *,
                scan: bool = False, cancelled: CancelCheck | None = None,
                ) -> list[ContactData]:
    """One pass over each table for `chunk`; whole tables with `scan`, checking for
    cancel between them (a scan of 100,000 contacts takes seconds)."""
    if scan:
        marks, where, params = "", "", ()
    else:
        marks = "(" + ", ".join([mark] * len(chunk)) + ")"
        where, params = f" WHERE contact_id IN {marks}", tuple(chunk)
    found: dict[str, ContactData] = {}
    wanted = set(chunk) if scan else None
    for r in cursor.execute(f"SELECT {_CONTACT_COLUMNS} FROM contact"
                            + (f" WHERE id IN {marks}" if marks else ""), params):
        if wanted is not None and r[0] not in wanted:
            continue
        found[r[0]] = ContactData(
            id=r[0], prefix=r[1], given_name=r[2], middle_name=r[3], family_name=r[4],
            suffix=r[5], nickname=r[6], pronouns=r[7], title=r[8], organization_id=r[9],
            website=r[10], notes=r[11], private_notes=r[12], birthday=r[13],
            last_contacted_on=_date(r[14]), full_name=r[15],
            organization_name=orgs.get(r[9], "") if r[9] else "", consortium_id=r[16],
            consortium_short_name=consortia.get(r[16], "") if r[16] else "",
            created_at=parse_sql_time(r[17]), updated_at=parse_sql_time(r[18]),
            deleted_at=parse_sql_time(r[19]), do_not_contact=bool(r[20]),
        )
    emails, phones, addresses, tags = (defaultdict(list) for _ in range(4))
    check_cancel(cancelled)
    for r in cursor.execute(f"SELECT contact_id, address, label, is_primary FROM contact_email"
                            f"{where} ORDER BY contact_id, position", params):
        emails[r[0]].append(EmailData(r[1], r[2], bool(r[3])))
    check_cancel(cancelled)
    for r in cursor.execute(f"SELECT contact_id, raw, label, is_primary, e164 FROM contact_phone"
                            f"{where} ORDER BY contact_id, position", params):
        phones[r[0]].append(PhoneData(r[1], r[2], bool(r[3]), r[4]))
    check_cancel(cancelled)
    for r in cursor.execute(f"SELECT contact_id, label, street, city, region, postal_code, "
                            f"country FROM contact_address{where} "
                            f"ORDER BY contact_id, position", params):
        addresses[r[0]].append(AddressData(*r[1:]))
    check_cancel(cancelled)
    for r in cursor.execute(f"SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag t "
                            f"ON t.id = ct.tag_id{where.replace('contact_id', 'ct.contact_id')} "
                            f"ORDER BY t.name_key", params):
        tags[r[0]].append(r[1])
    out = []
    for contact_id in chunk:
        data = found.get(contact_id)
        if data is not None:
            data.emails, data.phones = emails[contact_id], phones[contact_id]
            data.addresses, data.tags = addresses[contact_id], tags[contact_id]
            out.append(data)
    return out


def _date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
