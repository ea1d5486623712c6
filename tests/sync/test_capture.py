"""The change-capture triggers of a laptop that joined a hub survive schema upgrades:
Alembic's batch mode rebuilds tables (dropping their triggers), so every upgrade
rebuilds them from the current columns in its own transaction."""

from __future__ import annotations

from pathlib import Path

from coordinator.db import Database
from coordinator.db.migrate import downgrade, upgrade
from coordinator.services import Services
from coordinator.services.records import ContactData
from coordinator.sync import capture


def _joined(path: Path) -> None:
    """Mark the database as joined the way `sync join` does, without a hub."""
    db = Database.open(path)
    try:
        with db.write() as session:
            conn = session.connection().connection.driver_connection
            conn.execute("INSERT INTO sync_state (key, value) VALUES ('host', 'hub.example')")
            capture.install(conn)
    finally:
        db.close()


def _triggers(path: Path) -> set[str]:
    db = Database.open(path)
    try:
        with db.read() as session:
            return capture.installed(session.connection().connection.driver_connection)
    finally:
        db.close()


def test_an_upgrade_puts_back_triggers_a_table_rebuild_dropped(db_path: Path) -> None:
    Database.open(db_path).close()
    _joined(db_path)
    assert _triggers(db_path) == capture.expected()
    db = Database.open(db_path)
    with db.write() as session:  # as a batch-mode table rebuild leaves it
        session.connection().exec_driver_sql("DROP TRIGGER sync_capture_contact_update")
    db.close()
    downgrade(db_path, "0008")
    upgrade(db_path)
    assert _triggers(db_path) == capture.expected()
    db = Database.open(db_path)
    try:
        ada = Services(db).contacts.create(ContactData(given_name="Ada", family_name="L"))
        with db.read() as session:
            marked = session.connection().exec_driver_sql(
                "SELECT dirty FROM sync_row WHERE kind = 'contact' AND id = ?",
                (ada.id,)).fetchall()
        assert marked == [(1,)]
    finally:
        db.close()


def test_a_laptop_that_never_joined_gets_no_triggers(db_path: Path) -> None:
    Database.open(db_path).close()
    downgrade(db_path, "0008")
    upgrade(db_path)
    assert _triggers(db_path) == set()
