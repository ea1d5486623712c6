"""One entry point for reading contacts: `parse_contacts(raw, format)` picks CSV or
vCard (by extension or content when `format` is "auto") and returns a ParseResult."""

from __future__ import annotations

from pathlib import Path

from coordinator.errors import CoordinatorError
from coordinator.formats.csv_import import parse_csv
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


def parse_contacts(raw: bytes, format: str = "auto", *, filename: str = "",
                   mapping: dict[str, str] | None = None,
                   progress: ProgressCallback | None = None,
                   cancelled: CancelCheck | None = None) -> ParseResult:
    if format not in FORMATS:
        raise CoordinatorError(f"Unknown import format {format!r}; use one of {FORMATS}.")
    if format == "auto":
        format = sniff_format(raw, filename)
    if format == "vcard":
        with gc_paused():  # as parse_csv: the collector only slows a large parse down
            return parse_vcards(raw, progress=progress, cancelled=cancelled)
    return parse_csv(raw, mapping, progress=progress, cancelled=cancelled)


def parse_file(path: Path | str, format: str = "auto", **kwargs) -> ParseResult:  # type: ignore[no-untyped-def]
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CoordinatorError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    return parse_contacts(raw, format, filename=path.name, **kwargs)
