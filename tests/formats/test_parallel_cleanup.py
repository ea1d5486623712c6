"""A killed import leaves no parse processes behind: the fork server, the workers (even
one busy on a long part) and multiprocessing's resource tracker all end with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="parent-death signal is Linux's")

SCRIPT = textwrap.dedent("""
    import multiprocessing.forkserver as forkserver
    import multiprocessing.resource_tracker as tracker
    import time

    from coordinator.formats import parallel

    if __name__ == "__main__":
        pool = parallel._Pool(2)
        while pool.executor is None and not pool.failed:
            time.sleep(0.05)
        assert not pool.failed
        pool.executor.submit(time.sleep, 120)  # a worker busy on a very long part
        time.sleep(0.5)
        pids = [forkserver._forkserver._forkserver_pid, tracker._resource_tracker._pid,
                *pool.executor._processes]
        print(*pids, flush=True)
        time.sleep(120)
""")


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_parse_processes_die_with_a_killed_parent(tmp_path: Path) -> None:
    script = tmp_path / "pooled.py"
    script.write_text(SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "COORDINATOR_PARSE_WORKERS": "2"})
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 4, pids  # fork server, resource tracker, two workers
    try:
        time.sleep(1.5)  # they run on while their parent lives
        assert [pid for pid in pids if _gone(pid)] == []
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(_gone(pid) for pid in pids):
            time.sleep(0.1)
        assert [pid for pid in pids if not _gone(pid)] == []
    finally:
        for pid in pids:  # never leave them running, even when the test fails
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
