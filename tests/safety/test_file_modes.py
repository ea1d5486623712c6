"""Privacy on disk (POSIX): folders 0700; database, backups, exports and logs 0600."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from coordinator import logs, paths
from coordinator.backups import BackupManager
from coordinator.cli.context import CliContext
from coordinator.db import Database
from coordinator.services import Services

from .conftest import add_contacts

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def default_db(home: Path) -> Iterator[Database]:
    """The database at its default place in the data folder, opened as the CLI does."""
    ctx = CliContext(None, creates_db=True)
    yield ctx.db
    ctx.close()


def test_database_backups_and_exports_are_private(
    default_db: Database, tmp_path: Path, fast_kdf: None
) -> None:
    add_contacts(Services(default_db), 3)
    db_path = default_db.path
    assert db_path.parent == paths.data_dir().resolve()
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{db_path}{suffix}")
        if part.exists():
            assert mode(part) == 0o600, part.name
    manager = BackupManager(db_path)
    manager.watch(default_db)
    info = manager.backup_now()
    assert manager.backup_dir == paths.backups_dir()
    assert mode(paths.backups_dir()) == 0o700
    assert mode(info.path) == 0o600
    add_contacts(Services(default_db), 1, "Changed")
    assert mode(manager.state_path) == 0o600
    exports = tmp_path / "exports"  # a folder the backup creates: private
    plain = manager.backup_to(exports / "copy.db")
    sealed = manager.backup_encrypted(exports / "copy.cbak", "a passphrase")
    assert mode(exports) == 0o700
    assert mode(plain) == 0o600 and mode(sealed) == 0o600
    restored = manager.restore(plain)
    assert restored.safety_backup is not None and mode(restored.safety_backup) == 0o600
    assert mode(db_path) == 0o600


def test_a_folder_the_user_chose_is_left_as_it_is(default_db: Database, tmp_path: Path) -> None:
    chosen = tmp_path / "Desktop"
    chosen.mkdir(mode=0o755)
    os.chmod(chosen, 0o755)
    out = BackupManager(default_db.path).backup_to(chosen / "coalition.db")
    assert mode(chosen) == 0o755  # not ours to change
    assert mode(out) == 0o600


def test_data_folder_is_private(default_db: Database) -> None:
    assert mode(paths.data_dir()) == 0o700


def test_log_folder_and_files_are_private(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    path = logs.setup_logging(logging.INFO)
    try:
        log = logging.getLogger("coordinator.test")
        for i in range(100):
            log.info("line %d of a long enough log message to force rotation", i)
    finally:
        logs.shutdown_logging()
    assert path.parent == paths.log_dir()
    assert mode(path.parent) == 0o700
    files = sorted(path.parent.iterdir())
    assert len(files) > 1  # rotated
    for f in files:
        assert mode(f) == 0o600, f.name
