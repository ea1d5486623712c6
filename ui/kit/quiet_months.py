"""The "going quiet" setting shared by Home and Coverage: how many months without any
contact make a member organization quiet (default 6)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QSpinBox, QWidget

from coordinator.services.home import QUIET_MONTHS

KEY = "home/quiet_months"
MOST = 36


def quiet_months(settings: QSettings) -> int:
    """The setting, within 1..36; the default when unset or unreadable."""
    try:
        value = int(settings.value(KEY, QUIET_MONTHS))
    except (TypeError, ValueError):
        return QUIET_MONTHS
    return value if 1 <= value <= MOST else QUIET_MONTHS


def months_box(settings: QSettings, parent: QWidget | None = None) -> QSpinBox:
    """A spin box showing the setting and saving every change to it."""
    box = QSpinBox(parent)
    box.setRange(1, MOST)
    box.setSuffix(" months")
    box.setValue(quiet_months(settings))
    box.setAccessibleName("Months without contact")
    box.setToolTip("A member organization is quiet after this many months without a "
                   "meeting attended, a 'last contacted' date or a proposal.")
    box.valueChanged.connect(lambda v: settings.setValue(KEY, int(v)))
    return box


def sync_box(box: QSpinBox, settings: QSettings) -> bool:
    """Show the setting again (the other page may have changed it); True if it had."""
    value = quiet_months(settings)
    if box.value() == value:
        return False
    box.blockSignals(True)
    box.setValue(value)
    box.blockSignals(False)
    return True


__all__ = ["KEY", "months_box", "quiet_months", "sync_box"]
