"""Every undoable step of the app, pushed on the main window's QUndoStack.

    ctx.undo_stack.push(DeleteCommand(ctx, "contact", ids, "Delete Ada Lovelace"))

Delete moves records to Trash when pushed (undo restores them); Restore is the
reverse. Create and Update are pushed after the form saved (their first redo does
nothing): undoing a create moves the new record to Trash, undoing an update saves the
old data back. A step that fails (say the record was purged meanwhile) reports on the
status bar and marks itself obsolete instead of raising.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from coordinator.errors import CoordinatorError
from coordinator.wording import plural

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

# entity -> attribute of Services holding its service
SERVICE_OF = {
    "contact": "contacts",
    "organization": "organizations",
    "proposal": "proposals",
    "meeting": "meetings",
}
NOUNS = {
    "contact": ("contact", "contacts"),
    "organization": ("organization", "organizations"),
    "proposal": ("proposal", "proposals"),
    "meeting": ("meeting", "meetings"),
}


def describe(entity: str, count: int) -> str:
    one, many = NOUNS.get(entity, (entity, entity + "s"))
    return plural(count, one, many)


class _GuardedCommand(QUndoCommand):
    def __init__(self, ctx: AppContext, text: str) -> None:
        super().__init__(text)
        self.ctx = ctx

    def _guard(self, fn: Callable[..., Any], *args: Any) -> bool:
        try:
            fn(*args)
        except CoordinatorError as exc:
            log.warning("undo step failed: %s", exc)
            self.ctx.status_message.emit(f"Could not {self.text().lower()}: {exc}", 8000)
            self.setObsolete(True)
            return False
        return True


class DoneCommand(_GuardedCommand):
    """A change already made when the command is pushed: the first redo does nothing,
    later redos call `_redo` (subclasses define it and `undo`)."""

    def __init__(self, ctx: AppContext, text: str) -> None:
        super().__init__(ctx, text)
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._redo()

    def _redo(self) -> None:
        raise NotImplementedError


class _ServiceCommand(_GuardedCommand):
    def __init__(self, ctx: AppContext, entity: str, text: str) -> None:
        super().__init__(ctx, text)
        self.entity = entity

    @property
    def service(self) -> Any:
        return getattr(self.ctx.services, SERVICE_OF[self.entity])

    def _each(self, fn: Callable[[str], Any], ids: list[str]) -> bool:
        """Apply `fn` to every id in one unit of work (one change notification)."""
        with self.ctx.db.write():
            return all(self._guard(fn, rid) for rid in ids)


class DeleteCommand(_ServiceCommand):
    """Move records to Trash (when pushed); undo restores them."""

    def __init__(
        self, ctx: AppContext, entity: str, ids: list[str], text: str | None = None
    ) -> None:
        super().__init__(ctx, entity, text or f"Delete {describe(entity, len(ids))}")
        self.ids = list(ids)

    def _delete(self) -> None:
        if self._each(self.service.delete, self.ids):
            self.ctx.status_message.emit(
                f"Moved {describe(self.entity, len(self.ids))} to Trash. Undo with Ctrl+Z.", 6000
            )

    def _restore(self) -> None:
        if self._each(self.service.restore, self.ids):
            self.ctx.status_message.emit(f"Restored {describe(self.entity, len(self.ids))}.", 4000)

    def redo(self) -> None:
        self._delete()

    def undo(self) -> None:
        self._restore()


class RestoreCommand(DeleteCommand):
    """Bring records back from Trash (when pushed); undo moves them back."""

    def __init__(
        self, ctx: AppContext, entity: str, ids: list[str], text: str | None = None
    ) -> None:
        super().__init__(ctx, entity, ids, text or f"Restore {describe(entity, len(ids))}")

    def redo(self) -> None:
        self._restore()

    def undo(self) -> None:
        self._delete()


class CreateCommand(_ServiceCommand, DoneCommand):
    """A record the form already created: undo moves it to Trash, redo restores it."""

    def __init__(self, ctx: AppContext, entity: str, record_id: str, name: str = "") -> None:
        super().__init__(ctx, entity, f"Create {name or entity}")
        self.record_id = record_id

    def _redo(self) -> None:
        self._guard(self.service.restore, self.record_id)

    def undo(self) -> None:
        self._guard(self.service.delete, self.record_id)


class UpdateCommand(_ServiceCommand, DoneCommand):
    """A saved edit: undo saves the previous data back, redo the new data."""

    def __init__(
        self, ctx: AppContext, entity: str, record_id: str, before: Any, after: Any, name: str = ""
    ) -> None:
        super().__init__(ctx, entity, f"Edit {name or entity}")
        self.record_id, self.before, self.after = record_id, before, after

    def _redo(self) -> None:
        self._guard(self.service.update, self.record_id, self.after)

    def undo(self) -> None:
        self._guard(self.service.update, self.record_id, self.before)


def push_saved(ctx: AppContext, entity: str, before: Any, saved: Any, name: str) -> None:
    """Put a save an editor has just made on the undo stack: a `CreateCommand` when
    `before` is None (the record is new), else an `UpdateCommand` back to `before`."""
    stack = ctx.undo_stack
    if stack is None or not saved.id:
        return
    label = f"“{name[:40]}”" if name else ""
    if before is None:
        stack.push(CreateCommand(ctx, entity, saved.id, label))
    else:
        stack.push(UpdateCommand(ctx, entity, saved.id, before, saved, label))


class CallbackCommand(QUndoCommand):
    def __init__(self, text: str, redo: Callable[[], None], undo: Callable[[], None]) -> None:
        super().__init__(text)
        self._redo, self._undo = redo, undo

    def redo(self) -> None:
        self._redo()

    def undo(self) -> None:
        self._undo()


def run_undoable(
    ctx: AppContext, text: str, redo: Callable[[], None], undo: Callable[[], None]
) -> None:
    """Do `redo` now; make it undoable when the shell provides an undo stack."""
    stack = ctx.undo_stack
    if stack is None:
        redo()
    else:
        stack.push(CallbackCommand(text, redo, undo))  # push() calls redo()


__all__ = [
    "CallbackCommand",
    "CreateCommand",
    "DeleteCommand",
    "RestoreCommand",
    "UpdateCommand",
    "describe",
    "push_saved",
    "run_undoable",
]
