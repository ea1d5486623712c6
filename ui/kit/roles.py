"""The item-data roles of every model and item widget in the app, one set.

Views and models exchange values under these roles by name; no module defines its own,
so two models can never read each other's values under the same number by accident.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the record's id (str)
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the row object (dataclass)
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # the raw value a column sorts by
ENTITY_ROLE = Qt.ItemDataRole.UserRole + 4  # entity name ("contact", "meeting"...)
COVERAGE_ROLE = Qt.ItemDataRole.UserRole + 5  # set of consortium ids a row covers
DUE_STATE_ROLE = Qt.ItemDataRole.UserRole + 6  # "overdue" | "soon" | ""
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 7  # True when an action item is overdue
LINES_ROLE = Qt.ItemDataRole.UserRole + 8  # a board card's text lines
NAME_ROLE = Qt.ItemDataRole.UserRole + 9  # the sidebar's view name

__all__ = [
    "COVERAGE_ROLE",
    "DUE_STATE_ROLE",
    "ENTITY_ROLE",
    "ID_ROLE",
    "LINES_ROLE",
    "NAME_ROLE",
    "OVERDUE_ROLE",
    "ROW_ROLE",
    "SORT_ROLE",
]
