"""Ctrl+C, SIGTERM and a closed terminal during `coordinator import contacts`.

Each test runs the real command in a child process on a generated file big enough to
take a few seconds, waits for the step it wants to interrupt (the command names each
step on stderr), sends the signal, and checks the exit code, the one line said and
that the database holds exactly what it held before.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.services import Services

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

HEADER = ["First Name", "Last Name", "Organization Name", "E-mail 1 - Label",
          "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value", "Labels", "Notes"]
CANCELLED = "Cancelled: nothing was imported."


def _word(seed: str, length: int) -> str:
    """A made-up name, far from every other (no two rows look like duplicates)."""
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return "".join(chr(ord("a") + int(c, 16)) for c in digest[:length]).capitalize()


def big_csv(path: Path, rows: int, note: str = "") -> Path:
    """A Google-layout CSV of `rows` distinct people at a few hundred organizations."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow([_word(f"g{i}", 7), _word(f"f{i}", 9),
                             f"Organization {i % 300}", "Work",
                             f"person{i}@example.org", "Mobile",
                             f"(214) {200 + i // 10000 % 700}-{i % 10000:04d}",
                             "Mobility ::: Research", note])
    return path


def count_contacts(db_path: Path) -> int:
    db = Database.open(db_path)
    try:
        return Services(db).contacts.count()
    finally:
        db.close()


def seeded(tmp_path: Path) -> tuple[Path, int]:
    """A database with a few contacts already in it (so an import backs up first)."""
    db_path = tmp_path / "coordinator.db"
    assert main(["--db", str(db_path), "import", "contacts",
                 str(big_csv(tmp_path / "seed.csv", 5))]) == 0
    return db_path, count_contacts(db_path)


def start_import(db_path: Path, file: Path, *, new_session: bool = False,
                 env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "coordinator", "--db", str(db_path), "import", "contacts",
         str(file)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})}, start_new_session=new_session)


def interrupt_at(proc: subprocess.Popen[str], marker: str, send, delay: float = 0.0) -> str:  # type: ignore[no-untyped-def]
    """Wait for `marker` on the child's stderr, then `send()`; all of stderr."""
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if marker in line:
            time.sleep(delay)
            send()
            break
    else:
        proc.wait()
        pytest.fail(f"the import ended before {marker!r}: {''.join(seen)}")
    seen.append(proc.stderr.read())
    proc.wait(timeout=60)
    return "".join(seen)


@pytest.mark.parametrize(("step", "signum", "delay"), [
    ("Reading", signal.SIGINT, 0.3),  # parsing the file
    ("Comparing", signal.SIGTERM, 0.3),  # planning against the database
    ("Saving", signal.SIGINT, 0.2),  # inside the write transaction: planning again
    ("Saving", signal.SIGTERM, 0.6),  # inside the write transaction: writing
    ("Saving", signal.SIGHUP, 0.4),  # the terminal was closed
])
def test_a_signal_cancels_the_import_and_saves_nothing(tmp_path: Path, step: str,
                                                       signum: int, delay: float) -> None:
    db_path, before = seeded(tmp_path)
    file = big_csv(tmp_path / "big.csv", 20_000)
    proc = start_import(db_path, file)
    err = interrupt_at(proc, step, lambda: proc.send_signal(signum), delay)
    assert proc.returncode == 130, err
    assert CANCELLED in err
    assert "Traceback" not in err
    assert count_contacts(db_path) == before


def test_ctrl_c_to_the_whole_terminal_group_during_a_pooled_parse(tmp_path: Path) -> None:
    """Ctrl+C reaches the parse workers too: they leave the cancel to the command."""
    db_path, before = seeded(tmp_path)
    file = big_csv(tmp_path / "big.csv", 24_000, note="x" * 200)  # a pooled parse
    proc = start_import(db_path, file, new_session=True,
                        env={"COORDINATOR_PARSE_WORKERS": "2"})
    err = interrupt_at(proc, "Reading", lambda: os.killpg(proc.pid, signal.SIGINT), 1.5)
    assert proc.returncode == 130, err
    assert CANCELLED in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert count_contacts(db_path) == before


def test_ctrl_c_while_an_import_updates_existing_contacts(tmp_path: Path) -> None:
    """A second import of the same people (with new notes) updates them all; Ctrl+C
    in its write transaction leaves every contact as it was."""
    db_path = tmp_path / "coordinator.db"
    assert main(["--db", str(db_path), "import", "contacts",
                 str(big_csv(tmp_path / "first.csv", 8_000))]) == 0
    before = count_contacts(db_path)
    proc = start_import(db_path, big_csv(tmp_path / "again.csv", 8_000, note="changed"))
    err = interrupt_at(proc, "Saving", lambda: proc.send_signal(signal.SIGINT), 0.3)
    assert proc.returncode == 130, err
    assert CANCELLED in err and "Traceback" not in err
    db = Database.open(db_path)
    try:
        assert Services(db).contacts.count() == before
        with db.read() as session:
            assert session.connection().exec_driver_sql(
                "SELECT count(*) FROM contact WHERE notes LIKE '%changed%'").scalar() == 0
    finally:
        db.close()


def test_ctrl_c_pressed_twice_cancels_once(tmp_path: Path) -> None:
    db_path, before = seeded(tmp_path)
    proc = start_import(db_path, big_csv(tmp_path / "big.csv", 20_000))

    def twice() -> None:
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)
        proc.send_signal(signal.SIGINT)

    err = interrupt_at(proc, "Reading", twice, 0.3)
    assert proc.returncode == 130, err
    assert err.count(CANCELLED) == 1 and "Traceback" not in err
    assert count_contacts(db_path) == before
