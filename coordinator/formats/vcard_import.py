"""Reading contacts from vCard 2.1, 3.0 and 4.0 files, card by card.

`vcard_lines.read_cards` splits the file into cards of decoded properties (linear in the
file's size, however it is folded or quoted-printable encoded); here each card becomes
a contact. A line that cannot be read, or a value that is not what it should be (an
email that is not an address, a birthday that is not a date), is reported as a warning
with its line and kept in the notes where it is text; the rest of the card imports. A
card is refused only when it has no name, organization, email or phone.

vCard 2.1 has no escaping of commas: `ORG:Company, The` is one organization and a NOTE
may hold commas and semicolons; only N, ADR and ORG are structured, by `;`. Photos,
logos and sounds are never decoded, and a photo given as a URL is never fetched.
"""

from __future__ import annotations

from coordinator.formats.encoding import decode_for_import
from coordinator.formats.fields import (
    SYSTEM_LABELS,
    birthday_of,
    check_email,
    do_not_contact_of,
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
from coordinator.formats.vcard_lines import (
    Card,
    Property,
    read_cards,
    split_list,
    split_structured,
    unescape,
)
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

_PHONE_KINDS = {"cell": "mobile", "mobile": "mobile", "fax": "fax", "pager": "pager",
                "home": "home", "work": "work", "main": "main", "other": "other",
                "car": "car", "iphone": "mobile"}
_ORGANIZATION_KINDS = ("company", "org", "organization")
# Properties no field holds, kept in the notes as "<what>: <value>" (after the card's
# own NOTE) rather than dropped: social profiles, instant messaging, related people,
# dates other than the birthday.
_IM = {"IMPP": "", "X-MS-IMADDRESS": "", "X-AIM": "AIM", "X-ICQ": "ICQ",
       "X-JABBER": "Jabber", "X-MSN": "MSN", "X-YAHOO": "Yahoo", "X-SKYPE": "Skype",
       "X-SKYPE-USERNAME": "Skype", "X-GOOGLE-TALK": "Google Talk", "X-GTALK": "Google Talk",
       "X-QQ": "QQ", "X-TWITTER": "Twitter"}
_RELATED = {"X-ABRELATEDNAMES": "", "RELATED": "", "X-ASSISTANT": "assistant",
            "X-MS-ASSISTANT": "assistant", "X-MANAGER": "manager", "X-MS-MANAGER": "manager",
            "X-SPOUSE": "spouse", "X-MS-SPOUSE": "spouse"}
_DATES = {"ANNIVERSARY": "anniversary", "X-ANNIVERSARY": "anniversary",
          "X-MS-ANNIVERSARY": "anniversary", "X-ABDATE": ""}
_KEPT = frozenset(("X-SOCIALPROFILE", *_IM, *_RELATED, *_DATES))
# Android's export writes what vCard 2.1 has no property for as X-ANDROID-CUSTOM:
# "vnd.android.cursor.item/<kind>;<value>;<type>;<label>;..." with Android's type codes.
_ANDROID_ITEM = "vnd.android.cursor.item/"
_ANDROID_RELATIONS = {"1": "assistant", "2": "brother", "3": "child", "4": "domestic partner",
                      "5": "father", "6": "friend", "7": "manager", "8": "mother",
                      "9": "parent", "10": "partner", "11": "referred by", "12": "relative",
                      "13": "sister", "14": "spouse"}
_ANDROID_EVENTS = {"1": "anniversary", "2": "date", "3": "birthday"}
_NOT_A_KIND = {"pref", "internet", "voice", "x-user", "text", "uri"}


def parse_vcards(raw: bytes, *, encoding: str | None = None,
                 progress: ProgressCallback | None = None,
                 cancelled: CancelCheck | None = None) -> ParseResult:
    """Contacts in a vCard file; `encoding` overrides the detected one."""
    decoded = decode_for_import(raw, "vCard file", encoding=encoding, vcard=True)
    lines = read_cards(decoded.text, decoded.codec)
    if not lines.begins:
        raise UnreadableFile("This is not a vCard file (no BEGIN:VCARD line found).")
    result = ParseResult(format="vcard", encoding=decoded.encoding)
    if decoded.warning:
        result.notices.append(ImportProblem("file", decoded.warning, 0))
    total = len(lines.cards)
    groups: list[tuple[Card, str, list[str]]] = []
    for i, card in enumerate(lines.cards):
        if i % 200 == 0:
            check_cancel(cancelled)
            if progress is not None:
                progress(i, total)
        group = group_of(card)
        if group is not None:
            groups.append((card, *group))
            continue
        pc = card_to_contact(card)
        cleaned = finish(pc)
        if isinstance(cleaned, ImportProblem):
            result.errors.append(cleaned)
        else:
            result.contacts.append(cleaned)
    result.records_read = total
    if groups:
        _tag_members(result, groups)
    result.errors.sort(key=lambda p: p.line)
    if progress is not None:
        progress(total, total)
    return result


_GROUP_KIND = ("KIND", "X-ADDRESSBOOKSERVER-KIND")
_GROUP_MEMBER = ("MEMBER", "X-ADDRESSBOOKSERVER-MEMBER")


def group_of(card: Card) -> tuple[str, list[str]] | None:
    """(name, member UIDs) of a contact group's card (vCard 4.0 `KIND:group`, Apple's
    and CardDAV servers' `X-ADDRESSBOOKSERVER-KIND:group`), None for any other card."""
    if not any(p.name in _GROUP_KIND and p.value.strip().casefold() == "group"
               for p in card.properties):
        return None
    v21 = card.version.startswith("2")
    name = next((unescape(p.value, v21).strip() for p in card.properties if p.name == "FN"),
                "")
    if not name:
        parts = next((split_structured(p.value) for p in card.properties if p.name == "N"),
                     [""])
        name = unescape(parts[0], v21).strip()
    members = [_uid(p.value) for p in card.properties if p.name in _GROUP_MEMBER]
    return name, [m for m in members if m]


def _uid(value: str) -> str:
    return value.strip().removeprefix("urn:uuid:").casefold()


def _tag_members(result: ParseResult, groups: list[tuple[Card, str, list[str]]]) -> None:
    """A group is not a person: its name becomes a tag of each member in this file."""
    by_uid = {c.source_id.casefold(): c for c in result.contacts if c.source_id}
    for card, name, members in groups:
        found = [by_uid[m] for m in members if m in by_uid]
        for pc in found:
            if name and name not in pc.data.tags:
                pc.data.tags.append(name)
        shown = repr(name) if name else "without a name"
        result.notices.append(ImportProblem(
            f"line {card.line}",
            f"the contact group {shown} is not a person: its {len(found)} member"
            f"{'' if len(found) == 1 else 's'} in this file "
            + (f"are tagged {shown}" if name and len(found) != 1 else
               f"is tagged {shown}" if name else "are not tagged"), card.line))


def _label(prop: Property, group_labels: dict[str, str],
           kinds: dict[str, str] | None = None) -> tuple[str, bool]:
    types = prop.types
    primary = "pref" in types
    if prop.group and prop.group.casefold() in group_labels:
        label, starred = label_of(group_labels[prop.group.casefold()])
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


def _note(pc: ParsedContact, text: str) -> None:
    d = pc.data
    d.notes = (d.notes + "\n" if d.notes else "") + text


def _kind(prop: Property, group_labels: dict[str, str], default: str = "") -> str:
    """What a property is about: its X-ABLabel ("_$!<Assistant>!$_" -> assistant), else
    its TYPE ("linkedin", "spouse"), else `default`."""
    if prop.group and prop.group.casefold() in group_labels:
        label, _ = label_of(group_labels[prop.group.casefold()], "")
        if label:
            return label
    kinds = [t for t in prop.types if t not in _NOT_A_KIND]
    return kinds[0] if kinds else default


def _kept_line(prop: Property, value: str, group_labels: dict[str, str]) -> str:
    """The notes line for a property no field holds ('' for any other property)."""
    name = prop.name
    if name == "X-SOCIALPROFILE":
        kind = _kind(prop, group_labels)
        return f"Social profile ({kind}): {value}" if kind else f"Social profile: {value}"
    if name in _IM:
        service = prop.params.get("X-SERVICE-TYPE", "") or _IM[name] or _kind(prop, {})
        return f"IM ({service}): {value}" if service else f"IM: {value}"
    if name in _RELATED:
        kind = _kind(prop, group_labels, _RELATED[name]) or "related"
        return f"{kind[:1].upper()}{kind[1:]}: {value}"
    if name in _DATES:
        kind = _kind(prop, group_labels, _DATES[name]) or "date"
        day = birthday_of(value) or value
        return f"{kind[:1].upper()}{kind[1:]}: {day}"
    return ""


def _android_custom(pc: ParsedContact, parts: list[str], kept: list[str]) -> None:
    """An Android nickname, relation or event (`X-ANDROID-CUSTOM`); others are Android's
    own bookkeeping."""
    kind = parts[0].casefold().removeprefix(_ANDROID_ITEM) if parts else ""
    value = parts[1] if len(parts) > 1 else ""
    code = parts[2] if len(parts) > 2 else ""
    custom = parts[3] if len(parts) > 3 else ""
    if not value:
        return
    if kind == "nickname":
        pc.data.nickname = pc.data.nickname or value
    elif kind == "relation":
        what = custom or _ANDROID_RELATIONS.get(code, "related")
        kept.append(f"{what[:1].upper()}{what[1:]}: {value}")
    elif kind == "contact_event":
        what = custom or _ANDROID_EVENTS.get(code, "date")
        day = birthday_of(value)
        if what == "birthday" and day and not pc.data.birthday:
            pc.data.birthday = day
        else:
            kept.append(f"{what[:1].upper()}{what[1:]}: {day or value}")


def card_to_contact(card: Card) -> ParsedContact:
    where = f"line {card.line}"
    pc = ParsedContact(where=where, line=card.line, data=ContactData())
    pc.warnings.extend(card.problems)
    d = pc.data
    v21 = card.version.startswith("2")
    group_labels = {
        p.group.casefold(): unescape(p.value, v21).strip() for p in card.properties
        if p.name == "X-ABLABEL" and p.group
    }
    full_name = ""
    kept: list[str] = []  # notes lines for properties no field holds
    labels: list[tuple[str, str]] = []  # (label, formatted address) of LABEL lines
    for prop in card.properties:
        name, value = prop.name, prop.value
        if name == "N":
            parts = [unescape(p, v21).strip() for p in split_structured(value)]
            parts += [""] * (5 - len(parts))
            d.family_name, d.given_name, d.middle_name, d.prefix, d.suffix = parts[:5]
        elif name == "FN":
            full_name = unescape(value, v21).strip()
        elif name == "NICKNAME":
            d.nickname = unescape(value, v21).strip()
        elif name == "TITLE" or (name == "ROLE" and not d.title):
            d.title = unescape(value, v21).strip()
        elif name == "ROLE":  # a second line of the job: kept beside the title
            role = unescape(value, v21).strip()
            if role and role != d.title:
                kept.append(f"Role: {role}")
        elif name == "ORG":
            parts = [unescape(p, v21).strip() for p in split_structured(value)]
            pc.organization = parts[0] if parts else ""
            pc.department = ", ".join(p for p in parts[1:] if p)
        elif name == "EMAIL":
            address = unescape(value, v21).strip()
            if not address:
                continue
            label, primary = _label(prop, group_labels)
            _, problem = check_email(address)
            if problem:
                pc.warnings.append(f"line {prop.line}: {address!r} is not an email address; "
                                   "kept in the notes.")
                _note(pc, f"E-mail ({label}): {address}")
                continue
            d.emails.append(EmailData(address, label, primary))
        elif name == "TEL":
            number = unescape(value, v21).strip()
            if not number:
                continue
            label, primary = _label(prop, group_labels, _PHONE_KINDS)
            if number.casefold().startswith("tel:"):
                number = number[4:].replace(";ext=", " ext. ")
            d.phones.append(PhoneData(number, label, primary))
        elif name == "ADR":
            label, _ = _label(prop, group_labels)
            parts = [unescape(p, v21).strip() for p in split_structured(value)]
            parts += [""] * (7 - len(parts))
            box, extended, street, city, region, code, country = parts[:7]
            street = "\n".join(s for s in (street, extended, f"PO Box {box}" if box else "")
                               if s)
            d.addresses.append(AddressData(label, street, city, region, code, country))
        elif name == "URL":
            url = unescape(value, v21).strip().replace("\\:", ":")
            if url and not d.website:
                d.website = url
            elif url and url != d.website:
                _note(pc, f"Website: {url}")
        elif name == "NOTE":
            _note(pc, unescape(value, v21).strip())
        elif name == "BDAY":
            text = unescape(value, v21).strip()
            birthday = birthday_of(text)
            if birthday is None:
                pc.warnings.append(f"line {prop.line}: birthday {text!r} is not a date; "
                                   "kept in the notes.")
                _note(pc, f"Birthday: {text}")
            else:
                d.birthday = birthday
        elif name == "CATEGORIES":
            values = (value.replace(";", ",").split(",") if v21 else split_list(value))
            for v in values:
                tag = unescape(v, v21).strip()
                if tag and fold_cached(tag) not in SYSTEM_LABELS:  # Google: 'myContacts'
                    d.tags.append(tag)
        elif name == "UID":
            pc.source_id = unescape(value, v21).strip().removeprefix("urn:uuid:")
        elif name in ("X-ABSHOWAS", "KIND"):
            if value.strip().casefold() in _ORGANIZATION_KINDS:
                pc.is_organization = True
        elif name in ("PRONOUNS", "X-PRONOUNS"):
            d.pronouns = unescape(value, v21).strip()
        elif name == "X-COORDINATOR-DO-NOT-CONTACT":
            text = unescape(value, v21).strip()
            flag = do_not_contact_of(text)
            if flag is None:
                pc.warnings.append(f"line {prop.line}: do-not-contact {text!r} is neither yes "
                                   "nor no; the contact is marked do-not-contact, to be safe.")
            d.do_not_contact = d.do_not_contact or flag is not False
        elif name in _KEPT:
            text = unescape(value, v21).strip()
            if text:
                kept.append(_kept_line(prop, text, group_labels))
        elif name == "LABEL":  # the formatted address: read only for a card without ADR
            text = unescape(value, v21).strip()
            if text:
                labels.append((_label(prop, group_labels)[0], text))
        elif name == "X-ANDROID-CUSTOM":
            _android_custom(pc, [unescape(p, v21).strip() for p in split_structured(value)],
                            kept)
    if labels and not d.addresses:  # a writer that gives only the formatted address
        for label, text in labels:
            d.addresses.append(AddressData(label, "\n".join(
                line.strip() for line in text.splitlines() if line.strip())))
    for line in kept:
        _note(pc, line)
    named = d.given_name or d.family_name
    if "@" in full_name and " " not in full_name:
        full_name = ""  # Thunderbird's collected addresses: FN is the email address
    if not named and full_name and not pc.is_organization and full_name != pc.organization:
        for key, part in split_full_name(full_name).items():
            setattr(d, key, part)
    return pc
