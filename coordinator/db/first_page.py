"""The first page of the contacts list, read with plain sqlite3 and nothing else.

At start-up the window shows these rows in its first frame, before SQLAlchemy, the
models and the services are imported (about a second at 100,000 contacts). Only a
file whose schema is current is read; anything unusual (no file, an older or foreign
schema, a damaged or busy file) returns None and the normal open explains it.

The SQL is the one `services.contacts` runs for the contacts table (`ROW_SELECT`,
name order), so the first frame and the full view show the same rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

ROW_SELECT = """
SELECT c.id, c.full_name, c.title, c.organization_id, coalesce(o.name, ''),
       coalesce(cs.short_name, ''),
       coalesce((SELECT e.address FROM contact_email e WHERE e.contact_id = c.id
                 ORDER BY e.is_primary DESC, e.position LIMIT 1), '') AS email,
       coalesce((SELECT coalesce(p.e164, p.raw) FROM contact_phone p WHERE p.contact_id = c.id
                 ORDER BY p.is_primary DESC, p.position LIMIT 1), '') AS phone,
       c.updated_at
FROM contact c
LEFT JOIN organization o ON o.id = c.organization_id AND o.deleted_at IS NULL
LEFT JOIN consortium cs ON cs.id = c.consortium_id
"""
# Live contacts in name order: one range of the sort-key index.
NAME_ORDER_ALL_IDS = ("SELECT c.id FROM contact c WHERE c.deleted_at IS NULL "
                      "ORDER BY c.sort_key ASC, c.id ASC")
NAME_ORDER_IDS = NAME_ORDER_ALL_IDS + " LIMIT :limit"
COUNT_LIVE = "SELECT count(*) FROM contact c WHERE c.deleted_at IS NULL"
BUSY_S = 0.2  # a writer holding the file this long: skip the quick page


@dataclass(frozen=True)
class FirstPage:
    """Rows as `ROW_SELECT` returns them (id, full_name, title, organization_id,
    organization, consortium, email, phone, updated_at), and how many contacts live."""

    total: int
    rows: list[tuple]


def read_first_page(path: Path | str, limit: int = 50) -> FirstPage | None:
    """The first `limit` contacts by name, or None when the file is not simply readable
    at the current schema."""
    from coordinator.db import migrate
    from coordinator.db.inspect import inspect_file, leaving_no_trace, read_only_uri
    from coordinator.errors import CoordinatorError

    path = Path(path).expanduser().resolve()
    try:
        with leaving_no_trace(path):
            state = inspect_file(path)
            if state.empty or state.interrupted_checkpoint or \
                    state.revision != migrate.head_revision():
                return None
            conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=BUSY_S)
            try:
                total = conn.execute(COUNT_LIVE).fetchone()[0]
                ids = [r[0] for r in conn.execute(NAME_ORDER_IDS, {"limit": limit})]
                marks = ", ".join("?" * len(ids))
                found = {r[0]: r for r in conn.execute(
                    ROW_SELECT + f" WHERE c.id IN ({marks})", ids)} if ids else {}
            finally:
                conn.close()
    except (CoordinatorError, sqlite3.Error, OSError):
        return None
    return FirstPage(total=total, rows=[found[i] for i in ids if i in found])
