"""Field checks shared by the services. Each returns a message or None."""

from __future__ import annotations

from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from coordinator.errors import FieldProblem, ValidationError

DEFAULT_REGION = "US"


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


def url_problem(url: str) -> str | None:
    if not url.strip():
        return None
    parsed = urlparse(url.strip() if "://" in url else f"https://{url.strip()}")
    if parsed.scheme not in ("http", "https") or not parsed.netloc or "." not in parsed.netloc:
        return "Enter a web address such as https://example.org."
    if any(ch.isspace() for ch in url.strip()):
        return "A web address cannot contain spaces."
    return None


def time_zone_problem(zone: str) -> str | None:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"Unknown time zone {zone!r}; use an IANA name such as America/Chicago."
    return None


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

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)
