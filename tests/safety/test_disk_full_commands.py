"""A full disk during `coordinator import` and `coordinator export`, for real: the child
process runs with a file-size limit (RLIMIT_FSIZE), so the OS refuses to grow any file
past it, as on a full disk. The command says so in one line, the database is intact with
everything saved before, and no half-written file is left."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coordinator.db import Database
from coordinator.services import Services

from .conftest import add_contacts

pytestmark = pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE is POSIX")

ROOT = Path(__file__).resolve().parents[2]

# Runs `coordinator ARGS...` with files limited to EXTRA bytes beyond the largest of the
# database and its -wal right now (a negative EXTRA: to that many bytes in all).
LIMITED = """
import os, resource, signal, sys
from coordinator.cli import main
db, extra, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
sizes = [os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p)]
limit = max(sizes) + extra if extra >= 0 else -extra  # negative: an absolute limit
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
sys.exit(main(["--db", db, *args]))
"""


def run_limited(db: Path, extra: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", LIMITED, str(db), str(extra), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture
def db_with_people(home: Path, tmp_path: Path) -> Path:
    path = tmp_path / "coalition.db"
    db = Database.open(path)
    add_contacts(Services(db), 40, "Saved")
    db.close()
    return path


def state(path: Path) -> tuple[str, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0],
                conn.execute("SELECT count(*) FROM contact").fetchone()[0])
    finally:
        conn.close()


def test_an_import_on_a_full_disk_saves_nothing_and_says_why(
    db_with_people: Path, tmp_path: Path
) -> None:
    source = tmp_path / "people.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["First Name", "Last Name", "E-mail Address", "Notes"])
        for i in range(3000):
            out.writerow([f"New{i}", "Person", f"new{i}@example.org", "n" * 400])
    done = run_limited(db_with_people, 100_000, "import", "contacts", str(source),
                       "--duplicates", "skip")
    assert done.returncode == 1, done.stdout + done.stderr
    message = done.stderr.strip().splitlines()[-1]
    assert "full" in message and "Nothing already saved was lost" in message, message
    assert "Traceback" not in done.stderr
    assert state(db_with_people) == ("ok", 40)  # all or nothing: nothing
    assert [p.name for p in db_with_people.parent.iterdir() if "partial" in p.name] == []


def test_an_export_on_a_full_disk_leaves_no_partial_file_and_says_why(
    db_with_people: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "people.vcf"
    target.parent.mkdir()
    target.write_text("an earlier export\n")
    done = run_limited(db_with_people, -4096, "export", "contacts", "--format", "vcard4",
                       "-o", str(target))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert target.read_text() == "an earlier export\n"  # the earlier file is untouched
    assert [p.name for p in target.parent.iterdir()] == ["people.vcf"]
    assert state(db_with_people) == ("ok", 40)
