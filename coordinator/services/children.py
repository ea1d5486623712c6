"""Saving a record's child rows (emails, sections, attendees...) without replacing them all.

A save makes the children equal to what the form holds, but keeps every row that did
not change, with its id. Deleting and re-inserting every child on each save would give
each of them a new identity: on a team hub, two coordinators editing different parts of
one record (one the title, one a phone number) would then each replace the other's rows,
and the record would end up with its emails twice. Kept rows also keep their history
(created_at) and leave the search index and undo data smaller.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, SQLModel, select

from coordinator.models import utcnow

ORDER_FIELDS = ("position",)


def save_children(session: Session, model: type[SQLModel], parent_field: str, parent_id: str,
                  wanted: Sequence[dict[str, Any]], *, key: tuple[str, ...] = ()) -> None:
    """Make the rows of `model` under `parent_id` equal `wanted` (dicts of field values).

    A wanted row is matched to an existing one by its `id` when it has one, else by `key`
    fields when given (then its other fields are updated in place), else by equal values
    of every field but the position. Unmatched existing rows are deleted first, so that a
    unique key freed by a deletion can be taken by an insert in the same save.
    """
    existing = list(session.exec(
        select(model).where(getattr(model, parent_field) == parent_id)).all())
    unused = {id(row): row for row in existing}
    by_id = {getattr(row, "id", None): row for row in existing}
    plan: list[tuple[Any | None, dict[str, Any]]] = []
    for values in wanted:
        row = _match(values, unused, by_id, key)
        if row is not None:
            del unused[id(row)]
        plan.append((row, values))
    for row in unused.values():
        session.delete(row)
    if unused:
        session.flush()
    for row, values in plan:
        if row is None:
            session.add(model(**{parent_field: parent_id, **values}))
            continue
        changed = False
        for name, value in values.items():
            if name != "id" and getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if changed and hasattr(row, "updated_at"):
            row.updated_at = utcnow()  # type: ignore[attr-defined]
        session.add(row)


def _match(values: dict[str, Any], unused: dict[int, Any], by_id: dict[Any, Any],
           key: tuple[str, ...]) -> Any | None:
    wanted_id = values.get("id")
    if wanted_id:
        row = by_id.get(wanted_id)
        return row if row is not None and id(row) in unused else None
    if key:
        return next((row for row in unused.values()
                     if all(getattr(row, k) == values.get(k) for k in key)), None)
    compared = [k for k in values if k not in ORDER_FIELDS and k != "id"]
    return next((row for row in unused.values()
                 if all(getattr(row, k) == values[k] for k in compared)), None)
