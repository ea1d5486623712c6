"""Ctrl+C as `coordinator duplicates --merge-all-above` commits its merges.

A signal that arrives while the batch commits must not be reported as a cancel when
the merges were saved: the command says they were saved, how to undo them, and exits
130. The child process is the real command; it sends itself SIGINT from a change
listener, which runs right after the commit inside the write (where a Ctrl+C pressed
during the commit is handled).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coordinator.db import Database
from coordinator.formats import batches
from coordinator.services import Services
from coordinator.services.records import ContactData, EmailData

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

CHILD = """
import os, signal, sys
from coordinator.cli import main
from coordinator.db import database

opened = database.Database.open.__func__

def open_with_ctrl_c_at_commit(cls, *args, **kwargs):
    db = opened(cls, *args, **kwargs)
    db.subscribe(lambda changes: os.kill(os.getpid(), signal.SIGINT)
                 if changes.touches("contact") else None)
    return db

database.Database.open = classmethod(open_with_ctrl_c_at_commit)
sys.exit(main(sys.argv[1:]))
"""


CHILD_IN_WRITE = """
import os, signal, sys
from coordinator.cli import main
from coordinator.formats import merge_batch

write = merge_batch._write

def write_with_ctrl_c(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    return write(*args, **kwargs)

merge_batch._write = write_with_ctrl_c
sys.exit(main(sys.argv[1:]))
"""


def _run(child: str, db_path: Path) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-c", child, "--db", str(db_path), "duplicates",
         "--merge-all-above", "90"],
        capture_output=True, text=True, timeout=120, cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)})


def _with_duplicates(path: Path) -> None:
    db = Database.open(path)
    s = Services(db)
    for i in range(5):
        for given in ("Ada", "ADA", "Adá"):
            s.contacts.create(ContactData(given_name=given, family_name=f"Lovelace{i}",
                                          emails=[EmailData(f"ada{i}@example.org")]))
    db.close()


def _state(path: Path) -> tuple[int, list[str]]:
    db = Database.open(path)
    try:
        return Services(db).contacts.count(), [b.format for b in batches.list_batches(db)]
    finally:
        db.close()


def test_ctrl_c_during_the_commit_says_the_merges_were_saved(db_path: Path) -> None:
    _with_duplicates(db_path)
    done = _run(CHILD, db_path)
    assert _state(db_path) == (5, ["merge"])  # the merges were committed
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert "Cancelled" not in done.stderr
    assert "Merged 10 pairs" in done.stdout
    assert "interrupted after the merges were saved" in done.stderr
    assert "coordinator import undo" in done.stderr


def test_ctrl_c_while_the_merges_are_written_saves_none_of_them(db_path: Path) -> None:
    _with_duplicates(db_path)
    done = _run(CHILD_IN_WRITE, db_path)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "Cancelled: nothing was merged."
    assert _state(db_path) == (15, [])
