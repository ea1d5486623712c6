"""Turning user text into safe reportlab paragraph markup.

reportlab's `Paragraph` parses its text as markup: `R&D` prints wrongly, `a<b` raises,
unknown tags vanish and `<img src=...>` opens files. Every piece of user text therefore
goes through `text()` (or `lines()`) here, which strips control characters and escapes
`&`, `<`, `>` and quotes. Outline (bookmark) titles are plain PDF strings, not markup:
they go through `plain()` instead, so that `R&D` shows as `R&D` there too.
"""

from __future__ import annotations

import re
import unicodedata
from xml.sax.saxutils import escape

_ENTITIES = {'"': "&quot;", "'": "&#39;"}
# C0/C1 controls (except TAB and LF), DEL, lone surrogates, BOM/non-characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_BARE_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")


def clean(value: object) -> str:
    """User text without control characters; CR/CRLF become LF, TAB a space."""
    if value is None:
        return ""
    s = str(value)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = s.replace("\t", "    ")
    s = _CONTROL.sub("", s)
    return unicodedata.normalize("NFC", s)


def plain(value: object) -> str:
    """One line of plain text (outline entries, metadata, file names)."""
    return _SPACES.sub(" ", clean(value)).strip()


def text(value: object) -> str:
    """One line of user text as paragraph markup (escaped, whitespace collapsed)."""
    return escape(plain(value), _ENTITIES)


def fragment(value: object) -> str:
    """A piece of a longer line as markup: escaped, whitespace collapsed but kept."""
    return escape(_SPACES.sub(" ", clean(value)), _ENTITIES)


def lines(value: object) -> str:
    """Multi-line user text as markup: each line escaped, joined with `<br/>`."""
    return "<br/>".join(escape(line.strip(), _ENTITIES) for line in clean(value).split("\n"))


def attr(value: object) -> str:
    """A value for a markup attribute (inside double quotes)."""
    return escape(plain(value), _ENTITIES)


def safe_href(url: str, bare_domains: bool = True) -> str | None:
    """The link target if it is a web or mail link, else None (no file:, javascript:...).
    A bare domain such as `zoom.us/j/1` (as the services accept) becomes https."""
    u = plain(url)
    if " " in u or not u:
        return None
    if _SAFE_LINK.match(u):
        return u
    if bare_domains and _BARE_DOMAIN.match(u):
        return "https://" + u
    return None


def anchor(url: object, label_markup: str, bare_domains: bool = True) -> str:
    """Wrap already-safe markup in a link to `url`; unsafe targets give the label only."""
    href = safe_href(str(url or ""), bare_domains)
    if href is None:
        return label_markup
    return f'<a href="{attr(href)}" color="#1f4e79"><u>{label_markup}</u></a>'


def link(url: object, label: object = None) -> str:
    """Markup for a clickable web link; unsafe targets print as text only."""
    return anchor(url, text(label if label else url))


def bold(markup: str) -> str:
    return f"<b>{markup}</b>" if markup else ""


def italic(markup: str) -> str:
    return f"<i>{markup}</i>" if markup else ""


# What one PDF prints of a single field. Layout time grows with the text printed, and a
# packet is read before a call: a longer field is cut (at a line or word boundary) and
# ends with TRUNCATED_NOTE. Markdown fields (notes, proposal sections) get LONG_FIELD;
# a field printed inside a table cell or as one paragraph gets SHORT_FIELD.
TRUNCATED_NOTE = "… (truncated; full text in Coordinator)"
SHORT_FIELD = 2_000
LONG_FIELD = 40_000


def cap(value: object, limit: int) -> tuple[str, bool]:
    """(`value` cleaned and cut to at most about `limit` characters, whether it was cut).
    The cut falls on the last line break, else the last space, in the final fifth."""
    s = clean(value)
    if len(s) <= limit:
        return s, False
    cut = s[:limit]
    for sep in ("\n", " "):
        at = cut.rfind(sep)
        if at > limit * 0.8:
            return cut[:at].rstrip(), True
    return cut, True


def capped_lines(value: object, limit: int = SHORT_FIELD) -> str:
    """`lines()` of at most `limit` characters, ending with the truncation note if cut."""
    s, cut = cap(value, limit)
    out = lines(s)
    return f"{out} <i>{escape(TRUNCATED_NOTE)}</i>" if cut else out


def capped_text(value: object, limit: int = SHORT_FIELD) -> str:
    """`text()` of at most `limit` characters, ending with the truncation note if cut."""
    s, cut = cap(value, limit)
    out = text(s)
    return f"{out} <i>{escape(TRUNCATED_NOTE)}</i>" if cut else out
