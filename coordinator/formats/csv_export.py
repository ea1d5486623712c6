"""CSV exports: contacts (our own layout, and Outlook's), organizations, proposals.

Every file is UTF-8 with a BOM (so Excel reads accents) and CRLF line ends, and every
cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab
or CR) is prefixed with an apostrophe; our own import removes it again. Every kind of
line break in a cell becomes a plain LF inside the quoted cell, and other control
characters (NUL, ESC...) are dropped, so no cell can end a row (`export_text`). Our contact
layout uses Google-style numbered blocks (`E-mail 1 - Label`, `E-mail 1 - Value`...)
plus a `Coordinator ID` column, so re-importing an export matches every contact.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence

from coordinator.formats.encoding import neutralise_cell
from coordinator.formats.export_text import multiline
from coordinator.formats.fields import DO_NOT_CONTACT_YES
from coordinator.services.records import (
    ContactData,
    OrganizationData,
    ProposalData,
)

SCALAR_COLUMNS = (
    ("Coordinator ID", "id"), ("Prefix", "prefix"), ("Given Name", "given_name"),
    ("Middle Name", "middle_name"), ("Family Name", "family_name"), ("Suffix", "suffix"),
    ("Nickname", "nickname"), ("Pronouns", "pronouns"), ("Title", "title"),
    ("Organization", "organization_name"), ("Consortium", "consortium_short_name"),
    ("Website", "website"), ("Birthday", "birthday"), ("Last Contacted", "last_contacted_on"),
)
ADDRESS_PARTS = (("Street", "street"), ("City", "city"), ("Region", "region"),
                 ("Postal Code", "postal_code"), ("Country", "country"))


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with BOM, CRLF, every cell neutralised against formula injection and
    stripped of control characters (line breaks kept as LF inside the quoted cell)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise_cell(multiline(h)) for h in header])
    for row in rows:
        writer.writerow([neutralise_cell(multiline("" if v is None else str(v))) for v in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def _label(label: str, primary: bool) -> str:
    return f"* {label}" if primary else label


def contacts_csv(contacts: Sequence[ContactData], *, include_private: bool = False) -> bytes:
    """Our own layout; `include_private` adds the private notes column."""
    n_emails = max((len(c.emails) for c in contacts), default=0) or 1
    n_phones = max((len(c.phones) for c in contacts), default=0) or 1
    n_addresses = max((len(c.addresses) for c in contacts), default=0) or 1
    header = [name for name, _ in SCALAR_COLUMNS] + ["Tags", "Notes", "Do Not Contact"]
    if include_private:
        header.append("Private Notes")
    for i in range(1, n_emails + 1):
        header += [f"E-mail {i} - Label", f"E-mail {i} - Value"]
    for i in range(1, n_phones + 1):
        header += [f"Phone {i} - Label", f"Phone {i} - Value"]
    for i in range(1, n_addresses + 1):
        header += [f"Address {i} - Label"] + [f"Address {i} - {p}" for p, _ in ADDRESS_PARTS]

    def rows() -> Iterable[list[object]]:
        for c in contacts:
            row: list[object] = [getattr(c, attr) or "" for _, attr in SCALAR_COLUMNS]
            row += [" ::: ".join(c.tags), c.notes,
                    DO_NOT_CONTACT_YES if c.do_not_contact else ""]
            if include_private:
                row.append(c.private_notes)
            for i in range(n_emails):
                e = c.emails[i] if i < len(c.emails) else None
                row += [_label(e.label, e.is_primary), e.address] if e else ["", ""]
            for i in range(n_phones):
                p = c.phones[i] if i < len(c.phones) else None
                row += [_label(p.label, p.is_primary), p.raw] if p else ["", ""]
            for i in range(n_addresses):
                a = c.addresses[i] if i < len(c.addresses) else None
                row += [a.label, *(getattr(a, f) for _, f in ADDRESS_PARTS)] if a else (
                    [""] * (1 + len(ADDRESS_PARTS)))
            yield row

    return write_csv(header, rows())


# Outlook's import reads these columns (a subset of its export, in its order). Outlook
# has no Nickname column: a nickname goes in the notes, where our import finds it.
OUTLOOK_HEADER = (
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Job Title",
    "Business Street", "Business City", "Business State", "Business Postal Code",
    "Business Country/Region", "Home Street", "Home City", "Home State", "Home Postal Code",
    "Home Country/Region", "Other Street", "Other City", "Other State", "Other Postal Code",
    "Other Country/Region", "Business Fax", "Business Phone", "Business Phone 2",
    "Home Fax", "Home Phone", "Home Phone 2", "Mobile Phone", "Other Phone", "Pager",
    "Primary Phone", "Birthday", "Categories", "E-mail Address", "E-mail Type",
    "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name",
    "E-mail 3 Address", "E-mail 3 Type", "E-mail 3 Display Name", "Notes", "Web Page",
)
_OUTLOOK_PHONE_SLOTS = {
    "work": ["Business Phone", "Business Phone 2"], "home": ["Home Phone", "Home Phone 2"],
    "mobile": ["Mobile Phone"], "work fax": ["Business Fax"], "fax": ["Business Fax"],
    "home fax": ["Home Fax"], "pager": ["Pager"], "main": ["Primary Phone"],
}
_OUTLOOK_ADDRESS = {"work": "Business", "home": "Home"}


def _outlook_birthday(value: str) -> str:
    if len(value) == 10 and value[4] == "-":
        return f"{int(value[5:7])}/{int(value[8:10])}/{value[:4]}"
    return ""  # Outlook cannot hold a birthday without a year


def outlook_row(c: ContactData) -> dict[str, str]:
    row = {"Title": c.prefix, "First Name": c.given_name, "Middle Name": c.middle_name,
           "Last Name": c.family_name, "Suffix": c.suffix, "Company": c.organization_name,
           "Job Title": c.title, "Web Page": c.website,
           "Categories": ";".join(c.tags), "Birthday": _outlook_birthday(c.birthday)}
    notes = [c.notes] if c.notes else []
    if c.birthday.startswith("--"):
        notes.append(f"Birthday: {c.birthday}")
    if c.nickname:
        notes.append(f"Nickname: {c.nickname}")
    emails = sorted(c.emails, key=lambda e: not e.is_primary)
    for prefix, e in zip(("E-mail", "E-mail 2", "E-mail 3"), emails, strict=False):
        row[f"{prefix} Address"], row[f"{prefix} Type"] = e.address, "SMTP"
        row[f"{prefix} Display Name"] = f"{c.full_name} ({e.address})"
    for e in emails[3:]:
        notes.append(f"E-mail ({e.label}): {e.address}")
    for p in c.phones:
        slots = _OUTLOOK_PHONE_SLOTS.get(p.label, ["Other Phone"])
        slot = next((s for s in slots if s not in row), None)
        if slot is None:
            notes.append(f"Phone ({p.label}): {p.raw}")
        else:
            row[slot] = p.raw
    for a in c.addresses:
        prefix = _OUTLOOK_ADDRESS.get(a.label, "Other")
        if f"{prefix} Street" in row:
            prefix = "Other"
        if f"{prefix} Street" in row:
            notes.append(f"Address ({a.label}): {a.street}, {a.city} {a.region} "
                         f"{a.postal_code} {a.country}".strip())
            continue
        row.update({f"{prefix} Street": a.street, f"{prefix} City": a.city,
                    f"{prefix} State": a.region, f"{prefix} Postal Code": a.postal_code,
                    f"{prefix} Country/Region": a.country})
    row["Notes"] = "\n".join(notes)
    return row


def outlook_csv(contacts: Sequence[ContactData]) -> bytes:
    """Columns Outlook's CSV import maps without help."""
    def rows() -> Iterable[list[str]]:
        for c in contacts:
            row = outlook_row(c)
            yield [row.get(h, "") for h in OUTLOOK_HEADER]

    return write_csv(OUTLOOK_HEADER, rows())


ORGANIZATION_HEADER = ("Name", "Sector", "Consortium", "City", "State", "Website", "Tags",
                       "Contacts", "Notes", "Coordinator ID")


def organizations_csv(orgs: Sequence[OrganizationData]) -> bytes:
    return write_csv(ORGANIZATION_HEADER, (
        (o.name, o.sector, o.consortium_short_name, o.city, o.state, o.website,
         " ::: ".join(o.tags), o.contact_count, o.notes, o.id) for o in orgs))


PROPOSAL_HEADER = ("Title", "Status", "Funder", "Call", "Amount", "Currency", "Due Date",
                   "Lead Organization", "Owner", "Partners", "Tags", "Summary",
                   "Coordinator ID")


def _amount(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def proposals_csv(proposals: Sequence[ProposalData]) -> bytes:
    return write_csv(PROPOSAL_HEADER, (
        (p.title, p.status, p.funder, p.funder_call, _amount(p.amount_minor), p.currency,
         p.due_date.isoformat() if p.due_date else "", p.lead_organization_name,
         p.owner_name,
         "; ".join(f"{x.organization_name} ({x.role})" for x in p.partners),
         " ::: ".join(p.tags), p.summary, p.id) for p in proposals))
