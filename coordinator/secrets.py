"""Secrets (the backup passphrase, later a team server's password) in the OS keyring.

`store_secret(name, value)`, `get_secret(name)` and `delete_secret(name)` use the
`keyring` library under the service name "Coordinator". When no usable keyring
exists (headless Linux, CI: `keyring` has only its "fail" or "null" backend, or it
raises `NoKeyringError`), or the configured backend cannot even be loaded or fails in
any other way (a PYTHON_KEYRING_BACKEND naming a missing module, a D-Bus error), the
secret is kept in memory for this session only and the result says so plainly: no
keyring failure ever raises from here. A secret is never written to a file by this module, and
plain-text file keyrings (`keyrings.alt`) are refused as "no keyring". Secret values
are never logged, and neither are entry names: a hub entry's name holds the hub login
(a person's user name), so a log line says only the kind of secret and the error class.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import keyring
import keyring.backend
import keyring.errors

log = logging.getLogger(__name__)

SERVICE = "Coordinator"
BACKUP_PASSPHRASE = "backup-passphrase"
NO_KEYRING_MESSAGE = (
    "No keyring is available on this computer: the secret is kept for this session only "
    "and will be asked for again next time."
)


@dataclass(frozen=True)
class StoreResult:
    in_keyring: bool
    message: str

    @property
    def session_only(self) -> bool:
        return not self.in_keyring


def secret_kind(name: str) -> str:
    """What an entry holds, for logs: never the entry's name, which for a team hub
    carries the login ("hub:<user>@<host>:<port>/<db>")."""
    if name == BACKUP_PASSPHRASE:
        return "backup passphrase"
    if name.startswith("hub:"):
        return "hub password"
    return "secret"


def _unusable_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why this backend must not hold our secrets, or None if it may."""
    module = type(backend).__module__
    name = type(backend).__name__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return "no keyring backend"
    if module.startswith("keyrings.alt"):
        return "a file-based keyring (keyrings.alt) would keep the secret on disk"
    if module.startswith("keyring.backends.chainer") and not getattr(backend, "backends", None):
        return "no keyring backend"
    try:
        if backend.priority <= 0:  # type: ignore[operator]
            return f"the keyring backend {name} is not usable here"
    except Exception:
        return f"the keyring backend {name} is not usable here"
    return None


def _backend_problem() -> str | None:
    """Why the keyring cannot hold our secrets now, or None when it can."""
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a configured backend that cannot be imported or set up
        return f"the keyring backend could not be loaded ({type(exc).__name__})"
    return _unusable_reason(backend)


class SecretStore:
    """The keyring with an in-memory fallback for the session."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service
        self._session: dict[str, str] = {}
        self._lock = threading.Lock()

    def keyring_available(self) -> bool:
        return _backend_problem() is None

    def store(self, name: str, value: str) -> StoreResult:
        reason = _backend_problem()
        if reason is None:
            try:
                keyring.set_password(self.service, name, value)
            except Exception as exc:  # any backend failure: fall back, never a traceback
                log.warning("Keyring refused to store a %s (%s); keeping it for the session",
                            secret_kind(name), type(exc).__name__)
            else:
                with self._lock:
                    self._session.pop(name, None)
                return StoreResult(True, "Saved in the system keyring.")
        else:
            log.info("No usable keyring (%s); a %s is kept for this session only",
                     reason, secret_kind(name))
        with self._lock:
            self._session[name] = value
        return StoreResult(False, NO_KEYRING_MESSAGE)

    def get(self, name: str) -> str | None:
        with self._lock:
            if name in self._session:
                return self._session[name]
        if _backend_problem() is not None:
            return None
        try:
            return keyring.get_password(self.service, name)
        except Exception as exc:  # any backend failure reads as "not stored"
            log.warning("Keyring could not be read for a %s (%s)",
                        secret_kind(name), type(exc).__name__)
            return None

    def delete(self, name: str) -> bool:
        """Forget the secret everywhere; True if it was found somewhere."""
        with self._lock:
            found = self._session.pop(name, None) is not None
        if _backend_problem() is None:
            try:
                keyring.delete_password(self.service, name)
                found = True
            except keyring.errors.PasswordDeleteError:
                pass
            except Exception as exc:  # any backend failure: nothing more to forget
                log.warning("Keyring could not delete a %s (%s)",
                            secret_kind(name), type(exc).__name__)
        return found

    def forget_session(self) -> None:
        with self._lock:
            self._session.clear()


_default = SecretStore()


def default_store() -> SecretStore:
    return _default


def store_secret(name: str, value: str) -> StoreResult:
    return _default.store(name, value)


def get_secret(name: str) -> str | None:
    return _default.get(name)


def delete_secret(name: str) -> bool:
    return _default.delete(name)


def keyring_available() -> bool:
    return _default.keyring_available()
