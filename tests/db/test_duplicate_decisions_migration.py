"""Migration 0004: a database of schema 0003 gains the "not duplicates" tables, keeps
its data, and the new tables cascade from purged records."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from coordinator.db import Database
from coordinator.db.migrate import downgrade, head_revision
from coordinator.services import Services
from coordinator.services import duplicate_decisions as decisions
from coordinator.services.records import ContactData, EmailData, OrganizationData

TABLES = {"not_duplicate_contact", "not_duplicate_organization"}


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def test_upgrade_from_0003(tmp_path: Path) -> None:
    # GIVEN a database with data, taken back to schema 0003 (built through the services)
    path = tmp_path / "old.db"
    db = Database.open(path)
    s = Services(db)
    org = s.organizations.create(OrganizationData(name="City of Plano")).id
    ids = [s.contacts.create(ContactData(given_name="Ana", family_name="Ruiz",
                                         organization_id=org,
                                         emails=[EmailData(f"ana{i}@example.org")])).id
           for i in range(2)]
    decisions.mark_not_duplicates(db, "contact", *ids)
    db.close()
    downgrade(path, "0003")
    assert not TABLES & _tables(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0003"
    conn.close()

    # WHEN it is opened
    db = Database.open(path, backup_dir=tmp_path / "backups")
    try:
        # THEN it is upgraded after a backup, every row is there, the tables are empty
        assert db.last_backup is not None and db.last_backup.exists()
        assert _tables(path) >= TABLES
        with db.read() as session:
            assert session.execute(text("SELECT version_num FROM alembic_version")
                                   ).scalar_one() == head_revision()
            assert session.execute(text("SELECT count(*) FROM contact_email")
                                   ).scalar_one() == 2
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        s = Services(db)
        assert s.contacts.count() == 2
        assert decisions.list_not_duplicates(db) == []
        # AND the tables work: a decision, then a purge takes it away (ON DELETE CASCADE)
        assert decisions.mark_not_duplicates(db, "contact", ids[1], ids[0])
        s.contacts.delete(ids[0])
        s.trash.purge("contact", ids[0])
        with db.read() as session:
            assert session.execute(text("SELECT count(*) FROM not_duplicate_contact")
                                   ).scalar_one() == 0
    finally:
        db.close()
