"""Reading contacts from CSV: encoding, delimiter, layout, then one contact per row.

`parse_csv(raw)` needs no database. The layout is recognised from the header
(`csv_layouts.detect_layout`); other files use the given column mapping, a saved
mapping with exactly these columns, or a guessed one. A file-level problem
(empty, binary, an unclosed quote, no usable column) raises `UnreadableFile`;
a row-level problem becomes an entry in `ParseResult.errors` with its row number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from coordinator.errors import CoordinatorError
from coordinator.formats import csv_layouts, mappings
from coordinator.formats.encoding import decode_text, restore_cell
from coordinator.formats.fields import finish
from coordinator.formats.parsed import (
    CancelCheck,
    ImportProblem,
    ParseResult,
    ProgressCallback,
    UnreadableFile,
    check_cancel,
)

DELIMITERS = (",", ";", "\t", "|")
REPORT_EVERY = 500


def sniff_delimiter(text: str) -> str:
    """The delimiter that occurs most often outside quotes in the header line."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text[:20000]:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        h = h.strip().lstrip("\ufeff").strip()
        if h in seen:
            seen[h] += 1
            h = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
        out.append(h)
    return out


def read_table(raw: bytes) -> tuple[list[str], list[tuple[int, int, list[str]]], str]:
    """(headers, [(row number, first line, cells)], encoding); row 1 is the header."""
    text, encoding = decode_text(raw, "CSV file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text),
                        strict=True)
    rows: list[tuple[int, int, list[str]]] = []
    headers: list[str] | None = None
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                headers = _unique(cells)
                continue
            rows.append((len(rows) + 2, start, cells))
    except csv.Error as exc:
        detail = "a quoted field is not closed" if "end of data" in str(exc) else str(exc)
        raise UnreadableFile(f"The CSV file cannot be read at line {line}: {detail}. "
                             "Nothing was imported.") from None
    if headers is None:
        raise UnreadableFile("The CSV file is empty.")
    return headers, rows, encoding


@dataclass(frozen=True)
class CsvPeek:
    """What the column-mapping dialog shows before anything is parsed."""

    layout: str  # as detect_layout; "csv" means a mapping is needed
    encoding: str
    headers: list[str]
    rows: list[list[str]]  # the first rows, as read
    guessed: dict[str, str]  # header -> field spec (saved mapping if one fits)


def peek_csv(raw: bytes, rows: int = 5) -> CsvPeek:
    """Headers, the first `rows` rows and a guessed (or saved) mapping."""
    headers, table, encoding = read_table(raw)
    layout = csv_layouts.detect_layout(headers)
    guessed = mappings.saved_mapping_for(headers) or mappings.guess_mapping(headers)
    return CsvPeek(layout, encoding, headers, [cells for _, _, cells in table[:rows]], guessed)


def parse_csv(raw: bytes, mapping: dict[str, str] | None = None, *,
              progress: ProgressCallback | None = None,
              cancelled: CancelCheck | None = None) -> ParseResult:
    """Contacts in a CSV file (any layout we know, or through `mapping`)."""
    headers, rows, encoding = read_table(raw)
    layout = "csv" if mapping else csv_layouts.detect_layout(headers)
    if layout == "google-legacy":
        headers = csv_layouts.rename_legacy(headers)
    result = ParseResult(format=layout, encoding=encoding, headers=headers)
    if layout == "csv":
        mapping = mapping or mappings.saved_mapping_for(headers) or mappings.guess_mapping(
            headers)
        result.mapping = dict(mapping)
        try:
            mappings.validate_mapping(mapping)
        except CoordinatorError as exc:
            raise UnreadableFile(f"The columns of this CSV file were not recognised ({exc}) "
                                 "Choose a column mapping.") from None
        convert = csv_layouts.mapped_row(mapping)
    else:
        convert = csv_layouts.CONVERTERS[layout]
    width = len(headers)
    total = len(rows)
    for i, (number, line, cells) in enumerate(rows):
        if i % REPORT_EVERY == 0:
            check_cancel(cancelled)
            if progress is not None:
                progress(i, total)
        where = f"row {number}" if number == line else f"row {number} (line {line})"
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            result.errors.append(ImportProblem(
                where, f"has {len(cells)} cells but the header has {width} columns", line))
            continue
        pc = csv_layouts.new_parsed(where, line)
        convert({h: restore_cell(c) for h, c in zip(headers, cells, strict=False)}, pc)
        cleaned = finish(pc)
        if isinstance(cleaned, ImportProblem):
            result.errors.append(cleaned)
        else:
            result.contacts.append(cleaned)
    result.records_read = total
    if progress is not None:
        progress(total, total)
    return result
