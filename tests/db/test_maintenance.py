"""Maintenance that must stick: planner statistics persist, space comes back to the disk
after a large delete (Trash emptied, an import undone), and backups are compact."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from coordinator.backups import BackupManager
from coordinator.cli import main as cli_main
from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.records import ContactData

NOTE = "Met at the regional summit; follow up on the curb data pilot. " * 400  # ~25 kB


def stat_rows(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "sqlite_stat1" not in tables:
            return 0
        return conn.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0]
    finally:
        conn.close()


def bulky_contacts(services: Services, count: int) -> list[str]:
    ids = []
    with services.db.write():
        for i in range(count):
            ids.append(services.contacts.create(ContactData(
                given_name=f"Bulky{i}", family_name="Example", notes=NOTE)).id or "")
    return ids


def test_analyze_statistics_persist_after_close(db: Database, services: Services) -> None:
    bulky_contacts(services, 20)
    db.analyze()
    assert stat_rows(db.path) > 0  # read by another connection: committed, not rolled back


def test_emptying_a_large_trash_gives_the_space_back(db: Database, services: Services) -> None:
    ids = bulky_contacts(services, 600)
    with db.write():
        for contact_id in ids:
            services.contacts.delete(contact_id)
    size_full, _ = db.free_space()
    assert services.trash.empty() == 600
    size_after, free_after = db.free_space()
    assert size_after < size_full / 3
    assert free_after < size_after * 0.25
    assert db.path.stat().st_size == size_after  # the file itself shrank (checkpointed)


def test_a_small_delete_does_not_vacuum(db: Database, services: Services) -> None:
    ids = bulky_contacts(services, 30)
    services.contacts.delete(ids[0])
    size_before, _ = db.free_space()
    services.trash.empty()
    assert db.reclaim_space() == 0
    assert db.free_space()[0] == size_before


def test_undoing_a_large_import_gives_the_space_back(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "people.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["First Name", "Last Name", "E-mail Address", "Notes"])
        for i in range(1500):
            out.writerow([f"Imported{i}", "Person", f"imported{i}@example.org", NOTE[:8000]])
    assert cli_main(["--db", str(db_path), "import", "contacts", str(source)]) == 0
    full = db_path.stat().st_size
    batch_id = capsys.readouterr().out.rsplit("coordinator import undo ", 1)[1].split()[0]
    assert cli_main(["--db", str(db_path), "import", "undo", batch_id]) == 0
    db = Database.open(db_path)
    try:
        size, free = db.free_space()
        assert Services(db).contacts.count() == 0
    finally:
        db.close()
    assert size < full / 3
    assert free < size * 0.25


def test_a_backup_of_a_database_with_many_free_pages_is_compact(
    db: Database, services: Services, tmp_path: Path
) -> None:
    ids = bulky_contacts(services, 600)
    with db.write():  # purge without reclaiming: the file stays full of free pages
        for contact_id in ids[:-1]:
            services.contacts.delete(contact_id)
            services.contacts.purge(contact_id)
    size, free = db.free_space()
    assert free > size / 2
    backup = BackupManager(db.path, tmp_path / "backups").backup_now().path
    assert backup.stat().st_size < size / 3
    check = Database.open(backup, read_only=True)
    try:
        assert Services(check).contacts.count() == 1
    finally:
        check.close()
