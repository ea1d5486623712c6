"""`ctx.hub`: what the app asks of the team hub, bound to the open database.

It wraps `coordinator.sync.api` (join, sync, status, conflicts, leave) and the hub's
admin functions. Nothing here touches Qt, and every call that reaches the network
(`sync`, `test`, `join`, the users functions) is meant for a worker thread: the
connection is opened, used and closed there. Passwords come from the OS keyring
(`coordinator.hub.credentials`), never from a file. The sync modules (and psycopg) are
imported on first use, so opening the app does not pay for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coordinator.errors import CoordinatorError

if TYPE_CHECKING:
    import psycopg

    from coordinator.db import Database
    from coordinator.hub.admin import HubUser
    from coordinator.hub.connect import HubAddress, HubInfo
    from coordinator.secrets import StoreResult
    from coordinator.sync.api import ChangedBy, ConflictView, SyncReport, SyncStatus

Opened = Callable[["psycopg.Connection[Any]"], None]


class PasswordNeeded(CoordinatorError):
    """No password is stored for the hub login (forgotten, or kept for a past session)."""


@dataclass(frozen=True)
class JoinResult:
    report: SyncReport
    coalition: str
    stored: StoreResult


class HubService:
    """The hub as the app sees it; one sync at a time (`sync` refuses a second)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._one_sync = threading.Lock()

    # -- local state (quick reads) -----------------------------------------------------
    def status(self) -> SyncStatus:
        from coordinator.sync import api

        return api.status(self._db)

    def address(self) -> HubAddress | None:
        from coordinator.sync import api

        return api.address_of(self._db)

    def list_conflicts(self) -> list[ConflictView]:
        from coordinator.sync import api

        return api.list_conflicts(self._db)

    def record_title(self, kind: str, row_id: str) -> tuple[str, str, str]:
        from coordinator.sync import api

        return api.record_title(self._db, kind, row_id)

    def changed_by(self, kind: str, row_id: str) -> ChangedBy | None:
        from coordinator.sync import api

        return api.changed_by(self._db, kind, row_id)

    def changed_by_many(self, kind: str, ids: list[str]) -> dict[str, ChangedBy]:
        from coordinator.sync import api

        return api.changed_by_many(self._db, kind, ids)

    def row_snapshot(self, kind: str, row_id: str) -> dict[str, Any] | None:
        from coordinator.sync import api

        return api.row_snapshot(self._db, kind, row_id)

    def resolve(self, conflict_id: str, keep: str, text: str | None = None) -> None:
        from coordinator.sync import api

        api.resolve(self._db, conflict_id, keep, text=text)

    def unresolve(self, conflict_id: str, snapshot: dict[str, Any] | None) -> None:
        from coordinator.sync import api

        api.unresolve(self._db, conflict_id, snapshot)

    def leave(self) -> None:
        """Stop syncing; every record stays on this computer. The password is forgotten."""
        from coordinator.hub import credentials
        from coordinator.sync import api

        address = api.address_of(self._db)
        api.leave(self._db)
        if address is not None:
            credentials.forget_password(address)

    # -- the network (worker threads only) -----------------------------------------------
    def password(self, address: HubAddress) -> str:
        from coordinator.hub import credentials

        password = credentials.get_password(address)
        if password is None:
            raise PasswordNeeded(
                f"No password is kept for {address.user} at {address.display()}: enter it "
                "in File > Team Hub….")
        return password

    def connect(self, address: HubAddress, password: str, *, timeout: int | None = None
                ) -> psycopg.Connection[Any]:
        """A connection to the hub (HubError with one line), `timeout` seconds at most to
        reach it (the quit sync waits less than a normal one)."""
        import psycopg

        from coordinator.hub.connect import HubError, connection_params, explain

        params = connection_params(address, password)
        if timeout is not None:
            params["connect_timeout"] = max(2, int(timeout))
        try:
            return psycopg.connect(autocommit=False, **params)
        except psycopg.Error as exc:
            raise HubError(explain(exc, address)) from None

    def _open(self, address: HubAddress, password: str | None, timeout: int | None
              ) -> psycopg.Connection[Any]:
        """Connect with `password`, or the stored one; a stored password the hub refuses
        is forgotten (as the command line does), so the app asks again."""
        from coordinator.hub import credentials
        from coordinator.hub.connect import HubError

        stored = password is None
        secret = self.password(address) if password is None else password
        try:
            return self.connect(address, secret, timeout=timeout)
        except HubError as exc:
            if stored and "refused the password" in str(exc):
                credentials.forget_password(address)
                raise HubError(f"{exc} The stored password was forgotten: enter it again "
                               "in File > Team Hub….") from None
            raise

    def sync(self, *, timeout: int | None = None, opened: Opened | None = None) -> SyncReport:
        """Pull, then push, with the stored password. `opened(conn)` receives the
        connection as soon as it exists (so a quit can cancel it)."""
        from coordinator.formats.parsed import gc_paused
        from coordinator.sync import api

        if not self._one_sync.acquire(blocking=False):
            raise CoordinatorError("A sync is already running.")
        try:
            address = api.address_of(self._db)
            if address is None:
                raise api.NotJoined("This database does not sync with a team hub.")
            hub = self._open(address, None, timeout)
            try:
                if opened is not None:
                    opened(hub)
                # A pull makes and keeps many objects: with the cyclic collector on, its
                # full passes walk the whole app's heap holding the GIL (80-150 ms each
                # on a 10,000-contact pull), and the GUI thread waits meanwhile.
                with gc_paused():
                    return api.run(self._db, hub)
            finally:
                hub.close()
        finally:
            self._one_sync.release()

    def test(self, address: HubAddress, password: str) -> HubInfo:
        """Connect and check the hub (what it is, its schema); nothing changes anywhere."""
        from coordinator.hub.connect import check_hub

        hub = self.connect(address, password)
        try:
            return check_hub(hub, None)
        finally:
            hub.close()

    def join(self, address: HubAddress, password: str) -> JoinResult:
        """Join the hub at `address`, sync for the first time, then keep the password in
        the keyring (or for this session only, which the result says)."""
        from coordinator.formats.parsed import gc_paused
        from coordinator.hub import credentials
        from coordinator.hub.connect import check_hub
        from coordinator.sync import api

        if not self._one_sync.acquire(blocking=False):
            raise CoordinatorError("A sync is running: try again when it ends.")
        try:
            hub = self.connect(address, password)
            try:
                info = check_hub(hub, None)
                with gc_paused():  # see `sync`
                    report = api.join_connected(self._db, hub, address)
                stored = credentials.store_password(address, password)
            finally:
                hub.close()
        finally:
            self._one_sync.release()
        return JoinResult(report, info.name, stored)

    def set_up(self, address: HubAddress, password: str, coalition_name: str) -> JoinResult:
        """Make the empty PostgreSQL database at `address` the coalition's hub (this login
        becomes its administrator), then join it with this database as its first
        content."""
        from coordinator.hub.schema import init_hub

        hub = self.connect(address, password)
        try:
            info = init_hub(hub, coalition_name)
        finally:
            hub.close()
        try:
            result = self.join(address, password)
        except CoordinatorError as exc:
            raise CoordinatorError(f"The hub of {info.name} is set up, but this database "
                                   f"did not join it: {exc} Join it again.") from None
        return result

    def upgrade_hub(self) -> tuple[int, int]:
        """Bring the hub's schema up to this version (its administrator only): the
        versions (before, after)."""
        from coordinator.hub.connect import read_hub_info
        from coordinator.hub.schema import upgrade_hub

        def work(hub: psycopg.Connection[Any]) -> tuple[int, int]:
            info = read_hub_info(hub)
            hub.rollback()
            reached = upgrade_hub(hub)
            return (info.hub_schema if info else reached), reached

        return self._admin(work)  # type: ignore[no-any-return]

    def _admin(self, work: Callable[[psycopg.Connection[Any]], Any]) -> Any:
        from coordinator.sync import api

        address = api.address_of(self._db)
        if address is None:
            raise api.NotJoined("Join a hub first: users are managed on the hub this "
                                "database syncs with.")
        hub = self._open(address, None, None)
        try:
            return work(hub)
        finally:
            hub.close()

    def list_users(self) -> list[HubUser]:
        from coordinator.hub.admin import list_users

        return self._admin(list_users)  # type: ignore[no-any-return]

    def add_user(self, name: str, role: str, consortium: str | None = None) -> str:
        """The new login's one-time password."""
        from coordinator.hub.admin import add_user

        return self._admin(lambda hub: add_user(hub, name, role, consortium))  # type: ignore[no-any-return]

    def remove_user(self, name: str) -> None:
        from coordinator.hub.admin import remove_user

        self._admin(lambda hub: remove_user(hub, name))
