"""Private data stays private on disk (POSIX): what the user asks Coordinator to write
(exports, encrypted backups) and what it keeps for itself (the data folder, the UI
settings) is readable by the user only, from the moment it exists."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from coordinator import paths
from coordinator.db import Database
from coordinator.services import Services

from .conftest import add_contacts

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)

def run_cli(*args: str) -> int:
    from coordinator.cli import main

    return main(list(args))


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """umask 022, as on most desktops: a plain write would give 0644, a mkdir 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.parametrize(("entity", "extra"), [
    ("contacts", ["--format", "csv", "--include-private"]), ("contacts", ["--format", "vcard4"]),
    ("organizations", []), ("proposals", []), ("meetings", ["--format", "ics"])])
def test_cli_exports_are_private_from_the_start(home: Path, tmp_path: Path, entity: str,
                                                extra: list[str], usual_umask: None) -> None:
    db = tmp_path / "coalition.db"
    database = Database.open(db)
    add_contacts(Services(database), 2)
    database.close()
    fresh = tmp_path / f"{entity}.out"
    assert run_cli("--db", str(db), "export", entity, *extra, "-o", str(fresh)) == 0
    assert mode(fresh) == 0o600 and fresh.stat().st_size > 0
    # an existing world-readable file is replaced by a private one
    old = tmp_path / f"old-{entity}.out"
    old.write_bytes(b"before")
    os.chmod(old, 0o644)
    assert run_cli("--db", str(db), "export", entity, *extra, "-o", str(old)) == 0
    assert mode(old) == 0o600 and old.read_bytes() != b"before"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")) == []


def test_cli_encrypted_backup_is_private(home: Path, tmp_path: Path, fast_kdf: None,
                                         monkeypatch: pytest.MonkeyPatch,
                                         usual_umask: None) -> None:
    db = tmp_path / "coalition.db"
    Database.open(db).close()
    monkeypatch.setenv("COORDINATOR_BACKUP_PASSPHRASE", "a passphrase")
    sealed = tmp_path / "offsite.cbak"
    sealed.write_bytes(b"old")
    os.chmod(sealed, 0o644)
    assert run_cli("--db", str(db), "backup", "--encrypt", "-o", str(sealed), "--force") == 0
    assert mode(sealed) == 0o600


def test_data_folder_is_private_when_the_database_is_elsewhere(
        home: Path, tmp_path: Path, usual_umask: None) -> None:
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    db = elsewhere / "coalition.db"
    database = Database.open(db)
    add_contacts(Services(database), 2)
    database.close()
    assert run_cli("--db", str(db), "backup") == 0  # backups live in the data folder
    assert paths.data_dir().is_dir()
    assert mode(paths.data_dir()) == 0o700
    for folder in [home, *paths.data_dir().rglob("*")]:
        if folder.is_dir():
            assert mode(folder) == 0o700, folder


def test_a_data_folder_left_world_readable_is_made_private(home: Path, tmp_path: Path) -> None:
    paths.data_dir().mkdir(parents=True)
    os.chmod(paths.data_dir(), 0o755)
    db = tmp_path / "coalition.db"
    Database.open(db).close()
    assert run_cli("--db", str(db), "backup") == 0
    assert mode(paths.data_dir()) == 0o700


def test_ui_settings_file_is_private(home: Path, usual_umask: None) -> None:
    pytest.importorskip("PySide6")
    from ui.settings import SETTINGS_FILENAME, default_settings

    settings = default_settings()
    settings.setValue("window/geometry", "recent: /home/me/coalition.db")
    settings.sync()
    path = paths.config_dir() / SETTINGS_FILENAME
    assert mode(path) == 0o600 and b"coalition.db" in path.read_bytes()
    settings.setValue("window/other", 1)
    settings.sync()
    assert mode(path) == 0o600
    os.chmod(path, 0o644)  # written by an earlier version
    default_settings().sync()
    assert mode(path) == 0o600
