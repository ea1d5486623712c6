"""Plain-text formatting of money, dates, times and deadlines for the PDFs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coordinator.briefing.markup import plain

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "MXN": "MX$"}
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def money(amount_minor: int | None, currency: str = "USD") -> str:
    """`125000050, "USD"` -> `$1,250,000.50`; whole amounts print without cents."""
    if amount_minor is None:
        return ""
    code = (currency or "USD").upper()
    sign = "-" if amount_minor < 0 else ""
    units, cents = divmod(abs(int(amount_minor)), 100)
    number = f"{units:,}" + (f".{cents:02d}" if cents else "")
    symbol = _SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {plain(code)}"


def zone(name: str | None) -> tzinfo:
    """The IANA zone, or UTC when the name is unknown."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_zone() -> tzinfo:
    """This computer's zone (for the reader's time)."""
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
    key = getattr(tz, "key", None)
    if key:
        return str(key)
    now = datetime.now(tz)
    return now.tzname() or "local time"


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


def safe_filename(name: str, limit: int = 120) -> str:
    """A file name that works on Windows, macOS and Linux."""
    s = _UNSAFE_FILENAME.sub(" ", plain(name))
    s = re.sub(r"\s+", " ", s).strip(" .")
    if len(s) > limit:
        s = s[:limit].rstrip(" .")
    return s or "document"
