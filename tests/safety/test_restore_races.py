"""A restore (or `demo --force`) never loses another process's write.

Another process's commit must land either in the restore's safety backup (it committed
before the restore started) or in the restored database (it waited and committed
after); never in neither. Writers here are real processes: SQLite and the write gate are
per process, so threads would not show the race.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from coordinator import writegate
from coordinator.backups import BackupManager
from coordinator.cli import main as cli_main
from coordinator.db import Database
from coordinator.lock import DatabaseLock
from coordinator.services import Services

from .conftest import add_contacts, file_digest

# A writer that opens one write unit, adds a contact, says so, and keeps the
# transaction open for a while before committing (a slow import's write, in small).
SLOW_WRITER = """
import sys, time
from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.records import ContactData
db = Database.open(sys.argv[1])
services = Services(db)
with db.write():
    services.contacts.create(ContactData(given_name="Latecomer", family_name="Writer"))
    print("in-transaction", flush=True)
    time.sleep(float(sys.argv[2]))
db.close()
print("committed", flush=True)
"""


def names_in(path: Path) -> set[str]:
    db = Database.open(path)
    try:
        return {row.full_name for row in Services(db).contacts.list().rows}
    finally:
        db.close()


def start_writer(db_path: Path, hold_s: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(db_path), str(hold_s)],
                            stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "in-transaction"
    return proc


@pytest.fixture
def with_backup(home: Path, tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "coalition.db"
    db = Database.open(path)
    add_contacts(Services(db), 3, "Before")
    db.close()
    good = BackupManager(path).backup_now().path
    return path, good


def test_restore_waits_for_a_running_write_and_its_safety_backup_holds_it(
    with_backup: tuple[Path, Path],
) -> None:
    path, good = with_backup
    writer = start_writer(path, 1.5)
    try:
        result = BackupManager(path).restore(good)
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == 0
    assert result.safety_backup is not None
    # The write committed while the restore waited: the safety copy has it.
    assert "Latecomer Writer" in names_in(result.safety_backup)
    assert "Latecomer Writer" not in names_in(path)  # the restore itself is what was asked


def test_restore_refuses_clearly_when_a_write_runs_too_long_and_changes_nothing(
    with_backup: tuple[Path, Path],
) -> None:
    path, good = with_backup
    manager = BackupManager(path)
    backups_before = sorted(p.name for p in manager.backup_dir.iterdir())
    writer = start_writer(path, 3.0)
    try:
        with pytest.raises(writegate.GateBusy, match="nothing was changed"):
            manager.restore(good, wait=0.3)
    finally:
        writer.wait(timeout=30)
    assert "Latecomer Writer" in names_in(path)
    assert sorted(p.name for p in manager.backup_dir.iterdir()) == backups_before


def test_cli_import_racing_a_cli_restore_loses_no_imported_contact(
    with_backup: tuple[Path, Path], tmp_path: Path
) -> None:
    path, good = with_backup
    rows = 4000
    big = tmp_path / "big.csv"
    with big.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["First Name", "Last Name", "E-mail Address"])
        for i in range(rows):
            out.writerow([f"Imported{i}", "Racer", f"imported{i}@example.org"])
    importer = subprocess.Popen(
        [sys.executable, "-m", "coordinator", "--db", str(path), "import", "contacts",
         str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ.copy())
    time.sleep(1.0)  # the import is parsing or writing by now
    restore = subprocess.run(
        [sys.executable, "-m", "coordinator", "--db", str(path), "restore", str(good)],
        capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    imp_out, imp_err = importer.communicate(timeout=120)
    assert importer.returncode == 0, imp_err
    assert restore.returncode == 0, restore.stderr
    live = {n for n in names_in(path) if n.endswith("Racer")}
    safety_line = next(line for line in restore.stdout.splitlines() if "backed up to" in line)
    safety = Path(safety_line.rsplit(" ", 1)[1])
    saved = {n for n in names_in(safety) if n.endswith("Racer")}
    # All of them in one place or the other: before the restore, or after it.
    assert len(live) == rows or len(saved) == rows, (len(live), len(saved), imp_out)


def test_writers_wait_while_the_database_is_being_replaced(tmp_path: Path) -> None:
    db_path = tmp_path / "gate.db"
    held = threading.Event()
    release = threading.Event()

    def replacer() -> None:
        with writegate.replacing(db_path, 1.0, "restore"):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=replacer)
    thread.start()
    try:
        assert held.wait(5)
        with pytest.raises(writegate.GateBusy, match="being restored"), writegate.writing(
            db_path, 0.2
        ):
            pass
    finally:
        release.set()
        thread.join()
    with writegate.writing(db_path, 0.2):  # free again
        pass
    assert oct(writegate.gate_path(db_path).stat().st_mode & 0o777) == "0o600"


def test_the_gate_is_reentrant_in_one_thread(tmp_path: Path) -> None:
    db_path = tmp_path / "gate.db"
    with writegate.replacing(db_path, 1.0, "restore"), writegate.writing(db_path, 0.1):
        pass


def test_demo_force_is_refused_while_the_app_has_the_database(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "coalition.db"
    db = Database.open(path)
    add_contacts(Services(db), 5, "Kept")
    db.close()
    app = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom coordinator.lock import DatabaseLock\n"
         "DatabaseLock(sys.argv[1]).acquire()\nprint('locked', flush=True)\ntime.sleep(30)",
         str(path)], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert app.stdout is not None and app.stdout.readline().strip() == "locked"
        digest = file_digest(path)
        code = cli_main(["--db", str(path), "demo", "--force", "--contacts", "20"])
        err = capsys.readouterr().err
        assert code == 1
        assert f"process {app.pid}" in err and "nothing was changed" in err
        assert file_digest(path) == digest
    finally:
        app.kill()
        app.wait()
    assert DatabaseLock(path).holder() is None  # the app is gone: demo may replace now
    assert cli_main(["--db", str(path), "demo", "--force", "--contacts", "20"]) == 0
    assert not any(n.startswith("Kept") for n in names_in(path))
