"""An amount of money in a currency, typed in whole units (and cents where asked)."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from ui.kit.formatting import CURRENCY_SYMBOLS


def currency_prefix(currency: str) -> str:
    """"$" for USD, "CA$" for CAD…, else the code and a space."""
    return CURRENCY_SYMBOLS.get(currency, currency + " ")


def money_spin(currency: str, amount_minor: int = 0, *, cents: bool = True,
               name: str = "", parent: QWidget | None = None) -> QDoubleSpinBox:
    """A spin box for a non-negative amount in `currency`, with thousands separators,
    showing `amount_minor` (cents); `name` is what a screen reader says."""
    spin = QDoubleSpinBox(parent)
    spin.setRange(0, 1e11)
    spin.setDecimals(2 if cents else 0)
    spin.setGroupSeparatorShown(True)
    spin.setPrefix(currency_prefix(currency))
    spin.setValue(amount_minor / 100)
    if name:
        spin.setAccessibleName(name)
    return spin


__all__ = ["currency_prefix", "money_spin"]
