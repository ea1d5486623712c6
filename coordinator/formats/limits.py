"""How much one import may hold, checked by streaming the file before it is parsed.

Parsing keeps the whole file and every record in memory (a record costs about 4 kB
once validated), so an unbounded file can take gigabytes. `check_file` reads the file
in small pieces first, from disk, and refuses it at the first limit it passes, saying
which limit and where, before anything is read whole or parsed; memory stays small
however large the file is. The limits keep every accepted file's import under about
1 GB of memory (a 100,000-contact Google CSV peaks near 600 MB):

    file size            100 MB
    CSV rows             150,000 records (besides the header)
    CSV columns          1,000 per row
    CSV cells            20,000,000 (rows times their columns: a cell costs memory
                         even when empty)
    CSV values           4,000,000 cells that are not empty
    value length         100,000 characters (a CSV cell, a vCard property)
    vCards               150,000 per file
    lines per vCard      5,000 (photos, logos, sounds and keys do not count)

The check never judges the file otherwise: a broken quote or card is left to the
parser, which reports it as before. `README.md` ("Limits") documents these numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from coordinator.formats.parsed import CancelCheck, UnreadableFile, check_cancel

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 100 * MB
    rows: int = 150_000
    columns: int = 1_000
    cells: int = 20_000_000
    values: int = 4_000_000
    value_chars: int = 100_000
    cards: int = 150_000
    card_lines: int = 5_000


LIMITS = Limits()


class LimitExceeded(UnreadableFile):
    """The file passes one of the import limits; nothing was read whole or saved."""


def _n(value: int) -> str:
    return f"{value:,}"


def check_size(size: int, name: str, limits: Limits = LIMITS) -> None:
    if size > limits.file_bytes:
        raise LimitExceeded(
            f"{name} is {size / MB:,.1f} MB; an import takes files of at most "
            f"{limits.file_bytes // MB} MB. Split it into smaller files. Nothing was imported.")


def check_file(path: Path, format: str, limits: Limits = LIMITS, *,
               cancelled: CancelCheck | None = None) -> None:
    """Raise `LimitExceeded` when the file at `path` (format "csv" or "vcard") passes a
    limit; reads it in pieces and never holds more than one record."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # the read that follows reports it
    check_size(size, path.name, limits)
    try:
        with path.open("rb") as fh:
            check_stream(fh, format, limits, name=path.name, cancelled=cancelled)
    except OSError:
        return


def check_bytes(raw: bytes, format: str, limits: Limits = LIMITS, *, name: str = "The file",
                cancelled: CancelCheck | None = None) -> None:
    """`check_file` for a file already in memory (the parse would multiply its size)."""
    check_size(len(raw), name, limits)
    check_stream(io.BytesIO(raw), format, limits, name=name, cancelled=cancelled)


def check_stream(fh: BinaryIO, format: str, limits: Limits = LIMITS, *,
                 name: str = "The file", cancelled: CancelCheck | None = None) -> None:
    head = fh.read(4096)
    fh.seek(0)
    text = io.TextIOWrapper(fh, encoding=_codec(head), errors="replace", newline="")
    try:
        if format == "vcard":
            _check_vcard(text, limits, name, cancelled)
        else:
            _check_csv(text, limits, name, cancelled)
    finally:
        text.detach()  # the caller's file stays open (and BytesIO usable)


def _codec(head: bytes) -> str:
    """The codec to count characters with: a BOM's, UTF-16 recognised by its NUL bytes,
    else UTF-8 with replacement (a code page's line breaks, quotes and delimiters are
    the same bytes, which is all the counting needs)."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return codec
    sample = head[:2000]
    half = len(sample) // 2
    if len(sample) >= 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > half * 0.6 and even < half * 0.1:
            return "utf-16-le"
        if even > half * 0.6 and odd < half * 0.1:
            return "utf-16-be"
    return "utf-8"


def _where(row: int, line: int) -> str:
    return f"row {_n(row)}" if row == line else f"row {_n(row)} (line {_n(line)})"


def _check_csv(text: io.TextIOWrapper, limits: Limits, name: str,
               cancelled: CancelCheck | None) -> None:
    from coordinator.formats.csv_import import sniff_delimiter

    first = text.read(20000)
    text.seek(0)
    reader = csv.reader(text, delimiter=sniff_delimiter(first), strict=True)
    rows = 0  # non-blank records, the header included: "row N" as the parser numbers them
    line = 1
    cells = values = 0
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not (row and row[0].strip()) and not any(c.strip() for c in row):
                continue
            rows += 1
            if rows % 10_000 == 0:
                check_cancel(cancelled)
            if len(row) > limits.columns:
                raise LimitExceeded(
                    f"{name}: {_where(rows, start)} has {_n(len(row))} columns; an import "
                    f"takes at most {_n(limits.columns)} columns. Nothing was imported.")
            if rows > limits.rows + 1:
                raise LimitExceeded(
                    f"{name} has more than {_n(limits.rows)} rows (the limit per import; "
                    f"{_where(rows, start)} is over it). Split it into smaller files. "
                    "Nothing was imported.")
            cells += len(row)
            values += len(row) - row.count("")
            if cells > limits.cells or values > limits.values:
                what, limit = (("cells", limits.cells) if cells > limits.cells
                               else ("values (cells that are not empty)", limits.values))
                raise LimitExceeded(
                    f"{name} has more than {_n(limit)} {what}, the limit per import "
                    f"({_where(rows, start)} is over it). Split it into smaller files. "
                    "Nothing was imported.")
            longest = max(map(len, row), default=0)
            if longest > limits.value_chars:
                column = next(i for i, c in enumerate(row) if len(c) == longest) + 1
                raise LimitExceeded(
                    f"{name}: {_where(rows, start)}, column {column} holds "
                    f"{_n(longest)} characters; a value may have at most "
                    f"{_n(limits.value_chars)}. Nothing was imported.")
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise LimitExceeded(
                f"{name}: {_where(rows + 1, line)} holds a value longer than "
                f"{_n(limits.value_chars)} characters (the limit per value). "
                "Nothing was imported.") from None
        return  # a broken file: the parser says what is wrong with it


_BEGIN = re.compile(r"\s*BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"\s*END:VCARD\s*$", re.IGNORECASE)
_PROPERTY = re.compile(r"(?:[A-Za-z0-9_-]+\.)?([A-Za-z0-9_-]+)[;:]", re.ASCII)
_BINARY = frozenset(("PHOTO", "LOGO", "SOUND", "KEY"))


def _lines(text: io.TextIOWrapper) -> Iterator[tuple[int, str]]:
    """(number, line) for \\r\\n, \\n or \\r line ends, without holding the file."""
    number = 0
    for chunk in text:  # newline="": each piece ends with its own line break
        for line in chunk.splitlines() or [""]:
            number += 1
            yield number, line


def _check_vcard(text: io.TextIOWrapper, limits: Limits, name: str,
                 cancelled: CancelCheck | None) -> None:
    cards = 0
    in_card = False
    card_start = lines_in_card = 0
    binary = False
    value_start = value_chars = 0
    for number, line in _lines(text):
        if _BEGIN.match(line):
            cards += 1
            if cards % 10_000 == 0:
                check_cancel(cancelled)
            if cards > limits.cards:
                raise LimitExceeded(
                    f"{name} has more than {_n(limits.cards)} cards (the limit per import; "
                    f"the card at line {_n(number)} is over it). Split it into smaller "
                    "files. Nothing was imported.")
            in_card, card_start, lines_in_card, binary, value_chars = True, number, 0, False, 0
            continue
        if not in_card or not line.strip():
            continue
        if _END.match(line):
            in_card = False
            continue
        started = None if line[:1] in (" ", "\t") else _PROPERTY.match(line)
        if started is not None:
            binary = started.group(1).upper() in _BINARY
            value_start, value_chars = number, 0
        if binary:
            continue  # photos and the like are left out by the parser
        lines_in_card += 1
        value_chars += len(line)
        if lines_in_card > limits.card_lines:
            raise LimitExceeded(
                f"{name}: the card at line {_n(card_start)} has more than "
                f"{_n(limits.card_lines)} lines (the limit per card). Nothing was imported.")
        if value_chars > limits.value_chars:
            raise LimitExceeded(
                f"{name}: line {_n(value_start)} holds a value longer than "
                f"{_n(limits.value_chars)} characters (the limit per value). "
                "Nothing was imported.")
