"""Custom item-data roles shared by every Coordinator model."""

from __future__ import annotations

from PySide6.QtCore import Qt

ID_ROLE = Qt.ItemDataRole.UserRole + 1        # the record's id (str)
ROW_ROLE = Qt.ItemDataRole.UserRole + 2       # the row object (dataclass)
SORT_KEY_ROLE = Qt.ItemDataRole.UserRole + 3  # raw value for sorting (small models only)
ENTITY_ROLE = Qt.ItemDataRole.UserRole + 4    # entity name ("contact", ...)
