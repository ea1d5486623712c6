"""What the CLI and the app call: join a hub, sync, status, conflicts, leave.

A laptop that never joined a hub has no capture triggers and no sync state, and works
exactly as before. Joining records the hub's address (never the password, which lives
in the OS keyring) and coalition, installs the triggers and marks every row for the
first push. A sync pulls first (merging what changed on both sides), then pushes; if
someone pushed in between, it pulls and pushes again, a few rounds at most.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.db.migrate import head_revision
from coordinator.errors import CoordinatorError, NotFound
from coordinator.hub.connect import HubAddress, HubError, check_hub, connect, explain
from coordinator.models import sql_time, utcnow
from coordinator.services import indexing
from coordinator.services.base import record_change
from coordinator.sync import capture
from coordinator.sync.engine import can_push, pull, push
from coordinator.sync.local import DELETED_MARK, INDEXED, OWNERS, LocalStore, Pulled
from coordinator.sync.tables import table
from coordinator.sync.times import parse_time

ROUNDS = 3


@dataclass
class SyncReport:
    pulled: int = 0
    pushed: int = 0
    deleted: int = 0
    merged: int = 0
    conflicts: int = 0  # new in this sync
    open_conflicts: int = 0
    waiting: int = 0  # still to push after this sync
    read_only: bool = False  # a viewer's login: nothing is pushed
    dry_run: bool = False
    touched: dict[str, set[str]] = field(default_factory=dict)

    def summary(self) -> str:
        what = "would pull" if self.dry_run else "pulled"
        line = (f"{what} {self.pulled}, "
                + (f"would push {self.waiting}" if self.dry_run else f"pushed {self.pushed}")
                + f", merged {self.merged}, conflicts {self.conflicts}")
        if self.deleted and not self.dry_run:
            line += f", deleted {self.deleted}"
        return line


@dataclass
class SyncStatus:
    joined: bool
    address: str = ""
    coalition: str = ""
    last_sync_at: str | None = None
    waiting: dict[str, int] = field(default_factory=dict)
    open_conflicts: int = 0


@dataclass
class ConflictView:
    id: str
    kind: str
    row_id: str
    field: str
    base: Any
    mine: Any
    theirs: Any
    theirs_by: str | None
    created_at: str
    resolved_at: str | None = None
    resolution: str | None = None
    mine_absent: bool = False
    theirs_absent: bool = False


class NotJoined(CoordinatorError):
    """This database does not sync with a hub."""


def _store(session: Any) -> LocalStore:
    return LocalStore(session.connection().connection.driver_connection)


def address_of(db: Database) -> HubAddress | None:
    with db.read() as session:
        state = _store(session).state()
    if "host" not in state:
        return None
    return HubAddress(host=state["host"], port=int(state["port"]), dbname=state["dbname"],
                      user=state["user"], sslmode=state.get("sslmode") or None,
                      sslrootcert=state.get("sslrootcert") or None,
                      hostaddr=state.get("hostaddr") or None)


def join(db: Database, address: HubAddress, password: str | None, *,
         coalition_name: str | None = None, first_push: bool = True) -> SyncReport:
    """Join the hub at `address` and sync for the first time: everything here is pushed
    (`first_push`, always: a laptop's rows are new to the hub) and everything there pulled."""
    hub = connect(address, password)
    try:
        return join_connected(db, hub, address, coalition_name=coalition_name)
    finally:
        hub.close()


def join_connected(db: Database, hub: psycopg.Connection[Any], address: HubAddress, *,
                   coalition_name: str | None = None) -> SyncReport:
    """`join` on an open connection (the CLI asks for the password before connecting)."""
    info = check_hub(hub, None)
    with db.write() as session:
        store = _store(session)
        state = store.state()
        if state.get("coalition_id") and state["coalition_id"] != info.coalition_id:
            raise HubError(
                f"This database already syncs with the hub of {state.get('coalition')}; "
                "leave that hub first (`coordinator sync leave`).")
        store.set_state(host=address.host, port=address.port, dbname=address.dbname,
                        user=address.user, sslmode=address.sslmode or "",
                        sslrootcert=address.sslrootcert or "",
                        hostaddr=address.hostaddr or "", coalition_id=info.coalition_id,
                        coalition=coalition_name or info.name)
        if "cursor" not in state:
            store.set_state(cursor=0)
        capture.install(store.conn)
        store.mark_everything()
    return run(db, hub)


def hub_url(db: Database) -> str | None:
    """The address of the hub this database syncs with, without password; None if none."""
    address = address_of(db)
    return address.url() if address else None


def leave(db: Database) -> None:
    """Stop syncing: local data stays as it is; the bookkeeping and triggers go."""
    with db.write() as session:
        _store(session).forget_everything()


def sync(db: Database, password: str | None, *, dry_run: bool = False) -> SyncReport:
    address = address_of(db)
    if address is None:
        raise NotJoined("This database does not sync with a team hub "
                        "(join one with `coordinator hub join URL`).")
    hub = connect(address, password)
    try:
        return run(db, hub, dry_run=dry_run)
    finally:
        hub.close()


def run(db: Database, hub: psycopg.Connection[Any], *, dry_run: bool = False) -> SyncReport:
    """Pull, then push; again while the hub refused rows someone changed meanwhile."""
    report = SyncReport(dry_run=dry_run)
    with db.read() as session:
        expected = _store(session).state().get("coalition_id")
    try:
        info = check_hub(hub, expected)
        me = str(hub.info.user)
        writable = can_push(hub)
        report.read_only = not writable
        too_old = int(info.data_schema or 0) > int(head_revision())
        for _round in range(ROUNDS):
            pulled = pull(db, hub, dry_run=dry_run)
            report.pulled += pulled.pulled
            report.merged += pulled.merged
            report.conflicts += pulled.conflicts
            for kind, ids in pulled.touched.items():
                report.touched.setdefault(kind, set()).update(ids)
            if dry_run or not writable or too_old:
                break
            pushed = push(db, hub, me=me)
            report.pushed += pushed.pushed
            report.deleted += pushed.deleted
            if not pushed.refused:
                break
        if not dry_run and writable and not too_old:
            hub.execute("SELECT hub.set_data_schema(%s)", (str(int(head_revision())),))
        if not dry_run:
            hub.execute("SELECT hub.touch_sync()")
        hub.commit()
    except psycopg.Error as exc:
        raise HubError(explain(exc, _address_from(hub))) from None
    state = status(db)
    report.waiting = sum(state.waiting.values())
    report.open_conflicts = state.open_conflicts
    if not dry_run:
        with db.write() as session:
            _store(session).set_state(last_sync_at=sql_time(utcnow()))
    if too_old and report.waiting:
        raise HubError(
            f"The hub holds data from a newer Coordinator (schema {info.data_schema}): "
            f"update Coordinator to push your {report.waiting} changes. They stay on this "
            "laptop, and the pulled changes are here.")
    return report


def _address_from(hub: psycopg.Connection[Any]) -> HubAddress:
    return HubAddress(host=str(hub.info.host), port=int(hub.info.port),
                      dbname=str(hub.info.dbname), user=str(hub.info.user))


def status(db: Database) -> SyncStatus:
    with db.read() as session:
        store = _store(session)
        state = store.state()
        if "host" not in state:
            return SyncStatus(joined=False)
        waiting = store.waiting()
        open_conflicts = store.conn.execute(
            "SELECT count(*) FROM sync_conflict WHERE resolved_at IS NULL").fetchone()[0]
    address = address_of(db)
    return SyncStatus(joined=True, address=address.url() if address else "",
                      coalition=state.get("coalition", ""),
                      last_sync_at=state.get("last_sync_at"), waiting=waiting,
                      open_conflicts=int(open_conflicts))


# -- conflicts ---------------------------------------------------------------------------
_CONFLICT_COLUMNS = ("id, kind, row_id, field, base, mine, theirs, theirs_by, created_at, "
                     "resolved_at, resolution")


def _view(row: tuple) -> ConflictView:
    cid, kind, row_id, name, base, mine, theirs, by, created, resolved, resolution = row

    def load(text: str | None) -> Any:
        return None if text is None else json.loads(text)

    return ConflictView(cid, kind, row_id, name, load(base), load(mine), load(theirs), by,
                        created, resolved, resolution, mine_absent=mine is None,
                        theirs_absent=theirs is None)


def list_conflicts(db: Database, *, include_resolved: bool = False) -> list[ConflictView]:
    where = "" if include_resolved else "WHERE resolved_at IS NULL"
    with db.read() as session:
        rows = _store(session).conn.execute(
            f"SELECT {_CONFLICT_COLUMNS} FROM sync_conflict {where} "
            f"ORDER BY created_at, kind, row_id, field").fetchall()
    return [_view(r) for r in rows]


def get_conflict(db: Database, conflict_id: str) -> ConflictView:
    with db.read() as session:
        rows = _store(session).conn.execute(
            f"SELECT {_CONFLICT_COLUMNS} FROM sync_conflict WHERE id LIKE ? || '%'",
            (conflict_id,)).fetchall()
    if len(rows) != 1:
        raise NotFound(f"No conflict {conflict_id!r}" if not rows else
                       f"{conflict_id!r} matches {len(rows)} conflicts: give more of the id.")
    return _view(rows[0])


def resolve(db: Database, conflict_id: str, keep: str, *, text: str | None = None) -> None:
    """Keep "theirs" (what the record shows), "mine" (written back as a local edit, pushed
    at the next sync) or, for texts, a merged `text` the user wrote."""
    if keep not in ("mine", "theirs", "text"):
        raise CoordinatorError("Keep 'mine', 'theirs' or a merged text.")
    conflict = get_conflict(db, conflict_id)
    if conflict.resolved_at:
        raise CoordinatorError(f"Conflict {conflict.id[:8]} was already resolved "
                               f"({conflict.resolution}).")
    spec = table(conflict.kind)
    with db.write() as session:
        conn = _store(session).conn
        owner_data: dict[str, Any] = {}
        if keep == "mine" or keep == "text":
            value = text if keep == "text" else conflict.mine
            if conflict.field == DELETED_MARK:
                owner_data = _restore_side(conn, spec, conflict.row_id,
                                           None if conflict.mine_absent else conflict.mine)
            else:
                keys = spec.key_values(conflict.row_id)
                conn.execute(
                    f"UPDATE {spec.name} SET {conflict.field} = ? "
                    f"WHERE {' AND '.join(f'{k} = ?' for k in keys)}",
                    (value, *keys.values()))
                owner_data = {**keys}
                row = conn.execute(
                    f"SELECT * FROM {spec.name} WHERE "
                    f"{' AND '.join(f'{k} = ?' for k in keys)}", tuple(keys.values()))
                names = [d[0] for d in row.description]
                found = row.fetchone()
                if found:
                    owner_data = dict(zip(names, found, strict=True))
        conn.execute("UPDATE sync_conflict SET resolved_at = ?, resolution = ? WHERE id = ?",
                     (sql_time(utcnow()), keep, conflict.id))
        _after_local_edit(session, spec.name, conflict.row_id, owner_data)


def _restore_side(conn: Any, spec: Any, row_id: str, mine: dict[str, Any] | None
                  ) -> dict[str, Any]:
    """An edit-against-delete conflict resolved for my side: put my row back, or delete
    the row again (both are captured as local changes and pushed)."""
    keys = spec.key_values(row_id)
    if mine is None:
        conn.execute(f"DELETE FROM {spec.name} WHERE "
                     f"{' AND '.join(f'{k} = ?' for k in keys)}", tuple(keys.values()))
        return {}
    # An upsert, never INSERT OR REPLACE: a replace deletes first, and the delete would
    # cascade to the row's children.
    LocalStore(conn).upsert(spec, [Pulled("record", spec.name, row_id, mine, 0)])
    return mine


def _after_local_edit(session: Any, kind: str, row_id: str, data: dict[str, Any]) -> None:
    entity, parent_id = kind, row_id
    if kind in OWNERS:
        entity, column = OWNERS[kind]
        parent_id = data.get(column) or ""
    if entity in INDEXED and parent_id:
        indexing.refresh(session, entity, [parent_id])
    if parent_id:
        record_change(session, entity, ChangeKind.UPDATED, parent_id)


# -- for the desktop app: who changed a record, what a conflict is about, undo --------------
@dataclass(frozen=True)
class ChangedBy:
    login: str  # who last changed it on the hub (this login, for its own pushes)
    at: datetime | None
    pending: bool = False  # changed here since, not pushed yet


def changed_by(db: Database, kind: str, row_id: str) -> ChangedBy | None:
    """Who last changed this row on the hub (or pushed it from here) and when; None for a
    row that never travelled, or on a laptop that does not sync."""
    with db.read() as session:
        row = _store(session).conn.execute(
            "SELECT changed_by, changed_at, dirty FROM sync_row WHERE kind = ? AND id = ?",
            (kind, row_id)).fetchone()
    if row is None or not row[0]:
        return None
    return ChangedBy(str(row[0]), parse_time(row[1]), bool(row[2]))


def changed_by_many(db: Database, kind: str, ids: list[str]) -> dict[str, ChangedBy]:
    """`changed_by` for many rows of one kind at once (the Trash's "deleted by")."""
    found: dict[str, ChangedBy] = {}
    with db.read() as session:
        conn = _store(session).conn
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            for rid, login, at, dirty in conn.execute(
                    f"SELECT id, changed_by, changed_at, dirty FROM sync_row WHERE kind = ? "
                    f"AND changed_by IS NOT NULL AND id IN ({','.join('?' * len(part))})",
                    (kind, *part)):
                found[rid] = ChangedBy(str(login), parse_time(at), bool(dirty))
    return found


_TITLE_COLUMNS = ("title", "name", "acronym", "address", "number", "label", "text")


def record_title(db: Database, kind: str, row_id: str) -> tuple[str, str, str]:
    """(entity, id, title) of the record a conflict's row belongs to: a contact's email
    names its contact. The title is empty when the row is gone."""
    spec = table(kind)
    keys = spec.key_values(row_id)
    with db.read() as session:
        conn = _store(session).conn
        cursor = conn.execute(f"SELECT * FROM {spec.name} WHERE "
                              f"{' AND '.join(f'{k} = ?' for k in keys)}", tuple(keys.values()))
        names = [d[0] for d in cursor.description]
        found = cursor.fetchone()
        data = dict(zip(names, found, strict=True)) if found else {}
        entity, record_id = kind, row_id
        if kind in OWNERS:
            entity, column = OWNERS[kind]
            record_id = str(data.get(column) or "")
            if record_id:
                owner = conn.execute(f"SELECT * FROM {entity} WHERE id = ?",
                                     (record_id,))
                names = [d[0] for d in owner.description]
                found = owner.fetchone()
                data = dict(zip(names, found, strict=True)) if found else {}
    if entity == "contact" and data:
        title = " ".join(str(data.get(k) or "") for k in ("given_name", "family_name")).strip()
    else:
        title = next((str(data[c]) for c in _TITLE_COLUMNS if data.get(c)), "")
    return entity, record_id, title


def row_snapshot(db: Database, kind: str, row_id: str) -> dict[str, Any] | None:
    """The row as it is now (None when absent), to put back when a resolution is undone."""
    spec = table(kind)
    keys = spec.key_values(row_id)
    with db.read() as session:
        cursor = _store(session).conn.execute(
            f"SELECT * FROM {spec.name} WHERE {' AND '.join(f'{k} = ?' for k in keys)}",
            tuple(keys.values()))
        names = [d[0] for d in cursor.description]
        found = cursor.fetchone()
    return dict(zip(names, found, strict=True)) if found else None


def unresolve(db: Database, conflict_id: str, snapshot: dict[str, Any] | None) -> None:
    """Undo `resolve`: the row goes back to `snapshot` (taken just before resolving; None
    when it did not exist) as a local edit that syncs, and the conflict is open again."""
    conflict = get_conflict(db, conflict_id)
    spec = table(conflict.kind)
    keys = spec.key_values(conflict.row_id)
    where = " AND ".join(f"{k} = ?" for k in keys)
    with db.write() as session:
        conn = _store(session).conn
        exists = conn.execute(f"SELECT 1 FROM {spec.name} WHERE {where}",
                              tuple(keys.values())).fetchone() is not None
        owner_data: dict[str, Any] = dict(snapshot or {})
        if snapshot is None:
            if exists:
                owner_data = row_snapshot_in(conn, spec.name, where, keys) or {}
                conn.execute(f"DELETE FROM {spec.name} WHERE {where}", tuple(keys.values()))
        else:
            columns = [c for c in spec.columns if c in snapshot]
            if exists:  # an UPDATE, never REPLACE: a replace would cascade to child rows
                changing = [c for c in columns if c not in keys]
                conn.execute(f"UPDATE {spec.name} SET {', '.join(f'{c} = ?' for c in changing)} "
                             f"WHERE {where}",
                             (*[snapshot[c] for c in changing], *keys.values()))
            else:
                conn.execute(f"INSERT INTO {spec.name} ({', '.join(columns)}) "
                             f"VALUES ({', '.join('?' * len(columns))})",
                             [snapshot[c] for c in columns])
        conn.execute("UPDATE sync_conflict SET resolved_at = NULL, resolution = NULL "
                     "WHERE id = ?", (conflict.id,))
        _after_local_edit(session, spec.name, conflict.row_id, owner_data)


def row_snapshot_in(conn: Any, name: str, where: str, keys: dict[str, str]
                    ) -> dict[str, Any] | None:
    cursor = conn.execute(f"SELECT * FROM {name} WHERE {where}", tuple(keys.values()))
    names = [d[0] for d in cursor.description]
    found = cursor.fetchone()
    return dict(zip(names, found, strict=True)) if found else None
