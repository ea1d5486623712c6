"""Turning file bytes into text, and spreadsheet formula neutralisation.

`decode_for_import` honours a BOM (UTF-8, UTF-16, UTF-32), recognises UTF-16 without
one, and tries UTF-8. Anything else is a legacy code page: a vCard's own `CHARSET=`
labels say which, else it is guessed (`legacy.guess_code_page`, charset-normalizer's
candidates judged on the file's non-ASCII words, Windows-1252 when in doubt, what
Outlook writes) and an uncertain guess comes back with a warning for the preview. The
user can name the encoding instead. Binary data is refused with a clear message.
`neutralise_cell` / `restore_cell` protect CSV cells against formula injection (a
phone number such as `+49 162 2433834` is not a formula) and undo that on our import.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from coordinator.formats import legacy
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


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # as shown to the user: "utf-8", "utf-8 with BOM", "cp1251"...
    codec: str  # Python's codec name
    warning: str = ""  # an uncertain guess, said in words for the preview


_CHARSET = re.compile(rb"CHARSET=\"?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_UNICODE = ("utf-8", "utf8", "us-ascii", "ascii", "utf-16", "utf-32")


def decode_text(raw: bytes, what: str = "file", *,
                encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding name) of `raw`; raises UnreadableFile for empty or binary data."""
    decoded = decode_for_import(raw, what, encoding=encoding)
    return decoded.text, decoded.encoding


def decode_for_import(raw: bytes, what: str = "file", *, encoding: str | None = None,
                      vcard: bool = False) -> Decoded:
    """`raw` as text, with the encoding it was read in and, when that was a guess
    that may be wrong, a warning. `encoding` (a codec name the user chose) overrides
    everything; `vcard` lets the file's `CHARSET=` labels name its code page."""
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UnreadableFile(f"The {what} is empty.")
    if encoding:
        return _decode_as(raw, what, encoding)
    found = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    found = found or _utf16_without_bom(raw)
    warning = ""
    if found:
        try:
            text = raw.decode(found)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                f"The {what} says it is {found.upper()} but is damaged at byte {exc.start}."
            ) from None
    else:
        try:
            text, found = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            found = (_declared_charset(raw) if vcard else None)
            if found is None:
                found, warning = legacy.guess_code_page(raw)
            text = raw.decode(found, errors="replace")
    text = text.lstrip("\ufeff")
    _refuse_binary(text, what)
    codec = codecs.lookup(found).name
    return Decoded(text, found.replace("-sig", " with BOM"), codec, warning)


def _decode_as(raw: bytes, what: str, encoding: str) -> Decoded:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise UnreadableFile(f"{encoding!r} is not an encoding this program knows.") from None
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"The {what} is not {encoding}: byte {exc.start} cannot be "
                             f"read as {encoding}.") from None
    text = text.lstrip("\ufeff")
    _refuse_binary(text, what)
    return Decoded(text, encoding, codec)


def _declared_charset(raw: bytes) -> str | None:
    """The one legacy code page a vCard's `CHARSET=` labels name, when the file decodes
    in it; None when they name none, several, or a wrong one."""
    labels = set()
    for m in _CHARSET.finditer(raw):
        label = m.group(1).decode("ascii").strip(":").casefold()
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            continue
        if codec.replace("_", "-") not in _UNICODE and not codec.startswith("utf"):
            labels.add(codec)
    if len(labels) != 1:
        return None
    label = labels.pop()
    try:
        raw.decode(label)
    except UnicodeDecodeError:
        return None
    return label


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


# '+49 162 2433834', '+1 (972) 555-0100', '-0100' is not a phone but '+1-800-FLOWERS'...:
# a '+' or '-', then only digits, spaces and phone punctuation, with at least 6 digits.
_PHONE = re.compile(r"^[+-][\d\s().\-/]*$")


def _is_phone(value: str) -> bool:
    return (value[0] == "+" and _PHONE.match(value) is not None
            and sum(ch.isdigit() for ch in value) >= 6)


def neutralise_cell(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe.

    A phone number starting with '+' is left alone: Outlook and Google keep the
    apostrophe as part of the number, and a spreadsheet reads '+4916...' as a number,
    which runs nothing. A value that already looks neutralised ("'-") gets one more
    apostrophe, so that `restore_cell` always removes exactly the one we added and
    round trips are exact.
    """
    if value and (value.startswith(FORMULA_STARTS) or _looks_neutralised(value)):
        if _is_phone(value):
            return value
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """Undo `neutralise_cell`: drop the apostrophe we put before a formula character."""
    if _looks_neutralised(value):
        return value[1:]
    return value
