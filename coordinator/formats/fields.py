"""Field clean-up shared by every parser: labels, birthdays, names, emails, phones.

`finish` turns a raw ParsedContact into a clean one (or a problem): text trimmed and
formula-neutralisation undone, emails validated and de-duplicated, phones given their
E.164 form when they parse, and a name required.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from coordinator.formats.parsed import ImportProblem, ParsedContact
from coordinator.models import fold
from coordinator.services.phones import e164 as phone_e164
from coordinator.services.records import AddressData, EmailData, PhoneData
from coordinator.services.validation import url_problem

MULTI_SEPARATOR = " ::: "  # Google: several values in one cell
SYSTEM_LABELS = {"mycontacts", "my contacts", "starred", "imported", "other contacts"}

_LABELS = {
    "work": "work", "business": "work", "office": "work", "company": "work", "pref": "",
    "home": "home", "personal": "home", "private": "home",
    "mobile": "mobile", "cell": "mobile", "cellular": "mobile", "iphone": "mobile",
    "main": "main", "primary": "main", "other": "other", "internet": "", "x400": "",
    "fax": "fax", "work fax": "work fax", "home fax": "home fax", "pager": "pager",
    "voice": "", "msg": "", "text": "", "car": "car", "assistant": "assistant",
    "school": "school", "smtp": "", "postal": "", "parcel": "", "dom": "", "intl": "",
}
# Apple's own label tokens: _$!<Work>!$_
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
# A simple, common address shape that email-validator always accepts as-is (checked
# in the tests against email-validator); anything else goes through email-validator.
_SIMPLE_EMAIL = re.compile(
    r"^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$"
)
_SPECIAL_TLDS = {"arpa", "invalid", "local", "localhost", "onion", "test", "internal",
                 "alt", "home"}
_BIRTHDAY_ISO = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_BIRTHDAY_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")
_BIRTHDAY_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_BIRTHDAY_DOTS = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")  # German: day first
_BIRTHDAY_MONTH_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})$")  # Mailchimp: 03/07, no year
# 'March 7, 1984' (Notion, Airtable), 'Mar 7 1984', '7 March 1984'
_BIRTHDAY_NAMED = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$")
_BIRTHDAY_NAMED_DAY_FIRST = re.compile(r"^(\d{1,2})\.? ([A-Za-z]{3,9})\.?,? (\d{4})$")
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    start=1)}
_MONTH_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august",
                "september", "sept", "october", "november", "december"}
EXCHANGE_PATH = re.compile(r"^/o=", re.IGNORECASE)
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@lru_cache(maxsize=65536)
def fold_cached(text: str) -> str:
    """`fold` for values that repeat a lot in one file (labels, organization names)."""
    return fold(text)


@lru_cache(maxsize=4096)
def label_of(text: str, default: str = "work") -> tuple[str, bool]:
    """(normalised label, is_primary) from a label such as '* Work' or 'WORK,PREF'."""
    text = (text or "").strip()
    primary = text.startswith("*")
    text = text.lstrip("* ").strip()
    apple = _APPLE_LABEL.match(text)
    if apple:
        text = apple.group(1)
    parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    if any(p.casefold() == "pref" for p in parts):
        primary = True
    known = [_LABELS.get(p.casefold()) for p in parts]
    chosen = [k for k in known if k]
    if "fax" in chosen and len(chosen) > 1:
        return f"{next(c for c in chosen if c != 'fax')} fax"[:40], primary
    if chosen:
        return chosen[0], primary
    custom = [p for p, k in zip(parts, known, strict=True) if k is None]
    return (custom[0][:40] if custom else default), primary


def split_multi(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(MULTI_SEPARATOR) if v.strip()]


def split_labels(value: str, separator: str = MULTI_SEPARATOR) -> list[str]:
    """Labels/categories without Google's system labels ('* myContacts')."""
    out = []
    for part in (value or "").split(separator):
        name = part.strip()
        name = name[2:].strip() if name.startswith("* ") else name  # Google: '* myContacts'
        key = fold_cached(name) if name else ""
        if name and key not in SYSTEM_LABELS and not key.startswith("imported on"):
            out.append(name)
    return out


@lru_cache(maxsize=4096)
def _split_labels_tuple(value: str, separator: str) -> tuple[str, ...]:
    return tuple(split_labels(value, separator))


def split_labels_cached(value: str, separator: str = MULTI_SEPARATOR) -> list[str]:
    """`split_labels`, remembered: a file repeats the same few label cells on every row.
    Returns a new list each time (callers own and may change it)."""
    if not value:
        return []
    return list(_split_labels_tuple(value, separator))


@lru_cache(maxsize=4096)
def _clean_labels_tuple(value: str) -> tuple[str, ...]:
    tags = split_labels(value)
    return tuple(dict.fromkeys(t for t in (" ".join(t.split()) for t in tags) if t))


def clean_labels(value: str) -> list[str]:
    """What `finish` makes of `split_labels(value)` as a contact's tags, remembered
    (the same few label cells repeat on every row of a file)."""
    return list(_clean_labels_tuple(value))


_YES = frozenset({"yes", "y", "true", "1", "x", "ja", "oui", "si", "do not contact"})
_NO = frozenset({"no", "n", "false", "0", "nein", "non"})
DO_NOT_CONTACT_YES = "yes"  # what exports write for a flagged contact (empty otherwise)


def do_not_contact_of(text: str) -> bool | None:
    """A "Do Not Contact" cell as a flag: yes/true/1/x -> True, empty or no/false/0 ->
    False, anything else None (the caller flags the contact, to be safe, and says so)."""
    key = " ".join(fold(text).split()) if text else ""
    if not key or key in _NO:
        return False
    return True if key in _YES else None


def birthday_of(text: str) -> str | None:
    """'YYYY-MM-DD' or '--MM-DD' from the usual forms; '' when empty; None when unreadable."""
    if not text:
        return ""
    if "/" in text or "." in text:  # a two-digit year depends on today: never remembered
        return _birthday_of(text)
    return _birthday_of_cached(text)


def _birthday_of(text: str) -> str | None:
    text = (text or "").strip()
    if not text or text in ("0/0/00", "0/0/0000", "1/0/00", "0.0.00", "0.0.0000",
                            "00.00.0000"):
        return ""
    if m := _BIRTHDAY_NO_YEAR.match(text):
        month, day, year = int(m.group(1)), int(m.group(2)), 2000
    elif m := _BIRTHDAY_MONTH_DAY.match(text):
        month, day = int(m.group(1)), int(m.group(2))
        if month > 12 >= day:  # '24/12': day first
            month, day = day, month
        try:
            date(2000, month, day)
        except ValueError:
            return None
        return f"--{month:02d}-{day:02d}"
    elif (m := _BIRTHDAY_NAMED.match(text)) or (m := _BIRTHDAY_NAMED_DAY_FIRST.match(text)):
        name, day_text = ((m.group(1), m.group(2)) if m.re is _BIRTHDAY_NAMED
                          else (m.group(2), m.group(1)))
        key = name.casefold()
        if key not in _MONTH_NAMES and key not in _MONTHS:
            return None
        month, day, year = _MONTHS[key[:3]], int(day_text), int(m.group(3))
    elif m := _BIRTHDAY_ISO.match(text.split("T")[0]):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _BIRTHDAY_US.match(text):
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if month > 12 >= day:  # '14/07/1979': a French or Spanish export, day first
            month, day = day, month
        if year < 100:
            year += 1900 if year > date.today().year % 100 else 2000
    elif m := _BIRTHDAY_DOTS.match(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if year < 100:
            year += 1900 if year > date.today().year % 100 else 2000
    else:
        return None
    try:
        date(year or 2000, month, day)
    except ValueError:
        return None
    # Apple writes 1604 for "no year", others (Fastmail, Evolution) 0000
    if _BIRTHDAY_NO_YEAR.match(text) or year in (0, 1604):
        return f"--{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


# Birthdays without a '/' do not depend on the date (a file repeats the same --MM-DD).
_birthday_of_cached = lru_cache(maxsize=8192)(_birthday_of)


_PREFIXES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "hon", "sir", "dame"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "pe", "aicp", "cpa", "mba"}


def split_full_name(name: str) -> dict[str, str]:
    """Name parts of 'Dr. Jane Q. Public Jr.' or 'Public, Jane Q.'."""
    name = " ".join((name or "").split())
    if not name:
        return {}
    parts: dict[str, str] = {}
    if "," in name:
        family, _, rest = name.partition(",")
        rest_words = rest.split()
        if rest_words and all(w.strip(".").casefold() in _SUFFIXES for w in rest_words):
            name = family  # 'Jane Public, PhD'
            parts["suffix"] = rest.strip()
        else:
            family_words = family.split()
            if (len(family_words) > 1
                    and family_words[-1].strip(".,").casefold() in _SUFFIXES):
                parts["suffix"] = family_words.pop()  # 'Smith Jr., Bob'
            parts["family_name"] = " ".join(family_words)
            words = rest.split()
            if words and words[0].strip(".").casefold() in _PREFIXES:
                parts["prefix"] = words.pop(0)
            if words:
                parts["given_name"] = words[0]
            if len(words) > 1:
                parts["middle_name"] = " ".join(words[1:])
            return parts
    words = name.split()
    if len(words) > 1 and words[0].strip(".").casefold() in _PREFIXES:
        parts["prefix"] = words.pop(0)
    if len(words) > 1 and words[-1].strip(".,").casefold() in _SUFFIXES:
        parts["suffix"] = words.pop()
    if len(words) == 1:
        parts["given_name"] = words[0]
    elif words:
        parts["given_name"] = words[0]
        parts["family_name"] = words[-1]
        if len(words) > 2:
            parts["middle_name"] = " ".join(words[1:-1])
    return parts


def check_email(address: str) -> tuple[str, str | None]:
    """(normalised address, problem or None)."""
    address = address.strip().strip("<>").removeprefix("mailto:").removeprefix("MAILTO:")
    if _SIMPLE_EMAIL.match(address) and len(address) <= 254:
        local, _, domain = address.partition("@")
        if len(local) <= 64 and domain.rsplit(".", 1)[-1].casefold() not in _SPECIAL_TLDS:
            return f"{local}@{domain.lower()}", None
    try:
        return validate_email(address, check_deliverability=False).normalized, None
    except EmailNotValidError as exc:
        return address, str(exc)


_LIMITS = {"prefix": 40, "given_name": 120, "middle_name": 120, "family_name": 120,
           "suffix": 40, "nickname": 120, "pronouns": 40, "title": 200, "website": 500}
(_PREFIX_MAX, _GIVEN_MAX, _MIDDLE_MAX, _FAMILY_MAX, _SUFFIX_MAX, _NICKNAME_MAX, _PRONOUNS_MAX,
 _TITLE_MAX) = (_LIMITS[name] for name in ("prefix", "given_name", "middle_name", "family_name",
                                          "suffix", "nickname", "pronouns", "title"))


def names_too_long(prefix: str, given: str, middle: str, family: str, suffix: str,
                   nickname: str, pronouns: str, title: str) -> bool:
    """Whether one of these (clean) values is over its limit in `_LIMITS`: one test for
    the usual row instead of a loop over the limits."""
    return (len(prefix) > _PREFIX_MAX or len(given) > _GIVEN_MAX or len(middle) > _MIDDLE_MAX
            or len(family) > _FAMILY_MAX or len(suffix) > _SUFFIX_MAX
            or len(nickname) > _NICKNAME_MAX or len(pronouns) > _PRONOUNS_MAX
            or len(title) > _TITLE_MAX)



def clean_phones(values: Iterable[tuple[str, str, bool]]) -> list[PhoneData] | None:
    """(raw, label, primary) values as PhoneData: white space tidied, E.164 added, the
    same number written twice with the same label kept once (a work and a mobile
    entry of one number are both kept); None when one is longer than 80 characters."""
    phones: list[PhoneData] = []
    seen: set[tuple[str, str]] = set()
    for value, label, primary in values:
        raw = " ".join(value.split())
        if not raw:
            continue
        e164 = phone_e164(raw)
        key = (e164 or raw, label or "work")
        if key in seen:
            continue
        seen.add(key)
        if len(raw) > 80:
            return None
        phones.append(PhoneData(raw, label or "work", primary, e164))
    return phones

def finish(pc: ParsedContact) -> ParsedContact | ImportProblem:
    """Clean one parsed record; an ImportProblem when it cannot be imported.

    Called once per imported row, so written out field by field (no getattr loops);
    `tests/formats/test_fast_parse.py` holds it to the results of the plain version.
    """
    d = pc.data
    # Text: runs of white space become one space; notes keep their lines.
    v = d.prefix
    d.prefix = prefix = " ".join(v.split()) if v else ""
    v = d.given_name
    d.given_name = given = " ".join(v.split()) if v else ""
    v = d.middle_name
    d.middle_name = middle = " ".join(v.split()) if v else ""
    v = d.family_name
    d.family_name = family = " ".join(v.split()) if v else ""
    v = d.suffix
    d.suffix = suffix = " ".join(v.split()) if v else ""
    v = d.nickname
    d.nickname = nickname = " ".join(v.split()) if v else ""
    v = d.pronouns
    d.pronouns = pronouns = " ".join(v.split()) if v else ""
    v = d.title
    d.title = title = " ".join(v.split()) if v else ""
    v = d.website
    d.website = " ".join(v.split()) if v else ""
    d.notes = note_lines((d.notes or "").strip())
    d.private_notes = note_lines((d.private_notes or "").strip())
    pc.organization = " ".join(pc.organization.split())
    if pc.department and fold(pc.department) not in fold(d.notes):
        d.notes = (d.notes + "\n" if d.notes else "") + f"Department: {pc.department}"
    if names_too_long(prefix, given, middle, family, suffix, nickname, pronouns, title):
        for name, limit in _LIMITS.items():
            if name != "website" and len(getattr(d, name)) > limit:
                return ImportProblem(pc.where, f"{name.replace('_', ' ')} is longer than "
                                     f"{limit} characters.", pc.line)
    if d.website:
        if len(d.website) > _LIMITS["website"]:
            pc.warnings.append("The web address is too long and was moved to the notes.")
            d.notes = (d.notes + "\n" if d.notes else "") + d.website
            d.website = ""
        else:
            d.website = d.website.replace("\\:", ":")
            if url_problem(d.website):
                pc.warnings.append(f"Web address {d.website!r} is not valid; kept in the notes.")
                d.notes = (d.notes + "\n" if d.notes else "") + d.website
                d.website = ""
    if d.emails:
        emails, seen = [], set()
        for e in d.emails:
            raw = e.address.strip()
            if not raw:
                continue
            if EXCHANGE_PATH.match(raw):
                pc.warnings.append("An Exchange directory address (type EX) is not an email "
                                   "address and was left out.")
                continue
            address, problem = check_email(raw)
            if problem:
                pc.warnings.append(f"E-mail {raw!r} is not valid ({problem}); kept in the "
                                   "notes.")
                d.notes = (d.notes + "\n" if d.notes else "") + f"E-mail: {raw}"
                continue
            key = address.casefold()
            if key in seen:
                continue
            seen.add(key)
            emails.append(EmailData(address, e.label or "work", e.is_primary))
        d.emails = emails
    if d.phones:
        phones = clean_phones((p.raw, p.label, p.is_primary) for p in d.phones)
        if phones is None:
            phones = _phones_keeping_long(pc)
        d.phones = phones
    if d.addresses:
        d.addresses = [a for a in (clean_address(a) for a in d.addresses) if a is not None]
    if d.tags:
        d.tags = list(dict.fromkeys(t for t in (" ".join(t.split()) for t in d.tags) if t))
    if pc.is_organization:
        if not pc.organization:
            return ImportProblem(pc.where, "An organization card without a name.", pc.line)
        return pc
    if not (given or family):
        return _without_name(pc)
    return pc


def _phones_keeping_long(pc: ParsedContact) -> list[PhoneData]:
    """The phones of `pc`, with each one longer than 80 characters moved to the notes."""
    d = pc.data
    kept = []
    for p in d.phones:
        raw = " ".join(p.raw.split())
        if len(raw) > 80:
            pc.warnings.append("A phone number is longer than 80 characters; kept in the "
                               "notes.")
            d.notes = (d.notes + "\n" if d.notes else "") + f"Phone: {raw}"
        else:
            kept.append((p.raw, p.label, p.is_primary))
    return clean_phones(kept) or []


def _without_name(pc: ParsedContact) -> ParsedContact | ImportProblem:
    """A record without a first or last name: a nickname is the name; a company entry
    becomes its organization (with its phones, emails and address); an email-only or
    phone-only entry is named after its address or number, with a warning to check it.
    Refused only when none of these is there."""
    d = pc.data
    if d.nickname:
        d.given_name = d.nickname
        return pc
    if pc.organization:
        pc.is_organization = True  # a company entry: import it as an organization
        return pc
    if d.emails:
        address = d.emails[0].address
        for key, part in name_from_email(address).items():
            setattr(d, key, part)
        pc.warnings.append(f"No name: named {d.given_name} {d.family_name}".rstrip()
                           + f" after the address {address}; check it.")
        return pc
    if d.phones:
        d.given_name = d.phones[0].raw[:120]
        pc.warnings.append(f"No name: named after the phone number {d.phones[0].raw}; "
                           "check it.")
        return pc
    return ImportProblem(pc.where, "No name, organization, email or phone: nothing to "
                         "import.", pc.line)


def name_from_email(address: str) -> dict[str, str]:
    """'jane.doe@x.org' -> Jane Doe; 'jdoe@x.org' -> jdoe (given name only)."""
    local = address.partition("@")[0].split("+", 1)[0]
    words = [w for w in re.split(r"[._-]+", local) if w]
    if len(words) >= 2 and all(w.isalpha() for w in (words[0], words[-1])):
        return {"given_name": words[0].capitalize()[:120],
                "family_name": words[-1].capitalize()[:120]}
    return {"given_name": (local or address)[:120]}


def note_lines(text: str) -> str:
    """Notes keep their line breaks, as plain '\\n'."""
    if "\r" in text:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _squash_lines(value: str) -> str:
    """Each line's white space squashed, blank lines dropped (address fields)."""
    if not value:
        return ""
    if value.isprintable():  # no line breaks (they are all unprintable): one line
        return " ".join(value.split())
    return "\n".join(" ".join(line.split()) for line in value.strip().splitlines()
                     if line.strip())


def clean_address(a: AddressData) -> AddressData | None:
    a.street = street = _squash_lines(a.street)
    a.city = city = _squash_lines(a.city)
    a.region = region = _squash_lines(a.region)
    a.postal_code = postal_code = _squash_lines(a.postal_code)
    a.country = country = _squash_lines(a.country)
    if not (street or city or region or postal_code or country):
        return None
    a.street, a.city, a.region = street[:300], city[:120], region[:120]
    a.postal_code, a.country = postal_code[:20], country[:80]
    return a


def email_from_text(text: str) -> str:
    """The first email address inside e.g. an Outlook display name 'Jane (jane@x.org)'."""
    m = _EMAIL_IN_TEXT.search(text or "")
    return m.group(0) if m else ""
