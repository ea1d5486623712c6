"""Backups of one Coordinator database: list, make, rotate, restore, encrypt.

`BackupManager(db_path)` is what the app and the CLI use:

- `list()` -> `BackupInfo` newest first, with dates and record counts (backups live
  in the backups folder, or a subfolder of it for a database elsewhere:
  `backup_dir_for`);
- `backup_now(reason)` into the private backups folder, verified, with its SHA-256
  beside it, then rotated (`RotationPolicy`, automatic backups only: keep the newest of
  each of the last 7 days that have one and of each of the 4 weeks before them, and the
  newest "before-..." safety backups too; manual backups are never deleted by rotation);
- `watch(db)` remembers (on disk, so a crash does not forget it) that something
  changed; `backup_on_quit()` then makes an automatic backup at most once a day;
- `backup_to(file)` / `backup_encrypted(file, passphrase)` where the user says;
- `restore(file, passphrase=None)` checks the file first (a foreign, damaged, newer
  or tampered file, or one that no longer matches its recorded checksum, is refused and
  nothing changes), migrates an older backup on a working copy, then, holding the write
  gate exclusive (`coordinator.writegate`: every other writer finished, none can start),
  backs up the current database and copies the new content in, in one transaction.

Nothing here logs names, addresses or passphrases: only file names and counts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import secrets as _random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from coordinator import paths, writegate
from coordinator.db import backup as low
from coordinator.db.backup import BackupError, save_open_database
from coordinator.db.inspect import inspect_file
from coordinator.errors import DatabaseOpenError
from coordinator.files import write_private_atomic
from coordinator.lock import DatabaseLock, LockInfo

log = logging.getLogger(__name__)

__all__ = [
    "BackupInfo", "BackupManager", "PassphraseRequired", "RestoreRefused", "RestoreResult",
    "RotationPolicy", "backup_dir_for", "plan_rotation", "save_open_database",
]

AUTO = "auto"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
BEFORE_IMPORT = "before-import"
BEFORE_MIGRATION = "before-migration"
SAFETY_PREFIX = "before-"
# How long a restore waits for another process's running write (an import) to commit.
RESTORE_WAIT_S = 30.0


class RestoreRefused(BackupError):
    """The file given for restore is not a usable Coordinator backup; nothing changed."""


class PassphraseRequired(BackupError):
    """The backup is encrypted and no passphrase was given."""


@dataclass(frozen=True)
class RotationPolicy:
    daily: int = 7
    weekly: int = 4
    safety: int = 3  # newest "before-..." backups always kept as well


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime  # aware, UTC
    reason: str
    size: int = 0
    counts: dict[str, int] | None = None  # None when not read or unreadable
    problem: str | None = None  # why counts could not be read

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_backup: Path | None
    counts: dict[str, int] = field(default_factory=dict)
    migrated: bool = False


def plan_rotation(
    backups: Sequence[BackupInfo], policy: RotationPolicy, tz: tzinfo | None = None
) -> tuple[list[BackupInfo], list[BackupInfo]]:
    """Split `backups` into (keep, delete) by `policy`; days and weeks in `tz` (local).

    Manual backups (the user asked for each one) are never deleted: the rules thin only
    the automatic ones (`auto` and the `before-...` safety backups). Each rule walks them
    newest first and keeps the newest of each period it has not seen, until it has kept
    its count; a backup already kept by the daily rule does not count for the weekly rule
    (so 7 daily + 4 weekly reach back about 5 weeks).
    """
    everything = sorted(backups, key=lambda b: b.created_at, reverse=True)
    kept: dict[Path, BackupInfo] = {b.path: b for b in everything if b.reason == MANUAL}
    ordered = [b for b in everything if b.reason != MANUAL]

    def rule(count: int, period: Callable[[datetime], Any]) -> None:
        last, n = None, 0
        for b in ordered:
            if n >= count:
                return
            p = period(b.created_at.astimezone(tz))
            if p != last:
                last = p
                if b.path not in kept:
                    kept[b.path] = b
                    n += 1

    rule(policy.daily, lambda d: d.date())
    rule(policy.weekly, lambda d: d.isocalendar()[:2])
    for b in [b for b in ordered if b.reason.startswith(SAFETY_PREFIX)][: policy.safety]:
        kept[b.path] = b
    if ordered:  # never delete the newest backup, whatever the policy says
        kept[ordered[0].path] = ordered[0]
    keep = [b for b in everything if b.path in kept]
    delete = [b for b in everything if b.path not in kept]
    return keep, delete


def backup_dir_for(db_path: Path | str) -> Path:
    """Where the backups of `db_path` live: the backups folder for the default database,
    a subfolder per database for any other, so that two files both called
    `coordinator.db` never share (or rotate away) each other's backups."""
    db_path = Path(db_path).expanduser().resolve()
    base = paths.backups_dir()
    if db_path == (paths.data_dir() / paths.DB_FILENAME).expanduser().resolve():
        return base
    digest = hashlib.sha256(str(db_path).encode("utf-8")).hexdigest()[:10]
    return base / f"{db_path.stem}-{digest}"


class BackupManager:
    def __init__(
        self,
        db_path: Path | str,
        backup_dir: Path | None = None,
        policy: RotationPolicy | None = None,
    ) -> None:
        self.db_path = Path(db_path).expanduser().resolve()
        self.backup_dir = Path(backup_dir) if backup_dir else backup_dir_for(self.db_path)
        self.policy = policy or RotationPolicy()
        self._pattern = re.compile(
            rf"^{re.escape(self.db_path.stem)}-(\d{{8}}T\d{{12}}Z)-([a-z][a-z-]*)\.db$"
        )
        self._marked = False

    # -- listing -------------------------------------------------------------------
    def _parse(self, path: Path) -> BackupInfo | None:
        m = self._pattern.match(path.name)
        if not m:
            return None
        created = datetime.strptime(m.group(1), "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        try:
            size = path.stat().st_size
        except OSError:
            return None
        return BackupInfo(path=path, created_at=created, reason=m.group(2), size=size)

    def list(self, *, with_counts: bool = True) -> list[BackupInfo]:
        """This database's backups in the backups folder, newest first."""
        if not self.backup_dir.is_dir():
            return []
        found = [b for p in self.backup_dir.iterdir() if (b := self._parse(p)) is not None]
        found.sort(key=lambda b: b.created_at, reverse=True)
        if not with_counts:
            return found
        return [self._with_counts(b) for b in found]

    @staticmethod
    def _with_counts(info: BackupInfo) -> BackupInfo:
        try:
            counts = low.record_counts(info.path)
        except Exception as exc:  # a damaged file is listed, with why
            return BackupInfo(info.path, info.created_at, info.reason, info.size, None, str(exc))
        return BackupInfo(info.path, info.created_at, info.reason, info.size, counts)

    # -- making backups --------------------------------------------------------------
    def _ensure_dir(self) -> None:
        try:
            if self.backup_dir.parent == paths.backups_dir() and not self.backup_dir.exists():
                paths.ensure_private_dir(self.backup_dir.parent)
            paths.ensure_private_dir(self.backup_dir)
        except OSError as exc:
            clear = low.storage_error(exc, "create the backups folder")
            raise (clear or BackupError(f"Cannot create the backups folder: {exc}")) from exc

    def _check_source(self) -> None:
        """Refuse to back up a file that is not a Coordinator database of this version:
        another program's database or a newer schema would fill the backups folder with
        files that can never be restored here."""
        if not self.db_path.exists():
            raise BackupError(f"There is no database at {self.db_path} to back up.")
        try:
            state = inspect_file(self.db_path)
        except DatabaseOpenError as exc:
            raise BackupError(f"{exc} Nothing was backed up.") from exc
        from coordinator.db import migrate

        if state.revision is not None and state.revision not in migrate.known_revisions():
            raise BackupError(
                f"{self.db_path.name} was saved by a newer version of Coordinator; back it "
                "up with that version. Nothing was backed up."
            )

    def backup_now(self, reason: str = MANUAL, *, rotate: bool = True) -> BackupInfo:
        """A verified backup in the backups folder (then rotation); returns its info."""
        self._check_source()
        self._ensure_dir()
        dest = self.backup_dir / low.timestamped_name(self.db_path, reason)
        low.backup_database(self.db_path, dest, checksum=True)
        log.info("Backup written: %s", dest.name)
        if reason in (AUTO, MANUAL):
            self._write_state(changed=False, last_auto=reason == AUTO)
        if rotate:
            self.rotate()
        info = self._parse(dest)
        assert info is not None
        return self._with_counts(info)

    def backup_to(self, dest: Path | str, *, overwrite: bool = False) -> Path:
        """A plain (unencrypted) verified copy exactly where the user says."""
        dest = self._check_dest(dest, overwrite)
        low.backup_database(self.db_path, dest, checksum=True)
        log.info("Backup copy written where the user chose")
        return dest

    def backup_encrypted(
        self,
        dest: Path | str,
        passphrase: str,
        *,
        overwrite: bool = False,
        log2_n: int | None = None,
    ) -> Path:
        """An authenticated, passphrase-encrypted backup at `dest` (for taking off the machine).

        The plain copy is made in the private backups folder and removed afterwards.
        """
        dest = self._check_dest(dest, overwrite)
        if not passphrase:
            raise BackupError("An empty passphrase cannot protect a backup.")
        self._ensure_dir()
        plain = self._work_file("encrypt")
        try:
            low.backup_database(self.db_path, plain)
            low.encrypt_file(plain, dest, passphrase, log2_n=log2_n or low.DEFAULT_LOG2_N)
        finally:
            with contextlib.suppress(OSError):
                plain.unlink()
        log.info("Encrypted backup written where the user chose")
        return dest

    def _check_dest(self, dest: Path | str, overwrite: bool) -> Path:
        dest = Path(dest).expanduser().resolve()
        self._check_source()
        if dest == self.db_path:
            raise BackupError("A backup cannot overwrite the database it copies.")
        if dest.is_dir():
            raise BackupError(f"{dest} is a folder; give a file name for the backup.")
        if dest.exists() and not overwrite:
            raise BackupError(f"{dest.name} already exists; choose another name.")
        return dest

    def _work_file(self, purpose: str) -> Path:
        return self.backup_dir / f".{purpose}-{_random.token_hex(8)}.tmp"

    def rotate(self) -> list[Path]:
        """Delete the backups the policy does not keep; returns the deleted paths."""
        _keep, delete = plan_rotation(self.list(with_counts=False), self.policy)
        deleted = []
        for b in delete:
            try:
                b.path.unlink()
                deleted.append(b.path)
                for leftover in (Path(f"{b.path}-wal"), low.checksum_path(b.path)):
                    with contextlib.suppress(FileNotFoundError):
                        leftover.unlink()
            except OSError as exc:  # keep going: rotation must never stop a backup
                log.warning("Could not delete old backup %s: %s", b.name, exc.strerror)
        # Leftovers of an interrupted backup or restore (a crash, a kill): a partial copy,
        # or a working copy; an hour old means no running job still uses it.
        cutoff = time.time() - 3600
        partial = self.backup_dir.glob(f"*{low.PARTIAL_SUFFIX}")
        for stale in [*partial, *self.backup_dir.glob(".*.tmp")]:
            with contextlib.suppress(OSError):
                if stale.stat().st_mtime < cutoff:
                    stale.unlink()
        return deleted

    # -- change tracking and the backup on quit ----------------------------------------
    @property
    def state_path(self) -> Path:
        return self.backup_dir / f".{self.db_path.stem}.backup-state.json"

    def _read_state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_state(self, *, changed: bool, last_auto: bool = False) -> None:
        state = self._read_state()
        state["changed"] = changed
        if last_auto:
            state["last_auto"] = datetime.now(UTC).isoformat()
        try:
            self._ensure_dir()
            write_private_atomic(self.state_path, json.dumps(state).encode("utf-8"))
        except (OSError, BackupError) as exc:  # losing the flag must not fail a save
            log.warning("Could not record the backup state: %s", exc)

    def mark_changed(self) -> None:
        """Remember that the database changed since the last backup (once per session)."""
        if not self._marked:
            self._marked = True
            self._write_state(changed=True)

    def watch(self, db: Any) -> Callable[[], None]:
        """Mark changes after every committed write of `db` (a `Database`); returns unsubscribe."""
        return db.subscribe(lambda _changes: self.mark_changed())

    def changed_since_backup(self) -> bool:
        return self._marked or bool(self._read_state().get("changed"))

    def backup_on_quit(
        self, now: datetime | None = None, tz: tzinfo | None = None
    ) -> BackupInfo | None:
        """The automatic backup: only when something changed, at most one a day."""
        if not self.changed_since_backup() or not self.db_path.exists():
            return None
        today = (now or datetime.now(UTC)).astimezone(tz).date()
        for b in self.list(with_counts=False):
            if b.reason == AUTO and b.created_at.astimezone(tz).date() == today:
                return None
        info = self.backup_now(AUTO)
        self._marked = False
        return info

    # -- restore -------------------------------------------------------------------------
    def check_not_in_use(self) -> None:
        holder: LockInfo | None = DatabaseLock(self.db_path).holder()
        if holder is not None and not holder.is_this_process():
            raise RestoreRefused(
                f"Coordinator is open on this database ({holder.describe()}). "
                "Close it before restoring; nothing was changed."
            )

    def restore(
        self, file: Path | str, passphrase: str | None = None, *, wait: float = RESTORE_WAIT_S
    ) -> RestoreResult:
        """Replace the current database by the backup `file` (see module docstring).

        Waits up to `wait` seconds for other processes' running writes (an import) to
        finish, then refuses with `writegate.GateBusy`; nothing changes in that case.
        """
        file = Path(file).expanduser().resolve()
        if not file.is_file():
            raise RestoreRefused(f"{file} does not exist; nothing was changed.")
        if file == self.db_path:
            raise RestoreRefused("That file is the current database itself; nothing was changed.")
        self.check_not_in_use()
        self._ensure_dir()
        work = self._work_file("restore")
        # Checking, decrypting and migrating the copy happen before taking the gate:
        # they can be slow and other writers need not wait for them.
        try:
            revision = self._prepare_working_copy(file, work, passphrase)
            migrated = False
            from coordinator.db import migrate

            if revision != migrate.head_revision():
                try:
                    migrate.upgrade(work)
                    low.verify_file(work)
                except Exception as exc:
                    raise RestoreRefused(
                        f"{file.name} could not be brought up to this version of Coordinator "
                        f"({type(exc).__name__}). Nothing was changed."
                    ) from exc
                migrated = True
            # From the safety copy until the new content is in place no other writer may
            # commit: a commit before the copy is in the copy, one after waits and lands
            # in the restored database; none can fall between and be lost.
            with writegate.replacing(self.db_path, wait, "restore"):
                self.check_not_in_use()  # an app may have opened it meanwhile
                safety = self._safety_copy()
                if not self.db_path.exists():
                    low.prepare_private_parent(self.db_path)
                    low.create_private_file(self.db_path)
                try:
                    low.restore_into(work, self.db_path)
                except low.TargetDamaged:  # the current file cannot even be written into
                    self._replace_file(work)
                counts = low.record_counts(self.db_path)
        finally:
            for suffix in ("", "-journal", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(f"{work}{suffix}").unlink()
        self._marked = False
        self.mark_changed()
        shown = file.name if file.parent == self.backup_dir.resolve() else "a file the user chose"
        log.info("Restored from %s (safety backup: %s)", shown, safety.name if safety else "-")
        return RestoreResult(file, safety, counts, migrated)

    def _safety_copy(self) -> Path | None:
        """Back up the current database before a restore; a damaged one is kept as is."""
        if not self.db_path.exists() or self.db_path.stat().st_size == 0:
            return None
        try:
            return self.backup_now(BEFORE_RESTORE, rotate=False).path
        except low.StorageError:
            raise
        except BackupError:
            pass
        # Damaged (that is often why one restores): keep its files byte for byte.
        dest = self.backup_dir / low.timestamped_name(self.db_path, BEFORE_RESTORE + "-damaged")
        try:
            for suffix in ("", "-wal"):
                src = Path(f"{self.db_path}{suffix}")
                if src.exists():
                    target = Path(f"{dest}{suffix}")
                    low.create_private_file(target)
                    shutil.copyfile(src, target)
        except OSError as exc:
            clear = low.storage_error(exc, "keep a copy of the current database")
            raise (clear or BackupError(f"Could not keep a copy of the current database: {exc}")
                   ) from exc
        log.warning("The current database is damaged; kept as %s", dest.name)
        return dest

    def _replace_file(self, work: Path) -> None:
        """Last resort when the current file cannot even be opened: swap the files."""
        tmp = self.db_path.with_name(self.db_path.name + low.PARTIAL_SUFFIX)
        low.backup_database(work, tmp)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.db_path}{suffix}").unlink()
        os.replace(tmp, self.db_path)
        paths.make_private(self.db_path)

    def _prepare_working_copy(self, file: Path, work: Path, passphrase: str | None) -> str:
        """Check `file` and leave a verified private copy of it at `work`; its revision."""
        if low.is_encrypted_backup(file):
            if not passphrase:
                raise PassphraseRequired(f"{file.name} is encrypted; a passphrase is needed.")
            low.decrypt_file(file, work, passphrase)
            source = work
        else:
            source = file
            try:
                low.check_checksum(file)
            except low.ChecksumMismatch as exc:
                raise RestoreRefused(f"{exc} Nothing was changed.") from exc
        try:
            state = inspect_file(source)
        except DatabaseOpenError as exc:
            raise RestoreRefused(f"{_shown(exc, work, file)} Nothing was changed.") from exc
        if state.empty or state.revision is None:
            raise RestoreRefused(
                f"{file.name} is not a Coordinator backup (it holds no Coordinator data). "
                "Nothing was changed."
            )
        from coordinator.db import migrate

        if state.revision not in migrate.known_revisions():
            raise RestoreRefused(
                f"{file.name} was made by a newer version of Coordinator; update Coordinator "
                "to restore it. Nothing was changed."
            )
        try:
            if source is file:
                low.backup_database(file, work)  # verified private working copy
            else:
                low.verify_file(work)
        except BackupError as exc:
            raise RestoreRefused(f"{file.name} is damaged: {exc} Nothing was changed.") from exc
        return state.revision


def _shown(exc: Exception, work: Path, file: Path) -> str:
    """The error text with the internal working-file name replaced by the user's file."""
    return str(exc).replace(work.name, file.name)

