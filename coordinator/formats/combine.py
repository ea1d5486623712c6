"""Combining two versions of a contact without losing anything (pure functions).

Used when an import row matches an existing contact (the file's non-empty values
win, lists are united) and when two duplicates are merged (the survivor's values
win; the other's fill the gaps; every email, phone, address, tag and note is kept).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from coordinator.models import fold
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

SCALARS = ("prefix", "given_name", "middle_name", "family_name", "suffix", "nickname",
           "pronouns", "title", "website", "birthday")
TEXTS = ("notes", "private_notes")


def _phone_key(p: PhoneData) -> str:
    return p.e164 or "".join(ch for ch in p.raw if ch.isdigit()) or p.raw


def _address_key(a: AddressData) -> tuple[str, ...]:
    return tuple(fold(x) for x in (a.street, a.city, a.region, a.postal_code, a.country))


def combine(base: ContactData, other: ContactData, *, other_wins: bool) -> list[str]:
    """Put `other` into `base` (in place); returns the names of the fields that changed."""
    changed: list[str] = []
    for name in SCALARS:
        mine, theirs = getattr(base, name), getattr(other, name)
        if theirs and mine != theirs and (other_wins or not mine):
            setattr(base, name, theirs)
            changed.append(name)
    for name in TEXTS:
        mine, theirs = getattr(base, name).strip(), getattr(other, name).strip()
        if theirs and fold(theirs) not in fold(mine):
            setattr(base, name, f"{mine}\n\n{theirs}" if mine else theirs)
            changed.append(name)
    # Asking not to be emailed is never undone by an import or a merge: only the
    # contact form clears it.
    if other.do_not_contact and not base.do_not_contact:
        base.do_not_contact = True
        changed.append("do_not_contact")
    if other.last_contacted_on and (
        base.last_contacted_on is None or other.last_contacted_on > base.last_contacted_on
    ):
        base.last_contacted_on = other.last_contacted_on
        changed.append("last_contacted_on")
    keys = {e.address.casefold() for e in base.emails}
    has_primary = any(e.is_primary for e in base.emails)
    for e in other.emails:
        if e.address.casefold() not in keys:
            keys.add(e.address.casefold())
            base.emails.append(EmailData(e.address, e.label,
                                         e.is_primary and not has_primary))
            has_primary |= e.is_primary
            changed.append("emails")
    keys = {_phone_key(p) for p in base.phones}
    for p in other.phones:
        if _phone_key(p) not in keys:
            keys.add(_phone_key(p))
            base.phones.append(PhoneData(p.raw, p.label, False, p.e164))
            changed.append("phones")
    addr_keys = {_address_key(a) for a in base.addresses}
    for a in other.addresses:
        if _address_key(a) not in addr_keys:
            addr_keys.add(_address_key(a))
            base.addresses.append(dataclasses.replace(a))
            changed.append("addresses")
    tag_keys = {fold(t) for t in base.tags}
    for t in other.tags:
        if fold(t) not in tag_keys:
            tag_keys.add(fold(t))
            base.tags.append(t)
            changed.append("tags")
    return list(dict.fromkeys(changed))


def snapshot(data: ContactData) -> str:
    """JSON of a contact's saved fields (for undo)."""
    raw = dataclasses.asdict(data)
    keep = {k: raw[k] for k in (*SCALARS, *TEXTS, "organization_id", "emails", "phones",
                                "addresses", "tags", "id")}
    keep["last_contacted_on"] = data.last_contacted_on.isoformat() if (
        data.last_contacted_on) else None
    keep["do_not_contact"] = data.do_not_contact
    return json.dumps(keep, ensure_ascii=False)


def from_snapshot(text: str) -> ContactData:
    raw: dict[str, Any] = json.loads(text)
    data = ContactData(**{k: raw.get(k, "") or "" for k in (*SCALARS, *TEXTS)})
    data.id = raw.get("id")
    data.organization_id = raw.get("organization_id")
    data.last_contacted_on = (date.fromisoformat(raw["last_contacted_on"])
                              if raw.get("last_contacted_on") else None)
    data.emails = [EmailData(**e) for e in raw.get("emails", [])]
    data.phones = [PhoneData(**p) for p in raw.get("phones", [])]
    data.addresses = [AddressData(**a) for a in raw.get("addresses", [])]
    data.tags = list(raw.get("tags", []))
    data.do_not_contact = bool(raw.get("do_not_contact", False))
    return data
