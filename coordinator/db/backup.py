"""Copies of a database made with SQLite's online backup API (never a file copy:
the recent commits of a WAL database live in its -wal file).

`backup_database` writes a verified private copy under a temporary name and renames
it into place; `restore_into` copies a checked file *into* a live database in one
transaction (other connections simply see the new content); `record_counts` reads
the headline numbers of a copy; `storage_error` turns disk-full, read-only and
permission errors into one clear `CoordinatorError`; `encrypt_file` / `decrypt_file`
read and write the authenticated, passphrase-encrypted backup format (scrypt +
AES-256-GCM in chunks, described below); `save_open_database` puts a database whose
file was deleted or moved while open back in place from its still-open connections.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import logging
import os
import sqlite3
import struct
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coordinator.errors import CoordinatorError
from coordinator.files import sync_folder
from coordinator.paths import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, make_private

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"

# Tables counted when listing backups: (table, label).
COUNTED_TABLES = (
    ("contact", "contacts"),
    ("organization", "organizations"),
    ("proposal", "proposals"),
    ("meeting", "meetings"),
)


class BackupError(CoordinatorError):
    """A backup or restore could not be made; nothing that was saved has changed."""


class StorageError(BackupError):
    """The disk is full, read-only, or the location cannot be written."""


class TargetDamaged(BackupError):
    """The database being restored into cannot be opened or read as a database."""


def timestamped_name(db_path: Path, reason: str, when: datetime | None = None) -> str:
    stamp = (when or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{db_path.stem}-{stamp}-{reason}.db"


def sqlite_uri(path: Path, mode: str = "ro") -> str:
    """A `file:` URI for `path` (percent-encoded, so `?`, `#` and `%` in names are safe)."""
    return f"{Path(path).resolve().as_uri()}?mode={mode}"


_STORAGE_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EFBIG: "the file would be larger than this disk allows",
    errno.EROFS: "the location is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "the folder or file no longer exists",
}


def storage_error(exc: BaseException, action: str) -> CoordinatorError | None:
    """A clear error for an OS or SQLite storage failure during `action`, else None.

    `action` is a phrase such as "back up the database". The message names the cause
    and says that nothing already saved was lost, so it can be shown as is.
    """
    cause: str | None = None
    if isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS:
        cause = _STORAGE_ERRNOS[exc.errno]
    elif isinstance(exc, sqlite3.Error) or type(exc).__name__ == "OperationalError":
        text = str(getattr(exc, "orig", None) or exc).lower()
        if "disk is full" in text or "database or disk is full" in text:
            cause = "the disk is full"
        elif "readonly" in text or "read-only" in text:
            cause = "the location is read-only"
        elif "unable to open" in text or "disk i/o error" in text:
            # SQLite reports a write refused for lack of space during a WAL append as an
            # I/O error, not as "disk is full": name both likely causes.
            cause = ("the file cannot be written (the disk may be full, or it had an "
                     "error, or the file was moved or deleted)")
    if cause is None:
        return None
    return StorageError(
        f"Could not {action}: {cause}. Nothing already saved was lost; "
        "fix the cause and try again."
    )


def prepare_private_parent(dest: Path) -> None:
    """Create the folder for `dest` (0700) if missing; never change a folder the user chose."""
    missing = [p for p in (dest.parent, *dest.parent.parents) if not p.exists()]
    for folder in reversed(missing):  # every folder made here is private, not just the last
        folder.mkdir(exist_ok=True, mode=PRIVATE_DIR_MODE)
        if os.name == "posix":
            os.chmod(folder, PRIVATE_DIR_MODE)


def create_private_file(path: Path) -> None:
    """Create (or truncate) `path` with mode 0600 from the start."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.close(fd)


def check_integrity(conn: sqlite3.Connection, name: str) -> None:
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{name} is damaged and cannot be read: {exc}.") from exc
    if not result or result[0] != "ok":
        raise BackupError(f"{name} failed its integrity check ({result[0] if result else '?'}).")


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """One-step online copy: a consistent snapshot even while others write."""
    source.backup(target)


# A copy whose free pages are at least this share of it is compacted (VACUUM) so that
# backups of a database that once held a large import do not keep its empty pages.
COMPACT_FREE_FRACTION = 0.1


def _compact(target: sqlite3.Connection) -> None:
    pages = target.execute("PRAGMA page_count").fetchone()[0]
    free = target.execute("PRAGMA freelist_count").fetchone()[0]
    if free and free >= pages * COMPACT_FREE_FRACTION:
        target.execute("VACUUM")


def backup_database(src: Path, dest: Path, *, checksum: bool = False) -> Path:
    """Copy `src` to `dest` online, verify the copy, make it private; returns `dest`.

    Writes to a temporary name first so that a failed or interrupted backup never
    leaves a half-written file under the final name. Storage failures (disk full,
    read-only folder...) raise `StorageError`; the source is never changed. With
    `checksum`, the copy's SHA-256 is written beside it (`write_checksum`) so that a
    restore can tell a copy damaged later on disk from the one that was verified here.
    """
    src = Path(src)
    dest = Path(dest)
    tmp = dest.with_name(dest.name + PARTIAL_SUFFIX)
    action = f"back up {src.name}"
    try:
        prepare_private_parent(dest)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        create_private_file(tmp)
        from coordinator.db.inspect import connect_to_read  # inspect imports this module

        source = connect_to_read(src)  # no -wal or -shm left beside a closed database
        try:
            target = sqlite3.connect(tmp)
            try:
                _copy(source, target)
                target.execute("PRAGMA journal_mode=DELETE")
                _compact(target)
                check_integrity(target, "The backup copy")
            finally:
                target.close()
        finally:
            source.close()
        if checksum:
            write_checksum(tmp, for_name=dest.name)
        os.replace(tmp, dest)
        sync_folder(dest.parent)
        make_private(dest)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        clear = storage_error(exc, action)
        if clear is not None:
            raise clear from exc
        raise BackupError(f"Could not {action}: {exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return dest


CHECKSUM_SUFFIX = ".sha256"


def checksum_path(path: Path) -> Path:
    return Path(f"{path}{CHECKSUM_SUFFIX}")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_checksum(path: Path, *, for_name: str | None = None) -> Path:
    """Write `<name>.sha256` beside the file named `for_name` (default: `path` itself)
    in `sha256sum` format, so that `sha256sum -c` can check it too. The checksum file is
    written under a temporary name, synced and renamed, like the backup itself."""
    name = for_name or Path(path).name
    dest = checksum_path(Path(path).with_name(name))
    tmp = dest.with_name(dest.name + PARTIAL_SUFFIX)
    create_private_file(tmp)
    with tmp.open("w", encoding="ascii") as fh:
        fh.write(f"{file_sha256(path)}  {name}\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    return dest


class ChecksumMismatch(BackupError):
    """A backup's bytes differ from those verified when it was made."""


def check_checksum(path: Path) -> bool:
    """Raise `ChecksumMismatch` if `path` has a checksum file that it does not match.

    Returns True when a checksum was found and matched, False when there is none (a copy
    made by an older version, or moved without its checksum file): then only SQLite's
    integrity check vouches for it.
    """
    side = checksum_path(path)
    try:
        text = side.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ChecksumMismatch(f"Cannot read {side.name}: {exc.strerror or exc}.") from exc
    expected = text.split()[0].lower() if text.split() else ""
    if expected != file_sha256(path):
        raise ChecksumMismatch(
            f"{Path(path).name} has changed since it was made: its bytes no longer match "
            f"the checksum recorded in {side.name} (a damaged disk or an incomplete copy). "
            f"If you are sure the file is right, delete {side.name} to restore it unchecked."
        )
    return True


def record_counts(path: Path) -> dict[str, int]:
    """Headline record counts (not in Trash) of a database file, read-only."""
    from coordinator.db.inspect import connect_to_read  # inspect imports this module

    counts: dict[str, int] = {}
    conn = connect_to_read(path)  # no -wal or -shm left beside a closed database
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table, label in COUNTED_TABLES:
            if table not in tables:
                continue
            cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
            where = " WHERE deleted_at IS NULL" if "deleted_at" in cols else ""
            counts[label] = conn.execute(f'SELECT count(*) FROM "{table}"{where}').fetchone()[0]
    finally:
        conn.close()
    return counts


def verify_file(path: Path) -> None:
    """Raise `BackupError` unless `path` opens and passes `PRAGMA integrity_check`."""
    try:
        conn = sqlite3.connect(sqlite_uri(path, "ro"), uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path.name} cannot be opened: {exc}.") from exc
    try:
        check_integrity(conn, path.name)
    finally:
        conn.close()


def restore_into(src: Path, live_db: Path) -> None:
    """Replace the content of `live_db` by that of the checked copy `src`, atomically.

    Uses the backup API *into* the live file: one write transaction, so a crash leaves
    either the old or the new content, and connections other programs hold stay valid.
    """
    action = f"restore into {live_db.name}"
    try:
        source = sqlite3.connect(sqlite_uri(src, "ro"), uri=True)
        try:
            target = sqlite3.connect(live_db, timeout=10)
            try:
                target.execute("PRAGMA busy_timeout=10000")
                _copy(source, target)
                check_integrity(target, live_db.name)
            finally:
                target.close()
        finally:
            source.close()
    except (OSError, sqlite3.Error) as exc:
        clear = storage_error(exc, action)
        if clear is not None:
            raise clear from exc
        text = str(exc).lower()
        if isinstance(exc, sqlite3.DatabaseError) and ("not a database" in text
                                                       or "malformed" in text):
            raise TargetDamaged(f"{live_db.name} is too damaged to restore into: {exc}") from exc
        raise BackupError(f"Could not {action}: {exc}") from exc


def save_open_database(db: Any) -> Path:  # db: coordinator.db.Database
    """Put a database whose file was deleted or moved while open back at its place.

    `db` is an open `Database`: its connections still hold the lost file, so everything
    committed is still readable (SQLite would even go on writing into it, to be lost at
    close: the app checks `coordinator.lock.FileWatch` before each write). The content
    is copied with the backup API to a temporary name, the connections are closed (the
    lost file's -wal/-shm go with them) and the copy is renamed to `db.path`; the
    engine then reconnects on its own and the app keeps working.
    """
    path = Path(db.path)
    if path.exists():
        raise BackupError(f"There is already a file at {path}; nothing was overwritten.")
    tmp = path.with_name(path.name + ".recovered" + PARTIAL_SUFFIX)
    try:
        prepare_private_parent(path)
        create_private_file(tmp)
        raw = db.engine.raw_connection()
        try:
            target = sqlite3.connect(tmp)
            try:
                raw.driver_connection.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")
                check_integrity(target, "The recovered copy")
            finally:
                target.close()
        finally:
            raw.close()
        db.engine.dispose()
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{path}{suffix}").unlink()
        os.replace(tmp, path)
        make_private(path)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        clear = storage_error(exc, f"save the database again to {path}")
        raise (clear or BackupError(f"Could not save the database to {path}: {exc}")) from exc
    watch = getattr(db, "watch", None)
    if watch is not None:  # the file at its place is the database again
        watch.reset()
    log.info("Database saved again at its place after it went missing")
    return path


# -- encrypted backup files -------------------------------------------------------
# Layout (version 1), all integers big-endian:
#   header  = magic "COORDBAK" | version u8 | kdf u8 (1 = scrypt) | log2(N) u8 | r u8 | p u8
#             | salt 16 | nonce prefix 7 | chunk size u32                      (39 bytes)
#   check   = HMAC-SHA256(mac key, header)                                      (32 bytes)
#   chunks  = AES-256-GCM(enc key, nonce = prefix | counter u32 | last u8,
#             aad = header | check), each `chunk size` bytes of plaintext + 16-byte tag;
#             the last chunk (possibly empty) has last = 1, so truncation, reordering
#             and any flipped byte are all detected.
# The 64-byte scrypt output gives the enc key (32) and the mac key (32): a wrong
# passphrase is told apart from a damaged body by the header check.
ENCRYPTED_MAGIC = b"COORDBAK"
ENCRYPTED_VERSION = 1
_KDF_SCRYPT = 1
_HEADER = struct.Struct(">8sBBBBB16s7sI")
_CHECK_LEN = 32
_TAG_LEN = 16
CHUNK_SIZE = 1 << 20
DEFAULT_LOG2_N = 17  # 128 MiB, ~0.4 s on a laptop
_LOG2_N_RANGE = range(14, 23)


class WrongPassphrase(BackupError):
    pass


class TamperedBackup(BackupError):
    pass


def is_encrypted_backup(path: Path) -> bool:
    try:
        with Path(path).open("rb") as fh:
            return fh.read(len(ENCRYPTED_MAGIC)) == ENCRYPTED_MAGIC
    except OSError:
        return False


def _derive(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    if not passphrase:
        raise BackupError("An empty passphrase cannot protect a backup.")
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    key = Scrypt(salt=salt, length=64, n=1 << log2_n, r=r, p=p).derive(secret)
    return key[:32], key[32:]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= 1 << 32:
        raise BackupError("The backup is too large to encrypt.")
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def encrypt_file(src: Path, dest: Path, passphrase: str, *, log2_n: int = DEFAULT_LOG2_N) -> Path:
    """Encrypt the file `src` into `dest` (0600, temp name then rename)."""
    salt, prefix = os.urandom(16), os.urandom(7)
    header = _HEADER.pack(
        ENCRYPTED_MAGIC, ENCRYPTED_VERSION, _KDF_SCRYPT, log2_n, 8, 1, salt, prefix, CHUNK_SIZE
    )
    enc_key, mac_key = _derive(passphrase, salt, log2_n, 8, 1)
    check = hmac.new(mac_key, header, hashlib.sha256).digest()
    aad = header + check
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(enc_key)
    tmp = dest.with_name(dest.name + PARTIAL_SUFFIX)
    try:
        prepare_private_parent(dest)
        create_private_file(tmp)
        with Path(src).open("rb") as inp, tmp.open("wb") as out:
            out.write(aad)
            counter = 0
            chunk = inp.read(CHUNK_SIZE)
            while True:
                following = inp.read(CHUNK_SIZE)
                last = not following
                out.write(aead.encrypt(_nonce(prefix, counter, last), chunk, aad))
                if last:
                    break
                chunk, counter = following, counter + 1
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
        sync_folder(dest.parent)
        make_private(dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        clear = storage_error(exc, f"write {dest.name}")
        raise (clear or BackupError(f"Could not write {dest.name}: {exc}")) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return dest


def decrypt_file(src: Path, dest: Path, passphrase: str) -> Path:
    """Decrypt `src` into `dest` (0600). Raises `WrongPassphrase` or `TamperedBackup`;
    on any failure `dest` is not created."""
    name = Path(src).name
    tmp = dest.with_name(dest.name + PARTIAL_SUFFIX)
    try:
        with Path(src).open("rb") as inp:
            aad = inp.read(_HEADER.size + _CHECK_LEN)
            if not aad.startswith(ENCRYPTED_MAGIC):
                raise BackupError(f"{name} is not an encrypted Coordinator backup.")
            if len(aad) < _HEADER.size + _CHECK_LEN:
                raise TamperedBackup(f"{name} is damaged: it is cut short. Nothing was restored.")
            _magic, version, kdf, log2_n, r, p, salt, prefix, chunk_size = _HEADER.unpack(
                aad[: _HEADER.size]
            )
            if version > ENCRYPTED_VERSION:
                raise BackupError(
                    f"{name} was written by a newer version of Coordinator; update to restore it."
                )
            if (version != ENCRYPTED_VERSION or kdf != _KDF_SCRYPT or log2_n not in _LOG2_N_RANGE
                    or not 1 <= r <= 16 or not 1 <= p <= 4 or not 1024 <= chunk_size <= 1 << 26):
                raise TamperedBackup(f"{name} is damaged or was altered. Nothing was restored.")
            enc_key, mac_key = _derive(passphrase, salt, log2_n, r, p)
            expected = hmac.new(mac_key, aad[: _HEADER.size], hashlib.sha256).digest()
            if not hmac.compare_digest(expected, aad[_HEADER.size:]):
                raise WrongPassphrase(
                    f"Wrong passphrase for {name} (or its header was damaged). "
                    "Nothing was restored."
                )
            from cryptography.exceptions import InvalidTag
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            aead = AESGCM(enc_key)
            prepare_private_parent(dest)
            create_private_file(tmp)
            with tmp.open("wb") as out:
                counter = 0
                block = inp.read(chunk_size + _TAG_LEN)
                while True:
                    following = inp.read(chunk_size + _TAG_LEN)
                    last = not following
                    try:
                        out.write(aead.decrypt(_nonce(prefix, counter, last), block, aad))
                    except InvalidTag as exc:
                        raise TamperedBackup(
                            f"{name} is damaged or was tampered with. Nothing was restored."
                        ) from exc
                    if last:
                        break
                    block, counter = following, counter + 1
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, dest)
        make_private(dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        clear = storage_error(exc, f"read {name}")
        raise (clear or BackupError(f"Could not read {name}: {exc.strerror or exc}")) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return dest
