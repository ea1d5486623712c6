"""One writer per database: a lock file next to the database, and a file watch.

`DatabaseLock(db_path).acquire()` creates `<db>.lock` holding JSON
`{"pid", "host", "started", "token"}` (created complete in one step: written under a
temporary name and hard-linked into place, so no one ever reads half a lock). If the
lock exists:

- held by a process that no longer runs on this host -> a stale lock, removed and
  taken over automatically (logged);
- held by a live process, or by another host (which cannot be checked from here) ->
  `DatabaseInUse`, naming the process and host, so the UI can offer read-only use
  (`Database.open(path, read_only=True)`) or, for another host, `acquire(force=True)`.

`release()` removes the lock only if it is still ours. The CLI does not take the lock
to read; its writes wait on SQLite's busy timeout or fail clearly.

`FileWatch` notices the database file being deleted, moved or replaced while the app
runs (`check()` raises `DatabaseFileMissing`) so the app can stop and save a copy
(`coordinator.backups.save_open_database`) instead of writing into a lost file.

`open_locked(path)` is the app's way in: lock, open, watch; `.close()` gives all back.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from coordinator.errors import CoordinatorError
from coordinator.paths import PRIVATE_FILE_MODE

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".lock"
# A lock file that cannot be parsed and is older than this is treated as stale.
UNREADABLE_GRACE_S = 10.0


# Tokens of the locks this process holds: a lock naming our own pid but another token
# was left by an earlier process that had the same pid (containers reuse low pids).
_HELD_TOKENS: set[str] = set()


class DatabaseInUse(CoordinatorError):
    """Another Coordinator has this database open for writing."""

    def __init__(self, db_path: Path, holder: LockInfo) -> None:
        self.db_path = db_path
        self.holder = holder
        self.pid = holder.pid
        self.host = holder.host
        super().__init__(
            f"{db_path.name} is already open in Coordinator ({holder.describe()}). "
            "Open it read-only, or close the other Coordinator first."
        )


class LockError(CoordinatorError):
    """The lock file cannot be written (read-only or full disk...)."""


class DatabaseFileMissing(CoordinatorError):
    """The database file was deleted, moved or replaced while Coordinator had it open."""


def this_host() -> str:
    return socket.gethostname()


def _proc_start_time(pid: int) -> str | None:
    """Linux: the process start time in clock ticks, to tell a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    try:
        return stat[stat.rindex(")") + 2 :].split()[19]
    except (ValueError, IndexError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (never signals it)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to another user
    return True


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    started: str = ""
    token: str = ""
    proc_start: str | None = None

    def describe(self) -> str:
        where = "this computer" if self.host == this_host() else f"computer {self.host}"
        return f"process {self.pid} on {where}"

    def is_this_process(self) -> bool:
        return self.host == this_host() and self.pid == os.getpid()

    def is_stale(self) -> bool:
        """True only when we can tell for sure that the holder is gone."""
        if self.host != this_host():
            return False
        if self.pid == os.getpid():
            return self.token not in _HELD_TOKENS
        if not pid_alive(self.pid):
            return True
        now_start = _proc_start_time(self.pid)
        return bool(self.proc_start and now_start and now_start != self.proc_start)

    def to_json(self) -> str:
        return json.dumps(
            {"pid": self.pid, "host": self.host, "started": self.started,
             "token": self.token, "proc_start": self.proc_start}
        )

    @classmethod
    def from_json(cls, text: str) -> LockInfo:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("pid"), int):
            raise ValueError("not a lock")
        return cls(
            pid=data["pid"], host=str(data.get("host", "")), started=str(data.get("started", "")),
            token=str(data.get("token", "")), proc_start=data.get("proc_start"),
        )


class DatabaseLock:
    def __init__(self, db_path: Path | str) -> None:
        self.db_path = Path(db_path).expanduser().resolve()
        self.path = self.db_path.with_name(self.db_path.name + LOCK_SUFFIX)
        self.info: LockInfo | None = None  # ours, while held

    # -- reading ----------------------------------------------------------------------
    def read(self) -> LockInfo | None:
        """The lock as written, or None when there is none (or it is unreadable)."""
        try:
            return LockInfo.from_json(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def holder(self) -> LockInfo | None:
        """The live holder of the lock, or None when free or stale."""
        info = self.read()
        if info is None or info.is_stale():
            return None
        return info

    @property
    def held(self) -> bool:
        return self.info is not None

    # -- taking and giving back --------------------------------------------------------
    def acquire(self, *, force: bool = False) -> LockInfo:
        """Take the lock; recovers a stale one; raises `DatabaseInUse` if live."""
        if self.info is not None:
            return self.info
        mine = LockInfo(
            pid=os.getpid(), host=this_host(), started=datetime.now(UTC).isoformat(),
            token=secrets.token_hex(8), proc_start=_proc_start_time(os.getpid()),
        )
        _HELD_TOKENS.add(mine.token)  # before the file exists: no window where it looks stale
        try:
            return self._acquire(mine, force)
        except BaseException:
            _HELD_TOKENS.discard(mine.token)
            raise

    def _acquire(self, mine: LockInfo, force: bool) -> LockInfo:
        for _attempt in range(5):
            if self._create(mine):
                self.info = mine
                return mine
            current = self.read()
            if current is None:
                if not self._unreadable_is_old():
                    time.sleep(0.05)  # being written right now, or just removed
                    continue
                log.warning("Removing an unreadable lock file next to the database")
            elif force or current.is_stale():
                # pid only: a host name can carry a person's name, and logs hold none
                log.info("Recovering a %s lock (process %d)", "forced" if force else "stale",
                         current.pid)
            else:
                raise DatabaseInUse(self.db_path, current)
            self._remove_if(current)
        raise LockError(f"Could not take the lock {self.path.name}; try again.")

    def _create(self, mine: LockInfo) -> bool:
        tmp = self.path.with_name(f"{self.path.name}.{mine.token}.tmp")
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(mine.to_json())
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, self.path)  # atomic: fails if a lock exists
            except FileExistsError:
                return False
            except OSError:  # no hard links here: exclusive create, then write
                try:
                    fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE)
                except FileExistsError:
                    return False
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(mine.to_json())
            return True
        except FileExistsError:
            return False
        except OSError as exc:
            raise LockError(
                f"Cannot write the lock file next to {self.db_path.name}: "
                f"{exc.strerror or exc}. Check that the folder is writable and not full."
            ) from exc
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def _unreadable_is_old(self) -> bool:
        try:
            return time.time() - self.path.stat().st_mtime > UNREADABLE_GRACE_S
        except FileNotFoundError:
            return False  # gone meanwhile: just retry

    def _remove_if(self, expected: LockInfo | None) -> None:
        """Remove the lock file if it still holds `expected` (None: unreadable)."""
        if self.read() != expected:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def release(self) -> None:
        if self.info is None:
            return
        current = self.read()
        if current is not None and current.token == self.info.token:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        _HELD_TOKENS.discard(self.info.token)
        self.info = None

    def still_ours(self) -> bool:
        current = self.read()
        return self.info is not None and current is not None and current.token == self.info.token

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class FileWatch:
    """Remembers which file the database is; `check()` raises if it is no longer there."""

    def __init__(self, db_path: Path | str) -> None:
        self.db_path = Path(db_path).expanduser().resolve()
        self.identity = _identity(self.db_path)

    def check(self) -> None:
        now = _identity(self.db_path)
        if self.identity is None:
            self.identity = now
            return
        if now is None:
            raise DatabaseFileMissing(
                f"The database file {self.db_path} was deleted or moved while Coordinator "
                "was running. Nothing saved so far is lost: Coordinator still has it open "
                "and can save it again to that place."
            )
        if now != self.identity:
            raise DatabaseFileMissing(
                f"The database file {self.db_path} was replaced by another file while "
                "Coordinator was running. Reopen the database to use the new file."
            )

    def reset(self) -> None:
        self.identity = _identity(self.db_path)


@dataclass
class LockedDatabase:
    """What the app holds while a database is open: the database, its lock, its watch."""

    db: Any  # coordinator.db.Database
    lock: DatabaseLock | None  # None when opened read-only
    watch: FileWatch

    @property
    def read_only(self) -> bool:
        return self.lock is None

    def check(self) -> None:
        """Raise `DatabaseFileMissing` if the file went away, `LockError` if the lock did."""
        self.watch.check()
        if self.lock is not None and not self.lock.still_ours():
            raise LockError(
                f"The lock next to {self.watch.db_path.name} was removed or taken over by "
                "another program. Save your work and reopen the database."
            )

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            if self.lock is not None:
                self.lock.release()


def open_locked(
    path: Path | str, *, read_only: bool = False, force: bool = False
) -> LockedDatabase:
    """Open a database for the app: take the lock first (before any migration), then open.

    A file or folder that cannot be written (made read-only by its owner, another
    user's) is opened read-only without a lock; `db.read_only_reason` says why.
    Raises `DatabaseInUse` (with `.pid` / `.host`) when another Coordinator has it: the
    UI then offers `open_locked(path, read_only=True)` (no lock taken) or, for a lock of
    another computer the user knows is gone, `force=True`.
    """
    from coordinator.db import Database
    from coordinator.db.inspect import check_regular_file, read_only_reason

    target = Path(path).expanduser().resolve()
    check_regular_file(target)  # a pipe or device: refused before any lock file exists
    if read_only_reason(target) is not None:
        read_only = True  # a file or folder that cannot be written: no lock, read it only
    lock = None
    if not read_only:
        lock = DatabaseLock(path)
        lock.acquire(force=force)
    try:
        db = Database.open(path, read_only=read_only)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return LockedDatabase(db, lock, FileWatch(db.path))
