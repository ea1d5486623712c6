"""Privacy on disk (POSIX): folders 0700; database, backups, exports and logs 0600."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from coordinator import logs, paths
from coordinator.backups import BackupManager
from coordinator.cli import main
from coordinator.cli.context import CliContext
from coordinator.db import Database, ReadOnlyDatabase
from coordinator.errors import DatabaseOpenError
from coordinator.lock import DatabaseLock, open_locked
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


# -- files and folders the owner made read-only -------------------------------------------
NOBODY = 65534


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def make_database(path: Path, count: int = 2) -> list[str]:
    db = Database.open(path)
    try:
        return add_contacts(Services(db), count, "Kept")
    finally:
        db.close()


def run_cli(*args: str, as_nobody: bool = False, home: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
    """`coordinator ARGS` in a forked child (as user nobody when asked): its exit code,
    stdout and stderr. A fork, not a new interpreter: the interpreter lives in a folder
    only root may enter. The parent runs the same command first on a scratch database,
    so every module the child needs is already imported."""
    if as_nobody:
        scratch = Path(tempfile.mkdtemp())
        make_database(scratch / "warm.db")
        warm = [str(scratch / "warm.db") if a == args[1] else a for a in args]
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink), \
                contextlib.redirect_stderr(sink):
            main(warm)
        shutil.rmtree(scratch, ignore_errors=True)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.close(out_r)
            os.close(err_r)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
            if home is not None:
                os.environ["COORDINATOR_HOME"] = str(home)
            if as_nobody:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            code = main(list(args))
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(out_w)
    os.close(err_w)
    with os.fdopen(out_r) as out, os.fdopen(err_r) as err:
        stdout, stderr = out.read(), err.read()
    _pid, status = os.waitpid(pid, 0)
    return subprocess.CompletedProcess(list(args), os.waitstatus_to_exitcode(status),
                                       stdout, stderr)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder every user can reach (pytest's own tmp folders are private to us)."""
    folder = Path(tempfile.mkdtemp(prefix="coordinator-modes-"))
    os.chmod(folder, 0o755)
    yield folder
    for sub in folder.rglob("*"):
        if sub.is_dir():
            os.chmod(sub, 0o755)
    shutil.rmtree(folder, ignore_errors=True)


def test_a_read_only_file_opens_read_only_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "coalition.db"
    ids = make_database(path)
    os.chmod(path, 0o444)
    before, names = path.read_bytes(), names_in(tmp_path)
    db = Database.open(path)
    try:
        assert db.read_only
        assert db.read_only_reason is not None and "read-only" in db.read_only_reason
        assert {c.id for c in Services(db).contacts.list().rows} == set(ids)
        with pytest.raises(ReadOnlyDatabase):
            add_contacts(Services(db), 1, "Refused")
    finally:
        db.close()
    assert mode(path) == 0o444
    assert path.read_bytes() == before
    assert names_in(tmp_path) == names  # no -wal, -shm or .lock beside it


def test_the_app_opens_a_read_only_file_read_only_without_a_lock(tmp_path: Path) -> None:
    path = tmp_path / "coalition.db"
    make_database(path)
    os.chmod(path, 0o444)
    names = names_in(tmp_path)
    locked = open_locked(path)
    try:
        assert locked.read_only and locked.db.read_only
        assert not DatabaseLock(path).path.exists()
    finally:
        locked.close()
    assert mode(path) == 0o444
    assert names_in(tmp_path) == names


def test_cli_reads_a_read_only_file_and_says_writes_cannot_be_saved(tmp_path: Path) -> None:
    path = tmp_path / "coalition.db"
    make_database(path)
    os.chmod(path, 0o444)
    card = tmp_path / "new.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nN:New;Nina;;;\nFN:Nina New\nEND:VCARD\n")
    names = names_in(tmp_path)
    stats = run_cli("--db", str(path), "stats")
    assert stats.returncode == 0, stats.stderr
    assert "read-only" in stats.stderr
    search = run_cli("--db", str(path), "search", "Kept1")
    assert search.returncode == 0 and "Example" in search.stdout
    write = run_cli("--db", str(path), "import", "contacts", str(card))
    assert write.returncode == 1
    assert "read-only" in write.stderr and "Traceback" not in write.stderr
    assert mode(path) == 0o444
    assert names_in(tmp_path) == names


def test_a_read_only_file_with_an_old_schema_is_refused_clearly(tmp_path: Path) -> None:
    from coordinator.db import migrate

    path = tmp_path / "coalition.db"
    make_database(path)
    migrate.downgrade(path, "0004")  # an older schema: opening it means upgrading it
    os.chmod(path, 0o444)
    before = path.read_bytes()
    with pytest.raises(DatabaseOpenError, match="read-only"):
        Database.open(path)
    assert path.read_bytes() == before and mode(path) == 0o444


def test_a_database_in_a_read_only_folder_is_read_not_called_damaged(shared_dir: Path
                                                                      ) -> None:
    folder = shared_dir / "archive"
    folder.mkdir()
    path = folder / "coalition.db"
    make_database(path)
    os.chmod(path, 0o644)
    os.chmod(folder, 0o555)
    names = names_in(folder)
    as_nobody = os.geteuid() == 0  # root writes anywhere: check as an ordinary user
    if as_nobody:
        os.chown(path, NOBODY, NOBODY)
        os.chown(folder, NOBODY, NOBODY)
    stats = run_cli("--db", str(path), "stats", as_nobody=as_nobody, home=shared_dir / "h")
    assert stats.returncode == 0, stats.stderr
    assert "damaged" not in stats.stderr and "folder" in stats.stderr
    assert names_in(folder) == names


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make another user's file")
def test_another_users_file_is_read_read_only_without_a_raw_error(shared_dir: Path) -> None:
    path = shared_dir / "coalition.db"
    make_database(path)
    os.chmod(path, 0o644)  # readable by everyone, writable by its owner (root) only
    before, names = path.read_bytes(), names_in(shared_dir)
    stats = run_cli("--db", str(path), "stats", as_nobody=True, home=shared_dir / "h")
    assert stats.returncode == 0, stats.stderr
    assert "read-only" in stats.stderr and "PermissionError" not in stats.stderr
    reindex = run_cli("--db", str(path), "reindex", as_nobody=True, home=shared_dir / "h")
    assert reindex.returncode == 1
    assert "read-only" in reindex.stderr and "Traceback" not in reindex.stderr
    os.chmod(path, 0o600)  # now not even readable by others
    unreadable = run_cli("--db", str(path), "stats", as_nobody=True, home=shared_dir / "h")
    assert unreadable.returncode == 1
    assert "permission" in unreadable.stderr.lower()
    assert "Traceback" not in unreadable.stderr and "damaged" not in unreadable.stderr
    assert path.read_bytes() == before and mode(path) == 0o600
    assert [n for n in names_in(shared_dir) if n != "h"] == names


def test_a_read_only_folder_holding_a_wal_without_its_shm_is_explained(shared_dir: Path
                                                                       ) -> None:
    folder = shared_dir / "copied"
    folder.mkdir()
    source = shared_dir / "source.db"
    db = Database.open(source)
    add_contacts(Services(db), 2)
    path = folder / "coalition.db"  # main file and -wal copied while open: no -shm
    shutil.copyfile(source, path)
    shutil.copyfile(f"{source}-wal", f"{path}-wal")
    db.close()
    os.chmod(folder, 0o555)
    names = names_in(folder)
    as_nobody = os.geteuid() == 0
    if as_nobody:
        for part in (folder, path, Path(f"{path}-wal")):
            os.chown(part, NOBODY, NOBODY)
    stats = run_cli("--db", str(path), "stats", as_nobody=as_nobody, home=shared_dir / "h")
    assert stats.returncode == 1
    assert "read-only" in stats.stderr and "Copy both files" in stats.stderr
    assert "damaged" not in stats.stderr and "Traceback" not in stats.stderr
    assert names_in(folder) == names
