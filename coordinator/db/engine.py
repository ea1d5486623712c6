"""SQLAlchemy engine for a Coordinator SQLite file: pragmas and transaction control.

pysqlite's own transaction handling is switched off (`isolation_level=None`) and
SQLAlchemy's "begin" event issues the BEGIN itself, so that write units of work start
with `BEGIN IMMEDIATE` (they take the write lock up front and wait on the busy timeout
instead of failing on a lock upgrade) and pragmas run outside any transaction.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from coordinator.db.inspect import read_only_uri
from coordinator.models.base import fold

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 16 * 1024  # page cache per connection (bulk loads raise it for themselves)
BULK_CACHE_KIB = 256 * 1024
BEGIN_OPTION = "coordinator_begin"


def make_engine(path: Path, *, foreign_keys: bool = True, read_only: bool = False) -> Engine:
    if read_only:
        uri = read_only_uri(path)
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(
            uri, uri=True, check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000))
    else:
        engine = create_engine(
            f"sqlite:///{path}",
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")
            # FULL, not WAL's usual NORMAL: with NORMAL a power cut or a dead battery
            # can roll back commits the user was told were saved. FULL syncs the WAL
            # at each commit: a fraction of a millisecond for one person's edits.
            cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cur.close()
        # fold(): the same case- and accent-folding as the Python side, for SQL.
        dbapi_conn.create_function("fold", 1, fold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
