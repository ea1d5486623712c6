"""Three-way merges of one row, field by field, against the last-synced copy.

- A field changed on one side only takes that side's value, silently.
- A field changed on both sides to the same value is no conflict.
- Long texts (Markdown) changed on both sides merge line by line when the edits touch
  different lines; overlapping edits are a conflict. Conflict markers are never written
  into the data: the record keeps one whole text and the conflict keeps the other.
- Any other field changed on both sides is a conflict. The record then shows the hub's
  value (so every laptop converges on the same data) and the conflict keeps mine, until
  someone resolves it.
- Moving a record to Trash on one side while the other side edited it is a conflict too
  (an edit against a delete), on the `deleted_at` field, with the other edits merged.

Pure functions over dicts: no database here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from coordinator.sync.tables import CLOCK_FIELDS

DELETED_FIELD = "deleted_at"
# `created_at` of rows created on two laptops under one natural key (a tag, a series)
# differs without anyone editing it.
CREATION_FIELDS = frozenset({"created_at"})


@dataclass
class Conflict:
    field: str
    base: Any
    mine: Any
    theirs: Any


@dataclass
class Merged:
    data: dict[str, Any]  # what the local row becomes
    conflicts: list[Conflict] = field(default_factory=list)
    needs_push: bool = False  # the merged row differs from the hub's


def merge_row(base: dict[str, Any] | None, mine: dict[str, Any], theirs: dict[str, Any],
              text_fields: tuple[str, ...] = ()) -> Merged:
    """Merge `theirs` (the hub's changed fields) into `mine` against `base`."""
    data = dict(mine)
    conflicts: list[Conflict] = []
    for name, their_value in theirs.items():
        my_value = mine.get(name, their_value)
        base_value = base.get(name) if base is not None else None
        if my_value == their_value:
            data[name] = their_value
        elif name in CLOCK_FIELDS:
            data[name] = max(str(my_value or ""), str(their_value or "")) or None
        elif name in CREATION_FIELDS:
            data[name] = min(str(my_value or ""), str(their_value or "")) or None
        elif base is not None and my_value == base_value:
            data[name] = their_value
        elif base is not None and their_value == base_value:
            data[name] = my_value
        elif name in text_fields and base is not None:
            lines = merge_lines(str(base_value or ""), str(my_value or ""),
                                str(their_value or ""))
            if lines is None:
                data[name] = their_value
                conflicts.append(Conflict(name, base_value, my_value, their_value))
            else:
                data[name] = lines
        else:
            data[name] = their_value
            conflicts.append(Conflict(name, base_value, my_value, their_value))
    if base is not None and DELETED_FIELD in theirs:
        conflicts.extend(_edit_against_trash(base, mine, theirs, conflicts))
    needs_push = any(data.get(name) != value for name, value in theirs.items())
    return Merged(data, conflicts, needs_push)


def _edit_against_trash(base: dict[str, Any], mine: dict[str, Any],
                        theirs: dict[str, Any], found: list[Conflict]) -> list[Conflict]:
    """One side moved the record to Trash (or restored it) while the other edited it."""
    if any(c.field == DELETED_FIELD for c in found):
        return []
    was = base.get(DELETED_FIELD)
    they_trashed = theirs.get(DELETED_FIELD) != was
    i_trashed = mine.get(DELETED_FIELD) != was
    if they_trashed == i_trashed:
        return []
    editor = mine if they_trashed else theirs
    ignored = CLOCK_FIELDS | CREATION_FIELDS | {DELETED_FIELD}
    edited = any(editor.get(k) != base.get(k) for k in editor
                 if k not in ignored and k in base)
    if not edited:
        return []
    return [Conflict(DELETED_FIELD, was, mine.get(DELETED_FIELD), theirs.get(DELETED_FIELD))]


def merge_lines(base: str, mine: str, theirs: str) -> str | None:
    """Both sides' line edits applied to `base`, or None when they touch the same lines.

    Edits that touch (one ends where the other starts) count as overlapping, as in
    diff3: the order of two insertions at one place cannot be guessed.
    """
    if mine == theirs:
        return mine
    if mine == base:
        return theirs
    if theirs == base:
        return mine
    base_lines, mine_lines, their_lines = (_lines(t) for t in (base, mine, theirs))
    edits = sorted(_edits(base_lines, mine_lines) + _edits(base_lines, their_lines),
                   key=lambda e: (e[0], e[1]))
    out: list[str] = []
    position = 0
    previous: tuple[int, int, tuple[str, ...]] | None = None
    for edit in edits:
        start, end, replacement = edit
        if previous is not None and start <= previous[1]:
            if edit == previous:
                continue  # the same edit made on both sides
            return None
        out.extend(base_lines[position:start])
        out.extend(replacement)
        position = end
        previous = edit
    out.extend(base_lines[position:])
    text = "".join(out)
    # Whether the text ends with a line break is itself an edit of the last line.
    ends = _ends(mine) if _ends(mine) != _ends(base) else _ends(theirs)
    return text if ends else text[:-1] if text.endswith("\n") else text


def _ends(text: str) -> bool:
    return text.endswith("\n") or not text


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines


def _edits(base: list[str], other: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, replacement) ranges of `base` that `other` changed."""
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, tuple(other[j1:j2]))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
