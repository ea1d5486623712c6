"""Crash safety: writer processes killed with SIGKILL at random moments. After every
kill the database opens, passes PRAGMA integrity_check, and holds every contact the
writer had reported committed, also while a backup runs in a loop (every finished
backup is complete and valid; an interrupted one never has the final name)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coordinator.db import Database
from coordinator.db.backup import verify_file

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[2]
HELPER = Path(__file__).with_name("crash_writer.py")
ROUNDS = 5


def start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(HELPER), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)


def kill_and_collect(proc: subprocess.Popen[str], first: list[str]) -> list[str]:
    os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == -signal.SIGKILL, err[-2000:]
    return [line for line in first + out.splitlines(keepends=True) if line.endswith("\n")]


def check_database(path: Path, reported: set[str]) -> None:
    conn = sqlite3.connect(path)  # a plain connection first: recovers the WAL as the app would
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        present = {r[0] for r in conn.execute("SELECT id FROM contact")}
    finally:
        conn.close()
    missing = reported - present
    assert not missing, f"{len(missing)} committed contacts lost"
    db = Database.open(path)  # and the app can open it and write again
    db.close()


def run_rounds(db_path: Path, seed: int, backup_dir: Path | None) -> int:
    print(f"seed {seed}")  # shown on failure, to replay the same moments
    rng = random.Random(seed)
    reported: set[str] = set()
    backups: list[Path] = []
    for round_no in range(ROUNDS):
        writer = start("write", str(db_path), f"R{round_no}x", str(rng.randrange(1 << 30)))
        backer = start("backup", str(db_path), str(backup_dir)) if backup_dir else None
        first = [writer.stdout.readline()] if writer.stdout else []  # wait for one commit
        assert first[0].endswith("\n"), writer.stderr.read() if writer.stderr else ""
        time.sleep(rng.uniform(0.02, 0.5))
        if backer is not None:
            backups += [Path(p.strip()) for p in kill_and_collect(backer, [])]
        lines = kill_and_collect(writer, first)
        reported |= {line.strip() for line in lines}
        check_database(db_path, reported)
    if backup_dir is not None:
        assert backups, "no backup finished during the rounds"
        for path in backups:
            verify_file(path)  # every reported backup is complete and valid
        for path in backup_dir.glob("*.db"):
            verify_file(path)  # and nothing half-written carries a final name
    return len(reported)


def test_killed_writers_never_lose_committed_contacts(tmp_path: Path) -> None:
    db_path = tmp_path / "coordinator.db"
    Database.open(db_path).close()
    seed = random.randrange(1 << 30)
    count = run_rounds(db_path, seed, None)
    assert count > ROUNDS, f"seed {seed}"


def test_killed_writers_and_backups_never_lose_or_corrupt(tmp_path: Path) -> None:
    db_path = tmp_path / "coordinator.db"
    Database.open(db_path).close()
    seed = random.randrange(1 << 30)
    count = run_rounds(db_path, seed, tmp_path / "backups")
    assert count > ROUNDS, f"seed {seed}"


def test_a_restore_killed_midway_leaves_the_old_or_the_new_content(tmp_path: Path) -> None:
    from coordinator.backups import BackupManager
    from coordinator.services import Services

    from .conftest import add_contacts

    db_path = tmp_path / "coordinator.db"
    db = Database.open(db_path)
    services = Services(db)
    manager = BackupManager(db_path, tmp_path / "backups")
    first_ids = set(add_contacts(services, 40, "First"))
    first = manager.backup_to(tmp_path / "first.db")
    second_ids = first_ids | set(add_contacts(services, 200, "Second"))
    second = manager.backup_to(tmp_path / "second.db")
    db.close()
    seed = random.randrange(1 << 30)
    print(f"seed {seed}")
    rng = random.Random(seed)
    for _round in range(3):
        proc = start("restore", str(db_path), str(tmp_path / "backups"), str(first), str(second))
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.endswith("\n"), proc.stderr.read() if proc.stderr else ""
        time.sleep(rng.uniform(0.0, 0.3))
        kill_and_collect(proc, [line])
        conn = sqlite3.connect(db_path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            present = {r[0] for r in conn.execute("SELECT id FROM contact")}
        finally:
            conn.close()
        assert present in (first_ids, second_ids)
