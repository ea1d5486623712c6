"""Plain-text formatting of money, dates, times and deadlines for the PDFs."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from coordinator.briefing.markup import plain
from coordinator.money import format_money
from coordinator.services.validation import DEFAULT_REGION

_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def money(amount_minor: int | None, currency: str = "USD") -> str:
    """`125000050, "USD"` -> `$1,250,000.50` (the app's one money format)."""
    if amount_minor is None:
        return ""
    return format_money(int(amount_minor), plain(currency or "USD") or "USD")


def zone(name: str | None) -> tzinfo:
    """The IANA zone, or UTC when the name is unknown."""
    try:
        return ZoneInfo(name) if name else UTC
    # OSError: a folder of zones such as "America" raises IsADirectoryError
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def local_zone() -> tzinfo:
    """This computer's zone (for the reader's time): its IANA name when the system tells
    it (TZ, /etc/localtime, /etc/timezone), else the current fixed offset."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    try:
        with open("/etc/timezone", encoding="utf-8") as fh:
            candidates.append(fh.read().strip())
    except OSError:
        pass
    for name in candidates:
        if (name and "/" in name) or name == "UTC":
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                continue
    return datetime.now().astimezone().tzinfo or UTC


def day(d: date | None) -> str:
    """`Thu 3 Dec 2026`."""
    if d is None:
        return ""
    return f"{d:%a} {d.day} {d:%b %Y}"


def long_day(d: date) -> str:
    """`Thursday 3 December 2026`."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def time_range(start: datetime | None, minutes: int, tz: tzinfo) -> str:
    """`Thursday 3 December 2026, 10:00–11:00 CST` in zone `tz`."""
    if start is None:
        return "Date to be decided"
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    s = start.astimezone(tz)
    out = f"{long_day(s.date())}, {s:%H:%M}"
    if minutes > 0:
        e = (start + timedelta(minutes=minutes)).astimezone(tz)
        out += f"–{e:%H:%M}"
        if e.date() != s.date():
            out += f" ({day(e.date())})"
    abbrev = s.tzname() or ""
    return f"{out} {abbrev}".strip()


def zone_label(tz: tzinfo) -> str:
    """`America/Chicago`, or `local time` for a zone without an IANA name."""
    key = getattr(tz, "key", None)
    return str(key) if key else "local time"


def duration(minutes: int) -> str:
    if minutes <= 0:
        return ""
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} h {m} min"
    return f"{h} h" if h else f"{m} min"


def days_left(due: date | None, today: date) -> str:
    """`in 12 days`, `tomorrow`, `today`, `3 days ago`."""
    if due is None:
        return ""
    n = (due - today).days
    if n == 0:
        return "due today"
    if n == 1:
        return "tomorrow"
    if n > 1:
        return f"{n} days left"
    if n == -1:
        return "1 day overdue"
    return f"{-n} days overdue"


def deadline(due: date | None, today: date, still_due: bool = True) -> str:
    """Like `days_left`, but a passed deadline reads `N days ago` when nothing is due any
    more (a proposal already submitted or closed)."""
    if due is None or still_due or due >= today:
        return days_left(due, today)
    n = (today - due).days
    return "1 day ago" if n == 1 else f"{n} days ago"


def _date_forms(d: date) -> tuple[str, ...]:
    return (d.isoformat(), f"{d:%b} {d.day}", f"{d.day} {d:%b}", f"{d:%B} {d.day}",
            f"{d.day} {d:%B}", f"{d.month}/{d.day}/{d.year}", f"{d.day}.{d.month}.{d.year}")


def meeting_origin(title: str, when: date | None) -> str:
    """`NSCP call, Fri 31 Jul 2026`; the date only once when the title already says it
    (`NSCP call — Jul 31, 2026` stays as it is)."""
    title = plain(title)
    if when is None:
        return title
    folded = title.casefold()
    if str(when.year) in title and any(form.casefold() in folded for form in _date_forms(when)):
        return title
    return ", ".join(x for x in (title, day(when)) if x)


@lru_cache(maxsize=4096)
def phone(value: str) -> str:
    """A stored number as the app shows it: national format for numbers of the home
    country, international for others; anything that is not E.164 as written."""
    value = plain(value)
    if not value.startswith("+"):
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    home = phonenumbers.country_code_for_region(DEFAULT_REGION)
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == home
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)


def safe_filename(name: str, limit: int = 120) -> str:
    """A file name that works on Windows, macOS and Linux."""
    s = _UNSAFE_FILENAME.sub(" ", plain(name))
    s = re.sub(r"\s+", " ", s).strip(" .")
    if len(s) > limit:
        s = s[:limit].rstrip(" .")
    return s or "document"
