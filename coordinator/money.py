"""Money is stored as integer minor units plus an ISO currency code."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "MXN": "MX$"}


def format_money(minor: int, currency: str = "USD") -> str:
    """`123456, "USD"` -> `$1,234.56`; whole amounts drop the cents: `$1,200`."""
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(minor), 100)
    symbol = SYMBOLS.get(currency.upper(), currency.upper() + " ")
    text = f"{units:,}" if cents == 0 else f"{units:,}.{cents:02d}"
    return f"{sign}{symbol}{text}"


def parse_money(text: str) -> int:
    """`"$1,234.56"` -> 123456. Raises ValueError with a readable message."""
    cleaned = text.strip()
    for symbol in sorted(SYMBOLS.values(), key=len, reverse=True):
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.replace(",", "").replace(" ", "")
    if not cleaned:
        return 0
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"{text!r} is not an amount of money.") from exc
    if not value.is_finite():  # "NaN", "Infinity": Decimal parses them
        raise ValueError(f"{text!r} is not an amount of money.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("Use at most two decimals.")
    return int(value * 100)
