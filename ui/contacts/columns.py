"""The contacts table's columns and cell texts, shared by the full model and the first
frame shown at start-up (which must not import the core's services)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ui.kit.lazy_table import Column, LazyTableModel, TableSpec

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


class FirstPageModel(LazyTableModel[tuple[str, tuple[str, ...]]]):
    """Read-only rows of `coordinator.db.first_page.FirstPage`: what the window shows
    until the full contacts view is ready (the kit's table model over rows at hand)."""

    def __init__(self, rows: list[tuple], parent: Any = None) -> None:
        entries = {r[0]: (r[0], cell_texts(*r[1:3], *r[4:8])) for r in rows}
        ids = list(entries)
        spec: TableSpec[tuple[str, tuple[str, ...]]] = TableSpec(
            columns=[Column(header, lambda e, _c, i=i: e[1][i])
                     for i, (header, _sort, _attribute) in enumerate(COLUMNS)],
            list_ids=lambda _f, _sort, _desc: ids,
            fetch=lambda wanted: [entries[i] for i in wanted if i in entries],
            entities=(), row_id=lambda e: e[0])
        super().__init__(spec, parent=parent)
        self.reload()
