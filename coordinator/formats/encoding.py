"""Turning file bytes into text, and spreadsheet formula neutralisation.

`decode_text` honours a BOM (UTF-8, UTF-16, UTF-32), recognises UTF-16 without one,
tries UTF-8 and falls back to the Windows code page (cp1252, what Outlook writes),
and refuses binary data with a clear message. `neutralise_cell` / `restore_cell`
protect CSV cells against formula injection and undo that on our own import.
"""

from __future__ import annotations

import codecs

from coordinator.formats.parsed import UnreadableFile

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v", "\x1a"}  # \x1a: DOS end-of-file


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes fall on every other byte of ASCII text."""
    sample = raw[:2000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.6 and even_nuls < half * 0.1:
        return "utf-16-le"
    if even_nuls > half * 0.6 and odd_nuls < half * 0.1:
        return "utf-16-be"
    return None


def decode_text(raw: bytes, what: str = "file") -> tuple[str, str]:
    """(text, encoding name) of `raw`; raises UnreadableFile for empty or binary data."""
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UnreadableFile(f"The {what} is empty.")
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    encoding = encoding or _utf16_without_bom(raw)
    if encoding:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                f"The {what} says it is {encoding.upper()} but is damaged at byte {exc.start}."
            ) from None
    else:
        for encoding in ("utf-8", "cp1252", "latin-1"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    text = text.lstrip("\ufeff")
    _refuse_binary(text, what)
    return text, encoding.replace("-sig", " with BOM")


def _refuse_binary(text: str, what: str) -> None:
    sample = text[:20000]
    if "\x00" in sample:
        raise UnreadableFile(f"The {what} is not a text file (it contains binary data).")
    controls = sum(1 for ch in sample if ch < " " and ch not in _ALLOWED_CONTROLS)
    if controls > max(3, len(sample) // 200):
        raise UnreadableFile(f"The {what} is not a text file (it contains binary data).")
    if not text.strip():
        raise UnreadableFile(f"The {what} is empty.")


def _looks_neutralised(value: str) -> bool:
    """Apostrophes, then a formula character: what `neutralise_cell` produces."""
    stripped = value.lstrip("'")
    return stripped != value and stripped.startswith(FORMULA_STARTS)


def neutralise_cell(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe.

    A value that already looks neutralised ("'-") gets one more apostrophe, so that
    `restore_cell` always removes exactly the one we added and round trips are exact.
    """
    if value and (value.startswith(FORMULA_STARTS) or _looks_neutralised(value)):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """Undo `neutralise_cell`: drop the apostrophe we put before a formula character."""
    if _looks_neutralised(value):
        return value[1:]
    return value
