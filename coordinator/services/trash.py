"""The Trash: records moved there by delete, which can be restored or purged."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text

from coordinator.db import Database
from coordinator.errors import CoordinatorError, NotFound
from coordinator.models import parse_sql_time
from coordinator.services.base import (
    IN_JSON_IDS,
    PURGE_CHUNK,
    EntityService,
    Progress,
    move_records,
    purge_records,
)
from coordinator.services.stats import TRASHED_SQL

# entity -> SQL giving (id, title, deleted_at) of trashed rows
_TRASHED = TRASHED_SQL
# Sort keys of `TrashService.ids`, over (id, title, deleted_at, entity).
TRASH_SORTS = {"name": "title COLLATE NOCASE", "kind": "entity", "deleted": "deleted_at"}
# Meetings point at contacts and proposals (action items, presenters), proposals at
# contacts and organizations, contacts at organizations: purged in this order.
PURGE_ORDER = ("meeting", "proposal", "contact", "organization")
# Organizations come back before their contacts (which are then indexed once, with
# the organization's name) and leave after them.
RESTORE_ORDER = ("organization", "contact", "proposal", "meeting")


@dataclass(frozen=True)
class TrashItem:
    entity: str
    id: str
    title: str
    deleted_at: datetime


class TrashService:
    def __init__(self, db: Database, services: dict[str, EntityService]) -> None:
        self.db = db
        self._services = services

    def list(self) -> list[TrashItem]:
        """Everything in Trash, most recently deleted first."""
        items = []
        with self.db.read() as session:
            for entity, sql in _TRASHED.items():
                for rid, title, deleted_at in session.execute(text(sql)):
                    items.append(TrashItem(entity, rid, title, parse_sql_time(deleted_at)))
        return sorted(items, key=lambda t: t.deleted_at, reverse=True)

    def ids(self, _filter: object = None, sort: str = "deleted",
            descending: bool = True) -> list[str]:
        """The ids of everything in Trash in display order (`TRASH_SORTS`): what a lazily
        fetching table holds."""
        if sort not in TRASH_SORTS:
            raise NotFound("order of the Trash", sort)
        named = ", ".join(f"t{i}(id, title, deleted_at) AS ({sql})"
                          for i, sql in enumerate(_TRASHED.values()))
        union = " UNION ALL ".join(f"SELECT id, title, deleted_at, '{entity}' AS entity "
                                   f"FROM t{i}" for i, entity in enumerate(_TRASHED))
        direction = "DESC" if descending else "ASC"
        order = f"{TRASH_SORTS[sort]} {direction}, deleted_at DESC, id"
        with self.db.read() as session:
            return [r[0] for r in session.execute(text(
                f"WITH {named} SELECT id FROM ({union}) ORDER BY {order}"))]

    def rows(self, ids: list[str]) -> list[TrashItem]:
        """The items of `ids` still in Trash, in that order."""
        found: dict[str, TrashItem] = {}
        with self.db.read() as session:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for entity, sql in _TRASHED.items():
                    stmt = text(f"SELECT * FROM ({sql}) WHERE id IN :ids").bindparams(
                        bindparam("ids", expanding=True))
                    for rid, title, deleted_at in session.execute(stmt, {"ids": chunk}):
                        found[rid] = TrashItem(entity, rid, title, parse_sql_time(deleted_at))
        return [found[i] for i in ids if i in found]

    def count(self) -> int:
        with self.db.read() as session:
            return sum(session.execute(text(f"SELECT count(*) FROM ({sql})")).scalar_one()
                       for sql in _TRASHED.values())

    def kinds(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """The ids of `ids` still in Trash, by kind, in the order given: what a selection
        of thousands of rows in the Trash holds, in a few queries (not a fetch of every
        row's record)."""
        kind_of: dict[str, str] = {}
        with self.db.read() as session:
            for start in range(0, len(ids), PURGE_CHUNK):
                param = {"ids": json.dumps(list(ids[start:start + PURGE_CHUNK]))}
                for entity in _TRASHED:
                    table = self._service(entity).model.__tablename__
                    kind_of.update((row[0], entity) for row in session.execute(text(
                        f"SELECT id FROM {table} WHERE deleted_at IS NOT NULL "
                        f"AND id {IN_JSON_IDS}"), param))
        selection: dict[str, list[str]] = {}
        for record_id in dict.fromkeys(ids):
            if record_id in kind_of:
                selection.setdefault(kind_of[record_id], []).append(record_id)
        return selection

    def _service(self, entity: str) -> EntityService:
        if entity not in self._services:
            raise NotFound("kind of record", entity)
        return self._services[entity]

    def restore(self, entity: str, record_id: str) -> None:
        self._service(entity).restore(record_id)

    def restore_many(self, selection: dict[str, list[str]],
                     progress: Progress | None = None) -> int:
        """Bring back the records of each entity in `selection` in one unit of work:
        all of them, or none. `progress(done, total)` is called as it goes; returns how
        many."""
        return self._move(selection, False, progress)

    def move_to_trash(self, selection: dict[str, list[str]],
                      progress: Progress | None = None) -> int:
        """Move the records of each entity in `selection` to Trash in one unit of work
        (undoing a restore of a selection): all of them, or none."""
        return self._move(selection, True, progress)

    def _move(self, selection: dict[str, list[str]], to_trash: bool,
              progress: Progress | None) -> int:
        for entity in selection:
            self._service(entity)  # an unknown kind is refused before anything is done
        order = sorted(selection, key=RESTORE_ORDER.index, reverse=to_trash)
        with self.db.write() as session:
            return move_records(session, [(self._service(e), list(selection[e]))
                                          for e in order], to_trash, progress)

    def purge(self, entity: str, record_id: str) -> None:
        self._service(entity).purge(record_id)

    def purge_many(self, selection: dict[str, list[str]],
                   progress: Progress | None = None) -> None:
        """Delete for good the records of each entity in `selection`, in one unit of
        work: all of them, or none. `progress(done, total)` is called as it goes (from
        the calling thread)."""
        with self.db.write() as session:
            purge_records(session, self._in_purge_order(selection), progress)

    def empty(self, progress: Progress | None = None) -> int:
        """Purge everything in Trash in one unit of work; returns how many records.
        `progress(done, total)` is called as it goes. The space the records took goes
        back to the disk when it is worth a VACUUM."""
        with self.db.write() as session:
            selection = {entity: list(session.execute(text(
                f"SELECT id FROM ({sql})")).scalars()) for entity, sql in _TRASHED.items()}
            purged = purge_records(session, self._in_purge_order(selection), progress)
        if purged:
            self.db.reclaim_space()
        return purged

    def _in_purge_order(self, selection: dict[str, list[str]]
                        ) -> list[tuple[EntityService, list[str]]]:
        """The selection's services, those whose records point at others first, so a
        link to a record purged in the same go is not set to NULL just before its own
        row goes."""
        for entity in selection:
            self._service(entity)  # an unknown kind is refused before anything is done
        return [(self._service(entity), list(selection[entity]))
                for entity in sorted(selection, key=PURGE_ORDER.index)]

    def find(self, record_id: str) -> TrashItem:
        """The item with this id, or the only one whose id starts with it; an id prefix
        shared by several items is refused rather than guessed (ids made by one import
        can share their first characters)."""
        record_id = record_id.strip()
        items = self.list()
        exact = [item for item in items if item.id == record_id]
        if exact:
            return exact[0]
        matches = [item for item in items if item.id.startswith(record_id)]
        if len(matches) > 1:
            raise CoordinatorError(f"{len(matches)} records in Trash have an id starting "
                                   f"with {record_id!r}; give more of the id.")
        if matches:
            return matches[0]
        raise NotFound("record in Trash", record_id)
