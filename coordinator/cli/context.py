"""What a CLI command gets: the database and services, opened on first use."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from coordinator import paths
from coordinator.db import Database
from coordinator.services import Services


class CliContext:
    def __init__(self, db_arg: str | None) -> None:
        self.db_path: Path = paths.resolve_db_path(db_arg)
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database.open(self.db_path)
        return self._db

    @cached_property
    def services(self) -> Services:
        return Services(self.db)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
