"""Lines some programs write above a CSV file's header row.

LinkedIn's Connections.csv, for one, opens with "Notes:" and a quoted paragraph about
missing email addresses, then a blank line, then the header; reports exported from
spreadsheets often carry a title line. Such lines hold one cell each; the delimiter is
counted on the first line that holds one (so a title with a comma above a semicolon file
is taken for its header, and the import says its columns were not recognised). A file
opens with a preamble when, among its first non-blank rows, single-cell rows come first,
then a blank line, then a row of several cells followed by another: the header, or the
first person of a file without one. A one-column file never has one, and neither does a
one-column file with a stray unquoted comma in a name (no blank line before it, or no
row of several cells after it), so no person's row is ever taken for a preamble.
"""

from __future__ import annotations

from collections.abc import Sequence

PREAMBLE_ROWS = 10  # at most this many lines above the header are passed over


def header_index(rows: Sequence[tuple[list[str], bool]]) -> int:
    """Which of the file's first non-blank rows (up to PREAMBLE_ROWS + 2 of them, each as
    (cells, whether a blank line comes right before it)) is the first row of the table:
    0 unless single-cell preamble rows come before it."""
    for i, (cells, blank_before) in enumerate(rows[:PREAMBLE_ROWS + 1]):
        if len(cells) > 1:
            following = rows[i + 1][0] if i + 1 < len(rows) else []
            return i if i and blank_before and len(following) > 1 else 0
    return 0


def sniff_line(text: str, delimiters: Sequence[str], limit: int = 20000) -> str:
    """The part of `text` to count delimiters in: from the first line that holds one of
    them outside quotes (a preamble line without any is passed over) to its end."""
    quoted = False
    start = 0
    for i, ch in enumerate(text[:limit]):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            start = i + 1
        elif not quoted and ch in delimiters:
            return text[start:start + limit]
    return text[:limit]
