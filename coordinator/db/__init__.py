"""Database access: opening, migrating, backing up."""

from coordinator.db.database import Database, DatabaseBusy

__all__ = ["Database", "DatabaseBusy"]
