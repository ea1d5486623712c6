"""Backups of one Coordinator database: list, make, rotate, restore, encrypt.

`BackupManager(db_path)` is what the app and the CLI use:

- `list()` -> `BackupInfo` newest first, with dates and record counts;
- `backup_now(reason)` into the private backups folder, verified, then rotated
  (`RotationPolicy`: keep the newest backup of each of the last 7 days that have one
  and of each of the 4 weeks before them; the newest "before-..." safety backups too);
- `watch(db)` remembers (on disk, so a crash does not forget it) that something
  changed; `backup_on_quit()` then makes an automatic backup at most once a day;
- `backup_to(file)` / `backup_encrypted(file, passphrase)` where the user says;
- `restore(file, passphrase=None)` checks the file first (a foreign, damaged, newer
  or tampered file is refused and nothing changes), backs up the current database,
  migrates an older backup on a working copy and copies it in, in one transaction.

Nothing here logs names, addresses or passphrases: only file names and counts.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets as _random
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from coordinator import paths
from coordinator.db import backup as low
from coordinator.db.backup import BackupError
from coordinator.db.inspect import inspect_file
from coordinator.errors import DatabaseOpenError
from coordinator.lock import DatabaseLock, LockInfo

log = logging.getLogger(__name__)

AUTO = "auto"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
BEFORE_IMPORT = "before-import"
BEFORE_MIGRATION = "before-migration"
SAFETY_PREFIX = "before-"


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

    Each rule walks the backups newest first and keeps the newest of each period it has
    not seen, until it has kept its count; a backup already kept by the daily rule does
    not count for the weekly rule (so 7 daily + 4 weekly reach back about 5 weeks).
    """
    ordered = sorted(backups, key=lambda b: b.created_at, reverse=True)
    kept: dict[Path, BackupInfo] = {}

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
    keep = [b for b in ordered if b.path in kept]
    delete = [b for b in ordered if b.path not in kept]
    return keep, delete


class BackupManager:
    def __init__(
        self,
        db_path: Path | str,
        backup_dir: Path | None = None,
        policy: RotationPolicy | None = None,
    ) -> None:
        self.db_path = Path(db_path).expanduser().resolve()
        self.backup_dir = Path(backup_dir) if backup_dir else paths.backups_dir()
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
            paths.ensure_private_dir(self.backup_dir)
        except OSError as exc:
            clear = low.storage_error(exc, "create the backups folder")
            raise (clear or BackupError(f"Cannot create the backups folder: {exc}")) from exc

    def backup_now(self, reason: str = MANUAL, *, rotate: bool = True) -> BackupInfo:
        """A verified backup in the backups folder (then rotation); returns its info."""
        if not self.db_path.exists():
            raise BackupError(f"There is no database at {self.db_path} to back up.")
        self._ensure_dir()
        dest = self.backup_dir / low.timestamped_name(self.db_path, reason)
        low.backup_database(self.db_path, dest)
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
        low.backup_database(self.db_path, dest)
        log.info("Backup copy written: %s", dest.name)
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
        log.info("Encrypted backup written: %s", dest.name)
        return dest

    def _check_dest(self, dest: Path | str, overwrite: bool) -> Path:
        dest = Path(dest).expanduser().resolve()
        if not self.db_path.exists():
            raise BackupError(f"There is no database at {self.db_path} to back up.")
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
            except OSError as exc:  # keep going: rotation must never stop a backup
                log.warning("Could not delete old backup %s: %s", b.name, exc.strerror)
        for stale in self.backup_dir.glob(f"*{low.PARTIAL_SUFFIX}"):
            with contextlib.suppress(OSError):
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
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        try:
            self._ensure_dir()
            low.create_private_file(tmp)
            tmp.write_text(json.dumps(state), encoding="utf-8")
            os.replace(tmp, self.state_path)
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

    def restore(self, file: Path | str, passphrase: str | None = None) -> RestoreResult:
        """Replace the current database by the backup `file` (see module docstring)."""
        file = Path(file).expanduser().resolve()
        if not file.is_file():
            raise RestoreRefused(f"{file} does not exist; nothing was changed.")
        if file == self.db_path:
            raise RestoreRefused("That file is the current database itself; nothing was changed.")
        self.check_not_in_use()
        self._ensure_dir()
        work = self._work_file("restore")
        try:
            revision = self._prepare_working_copy(file, work, passphrase)
            migrated = False
            from coordinator.db import migrate

            if revision != migrate.head_revision():
                migrate.upgrade(work)
                low.verify_file(work)
                migrated = True
            safety = None
            if self.db_path.exists() and self.db_path.stat().st_size > 0:
                safety = self.backup_now(BEFORE_RESTORE, rotate=False).path
            elif not self.db_path.exists():
                low.prepare_private_parent(self.db_path)
                low.create_private_file(self.db_path)
            low.restore_into(work, self.db_path)
            counts = low.record_counts(self.db_path)
        finally:
            for suffix in ("", "-journal", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(f"{work}{suffix}").unlink()
        self._marked = False
        self.mark_changed()
        log.info("Restored from %s (safety backup: %s)", file.name, safety.name if safety else "-")
        return RestoreResult(file, safety, counts, migrated)

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


def save_open_database(db: Any) -> Path:
    """Put a database whose file was deleted or moved while open back at its place.

    `db` is an open `Database`: its connections still hold the lost file (and SQLite
    refuses to write into it), so everything committed is still readable. The content
    is copied with the backup API to a temporary name, the connections are closed (the
    lost file's -wal/-shm go with them) and the copy is renamed to `db.path`; the
    engine then reconnects on its own and the app keeps working.
    """
    path = Path(db.path)
    if path.exists():
        raise BackupError(f"There is already a file at {path}; nothing was overwritten.")
    tmp = path.with_name(path.name + ".recovered" + low.PARTIAL_SUFFIX)
    try:
        low.prepare_private_parent(path)
        low.create_private_file(tmp)
        raw = db.engine.raw_connection()
        try:
            target = sqlite3.connect(tmp)
            try:
                raw.driver_connection.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")
                low.check_integrity(target, "The recovered copy")
            finally:
                target.close()
        finally:
            raw.close()
        db.engine.dispose()
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{path}{suffix}").unlink()
        os.replace(tmp, path)
        paths.make_private(path)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        clear = low.storage_error(exc, f"save the database again to {path}")
        raise (clear or BackupError(f"Could not save the database to {path}: {exc}")) from exc
    log.info("Database saved again at its place after it went missing")
    return path
