"""Record dataclasses (`coordinator.services.records`) to plain JSON values and back.

An editor's whole state is one such dataclass (`MeetingData`, `ProposalData`, ...), so
writing it as JSON is how an unsaved edit survives a crash: every field and every child
row, not only the long texts. `to_plain` turns dates and times into ISO text and nested
dataclasses into dicts; `from_plain(cls, value)` reads them back by the field types, and
ignores keys it does not know (a draft written by an older or newer version still loads
what it can). Unreadable input raises `SnapshotError`, never something else.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from typing import Any, TypeVar

T = TypeVar("T")


class SnapshotError(ValueError):
    """The value does not fit the record type it is read as."""


def to_plain(value: Any) -> Any:
    """A JSON-ready copy of `value` (a record dataclass, a list of them, or a scalar)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(to_plain(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def from_plain(cls: type[T], value: Any) -> T:
    """Read `value` (made by `to_plain`) back as a `cls` record."""
    try:
        return _read(cls, value)  # type: ignore[no-any-return]
    except SnapshotError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise SnapshotError(f"not a {getattr(cls, '__name__', cls)}: {exc}") from exc


def _read(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        if value is None:
            return None
        return _read(options[0], value)
    if origin in (list, tuple, set, frozenset):
        (item,) = typing.get_args(kind)[:1] or (Any,)
        if not isinstance(value, list):
            raise SnapshotError(f"expected a list, found {type(value).__name__}")
        items = [_read(item, v) for v in value]
        return origin(items) if origin is not list else items
    if dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise SnapshotError(f"expected an object for {kind.__name__}")
        hints = typing.get_type_hints(kind)
        known = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{k: _read(hints[k], v) for k, v in value.items() if k in known})
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind in (str, int, float, bool):
        if kind is float and isinstance(value, int):
            return float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SnapshotError(f"expected {kind.__name__}, found {type(value).__name__}")
        return value
    return value


__all__ = ["SnapshotError", "from_plain", "to_plain"]
