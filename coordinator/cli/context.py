"""What a CLI command gets: the database and services, opened on first use."""

from __future__ import annotations

import sys
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from coordinator import paths
from coordinator.cli.arguments import is_text, shown
from coordinator.cli.interrupts import Interrupts
from coordinator.errors import CoordinatorError

if TYPE_CHECKING:
    from coordinator.db import Database
    from coordinator.db.plain import PlainReader
    from coordinator.services import Services


class CliContext:
    def __init__(self, db_arg: str | None, *, creates_db: bool = False,
                 interrupts: Interrupts | None = None) -> None:
        self.db_path: Path = paths.resolve_db_path(db_arg)
        self.creates_db = creates_db  # set by commands that may start a new database
        self.interrupts = interrupts or Interrupts()  # installed by `cli.main`
        self._db: Database | None = None
        self._reader: PlainReader | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            if not self.creates_db and not self.db_path.exists():
                raise CoordinatorError(
                    f"No database at {self.db_path}. Create one with `coordinator demo`, "
                    "an import, or the app, or choose another with --db.")
            if not is_text(str(self.db_path)):  # SQLite takes file names as UTF-8 only
                raise CoordinatorError(
                    f"The database path {shown(self.db_path)} holds bytes that are not "
                    "UTF-8, which SQLite cannot open; rename the file or its folder. "
                    "Nothing was changed.")
            if not self.creates_db and _zero_bytes(self.db_path):
                # Only a command that creates a database may start one in an empty file.
                raise CoordinatorError(
                    f"{self.db_path} is an empty file, not a Coordinator database; it was "
                    "left untouched. `coordinator demo` or an import can start a database "
                    "in it.")
            if self.db_path == paths.resolve_db_path(None) and not self.db_path.exists():
                paths.ensure_private_dir(self.db_path.parent)
            from coordinator.db import Database

            self._db = Database.open(self.db_path)
            if self._db.read_only_reason is not None:  # read commands still work
                print(f"coordinator: {self.db_path.name} is read-only "
                      f"({self._db.read_only_reason}): showing it as it is; changes "
                      "cannot be saved.", file=sys.stderr)
            from coordinator.backups import BackupManager

            # CLI writes count as changes for the app's backup on quit.
            BackupManager(self.db_path).watch(self._db)
        return self._db

    def reader(self) -> PlainReader | Database:
        """What read-only commands read through: a plain sqlite3 connection when the file
        is simply readable at the current schema, else the full database (which creates,
        migrates or explains). Both offer `raw()`."""
        if self._db is not None:
            return self._db
        if self._reader is None and self.db_path.exists():
            from coordinator.db.plain import PlainReader

            self._reader = PlainReader.open(self.db_path)
        return self._reader if self._reader is not None else self.db

    @cached_property
    def services(self) -> Services:
        from coordinator.services import Services

        return Services(self.db)

    def require_writable(self) -> None:
        """Raise `ReadOnlyDatabase` before a command that changes the database starts
        (and backs it up first), when the file can only be read."""
        from coordinator.db import ReadOnlyDatabase

        if self.db.read_only:
            raise ReadOnlyDatabase("This database is open read-only; changes cannot be saved.")

    def describe_error(self, exc: CoordinatorError) -> str:
        """The one line printed for a user-facing error (a write to a read-only file
        says which file and why)."""
        from coordinator.db import ReadOnlyDatabase

        reason = getattr(self._db, "read_only_reason", None)
        if isinstance(exc, ReadOnlyDatabase) and reason is not None:
            return (f"{self.db_path.name} is read-only ({reason}), and this command would "
                    "change it. Nothing was changed.")
        return str(exc)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._db is not None:
            self._db.close()


def _zero_bytes(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size == 0
    except OSError:
        return False
