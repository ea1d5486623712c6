"""Reading many contacts at once (for export, matching and merge) in a few queries.

`ContactService.get` reads one contact with five queries; exporting 100,000 that way
would take minutes. Here each child table is read once for the whole set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from sqlalchemy import text
from sqlmodel import Session

from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

CHUNK = 900  # SQLite host parameter limit is 999 on old builds; stay below it

_CONTACT_COLUMNS = (
    "id, prefix, given_name, middle_name, family_name, suffix, nickname, pronouns, title, "
    "organization_id, website, notes, private_notes, birthday, last_contacted_on, full_name, "
    "consortium_id, created_at, updated_at, deleted_at"
)


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _in(ids: Sequence[str]) -> tuple[str, dict[str, str]]:
    names = {f"i{n}": value for n, value in enumerate(ids)}
    return "(" + ", ".join(f":{k}" for k in names) + ")", names


def contact_ids(session: Session, *, include_deleted: bool = False) -> list[str]:
    where = "" if include_deleted else " WHERE deleted_at IS NULL"
    return [r[0] for r in session.execute(text(f"SELECT id FROM contact{where} "
                                               "ORDER BY sort_key, id"))]


def load_contacts(session: Session, ids: Sequence[str] | None = None) -> list[ContactData]:
    """ContactData (with emails, phones, addresses, tags, organization and consortium
    names) for `ids` in that order, or for every live contact sorted by name."""
    ids = list(ids) if ids is not None else contact_ids(session)
    out: list[ContactData] = []
    orgs = {r[0]: r[1] for r in session.execute(text("SELECT id, name FROM organization"))}
    consortia = {r[0]: r[1] for r in session.execute(text("SELECT id, short_name "
                                                          "FROM consortium"))}
    for chunk in _chunks(ids):
        marks, params = _in(chunk)
        found: dict[str, ContactData] = {}
        for r in session.execute(text(f"SELECT {_CONTACT_COLUMNS} FROM contact "
                                      f"WHERE id IN {marks}"), params):
            found[r[0]] = ContactData(
                id=r[0], prefix=r[1], given_name=r[2], middle_name=r[3], family_name=r[4],
                suffix=r[5], nickname=r[6], pronouns=r[7], title=r[8], organization_id=r[9],
                website=r[10], notes=r[11], private_notes=r[12], birthday=r[13],
                last_contacted_on=_date(r[14]), full_name=r[15],
                organization_name=orgs.get(r[9], "") if r[9] else "", consortium_id=r[16],
                consortium_short_name=consortia.get(r[16], "") if r[16] else "",
            )
        emails, phones, addresses, tags = (defaultdict(list) for _ in range(4))
        for r in session.execute(text(
                f"SELECT contact_id, address, label, is_primary FROM contact_email "
                f"WHERE contact_id IN {marks} ORDER BY contact_id, position"), params):
            emails[r[0]].append(EmailData(r[1], r[2], bool(r[3])))
        for r in session.execute(text(
                f"SELECT contact_id, raw, label, is_primary, e164 FROM contact_phone "
                f"WHERE contact_id IN {marks} ORDER BY contact_id, position"), params):
            phones[r[0]].append(PhoneData(r[1], r[2], bool(r[3]), r[4]))
        for r in session.execute(text(
                f"SELECT contact_id, label, street, city, region, postal_code, country "
                f"FROM contact_address WHERE contact_id IN {marks} "
                f"ORDER BY contact_id, position"), params):
            addresses[r[0]].append(AddressData(*r[1:]))
        for r in session.execute(text(
                f"SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag t "
                f"ON t.id = ct.tag_id WHERE ct.contact_id IN {marks} ORDER BY t.name_key"),
                params):
            tags[r[0]].append(r[1])
        for contact_id in chunk:
            data = found.get(contact_id)
            if data is None:
                continue
            data.emails, data.phones = emails[contact_id], phones[contact_id]
            data.addresses, data.tags = addresses[contact_id], tags[contact_id]
            out.append(data)
    return out


def _date(value: object):  # type: ignore[no-untyped-def]
    from datetime import date

    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
