"""Files an interrupted backup, encrypted backup or restore leaves behind.

A backup is written as `<name>.partial` and renamed when complete; an encrypted backup
and a restore work on a hidden `.<purpose>-<random>.tmp` copy in the backups folder.
A kill (or a power cut) leaves these behind. None of them is ever listed as a backup
(a backup's name ends in `.db`), and `clean_leftovers`, called when the app or the
command line starts, deletes them once they are old enough that no running job can
still be writing them (`STALE_AFTER_S`: a job writes its file continuously, and an
encryption reads its plain copy within seconds).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

log = logging.getLogger(__name__)

STALE_AFTER_S = 600.0
PARTIAL = ".partial"


def _candidates(db_path: Path, backup_dir: Path) -> list[Path]:
    found: list[Path] = []
    if backup_dir.is_dir():
        found += backup_dir.glob(f"*{PARTIAL}*")  # a copy, its checksum, their journals
        found += backup_dir.glob(".*.tmp*")  # encrypt / restore working copies, state file
    found += db_path.parent.glob(f"{db_path.name}{PARTIAL}*")  # a last-resort restore
    found += db_path.parent.glob(f"{db_path.name}.recovered{PARTIAL}*")
    return found


def clean_leftovers(db_path: Path | str, *, now: float | None = None) -> list[Path]:
    """Delete the leftovers of interrupted jobs on `db_path` older than `STALE_AFTER_S`;
    returns what was deleted. Never raises: a file that cannot be deleted stays."""
    try:
        from coordinator.backups import backup_dir_for

        db_path = Path(db_path).expanduser().resolve()
        backup_dir = backup_dir_for(db_path)
        cutoff = (time.time() if now is None else now) - STALE_AFTER_S
        deleted = []
        for path in _candidates(db_path, backup_dir):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    deleted.append(path)
            except OSError:
                continue
    except (OSError, ValueError) as exc:  # an unreadable folder, a path that is not text
        log.info("Could not look for leftover temporary files: %s", type(exc).__name__)
        return []
    if deleted:
        log.info("Deleted %d leftover temporary files of interrupted backups", len(deleted))
    return deleted
