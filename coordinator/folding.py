"""`fold`: the case- and accent-insensitive form of text used for sorting, matching and
filters, in Python and (registered as an SQL function) in SQLite. Kept apart from the
models so that plain sqlite3 readers (the CLI's read commands, the first frame of the
app) use the very same folding without importing SQLAlchemy."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form of `text` for sorting, matching and filters:
    case folded, compatibility-decomposed (NFKD), combining marks dropped, ø ł đ made
    plain, runs of white space made one space."""
    if not text:
        return ""
    if text.isascii():  # the common case, ten times faster, same result
        return " ".join(text.casefold().split())
    return " ".join(text.translate(_FOLD_TABLE).split())


def _fold_char(code: int) -> str:
    """What `fold` makes of one character, before white space is collapsed."""
    decomposed = unicodedata.normalize("NFKD", chr(code).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("ø", "o").replace("ł", "l").replace("đ", "d")


class _FoldTable(dict[int, str]):
    """`_fold_char` of each character met so far, for `str.translate`.

    Folding text character by character gives the same result as folding it whole:
    case folding maps each character on its own, NFKD decomposes each on its own and
    only reorders combining marks (which are dropped), and the replacements are single
    characters. Looked up in a table, a name with accents folds in about a microsecond
    instead of tens (imports fold hundreds of thousands of them).
    """

    def __missing__(self, code: int) -> str:
        value = self[code] = _fold_char(code)
        return value


_FOLD_TABLE = _FoldTable()
