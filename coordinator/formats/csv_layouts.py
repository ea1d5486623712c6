"""The CSV layouts we recognise by their header, and how one row becomes a contact.

- `google`: Google Contacts' current export (`First Name`, `Labels`, numbered blocks
  `E-mail 1 - Label`/`- Value`, several values per cell joined by ` ::: `, `* ` marks
  the primary value, `* myContacts` is a system label);
- `google-legacy`: Google's older export (`Given Name`, `Group Membership`,
  `E-mail 1 - Type`, `Organization 1 - Name`), usually UTF-16;
- `outlook` (desktop, `E-mail Type` column, EX addresses) and `outlook.com`;
- `coordinator`: our own export (`Coordinator ID` column);
- anything else goes through a column mapping (`mappings.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from coordinator.formats.fields import (
    EXCHANGE_PATH,
    birthday_of,
    email_from_text,
    label_of,
    split_full_name,
    split_labels,
    split_multi,
)
from coordinator.formats.parsed import ParsedContact
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

Row = dict[str, str]
Converter = Callable[[Row, ParsedContact], None]

_BLOCK = re.compile(
    r"^(E-?mail|Phone|Address|Website|Organization|Relation|Event|IM|Custom Field) "
    r"(\d+) - (.+)$", re.IGNORECASE)
_LEGACY_RENAMES = {
    "Given Name": "First Name", "Additional Name": "Middle Name", "Family Name": "Last Name",
    "Group Membership": "Labels", "Organization 1 - Name": "Organization Name",
    "Organization 1 - Title": "Organization Title",
    "Organization 1 - Department": "Organization Department",
}


def detect_layout(headers: list[str]) -> str:
    """'coordinator', 'google', 'google-legacy', 'outlook', 'outlook.com' or 'csv'."""
    names = {h.strip() for h in headers}
    folded = {h.casefold() for h in names}
    blocks = any(_BLOCK.match(h) for h in names)
    if "coordinator id" in folded:
        return "coordinator"
    if "given name" in folded and "family name" in folded and (
        "group membership" in folded or any(h.endswith(" - Type") for h in names)
    ):
        return "google-legacy"
    if "first name" in folded and "last name" in folded and (
        "labels" in folded or "organization name" in folded or blocks
    ):
        return "google"
    if "e-mail address" in folded and ("first name" in folded or "last name" in folded):
        return "outlook" if "e-mail type" in folded else "outlook.com"
    return "csv"


@lru_cache(maxsize=1024)
def _block_of(header: str) -> tuple[str, int, str] | None:
    """('email', 2, 'value') for 'E-mail 2 - Value'; None for other columns."""
    m = _BLOCK.match(header)
    if not m:
        return None
    return (m.group(1).casefold().replace("-", ""), int(m.group(2)),
            m.group(3).strip().casefold().replace("type", "label"))


def _blocks(row: Row) -> dict[str, dict[int, dict[str, str]]]:
    out: dict[str, dict[int, dict[str, str]]] = {}
    for key, value in row.items():
        block = _block_of(key)
        if block is not None and value:
            kind, number, field = block
            out.setdefault(kind, {}).setdefault(number, {})[field] = value
    return out


def _values_with_labels(block: dict[str, str]) -> list[tuple[str, str, bool]]:
    """(value, label, primary) for each ' ::: '-joined value of one numbered block."""
    values = split_multi(block.get("value", ""))
    label, primary = label_of(block.get("label", ""))
    out = []
    for i, value in enumerate(values):
        star = value.startswith("* ")
        out.append((value.removeprefix("* "), label, star or (primary and i == 0)))
    return out


def google_row(row: Row, pc: ParsedContact) -> None:
    """Google current, Google legacy (after renaming) and our own export."""
    d = pc.data
    g = row.get
    d.given_name = g("First Name", "") or g("Given Name", "")
    d.middle_name = g("Middle Name", "")
    d.family_name = g("Last Name", "") or g("Family Name", "")
    d.prefix = g("Name Prefix", "") or g("Prefix", "")
    d.suffix = g("Name Suffix", "") or g("Suffix", "")
    d.nickname = g("Nickname", "")
    d.pronouns = g("Pronouns", "")
    if not (d.given_name or d.family_name) and g("Name"):
        for key, value in split_full_name(g("Name", "")).items():
            setattr(d, key, value)
    pc.organization = g("Organization Name", "") or g("Organization", "")
    d.title = g("Organization Title", "") or g("Title", "")
    pc.department = g("Organization Department", "")
    pc.consortium = g("Consortium", "")
    pc.source_id = g("Coordinator ID", "")
    d.notes = g("Notes", "")
    d.private_notes = g("Private Notes", "")
    if g("Last Contacted"):
        _last_contacted(g("Last Contacted", ""), pc)
    _birthday(g("Birthday", ""), pc)
    d.tags = split_labels(g("Labels", "") or g("Tags", ""))
    if g("Website"):
        d.website = g("Website", "")
    blocks = _blocks(row)
    for block in _sorted(blocks.get("email", {})):
        for value, label, primary in _values_with_labels(block):
            d.emails.append(EmailData(value, label, primary))
    for block in _sorted(blocks.get("phone", {})):
        for value, label, primary in _values_with_labels(block):
            d.phones.append(PhoneData(value, label, primary))
    for block in _sorted(blocks.get("address", {})):
        _google_address(block, pc)
    websites = [v for b in _sorted(blocks.get("website", {})) for v, _, _ in _values_with_labels(b)]
    if websites and not d.website:
        d.website = websites.pop(0)
    for extra in websites:
        d.notes = (d.notes + "\n" if d.notes else "") + f"Website: {extra}"


def _sorted(blocks: dict[int, dict[str, str]]) -> list[dict[str, str]]:
    return [blocks[n] for n in sorted(blocks)]


def _google_address(block: dict[str, str], pc: ParsedContact) -> None:
    label, _ = label_of(block.get("label", ""))
    street_lines = [block.get("street", ""), block.get("extended address", "")]
    if block.get("po box"):
        street_lines.append(f"PO Box {block['po box']}")
    street = "\n".join(s for s in street_lines if s.strip())
    city, region = block.get("city", ""), block.get("region", "")
    postal, country = block.get("postal code", ""), block.get("country", "")
    if not any((street, city, region, postal, country)):
        street = block.get("formatted", "")
    if any((street, city, region, postal, country)):
        pc.data.addresses.append(AddressData(label, street, city, region, postal, country))


def _birthday(text: str, pc: ParsedContact) -> None:
    value = birthday_of(text)
    if value is None:
        pc.warnings.append(f"Birthday {text!r} is not a date; kept in the notes.")
        pc.data.notes = (pc.data.notes + "\n" if pc.data.notes else "") + f"Birthday: {text}"
    else:
        pc.data.birthday = value


def _last_contacted(text: str, pc: ParsedContact) -> None:
    from datetime import date

    try:
        pc.data.last_contacted_on = date.fromisoformat(text.strip())
    except ValueError:
        pc.warnings.append(f"Last contacted {text!r} is not a date and was left out.")


# Outlook desktop and Outlook.com share column names (in a different order).
OUTLOOK_PHONES = (
    ("Business Phone", "work"), ("Business Phone 2", "work"), ("Mobile Phone", "mobile"),
    ("Home Phone", "home"), ("Home Phone 2", "home"), ("Primary Phone", "main"),
    ("Company Main Phone", "main"), ("Other Phone", "other"), ("Business Fax", "work fax"),
    ("Home Fax", "home fax"), ("Other Fax", "fax"), ("Pager", "pager"), ("Car Phone", "car"),
    ("Assistant's Phone", "assistant"), ("Callback", "other"), ("Radio Phone", "other"),
    ("ISDN", "other"), ("Telex", "other"), ("TTY/TDD Phone", "other"),
)
OUTLOOK_ADDRESSES = (("Business", "work"), ("Home", "home"), ("Other", "other"))
OUTLOOK_EMAILS = ("E-mail", "E-mail 2", "E-mail 3")
_NOTE_BIRTHDAY = re.compile(r"(?m)^Birthday: (--\d\d-\d\d)\r?$\n?")


def outlook_row(row: Row, pc: ParsedContact) -> None:
    d = pc.data
    g = row.get
    d.prefix = g("Title", "")
    d.given_name, d.middle_name = g("First Name", ""), g("Middle Name", "")
    d.family_name, d.suffix = g("Last Name", ""), g("Suffix", "")
    d.nickname = g("Nickname", "")
    pc.organization, d.title = g("Company", ""), g("Job Title", "")
    pc.department = g("Department", "")
    d.notes = g("Notes", "")
    d.website = g("Web Page", "") or g("Personal Web Page", "")
    _birthday(g("Birthday", ""), pc)
    no_year = _NOTE_BIRTHDAY.search(d.notes)  # our Outlook export keeps it in the notes
    if no_year and not d.birthday:
        d.birthday = no_year.group(1)
        d.notes = (d.notes[: no_year.start()] + d.notes[no_year.end():]).strip()
    categories = g("Categories", "")
    d.tags = split_labels(categories, ";") if ";" in categories else split_labels(categories, ",")
    exchange = []
    for prefix in OUTLOOK_EMAILS:
        address = g(f"{prefix} Address", "").strip()
        kind = g(f"{prefix} Type", "").strip().upper()
        if address and (kind == "EX" or EXCHANGE_PATH.match(address)):
            found = email_from_text(g(f"{prefix} Display Name", ""))
            exchange.append(found)
            if found:
                d.emails.append(EmailData(found, "work", not d.emails))
            continue
        if address:
            d.emails.append(EmailData(address, "work", not d.emails))
    if exchange:
        if d.emails:
            pc.warnings.append("An Exchange directory address (type EX) was replaced by the "
                               "row's other email address.")
        else:
            pc.warnings.append("Only an Exchange directory address (type EX), which is not an "
                               "email address: imported without email.")
    for column, label in OUTLOOK_PHONES:
        if g(column, "").strip():
            d.phones.append(PhoneData(g(column, ""), label, column == "Primary Phone"))
    for prefix, label in OUTLOOK_ADDRESSES:
        street = "\n".join(
            s for s in (g(f"{prefix} Street", ""), g(f"{prefix} Street 2", ""),
                        g(f"{prefix} Street 3", "")) if s.strip())
        po_box = g(f"{prefix} Address PO Box", "")
        if po_box.strip():
            street = (street + "\n" if street else "") + f"PO Box {po_box}"
        parts = (street, g(f"{prefix} City", ""), g(f"{prefix} State", ""),
                 g(f"{prefix} Postal Code", ""), g(f"{prefix} Country/Region", ""))
        if any(p.strip() for p in parts):
            d.addresses.append(AddressData(label, *parts))


def mapped_row(mapping: dict[str, str]) -> Converter:
    """A converter for a generic CSV: `mapping` is column header -> field spec."""

    def convert(row: Row, pc: ParsedContact) -> None:
        d = pc.data
        address: dict[str, str] = {}
        for column, spec in mapping.items():
            value = row.get(column, "")
            if not value.strip() or spec in ("", "ignore"):
                continue
            field, _, label = spec.partition(":")
            if field == "full_name":
                for key, part in split_full_name(value).items():
                    if not getattr(d, key):
                        setattr(d, key, part)
            elif field == "email":
                for part in re.split(r"[;,]\s*|\s+", value.strip()):
                    if part:
                        d.emails.append(EmailData(part, label or "work", not d.emails))
            elif field == "phone":
                for part in split_multi(value):
                    d.phones.append(PhoneData(part, label or "work", not d.phones))
            elif field in ("street", "city", "region", "postal_code", "country"):
                address[field] = value
            elif field == "tags":
                sep = ";" if ";" in value else ","
                d.tags.extend(split_labels(value, sep))
            elif field == "birthday":
                _birthday(value, pc)
            elif field == "organization":
                pc.organization = value
            elif field == "department":
                pc.department = value
            elif field == "consortium":
                pc.consortium = value
            elif field == "notes":
                d.notes = (d.notes + "\n" if d.notes else "") + value
            elif hasattr(d, field):
                setattr(d, field, value)
        if address:
            d.addresses.append(AddressData("work", **address))

    return convert


CONVERTERS: dict[str, Converter] = {
    "coordinator": google_row,
    "google": google_row,
    "google-legacy": google_row,
    "outlook": outlook_row,
    "outlook.com": outlook_row,
}


def rename_legacy(headers: list[str]) -> list[str]:
    return [_LEGACY_RENAMES.get(h, h) for h in headers]


def new_parsed(where: str, line: int) -> ParsedContact:
    return ParsedContact(where=where, line=line, data=ContactData())
