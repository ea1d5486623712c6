"""Reading the times a sync stores (light: the app imports it before any sync runs)."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_time(text: str | None) -> datetime | None:
    """A time stored by a sync (this laptop's UTC text, or the hub's own with an offset),
    as an aware UTC datetime; None when absent or unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
