"""Printing rows as an aligned table, CSV or JSON."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TextIO


def to_plain(value: Any) -> Any:
    """Dataclasses, dates and nested lists as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def print_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str,
               out: TextIO | None = None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        json.dump([to_plain(r) for r in rows], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if fmt == "csv":  # cells neutralised against formula injection, as in every export
        writer = csv.writer(out)
        from coordinator.formats.encoding import neutralise_cell  # CSV output only

        writer.writerow([neutralise_cell(c) for c in columns])
        for r in rows:
            writer.writerow([neutralise_cell(_cell(r.get(c))) for c in columns])
        return
    table = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [min(40, max([len(c)] + [len(row[i]) for row in table])) for i, c in
              enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join((cell if len(cell) <= w else cell[: w - 1] + "…").ljust(w)
                         for cell, w in zip(cells, widths, strict=True)).rstrip()

    out.write(line(columns) + "\n")
    out.write(line(["-" * w for w in widths]) + "\n")
    for row in table:
        out.write(line(row) + "\n")
