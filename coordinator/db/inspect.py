"""Look at a database file without changing it: is it ours, and at which schema?

Nothing here writes the file or leaves anything next to it. A pipe, a device or a
folder is refused before it is read (reading a pipe would wait forever). A WAL
database without a `-wal` file is read as immutable, so SQLite creates no `-wal` or
`-shm` beside a file that may be refused; with a `-wal` file SQLite reads the pages
it holds. A main file shorter than its header says is normal after a checkpoint that
was interrupted (killed, power cut, disk full: page 1 is written before the file
grows): when a `-wal` file is there, SQLite's `integrity_check` decides whether the
database is damaged; without one, it is a truncated copy.

`read_only_reason(path)` says why a file cannot be written here (its owner made it
read-only, it belongs to another user, its folder is read-only), or None;
`read_only_uri(path)` is how to read such a file without leaving files beside it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from coordinator.db.backup import sqlite_uri
from coordinator.errors import CorruptDatabase, DatabaseOpenError, NotACoordinatorDatabase

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x436F6F72
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
WAL_VERSION = 2  # header bytes 18 and 19 of a database in WAL mode


class UnreadableDatabase(DatabaseOpenError):
    """The file cannot be read by this user, or not from this folder."""


@dataclass(frozen=True)
class FileState:
    exists: bool
    empty: bool  # no file, a zero-byte file, or an SQLite file without tables
    revision: str | None
    # the main file is shorter than its header says and its pages are in the -wal file
    interrupted_checkpoint: bool = False


def companion(path: Path, suffix: str) -> Path:
    return Path(f"{path}{suffix}")


def _describe_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def _refuse_kind(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise NotACoordinatorDatabase(f"{path} is a folder, not a Coordinator database.")
    if not stat.S_ISREG(mode):
        raise NotACoordinatorDatabase(
            f"{path} is not a regular file ({_describe_kind(mode)}), so it cannot be a "
            "Coordinator database."
        )


def _no_permission(path: Path) -> UnreadableDatabase:
    return UnreadableDatabase(
        f"You do not have permission to read {path}. Ask its owner to share it, or "
        "choose a copy of your own."
    )


def check_regular_file(path: Path) -> bool:
    """True if `path` is a regular file (links followed), False if it does not exist.

    Raises `NotACoordinatorDatabase` for a folder, pipe, device or socket, before
    anything reads it or creates a lock next to it.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except PermissionError as exc:
        raise _no_permission(path) from exc
    except OSError as exc:
        raise UnreadableDatabase(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    _refuse_kind(path, mode)
    return True


def _read_header(path: Path) -> tuple[bytes, int]:
    """The first 100 bytes and the size; never blocks (a pipe swapped in is refused)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except PermissionError as exc:
        raise _no_permission(path) from exc
    except OSError as exc:
        raise UnreadableDatabase(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        info = os.fstat(fd)
        _refuse_kind(path, info.st_mode)
        return os.read(fd, 100), info.st_size
    except OSError as exc:
        raise UnreadableDatabase(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    finally:
        os.close(fd)


def _owner_made_read_only(info: os.stat_result) -> bool:
    """Ours, and its owner-write bit is off: respected even by root, who could write it."""
    return (os.name == "posix" and info.st_uid == os.geteuid()
            and not info.st_mode & stat.S_IWUSR)


def read_only_reason(path: Path) -> str | None:
    """Why `path` (existing or to be created) cannot be written from here, or None.

    A database is written together with its `-wal` and `-shm` files, so its folder
    must be writable too.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError:
        info = None
    if info is not None:
        if _owner_made_read_only(info) or (os.name != "posix" and not os.access(path, os.W_OK)):
            return "the file is read-only"
        if not os.access(path, os.W_OK):
            return "the file is read-only for you (it belongs to another user)"
    folder = path.parent
    if os.name != "posix":  # Windows' read-only flag on a folder does not stop writes
        return None
    try:
        folder_info = os.stat(folder)
    except OSError:
        return None  # a missing folder is reported when the file is created
    if _owner_made_read_only(folder_info) or not os.access(folder, os.W_OK | os.X_OK):
        return f"its folder {folder} is read-only"
    return None


def connect_to_read(path: Path, **kwargs: object) -> sqlite3.Connection:
    """A sqlite3 connection that only reads `path` and leaves no -wal or -shm behind.

    A file that may be written is opened read-write but `query_only` (SQLite refuses
    every write): when it is the last connection to close, SQLite checkpoints the WAL
    and removes both side files, as it does for any writer. A mode=ro connection to a
    WAL database creates them too but may not remove them, so they stayed beside a
    database nobody had open. A file that may not be written opens as `read_only_uri`.
    """
    if read_only_reason(path) is not None:
        return sqlite3.connect(read_only_uri(path), uri=True, **kwargs)  # type: ignore[arg-type]
    conn = sqlite3.connect(sqlite_uri(path, "rw"), uri=True, **kwargs)  # type: ignore[arg-type]
    try:
        conn.execute("PRAGMA query_only=ON")
    except BaseException:
        conn.close()
        raise
    return conn


def read_only_uri(path: Path) -> str:
    """The URI for reading `path` without writing (percent-encoded: names with ?, # or %
    open the right file).

    A file or folder that cannot be written, without a -wal file, is opened immutable:
    nobody can be changing it, and SQLite then creates no -wal or -shm beside it (which
    a read-only folder would not even allow).
    """
    uri = sqlite_uri(path, "ro")
    if not companion(path, "-wal").exists() and read_only_reason(path) is not None:
        uri += "&immutable=1"
    return uri


@contextlib.contextmanager
def leaving_no_trace(path: Path) -> Iterator[None]:
    """When a `DatabaseOpenError` ends the block, remove the `-wal`, `-shm` and `-journal`
    files that appeared during it (an empty `-wal` or `-journal` only: one with content
    belongs to a program writing the file)."""
    before = {suffix for suffix in COMPANION_SUFFIXES if companion(path, suffix).exists()}
    try:
        yield
    except DatabaseOpenError:
        for suffix in COMPANION_SUFFIXES:
            extra = companion(path, suffix)
            if suffix in before:
                continue
            with contextlib.suppress(OSError):
                if suffix == "-shm" or extra.stat().st_size == 0:
                    extra.unlink()
        raise


def inspect_file(path: Path) -> FileState:
    """Classify `path` read-only. Raises a `DatabaseOpenError` for files we must not touch."""
    if not check_regular_file(path):
        return FileState(exists=False, empty=True, revision=None)
    header, size = _read_header(path)
    if size == 0:
        return FileState(exists=True, empty=True, revision=None)
    if not header.startswith(SQLITE_MAGIC):
        raise NotACoordinatorDatabase(
            f"{path.name} is not a Coordinator database (it is not an SQLite file)."
        )
    if len(header) < 100:
        raise CorruptDatabase(f"{path.name} is damaged: its header is cut short.")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count, = struct.unpack(">I", header[28:32])
    change_counter, = struct.unpack(">I", header[24:28])
    valid_for, = struct.unpack(">I", header[92:96])
    short = bool(page_count) and valid_for == change_counter and size < page_count * page_size
    wal = companion(path, "-wal")
    has_wal = wal.exists()
    if short and not (has_wal and wal.stat().st_size > 0):
        raise CorruptDatabase(
            f"{path.name} is damaged: it is shorter than its header says (truncated copy?)."
        )
    # Without a -wal file every page is in the main file: read it as immutable, which
    # creates no -wal or -shm beside it and works in a read-only folder.
    immutable = not has_wal and header[18] == header[19] == WAL_VERSION
    with leaving_no_trace(path):
        try:
            empty, revision = _read_schema(path, immutable=immutable, check_integrity=short)
        except CorruptDatabase as first:
            if not immutable:
                raise
            # A writer may have started (and checkpointed) while the file was read as
            # immutable: read it once more the ordinary way before calling it damaged.
            try:
                empty, revision = _read_schema(path, immutable=False, check_integrity=short)
            except DatabaseOpenError:
                raise first from None
    return FileState(exists=True, empty=empty, revision=revision,
                     interrupted_checkpoint=short)


def _open_failure(path: Path, exc: sqlite3.Error) -> DatabaseOpenError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseOpenError(
            f"{path.name} is busy: another program is writing it. Try again in a moment."
        )
    reason = read_only_reason(path)
    has_wal = companion(path, "-wal").exists()
    if reason is not None and has_wal and ("readonly" in text or "unable to open" in text):
        return UnreadableDatabase(
            f"{path.name} cannot be read here: {reason}, and its most recent changes are "
            f"still in {path.name}-wal, which SQLite can only read from a writable folder. "
            "Copy both files to a folder of your own and open the copy."
        )
    if reason is not None and ("readonly" in text or "unable to open" in text):
        return UnreadableDatabase(f"{path.name} cannot be read here ({reason}): {exc}.")
    if "unable to open" in text:
        return UnreadableDatabase(f"{path.name} cannot be opened: {exc}.")
    return CorruptDatabase(f"{path.name} is damaged and cannot be read: {exc}.")


def _read_schema(path: Path, *, immutable: bool, check_integrity: bool
                 ) -> tuple[bool, str | None]:
    uri = sqlite_uri(path, "ro") + ("&immutable=1" if immutable else "")
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise _open_failure(path, exc) from exc
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if not tables:
            if app_id not in (0, APPLICATION_ID):
                raise NotACoordinatorDatabase(f"{path.name} belongs to another application.")
            return True, None
        if app_id not in (0, APPLICATION_ID) or "alembic_version" not in tables or (
            "consortium" not in tables
        ):
            raise NotACoordinatorDatabase(
                f"{path.name} is an SQLite database of another application, "
                "not a Coordinator database."
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if check_integrity:  # SQLite, reading through the -wal file, is the judge
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
            if problems != ["ok"]:
                raise CorruptDatabase(
                    f"{path.name} is damaged: SQLite's integrity check reports "
                    f"{problems[0]!r}. Restore it from a backup."
                )
    except sqlite3.Error as exc:
        raise _open_failure(path, exc) from exc
    finally:
        conn.close()
    return False, row[0] if row else None
