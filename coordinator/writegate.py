"""The write gate: who may change a database file right now, across processes.

SQLite already lets only one transaction write at a time, but some operations replace
the *whole* database and must see every other writer finished first: a restore must
make its safety copy after the last running import has committed, and nothing may commit
between that copy and the replacement (or the commit is in neither file). The app's lock
file (`coordinator.lock`) cannot tell, because command-line writers never take it.

So every write unit of work (`Database.write()`) holds the gate *shared* for the length
of its transaction, and a restore (or `demo --force`, which also replaces everything)
holds it *exclusive* from before its safety copy until the new content is in place.
Writers wait for an exclusive holder; an exclusive holder waits for running writers and
gives up with `GateBusy` after its timeout, so the user is told instead of left waiting.

The gate is an advisory lock (`flock`) on the file `<db>.writers` next to the database:
the operating system releases it when a process dies, so a crash never leaves it held.
(A separate file, never the database itself: on some network file systems `flock` is
emulated with the same POSIX locks SQLite uses on the database file.) On Windows, whose
file locks are all exclusive, shared holders exclude each other too, which changes
little: SQLite serialises writers anyway.

Within one thread the gate is re-entrant: a restore that holds it exclusive may call
code that opens write units. Other threads of the same process wait like any process.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from coordinator.errors import CoordinatorError
from coordinator.paths import PRIVATE_FILE_MODE

GATE_SUFFIX = ".writers"
POLL_S = 0.02

# (thread id, gate path) -> how deep this thread holds that gate (any mode).
_held: dict[tuple[int, str], int] = {}
_held_lock = threading.Lock()


class GateBusy(CoordinatorError):
    """Another process (or thread) holds the gate longer than we may wait."""


def gate_path(db_path: Path | str) -> Path:
    db_path = Path(db_path).expanduser().resolve()
    return db_path.with_name(db_path.name + GATE_SUFFIX)


def _try_lock(fd: int, exclusive: bool) -> bool:
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _open_gate(path: Path) -> int | None:
    """The gate file's descriptor, or None when it cannot exist (read-only folder):
    then nobody can write the database either, so there is nothing to keep apart."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    except OSError:
        return None


@contextlib.contextmanager
def hold(db_path: Path | str, *, exclusive: bool, timeout: float, busy_message: str
         ) -> Iterator[None]:
    """Hold the gate of `db_path` for the body; raise `GateBusy(busy_message)` if it
    cannot be had within `timeout` seconds."""
    path = gate_path(db_path)
    key = (threading.get_ident(), str(path))
    with _held_lock:
        depth = _held.get(key, 0)
        if depth:
            _held[key] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _held_lock:
                _held[key] -= 1
        return
    fd = _open_gate(path)
    if fd is None:
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd, exclusive):
            if time.monotonic() >= deadline:
                raise GateBusy(busy_message)
            time.sleep(POLL_S)
        with _held_lock:
            _held[key] = 1
        try:
            yield
        finally:
            with _held_lock:
                _held.pop(key, None)
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def writing(db_path: Path | str, timeout: float) -> contextlib.AbstractContextManager[None]:
    """The shared hold of one write unit of work."""
    return hold(
        db_path, exclusive=False, timeout=timeout,
        busy_message="The database is being restored or replaced by another Coordinator "
                     "process; nothing was saved. Try again when it has finished.",
    )


def replacing(db_path: Path | str, timeout: float, what: str
              ) -> contextlib.AbstractContextManager[None]:
    """The exclusive hold of an operation that replaces the whole database (`what`,
    such as "restore" — used in the message when other writers do not finish)."""
    return hold(
        db_path, exclusive=True, timeout=timeout,
        busy_message=f"Another Coordinator process (an import, or another command) is "
                     f"saving changes to this database; the {what} did not start and "
                     "nothing was changed. Try again when it has finished.",
    )
