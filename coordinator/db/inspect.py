"""Look at a database file without changing it: is it ours, and at which schema?"""

from __future__ import annotations

import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path

from coordinator.db.backup import sqlite_uri
from coordinator.errors import CorruptDatabase, NotACoordinatorDatabase

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x436F6F72


@dataclass(frozen=True)
class FileState:
    exists: bool
    empty: bool  # no file, a zero-byte file, or an SQLite file without tables
    revision: str | None


def inspect_file(path: Path) -> FileState:
    """Classify `path` read-only. Raises a `DatabaseOpenError` for files we must not touch."""
    if not path.exists():
        return FileState(exists=False, empty=True, revision=None)
    if path.is_dir():
        raise NotACoordinatorDatabase(f"{path} is a folder, not a Coordinator database.")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise NotACoordinatorDatabase(f"Cannot read {path}: {exc.strerror}.") from exc
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
    if page_count and valid_for == change_counter and size < page_count * page_size:
        raise CorruptDatabase(
            f"{path.name} is damaged: it is shorter than its header says (truncated copy?)."
        )
    app_id, = struct.unpack(">I", header[68:72])
    try:
        conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True)
    except sqlite3.Error as exc:
        raise CorruptDatabase(f"{path.name} cannot be opened: {exc}.") from exc
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            if app_id not in (0, APPLICATION_ID):
                raise NotACoordinatorDatabase(f"{path.name} belongs to another application.")
            return FileState(exists=True, empty=True, revision=None)
        if app_id not in (0, APPLICATION_ID) or "alembic_version" not in tables or (
            "consortium" not in tables
        ):
            raise NotACoordinatorDatabase(
                f"{path.name} is an SQLite database of another application, "
                "not a Coordinator database."
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabase(f"{path.name} is damaged and cannot be read: {exc}.") from exc
    finally:
        conn.close()
    return FileState(exists=True, empty=False, revision=row[0] if row else None)
