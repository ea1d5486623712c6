"""A sqlite3 connection that only reads, for commands that only read: no SQLAlchemy, no ORM.

`PlainReader.open(path)` applies the same refusals as `Database.open` (not SQLite, a
damaged file, another application's database: `DatabaseOpenError`, nothing touched) and
returns None whenever the file needs more than reading: it does not exist yet, is empty,
has an older or newer schema, an interrupted checkpoint, or cannot be written (the full
open explains and, where it may, migrates). Its `raw()` matches `Database.raw()`, so the
search and the statistics run unchanged on either.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from coordinator.db import migrate
from coordinator.db.inspect import (
    connect_to_read,
    inspect_file,
    leaving_no_trace,
    read_only_reason,
)
from coordinator.folding import fold

BUSY_TIMEOUT_MS = 10_000  # the same wait for a writer as the engine's connections


class PlainReader:
    read_only = True

    def __init__(self, path: Path, conn: sqlite3.Connection, cleanup: ExitStack) -> None:
        self.path = path
        self._conn = conn
        self._cleanup = cleanup

    @classmethod
    def open(cls, path: Path | str) -> PlainReader | None:
        path = Path(path).expanduser().resolve()
        if read_only_reason(path) is not None:
            return None  # the full open says why the file is read-only
        cleanup = ExitStack()
        cleanup.enter_context(leaving_no_trace(path))
        try:
            state = inspect_file(path)
            if not state.exists or state.empty or state.interrupted_checkpoint or \
                    state.revision != migrate.head_revision():
                cleanup.close()
                return None
            # query_only, and the -wal and -shm removed when the last connection closes
            conn = connect_to_read(path, check_same_thread=False,
                                   timeout=BUSY_TIMEOUT_MS / 1000)
        except BaseException:
            cleanup.close()
            raise
        conn.isolation_level = None
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.create_function("fold", 1, fold, deterministic=True)
        return cls(path, conn, cleanup)

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        yield self._conn

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._cleanup.close()
