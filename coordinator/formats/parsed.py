"""What a parser returns: contacts read from a file, with where each came from.

Every parsed contact keeps its row (CSV) or line (vCard) so that the preview can say
exactly which record has which problem. Nothing here touches the database.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from coordinator.errors import CoordinatorError
from coordinator.services.records import ContactData

ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class ImportCancelled(CoordinatorError):
    """The user cancelled a long import or export; nothing was saved."""


@dataclass(frozen=True)
class ImportProblem:
    """One problem in the input. `where` is e.g. "row 12" or "line 40"."""

    where: str
    reason: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


@dataclass
class ParsedContact:
    """One contact (or, for an organization card, one organization) read from a file."""

    where: str  # "row 12 (line 14)" or "line 40"
    line: int
    data: ContactData
    organization: str = ""
    department: str = ""
    consortium: str = ""  # from our own export's Consortium column
    source_id: str = ""  # our id (Coordinator CSV "ID" column, vCard UID) when present
    is_organization: bool = False  # Apple X-ABShowAs:COMPANY: an organization card
    warnings: list[str] = field(default_factory=list)

    @property
    def display(self) -> str:
        d = self.data
        name = " ".join(p for p in (d.given_name, d.family_name) if p)
        return name or self.organization or (d.emails[0].address if d.emails else "")


@dataclass
class ParseResult:
    """Everything read from one file."""

    format: str  # "google", "google-legacy", "outlook", "outlook.com", "coordinator",
    # "csv" (generic, with a mapping), "vcard"
    contacts: list[ParsedContact] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    encoding: str = ""
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # generic CSV: column -> field
    records_read: int = 0
    # About the whole file, e.g. an encoding that was guessed and may be wrong.
    notices: list[ImportProblem] = field(default_factory=list)

    @property
    def warnings(self) -> list[ImportProblem]:
        """What was read but not as written (a value kept in the notes, a line left
        out, an encoding guessed): the file's notices first, then each record's. A
        record's warning that starts with 'line N: ' (a vCard line) is placed there."""
        out = list(self.notices)
        for c in self.contacts:
            for w in c.warnings:
                m = _AT_LINE.match(w)
                if m:
                    out.append(ImportProblem(f"line {m.group(1)}", w[m.end():],
                                             int(m.group(1))))
                else:
                    out.append(ImportProblem(c.where, w, c.line))
        return out


_AT_LINE = re.compile(r"line (\d+): ")


def check_cancel(cancelled: CancelCheck | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelled("Cancelled; nothing was saved.")


class UnreadableFile(CoordinatorError):
    """The whole file cannot be read (empty, binary, unknown layout...); nothing saved."""


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run a parse with the cyclic garbage collector off, and turn it back on after.

    A parse allocates a few objects per cell and keeps nearly all of them (the result),
    so the collector keeps running and walking an ever larger heap for nothing: on
    100,000 rows that is about half of the parse time. Reference counting still frees
    everything that is not kept. Nested and concurrent pauses (two imports in worker
    threads) are counted, so the collector comes back only after the last one ends,
    and only if it was on before the first.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                if gc.get_freeze_count() == 0:
                    # What the parse kept would now be walked by a young collection,
                    # then by a middle one, only to end in the oldest generation;
                    # freeze + unfreeze puts every object there directly. (Skipped
                    # when someone froze objects on purpose: unfreeze would undo it.)
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
