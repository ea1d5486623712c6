"""Database access: opening, migrating, backing up.

`Database` and its errors are imported on first use, so that code reading a file with
plain sqlite3 (the first page of contacts at start-up, `coordinator.db.inspect`) does
not pay for SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coordinator.db.database import Database, DatabaseBusy, ReadOnlyDatabase

__all__ = ["Database", "DatabaseBusy", "ReadOnlyDatabase"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from coordinator.db import database

        return getattr(database, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
