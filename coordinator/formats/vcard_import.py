"""Reading contacts from vCard 2.1, 3.0 and 4.0 files, card by card.

The file is split into cards first (with the line where each begins), so that one
malformed card is reported with its line number while the others still import.
Before a card goes to vobject (`allowQP=True`: Outlook/Android quoted-printable with
soft line breaks, even inside a multi-byte character), blank lines are dropped
(vobject can fail on them) and photos, logos and sounds are left out: we do not
store them, and a photo given as a URL is never fetched.
"""

from __future__ import annotations

import quopri
import re
from typing import Any

import vobject

from coordinator.formats.encoding import decode_text
from coordinator.formats.fields import (
    SYSTEM_LABELS,
    birthday_of,
    finish,
    fold_cached,
    label_of,
    split_full_name,
)
from coordinator.formats.parsed import (
    CancelCheck,
    ImportProblem,
    ParsedContact,
    ParseResult,
    ProgressCallback,
    UnreadableFile,
    check_cancel,
)
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

_PROPERTY = re.compile(r"^(?:[A-Za-z0-9-]+\.)?[A-Za-z0-9-]+(?:;[^:]*)?:", re.ASCII)
_BINARY_PROPS = ("PHOTO", "LOGO", "SOUND", "KEY")
_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
_PHONE_KINDS = {"cell": "mobile", "mobile": "mobile", "fax": "fax", "pager": "pager",
                "home": "home", "work": "work", "main": "main", "other": "other",
                "car": "car", "iphone": "mobile"}


def _prop_name(line: str) -> str:
    head = line.split(":", 1)[0].split(";", 1)[0]
    return head.rsplit(".", 1)[-1].upper()


def split_cards(text: str) -> tuple[list[tuple[int, list[tuple[int, str]]]], list[ImportProblem]]:
    """[(line where the card begins, [(line number, text)])] and cards without END."""
    cards: list[tuple[int, list[tuple[int, str]]]] = []
    problems: list[ImportProblem] = []
    current: list[tuple[int, str]] | None = None
    start = 0
    skipping = False
    stray = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if _BEGIN.match(line.strip()):
            if current is not None:
                problems.append(ImportProblem(f"line {start}", "this card has no END:VCARD "
                                              "line before the next card begins", start))
            current, start, skipping = [(number, "BEGIN:VCARD")], number, False
            continue
        if current is None:
            if line.strip():
                stray += 1
            continue
        if _END.match(line.strip()):
            current.append((number, "END:VCARD"))
            cards.append((start, current))
            current = None
            continue
        if not line.strip():
            continue
        if skipping and (line[0] in " \t" or not _PROPERTY.match(line)):
            continue  # continuation of a photo
        skipping = bool(_PROPERTY.match(line)) and _prop_name(line) in _BINARY_PROPS
        if not skipping:
            current.append((number, line))
    if current is not None:
        problems.append(ImportProblem(f"line {start}", "this card has no END:VCARD line "
                                      "(the file ends inside it)", start))
    if not cards and not problems:
        raise UnreadableFile("This is not a vCard file (no BEGIN:VCARD line found).")
    return cards, problems


def parse_vcards(raw: bytes, *, progress: ProgressCallback | None = None,
                 cancelled: CancelCheck | None = None) -> ParseResult:
    text, encoding = decode_text(raw, "vCard file")
    cards, problems = split_cards(text)
    result = ParseResult(format="vcard", encoding=encoding)
    result.errors.extend(problems)
    for i, (start, lines) in enumerate(cards):
        if i % 200 == 0:
            check_cancel(cancelled)
            if progress is not None:
                progress(i, len(cards))
        where = f"line {start}"
        try:
            component = vobject.readOne(_qp_charsets("\r\n".join(t for _, t in lines))
                                        + "\r\n", allowQP=True)
            pc = card_to_contact(component, where, start)
        except Exception as exc:  # vobject raises many kinds on malformed input
            line_no = getattr(exc, "lineNumber", None)
            if isinstance(line_no, int) and 0 < line_no <= len(lines):
                line_no = lines[line_no - 1][0]
            else:
                line_no = start
            reason = str(exc).split(": ", 1)[-1] if "At line" in str(exc) else str(exc)
            result.errors.append(ImportProblem(
                f"line {line_no}", f"card beginning at line {start} cannot be read: "
                f"{reason or type(exc).__name__}", line_no))
            continue
        cleaned = finish(pc)
        if isinstance(cleaned, ImportProblem):
            result.errors.append(cleaned)
        else:
            result.contacts.append(cleaned)
    result.records_read = len(cards) + len(problems)
    result.errors.sort(key=lambda p: p.line)
    if progress is not None:
        progress(len(cards), len(cards))
    return result


_QP_LINE = re.compile(r"^[^:]*ENCODING=QUOTED-PRINTABLE[^:]*:", re.IGNORECASE)


def _qp_charsets(card: str) -> str:
    """Mark quoted-printable values without CHARSET that are not UTF-8 as Windows-1252
    (what Outlook writes), so that vobject decodes them instead of failing."""
    lines = card.split("\r\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _QP_LINE.match(line)
        if m and "CHARSET=" not in m.group(0).upper():
            value = [line[m.end():]]
            j = i
            while value[-1].endswith("=") and j + 1 < len(lines):
                j += 1
                value.append(lines[j])
            joined = "".join(v[:-1] if v.endswith("=") else v for v in value)
            try:
                quopri.decodestring(joined.encode("ascii", "replace")).decode("utf-8")
            except UnicodeDecodeError:
                line = m.group(0)[:-1] + ";CHARSET=Windows-1252:" + line[m.end():]
            out.append(line)
            out.extend(lines[i + 1 : j + 1])
            i = j + 1
            continue
        out.append(line)
        i += 1
    return "\r\n".join(out)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_text(v) for v in value if v)
    return str(value or "").strip()


def _types(prop: Any) -> list[str]:
    values: list[str] = []
    for key, vals in prop.params.items():
        if key == "TYPE":
            values.extend(v for val in vals for v in val.split(","))
        elif key == "PREF":
            values.append("pref")
    values.extend(getattr(prop, "singletonparams", []))
    return [v.strip().strip('"').casefold() for v in values if v.strip()]


def _label(prop: Any, group_labels: dict[str, str], kinds: dict[str, str] | None = None,
           ) -> tuple[str, bool]:
    types = _types(prop)
    primary = "pref" in types
    group = getattr(prop, "group", None)
    if group and group.casefold() in group_labels:
        label, starred = label_of(group_labels[group.casefold()])
        return label, primary or starred
    if kinds:
        found = [kinds[t] for t in types if t in kinds]
        if "fax" in found and len(found) > 1:
            other = next(f for f in found if f != "fax")
            return f"{other} fax" if other in ("work", "home") else "fax", primary
        if found:
            chosen = next((f for f in found if f not in ("work", "home")), found[0])
            return chosen, primary
    label, _ = label_of(",".join(t for t in types if t not in ("internet", "pref", "voice")))
    return label, primary


def card_to_contact(card: Any, where: str, line: int) -> ParsedContact:
    pc = ParsedContact(where=where, line=line, data=ContactData())
    d = pc.data
    children = list(card.getChildren())
    group_labels = {
        c.group.casefold(): _text(c.value) for c in children
        if c.name == "X-ABLABEL" and getattr(c, "group", None)
    }
    full_name = ""
    for prop in children:
        name, value = prop.name, prop.value
        if name == "N":
            d.family_name, d.given_name = _text(value.family), _text(value.given)
            d.middle_name, d.prefix = _text(value.additional), _text(value.prefix)
            d.suffix = _text(value.suffix)
        elif name == "FN":
            full_name = _text(value)
        elif name == "NICKNAME":
            d.nickname = _text(value)
        elif name == "TITLE" or (name == "ROLE" and not d.title):
            d.title = _text(value)
        elif name == "ORG":
            parts = value if isinstance(value, list) else str(value).split(";")
            pc.organization = str(parts[0]).strip() if parts else ""
            pc.department = ", ".join(str(p).strip() for p in parts[1:] if str(p).strip())
        elif name == "EMAIL":
            label, primary = _label(prop, group_labels)
            d.emails.append(EmailData(_text(value), label, primary))
        elif name == "TEL":
            label, primary = _label(prop, group_labels, _PHONE_KINDS)
            number = _text(value)
            if number.casefold().startswith("tel:"):
                number = number[4:].replace(";ext=", " ext. ")
            d.phones.append(PhoneData(number, label, primary))
        elif name == "ADR":
            label, _ = _label(prop, group_labels)
            street = "\n".join(
                s for s in (_text(value.street), _text(value.extended),
                            f"PO Box {_text(value.box)}" if _text(value.box) else "") if s)
            d.addresses.append(AddressData(label, street, _text(value.city),
                                           _text(value.region), _text(value.code),
                                           _text(value.country)))
        elif name == "URL" and not d.website:
            d.website = _text(value).replace("\\:", ":").replace("\\,", ",")
        elif name == "NOTE":
            d.notes = (d.notes + "\n" if d.notes else "") + str(value or "").strip()
        elif name == "BDAY":
            text = _text(value)
            birthday = birthday_of(text)
            if birthday is None:
                pc.warnings.append(f"Birthday {text!r} is not a date and was left out.")
            else:
                d.birthday = birthday
        elif name == "CATEGORIES":
            values = value if isinstance(value, list) else str(value).split(",")
            d.tags.extend(str(v).strip() for v in values  # Google adds 'myContacts'
                          if str(v).strip() and fold_cached(str(v).strip()) not in SYSTEM_LABELS)
        elif name == "UID":
            pc.source_id = _text(value).removeprefix("urn:uuid:")
        elif name in ("X-ABSHOWAS", "KIND") and _text(value).casefold() in ("company", "org"):
            pc.is_organization = True
        elif name in ("PRONOUNS", "X-PRONOUNS"):
            d.pronouns = _text(value)
    named = d.given_name or d.family_name
    if not named and full_name and not pc.is_organization and full_name != pc.organization:
        for key, part in split_full_name(full_name).items():
            setattr(d, key, part)
    return pc
