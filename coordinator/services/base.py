"""What every entity service shares: loading, soft delete, restore, purge, change log."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import delete as sa_delete
from sqlalchemy import text
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, SQLModel, select

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.errors import Conflict, CoordinatorError, NotFound
from coordinator.models import Record, Tag, fold, natural_id, new_id, sql_time, utcnow
from coordinator.services import indexing

# Records purged per statement (one JSON array of ids): emptying a Trash of tens of
# thousands of records takes a few statements per entity and chunk, not several per
# record.
PURGE_CHUNK = 5_000
# The ids of a chunk, as `id IN (...)`: a join from json_each would let the planner
# scan the whole table once per chunk instead of seeking each id.
IN_JSON_IDS = "IN (SELECT value FROM json_each(:ids))"
# From this many records of one kind, a purge indexes the columns that reference them
# and have no index (see `_index_references`); below, reading those tables costs less.
INDEX_REFERENCES_FROM = 100
TEMPORARY_INDEX_PREFIX = "purge_tmp_ix_"
# Called with (records done, records in all) as a long purge goes.
Progress = Callable[[int, int], None]
# Records moved to Trash or back per statement: selecting 20,000 contacts after a bad
# import and pressing Delete takes a few statements per chunk, not several per record.
MOVE_CHUNK = 5_000
# The column a refusal names a record by (the title the Trash lists it under).
TITLE_COLUMNS = {"contact": "full_name", "organization": "name", "consortium": "name",
                 "proposal": "title", "meeting": "title"}


class NotWhereExpected(NotFound):
    """A record to move to Trash is there already, or one to restore is not in Trash."""

    def __init__(self, entity: str, record_id: str, title: str, in_trash: bool) -> None:
        where = "already in Trash" if in_trash else "not in Trash"
        CoordinatorError.__init__(self, f"{entity.capitalize()} “{title}” is {where}.")
        self.entity = entity
        self.record_id = record_id


def record_change(session: Session, entity: str, kind: ChangeKind, *ids: str) -> None:
    changes = session.info.get("changes")
    if changes is not None:
        changes.add(entity, kind, *ids)


def set_tags(
    session: Session, link: type[SQLModel], owner_field: str, owner_id: str, names: Iterable[str]
) -> None:
    """Set the tags of one record (kept links stay as they are); tags are created on
    first use, with an id derived from the folded name so that two laptops creating the
    same tag offline create the same row."""
    owner_col = getattr(link, owner_field)
    wanted: list[dict[str, str]] = []
    seen: set[str] = set()
    for name in names:
        key = fold(name)
        if not key or key in seen:
            continue
        seen.add(key)
        tag = session.exec(select(Tag).where(Tag.name_key == key)).first()
        if tag is None:
            tag = Tag(id=free_natural_id(session, Tag, "tag", key), name=name.strip(),
                      name_key=key)
            session.add(tag)
            session.flush()
        wanted.append({"tag_id": tag.id})
    current = set(session.exec(select(link.tag_id).where(owner_col == owner_id)).all())  # type: ignore[attr-defined]
    keep = {w["tag_id"] for w in wanted}
    if current - keep:
        session.execute(sa_delete(link).where(owner_col == owner_id,
                                              link.tag_id.in_(current - keep)))  # type: ignore[attr-defined]
    for tag_id in keep - current:
        session.add(link(**{owner_field: owner_id, "tag_id": tag_id}))


def free_natural_id(session: Session, model: type[Record], kind: str, key: str) -> str:
    """The natural id of `key` (see `natural_id`), or a random one when a renamed row
    already holds it."""
    candidate = natural_id(kind, key)
    return candidate if session.get(model, candidate) is None else new_id()


def tag_names(session: Session, link: type[SQLModel], owner_field: str, owner_id: str) -> list[str]:
    owner_col = getattr(link, owner_field)
    rows = session.exec(
        select(Tag.name).join(link, link.tag_id == Tag.id).where(owner_col == owner_id)  # type: ignore[attr-defined]
    ).all()
    return sorted(rows, key=fold)


class EntityService:
    """Soft delete, restore and purge for one aggregate root."""

    entity: ClassVar[str]
    model: ClassVar[type[Record]]
    label: ClassVar[str]

    def __init__(self, db: Database) -> None:
        self.db = db

    def _load(self, session: Session, record_id: str, *, deleted: bool | None = False) -> Any:
        row = session.get(self.model, record_id)
        if row is None or (deleted is False and row.deleted_at is not None) or (
            deleted is True and row.deleted_at is None
        ):
            raise NotFound(self.label, record_id)
        return row

    def _touch(self, row: Record) -> None:
        row.updated_at = utcnow()

    def _reindex(self, session: Session, *ids: str) -> None:
        indexing.refresh(session, self.entity, ids)

    def delete(self, record_id: str) -> None:
        """Move to Trash."""
        self.delete_many([record_id])

    def restore(self, record_id: str) -> None:
        """Bring back from Trash."""
        self.restore_many([record_id])

    def purge(self, record_id: str) -> None:
        """Delete for good; only records already in Trash can be purged."""
        self.purge_many([record_id])

    def purge_many(self, record_ids: Sequence[str], progress: Progress | None = None) -> None:
        """Delete several records for good in one unit of work: all of them, or none
        (see `purge_records`)."""
        with self.db.write() as session:
            purge_records(session, [(self, list(record_ids))], progress)

    def check_purgeable(self, session: Session, record_ids: Sequence[str]) -> None:
        """Raise unless every one of `record_ids` exists and is in Trash."""
        table = self.model.__tablename__
        for start in range(0, len(record_ids), PURGE_CHUNK):
            chunk = record_ids[start:start + PURGE_CHUNK]
            rows = session.execute(text(
                f"SELECT id, deleted_at IS NULL FROM {table} WHERE id {IN_JSON_IDS}"),
                {"ids": json.dumps(list(chunk))})
            live = {row[0]: bool(row[1]) for row in rows}
            for record_id in chunk:
                if record_id not in live:
                    raise NotFound(self.label, record_id)
                if live[record_id]:
                    raise Conflict(f"Move the {self.label} to Trash before deleting it "
                                   "for good.")

    def purge_chunk(self, session: Session, record_ids: list[str]) -> None:
        """Delete checked records (`check_purgeable`) for good with a few statements:
        their dependent rows go by the schema's ON DELETE rules (CASCADE or SET NULL
        on every foreign key), the search index loses them in bulk, and one change
        names them all. SQLite fires row triggers for every row deleted or nulled,
        cascades included, so the team hub's change capture and the last-contact table
        see each one as they did when records were purged one at a time."""
        param = {"ids": json.dumps(record_ids)}
        indexing.remove_ids(session, record_ids)
        session.execute(text(
            f"DELETE FROM {self.model.__tablename__} WHERE id {IN_JSON_IDS}"), param)
        _forget(session, self.model, record_ids)
        record_change(session, self.entity, ChangeKind.PURGED, *record_ids)

    def delete_many(self, record_ids: Sequence[str], progress: Progress | None = None) -> int:
        """Move several records to Trash in one unit of work: all of them, or none
        (see `move_records`). Returns how many."""
        with self.db.write() as session:
            return move_records(session, [(self, list(record_ids))], True, progress)

    def restore_many(self, record_ids: Sequence[str], progress: Progress | None = None) -> int:
        """Bring several records back from Trash in one unit of work: all, or none."""
        with self.db.write() as session:
            return move_records(session, [(self, list(record_ids))], False, progress)

    def check_movable(self, session: Session, record_ids: Sequence[str],
                      to_trash: bool) -> None:
        """Raise unless every one of `record_ids` exists and is live (`to_trash`) or in
        Trash (not `to_trash`); the message names the record."""
        table = self.model.__tablename__
        title = TITLE_COLUMNS.get(table, "id")
        for start in range(0, len(record_ids), MOVE_CHUNK):
            chunk = record_ids[start:start + MOVE_CHUNK]
            rows = session.execute(text(
                f"SELECT id, deleted_at IS NOT NULL, {title} FROM {table} "
                f"WHERE id {IN_JSON_IDS}"), {"ids": json.dumps(list(chunk))})
            found = {row[0]: (bool(row[1]), row[2]) for row in rows}
            for record_id in chunk:
                if record_id not in found:
                    raise NotFound(self.label, record_id)
                in_trash, name = found[record_id]
                if in_trash == to_trash:
                    raise NotWhereExpected(self.label, record_id, name or record_id, in_trash)

    def move_chunk(self, session: Session, record_ids: list[str], to_trash: bool,
                   now: datetime) -> None:
        """Move checked records (`check_movable`) to Trash or back with a few
        statements: deleted_at and updated_at set to `now` (as a record moved on its
        own is stamped), the search index loses them or gets them back in bulk, and one
        change names them all. SQLite fires row triggers for every row updated, so the
        team hub's change capture and the last-contact table see each one as they did
        when records were moved one at a time."""
        session.execute(text(
            f"UPDATE {self.model.__tablename__} SET deleted_at = :deleted, updated_at = :now "
            f"WHERE id {IN_JSON_IDS}"),
            {"ids": json.dumps(record_ids), "now": sql_time(now),
             "deleted": sql_time(now) if to_trash else None})
        _expire(session, self.model, record_ids)
        indexing.remove_ids(session, record_ids)
        if not to_trash:
            indexing.index_new(session, self.entity, record_ids)
        record_change(session, self.entity,
                      ChangeKind.DELETED if to_trash else ChangeKind.RESTORED, *record_ids)

    def exists(self, record_id: str) -> bool:
        with self.db.read() as session:
            row = session.get(self.model, record_id)
            return row is not None and row.deleted_at is None


def move_records(session: Session, work: Sequence[tuple[EntityService, list[str]]],
                 to_trash: bool, progress: Progress | None = None) -> int:
    """Move to Trash (`to_trash`) or back, in the caller's unit of work, the ids of each
    service in `work` (in that order), in chunks of `MOVE_CHUNK`; `progress(done,
    total)` after each chunk. Every id is checked first, so a refusal comes before
    anything changed. One timestamp for the whole move. Returns how many records."""
    session.flush()  # what this unit changed through the ORM goes first
    work = [(service, list(dict.fromkeys(ids))) for service, ids in work if ids]
    for service, ids in work:
        service.check_movable(session, ids, to_trash)
    now = utcnow()
    total, done = sum(len(ids) for _service, ids in work), 0
    if progress is not None:
        progress(0, total)
    for service, ids in work:
        for start in range(0, len(ids), MOVE_CHUNK):
            chunk = ids[start:start + MOVE_CHUNK]
            service.move_chunk(session, chunk, to_trash, now)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return total


def purge_records(session: Session, work: Sequence[tuple[EntityService, list[str]]],
                  progress: Progress | None = None) -> int:
    """Delete for good, in the caller's unit of work, the ids of each service in `work`
    (in that order), in chunks of `PURGE_CHUNK`; `progress(done, total)` after each
    chunk. Every id is checked first (it exists and is in Trash), so a refusal comes
    before anything was deleted. Returns how many records were purged."""
    work = [(service, list(dict.fromkeys(ids))) for service, ids in work if ids]
    for service, ids in work:
        service.check_purgeable(session, ids)
    session.flush()  # what this unit changed through the ORM goes first
    total, done = sum(len(ids) for _service, ids in work), 0
    if progress is not None:
        progress(0, total)
    temporary = _index_references(session, [service.model.__tablename__
                                            for service, ids in work
                                            if len(ids) >= INDEX_REFERENCES_FROM])
    for service, ids in work:
        for start in range(0, len(ids), PURGE_CHUNK):
            chunk = ids[start:start + PURGE_CHUNK]
            service.purge_chunk(session, chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    for name in temporary:  # on a failure the rollback removes them
        session.execute(text(f'DROP INDEX "{name}"'))
    return total


def _index_references(session: Session, tables: Iterable[str]) -> list[str]:
    """Index, for the current transaction only, the columns that reference `tables` and
    have no index of their own (a meeting's presenter, a proposal's owner); returns the
    names of the indexes made, to be dropped before the commit.

    Deleting a row makes SQLite find the rows that reference it, for the foreign key's
    ON DELETE rule: without an index on the referencing column that is a scan of the
    whole referencing table per deleted row (20,000 contacts x 6,000 agenda items and
    proposals took 20 s); an index built in milliseconds makes each a seek. SQLite's
    DDL is transactional: other connections never see these indexes, and a rollback
    removes them. A column the schema indexes itself (a newer migration) is left as it
    is."""
    made: list[str] = []
    for table in dict.fromkeys(tables):
        references = session.execute(text(
            'SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f '
            "WHERE m.type = 'table' AND f.\"table\" = :table ORDER BY m.name, f.\"from\""),
            {"table": table}).all()
        for child, column in references:
            indexed = session.execute(text(
                "SELECT 1 FROM pragma_index_list(:child) l, pragma_index_info(l.name) i "
                "WHERE l.partial = 0 AND i.seqno = 0 AND i.name = :column"),
                {"child": child, "column": column}).first()
            if indexed is None:
                name = f"{TEMPORARY_INDEX_PREFIX}{child}_{column}"
                session.execute(text(f'CREATE INDEX "{name}" ON "{child}" ("{column}")'))
                made.append(name)
    return made


def _expire(session: Session, model: type[Record], ids: Iterable[str]) -> None:
    """Make rows the session holds read their moved state again on next use. Looked up
    by key: a batch of merges moves one record at a time in a session holding
    thousands of rows."""
    held = session.identity_map
    for record_id in ids:
        obj = held.get(identity_key(model, record_id))
        if obj is not None:
            session.expire(obj)


def _forget(session: Session, model: type[Record], ids: Iterable[str]) -> None:
    """Drop purged rows the session still holds, so nothing reads or writes them back."""
    gone = set(ids)
    for obj in [o for o in session.identity_map.values()
                if isinstance(o, model) and o.id in gone]:
        session.expunge(obj)
