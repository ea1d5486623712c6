"""The contacts table's columns and cell texts, shared by the full model and the first
frame shown at start-up (which must not import the core's services)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex

# (header, service sort key or None when the column cannot be sorted, row attribute)
COLUMNS: list[tuple[str, str | None, str]] = [
    ("Name", "name", "full_name"),
    ("Title", "title", "title"),
    ("Organization", "organization", "organization_name"),
    ("Consortium", "consortium", "consortium_short_name"),
    ("Email", "email", "email"),
    ("Phone", None, "phone"),
]


# A North American number in E.164 (area code and exchange start with 2-9): shown as
# "(972) 555-0171" without parsing, which is what phonenumbers makes of it (a test checks
# them against each other). Parsing costs ~0.2 ms a number: 10 ms for a screen of rows.
_NANP = re.compile(r"\+1([2-9]\d\d)([2-9]\d\d)(\d{4})")


@lru_cache(maxsize=4096)
def display_phone(value: str) -> str:
    """E.164 shown the way people write it: national for US numbers, else international."""
    if not value.startswith("+"):
        return value
    nanp = _NANP.fullmatch(value)
    if nanp is not None:
        return "({}) {}-{}".format(*nanp.groups())
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 1
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)


def cell_texts(full_name: str, title: str | None, organization: str | None,
               consortium: str | None, email: str | None, phone: str | None
               ) -> tuple[str, ...]:
    """The cells of one row, in column order."""
    return (full_name, title or "", organization or "", consortium or "", email or "",
            display_phone(phone or ""))


class FirstPageModel(QAbstractTableModel):
    """Read-only rows of `coordinator.db.first_page.FirstPage`: what the window shows
    until the full contacts view is ready."""

    def __init__(self, rows: list[tuple], parent: Any = None) -> None:
        super().__init__(parent)
        self._texts = [cell_texts(*r[1:3], *r[4:8]) for r in rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._texts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and index.isValid():
            return self._texts[index.row()][index.column()]
        return None
