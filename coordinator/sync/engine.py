"""Pull and push between the laptop's SQLite and the hub's PostgreSQL.

Pull: one REPEATABLE READ transaction on the hub reads the clock value V, then every
row, coordinators-only part and own private part with `cursor < version <= V`,
streamed through a server-side cursor. Because every writing transaction on the hub
takes the clock's row lock for its whole length, version order is commit order: the
snapshot that sees V sees every row up to V, and nothing committed later can carry a
version <= V. The rows are applied in ONE local transaction together with the new
cursor, so a pull that breaks off applies nothing and is simply repeated.

Push: rows marked dirty, a table at a time (parents before children), in chunks, one
hub transaction per chunk. A row goes in with `UPDATE ... WHERE version = seen` or, if
the hub never had it, `INSERT ... ON CONFLICT DO NOTHING`. A row the hub refuses either
already holds exactly this data (a retry after a lost acknowledgement: accepted) or was
changed by someone else since (left dirty; the next pull merges it and the push is
repeated). A row is marked clean only if it did not change here during the push.
Deletions for good go through `hub.purge`, which leaves tombstones for the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.services import indexing
from coordinator.services.base import record_change
from coordinator.sync.local import INDEXED, ApplyReport, LocalStore, Pending, Pulled
from coordinator.sync.tables import SyncedTable, synced_tables

PULL_BATCH = 5000
PUSH_CHUNK = 5000
# Payloads as compact UTF-8 JSON: a first push sends every row of the database through
# here, and PostgreSQL parses the same values from a smaller text.
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False,
                           separators=(",", ":")).encode


def _payload(rows: Any) -> Jsonb:
    return Jsonb(rows, dumps=_encode)


@dataclass
class PullResult:
    pulled: int = 0
    merged: int = 0
    conflicts: int = 0
    repaired: int = 0
    cursor: int = 0
    touched: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class PushResult:
    pushed: int = 0
    deleted: int = 0
    refused: int = 0  # changed on the hub meanwhile: pull, merge, push again


@contextmanager
def _local(db: Database) -> Iterator[tuple[LocalStore, Any]]:
    with db.write() as session:
        conn = session.connection().connection.driver_connection  # type: ignore[union-attr]
        yield LocalStore(conn), session


def pull(db: Database, hub: psycopg.Connection[Any], *, dry_run: bool = False) -> PullResult:
    """Bring every change committed on the hub since the last pull into this laptop.

    A first pull, a full resync and a dry run apply everything in one local transaction.
    An ordinary pull commits locally a batch at a time, parents first, so that a save in
    the app never waits for a whole sync: a batch applied before an interruption is
    recognised by its version and skipped when the pull is repeated, and the cursor moves
    only after the last batch.
    """
    with db.read() as session:
        store = LocalStore(session.connection().connection.driver_connection)  # type: ignore[union-attr]
        cursor = int(store.state().get("cursor", "0"))
    if cursor and not dry_run:
        result = _pull_in_batches(db, hub, cursor)
        if result is not None:
            return result
    return _pull_at_once(db, hub, dry_run=dry_run)


def _pull_in_batches(db: Database, hub: psycopg.Connection[Any], cursor: int
                     ) -> PullResult | None:
    """An incremental pull, committed a batch at a time; None when a full read is due."""
    result = PullResult()
    touched: dict[str, set[str]] = {}
    hub.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    try:
        with hub.transaction():
            top = int(hub.execute("SELECT value FROM hub.clock").fetchone()[0])  # type: ignore[index]
            pruned = int(hub.execute("SELECT pruned_before FROM hub.meta").fetchone()[0])  # type: ignore[index]
            if cursor < pruned:
                return None
            with db.read() as session:
                skip = LocalStore(
                    session.connection().connection.driver_connection).own_versions()  # type: ignore[union-attr]
            for batch in _read_changes(hub, cursor, top, skip, parents_first=True):
                with _local(db) as (store, session):
                    store.conn.execute("PRAGMA defer_foreign_keys = ON")
                    report = ApplyReport()
                    store.apply(batch, report)
                    result.repaired += store.repair_references(report.touched)
                    _reindex(session, report)
                result.pulled += report.applied + report.merged
                result.merged += report.merged
                result.conflicts += report.conflicts
                for kind, ids in report.touched.items():
                    touched.setdefault(kind, set()).update(ids)
        with _local(db) as (store, _session):
            store.set_state(cursor=top)
            store.forget_own_versions(upto=top)
    finally:
        if hub.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            hub.isolation_level = None
    result.cursor = top
    result.touched = touched
    return result


def _pull_at_once(db: Database, hub: psycopg.Connection[Any], *,
                  dry_run: bool = False) -> PullResult:
    result = PullResult()
    hub.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    try:
        with _local(db) as (store, session):
            with hub.transaction():
                cursor = int(store.state().get("cursor", "0"))
                top = int(hub.execute("SELECT value FROM hub.clock").fetchone()[0])  # type: ignore[index]
                pruned = int(hub.execute("SELECT pruned_before FROM hub.meta").fetchone()[0])  # type: ignore[index]
                full = bool(cursor) and cursor < pruned
                if full:
                    # Tombstones this laptop has not seen were pruned: read the whole hub,
                    # and let go of synced rows it no longer has.
                    cursor = 0
                    store.track_seen()
                store.conn.execute("PRAGMA defer_foreign_keys = ON")
                report = ApplyReport()
                # This laptop's own pushes are here already; a full read takes everything.
                skip = [] if full else store.own_versions()
                for batch in _read_changes(hub, cursor, top, skip):
                    store.apply(batch, report)
            # Everything is read: the hub's transaction ends before the local work below
            # (checks, search index, commit), which after a first pull of a big coalition
            # could outlast the hub's limit on sessions idle in a transaction.
            if full:
                store.drop_unseen(report)
            # After a full read every row may be new: check them all at once.
            result.repaired = store.repair_references(None if cursor == 0 else report.touched)
            result.pulled = report.applied + report.merged
            result.merged, result.conflicts = report.merged, report.conflicts
            result.cursor = top
            result.touched = {k: set(v) for k, v in report.touched.items()}
            if dry_run:
                raise _DryRun
            store.set_state(cursor=top)
            store.forget_own_versions(upto=top)
            _reindex(session, report)
    except _DryRun:
        pass
    finally:
        if hub.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            hub.isolation_level = None
    return result


class _DryRun(Exception):
    """Raised to roll both transactions back after counting what a pull would do."""


def _read_changes(hub: psycopg.Connection[Any], cursor: int, top: int,
                  skip: list[tuple[int, int]] | None = None, *,
                  parents_first: bool = False) -> Iterator[list[Pulled]]:
    """Rows of versions in (cursor, top], except those of the `skip` ranges; with
    `parents_first`, shared rows come table by table, parents before children, so that a
    batch committed on its own never holds a child whose parent is in a later batch."""
    spans = _spans(cursor, top, skip or [])
    if not spans:
        return
    versions = "(" + " OR ".join("(version > %s AND version <= %s)" for _ in spans) + ")"
    bounds = [bound for span in spans for bound in span]
    can_read_internal = hub.execute(
        "SELECT has_table_privilege('hub.internal', 'SELECT')").fetchone()[0]  # type: ignore[index]
    order = ""
    if parents_first:
        kinds = ", ".join(f"'{spec.name}'" for spec in synced_tables())
        order = f" ORDER BY array_position(ARRAY[{kinds}]::text[], kind), version"
    parts = [("record", "SELECT 'record', kind, id, data, version, changed_by, "
              f"changed_at::text FROM hub.record WHERE {versions}{order}")]
    if can_read_internal:
        parts.append(("internal", "SELECT 'internal', kind, id, data, version, changed_by, "
                      f"changed_at::text FROM hub.internal WHERE {versions}"))
    parts.append(("private", "SELECT 'private', kind, id, data, version, owner, "
                  "changed_at::text FROM hub.private WHERE owner = session_user "
                  f"AND {versions}"))
    for _part, query in parts:
        with hub.cursor(name=f"sync_pull_{_part}") as rows:
            rows.itersize = PULL_BATCH
            rows.execute(query, bounds)
            while True:
                chunk = rows.fetchmany(PULL_BATCH)
                if not chunk:
                    break
                yield [Pulled(part, kind, rid, data, int(version), by, at)
                       for part, kind, rid, data, version, by, at in chunk]


def _spans(cursor: int, top: int, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(after, upto] spans of versions covering (cursor, top] without the `skip` ranges
    (inclusive [low, high] pairs)."""
    spans: list[tuple[int, int]] = []
    start = cursor
    for low, high in sorted(skip):
        if high <= start:
            continue
        if low > top:
            break
        if low - 1 > start:
            spans.append((start, low - 1))
        start = max(start, high)
    if start < top:
        spans.append((start, top))
    return spans


def _reindex(session: Any, report: ApplyReport) -> None:
    """The search index and the open views follow what the pull changed."""
    touched = report.touched
    conn = session.connection().connection.driver_connection
    for entity in INDEXED:
        ids = touched.get(entity, set())
        if entity == "contact" and touched.get("organization"):
            # A contact's search text carries its organization's name.
            orgs = list(touched["organization"])
            for start in range(0, len(orgs), 500):
                part = orgs[start : start + 500]
                ids = ids | {r[0] for r in conn.execute(
                    f"SELECT id FROM contact WHERE organization_id IN "
                    f"({','.join('?' * len(part))})", part)}
        if not ids:
            continue
        # Records the pull created have nothing in the index to replace: they go in by
        # the bulk path (a first pull brings the whole coalition).
        created = ids & report.created.get(entity, set())
        if created:
            created -= {r[0] for r in conn.execute(
                "SELECT entity_id FROM search_doc WHERE entity_id IN "
                "(SELECT value FROM json_each(?))", (json.dumps(sorted(created)),))}
            indexing.index_new(session, entity, sorted(created))
        if ids - created:
            indexing.refresh(session, entity, ids - created)
        record_change(session, entity, ChangeKind.UPDATED, *ids)
    for entity in ("action_item", "tag", "meeting_series"):
        if touched.get(entity):
            record_change(session, entity, ChangeKind.UPDATED, *touched[entity])


def can_push(hub: psycopg.Connection[Any]) -> bool:
    row = hub.execute("SELECT has_table_privilege('hub.record', 'INSERT')").fetchone()
    hub.rollback()
    return bool(row and row[0])


def push(db: Database, hub: psycopg.Connection[Any], *, me: str) -> PushResult:
    """Send every row changed here to the hub, parents first, one transaction per chunk."""
    result = PushResult()
    hub.isolation_level = None

    def read(spec: SyncedTable, after: str) -> list[Pending]:
        with db.read() as session:
            conn = session.connection().connection.driver_connection  # type: ignore[union-attr]
            return LocalStore(conn).pending(spec, after, PUSH_CHUNK)

    # The next chunk is read here while the hub writes the current one (the driver lets
    # go of the interpreter while it waits), so a big first push keeps both busy.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-read") as reader:
        for spec in synced_tables():
            ahead = reader.submit(read, spec, "")
            while True:
                chunk = ahead.result()
                if not chunk:
                    break
                ahead = reader.submit(read, spec, chunk[-1].id)
                _push_chunk(db, hub, spec, chunk, me, result)
    return result


def _push_chunk(db: Database, hub: psycopg.Connection[Any], spec: SyncedTable,
                chunk: list[Pending], me: str, result: PushResult) -> None:
    """One chunk in one hub transaction, then marked here as the hub has it."""
    alone = hub.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with hub.transaction():
        accepted, written = _push_live(hub, spec, [p for p in chunk if not p.deleted])
        accepted.update(_push_deleted(hub, spec, [p for p in chunk if p.deleted]))
    with _local(db) as (store, _session):
        marked = store.mark_pushed(
            spec.name, [(p.id, p.rev, *accepted[p.id], p.deleted)
                        for p in chunk if p.id in accepted], by=me)
        # Every row the hub stamped with this transaction's version is now here
        # as the hub has it: the next pull need not download that version.
        # Not when a row was refused or changed here meanwhile (the pull must
        # bring its version to merge), nor with deletions (a purge also writes
        # rows this laptop does not track), nor inside a wider transaction.
        if (written is not None and alone and len(marked) == len(chunk)
                and not any(p.deleted for p in chunk)):
            store.note_own_version(written)
    result.refused += sum(1 for p in chunk if p.id not in accepted)
    result.deleted += sum(1 for p in chunk if p.deleted and p.id in marked)
    result.pushed += sum(1 for p in chunk if not p.deleted and p.id in marked)


Outcome = tuple[int | None, int | None]  # (record version, internal version) now on the hub


def _push_live(hub: psycopg.Connection[Any], spec: SyncedTable,
               rows: list[Pending]) -> tuple[dict[str, Outcome], int | None]:
    """What the hub accepted, and the version of this transaction if it wrote a row."""
    if not rows:
        return {}, None
    shared, internal, private = [], [], []
    fields = spec.shared
    whole = fields == spec.columns  # nothing private or internal: the row is its record
    for p in rows:
        data = p.data or {}
        base = p.base
        if base is None or _differs(data, base, fields):
            shared.append((p, data if whole and p.data else {k: data.get(k) for k in fields},
                           p.hub_version))
        if spec.internal and (base is None or _differs(data, base, spec.internal)):
            internal.append((p, {k: data.get(k) for k in spec.internal}, p.internal_version))
        if spec.private and (_differs(data, base, spec.private) if base is not None
                             else any(data.get(k) for k in spec.private)):
            private.append((p, {k: data.get(k) for k in spec.private}, 0))
    record_ok, record_version = _upsert(hub, "record", spec.name, shared)
    internal_ok, internal_version = _upsert(hub, "internal", spec.name, internal)
    versions = {v for v in (record_version, internal_version) if v is not None}
    if private:
        versions.update(int(r[0]) for r in hub.execute(
            "INSERT INTO hub.private (kind, id, data) SELECT %s, x.id, x.data "
            "FROM jsonb_to_recordset(%s) AS x(id text, data jsonb) "
            "ON CONFLICT (owner, kind, id) DO UPDATE SET data = EXCLUDED.data "
            "RETURNING version",
            (spec.name, _payload([{"id": p.id, "data": d} for p, d, _ in private]))).fetchall())
    sent_record = {p.id for p, _, _ in shared}
    sent_internal = {p.id for p, _, _ in internal}
    accepted: dict[str, Outcome] = {}
    for p in rows:
        if p.id in sent_record and p.id not in record_ok:
            continue
        if p.id in sent_internal and p.id not in internal_ok:
            continue
        accepted[p.id] = (record_ok.get(p.id), internal_ok.get(p.id))
    return accepted, max(versions, default=None)


def _differs(data: dict[str, Any], base: dict[str, Any], fields: tuple[str, ...]) -> bool:
    return any(data.get(k) != base.get(k) for k in fields)


def _upsert(hub: psycopg.Connection[Any], table: str, kind: str,
            rows: list[tuple[Pending, dict[str, Any], int]]) -> tuple[dict[str, int], int | None]:
    """Rows written (or found already written) on hub.`table`: id -> version; and the
    version of this transaction if it wrote any row (None if it wrote none)."""
    if not rows:
        return {}, None
    # Rows the hub had go in by UPDATE, new ones by INSERT: each statement gets only its
    # own rows (a first push sends every row once, not twice).
    source = "jsonb_to_recordset(%(rows)s) AS x(id text, data jsonb, seen bigint)"
    seen_rows = [{"id": p.id, "data": d, "seen": seen} for p, d, seen in rows if seen > 0]
    new_rows = {p.id: d for p, d, seen in rows if seen <= 0}  # id -> data, one object
    done: dict[str, int] = {}
    written: set[int] = set()
    if seen_rows:
        done.update(hub.execute(
            f"UPDATE hub.{table} r SET data = coalesce(r.data, '{{}}'::jsonb) || x.data "
            f"FROM {source} WHERE r.kind = %(kind)s AND r.id = x.id AND x.seen > 0 "
            f"AND r.version = x.seen RETURNING r.id, r.version",
            {"rows": _payload(seen_rows), "kind": kind}).fetchall())
    written.update(int(v) for v in done.values())
    if new_rows:
        # All inserted (the usual case): one version for all, and no list of ids back.
        count, version, ids = hub.execute(
            f"WITH added AS (INSERT INTO hub.{table} (kind, id, data) "
            f"SELECT %(kind)s, x.key, x.value FROM jsonb_each(%(rows)s) AS x "
            f"ON CONFLICT (kind, id) DO NOTHING RETURNING id, version) "
            f"SELECT count(*), max(version), CASE WHEN count(*) < %(n)s "
            f"THEN array_agg(id) END FROM added",
            {"rows": _payload(new_rows), "kind": kind, "n": len(new_rows)}).fetchone()  # type: ignore[misc]
        if count:
            written.add(int(version))
            added = list(new_rows) if ids is None else ids
            done.update(dict.fromkeys(added, int(version)))
    rest = [{"id": p.id, "data": d} for p, d, _ in rows if p.id not in done]
    if rest:
        # Already there with exactly this data: an earlier push whose answer was lost.
        done.update(hub.execute(
            f"SELECT r.id, r.version FROM hub.{table} r JOIN jsonb_to_recordset(%(rows)s) "
            f"AS x(id text, data jsonb) ON r.kind = %(kind)s AND r.id = x.id "
            f"WHERE r.data @> x.data",
            {"rows": _payload(rest), "kind": kind}).fetchall())
    return {k: int(v) for k, v in done.items()}, max(written, default=None)


def _push_deleted(hub: psycopg.Connection[Any], spec: SyncedTable,
                  rows: list[Pending]) -> dict[str, Outcome]:
    """Deletions for good, unless the hub's row changed since this laptop last saw it
    (then the next pull makes it an edit-against-delete conflict)."""
    if not rows:
        return {}
    ids = [p.id for p in rows]
    on_hub = {rid: (int(version), data_is_null) for rid, version, data_is_null in hub.execute(
        "SELECT id, version, data IS NULL FROM hub.record WHERE kind = %s AND id = ANY(%s) "
        "FOR UPDATE", (spec.name, ids)).fetchall()}
    accepted: dict[str, Outcome] = {}
    purge = []
    for p in rows:
        found = on_hub.get(p.id)
        if found is None:
            accepted[p.id] = (None, None)  # never reached the hub: nothing to tell anyone
        elif found[1]:
            accepted[p.id] = (found[0], None)  # already purged there
        elif found[0] == p.hub_version:
            purge.append(p.id)
    if purge:
        hub.execute("SELECT hub.purge(%s, %s)", (spec.name, purge))
        for rid, version in hub.execute(
                "SELECT id, version FROM hub.record WHERE kind = %s AND id = ANY(%s)",
                (spec.name, purge)).fetchall():
            accepted[rid] = (int(version), None)
    return accepted


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
