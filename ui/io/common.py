"""Pieces the import and export dialogs share (running work off the GUI thread and
dialogs modally is the kit's: `ui.kit.background`).

- `write_private(path, data)`: write a file the user chose, 0600 from the start, under
  a temporary name then renamed, with a clear message on a full or read-only disk;
- `read_only_table(headers)` / `fill_table(table, rows)` and `local_time(dt)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
)

from coordinator.db.backup import storage_error
from coordinator.errors import CoordinatorError
from coordinator.files import write_private_atomic
from coordinator.wording import plural as plural  # the one helper for every count shown

if TYPE_CHECKING:
    pass











def write_private(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` (mode 0600, temp file then rename); clear storage errors."""
    path = Path(path)
    try:
        write_private_atomic(path, data)
    except OSError as exc:
        clear = storage_error(exc, f"write {path.name}")
        raise (clear or CoordinatorError(f"Could not write {path}: {exc.strerror or exc}.")
               ) from exc
    return path


def read_only_table(headers: Sequence[str], name: str = "") -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    if name:
        table.setAccessibleName(name)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[object]],
               *, fit: bool = True) -> None:
    table.setRowCount(0)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, int):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    if fit:
        header = table.horizontalHeader()
        for c in range(table.columnCount() - 1):
            table.resizeColumnToContents(c)
            if table.columnWidth(c) > 260:
                table.setColumnWidth(c, 260)
        header.setSectionResizeMode(table.columnCount() - 1, QHeaderView.ResizeMode.Stretch)


def local_time(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


