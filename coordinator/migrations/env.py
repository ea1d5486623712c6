"""Alembic environment: always handed a connection by `coordinator.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import coordinator.models  # noqa: F401  (registers the tables)

FTS_PREFIXES = ("search_fts", "search_doc")


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # FTS5 and its shadow tables are managed by hand, never by autogenerate.
    return not (type_ == "table" and name and name.startswith(FTS_PREFIXES))


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only used programmatically
        raise RuntimeError("Run migrations through coordinator.db.migrate.upgrade().")
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,
        include_object=include_object,
    )
    from coordinator.db import last_touch

    driver = connection.connection.driver_connection
    with context.begin_transaction():
        # The derived last-contact table's triggers span several record tables: none
        # may be in the way of a table rebuild, and all come back, with the table
        # computed afresh, once the schema is final.
        last_touch.remove(driver)
        context.run_migrations()
        last_touch.refresh(driver)
        # A laptop that syncs with a team hub gets its change-capture triggers back:
        # batch-mode table rebuilds drop them, and new columns must be captured.
        from coordinator.sync.capture import refresh_after_upgrade

        refresh_after_upgrade(driver)
        problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"Migration left broken references: {problems[:5]}")


run_migrations_online()
