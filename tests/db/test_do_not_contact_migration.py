"""Migration 0006: contacts gain a do-not-contact flag, unflagged, and keep every row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from coordinator.db import Database
from coordinator.db.migrate import downgrade, upgrade
from coordinator.services import Services
from coordinator.services.records import ContactData, EmailData


def _columns(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[1] for r in conn.execute("PRAGMA table_info(contact)")}
    finally:
        conn.close()


def test_upgrade_from_0005_adds_an_unset_flag_and_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database.open(path)
    s = Services(db)
    ids = [s.contacts.create(ContactData(given_name=f"Ana{i}", family_name="Ruiz",
                                         emails=[EmailData(f"ana{i}@example.org")])).id
           for i in range(3)]
    db.close()
    downgrade(path, "0005")
    assert "do_not_contact" not in _columns(path)

    upgrade(path, "0006")
    assert "do_not_contact" in _columns(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*), sum(do_not_contact) FROM contact").fetchone() == (
            3, 0)
        assert conn.execute("SELECT count(*) FROM contact_email").fetchone()[0] == 3
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()

    db = Database.open(path, backup_dir=tmp_path / "backups")
    try:
        assert Services(db).contacts.count() == 3
        assert [Services(db).contacts.get(i).given_name for i in ids] == [
            "Ana0", "Ana1", "Ana2"]
    finally:
        db.close()


def test_downgrade_to_0005_keeps_contacts_and_their_emails(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = Database.open(path)
    s = Services(db)
    s.contacts.create(ContactData(given_name="Ana", family_name="Ruiz",
                                  emails=[EmailData("ana@example.org")]))
    db.close()
    downgrade(path, "0005")
    assert "do_not_contact" not in _columns(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM contact_email").fetchone()[0] == 1
    finally:
        conn.close()
