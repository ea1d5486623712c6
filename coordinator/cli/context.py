"""What a CLI command gets: the database and services, opened on first use."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from coordinator import paths
from coordinator.db import Database
from coordinator.errors import CoordinatorError
from coordinator.services import Services


class CliContext:
    def __init__(self, db_arg: str | None, *, creates_db: bool = False) -> None:
        self.db_path: Path = paths.resolve_db_path(db_arg)
        self.creates_db = creates_db  # set by commands that may start a new database
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            if not self.creates_db and not self.db_path.exists():
                raise CoordinatorError(
                    f"No database at {self.db_path}. Create one with `coordinator demo`, "
                    "an import, or the app, or choose another with --db.")
            if self.db_path == paths.resolve_db_path(None) and not self.db_path.exists():
                paths.ensure_private_dir(self.db_path.parent)
            self._db = Database.open(self.db_path)
            from coordinator.backups import BackupManager

            # CLI writes count as changes for the app's backup on quit.
            BackupManager(self.db_path).watch(self._db)
        return self._db

    @cached_property
    def services(self) -> Services:
        return Services(self.db)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
