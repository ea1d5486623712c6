"""Reading contacts from CSV: encoding, delimiter, layout, then one contact per row.

`parse_csv(raw)` needs no database. The layout is recognised from the header
(`csv_layouts.detect_layout`); other files use the given column mapping, a saved
mapping with exactly these columns, or a guessed one. A file-level problem
(empty, binary, an unclosed quote, no usable column) raises `UnreadableFile`;
a row-level problem becomes an entry in `ParseResult.errors` with its row number.

Speed (100,000 rows should take a second or two): `row_parser` works out per file what
depends only on the header; Google rows are read by column position and most are
cleaned in one pass (`csv_layouts.google_fused`); the garbage collector is paused while
the result is built (`parsed.gc_paused`); large files on machines with CPUs to spare
are parsed in a pool of processes (`parallel.py`). `tests/formats/test_fast_parse.py`
holds all of it to the plain row-by-row parse, kept there as the oracle.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from coordinator.errors import CoordinatorError
from coordinator.formats import csv_layouts, mappings, parallel, preamble
from coordinator.formats.encoding import decode_for_import, restore_cell
from coordinator.formats.fields import finish
from coordinator.formats.parsed import (
    CancelCheck,
    ImportProblem,
    ParsedContact,
    ParseResult,
    ProgressCallback,
    UnreadableFile,
    check_cancel,
    gc_paused,
)
from coordinator.services.records import ContactData

DELIMITERS = (",", ";", "\t", "|")
REPORT_EVERY = 500


def sniff_delimiter(text: str) -> str:
    """The delimiter a first line such as `sep=;` names (Excel's hint), else the one that
    occurs most often outside quotes in the header line (the first line holding any:
    lines of a preamble above the header hold none)."""
    hinted = preamble.separator_hint(text)
    if hinted is not None:
        return hinted
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in preamble.sniff_line(text, DELIMITERS):
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


def read_table(raw: bytes, encoding: str | None = None,
               ) -> tuple[list[str], list[tuple[int, int, list[str]]], str]:
    """(headers, [(row number, first line, cells)], encoding); row 1 is the header, and
    a report's footer below the table is left out. `encoding` overrides the detected
    one."""
    decoded = decode_for_import(raw, "CSV file", encoding=encoding)
    delimiter = sniff_delimiter(decoded.text)
    text = preamble.without_separator_hint(decoded.text)
    headers, rows = _read_rows(cut_footer(text, delimiter)[0], delimiter)
    return headers, rows, decoded.encoding


def _read_rows(text: str, delimiter: str) -> tuple[list[str], list[tuple[int, int, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, int, list[str]]] = []
    headers: list[str] | None = None
    first: tuple[int, list[str]] = (1, [])
    # the first rows until the header is known: (first line, cells, blank line before)
    lead: list[tuple[int, list[str], bool]] = []
    line = 1
    blank = False

    def take_header() -> None:
        nonlocal headers, first
        at = preamble.header_index([(c, b) for _, c, b in lead])
        first = lead[at][:2]
        headers = _unique(first[1])
        for start, cells, _ in lead[at + 1:]:
            rows.append((len(rows) + 2, start, cells))

    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not (cells and cells[0].strip()) and not any(c.strip() for c in cells):
                blank = True
                continue
            if headers is None:
                lead.append((start, cells, blank))
                blank = False
                if len(lead) == preamble.PREAMBLE_ROWS + 2:
                    take_header()
                continue
            rows.append((len(rows) + 2, start, cells))
    except csv.Error as exc:
        detail = "a quoted field is not closed" if "end of data" in str(exc) else str(exc)
        raise UnreadableFile(f"The CSV file cannot be read at line {line}: {detail}. "
                             "Nothing was imported.") from None
    if headers is None and lead:
        take_header()
    if headers is None:
        raise UnreadableFile("The CSV file is empty.")
    if mappings.looks_like_data(first[1]):
        # No header row: the first row is a person, imported like the others, and the
        # columns are known by position (a saved mapping never holds their values).
        rows.insert(0, (1, first[0], first[1]))
        width = max(len(cells) for _, _, cells in rows)
        headers = [mappings.column_label(i) for i in range(width)]
    return headers, rows


@dataclass(frozen=True)
class CsvPeek:
    """What the column-mapping dialog shows before anything is parsed."""

    layout: str  # as detect_layout; "csv" means a mapping is needed
    encoding: str
    headers: list[str]
    rows: list[list[str]]  # the first rows, as read
    guessed: dict[str, str]  # header -> field spec (saved mapping if one fits)


def peek_csv(raw: bytes, rows: int = 5, encoding: str | None = None) -> CsvPeek:
    """Headers, the first `rows` rows and a guessed (or saved) mapping."""
    headers, table, encoding = read_table(raw, encoding)
    layout, _ = csv_layouts.recognise(headers)
    guessed = mappings.guess_for(headers, [cells for _, _, cells in table[:rows]])
    return CsvPeek(layout, encoding, headers, [cells for _, _, cells in table[:rows]], guessed)


RowParser = Callable[[int, int, list[str]], "ParsedContact | ImportProblem"]


def row_parser(headers: list[str], layout: str,
               mapping: dict[str, str] | None = None) -> RowParser:
    """A function turning one row (number, first line, cells) into a cleaned contact or
    the row's problem: everything that depends only on the header is worked out here,
    once per file, so that the pooled parse can rebuild the same function in a worker.

    `layout` is as `detect_layout` (headers already renamed for google-legacy); a
    generic "csv" layout needs `mapping` (header -> field spec).
    """
    width = len(headers)
    if layout == "csv":
        convert = csv_layouts.mapped_row(mapping or {})
    else:
        convert = csv_layouts.CONVERTERS[layout]
    indexed = fused = None
    if convert is csv_layouts.google_row:
        indexed = csv_layouts.google_indexed(headers)
        fused = csv_layouts.google_fused(headers)
    padding = [""] * (width + 1)

    def parse_row(number: int, line: int, cells: list[str]) -> ParsedContact | ImportProblem:
        where = f"row {number}" if number == line else f"row {number} (line {line})"
        count = len(cells)
        if count > width and any(c.strip() for c in cells[width:]):
            return ImportProblem(
                where, f"has {count} cells but the header has {width} columns", line)
        # Only a cell starting with an apostrophe can have been neutralised.
        joined = "\x00".join(cells)
        neutralised = joined[:1] == "'" or "\x00'" in joined
        if indexed is not None:
            if count == width:
                row = [*cells, ""]
            elif count > width:
                row = cells[:width]
                row.append("")
            else:
                row = cells + padding[count:]
            if neutralised:
                row = [restore_cell(c) for c in row]
            if fused is not None:
                done = fused(row, where, line)
                if done is not None:
                    return done
            pc = ParsedContact(where, line, ContactData())
            indexed(row, pc)
        else:
            pc = ParsedContact(where, line, ContactData())
            convert(dict(zip(headers, [restore_cell(c) for c in cells] if neutralised
                             else cells, strict=False)), pc)
        return finish(pc)

    return parse_row


def parse_csv(raw: bytes, mapping: dict[str, str] | None = None, *,
              encoding: str | None = None,
              progress: ProgressCallback | None = None,
              cancelled: CancelCheck | None = None) -> ParseResult:
    """Contacts in a CSV file (any layout we know, or through `mapping`); `encoding`
    overrides the detected one.

    Large files are parsed in a pool of processes (`parallel.py`); the result is the
    same as parsing row by row here, in the same order.
    """
    with gc_paused():
        result = _parse_csv(raw, mapping, encoding, progress, cancelled)
    return result


def _parse_csv(raw: bytes, mapping: dict[str, str] | None, chosen: str | None,
               progress: ProgressCallback | None,
               cancelled: CancelCheck | None) -> ParseResult:
    decoded = decode_for_import(raw, "CSV file", encoding=chosen)
    text, encoding = decoded.text, decoded.encoding
    delimiter = sniff_delimiter(text)
    text, footer = cut_footer(preamble.without_separator_hint(text), delimiter)
    result: ParseResult | None = None
    if parallel.worth_a_pool(text):
        result = _parse_pooled(text, encoding, delimiter, mapping, progress, cancelled)
    if result is None:
        headers, rows = _read_rows(text, delimiter)
        result = _new_result(headers, encoding, mapping,
                             [cells for _, _, cells in rows[:mappings.SAMPLE_ROWS]])
        total = len(rows)
        parsed = parse_rows(row_parser(result.headers, result.format,
                                       result.mapping or None),
                            rows, progress=progress, cancelled=cancelled)
        result = _finished(result, parsed, total, progress)
    if decoded.warning:
        result.notices.append(ImportProblem("file", decoded.warning, 0))
    if footer is not None:
        result.notices.append(footer)
    return result


def cut_footer(text: str, delimiter: str) -> tuple[str, ImportProblem | None]:
    """`text` without the footer below its table (`preamble.find_footer`), and the
    notice that says which lines were left out and what they held."""
    footer = preamble.find_footer(text, delimiter)
    if footer is None:
        return text, None
    shown = "; ".join(t if len(t) <= 80 else t[:77] + "..." for t in footer.texts)
    lines = (f"line {footer.first_line}" if footer.first_line == footer.last_line
             else f"lines {footer.first_line}-{footer.last_line}")
    return text[:footer.start], ImportProblem(
        lines,
        f"left out: lines below the table, not people (a report's footer): {shown}",
        footer.first_line)


def _new_result(headers: list[str], encoding: str, mapping: dict[str, str] | None,
                sample: list[list[str]] | None = None) -> ParseResult:
    """An empty result with the file's layout, headers and (generic CSV) mapping;
    raises UnreadableFile when no mapping fits the columns. `sample` (the first rows)
    lets the columns of a file without a header row be guessed from their values."""
    layout = "csv"
    if not mapping:
        layout, headers = csv_layouts.recognise(headers)
    if layout == "google-legacy":
        headers = csv_layouts.rename_legacy(headers)
    result = ParseResult(format=layout, encoding=encoding, headers=headers)
    if layout == "csv":
        mapping = mapping or mappings.guess_for(headers, sample or [])
        result.mapping = dict(mapping)
        try:
            mappings.validate_mapping(mapping)
        except CoordinatorError as exc:
            raise UnreadableFile(f"The columns of this CSV file were not recognised ({exc}) "
                                 "Choose a column mapping.") from None
    return result


def _finished(result: ParseResult, parsed: list[ParsedContact | ImportProblem], total: int,
              progress: ProgressCallback | None) -> ParseResult:
    contacts, errors = result.contacts, result.errors
    for item in parsed:
        if isinstance(item, ImportProblem):
            errors.append(item)
        else:
            contacts.append(item)
    result.records_read = total
    if progress is not None:
        progress(total, total)
    return result


def _parse_pooled(text: str, encoding: str, delimiter: str, mapping: dict[str, str] | None,
                  progress: ProgressCallback | None,
                  cancelled: CancelCheck | None) -> ParseResult | None:
    """The result of a pooled parse (`parallel.parse_text`), or None when the file is
    better read in one process: anything unusual (no header, a csv error, columns
    that need a mapping) is left to that path, which reports it as it always has."""
    header = parallel.read_header(text, delimiter, mappings.SAMPLE_ROWS)
    if header is None:
        return None
    cells, data_start, header_lines, sample = header
    if mappings.looks_like_data(cells):
        return None  # no header row: the one-process path reads the first row as data
    try:
        result = _new_result(_unique(cells), encoding, mapping, sample)
    except UnreadableFile:
        return None  # the one-process path says so (or finds a csv error first)
    pooled = parallel.parse_text(text, delimiter, result.headers, result.format,
                                 result.mapping or None, data_start, header_lines,
                                 progress=progress, cancelled=cancelled)
    if pooled is None:
        return None
    total, parsed = pooled
    return _finished(result, parsed, total, progress)


def parse_rows(parse_row: RowParser, rows: list[tuple[int, int, list[str]]], *,
               progress: ProgressCallback | None = None,
               cancelled: CancelCheck | None = None) -> list[ParsedContact | ImportProblem]:
    """Each row parsed, in order; checks for cancel and reports progress every
    REPORT_EVERY rows."""
    total = len(rows)
    out: list[ParsedContact | ImportProblem] = []
    append = out.append
    for start in range(0, total, REPORT_EVERY):
        check_cancel(cancelled)
        if progress is not None:
            progress(start, total)
        for number, line, cells in rows[start:start + REPORT_EVERY]:
            append(parse_row(number, line, cells))
    return out
