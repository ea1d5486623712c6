"""`coordinator backup`, `coordinator restore FILE`, `coordinator backups list`.

- `backup` makes a verified backup in the backups folder (then rotates), or a copy at
  `-o FILE`; `--encrypt` (with `-o`) writes an authenticated encrypted file for taking
  off the machine; `--save-passphrase` keeps the passphrase in the OS keyring.
- `restore FILE` backs up the current database first, then restores; an encrypted file
  takes its passphrase from `COORDINATOR_BACKUP_PASSPHRASE`, else the keyring, else a
  prompt. A foreign, damaged or tampered file is refused and nothing changes.
- `backups list` shows the backups with dates, reasons and record counts.

These commands work on the database file directly (the backup API), so they do not
open it through migrations; restore refuses while the app has the database open.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from coordinator import secrets
from coordinator.backups import BackupInfo, BackupManager, PassphraseRequired
from coordinator.db.backup import WrongPassphrase, is_encrypted_backup
from coordinator.errors import CoordinatorError

PASSPHRASE_ENV = "COORDINATOR_BACKUP_PASSPHRASE"


class UsageProblem(CoordinatorError):
    pass


def register(sub: Any) -> None:
    p = sub.add_parser("backup", help="back up the database (verified; optionally encrypted)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the backup to FILE")
    p.add_argument("--encrypt", action="store_true",
                   help="encrypt with a passphrase (needs -o FILE)")
    p.add_argument("--save-passphrase", action="store_true",
                   help="keep the passphrase in the OS keyring for next time")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help="restore the database from a backup file")
    r.add_argument("file", metavar="FILE", help="a backup (.db) or an encrypted backup")
    r.set_defaults(func=cmd_restore)

    b = sub.add_parser("backups", help="backups in the backups folder")
    bsub = b.add_subparsers(dest="backups_command", metavar="ACTION", required=True)
    lst = bsub.add_parser("list", help="list backups with dates and record counts")
    lst.set_defaults(func=cmd_backups_list)


def _manager(ctx: Any) -> BackupManager:
    return BackupManager(ctx.db_path)


def _counts_text(info: BackupInfo) -> str:
    if info.counts is None:
        return f"unreadable ({info.problem})" if info.problem else "-"
    return ", ".join(f"{n} {label}" for label, n in info.counts.items()) or "empty"


def _new_passphrase(args: argparse.Namespace) -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not args.save_passphrase:
        stored = secrets.get_secret(secrets.BACKUP_PASSPHRASE)
        if stored:
            print("Using the backup passphrase saved in the keyring.", file=sys.stderr)
            return stored
    if not sys.stdin.isatty():
        raise UsageProblem(
            f"--encrypt needs a passphrase: set {PASSPHRASE_ENV} or run in a terminal."
        )
    first = getpass.getpass("Passphrase for the encrypted backup: ")
    if not first:
        raise UsageProblem("An empty passphrase cannot protect a backup.")
    if getpass.getpass("Repeat the passphrase: ") != first:
        raise UsageProblem("The two passphrases differ; nothing was written.")
    return first


def cmd_backup(args: argparse.Namespace, ctx: Any) -> int:
    manager = _manager(ctx)
    if ctx.db_path.is_file() and ctx.db_path.stat().st_size == 0:
        raise CoordinatorError(f"{ctx.db_path} is an empty file, not a Coordinator "
                               "database; there is nothing to back up.")
    if args.encrypt:
        if not args.output:
            raise UsageProblem("--encrypt needs -o FILE: where to write the encrypted backup.")
        passphrase = _new_passphrase(args)
        dest = manager.backup_encrypted(args.output, passphrase, overwrite=args.force)
        print(f"Encrypted backup written to {dest}")
        if args.save_passphrase:
            result = secrets.store_secret(secrets.BACKUP_PASSPHRASE, passphrase)
            print(result.message, file=sys.stderr)
        return 0
    if args.save_passphrase:
        raise UsageProblem("--save-passphrase goes with --encrypt.")
    if args.output:
        dest = manager.backup_to(args.output, overwrite=args.force)
        print(f"Backup written to {dest}")
        return 0
    info = manager.backup_now()
    print(f"Backup written to {info.path} ({_counts_text(info)})")
    return 0


def _passphrases_to_try() -> list[tuple[str, str]]:
    found = []
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        found.append(("environment", env))
    stored = secrets.get_secret(secrets.BACKUP_PASSPHRASE)
    if stored:
        found.append(("keyring", stored))
    return found


def cmd_restore(args: argparse.Namespace, ctx: Any) -> int:
    manager = _manager(ctx)
    opened = getattr(ctx, "_db", None)
    if opened is not None:  # never restore under our own open engine
        opened.close()
    passphrase: str | None = None
    if is_encrypted_backup(args.file):
        candidates = _passphrases_to_try()
        last_error: WrongPassphrase | None = None
        for source, candidate in candidates:
            try:
                result = manager.restore(args.file, candidate)
            except WrongPassphrase as exc:
                last_error = exc
                print(f"The passphrase from the {source} does not fit.", file=sys.stderr)
                continue
            return _report_restore(result)
        if not sys.stdin.isatty():
            raise last_error or PassphraseRequired(
                f"The backup is encrypted: set {PASSPHRASE_ENV} or run in a terminal."
            )
        passphrase = getpass.getpass("Passphrase of the encrypted backup: ")
    return _report_restore(manager.restore(args.file, passphrase))


def _report_restore(result: Any) -> int:
    if result.safety_backup is not None:
        print(f"The previous database was backed up to {result.safety_backup}")
    counts = ", ".join(f"{n} {label}" for label, n in result.counts.items())
    note = " (upgraded to this version's schema)" if result.migrated else ""
    print(f"Restored from {result.restored_from.name}{note}: {counts}")
    return 0


def cmd_backups_list(args: argparse.Namespace, ctx: Any) -> int:
    manager = _manager(ctx)
    backups = manager.list()
    if not backups:
        print(f"No backups yet in {manager.backup_dir}")
        return 0
    for info in backups:
        when = info.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        size_kb = max(1, info.size // 1024)
        print(f"{when}  {info.reason:<16} {size_kb:>8} KB  {_counts_text(info)}  {info.path.name}")
    return 0
