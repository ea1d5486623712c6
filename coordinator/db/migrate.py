"""Alembic migrations, run programmatically when a database is opened.

Foreign keys are switched off on the migration connection *before* any transaction
(a pragma inside a transaction is ignored), because Alembic's batch mode on SQLite
copies and drops tables and the drop would cascade to child rows. After the upgrade
`PRAGMA foreign_key_check` must come back empty or the whole upgrade rolls back.

Opening a database whose schema is current needs only the revision ids, which are read
from the migration files' `revision = ...` lines: Alembic itself (and the SQLAlchemy
machinery behind it, ~0.5 s of imports) is imported only when a migration runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_ASSIGNMENT = re.compile(
    r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:['\"]([^'\"]+)['\"]|None)\s*$", re.M)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@cache
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@cache
def _revision_links() -> dict[str, str | None]:
    """revision -> down_revision, read from the files Alembic would load."""
    links: dict[str, str | None] = {}
    for file in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = dict((m.group(1), m.group(2)) for m in _ASSIGNMENT.finditer(file.read_text()))
        if found.get("revision"):
            links[found["revision"]] = found.get("down_revision")  # type: ignore[index]
    return links


def head_revision() -> str:
    """The one revision no other revision follows."""
    links = _revision_links()
    heads = set(links) - {down for down in links.values() if down}
    if len(heads) != 1:  # branches: let Alembic judge
        head = _script().get_current_head()
        assert head is not None
        return head
    return heads.pop()


def known_revisions() -> set[str]:
    return set(_revision_links())


def upgrade(path: Path, target: str = "head") -> None:
    """Bring the database at `path` up to `target` in one transaction."""
    from alembic import command

    _run(command.upgrade, path, target)


def downgrade(path: Path, target: str) -> None:
    """Take the database at `path` back to `target` (tests of migrations, support)."""
    from alembic import command

    _run(command.downgrade, path, target)


def _run(step: Callable[[Config, str], None], path: Path, target: str) -> None:
    """An Alembic command on a connection with foreign keys off (see the module)."""
    from coordinator.db.engine import make_engine

    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            step(cfg, target)
    finally:
        engine.dispose()
