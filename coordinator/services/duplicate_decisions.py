""""Not duplicates" decisions: pairs the user said are two different records.

    mark_not_duplicates(db, "contact", a, b)      # True when newly marked
    unmark_not_duplicates(db, "contact", a, b)    # True when a decision was taken back
    list_not_duplicates(db)                       # [NotDuplicates(...)], newest first
    resolve_pair(db, "3f2a9c01", "91c0d2e4")      # ("contact", full id, full id)
    short_ids(db, "contact", ids)                 # {id: shortest unique prefix}

Decisions live in the database (`not_duplicate_contact`, `not_duplicate_organization`),
so the duplicates dialog, `coordinator duplicates` and `formats.duplicates` share them,
and they travel with the database in backups. A pair is stored once, smaller id
first; taking a decision back sets `deleted_at` (marking again revives the row); a
purged record takes its decisions with it (ON DELETE CASCADE). Writes report
`("not_duplicate", CREATED | DELETED, "<entity>:<first id>|<second id>")`.

A merge of B into A carries B's decisions over to A (`carry_over`, in the merge's unit
of work): B and C are different and A is B, so A and C are different too. The merge
keeps what `carry_over` returns, and undoing it takes exactly those back
(`take_back_carried`); B's own decisions are never touched.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.errors import Conflict, CoordinatorError, NotFound
from coordinator.models import (
    Contact,
    NotDuplicateContact,
    NotDuplicateOrganization,
    Organization,
    parse_sql_time,
    sql_time,
    utcnow,
)
from coordinator.services.base import record_change

CHANGE_ENTITY = "not_duplicate"
DECISION_MODELS: dict[str, type[NotDuplicateContact] | type[NotDuplicateOrganization]] = {
    "contact": NotDuplicateContact,
    "organization": NotDuplicateOrganization,
}
RECORD_MODELS: dict[str, type[Contact] | type[Organization]] = {
    "contact": Contact, "organization": Organization}
# entity -> SQL label of a record `r` (contacts: name and organization, as duplicates shows)
_LABELS = {
    "contact": ("SELECT r.id, r.full_name || CASE WHEN o.name IS NULL THEN '' "
                "ELSE ' (' || o.name || ')' END, r.deleted_at FROM contact r "
                "LEFT JOIN organization o ON o.id = r.organization_id"),
    "organization": "SELECT r.id, r.name, r.deleted_at FROM organization r",
}


@dataclass(frozen=True)
class NotDuplicates:
    entity: str
    first_id: str
    second_id: str
    first_label: str
    second_label: str
    decided_at: datetime | None
    in_trash: bool = False  # one of the two records is in Trash

    @property
    def key(self) -> str:
        return pair_key(self.first_id, self.second_id)


def canonical(a: str, b: str) -> tuple[str, str]:
    """The stored order of a pair: smaller id first."""
    return (a, b) if a < b else (b, a)


def pair_key(a: str, b: str) -> str:
    """"first|second" in canonical order (the id of a decision in change reports)."""
    return "|".join(canonical(a, b))


def _model(entity: str) -> type[NotDuplicateContact] | type[NotDuplicateOrganization]:
    if entity not in DECISION_MODELS:
        raise CoordinatorError(f"Only contacts and organizations have duplicates, "
                               f"not {entity!r}.")
    return DECISION_MODELS[entity]


def _find(session: Session, entity: str, first: str,
          second: str) -> NotDuplicateContact | NotDuplicateOrganization | None:
    model = _model(entity)
    return session.exec(select(model).where(model.first_id == first,
                                            model.second_id == second)).first()


def dismissed_pairs(session: Session, entity: str) -> set[tuple[str, str]]:
    """Every pair marked "not duplicates" for `entity`, in canonical order (read inside
    the caller's unit of work, so it matches what the caller reads beside it)."""
    table = _model(entity).__tablename__
    return {(a, b) for a, b in session.execute(text(
        f"SELECT first_id, second_id FROM {table} WHERE deleted_at IS NULL"))}


def mark_not_duplicates(db: Database, entity: str, a: str, b: str) -> bool:
    """Remember that `a` and `b` are not duplicates; False if that was already known."""
    if a == b:
        raise Conflict(f"Choose two different {entity}s.")
    first, second = canonical(a, b)
    _model(entity)  # a clear error for any other kind of record
    with db.write() as session:
        for record_id in (first, second):
            if session.get(RECORD_MODELS[entity], record_id) is None:
                raise NotFound(entity, record_id)
        row = _find(session, entity, first, second)
        if row is not None and row.deleted_at is None:
            return False
        _put_in_force(session, entity, first, second, row, utcnow())
    return True


def _put_in_force(session: Session, entity: str, first: str, second: str,
                  row: NotDuplicateContact | NotDuplicateOrganization | None,
                  now: datetime) -> NotDuplicateContact | NotDuplicateOrganization:
    """Store the decision about (first, second): a new row, or `row` (taken back
    earlier) revived, so that a pair keeps one row."""
    if row is None:
        row = _model(entity)(first_id=first, second_id=second, created_at=now,
                             updated_at=now)
    else:
        row.deleted_at, row.updated_at = None, now
    session.add(row)
    session.flush()
    record_change(session, CHANGE_ENTITY, ChangeKind.CREATED, f"{entity}:{first}|{second}")
    return row


def _partners(session: Session, entity: str, record_id: str) -> list[str]:
    """The records `record_id` is marked "not duplicates" with."""
    table = _model(entity).__tablename__
    return [second if first == record_id else first
            for first, second in session.execute(text(
                f"SELECT first_id, second_id FROM {table} WHERE deleted_at IS NULL "
                "AND (first_id = :r OR second_id = :r)"), {"r": record_id})]


def carry_over(session: Session, entity: str, survivor_id: str, other_id: str) -> list[str]:
    """Mark `survivor_id` "not duplicates" with every record `other_id` is marked with,
    inside the caller's unit of work (a merge of `other_id` into `survivor_id`): the
    user said those are different from the merged record, so they are different from
    the survivor. Pairs already in force and the survivor itself are left alone.

    Returns one JSON note per decision this put in force; `take_back_carried` with the
    same notes undoes exactly those (a merge keeps them with its undo records)."""
    now, notes = utcnow(), []
    for partner in _partners(session, entity, other_id):
        if partner == survivor_id:
            continue
        first, second = canonical(survivor_id, partner)
        row = _find(session, entity, first, second)
        if row is not None and row.deleted_at is None:
            continue
        revived = row is not None
        row = _put_in_force(session, entity, first, second, row, now)
        notes.append(json.dumps({"entity": entity, "id": row.id, "revived": revived,
                                 "at": sql_time(now)}))
    return notes


def take_back_carried(session: Session, notes: Iterable[str]) -> int:
    """Undo what `carry_over` did (inside the caller's unit of work, e.g. a merge's undo):
    a decision it created is removed, one it revived is taken back again. A decision
    purged, taken back or marked again since is the user's later word and stays as it
    is. Returns how many decisions were taken back."""
    taken = 0
    for note in notes:
        carried = json.loads(note)
        entity = carried["entity"]
        row = session.get(_model(entity), carried["id"])
        if (row is None or row.deleted_at is not None
                or sql_time(row.updated_at) != carried["at"]):
            continue
        if carried["revived"]:
            row.deleted_at = row.updated_at = utcnow()
            session.add(row)
        else:
            session.delete(row)
        session.flush()
        record_change(session, CHANGE_ENTITY, ChangeKind.DELETED,
                      f"{entity}:{row.first_id}|{row.second_id}")
        taken += 1
    return taken


def unmark_not_duplicates(db: Database, entity: str, a: str, b: str) -> bool:
    """Take a "not duplicates" decision back; False if there was none."""
    first, second = canonical(a, b)
    with db.write() as session:
        row = _find(session, entity, first, second)
        if row is None or row.deleted_at is not None:
            return False
        row.deleted_at = row.updated_at = utcnow()
        session.add(row)
        session.flush()
        record_change(session, CHANGE_ENTITY, ChangeKind.DELETED, f"{entity}:{first}|{second}")
    return True


def is_marked(db: Database, entity: str, a: str, b: str) -> bool:
    with db.read() as session:
        row = _find(session, entity, *canonical(a, b))
        return row is not None and row.deleted_at is None


def list_not_duplicates(db: Database, entity: str | None = None) -> list[NotDuplicates]:
    """Every decision in force (of one entity or both), most recent first."""
    out: list[NotDuplicates] = []
    with db.read() as session:
        for kind in [entity] if entity else list(DECISION_MODELS):
            table = _model(kind).__tablename__
            rows = session.execute(text(
                f"SELECT first_id, second_id, updated_at FROM {table} "
                "WHERE deleted_at IS NULL")).all()
            found = _records(session, kind, [i for r in rows for i in r[:2]])
            for first, second, at in rows:
                (a, a_trash), (b, b_trash) = found[first], found[second]
                out.append(NotDuplicates(kind, first, second, a, b, parse_sql_time(at),
                                         a_trash or b_trash))
    return sorted(out, key=lambda d: (d.decided_at is not None, d.decided_at), reverse=True)


def _records(session: Session, entity: str, ids: list[str]) -> dict[str, tuple[str, bool]]:
    """id -> (label, in Trash) for records of `entity` (unknown ids are left out)."""
    out: dict[str, tuple[str, bool]] = {}
    wanted = list(dict.fromkeys(ids))
    query = text(f"{_LABELS[entity]} WHERE r.id IN :ids").bindparams(
        bindparam("ids", expanding=True))
    for start in range(0, len(wanted), 500):
        for rid, label, gone in session.execute(query, {"ids": wanted[start:start + 500]}):
            out[rid] = (label, gone is not None)
    return out


def labels(db: Database, entity: str, ids: Iterable[str]) -> dict[str, str]:
    """How duplicates lists each record: a contact's name (and organization), an
    organization's name."""
    _model(entity)
    with db.read() as session:
        return {rid: label for rid, (label, _trash) in _records(session, entity,
                                                                 list(ids)).items()}


SHORT_IDS_BY_LOOKUP = 1000  # up to this many ids, each one's neighbours are looked up


def short_ids(db: Database, entity: str, ids: Iterable[str], minimum: int = 8) -> dict[str, str]:
    """The shortest prefix of each id (at least `minimum` characters) that no other
    record of `entity` shares, as `coordinator duplicates` prints them and
    `resolve_pair` takes them back (like git's abbreviated hashes: ids made in the
    same moment may share a long prefix)."""
    table = RECORD_MODELS[entity].__tablename__
    out: dict[str, str] = {}
    wanted = list(dict.fromkeys(ids))
    with db.raw() as conn:
        if len(wanted) > SHORT_IDS_BY_LOOKUP:
            # Many ids (a long list of duplicates): every id of the table once, in
            # order, and the neighbours found by bisection, ten times quicker.
            every = [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id")]
            for rid in wanted:
                before = bisect_left(every, rid)
                after = bisect_right(every, rid, before)
                out[rid] = _prefix(rid, [every[before - 1] if before else None,
                                         every[after] if after < len(every) else None],
                                   minimum)
            return out
        # Two index look-ups per id: on the plain connection each costs microseconds
        # (through the ORM, half a millisecond).
        for rid in wanted:
            near = []
            for op, order in (("<", "DESC"), (">", "ASC")):  # the neighbours in id order
                found = conn.execute(
                    f"SELECT id FROM {table} WHERE id {op} ? ORDER BY id {order} LIMIT 1",
                    (rid,)).fetchone()
                near.append(found[0] if found else None)
            out[rid] = _prefix(rid, near, minimum)
    return out


def _prefix(rid: str, neighbours: list[str | None], minimum: int) -> str:
    """The shortest prefix of `rid`, at least `minimum` long, that its neighbours in id
    order do not share."""
    length = minimum
    for near in neighbours:
        if near:
            shared = next((i for i, (x, y) in enumerate(zip(rid, near, strict=False))
                           if x != y), min(len(rid), len(near)))
            length = max(length, shared + 1)
    return rid[:length]


def resolve_pair(db: Database, a: str, b: str,
                 entity: str | None = None) -> tuple[str, str, str]:
    """(entity, id, id) for two ids or unique id prefixes (as the CLI prints them) that
    name two records of the same kind; raises a clear error otherwise."""
    found: dict[str, list[str]] = {}
    with db.read() as session:
        for kind in [entity] if entity else list(RECORD_MODELS):
            table = RECORD_MODELS[kind].__tablename__
            ids = []
            for value in (a, b):
                value = value.strip()
                # ids are text: a prefix is the range [value, value with its last
                # character bumped), which the primary key index answers.
                upper = value[:-1] + chr(ord(value[-1]) + 1) if value else ""
                matches = session.execute(text(
                    f"SELECT id FROM {table} WHERE id >= :v AND id < :u LIMIT 2"),
                    {"v": value, "u": upper}).scalars().all() if value else []
                if len(matches) > 1 and value not in matches:
                    raise Conflict(f"{value!r} matches more than one {kind}; give more "
                                   "characters.")
                if matches:
                    ids.append(value if value in matches else matches[0])
            if len(ids) == 2:
                found[kind] = ids
    if not found:
        raise NotFound(entity or "contact or organization pair", f"{a} / {b}")
    if len(found) > 1:
        raise Conflict(f"{a!r} and {b!r} name both contacts and organizations; say which "
                       "with --contacts or --organizations.")
    kind, (first, second) = next(iter(found.items()))
    return kind, first, second


def adopt_legacy_pairs(db: Database, keys: Iterable[str]) -> int:
    """Move decisions kept by older versions in the UI settings ("id|id", entity not
    recorded) into the database; pairs whose records are gone are dropped. Returns how
    many decisions were added. One unit of work: all or nothing."""
    added = 0
    with db.write() as session:
        for key in keys:
            ids = [part.strip() for part in str(key).split("|")]
            if len(ids) != 2 or not all(ids) or ids[0] == ids[1]:
                continue
            first, second = canonical(*ids)
            for entity, record in RECORD_MODELS.items():
                if session.get(record, first) is None or session.get(record, second) is None:
                    continue
                row = _find(session, entity, first, second)
                if row is None or row.deleted_at is not None:
                    mark_not_duplicates(db, entity, first, second)
                    added += 1
                break
    return added


__all__ = [
    "NotDuplicates",
    "adopt_legacy_pairs",
    "canonical",
    "carry_over",
    "dismissed_pairs",
    "is_marked",
    "labels",
    "list_not_duplicates",
    "mark_not_duplicates",
    "pair_key",
    "resolve_pair",
    "short_ids",
    "take_back_carried",
    "unmark_not_duplicates",
]
