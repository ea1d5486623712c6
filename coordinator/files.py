"""Writing a file the user will keep: whole or not at all, private from its first byte.

`write_private_atomic(path, data)` is the one way Coordinator writes such a file
(exports, PDFs, drafts, settings, column mappings, the backup state): the bytes go to a
temporary file created 0600 in the same folder, are synced to the disk, and the file is
renamed over `path`; the folder is then synced so the rename itself survives a power
cut. A crash or a full disk leaves the earlier file as it was (and at most a
`.<name>.*.partial` file, which `coordinator.leftovers` removes later). A path that is
not a regular file (a pipe, /dev/stdout) is written in place; a symlink keeps pointing
at its file, which is replaced.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def sync_folder(folder: Path) -> None:
    """Sync a folder, so that a rename in it survives a power cut (POSIX only)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_private_atomic(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` as described above; OSError on failure (nothing changed)."""
    path = Path(path).expanduser()
    if path.exists() and not path.is_file():
        with open(path, "wb") as fh:
            fh.write(data)
        return path
    target = path.resolve()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                               suffix=".partial")  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    sync_folder(target.parent)
    return path


__all__ = ["sync_folder", "write_private_atomic"]
