"""Record counts for `Services.stats` and `coordinator stats`, in plain SQL on a sqlite3
connection: the CLI answers from a read-only connection without loading the ORM."""

from __future__ import annotations

import sqlite3

STAT_TABLES = ("contact", "organization", "proposal", "meeting", "action_item")

# What each kind of record in the Trash is listed by.
TRASHED_SQL = {
    "contact": "SELECT id, full_name, deleted_at FROM contact WHERE deleted_at IS NOT NULL",
    "organization": "SELECT id, name, deleted_at FROM organization WHERE deleted_at IS NOT NULL",
    "proposal": "SELECT id, title, deleted_at FROM proposal WHERE deleted_at IS NOT NULL",
    "meeting": "SELECT id, title, deleted_at FROM meeting WHERE deleted_at IS NOT NULL",
}


def stats(conn: sqlite3.Connection) -> dict[str, object]:
    """Live record counts per entity, the Trash, and per consortium (by name)."""
    counts: dict[str, int] = {}
    for table in STAT_TABLES:
        # Action items have no Trash of their own: they follow their meeting.
        where = "deleted_at IS NULL" if table != "action_item" else (
            "meeting_id IN (SELECT id FROM meeting WHERE deleted_at IS NULL)")
        counts[table] = conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
    counts["trash"] = sum(conn.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
                          for sql in TRASHED_SQL.values())
    orgs = dict(conn.execute("SELECT consortium_id, count(*) FROM organization "
                             "WHERE deleted_at IS NULL GROUP BY consortium_id").fetchall())
    people = dict(conn.execute("SELECT consortium_id, count(*) FROM contact "
                               "WHERE deleted_at IS NULL GROUP BY consortium_id").fetchall())
    per_consortium = {
        short: {"organizations": orgs.get(cid, 0), "contacts": people.get(cid, 0)}
        for cid, short in conn.execute("SELECT id, short_name FROM consortium "
                                       "WHERE deleted_at IS NULL ORDER BY name")}
    return {"counts": counts, "consortia": per_consortium}
