"""vCard exports: 3.0 (what Google and Apple Contacts import) and 4.0 (RFC 6350).

Both are written here, with RFC escaping and line folding at 75 octets that never
splits a UTF-8 character (vobject could not write 4.0, and its 3.0 writer took about a
millisecond per card). The tests parse every export back through our import
(`vcard_lines`, `vcard_import`).

Labels that vCard has no TYPE for ("assistant", "Board"...) use Apple's grouping,
`item1.EMAIL` + `item1.X-ABLabel`, which our import (and Apple's, and Google's) reads.
`UID` is the contact's id, so re-importing an export updates instead of duplicating.

No control character reaches the file: a line break in a text value is written as the
escaped `\n`, in a URI or an email address it is dropped, and any other control
character is dropped (see `export_text`), so pasted text cannot start a new property
or a new card.
"""

from __future__ import annotations

from collections.abc import Sequence

from coordinator.formats.export_text import multiline, one_line
from coordinator.services.records import ContactData

_EMAIL_TYPES = {"work": ["WORK"], "home": ["HOME"]}
_PHONE_TYPES = {
    "work": ["WORK", "VOICE"], "home": ["HOME", "VOICE"], "mobile": ["CELL", "VOICE"],
    "work fax": ["WORK", "FAX"], "home fax": ["HOME", "FAX"], "fax": ["FAX"],
    "pager": ["PAGER"], "main": ["MAIN"],
}
_ADDRESS_TYPES = {"work": ["WORK"], "home": ["HOME"]}
DO_NOT_CONTACT_PROPERTY = "X-COORDINATOR-DO-NOT-CONTACT"


# -- 4.0 ------------------------------------------------------------------------------------
def escape(value: str) -> str:
    """A TEXT value: backslash, comma and semicolon escaped, every line break as `\\n`."""
    if not value.isprintable():  # a line break or another control (rare): clean first
        value = multiline(value)
    return (value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\n", "\\n"))


def fold_line(line: str) -> str:
    """Fold at 75 octets with CRLF + space, never inside a UTF-8 sequence."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    parts: list[bytes] = []
    start, limit = 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # inside a multi-byte character: back off
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # continuation lines start with a space
    parts.append(data[start:])
    return "\r\n ".join(p.decode("utf-8") for p in parts) + "\r\n"


def _card(c: ContactData, version: str) -> str:
    v4 = version == "4.0"
    lines = ["BEGIN:VCARD", f"VERSION:{version}"]
    if c.id:
        lines.append(f"UID:urn:uuid:{c.id}" if v4 else f"UID:{c.id}")
    lines.append("FN:" + escape(c.full_name or f"{c.given_name} {c.family_name}".strip()))
    lines.append("N:" + ";".join(escape(x) for x in (c.family_name, c.given_name,
                                                     c.middle_name, c.prefix, c.suffix)))
    for name, value in (("NICKNAME", c.nickname),
                        ("PRONOUNS" if v4 else "X-PRONOUNS", c.pronouns),
                        ("TITLE", c.title), ("URL", c.website), ("NOTE", c.notes)):
        if value:
            lines.append(f"{name}:{one_line(value) if name == 'URL' else escape(value)}")
    if c.organization_name:
        lines.append("ORG:" + escape(c.organization_name))
    counter = iter(range(1, 10_000))

    def prop(name: str, label: str, table: dict[str, list[str]], primary: bool,
             value: str, base: tuple[str, ...] = (), extra: str = "") -> None:
        types = table.get(label)
        known = [*base, *(types or [])]
        if v4:
            params = "".join(f";TYPE={t.lower()}" for t in known) + extra
            params += ";PREF=1" if primary else ""
        else:
            known += ["pref"] if primary else []
            params = f";TYPE={','.join(known)}" if known else ""
        if types is None:  # a label vCard has no type for: Apple's grouped X-ABLabel
            group = f"item{next(counter)}"
            lines.append(f"{group}.{name}{params}:{value}")
            lines.append(f"{group}.X-ABLabel:{escape(label)}")
        else:
            lines.append(f"{name}{params}:{value}")

    for e in c.emails:
        prop("EMAIL", e.label, _EMAIL_TYPES, e.is_primary, one_line(e.address),
             () if v4 else ("INTERNET",))
    for p in c.phones:
        prop("TEL", p.label, _PHONE_TYPES, p.is_primary, escape(p.raw),
             extra=";VALUE=text" if v4 else "")
    for a in c.addresses:
        value = ";".join(escape(x) for x in ("", "", a.street, a.city, a.region,
                                             a.postal_code, a.country))
        prop("ADR", a.label, _ADDRESS_TYPES, False, value)
    if c.birthday.startswith("--"):
        lines.append(one_line("BDAY:--" + c.birthday[2:].replace("-", "") if v4 else
                              f"BDAY;X-APPLE-OMIT-YEAR=1604:1604{c.birthday[1:]}"))
    elif c.birthday:
        lines.append(one_line("BDAY:" + (c.birthday.replace("-", "") if v4 else c.birthday)))
    if c.tags:
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in c.tags))
    if c.do_not_contact:  # vCard has no property for it: an extension our import reads
        lines.append(f"{DO_NOT_CONTACT_PROPERTY}:TRUE")
    if c.updated_at:
        lines.append(f"REV:{c.updated_at:%Y%m%dT%H%M%SZ}")
    lines.append("END:VCARD")
    return "".join(fold_line(line) for line in lines)


def vcard30(contacts: Sequence[ContactData]) -> bytes:
    """vCard 3.0 (RFC 2426), the version Google and Apple Contacts import."""
    return "".join(_card(c, "3.0") for c in contacts).encode("utf-8")


def vcard40(contacts: Sequence[ContactData]) -> bytes:
    """vCard 4.0 (RFC 6350)."""
    return "".join(_card(c, "4.0") for c in contacts).encode("utf-8")
