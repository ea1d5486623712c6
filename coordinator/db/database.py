"""The open database: engine, units of work, and change notification.

`Database.open(path)` checks the file (refusing foreign, damaged and newer files
without touching them), takes a backup and migrates when the schema is older, and
returns a ready database. `read()` and `write()` give short-lived sessions; `write()`
starts with BEGIN IMMEDIATE and, after the commit, tells listeners what changed.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from coordinator import paths, writegate
from coordinator.changes import ChangeSet
from coordinator.db import last_touch, migrate
from coordinator.db.backup import (
    backup_database,
    sqlite_uri,
    storage_error,
    timestamped_name,
)
from coordinator.db.engine import BEGIN_OPTION, BUSY_TIMEOUT_MS, make_engine
from coordinator.db.inspect import (
    FileState,
    inspect_file,
    leaving_no_trace,
    read_only_reason,
    read_only_uri,
)
from coordinator.errors import CoordinatorError, DatabaseOpenError, SchemaTooNew
from coordinator.lock import FileWatch

log = logging.getLogger(__name__)

ChangeListener = Callable[[ChangeSet], None]


# A VACUUM after a large delete when free pages are at least this share of the file...
RECLAIM_FREE_FRACTION = 0.25
# ...and at least this much (below, the file is small enough not to matter).
RECLAIM_MIN_BYTES = 8 << 20


class DatabaseBusy(CoordinatorError):
    pass


class ReadOnlyDatabase(CoordinatorError):
    pass


class Database:
    def __init__(self, path: Path, engine: Engine, *, read_only: bool = False) -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self._write_engine = engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
        # SQLite keeps writing into a deleted or moved file and loses those writes on
        # close: every write unit first checks the file is still where it was.
        self.watch = None if read_only else FileWatch(path)
        self._listeners: list[ChangeListener] = []
        self._local = threading.local()
        self.last_backup: Path | None = None
        self._version_conn: sqlite3.Connection | None = None
        self._version_lock = threading.Lock()

    # -- opening -----------------------------------------------------------------
    # Why the file or its folder cannot be written (it is then open read-only); None
    # when it could be written (read-only only if that was asked for).
    read_only_reason: str | None = None

    @classmethod
    def open(
        cls, path: Path | str, *, backup_dir: Path | None = None, read_only: bool = False
    ) -> Database:
        """Open `path`; a file or folder that cannot be written opens read-only.

        Refused files (`DatabaseOpenError`) are left as they were, with nothing new
        beside them. A file its owner made read-only (or another user's, or one in a
        read-only folder) is opened read-only, never re-permissioned: `read_only` is
        then True and `read_only_reason` says why.
        """
        path = Path(path).expanduser().resolve()
        last_backup = None
        with leaving_no_trace(path):
            state = inspect_file(path)
            if state.revision is not None and state.revision not in migrate.known_revisions():
                raise SchemaTooNew(
                    f"{path.name} was saved by a newer version of Coordinator (schema "
                    f"{state.revision}). Update Coordinator to open it; the file was not "
                    "changed."
                )
            reason = read_only_reason(path)
            if read_only or reason is not None:
                _check_readable_as_it_is(path, state, reason)
            else:
                last_backup = _prepare_for_writing(path, state, backup_dir)
        writable = not read_only and reason is None
        db = cls(path, make_engine(path, read_only=not writable), read_only=not writable)
        db.read_only_reason = reason
        db.last_backup = last_backup
        if writable:
            last_touch.keep_current(db)
        return db

    def close(self) -> None:
        if not self.read_only:
            self.optimize()
        with self._version_lock:
            if self._version_conn is not None:
                self._version_conn.close()
                self._version_conn = None
        self.engine.dispose()

    # Statistics and VACUUM go through a raw connection in autocommit: SQLAlchemy would
    # open a transaction around them and roll it back on close, and statistics written
    # inside a rolled-back transaction are gone (every close then redid the analysis).
    def _maintain(self, sql: str) -> bool:
        if self.read_only:
            return False
        try:
            with writegate.writing(self.path, BUSY_TIMEOUT_MS / 1000), self.raw() as conn:
                conn.execute(sql)
        except (sqlite3.OperationalError, writegate.GateBusy) as exc:
            log.warning("database maintenance skipped (%s): %s", sql.split()[0], exc)
            return False
        return True

    def optimize(self) -> None:
        """Refresh the query planner's statistics (cheap; SQLite decides what to redo)."""
        self._maintain("PRAGMA optimize")

    def analyze(self) -> None:
        """Full statistics after bulk loads, so name order uses its index, not a sort."""
        self._maintain("ANALYZE")

    def free_space(self) -> tuple[int, int]:
        """(bytes in the file, bytes of it that are free pages)."""
        with self.raw() as conn:
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        return pages * page_size, free * page_size

    def reclaim_space(self, *, min_fraction: float = RECLAIM_FREE_FRACTION,
                      min_bytes: int = RECLAIM_MIN_BYTES) -> int:
        """Give free pages back to the disk after a large delete (Trash emptied, an
        import undone): VACUUM when free pages are at least `min_fraction` of the file
        and `min_bytes`. Returns the bytes given back (0 when not worth it, or busy).
        Takes about a second per few hundred MB: never call it on the GUI thread."""
        if self.read_only or getattr(self._local, "session", None) is not None:
            return 0
        size, free = self.free_space()
        if free < min_bytes or free < size * min_fraction:
            return 0
        if not self._maintain("VACUUM"):
            return 0
        self._maintain("PRAGMA wal_checkpoint(TRUNCATE)")
        after, _ = self.free_space()
        log.info("Reclaimed %d MB after a large delete", (size - after) // (1 << 20))
        return max(0, size - after)

    # -- units of work -------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read unit of work; inside a write on this thread, that write's session, so a
        service called from another service sees what the write has done so far."""
        outer = getattr(self._local, "session", None)
        if outer is not None:
            yield outer
            return
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def data_version(self) -> int | None:
        """A number that changes whenever anyone (this process or another) commits.

        Read through a connection of its own that never writes: SQLite's
        `PRAGMA data_version` changes on a connection when *other* connections commit.
        None inside a write unit on this thread (its changes are not committed yet).
        """
        if getattr(self._local, "session", None) is not None:
            return None
        with self._version_lock:
            if self._version_conn is None:
                uri = read_only_uri(self.path) if self.read_only else sqlite_uri(self.path, "rw")
                self._version_conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            return int(self._version_conn.execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """A pooled sqlite3 connection for latency-bound reads (search as you type)."""
        pooled = self.engine.raw_connection()
        try:
            yield pooled.driver_connection  # type: ignore[misc]
        finally:
            pooled.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write unit of work: commits on success, rolls back on error, then notifies.

        Nested calls join the outer unit of work, so a service can call another.
        """
        outer = getattr(self._local, "session", None)
        if outer is not None:
            yield outer
            return
        if self.read_only:
            raise ReadOnlyDatabase("This database is open read-only; changes cannot be saved.")
        if self.watch is not None:
            self.watch.check()
        changes = ChangeSet()
        try:
            # Shared with other writers, exclusive of a restore replacing the file, so
            # a restore's safety copy never misses a commit (coordinator.writegate).
            with writegate.writing(self.path, BUSY_TIMEOUT_MS / 1000), Session(
                self._write_engine, expire_on_commit=False
            ) as session:
                session.info["changes"] = changes
                self._local.session = session
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise DatabaseBusy(
                    "The database is busy with another program; try again in a moment."
                ) from exc
            clear = storage_error(exc.orig or exc, "save the change")
            if clear is not None:
                raise clear from exc
            raise
        finally:
            self._local.session = None
        if changes:
            for listener in list(self._listeners):
                try:
                    listener(changes)
                except Exception:  # a listener must never undo a committed write
                    log.exception("change listener failed")

    def subscribe(self, listener: ChangeListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None


def _check_readable_as_it_is(path: Path, state: FileState, reason: str | None) -> None:
    """Refuse what cannot be used without writing: a missing, empty or older file."""
    if not state.exists:
        if reason is not None:
            raise DatabaseOpenError(
                f"Cannot create {path.name}: {reason}. Choose a folder you can write to."
            )
        raise DatabaseOpenError(f"No database at {path}.")
    why = f"{path.name} is read-only ({reason})" if reason else f"{path.name} is opened read-only"
    if state.empty:
        raise DatabaseOpenError(
            f"{why} and holds no Coordinator data yet, so it cannot be started. Make it "
            "writable, or choose another file; it was not changed."
        )
    if state.revision != migrate.head_revision():
        raise DatabaseOpenError(
            f"{why} and was saved by an older version of Coordinator; it must be upgraded "
            "once before this version can show it. Make it writable and open it again; "
            "it was not changed."
        )


def _prepare_for_writing(path: Path, state: FileState, backup_dir: Path | None
                         ) -> Path | None:
    """Create, back up and migrate as needed; finish an interrupted checkpoint.

    Returns the backup taken before a migration, if any.
    """
    last_backup = None
    if not state.exists:
        if not path.parent.is_dir():
            raise DatabaseOpenError(f"The folder {path.parent} does not exist.")
        try:
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, paths.PRIVATE_FILE_MODE)
        except OSError as exc:
            clear = storage_error(exc, f"create {path.name}")
            raise DatabaseOpenError(str(clear or f"Cannot create {path}: {exc.strerror}.")
                                    ) from exc
        os.close(fd)
    if state.interrupted_checkpoint:
        _finish_checkpoint(path)
    if state.revision != migrate.head_revision():
        if not state.empty:
            from coordinator.backups import backup_dir_for  # imports this module

            dest_dir = backup_dir or backup_dir_for(path)
            last_backup = backup_database(
                path, dest_dir / timestamped_name(path, "before-migration")
            )
            log.info("Backed up before migrating to %s", last_backup.name)
        migrate.upgrade(path)
    for suffix in ("", "-wal", "-shm"):
        paths.make_private(Path(str(path) + suffix))
    return last_backup


def _finish_checkpoint(path: Path) -> None:
    """Copy the pages an interrupted checkpoint left in the -wal file into the main file.

    Not needed for correctness (SQLite reads them from the -wal file meanwhile), so a
    failure (disk still full, a reader holding old pages) is only logged.
    """
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        log.warning("could not finish an interrupted checkpoint: %s", exc)
        return
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        log.info("finished a checkpoint that had been interrupted")
    except sqlite3.Error as exc:
        log.warning("could not finish an interrupted checkpoint: %s", exc)
    finally:
        conn.close()
