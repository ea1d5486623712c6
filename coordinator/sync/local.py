"""The laptop's side of a sync, on the SQLite connection of one write transaction.

Reads what waits to be pushed, marks what the hub accepted, and applies pulled rows:
straight in when nothing changed here, merged field by field against the last-synced
copy when something did (`coordinator.sync.merge`). Conflicts are recorded, never
written into the data. Pulled rows are applied with the capture triggers quiet; what a
merge keeps of the local side stays marked for the next push.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from coordinator.models import sql_time, utcnow
from coordinator.sync import capture
from coordinator.sync.merge import CREATION_FIELDS, Conflict, merge_row
from coordinator.sync.tables import CLOCK_FIELDS, SyncedTable, synced_tables, table

DELETED_MARK = "(deleted)"  # the conflict field of an edit against a delete for good
PARTS = ("record", "internal", "private")
# Rows whose id comes from a folded name (coordinator.models.natural_id): two laptops
# creating "Mobility" and "mobility" offline made one row, spelled as the hub has it.
NATURAL_KINDS = frozenset({"tag", "meeting_series"})
NAME_FIELDS = frozenset({"name", "name_key"})
OWN_VERSIONS = "own_versions"  # sync_state key (see LocalStore.own_versions)

# Which top-level record a row belongs to, for the search index and the views' refresh.
OWNERS: dict[str, tuple[str, str]] = {
    "contact_email": ("contact", "contact_id"),
    "contact_phone": ("contact", "contact_id"),
    "contact_address": ("contact", "contact_id"),
    "contact_tag": ("contact", "contact_id"),
    "organization_tag": ("organization", "organization_id"),
    "proposal_section": ("proposal", "proposal_id"),
    "proposal_partner": ("proposal", "proposal_id"),
    "proposal_budget_line": ("proposal", "proposal_id"),
    "proposal_tag": ("proposal", "proposal_id"),
    "agenda_item": ("meeting", "meeting_id"),
    "attendee": ("meeting", "meeting_id"),
    "decision": ("meeting", "meeting_id"),
    "meeting_consortium": ("meeting", "meeting_id"),
    "action_item": ("meeting", "meeting_id"),
}
INDEXED = ("contact", "organization", "consortium", "proposal", "meeting")


@dataclass
class Pending:
    """A row waiting to be pushed."""

    kind: str
    id: str
    rev: int
    hub_version: int
    internal_version: int
    deleted: bool
    data: dict[str, Any] | None  # None: deleted here
    base: dict[str, Any] | None


@dataclass
class Pulled:
    part: str  # record, internal or private
    kind: str
    id: str
    data: dict[str, Any] | None  # None: purged on the hub
    version: int
    changed_by: str | None = None
    changed_at: str | None = None


@dataclass
class ApplyReport:
    applied: int = 0
    merged: int = 0
    conflicts: int = 0
    touched: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    created: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def _row_json(spec: SyncedTable, alias: str) -> str:
    return "json_object(" + ", ".join(f"'{c}', {alias}.{c}" for c in spec.columns) + ")"


def _join(spec: SyncedTable, alias: str, key: str) -> str:
    """Join condition of table `alias` to a hub id held in `key`, using the primary key."""
    if not spec.is_link:
        return f"{alias}.id = {key}"
    left, right = spec.key
    return (f"{alias}.{left} = substr({key}, 1, instr({key}, ':') - 1) AND "
            f"{alias}.{right} = substr({key}, instr({key}, ':') + 1)")


class LocalStore:
    """Sync bookkeeping and data access on one SQLite connection (inside a write unit)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._tracking = False
        # Rows written besides the pulled ones (children brought back with a record),
        # for the reference check after the pull.
        self._brought_back: dict[str, set[str]] = defaultdict(set)

    def track_seen(self) -> None:
        """Remember every shared row the next pull reads (a full resync)."""
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS sync_seen "
                          "(kind TEXT, id TEXT, PRIMARY KEY (kind, id)) WITHOUT ROWID")
        self.conn.execute("DELETE FROM sync_seen")
        self._tracking = True

    def drop_unseen(self, report: ApplyReport) -> int:
        """After a full resync: rows that came from the hub, unchanged here, that the hub
        no longer has (their tombstones were pruned) are deleted here too."""
        gone = self.conn.execute(
            "SELECT r.kind, r.id FROM sync_row r WHERE r.hub_version > 0 AND r.dirty = 0 "
            "AND r.deleted = 0 AND NOT EXISTS (SELECT 1 FROM sync_seen s "
            "WHERE s.kind = r.kind AND s.id = r.id)").fetchall()
        by_kind: dict[str, list[str]] = defaultdict(list)
        for kind, row_id in gone:
            by_kind[kind].append(row_id)
        order = {spec.name: spec.order for spec in synced_tables()}
        with capture.quiet(self.conn):
            for kind in sorted(by_kind, key=lambda k: -order.get(k, 0)):
                spec = table(kind)
                self._delete(spec, by_kind[kind])
                report.touched[kind].update(by_kind[kind])
        self.conn.executemany("UPDATE sync_row SET deleted = 1 WHERE kind = ? AND id = ?",
                              gone)
        self._tracking = False
        return len(gone)

    # -- state ---------------------------------------------------------------------------
    def state(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM sync_state").fetchall())

    def set_state(self, **values: object) -> None:
        self.conn.executemany(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(k, str(v)) for k, v in values.items()])

    # Versions the hub gave this laptop's own pushes, as inclusive [low, high] ranges:
    # every row of those versions is here as the hub has it, so pulls skip them.
    def own_versions(self) -> list[tuple[int, int]]:
        text = self.state().get(OWN_VERSIONS)
        return [(int(low), int(high)) for low, high in json.loads(text)] if text else []

    def note_own_version(self, version: int) -> None:
        ranges = self.own_versions()
        if ranges and ranges[-1][0] <= version <= ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], version))
        else:
            ranges.append((version, version))
        self.set_state(**{OWN_VERSIONS: json.dumps(ranges)})

    def forget_own_versions(self, upto: int) -> None:
        """A pull read everything up to `upto`: ranges at or below it serve no more."""
        ranges = self.own_versions()
        if ranges:
            self.set_state(**{OWN_VERSIONS: json.dumps([r for r in ranges if r[1] > upto])})

    def clear_state(self) -> None:
        self.conn.execute("DELETE FROM sync_state")

    def mark_everything(self) -> int:
        """Mark every row for pushing (joining a hub): its rows are new to the hub."""
        count = 0
        for spec in synced_tables():
            cursor = self.conn.execute(
                f"INSERT OR IGNORE INTO sync_row (kind, id, hub_version, dirty, rev, deleted) "
                f"SELECT '{spec.name}', {spec.id_sql(spec.name)}, 0, 1, 1, 0 FROM {spec.name}")
            count += cursor.rowcount
        return count

    def forget_everything(self) -> None:
        """Leaving a hub: the data stays, the bookkeeping goes."""
        capture.remove(self.conn)
        for name in ("sync_row", "sync_base", "sync_conflict", "sync_state"):
            self.conn.execute(f"DELETE FROM {name}")

    # -- what waits ----------------------------------------------------------------------
    def waiting(self) -> dict[str, int]:
        return dict(self.conn.execute(
            "SELECT kind, count(*) FROM sync_row WHERE dirty = 1 GROUP BY kind").fetchall())

    def pending(self, spec: SyncedTable, after: str, limit: int) -> list[Pending]:
        # The row's columns as they are (not json_object text parsed back: a first push
        # reads every row of the database through here).
        columns = spec.columns
        rows = self.conn.execute(
            f"SELECT r.id, r.rev, r.hub_version, r.internal_version, r.deleted, "
            f"b.data, t.rowid IS NULL, {', '.join(f't.{c}' for c in columns)} "
            f"FROM sync_row r LEFT JOIN {spec.name} t ON {_join(spec, 't', 'r.id')} "
            f"LEFT JOIN sync_base b ON b.kind = r.kind AND b.id = r.id "
            f"WHERE r.kind = ? AND r.dirty = 1 AND r.id > ? ORDER BY r.id LIMIT ?",
            (spec.name, after, limit)).fetchall()
        found = []
        for rid, rev, hv, iv, deleted, base, missing, *values in rows:
            data = None if missing else dict(zip(columns, values, strict=True))
            found.append(Pending(spec.name, rid, rev, hv, iv, bool(deleted) or data is None,
                                 data, json.loads(base) if base is not None else None))
        return found

    def mark_pushed(self, kind: str, rows: list[tuple[str, int, int | None, int | None, bool]],
                    *, by: str) -> set[str]:
        """The hub holds these revisions of rows of `kind`, each (id, rev, version,
        internal version, deleted): those still at that revision here become clean
        (a row changed during the push stays dirty). Returns the ids marked."""
        if not rows:
            return set()
        now = sql_time(utcnow())
        still = set()
        for chunk in _chunks(rows):
            # Inside the write transaction nothing changes between this read and the update.
            wanted = {(rid, rev, bool(deleted)) for rid, rev, _v, _iv, deleted in chunk}
            still.update(rid for rid, rev, deleted in self.conn.execute(
                "SELECT id, rev, deleted FROM sync_row WHERE kind = ? "
                "AND id IN (SELECT value FROM json_each(?))",
                (kind, json.dumps([r[0] for r in chunk])))
                if (rid, rev, bool(deleted)) in wanted)
        marked = [r for r in rows if r[0] in still]
        self.conn.executemany(
            "UPDATE sync_row SET dirty = 0, changed_by = ?, changed_at = ?, "
            "hub_version = coalesce(?, hub_version), "
            "internal_version = coalesce(?, internal_version) WHERE kind = ? AND id = ?",
            [(by, now, version, internal, kind, rid)
             for rid, _rev, version, internal, _deleted in marked])
        self.conn.executemany("DELETE FROM sync_base WHERE kind = ? AND id = ?",
                              [(kind, r[0]) for r in marked])
        return {r[0] for r in marked}

    # -- applying pulled rows ------------------------------------------------------------
    def apply(self, batch: Iterable[Pulled], report: ApplyReport) -> None:
        """Apply pulled rows (any order of tables: foreign keys are checked at commit)."""
        by_kind: dict[tuple[str, str], list[Pulled]] = defaultdict(list)
        for row in batch:
            by_kind[(row.part, row.kind)].append(row)
        order = {spec.name: spec.order for spec in synced_tables()}
        for part, kind in sorted(by_kind, key=lambda k: (PARTS.index(k[0]), order.get(k[1], 0))):
            if kind not in order:
                continue  # a table this build does not know (a newer laptop's): skipped
            self._apply_kind(table(kind), part, by_kind[(part, kind)], report)

    def _apply_kind(self, spec: SyncedTable, part: str, rows: list[Pulled],
                    report: ApplyReport) -> None:
        ids = [r.id for r in rows]
        if self._tracking and part == "record":
            self.conn.executemany("INSERT OR IGNORE INTO sync_seen (kind, id) VALUES (?, ?)",
                                  [(spec.name, r.id) for r in rows if r.data is not None])
        states = self._states(spec, ids)
        current = self._current(spec, ids)
        plain: list[Pulled] = []
        column = {"record": 2, "internal": 3}.get(part)
        known = frozenset(spec.columns)
        for row in rows:
            state = states.get(row.id)
            if row.data is not None:
                row.data = {k: v for k, v in row.data.items() if k in known}
            dirty = state is not None and state[0]
            if state is not None and column is not None and state[column] == row.version:
                continue  # the version this laptop already has (its own push coming back)
            if not dirty and part == "private" and row.data is not None and all(
                    current.get(row.id, {}).get(k) == v for k, v in row.data.items()):
                continue
            if not dirty:
                plain.append(row)
            else:
                self._merge_one(spec, part, row, current.get(row.id), report)
        self._apply_plain(spec, part, plain, current, report)

    def _states(self, spec: SyncedTable, ids: list[str]
                ) -> dict[str, tuple[bool, int, int, int]]:
        """id -> (dirty, rev, hub_version, internal_version) of rows known here."""
        found: dict[str, tuple[bool, int, int, int]] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            found.update((rid, (bool(dirty), rev, hv, iv))
                         for rid, dirty, rev, hv, iv in self.conn.execute(
                f"SELECT id, dirty, rev, hub_version, internal_version FROM sync_row "
                f"WHERE kind = ? AND id IN ({marks})", (spec.name, *chunk)))
        return found

    def _current(self, spec: SyncedTable, ids: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(ids):
            self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS sync_wanted (id TEXT)")
            self.conn.execute("DELETE FROM sync_wanted")
            self.conn.executemany("INSERT INTO sync_wanted VALUES (?)", [(i,) for i in chunk])
            found.update((rid, json.loads(data)) for rid, data in self.conn.execute(
                f"SELECT w.id, {_row_json(spec, 't')} FROM sync_wanted w "
                f"JOIN {spec.name} t ON {_join(spec, 't', 'w.id')}"))
        return found

    def _apply_plain(self, spec: SyncedTable, part: str, rows: list[Pulled],
                     current: dict[str, dict[str, Any]], report: ApplyReport) -> None:
        """Rows nothing changed here: the hub's version goes in as it is."""
        if not rows:
            return
        with capture.quiet(self.conn):
            gone = [r for r in rows if r.data is None]
            if gone and part == "record":
                for r in gone:
                    if r.id in current:
                        self._note_owner(spec, current[r.id], report)
                        report.touched[spec.name].add(r.id)
                self._delete(spec, [r.id for r in gone if r.id in current])
            live = [r for r in rows if r.data is not None]
            if part == "record":
                for r in live:
                    if r.id not in current:
                        report.created[spec.name].add(r.id)
                self.upsert(spec, live)
            else:
                self._update_fields(spec, live)
            for r in live:
                report.touched[spec.name].add(r.id)
                self._note_owner(spec, {**current.get(r.id, {}), **(r.data or {})}, report)
        self._set_versions(spec, part, rows, dirty=False)
        report.applied += len(rows)

    def _set_versions(self, spec: SyncedTable, part: str, rows: list[Pulled], *,
                      dirty: bool | None) -> None:
        """Record the pulled versions in sync_row, in one statement for all `rows` (an
        existing row keeps what this part does not carry, a new one starts clean)."""
        if not rows:
            return
        column = {"record": "hub_version", "internal": "internal_version"}.get(part)
        sets = ["changed_by = excluded.changed_by", "changed_at = excluded.changed_at"]
        if column:
            sets.append(f"{column} = excluded.{column}")
        if part == "record":
            sets.append("deleted = excluded.deleted")
        if dirty is not None:
            sets.append("dirty = excluded.dirty")
        self.conn.executemany(
            "INSERT INTO sync_row (kind, id, hub_version, internal_version, dirty, rev, "
            "deleted, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?) "
            f"ON CONFLICT (kind, id) DO UPDATE SET {', '.join(sets)}",
            [(spec.name, r.id,
              r.version if column == "hub_version" else 0,
              r.version if column == "internal_version" else 0,
              int(bool(dirty)),
              int(r.data is None) if part == "record" else 0,
              r.changed_by, r.changed_at) for r in rows])
        if dirty is False:
            self.conn.executemany("DELETE FROM sync_base WHERE kind = ? AND id = ?",
                                  [(spec.name, r.id) for r in rows])

    def upsert(self, spec: SyncedTable, rows: list[Pulled]) -> None:
        if not rows:
            return
        columns = list(spec.columns)
        defaults = _defaults(spec)
        shared = [c for c in spec.shared if c not in spec.key]
        conflict = ", ".join(spec.key)
        updates = ", ".join(f"{c} = excluded.{c}" for c in shared) or None
        sql = (f"INSERT INTO {spec.name} ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' * len(columns))}) ON CONFLICT ({conflict}) "
               + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING"))
        start = {**dict.fromkeys(columns), **defaults}
        pick = itemgetter(*columns) if len(columns) > 1 else lambda d: (d[columns[0]],)
        values = []
        link = spec.is_link
        for r in rows:
            keys = spec.key_values(r.id) if link else {"id": r.id}
            values.append(pick({**start, **keys, **(r.data or {})}))
        self.conn.executemany(sql, values)

    def _update_fields(self, spec: SyncedTable, rows: list[Pulled]) -> None:
        for r in rows:
            fields = [c for c in (r.data or {}) if c in spec.columns and c not in spec.key]
            if not fields:
                continue
            keys = spec.key_values(r.id)
            self.conn.execute(
                f"UPDATE {spec.name} SET {', '.join(f'{c} = ?' for c in fields)} "
                f"WHERE {' AND '.join(f'{k} = ?' for k in keys)}",
                (*[(r.data or {})[c] for c in fields], *keys.values()))

    def _delete(self, spec: SyncedTable, ids: list[str]) -> None:
        for row_id in ids:
            keys = spec.key_values(row_id)
            self.conn.execute(
                f"DELETE FROM {spec.name} WHERE {' AND '.join(f'{k} = ?' for k in keys)}",
                tuple(keys.values()))

    def _note_owner(self, spec: SyncedTable, data: dict[str, Any], report: ApplyReport) -> None:
        owner = OWNERS.get(spec.name)
        if owner and data.get(owner[1]):
            report.touched[owner[0]].add(data[owner[1]])

    # -- merging with local changes ------------------------------------------------------
    def _merge_one(self, spec: SyncedTable, part: str, row: Pulled,
                   mine: dict[str, Any] | None, report: ApplyReport) -> None:
        base_text = self.conn.execute("SELECT data FROM sync_base WHERE kind = ? AND id = ?",
                                      (spec.name, row.id)).fetchone()
        base = json.loads(base_text[0]) if base_text else None
        report.touched[spec.name].add(row.id)
        if row.data is None or mine is None:
            self._delete_conflict(spec, part, row, mine, base, report)
            return
        if base is None and spec.name in NATURAL_KINDS:
            base = dict(row.data)  # one name created on two laptops: the hub's spelling
            mine = {**mine, **{k: v for k, v in row.data.items() if k in NAME_FIELDS}}
        merged = merge_row(base, mine, row.data, spec.text_fields)
        with capture.quiet(self.conn):
            self._update_fields(spec, [Pulled(part, spec.name, row.id, merged.data, row.version)])
        for conflict in merged.conflicts:
            self._record_conflict(spec.name, row.id, conflict, row.changed_by)
        report.conflicts += len(merged.conflicts)
        report.merged += 1
        new_base = {**(base or mine), **row.data}
        still = any(merged.data.get(k) != new_base.get(k) for k in merged.data
                    if k not in CLOCK_FIELDS | CREATION_FIELDS)
        if not still:
            with capture.quiet(self.conn):
                self._update_fields(spec, [Pulled(part, spec.name, row.id, {
                    k: new_base[k] for k in CLOCK_FIELDS | CREATION_FIELDS
                    if k in new_base}, row.version)])
        self._set_versions(spec, part, [row], dirty=None if still else False)
        if still:
            self.conn.execute(
                "INSERT INTO sync_base (kind, id, data) VALUES (?, ?, ?) ON CONFLICT (kind, id) "
                "DO UPDATE SET data = excluded.data", (spec.name, row.id, json.dumps(new_base)))
        self._note_owner(spec, merged.data, report)

    def _delete_conflict(self, spec: SyncedTable, part: str, row: Pulled,
                         mine: dict[str, Any] | None, base: dict[str, Any] | None,
                         report: ApplyReport) -> None:
        """A delete for good on one side, an edit on the other: the hub's side stands in
        the data (every laptop converges on it) and the other side is kept in a conflict.
        """
        if part != "record":
            if mine is not None and row.data is not None:
                with capture.quiet(self.conn):
                    self._update_fields(spec, [row])
            self._set_versions(spec, part, [row], dirty=None)
            return
        if row.data is None and mine is not None:
            # They deleted it for good; I edited it.
            edited = base is None or any(mine.get(k) != base.get(k) for k in mine
                                         if k not in CLOCK_FIELDS)
            if edited:
                self._record_conflict(spec.name, row.id, Conflict(
                    DELETED_MARK, _ABSENT, mine, _ABSENT), row.changed_by)
                report.conflicts += 1
            self._note_owner(spec, mine, report)
            with capture.quiet(self.conn):
                self._delete(spec, [row.id])
        elif row.data is not None and mine is None:
            # I deleted it for good; they edited it: it comes back, my delete is the conflict.
            self._record_conflict(spec.name, row.id, Conflict(
                DELETED_MARK, _ABSENT, _ABSENT, row.data), row.changed_by)
            report.conflicts += 1
            with capture.quiet(self.conn):
                self.upsert(spec, [row])
                self._bring_back_children(spec, row.id)
            self._note_owner(spec, row.data, report)
        report.applied += 1
        self._set_versions(spec, part, [row], dirty=False)
        self.conn.execute("UPDATE sync_row SET rev = rev + 1 WHERE kind = ? AND id = ?",
                          (spec.name, row.id))

    def _bring_back_children(self, spec: SyncedTable, parent_id: str) -> None:
        """A record this laptop deleted for good comes back (someone edited it meanwhile):
        so do the child rows the delete took with it (emails, sections...), from their
        last-synced copies, and their deletions are no longer pushed. Otherwise the hub
        would get the record back but lose its children to this laptop's cascade."""
        for child in synced_tables():
            for column, (parent, action) in child.references.items():
                if parent != spec.name or action != "CASCADE":
                    continue
                found = self.conn.execute(
                    "SELECT r.id, b.data FROM sync_row r JOIN sync_base b "
                    "ON b.kind = r.kind AND b.id = r.id WHERE r.kind = ? AND r.dirty = 1 "
                    "AND r.deleted = 1 AND json_extract(b.data, ?) = ?",
                    (child.name, f"$.{column}", parent_id)).fetchall()
                for child_id, data in found:
                    self.upsert(child, [Pulled("record", child.name, child_id,
                                                json.loads(data), 0)])
                    self._brought_back[child.name].add(child_id)
                    self.conn.execute(
                        "UPDATE sync_row SET dirty = 0, deleted = 0, rev = rev + 1 "
                        "WHERE kind = ? AND id = ?", (child.name, child_id))
                    self.conn.execute("DELETE FROM sync_base WHERE kind = ? AND id = ?",
                                      (child.name, child_id))
                    if not child.is_link:
                        self._bring_back_children(child, child_id)

    def _record_conflict(self, kind: str, row_id: str, conflict: Conflict,
                         by: str | None) -> None:
        # A newer conflict on the same field replaces an open one: its "mine" is still mine.
        self.conn.execute(
            "DELETE FROM sync_conflict WHERE kind = ? AND row_id = ? AND field = ? "
            "AND resolved_at IS NULL", (kind, row_id, conflict.field))
        self.conn.execute(
            "INSERT INTO sync_conflict (id, kind, row_id, field, base, mine, theirs, theirs_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (str(uuid.uuid4()), kind, row_id, conflict.field, _text(conflict.base),
             _text(conflict.mine), _text(conflict.theirs), by, sql_time(utcnow())))

    # -- after applying ------------------------------------------------------------------
    def repair_references(self, written: Mapping[str, Iterable[str]] | None = None) -> int:
        """Rows whose parent is gone after a pull (deleted on one side, pointed to on the
        other): links to it are cleared or, for rows that cannot live without it, the row
        goes, as the foreign key's own rule would do. These repairs are ordinary local
        changes, pushed next, so the hub converges on them too.

        `written`: the rows the pull wrote, by kind. When every foreign key of the synced
        tables deletes or clears its rows as its parent goes, only a written row can
        point to a missing parent, so only those are checked (an incremental pull then
        costs what it brought, not the size of the database). None checks every row."""
        repaired = 0
        for _ in range(5):  # a deletion can orphan grandchildren: repeat until clean
            problems = self._reference_problems(written)
            if not problems:
                break
            for child, rowid, _parent, fk_index in problems:
                if child not in {s.name for s in synced_tables()}:
                    continue
                fks = self.conn.execute(f"PRAGMA foreign_key_list({child})").fetchall()
                fk = next(f for f in fks if f[0] == fk_index)
                column, action = fk[3], fk[6]
                if action == "SET NULL":
                    self.conn.execute(f"UPDATE {child} SET {column} = NULL WHERE rowid = ?",
                                      (rowid,))
                else:
                    self.conn.execute(f"DELETE FROM {child} WHERE rowid = ?", (rowid,))
                repaired += 1
        return repaired

    def _reference_problems(self, written: Mapping[str, Iterable[str]] | None
                            ) -> list[tuple[str, int, str, int]]:
        """What `PRAGMA foreign_key_check` reports, limited to the `written` rows when
        that is enough (see `repair_references`)."""
        keys = self._foreign_keys()
        if written is None or keys is None:
            return self.conn.execute("PRAGMA foreign_key_check").fetchall()
        found: list[tuple[str, int, str, int]] = []
        everything: dict[str, set[str]] = defaultdict(set)
        for source in (written, self._brought_back):
            for kind, ids in source.items():
                everything[kind].update(ids)
        for kind, ids in everything.items():
            if kind not in keys or not keys[kind]:
                continue
            wanted = json.dumps(sorted(ids))
            spec = table(kind)
            for fk_index, parent, column, target in keys[kind]:
                found.extend((kind, rowid, parent, fk_index) for (rowid,) in self.conn.execute(
                    f"SELECT t.rowid FROM json_each(?) j CROSS JOIN {kind} t "
                    f"ON {_join(spec, 't', 'j.value')} WHERE t.{column} IS NOT NULL "
                    f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{target} = t.{column})",
                    (wanted,)))
        return found

    def _foreign_keys(self) -> dict[str, list[tuple[int, str, str, str]]] | None:
        """kind -> (fk index, parent, column, parent column) of every synced table; None
        when some key does not delete or clear its rows with its parent, or spans
        several columns (then only the whole check is sure)."""
        keys: dict[str, list[tuple[int, str, str, str]]] = {}
        for spec in synced_tables():
            rows = self.conn.execute(f"PRAGMA foreign_key_list({spec.name})").fetchall()
            keys[spec.name] = []
            for fk_index, seq, parent, column, target, _on_update, on_delete, _match in rows:
                if seq or on_delete not in ("CASCADE", "SET NULL") or target is None:
                    return None
                if sum(1 for r in rows if r[0] == fk_index) > 1:
                    return None
                keys[spec.name].append((fk_index, parent, column, target))
        return keys


class _Absent:
    """The side of a conflict where the row no longer exists (stored as SQL NULL)."""


_ABSENT = _Absent()


def _text(value: Any) -> str | None:
    """A conflict's value as JSON text (so a number stays a number), NULL when absent."""
    if isinstance(value, _Absent):
        return None
    return json.dumps(value, ensure_ascii=False)


def _defaults(spec: SyncedTable) -> dict[str, Any]:
    """Column defaults of the model, for columns a pulled part does not carry."""
    from sqlmodel import SQLModel

    found: dict[str, Any] = {}
    for column in SQLModel.metadata.tables[spec.name].columns:
        default = column.default
        if default is not None and not callable(getattr(default, "arg", None)):
            value = default.arg
            found[column.name] = int(value) if isinstance(value, bool) else value
        elif not column.nullable and column.name not in spec.key:
            found[column.name] = ""
    return found


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
