"""The crash-proof guarantee: tests/ui/explore.py drives every view and every editor on
a copy of the sample coalition, in a subprocess, so that a segmentation fault or a
stack overflow fails this test (with faulthandler's trace) instead of killing pytest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXPLORER = Path(__file__).with_name("explore.py")
ROOT = Path(__file__).resolve().parents[2]
# About 50 s here; the margin is for a busy machine. After WATCHDOG_S the explorer prints
# every thread's stack and exits (a hang); it stops exploring a little before that and
# reports what it did not reach.
WATCHDOG_S = 150
TIMEOUT_S = 180


def test_exploring_every_view_and_editor_finds_no_problem(sample_db_path: Path,
                                                          tmp_path: Path) -> None:
    db = sample_db_path  # a fresh copy of the sample coalition: the explorer edits it
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "COORDINATOR_HOME": str(tmp_path / "home"), "PYTHONFAULTHANDLER": "1"}
    done = subprocess.run(
        [sys.executable, str(EXPLORER), "--db", str(db), "--timeout", str(WATCHDOG_S)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    noise = ("This plugin does not support",)
    stderr = "\n".join(line for line in done.stderr.splitlines()
                       if not line.startswith(noise))
    assert done.returncode == 0, (
        f"the explorer exited with {done.returncode}"
        + (" (killed by a signal: a crash, see the trace below)" if done.returncode < 0 else "")
        + f"\n--- stdout ---\n{done.stdout[-12000:]}\n--- stderr ---\n{stderr[-12000:]}")
    assert "no problems" in done.stdout
