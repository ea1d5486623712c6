"""Field checks shared by the services. Each returns a message or None.

Every check answers for any string at all (brackets, NUL, lone surrogates, control
characters, megabytes of text): a form calls them on every keystroke and an import on
every cell, so an exception here would be an error dialog per key press or a whole
import aborted. Nothing here raises.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from coordinator.errors import FieldProblem, ValidationError

DEFAULT_REGION = "US"

# Longest text a field takes. Enough for any real name or title; short enough that a
# table cell, a PDF heading, a calendar summary and a search result stay readable. The
# import applies the same person-name limits to each row it reads.
TITLE_MAX_CHARS = 300  # proposal, meeting and agenda item titles
ORGANIZATION_NAME_MAX_CHARS = 300
PERSON_NAME_MAX_CHARS = 120  # given, middle and family name, nickname
NAME_AFFIX_MAX_CHARS = 40  # prefix, suffix, pronouns
JOB_TITLE_MAX_CHARS = 200
URL_MAX_CHARS = 2000  # what browsers and mail clients reliably keep
TIME_ZONE_MAX_CHARS = 64  # the longest IANA name is about 30

URL_EXAMPLE = "Enter a web address such as https://example.org."
UNSAVABLE_TEXT = ("This text holds a broken character (half of a UTF-16 surrogate pair) "
                  "that cannot be saved; type it again.")


def email_problem(address: str) -> str | None:
    if not address.strip():
        return "Enter an email address or remove the empty row."
    try:
        validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def normalize_email(address: str) -> str:
    """The address as the user typed it, with the domain lower-cased (when valid)."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return address.strip()


def phone_to_e164(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 form when `raw` parses as a valid number, else None (the raw text is kept)."""
    text = raw.strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _is_control(ch: str) -> bool:
    """Control, format (bidi overrides, zero-width), surrogate or unassigned character."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")


def url_problem(url: str) -> str | None:
    text = url.strip()
    if not text:
        return None
    if len(text) > URL_MAX_CHARS:
        return f"Keep the web address to {URL_MAX_CHARS} characters or fewer."
    try:
        # urlsplit raises ValueError on unbalanced IPv6 brackets ("http://[") and
        # .port on a port that is not a number from 0 to 65535.
        parsed = urlsplit(text if "://" in text else f"https://{text}")
        _ = parsed.port
    except ValueError:
        return URL_EXAMPLE
    if parsed.scheme not in ("http", "https") or not parsed.netloc or "." not in parsed.netloc:
        return URL_EXAMPLE
    if any(ch.isspace() for ch in text):
        return "A web address cannot contain spaces."
    if any(_is_control(ch) for ch in text):
        return "A web address cannot contain control or invisible characters."
    return None


def time_zone_problem(zone: str) -> str | None:
    message = f"Unknown time zone {zone[:80]!r}; use an IANA name such as America/Chicago."
    if not zone or len(zone) > TIME_ZONE_MAX_CHARS or any(_is_control(ch) for ch in zone):
        return message
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a folder name ("America" is IsADirectoryError), a name too long for
        # the file system, or an unreadable file.
        return message
    return None


def length_problem(value: str, limit: int, label: str) -> str | None:
    """A message when `value` (as it will be saved, stripped) is longer than `limit`."""
    length = len(value.strip())
    if length <= limit:
        return None
    return f"Keep the {label} to {limit} characters or fewer (it has {length})."


def _unsavable(value: object) -> bool:
    """True for text that cannot be stored as UTF-8 (a lone surrogate, as a broken paste
    can leave in a Python string); SQLite would raise UnicodeEncodeError on it."""
    if not isinstance(value, str) or value.isascii():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unsavable_text(problems: Problems, data: object) -> None:
    """A problem for every text field of the record `data` (a dataclass; its lists of
    text and of child records included, reported as `name[i]`) that cannot be saved."""
    for f in dataclasses.fields(data):  # type: ignore[arg-type]
        value = getattr(data, f.name)
        if isinstance(value, list):
            for i, item in enumerate(value):
                parts = ([getattr(item, g.name) for g in dataclasses.fields(item)]
                         if dataclasses.is_dataclass(item) else [item])
                if any(_unsavable(part) for part in parts):
                    problems.add(f"{f.name}[{i}]", UNSAVABLE_TEXT)
        elif _unsavable(value):
            problems.add(f.name, UNSAVABLE_TEXT)


class Problems:
    """Collects field problems so that every one is reported at once."""

    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, field: str, message: str | None) -> None:
        if message:
            self.items.append(FieldProblem(field, message))

    def require(self, field: str, value: str, label: str) -> None:
        if not (value or "").strip():
            self.add(field, f"{label} is required.")

    def limit(self, field: str, value: str, limit: int, label: str) -> None:
        self.add(field, length_problem(value or "", limit, label))

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)
