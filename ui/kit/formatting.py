"""How shared values look in every view: money, due dates, the coalition's consortia in
their usual order, status labels and the colours of overdue and soon."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QColor

from coordinator.reference import CONSORTIA

SOON_DAYS = 14

OVERDUE_FG, OVERDUE_BG = QColor("#b71c1c"), QColor("#fde7e7")

SOON_FG, SOON_BG = QColor("#8a5300"), QColor("#fff1cc")

COVERED_BG, COVERED_FG = QColor("#1f6f8b"), QColor("#ffffff")

UNCOVERED_FG = QColor("#9aa3ab")

CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "MXN": "MX$"}

# The seven consortia in the coalition's usual order (reference data, stable ids).
CONSORTIUM_ORDER: tuple[tuple[str, str], ...] = tuple((c.id, c.short_name) for c in CONSORTIA)

CONSORTIUM_NAMES = {c.id: c.name for c in CONSORTIA}


def format_money(minor: int, currency: str = "USD") -> str:
    """ "$1,250,000" (cents shown only when there are some)."""
    symbol = CURRENCY_SYMBOLS.get(currency.upper(), currency.upper() + " ")
    units, cents = divmod(abs(minor), 100)
    sign = "−" if minor < 0 else ""
    return f"{sign}{symbol}{units:,}" + (f".{cents:02d}" if cents else "")


class Labelled(Protocol):
    @property
    def label(self) -> str: ...


def enum_label(enum: Callable[[str], Labelled], value: str) -> str:
    """The label of `value` in `enum`, or `value` itself when it is not a member (a
    value written by a newer build is shown rather than failing)."""
    try:
        return enum(value).label
    except ValueError:
        return value


STATUS_LABELS = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "cancelled": "Cancelled",
}
