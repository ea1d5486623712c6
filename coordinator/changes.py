"""What a write changed, so that views can refresh only what they show."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ChangeKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"  # moved to Trash
    RESTORED = "restored"
    PURGED = "purged"


@dataclass
class ChangeSet:
    """Entity name -> kind -> ids. Collected during one unit of work."""

    changes: dict[str, dict[ChangeKind, set[str]]] = field(default_factory=dict)

    def add(self, entity: str, kind: ChangeKind, *ids: str) -> None:
        self.changes.setdefault(entity, {}).setdefault(kind, set()).update(ids)

    def entities(self) -> set[str]:
        return set(self.changes)

    def ids(self, entity: str, kind: ChangeKind | None = None) -> set[str]:
        kinds = self.changes.get(entity, {})
        if kind is not None:
            return set(kinds.get(kind, set()))
        return set().union(*kinds.values()) if kinds else set()

    def touches(self, *entities: str) -> bool:
        return any(e in self.changes for e in entities)

    def __bool__(self) -> bool:
        return bool(self.changes)
