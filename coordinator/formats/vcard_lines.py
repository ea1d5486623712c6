"""The lines of a vCard file: cards, unfolded properties and their decoded values.

One pass over the physical lines, linear in the size of the file however it is folded:
a logical line is gathered as a list of pieces and joined once, quoted-printable is
decoded by `binascii.a2b_qp` in one call per value. Nothing here raises on a bad line:
a line that cannot be read is left out and reported with its number, and the rest of
the card is kept.

What real writers do that this reads:
- vCard 3.0/4.0 folding (CRLF + space or tab) and vCard 2.1 quoted-printable soft line
  breaks (`=` at the end of a line, the value going on at the start of the next line
  without a space; Outlook and Android), even when the break falls inside a multi-byte
  character;
- bare parameters (`TEL;WORK;VOICE`), empty ones (Outlook's `ADR;HOME;PREF;:`), quoted
  ones, repeated `type=` (Apple), `PREF=1` (4.0);
- `CHARSET=` on a value (quoted-printable or 8-bit), honoured; a wrong or unknown label
  is reported and the value read as UTF-8 or as the file's own code page;
- photos, logos, sounds and keys (and an extension's base64 value, such as Outlook's
  X-MS-CARDPICTURE) are skipped without being decoded, including 2.1 base64 data whose
  lines do not start with a space;
- a bare CR inside a value (the file's lines end with LF or CRLF) stays in the value.

Values stay escaped here: what a backslash means depends on the version and on the
property (see `unescape` and `split_structured`).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from dataclasses import dataclass, field

_NAME = re.compile(r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)$", re.ASCII)
_LOOKS_LIKE_PROPERTY = re.compile(r"^(?:[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]+[;:]", re.ASCII)
BINARY = frozenset(("PHOTO", "LOGO", "SOUND", "KEY"))
_ENCODINGS = frozenset(("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"))
_BASE64_PARAM = re.compile(r";(?:ENCODING=)?(?:BASE64|B)(?:;|$)")


@dataclass(slots=True)
class Property:
    """One content line: `name` upper-cased, `types` case-folded (TYPE values and 2.1
    bare parameters, `pref` for PREF), `value` decoded but still escaped."""

    line: int
    group: str
    name: str
    value: str
    types: list[str]
    params: dict[str, str]


@dataclass(slots=True)
class Card:
    line: int  # where BEGIN:VCARD is
    properties: list[Property] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "line N: what"
    version: str = ""


@dataclass(slots=True)
class FileLines:
    cards: list[Card]
    problems: list[tuple[int, str]]  # (line, what) outside any card
    begins: int  # BEGIN:VCARD lines seen


def physical_lines(text: str) -> list[str]:
    """Lines split at LF (a CR before it dropped), or at CR in a file without any LF:
    a bare CR inside a line of a LF or CRLF file is part of a value."""
    if "\n" not in text:
        return text.split("\r")
    return text.replace("\r\n", "\n").split("\n")


def read_cards(text: str, file_encoding: str = "utf-8") -> FileLines:
    """Every card of the file, with each property decoded; see the module docstring.
    `file_encoding` is what the text was decoded from (for `CHARSET=` on 8-bit values)."""
    cards: list[Card] = []
    problems: list[tuple[int, str]] = []
    card: Card | None = None
    pieces: list[str] = []  # the logical line being gathered
    start = 0  # its first physical line
    qp = False  # it is quoted-printable: '=' at the end of a line continues it
    binary = False  # it is a photo (not gathered) and so are the lines after it
    begins = 0

    def flush() -> None:
        if pieces and card is not None and not binary:
            _add_property(card, start, "".join(pieces) if len(pieces) > 1 else pieces[0],
                          file_encoding)
        pieces.clear()

    for number, raw in enumerate(physical_lines(text), start=1):
        if card is None:
            if raw.strip().upper() == "BEGIN:VCARD":
                card, binary = Card(number), False
                begins += 1
            continue
        first = raw[:1]
        if first == " " or first == "\t":
            if pieces:
                if qp and pieces[-1].endswith("="):  # a soft break: the space is text
                    pieces[-1] = pieces[-1][:-1]
                    pieces.append(raw)
                else:
                    pieces.append(raw[1:])
            continue
        if qp and pieces and pieces[-1].endswith("="):
            upper = raw.strip().upper()
            if upper not in ("END:VCARD", "BEGIN:VCARD"):
                pieces[-1] = pieces[-1][:-1]  # a soft line break
                pieces.append(raw)
                continue
        stripped = raw.strip()
        if binary and stripped and not _LOOKS_LIKE_PROPERTY.match(raw):
            continue  # 2.1 base64 data not indented
        flush()
        binary = qp = False
        if not stripped:
            continue
        upper = stripped.upper()
        if upper == "END:VCARD":
            cards.append(card)
            card = None
            continue
        if upper == "BEGIN:VCARD":
            card.problems.append(f"line {card.line}: this card has no END:VCARD line "
                                 "before the next card begins; read up to there")
            cards.append(card)
            card = Card(number)
            begins += 1
            continue
        head = raw.split(":", 1)[0].upper()
        name = _head_name(head)
        if name in BINARY or (name.startswith("X-") and _BASE64_PARAM.search(head)):
            binary = True  # an extension's picture too: Outlook's X-MS-CARDPICTURE
            continue
        qp = "QUOTED-PRINTABLE" in head
        pieces.append(raw)
        start = number
    if card is not None:
        flush()
        card.problems.append(f"line {card.line}: this card has no END:VCARD line (the file "
                             "ends inside it); read up to the end")
        cards.append(card)
    return FileLines(cards, problems, begins)


def _head_name(head: str) -> str:
    return head.split(";", 1)[0].rsplit(".", 1)[-1].strip()


def _split_quoted(text: str, separator: str) -> list[str]:
    """`text` split at `separator` outside double quotes."""
    if '"' not in text:
        return text.split(separator)
    out, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            current.append(ch)
        elif ch == separator and not quoted:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return out


def _colon(line: str) -> int:
    """Where the value begins: the first ':' outside a quoted parameter value."""
    at = line.find(":")
    if at < 0 or '"' not in line[:at]:
        return at
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return i
    return -1


def _add_property(card: Card, line: int, text: str, file_encoding: str) -> None:
    at = _colon(text)
    if at < 0:
        shown = text.strip()
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        card.problems.append(f"line {line}: {shown!r} is not a vCard property; left out")
        return
    parts = _split_quoted(text[:at], ";")
    m = _NAME.match(parts[0].strip())
    if m is None:
        shown = parts[0].strip()[:40]
        card.problems.append(f"line {line}: {shown!r} is not a vCard property name; "
                             "left out")
        return
    group, name = (m.group(1) or ""), m.group(2).upper()
    types: list[str] = []
    params: dict[str, str] = {}
    for part in parts[1:]:
        part = part.strip()
        if not part:
            continue  # Outlook: ADR;HOME;PREF;:
        key, eq, value = part.partition("=")
        key = key.strip().upper()
        if not eq:  # vCard 2.1: a bare parameter
            if key in _ENCODINGS:
                params["ENCODING"] = key
            else:
                types.append(key.casefold())
            continue
        value = value.strip()
        if key == "TYPE":
            types.extend(v.strip().strip('"').casefold() for v in _split_quoted(value, ",")
                         if v.strip().strip('"'))
        elif key == "PREF":  # 4.0: 1 is the most preferred of 1-100
            if value.strip('"').strip() in ("", "1"):
                types.append("pref")
        else:
            params[key] = value.strip('"')
    value = text[at + 1:]
    encoding = params.get("ENCODING", "").upper()
    charset = params.get("CHARSET", "")
    if encoding == "QUOTED-PRINTABLE":
        value = _decode_bytes(card, line, name, _qp_bytes(value, charset), charset,
                              file_encoding)
    elif encoding in ("B", "BASE64"):
        try:
            data = base64.b64decode("".join(value.split()), validate=False)
        except (binascii.Error, ValueError):
            card.problems.append(f"line {line}: the base64 value of {name} cannot be "
                                 "decoded; left out")
            return
        value = _decode_bytes(card, line, name, data, charset, file_encoding)
    elif charset and value and not value.isascii():
        value = _recode(card, line, name, value, charset, file_encoding)
    if name == "VERSION" and not card.version:
        card.version = value.strip()
    card.properties.append(Property(line, group, name, value, types, params))


def _qp_bytes(value: str, charset: str) -> bytes:
    if value.isascii():
        return binascii.a2b_qp(value)
    # Characters that were not encoded (written as they are): their bytes as written.
    try:
        raw = value.encode(_codec(charset) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        raw = value.encode("utf-8")
    return binascii.a2b_qp(raw)


def _codec(label: str) -> str | None:
    """Python's codec for a CHARSET label, or None when unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip('"')).name
    except LookupError:
        return None


def _decode_bytes(card: Card, line: int, name: str, data: bytes, charset: str,
                  file_encoding: str) -> str:
    """Bytes of a quoted-printable or base64 value as text: in its CHARSET, else UTF-8,
    else the file's code page (Outlook writes Windows-1252 without saying so)."""
    codec = _codec(charset)
    if codec is not None:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
        used = "UTF-8"
    except UnicodeDecodeError:
        fallback = file_encoding if _single_byte(file_encoding) else "cp1252"
        text = data.decode(fallback, errors="replace")
        used = _display(fallback)
    if charset:
        why = "an unknown character set" if codec is None else "not what the value is in"
        card.problems.append(f"line {line}: {name} says CHARSET={charset}, {why}; "
                             f"read as {used}")
    return text


def _recode(card: Card, line: int, name: str, value: str, charset: str,
            file_encoding: str) -> str:
    """An 8-bit value with its own CHARSET, in a file read as a single-byte code page:
    its bytes again, decoded as it says. In a UTF-8 file the label is wrong (the value
    is valid UTF-8) and is ignored."""
    codec = _codec(charset)
    if codec is None:
        card.problems.append(f"line {line}: {name} says CHARSET={charset}, an unknown "
                             "character set; read as the rest of the file")
        return value
    if codec == _codec(file_encoding) or not _single_byte(file_encoding):
        return value
    try:
        return value.encode(file_encoding).decode(codec)
    except (UnicodeEncodeError, UnicodeDecodeError, LookupError):
        card.problems.append(f"line {line}: {name} says CHARSET={charset} but is not; "
                             "read as the rest of the file")
        return value


def _single_byte(encoding: str) -> bool:
    codec = _codec(encoding)
    return codec is not None and (codec.startswith(("cp125", "mac", "iso8859", "latin",
                                                    "koi8", "cp437", "cp850", "cp866"))
                                  or codec == "windows-1252")


def _display(encoding: str) -> str:
    return {"cp1252": "Windows-1252"}.get(encoding, encoding)


_ESCAPES_30 = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES_21 = re.compile(r"\\([;\\,])")
_MEANING = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}


def unescape(value: str, v21: bool) -> str:
    """Text of an escaped value. 3.0/4.0: `\\n`, `\\,`, `\\;`, `\\\\` and Apple's `\\:`
    (any other backslash stays). 2.1 has no escaping of commas or line breaks: only a
    backslash before `;`, `,` or another backslash is dropped."""
    if "\\" not in value:
        return value
    if v21:
        return _ESCAPES_21.sub(r"\1", value)
    return _ESCAPES_30.sub(lambda m: _MEANING.get(m.group(1), m.group(0)), value)


def split_structured(value: str) -> list[str]:
    """The `;`-separated parts of N, ADR or ORG, still escaped; `\\;` does not separate."""
    if "\\" not in value:
        return value.split(";")
    parts, current, i, n = [], [], 0, len(value)
    start = 0
    while i < n:
        ch = value[i]
        if ch == "\\" and i + 1 < n:
            i += 2
            continue
        if ch == ";":
            current.append(value[start:i])
            parts.append("".join(current))
            current = []
            start = i + 1
        i += 1
    current.append(value[start:])
    parts.append("".join(current))
    return parts


def split_list(value: str) -> list[str]:
    """The `,`-separated values of CATEGORIES (3.0/4.0), still escaped."""
    if "\\" not in value:
        return value.split(",")
    parts, i, n, start = [], 0, len(value), 0
    while i < n:
        ch = value[i]
        if ch == "\\" and i + 1 < n:
            i += 2
            continue
        if ch == ",":
            parts.append(value[start:i])
            start = i + 1
        i += 1
    parts.append(value[start:])
    return parts
