"""One entry point for reading contacts: `parse_contacts(raw, format)` picks CSV or
vCard (by extension or content when `format` is "auto") and returns a ParseResult.

Both first hold the file to the import limits (`limits.py`): `parse_file` streams the
file from disk for that, so a file over a limit is refused before it is read whole.
"""

from __future__ import annotations

from pathlib import Path

from coordinator.errors import CoordinatorError
from coordinator.formats.csv_import import parse_csv
from coordinator.formats.limits import LIMITS, Limits, check_bytes, check_file
from coordinator.formats.parsed import CancelCheck, ParseResult, ProgressCallback, gc_paused
from coordinator.formats.vcard_import import parse_vcards

FORMATS = ("auto", "csv", "vcard")


def sniff_format(raw: bytes, filename: str = "") -> str:
    """'vcard' or 'csv'."""
    suffix = Path(filename).suffix.casefold()
    if suffix in (".vcf", ".vcard"):
        return "vcard"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    head = raw[:4096]
    for encoding in ("utf-8", "utf-16", "cp1252"):
        try:
            text = head.decode(encoding, errors="ignore")
        except LookupError:  # pragma: no cover
            continue
        if "BEGIN:VCARD" in text.upper():
            return "vcard"
    return "csv"


def _format(format: str, head: bytes, filename: str) -> str:
    if format not in FORMATS:
        raise CoordinatorError(f"Unknown import format {format!r}; use one of {FORMATS}.")
    return sniff_format(head, filename) if format == "auto" else format


def parse_contacts(raw: bytes, format: str = "auto", *, filename: str = "",
                   mapping: dict[str, str] | None = None,
                   progress: ProgressCallback | None = None,
                   cancelled: CancelCheck | None = None,
                   limits: Limits = LIMITS, encoding: str | None = None) -> ParseResult:
    """`encoding` (a codec name the user chose) overrides the detected encoding."""
    format = _format(format, raw, filename)
    check_bytes(raw, format, limits, name=filename or "The file", cancelled=cancelled)
    return _parse(raw, format, mapping, progress, cancelled, encoding)


def _parse(raw: bytes, format: str, mapping: dict[str, str] | None,
           progress: ProgressCallback | None, cancelled: CancelCheck | None,
           encoding: str | None = None) -> ParseResult:
    if format == "vcard":
        with gc_paused():  # as parse_csv: the collector only slows a large parse down
            return parse_vcards(raw, encoding=encoding, progress=progress,
                                cancelled=cancelled)
    return parse_csv(raw, mapping, encoding=encoding, progress=progress, cancelled=cancelled)


def parse_file(path: Path | str, format: str = "auto", *,
               mapping: dict[str, str] | None = None,
               progress: ProgressCallback | None = None,
               cancelled: CancelCheck | None = None,
               limits: Limits = LIMITS, encoding: str | None = None) -> ParseResult:
    """`parse_contacts` of a file; over a limit it is refused before it is read whole."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
        format = _format(format, head, path.name)
        check_file(path, format, limits, cancelled=cancelled)
        raw = path.read_bytes()
    except OSError as exc:
        raise CoordinatorError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    return _parse(raw, format, mapping, progress, cancelled, encoding)
