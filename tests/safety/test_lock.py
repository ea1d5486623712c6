"""One writer per database: the lock file next to the database, stale-lock recovery,
live-lock detection naming pid and host, and the file watch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from coordinator import lock as lockmod
from coordinator.lock import DatabaseFileMissing, DatabaseInUse, DatabaseLock, FileWatch, LockInfo


@pytest.fixture
def dbfile(tmp_path: Path) -> Path:
    path = tmp_path / "coordinator.db"
    path.write_bytes(b"")
    return path


@pytest.fixture
def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def live_process() -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def write_lock(lock: DatabaseLock, pid: int, host: str | None = None) -> None:
    lock.path.write_text(json.dumps({"pid": pid, "host": host or lockmod.this_host(),
                                     "started": "2026-01-01T00:00:00+00:00", "token": "x"}))


def test_acquire_writes_pid_and_host_privately_and_release_removes_it(dbfile: Path) -> None:
    lock = DatabaseLock(dbfile)
    info = lock.acquire()
    assert lock.path == dbfile.with_name("coordinator.db.lock")
    data = json.loads(lock.path.read_text())
    assert data["pid"] == os.getpid() == info.pid
    assert data["host"] == lockmod.this_host()
    if os.name == "posix":
        assert lock.path.stat().st_mode & 0o777 == 0o600
    assert not list(dbfile.parent.glob("*.tmp"))
    lock.release()
    assert not lock.path.exists()


def test_stale_lock_from_a_dead_process_is_recovered(dbfile: Path, dead_pid: int) -> None:
    lock = DatabaseLock(dbfile)
    write_lock(lock, dead_pid)
    assert lock.holder() is None  # stale: nobody holds it
    info = lock.acquire()
    assert info.pid == os.getpid()
    assert json.loads(lock.path.read_text())["pid"] == os.getpid()
    lock.release()


def test_live_lock_raises_naming_pid_and_host(
    dbfile: Path, live_process: subprocess.Popen[bytes]
) -> None:
    lock = DatabaseLock(dbfile)
    write_lock(lock, live_process.pid)
    with pytest.raises(DatabaseInUse) as caught:
        DatabaseLock(dbfile).acquire()
    err = caught.value
    assert err.pid == live_process.pid and err.host == lockmod.this_host()
    assert str(live_process.pid) in str(err) and "read-only" in str(err)
    assert json.loads(lock.path.read_text())["pid"] == live_process.pid  # untouched


def test_second_instance_in_another_process_is_detected(dbfile: Path) -> None:
    # A real second process tries to take the lock this process holds.
    with DatabaseLock(dbfile):
        code = (
            "import sys; from coordinator.lock import DatabaseLock, DatabaseInUse\n"
            "try:\n    DatabaseLock(sys.argv[1]).acquire()\n"
            "except DatabaseInUse as e:\n    print(e.pid); sys.exit(3)\n"
        )
        out = subprocess.run([sys.executable, "-c", code, str(dbfile)], capture_output=True,
                             text=True, cwd=Path(__file__).resolve().parents[2], timeout=30)
        assert out.returncode == 3, out.stderr
        assert out.stdout.strip() == str(os.getpid())


def test_lock_of_another_host_is_not_taken_unless_forced(dbfile: Path) -> None:
    lock = DatabaseLock(dbfile)
    write_lock(lock, 4242, host="other-laptop")
    with pytest.raises(DatabaseInUse, match="computer other-laptop"):
        DatabaseLock(dbfile).acquire()
    mine = DatabaseLock(dbfile)
    assert mine.acquire(force=True).pid == os.getpid()
    mine.release()


def test_unreadable_old_lock_is_recovered(dbfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lock = DatabaseLock(dbfile)
    lock.path.write_text("")  # a crash while writing an old-style lock
    monkeypatch.setattr(lockmod, "UNREADABLE_GRACE_S", -1.0)
    assert lock.acquire().pid == os.getpid()
    lock.release()


def test_release_leaves_a_lock_that_is_no_longer_ours(dbfile: Path, dead_pid: int) -> None:
    lock = DatabaseLock(dbfile)
    lock.acquire()
    write_lock(lock, dead_pid)  # someone took it over meanwhile
    assert not lock.still_ours()
    lock.release()
    assert lock.path.exists()


def test_only_one_of_many_racing_acquirers_wins(dbfile: Path) -> None:
    # Same process, so pid liveness cannot separate them: exactly one create wins.
    wins: list[LockInfo] = []
    losses: list[Exception] = []
    barrier = threading.Barrier(8)

    def run() -> None:
        barrier.wait()
        try:
            wins.append(DatabaseLock(dbfile).acquire())
        except DatabaseInUse as exc:
            losses.append(exc)

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and len(losses) == 7


def test_lock_in_a_read_only_folder_fails_clearly(
    dbfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    real_open = os.open

    def refuse(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if str(path).startswith(str(dbfile) + ".lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(lockmod.LockError, match="writable"):
        DatabaseLock(dbfile).acquire()


def test_file_watch_notices_deleted_moved_and_replaced_files(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(b"one")
    watch = FileWatch(path)
    watch.check()
    moved = tmp_path / "moved.db"
    path.rename(moved)
    with pytest.raises(DatabaseFileMissing, match="deleted or moved"):
        watch.check()
    path.write_bytes(b"other")  # a different file under the same name
    with pytest.raises(DatabaseFileMissing, match="replaced"):
        watch.check()
    watch.reset()
    watch.check()


def test_open_locked_takes_the_lock_and_a_second_open_is_offered_read_only(
    tmp_path: Path, dead_pid: int
) -> None:
    from coordinator.services import Services

    path = tmp_path / "app.db"
    DatabaseLock(path).path.write_text(json.dumps({"pid": dead_pid, "host": lockmod.this_host()}))
    first = lockmod.open_locked(path)  # a stale lock from a crash is recovered
    try:
        assert not first.read_only and first.lock is not None and first.lock.still_ours()
        # a second instance in another process would get DatabaseInUse; simulate its view:
        other = DatabaseLock(path)
        other_info = other.read()
        assert other_info is not None and other_info.pid == os.getpid()
        viewer = lockmod.open_locked(path, read_only=True)
        try:
            assert viewer.read_only and viewer.lock is None
            assert Services(viewer.db).contacts.count() == 0
        finally:
            viewer.close()
        first.check()
        first.lock.path.unlink()  # someone removed our lock
        with pytest.raises(lockmod.LockError, match="removed or taken over"):
            first.check()
    finally:
        first.close()
    assert not DatabaseLock(path).path.exists()


def test_open_locked_releases_the_lock_when_opening_fails(tmp_path: Path) -> None:
    from coordinator.errors import NotACoordinatorDatabase

    path = tmp_path / "notes.db"
    path.write_text("not a database")
    with pytest.raises(NotACoordinatorDatabase):
        lockmod.open_locked(path)
    assert not DatabaseLock(path).path.exists()


def test_lock_naming_our_own_pid_from_an_earlier_process_is_stale(dbfile: Path) -> None:
    # In a container the app may get the same pid after a crash and restart.
    lock = DatabaseLock(dbfile)
    write_lock(lock, os.getpid())
    assert lock.holder() is None
    assert lock.acquire().pid == os.getpid()
    assert DatabaseLock(dbfile).holder() is not None  # now it is really ours
    lock.release()
