"""Files Coordinator refuses are left exactly as they were: no change to their bytes and
nothing new next to them (no .lock, -wal, -shm or -journal), and a pipe or device given
as the database is refused at once instead of hanging."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.errors import DatabaseOpenError, NotACoordinatorDatabase
from coordinator.lock import open_locked
from coordinator.services import Services
from coordinator.services.records import ContactData


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: (p.read_bytes() if p.is_file() else b"") for p in folder.iterdir()}


def other_application(path: Path, *, wal: bool) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.commit()
    conn.close()


def newer_schema(path: Path) -> None:
    db = Database.open(path)
    Services(db).contacts.create(ContactData(given_name="Ada", family_name="Quinn"))
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


MAKERS: dict[str, Callable[[Path], None]] = {
    "other application, rollback journal": lambda p: other_application(p, wal=False),
    "other application, WAL": lambda p: other_application(p, wal=True),
    "newer schema": newer_schema,
    "random bytes": random_bytes,
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
@pytest.mark.parametrize("how", ["Database.open", "open_locked", "read-only", "cli"])
def test_a_refused_file_leaves_its_folder_as_it_was(tmp_path: Path, kind: str, how: str,
                                                    capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    path = folder / "coalition.db"
    MAKERS[kind](path)
    before = listing(folder)
    if how == "cli":
        assert main(["--db", str(path), "stats"]) == 1
        assert "Traceback" not in capsys.readouterr().err
    else:
        with pytest.raises(DatabaseOpenError):
            if how == "Database.open":
                Database.open(path)
            elif how == "open_locked":
                open_locked(path)
            else:
                Database.open(path, read_only=True)
    assert listing(folder) == before


def run_with_timeout(fn: Callable[[], object], fifo: Path, seconds: float = 5.0
                     ) -> BaseException | None:
    """Run `fn` in a thread; if it hangs on the pipe, unblock it and fail the test."""
    caught: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # let the reader go
        os.close(fd)
        thread.join(seconds)
        pytest.fail("opening a pipe as the database hung")
    return caught[0] if caught else None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("how", ["Database.open", "open_locked", "read-only"])
def test_a_pipe_is_refused_at_once_and_leaves_no_lock(tmp_path: Path, how: str) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    fifo = folder / "coalition.db"
    os.mkfifo(fifo)
    opener = {"Database.open": lambda: Database.open(fifo),
              "open_locked": lambda: open_locked(fifo),
              "read-only": lambda: Database.open(fifo, read_only=True)}[how]
    error = run_with_timeout(opener, fifo)
    assert isinstance(error, NotACoordinatorDatabase), error
    assert "not a regular file" in str(error)
    assert sorted(p.name for p in folder.iterdir()) == ["coalition.db"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_cli_refuses_a_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "coalition.db"
    os.mkfifo(fifo)
    run_with_timeout(lambda: main(["--db", str(fifo), "stats"]), fifo)
    err = capsys.readouterr().err
    assert "not a regular file" in err and "Traceback" not in err


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_refused_not_turned_into_a_database(tmp_path: Path) -> None:
    link = tmp_path / "coalition.db"
    link.symlink_to("/dev/null")
    with pytest.raises(NotACoordinatorDatabase, match="not a regular file"):
        Database.open(link)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coalition.db"]

