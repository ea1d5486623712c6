"""What every entity service shares: loading, soft delete, restore, purge, change log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from sqlalchemy import delete as sa_delete
from sqlmodel import Session, SQLModel, select

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.errors import Conflict, NotFound
from coordinator.models import Record, Tag, fold, natural_id, new_id, utcnow
from coordinator.services import indexing


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
        with self.db.write() as session:
            row = self._load(session, record_id)
            row.deleted_at = utcnow()
            self._touch(row)
            session.add(row)
            session.flush()
            self._reindex(session, record_id)
            record_change(session, self.entity, ChangeKind.DELETED, record_id)

    def restore(self, record_id: str) -> None:
        with self.db.write() as session:
            row = self._load(session, record_id, deleted=True)
            row.deleted_at = None
            self._touch(row)
            session.add(row)
            session.flush()
            self._reindex(session, record_id)
            record_change(session, self.entity, ChangeKind.RESTORED, record_id)

    def purge(self, record_id: str) -> None:
        """Delete for good; only records already in Trash can be purged."""
        with self.db.write() as session:
            row = session.get(self.model, record_id)
            if row is None:
                raise NotFound(self.label, record_id)
            if row.deleted_at is None:
                raise Conflict(f"Move the {self.label} to Trash before deleting it for good.")
            session.delete(row)
            session.flush()
            self._reindex(session, record_id)
            record_change(session, self.entity, ChangeKind.PURGED, record_id)

    def delete_many(self, record_ids: list[str]) -> None:
        """Move several records to Trash in one unit of work: all of them, or none."""
        with self.db.write():
            for record_id in record_ids:
                self.delete(record_id)

    def restore_many(self, record_ids: list[str]) -> None:
        """Bring several records back from Trash in one unit of work: all, or none."""
        with self.db.write():
            for record_id in record_ids:
                self.restore(record_id)

    def exists(self, record_id: str) -> bool:
        with self.db.read() as session:
            row = session.get(self.model, record_id)
            return row is not None and row.deleted_at is None
