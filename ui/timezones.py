"""Time-zone helpers for meetings: show one UTC instant in several IANA zones.

    start = local_to_utc(date(2027, 3, 10), time(9, 0), "America/Chicago")
    in_zone(start, "America/Phoenix").strftime("%H:%M")       # "08:00"
    consortium_times(start, consortia)  # one line per distinct zone, with its consortia

Everything here is plain Python (zoneinfo); only `system_zone_name` asks Qt which
zone the computer is set to.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Shown first in the time-zone picker: the zones of the coalition, then the rest.
COALITION_ZONES: tuple[str, ...] = (
    "America/Chicago", "America/Denver", "America/Phoenix", "America/New_York",
)
FALLBACK_ZONE = "America/Chicago"


def is_valid_zone(name: str) -> bool:
    """Whether `name` is an IANA zone. Never raises: the zone field calls it on every
    keystroke, and a prefix such as "America" names a folder of the zone database,
    which ZoneInfo reports as IsADirectoryError (an OSError), not as an unknown zone."""
    if not name or name != name.strip():
        return False
    if name in _known_zones():
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def system_zone_name() -> str:
    """The computer's IANA zone (e.g. "Europe/Paris"); the coalition default otherwise."""
    candidates: list[str] = []
    tz_env = os.environ.get("TZ", "").lstrip(":")
    if tz_env:
        candidates.append(tz_env)
    try:
        from PySide6.QtCore import QTimeZone

        candidates.append(bytes(QTimeZone.systemTimeZoneId().data()).decode())
    except Exception:  # pragma: no cover - Qt not importable or odd platform
        pass
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and "/" in name and is_valid_zone(name):
            return name
    for name in candidates:
        if name in ("UTC", "Etc/UTC"):
            return "UTC"
    return FALLBACK_ZONE


@lru_cache(maxsize=1)
def all_zone_names() -> tuple[str, ...]:
    """Coalition zones first, then every other IANA name (sorted, no legacy aliases)."""
    rest = sorted(z for z in available_timezones()
                  if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))
                  and z not in COALITION_ZONES)
    return (*COALITION_ZONES, "UTC", *rest)


def local_to_utc(day: date, clock: time, zone: str) -> datetime:
    """The UTC instant of a wall-clock time in `zone`.

    A time skipped by a daylight-saving jump (02:30 on the spring-forward night) is
    moved forward by the gap, as a wall clock would; an ambiguous time (the repeated hour
    in the autumn) means its first occurrence.
    """
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, clock.replace(tzinfo=None))
    # PEP 495: fold=0 maps a gap time with the offset before the jump (so 02:30 becomes
    # 03:30 daylight time) and an ambiguous time to its first occurrence.
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)


def in_zone(instant: datetime, zone: str) -> datetime:
    """`instant` (aware; naive means UTC) as a wall-clock time in `zone`."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(ZoneInfo(zone))


def zone_abbreviation(instant: datetime, zone: str) -> str:
    """"CST", "MDT", "MST"... for `zone` at `instant`."""
    return in_zone(instant, zone).tzname() or zone


def utc_offset_text(instant: datetime, zone: str) -> str:
    offset = in_zone(instant, zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def format_clock(instant: datetime, zone: str) -> str:
    """"08:00 MST"."""
    local = in_zone(instant, zone)
    return f"{local:%H:%M} {local.tzname()}"


def format_in_zone(instant: datetime, zone: str, *, weekday: bool = True) -> str:
    """"Wed 10 Mar 2027, 08:00 MST"."""
    local = in_zone(instant, zone)
    day = f"{local:%a} {local.day} {local:%b %Y}" if weekday else f"{local.day} {local:%b %Y}"
    return f"{day}, {local:%H:%M} {local.tzname()}"


def day_shift(instant: datetime, zone: str, reference_zone: str) -> int:
    """How many calendar days `zone` is ahead of `reference_zone` at `instant`."""
    return (in_zone(instant, zone).date() - in_zone(instant, reference_zone).date()).days


@dataclass(frozen=True)
class ZoneTime:
    zone: str
    local: datetime
    labels: tuple[str, ...]  # consortium short names (or other labels) in this zone

    @property
    def clock(self) -> str:
        return f"{self.local:%H:%M} {self.local.tzname()}"


def times_in_zones(instant: datetime, labelled_zones: Iterable[tuple[str, str]]
                   ) -> list[ZoneTime]:
    """Group (label, zone) pairs by zone and show `instant` in each, east to west."""
    by_zone: dict[str, list[str]] = {}
    for label, zone in labelled_zones:
        if is_valid_zone(zone):
            by_zone.setdefault(zone, []).append(label)
    rows = [ZoneTime(zone, in_zone(instant, zone), tuple(labels))
            for zone, labels in by_zone.items()]
    return sorted(rows, key=lambda r: (-(r.local.utcoffset() or timedelta(0)), r.zone))


def consortium_times(instant: datetime, consortia: Iterable[object]) -> list[ZoneTime]:
    """`instant` in the zone of each consortium (objects with short_name and time_zone)."""
    return times_in_zones(instant, ((getattr(c, "short_name", ""), getattr(c, "time_zone", ""))
                                    for c in consortia))


def describe_consortium_times(instant: datetime, consortia: Iterable[object],
                              reference_zone: str | None = None) -> str:
    """One line per zone: "10:00 EDT — SNF", with "(+1 day)" when the date differs."""
    lines = []
    for row in consortium_times(instant, consortia):
        shift = day_shift(instant, row.zone, reference_zone) if reference_zone else 0
        suffix = f" ({shift:+d} day)" if shift else ""
        lines.append(f"{row.clock}{suffix} — {', '.join(row.labels)}")
    return "\n".join(lines)


__all__ = [
    "COALITION_ZONES",
    "ZoneTime",
    "all_zone_names",
    "consortium_times",
    "day_shift",
    "describe_consortium_times",
    "format_clock",
    "format_in_zone",
    "in_zone",
    "is_valid_zone",
    "local_to_utc",
    "system_zone_name",
    "times_in_zones",
    "utc_offset_text",
    "zone_abbreviation",
]
