"""Migration 0010 on a database with data: the last-contact table is filled from the
records already there, its triggers come with it, and a downgrade takes both away."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from coordinator.db import Database, last_touch
from coordinator.db.migrate import downgrade, upgrade
from coordinator.services import Services
from tests.services.conftest import Build
from tests.services.test_home_quiet_table import Coalition, expected, shown, stale_rows

NEW_INDEXES = {"ix_organization_touch_contacted", "ix_proposal_lead_organization_id",
               "ix_contact_recent", "ix_organization_recent", "ix_proposal_recent",
               "ix_meeting_recent"}


def _schema(path: Path) -> tuple[set[str], set[str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT type, name FROM sqlite_master").fetchall()
    finally:
        conn.close()
    return ({n for t, n in rows if t in ("table", "index")},
            {n for t, n in rows if t == "trigger" and n.startswith(last_touch.TRIGGER_PREFIX)})


def test_upgrade_fills_the_table_from_existing_records(db_path: Path) -> None:
    db = Database.open(db_path)
    services = Services(db)
    co = Coalition(Build(services))
    before = shown(services)
    db.close()

    downgrade(db_path, "0009")
    names, triggers = _schema(db_path)
    assert "organization_touch" not in names and not NEW_INDEXES & names
    assert triggers == set()
    # Written by a version without the table: nothing keeps it up to date meanwhile.
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE contact SET last_contacted_on = '2026-02-01' WHERE id = ?",
                     (co.ada.id,))
    conn.close()

    upgrade(db_path)
    names, triggers = _schema(db_path)
    assert NEW_INDEXES | {"organization_touch"} <= names
    assert triggers == {last_touch.TRIGGER_PREFIX + t for t in last_touch.TRIGGERS}
    db = Database.open(db_path)
    try:
        services = Services(db)
        after = shown(services)
        assert after == expected(services) and stale_rows(db) == []
        assert [r for r in before if r[0] != co.old.id] == after  # Old Friends: contacted
        assert services.contacts.get(co.ada.id).last_contacted_on == date(2026, 2, 1)
    finally:
        db.close()


def test_triggers_of_another_build_are_replaced_at_open(db_path: Path) -> None:
    """A file whose last-contact triggers differ from this build's (changed rules, one
    missing) gets this build's at open, and the table they may have kept wrong is
    computed afresh."""
    db = Database.open(db_path)
    co = Coalition(Build(Services(db)))
    db.close()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("DROP TRIGGER touch_attendee_update")
        conn.execute("DROP TRIGGER touch_contact_contacted")
        conn.execute("CREATE TRIGGER touch_contact_contacted AFTER UPDATE ON contact"
                     " BEGIN SELECT 1; END")
        conn.execute("UPDATE contact SET last_contacted_on = '2026-02-01' WHERE id = ?",
                     (co.ada.id,))
    conn.close()

    db = Database.open(db_path)
    try:
        with db.raw() as raw:
            assert last_touch.is_current(raw)
        assert stale_rows(db) == []
        services = Services(db)
        assert co.old.id not in [r[0] for r in shown(services)]
        assert shown(services) == expected(services)
        assert last_touch.keep_current(db) is False  # nothing to do the next time
    finally:
        db.close()
