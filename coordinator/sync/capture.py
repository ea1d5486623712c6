"""Change capture: SQLite triggers that record every local change for the next push.

Triggers, not ORM events, because bulk imports, merges and purges write with plain SQL,
and because SQLite fires them for rows removed or changed by a cascade (a purged
contact's emails, an organization's contacts whose link is set to NULL), so nothing
escapes. They exist only on a laptop that joined a hub, and are recreated after every
schema upgrade: Alembic's batch mode rebuilds a table by copying it, which drops its
triggers.

Per row changed here the triggers:
- keep the last-synced copy in `sync_base` the first time a synced row changes (for
  three-way merges), and
- mark it in `sync_row` as dirty with a new local revision, or as deleted (a tombstone).
While pulled rows are applied, `sync_applying` holds a row and the triggers stay quiet.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from coordinator.sync.tables import SyncedTable, synced_tables

TRIGGER_PREFIX = "sync_capture_"
QUIET = "NOT EXISTS (SELECT 1 FROM sync_applying)"


def _row_json(spec: SyncedTable, alias: str) -> str:
    pairs = ", ".join(f"'{column}', {alias}.{column}" for column in spec.columns)
    return f"json_object({pairs})"


def _mark(spec: SyncedTable, alias: str, deleted: int) -> str:
    return (
        "INSERT INTO sync_row (kind, id, hub_version, dirty, rev, deleted) "
        f"VALUES ('{spec.name}', {spec.id_sql(alias)}, 0, 1, 1, {deleted}) "
        f"ON CONFLICT (kind, id) DO UPDATE SET dirty = 1, rev = rev + 1, deleted = {deleted};"
    )


def _keep_base(spec: SyncedTable) -> str:
    return (
        "INSERT OR IGNORE INTO sync_base (kind, id, data) "
        f"SELECT '{spec.name}', {spec.id_sql('OLD')}, {_row_json(spec, 'OLD')} "
        f"WHERE EXISTS (SELECT 1 FROM sync_row WHERE kind = '{spec.name}' "
        f"AND id = {spec.id_sql('OLD')} AND hub_version > 0 AND dirty = 0);"
    )


def trigger_sql(spec: SyncedTable) -> list[str]:
    name = f"{TRIGGER_PREFIX}{spec.name}"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name}_insert AFTER INSERT ON {spec.name} "
        f"WHEN {QUIET} BEGIN {_mark(spec, 'NEW', 0)} END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_update AFTER UPDATE ON {spec.name} "
        f"WHEN {QUIET} BEGIN {_keep_base(spec)} {_mark(spec, 'NEW', 0)} END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_delete AFTER DELETE ON {spec.name} "
        f"WHEN {QUIET} BEGIN {_keep_base(spec)} {_mark(spec, 'OLD', 1)} END",
    ]


def install(conn: sqlite3.Connection) -> None:
    """Create the capture triggers that are missing (inside the caller's transaction)."""
    for spec in synced_tables():
        for statement in trigger_sql(spec):
            conn.execute(statement)


def remove(conn: sqlite3.Connection) -> None:
    """Drop every capture trigger (leaving a hub)."""
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
        (TRIGGER_PREFIX + "%",))]
    for name in names:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def installed(conn: sqlite3.Connection) -> set[str]:
    """Names of the capture triggers present."""
    return {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
        (TRIGGER_PREFIX + "%",))}


def expected() -> set[str]:
    return {f"{TRIGGER_PREFIX}{spec.name}_{event}"
            for spec in synced_tables() for event in ("insert", "update", "delete")}


@contextmanager
def quiet(conn: sqlite3.Connection) -> Iterator[None]:
    """Apply pulled rows without recording them as local changes (same transaction)."""
    conn.execute("INSERT INTO sync_applying (flag) VALUES (1)")
    try:
        yield
    finally:
        conn.execute("DELETE FROM sync_applying")


def refresh_after_upgrade(conn: sqlite3.Connection) -> bool:
    """After a schema upgrade (same transaction): a joined laptop gets its triggers back,
    rebuilt from the current columns, since table rebuilds drop triggers and an added
    column must be in the last-synced copies. False when the laptop never joined a hub."""
    has_state = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_state'").fetchone()
    if not has_state:
        return False
    if not conn.execute("SELECT 1 FROM sync_state WHERE key = 'host'").fetchone():
        return False
    remove(conn)
    install(conn)
    return True
