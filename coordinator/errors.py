"""Typed errors raised by the core. The UI and CLI turn them into messages."""

from __future__ import annotations

from dataclasses import dataclass


class CoordinatorError(Exception):
    """Base class: the message is written for the user."""


class DatabaseOpenError(CoordinatorError):
    """The database file cannot be used; nothing in it was changed."""


class NotACoordinatorDatabase(DatabaseOpenError):
    pass


class CorruptDatabase(DatabaseOpenError):
    pass


class SchemaTooNew(DatabaseOpenError):
    pass


class NotFound(CoordinatorError):
    def __init__(self, entity: str, record_id: str) -> None:
        super().__init__(f"No {entity} with id {record_id}.")
        self.entity = entity
        self.record_id = record_id


class Conflict(CoordinatorError):
    """The change would break a rule that involves other records."""


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(CoordinatorError):
    """Every problem of one input, reported together."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    def for_field(self, field: str) -> list[str]:
        return [p.message for p in self.problems if p.field == field]
