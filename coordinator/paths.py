"""Where Coordinator keeps its files.

Nothing here runs at import time: callers ask for a path when they need it. The
`COORDINATOR_HOME` environment variable moves every per-user folder under one
directory (tests and portable installs); `COORDINATOR_DB` or `--db` choose the
database file itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from coordinator import APP_AUTHOR, APP_NAME

DB_FILENAME = "coordinator.db"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def data_dir() -> Path:
    """The per-user data folder (created on demand by `ensure_private_dir`)."""
    home = os.environ.get("COORDINATOR_HOME")
    if home:
        return Path(home) / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    home = os.environ.get("COORDINATOR_HOME")
    if home:
        return Path(home) / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    home = os.environ.get("COORDINATOR_HOME")
    if home:
        return Path(home) / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def documents_dir() -> Path:
    home = os.environ.get("COORDINATOR_HOME")
    if home:
        return Path(home) / "documents"
    return Path(platformdirs.user_documents_dir())


def backups_dir() -> Path:
    return data_dir() / "backups"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file: `--db` first, then `COORDINATOR_DB`, then the data folder."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("COORDINATOR_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_FILENAME


def own_folders() -> list[Path]:
    """Coordinator's own per-user folders: always private, whoever created them."""
    return [data_dir(), config_dir(), log_dir()]


def ensure_private_dir(path: Path) -> Path:
    """Create `path` readable by the user only; returns it.

    Every folder created on the way is private too (mkdir(parents=True) would leave
    them 0755), and so is the Coordinator folder `path` lies in (the data folder made
    0755 by an earlier version, or by another program). A folder that existed and is
    not Coordinator's keeps its mode.
    """
    missing: list[Path] = []
    current = path
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        if os.name == "posix":
            os.chmod(folder, PRIVATE_DIR_MODE)
    if os.name == "posix":
        os.chmod(path, PRIVATE_DIR_MODE)
        for own in own_folders():
            if own in path.parents and own.is_dir():
                os.chmod(own, PRIVATE_DIR_MODE)
    return path


def make_private(path: Path) -> None:
    """Restrict an existing file of ours to its owner on POSIX.

    Only takes permissions away: a file its owner made read-only stays read-only, and
    another user's file is not ours to change.
    """
    if os.name != "posix":
        return
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid != os.geteuid():
        return
    mode = info.st_mode & 0o7777
    if mode != mode & PRIVATE_FILE_MODE:
        os.chmod(path, mode & PRIVATE_FILE_MODE)
