"""Filter combo boxes: one that may shrink with its window, and refilling one in place."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import zip_longest
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox


def compact(box: QComboBox, chars: int = 10) -> QComboBox:
    """A filter combo that may shrink with the window (long entries are elided)."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(chars)
    return box


def refill_combo(box: QComboBox, items: Iterable[tuple[str, Any]],
                 tooltips: Iterable[str] = ()) -> None:
    """Replace every item after the first ("Any …") with `items` (label, data), each
    with its tooltip if given, keeping the current choice when it is still offered
    (else the first); no signal fires meanwhile, so nothing reloads."""
    current = box.currentData()
    box.blockSignals(True)
    while box.count() > 1:
        box.removeItem(1)
    for (label, value), tip in zip_longest(items, tooltips):
        box.addItem(label, value)
        if tip:
            box.setItemData(box.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
    box.setCurrentIndex(max(0, box.findData(current)) if current else 0)
    box.blockSignals(False)
