"""Database access: opening, migrating, backing up."""

from coordinator.db.database import Database, DatabaseBusy, ReadOnlyDatabase

__all__ = ["Database", "DatabaseBusy", "ReadOnlyDatabase"]
