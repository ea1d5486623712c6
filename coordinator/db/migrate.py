"""Alembic migrations, run programmatically when a database is opened.

Foreign keys are switched off on the migration connection *before* any transaction
(a pragma inside a transaction is ignored), because Alembic's batch mode on SQLite
copies and drops tables and the drop would cascade to child rows. After the upgrade
`PRAGMA foreign_key_check` must come back empty or the whole upgrade rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from coordinator.db.engine import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


def upgrade(path: Path, target: str = "head") -> None:
    """Bring the database at `path` up to `target` in one transaction."""
    _run(command.upgrade, path, target)


def downgrade(path: Path, target: str) -> None:
    """Take the database at `path` back to `target` (tests of migrations, support)."""
    _run(command.downgrade, path, target)


def _run(step: Callable[[Config, str], None], path: Path, target: str) -> None:
    """An Alembic command on a connection with foreign keys off (see the module)."""
    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            step(cfg, target)
    finally:
        engine.dispose()
