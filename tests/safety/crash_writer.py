"""Helper process for test_crash.py (not a test): saves contacts through the services
until killed, printing each committed id, or makes backups in a loop.

    python crash_writer.py write DB PREFIX SEED
    python crash_writer.py backup DB BACKUP_DIR
    python crash_writer.py fill DB     (a write that hits a file-size limit, then one after)
    python crash_writer.py restore DB BACKUP_DIR A B   (restores A, B, A, ... until killed)
    python crash_writer.py imports DB   (for each file named on stdin: `coordinator import`)
    python crash_writer.py full-checkpoint DB   (saves, then closes with the disk "full")
"""

from __future__ import annotations

import random
import sys
from pathlib import Path


def write(db_path: str, prefix: str, seed: int) -> None:
    from coordinator.db import Database
    from coordinator.services import Services
    from coordinator.services.records import ContactData, EmailData, PhoneData

    rng = random.Random(seed)
    services = Services(Database.open(Path(db_path)))
    i = 0
    while True:
        contact = services.contacts.create(ContactData(
            given_name=f"{prefix}{i}", family_name="Crash",
            emails=[EmailData(f"{prefix.lower()}{i}@example.org")],
            phones=[PhoneData("+1 214 555 0100")],
            notes="n" * rng.choice([0, 10, 2000, 20000]),
        ))
        print(contact.id, flush=True)  # reported only once committed
        i += 1


def backup(db_path: str, folder: str) -> None:
    from coordinator.db.backup import backup_database, timestamped_name

    db = Path(db_path)
    while True:
        dest = backup_database(db, Path(folder) / timestamped_name(db, "crash"))
        print(dest, flush=True)


def restore(db_path: str, folder: str, first: str, second: str) -> None:
    from coordinator.backups import BackupManager

    manager = BackupManager(db_path, Path(folder))
    while True:
        for name in (first, second):
            manager.restore(name)
            print(name, flush=True)


def fill(db_path: str) -> None:
    """Disk full, for real: RLIMIT_FSIZE makes the OS refuse to grow any file (EFBIG)."""
    import json
    import os
    import resource
    import signal

    from coordinator.db import Database
    from coordinator.db.backup import storage_error
    from coordinator.errors import CoordinatorError
    from coordinator.services import Services
    from coordinator.services.records import ContactData

    path = Path(db_path)
    services = Services(Database.open(path))
    saved = services.contacts.create(ContactData(given_name="Saved", family_name="Before")).id
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    size = max(os.path.getsize(path), os.path.getsize(f"{path}-wal"))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 20_000, resource.RLIM_INFINITY))
    result: dict[str, object] = {"saved": saved}
    try:
        services.contacts.create(ContactData(given_name="Big", notes="x" * 5_000_000))
        result["error"] = None
    except Exception as exc:
        clear = exc if isinstance(exc, CoordinatorError) else storage_error(exc, "save")
        result["error"] = str(clear) if clear else f"unclear: {type(exc).__name__}: {exc}"
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    result["after"] = services.contacts.create(ContactData(given_name="After", notes="y")).id
    print(json.dumps(result), flush=True)


def imports(db_path: str) -> None:
    """For each file named on a line of stdin, fork a child that runs `coordinator --db DB
    import contacts FILE` (the command line's own code, from its parsing to the checkpoint
    when it closes the database). Prints `pid N` for the child, whose own output (one
    `Imported: ...` line once committed) follows, then `exit CODE`. Forked from one
    warmed-up process so that each round costs the import, not the interpreter start."""
    import os

    from coordinator.cli import main

    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = main(["--db", db_path, "import", "contacts", line.strip()])
            finally:
                sys.stdout.flush()
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _pid, status = os.waitpid(pid, 0)
        print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)


def full_checkpoint(db_path: str) -> None:
    """Save contacts, then close the database while the OS refuses to grow any file
    beyond the main file's current size (RLIMIT_FSIZE: a full disk, for real), so the
    closing checkpoint writes page 1 and fails before the last page. Prints the ids."""
    import os
    import resource
    import signal

    from coordinator.db import Database
    from coordinator.services import Services
    from coordinator.services.records import ContactData

    path = Path(db_path)
    db = Database.open(path)
    services = Services(db)
    ids = [services.contacts.create(ContactData(
        given_name=f"Full{i}", family_name="Disk", notes="n" * 3000)).id for i in range(60)]
    print("\n".join(ids), flush=True)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    size = os.path.getsize(path)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))
    db.close()


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "fill":
        fill(sys.argv[2])
    elif sys.argv[1] == "restore":
        restore(*sys.argv[2:6])
    elif sys.argv[1] == "imports":
        imports(sys.argv[2])
    elif sys.argv[1] == "full-checkpoint":
        full_checkpoint(sys.argv[2])
    else:
        backup(sys.argv[2], sys.argv[3])
