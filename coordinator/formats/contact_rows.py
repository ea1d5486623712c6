"""Contacts saved and read back in bulk, exactly as `ContactService.update` saves them.

`ContactService.update` checks a contact, writes its row (trimmed text, full name, sort
key, its organization's consortium), replaces its emails, phones, addresses and tags,
and re-indexes it: a few dozen statements through the ORM. Here the same values are
computed in Python (`row_values`, `as_saved` for what reading it back gives) and
written for many contacts with a few statements (`write_rows`, `reindex`): for batches
of merges and their undo (`restore_contacts`, `restore_trashed`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session

from coordinator.changes import ChangeKind
from coordinator.errors import FieldProblem, ValidationError
from coordinator.formats import bulk
from coordinator.formats.combine import from_snapshot
from coordinator.models import fold, new_id, utcnow
from coordinator.models.base import sql_time
from coordinator.services import indexing
from coordinator.services.base import record_change
from coordinator.services.contacts import (
    ContactService,
    child_rows,
    full_name_of,
    sort_key_of,
)
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

_TRIMMED = ("prefix", "given_name", "middle_name", "family_name", "suffix", "nickname",
            "pronouns", "title", "website", "notes", "private_notes")
_ROW_COLUMNS = (*_TRIMMED, "birthday", "last_contacted_on", "do_not_contact",
                "organization_id", "consortium_id", "full_name", "sort_key")


@dataclass(frozen=True)
class Org:
    """What a contact's save needs of its organization."""

    name: str
    consortium_id: str | None
    live: bool  # not in Trash


def check(contacts: ContactService, data: ContactData, current_org: str | None,
          orgs: dict[str, Org]) -> None:
    """`ContactService.update`'s check, against the organizations read once."""
    problems = contacts.validate(data)
    if data.organization_id:
        org = orgs.get(data.organization_id)
        if org is None or (not org.live and data.organization_id != current_org):
            problems.append(FieldProblem("organization_id", "Choose an existing organization."))
    if problems:
        raise ValidationError(problems)


def row_values(d: ContactData, orgs: dict[str, Org]) -> dict:
    """The contact row `ContactService._apply` writes for `d`."""
    values: dict = {name: (getattr(d, name) or "").strip() for name in _TRIMMED}
    org_id = d.organization_id or None
    org = orgs.get(org_id) if org_id else None
    values.update(
        birthday=d.birthday.strip(),
        last_contacted_on=d.last_contacted_on.isoformat() if d.last_contacted_on else None,
        do_not_contact=int(bool(d.do_not_contact)), organization_id=org_id,
        consortium_id=org.consortium_id if org else None, full_name=full_name_of(d),
        sort_key=sort_key_of(d))
    values["children"] = _children(d)
    return values


def _children(d: ContactData
              ) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple[str, str]]]:
    """Emails, phones and addresses as `ContactService._replace_children` writes them
    (position, label, values...), and the tags' folded names as `set_tags` keeps them."""
    email_rows, phone_rows, address_rows = child_rows(d)
    emails = [(e["position"], e["label"], e["address"], e["address_key"], int(e["is_primary"]))
              for e in email_rows]
    phones = [(p["position"], p["label"], p["raw"], p["e164"], int(p["is_primary"]))
              for p in phone_rows]
    addresses = [(a["position"], a["label"], a["street"], a["city"], a["region"],
                  a["postal_code"], a["country"]) for a in address_rows]
    keys: dict[str, str] = {}
    for name in d.tags:
        key = fold(name)
        if key and key not in keys:
            keys[key] = name.strip()
    return emails, phones, addresses, list(keys.items())


def as_saved(d: ContactData, values: dict, orgs: dict[str, Org], tags: dict[str, str],
             new_tags: dict[str, str]) -> None:
    """`d` (in place) as `ContactService.update` saves it (`values`, from `row_values`)
    and `load_contacts` reads it back (`tags`: folded name -> name of every tag; one
    not there yet goes into both it and `new_tags`, as saving would create it)."""
    for name in (*_TRIMMED, "birthday", "organization_id", "consortium_id", "full_name"):
        setattr(d, name, values[name])
    org = orgs.get(d.organization_id) if d.organization_id else None
    d.organization_name = org.name if org and org.live else ""
    emails, phones, addresses, tag_keys = values["children"]
    d.emails = [EmailData(address, label, bool(primary))
                for _i, label, address, _key, primary in emails]
    d.phones = [PhoneData(raw, label, bool(primary), number)
                for _i, label, raw, number, primary in phones]
    d.addresses = [AddressData(*a[1:]) for a in addresses]
    names = []
    for key, name in sorted(tag_keys):
        if key not in tags:  # `set_tags` creates a tag on first use
            tags[key] = new_tags[key] = name
        names.append(tags[key])
    d.tags = names


def organizations(session: Session, ids: set[str]) -> dict[str, Org]:
    """The organizations `ids` (in Trash too), read once for many saves."""
    found = session.execute(text(
        "SELECT o.id, o.name, o.consortium_id, o.deleted_at IS NULL FROM json_each(:ids) j "
        "JOIN organization o ON o.id = j.value"), {"ids": json.dumps(sorted(ids))})
    return {oid: Org(name, consortium, bool(live)) for oid, name, consortium, live in found}


def tag_ids(session: Session, new_tags: dict[str, str], now: object) -> dict[str, str]:
    """{folded name: tag id}, creating the tags a merge uses first (as `set_tags`)."""
    if new_tags:
        bulk.insert_tuples(session, "tag", ("id", "created_at", "updated_at", "deleted_at",
                                            "name", "name_key"),
                           [(new_id(), sql_time(now), sql_time(now), None, name, key)  # type: ignore[arg-type]
                            for key, name in new_tags.items()])
    return {r[0]: r[1] for r in session.execute(text("SELECT name_key, id FROM tag"))}


def write_rows(session: Session, rows: dict[str, dict], stamp: str,
               tag_id_of: dict[str, str]) -> None:
    """Each contact's row with `rows[id]` (from `row_values`); its emails, phones,
    addresses and tags replaced (new row ids, as an update writes them)."""
    assignments = ", ".join(f"{c} = :{c}" for c in _ROW_COLUMNS)
    many(session, f"UPDATE contact SET {assignments}, updated_at = :updated_at WHERE id = :id",
         [{**{c: values[c] for c in _ROW_COLUMNS}, "updated_at": stamp, "id": cid}
          for cid, values in rows.items()])
    ids = json.dumps(list(rows))
    for table in ("contact_email", "contact_phone", "contact_address", "contact_tag"):
        session.execute(text(f"DELETE FROM {table} WHERE contact_id IN "
                             "(SELECT value FROM json_each(:ids))"), {"ids": ids})
    new_id_of = bulk.Ids()
    emails, phones, addresses, links = [], [], [], []
    for cid, values in rows.items():
        e, p, a, t = values["children"]
        emails.extend((new_id_of(), stamp, stamp, None, cid, label, address, key, primary, i)
                      for i, label, address, key, primary in e)
        phones.extend((new_id_of(), stamp, stamp, None, cid, label, raw, number, primary, i)
                      for i, label, raw, number, primary in p)
        addresses.extend((new_id_of(), stamp, stamp, None, cid, *x[1:], x[0]) for x in a)
        links.extend((cid, tag_id_of[key]) for key, _name in t)
    bulk.insert_tuples(session, "contact_email", bulk.EMAIL_COLUMNS, emails)
    bulk.insert_tuples(session, "contact_phone", bulk.PHONE_COLUMNS, phones)
    bulk.insert_tuples(session, "contact_address", bulk.ADDRESS_COLUMNS, addresses)
    bulk.insert_tuples(session, "contact_tag", ("contact_id", "tag_id"), links)


def reindex(session: Session, ids: list[str]) -> None:
    """The search index of contacts `ids`, in bulk: those in Trash drop out."""
    indexing.unindex_many(session, ids)
    indexing.index_new(session, "contact", ids)


def restore_contacts(session: Session, contacts: ContactService,
                     befores: Sequence[tuple[str, str]]) -> int:
    """Save back each (contact id, `combine.snapshot` JSON) as `ContactService.update`
    would, checked alike, in a few statements (the undo of a batch of merges puts a
    thousand survivors back). Where a contact comes more than once the first snapshot
    wins (the oldest); purged contacts are skipped; a contact in Trash stays there.
    Returns how many contacts were saved back."""
    first: dict[str, str] = {}
    for cid, before in befores:
        first.setdefault(cid, before)
    current = {cid: (org, deleted) for cid, org, deleted in session.execute(text(
        "SELECT c.id, c.organization_id, c.deleted_at FROM json_each(:ids) j "
        "JOIN contact c ON c.id = j.value"), {"ids": json.dumps(list(first))})}
    datas = {cid: from_snapshot(before) for cid, before in first.items() if cid in current}
    orgs = organizations(session, {o for d in datas.values() if (o := d.organization_id)}
                         | {org for org, _deleted in current.values() if org})
    tags = {r[0] for r in session.execute(text("SELECT name_key FROM tag"))}
    rows: dict[str, dict] = {}
    new_tags: dict[str, str] = {}
    for cid, data in datas.items():
        check(contacts, data, current[cid][0], orgs)
        rows[cid] = row_values(data, orgs)
        new_tags.update((key, name) for key, name in rows[cid]["children"][3]
                        if key not in tags and key not in new_tags)
    now = utcnow()
    write_rows(session, rows, sql_time(now), tag_ids(session, new_tags, now))
    reindex(session, list(rows))
    record_change(session, "contact", ChangeKind.UPDATED, *rows)
    return len(rows)


def restore_trashed(session: Session, ids: Sequence[str]) -> list[str]:
    """Bring contacts `ids` back from Trash as `ContactService.restore` does, in a few
    statements; those no longer in Trash (or purged) are left alone. Returns those
    brought back."""
    found = [cid for cid, deleted in session.execute(text(
        "SELECT c.id, c.deleted_at FROM json_each(:ids) j JOIN contact c ON c.id = j.value"),
        {"ids": json.dumps(list(dict.fromkeys(ids)))}) if deleted is not None]
    stamp = sql_time(utcnow())
    many(session, "UPDATE contact SET deleted_at = NULL, updated_at = :t WHERE id = :id",
         [{"t": stamp, "id": cid} for cid in found])
    reindex(session, found)
    record_change(session, "contact", ChangeKind.RESTORED, *found)
    return found


def many(session: Session, sql: str, rows: list[dict]) -> None:
    """One statement run for each of `rows` (an executemany); nothing for none."""
    if rows:
        session.execute(text(sql), rows)
