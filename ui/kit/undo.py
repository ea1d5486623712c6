"""Every undoable step of the app, pushed on the main window's QUndoStack: creating,
editing, deleting and restoring records, status changes (`run_undoable`), imports,
merges and "not duplicates" decisions.

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
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QWidget

from coordinator.errors import CoordinatorError
from coordinator.wording import plural
from ui.kit import background

if TYPE_CHECKING:
    from coordinator.formats.batches import UndoPreview, UndoReport
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
            # The message may name a record (personal data): the log gets its kind only.
            log.warning("undo step failed: %s", type(exc).__name__)
            step = self.text()  # "Delete Ada Lovelace": the name keeps its capitals
            self.ctx.status_message.emit(f"Could not {step[:1].lower()}{step[1:]}: {exc}", 8000)
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


# From this many records, a move to Trash or back (and its undo) runs off the GUI
# thread with a progress dialog: tens of thousands take a second or more, and the
# window keeps painting. Fewer go at once.
BACKGROUND_FROM = 2_000


def let_go_of_selection(table: QAbstractItemView, count: int) -> None:
    """Before `count` selected rows of `table` leave it (moved to Trash or back), drop
    the selection when it is large: Qt updates a selection for every row removed under
    it, half a second on the GUI thread for 20,000 rows."""
    if count >= BACKGROUND_FROM:
        table.clearSelection()


def describe_selection(selection: dict[str, list[str]]) -> str:
    return ", ".join(describe(entity, len(ids)) for entity, ids in selection.items() if ids)


class TrashCommand(_GuardedCommand):
    """Move a selection (entity -> ids) to Trash, or back from it, as one step: one unit
    of work, one change notification, all of the records or none. Undo moves them the
    other way, again in one go."""

    def __init__(self, ctx: AppContext, selection: dict[str, list[str]], to_trash: bool,
                 text: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, text)
        self.selection = {entity: list(ids) for entity, ids in selection.items() if ids}
        self.to_trash = to_trash
        self.window = parent  # for the progress dialog of a long move

    def redo(self) -> None:
        self._move(self.to_trash)

    def undo(self) -> None:
        self._move(not self.to_trash)

    def _move(self, to_trash: bool) -> None:
        trash, selection = self.ctx.services.trash, self.selection
        move = trash.move_to_trash if to_trash else trash.restore_many
        what = describe_selection(selection)
        if sum(len(ids) for ids in selection.values()) >= BACKGROUND_FROM:
            label = f"Moving {what} to Trash…" if to_trash else f"Restoring {what}…"
            # An undo can come after the window that asked was closed.
            window = self.window if self.window is not None and background.is_alive(
                self.window) else None

            def work() -> None:
                background.wait_with_progress(
                    self.ctx, lambda progress: move(selection, progress), window, label)
        else:
            def work() -> None:
                move(selection)
        if not self._guard(work):
            return
        if to_trash:
            self.ctx.status_message.emit(f"Moved {what} to Trash. Undo with Ctrl+Z.", 6000)
        else:
            self.ctx.status_message.emit(f"Restored {what}.", 4000)


class DeleteCommand(TrashCommand):
    """Move records of one kind to Trash (when pushed); undo restores them."""

    def __init__(self, ctx: AppContext, entity: str, ids: list[str], text: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, {entity: ids}, True,
                         text or f"Delete {describe(entity, len(ids))}", parent)
        self.entity, self.ids = entity, list(ids)


class RestoreCommand(TrashCommand):
    """Bring a selection back from Trash (when pushed); undo moves it back."""

    def __init__(self, ctx: AppContext, selection: dict[str, list[str]],
                 text: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, selection, False,
                         text or f"Restore {describe_selection(selection)}", parent)


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


class MergeCommand(DoneCommand):
    """A merge already made (first redo does nothing); undo puts both records back."""

    def __init__(
        self,
        ctx: AppContext,
        entity: str,
        keep: str,
        other: str,
        batch_id: str,
        text: str,
        choices: dict[str, str] | None = None,
    ) -> None:
        super().__init__(ctx, text)
        self.entity, self.keep, self.other = entity, keep, other
        self.batch_id = batch_id
        self.choices = dict(choices or {})

    def _redo(self) -> None:
        duplicates = self.ctx.services.duplicates
        self._guard(
            lambda: setattr(
                self,
                "batch_id",
                duplicates.merge(self.entity, self.keep, self.other, self.choices).batch_id,
            )
        )

    def undo(self) -> None:
        self._guard(lambda: self.ctx.services.duplicates.undo_merge(self.batch_id))


class MergeAllCommand(DoneCommand):
    """Merges already made as one batch (first redo does nothing); undo puts every
    record of them back at once, redo makes the same merges again as one batch."""

    def __init__(self, ctx: AppContext, merges: list[tuple[str, str, str]], batch_id: str,
                 text: str) -> None:
        super().__init__(ctx, text)
        self.merges = list(merges)
        self.batch_id = batch_id

    def _redo(self) -> None:
        duplicates = self.ctx.services.duplicates
        self._guard(lambda: setattr(self, "batch_id", duplicates.merge_all(self.merges)[0]))

    def undo(self) -> None:
        self._guard(lambda: self.ctx.services.duplicates.undo_merge(self.batch_id))


class NotDuplicatesCommand(DoneCommand):
    """A pair already marked as not duplicates (first redo does nothing); undo takes the
    decision back, so duplicate finding proposes the pair again."""

    def __init__(
        self, ctx: AppContext, entity: str, first_id: str, second_id: str, text: str
    ) -> None:
        super().__init__(ctx, text)
        self.entity, self.first_id, self.second_id = entity, first_id, second_id

    def _redo(self) -> None:
        self._guard(
            lambda: self.ctx.services.duplicates.mark_not_duplicates(
                self.entity, self.first_id, self.second_id
            )
        )

    def undo(self) -> None:
        self._guard(
            lambda: self.ctx.services.duplicates.unmark_not_duplicates(
                self.entity, self.first_id, self.second_id
            )
        )


def describe_undo(r: UndoReport) -> str:
    parts = []
    if r.contacts_removed:
        parts.append(f"{plural(r.contacts_removed, 'contact')} removed")
    if r.contacts_to_trash:
        parts.append(
            f"{plural(r.contacts_to_trash, 'contact')} moved to Trash (edited "
            "since, or used by other records)"
        )
    if r.contacts_restored:
        parts.append(f"{plural(r.contacts_restored, 'contact')} put back as before")
    if r.contacts_kept:
        parts.append(f"{plural(r.contacts_kept, 'contact')} left as edited since")
    if r.organizations_removed:
        parts.append(f"{plural(r.organizations_removed, 'organization')} removed")
    if r.organizations_kept:
        parts.append(f"{plural(r.organizations_kept, 'organization')} kept (in use)")
    return "; ".join(parts) or "nothing was left to undo"


def describe_preview(p: UndoPreview) -> str:
    """What an undo is about to do, one line per kind of change, for its question."""
    lines = [
        f"• {plural(count, 'contact')} {what}"
        for count, what in (
            (p.contacts_to_remove, "it created will be removed."),
            (
                p.contacts_to_trash,
                "it created, edited or used since, will go to Trash, from "
                "where you can restore them.",
            ),
            (p.contacts_to_restore, "it changed will be put back as before."),
            (p.contacts_to_keep, "it changed, and you edited since, will keep your edits."),
        )
        if count
    ]
    return "\n".join(lines) or "No contacts are left to change."


class ImportCommand(QUndoCommand):
    """An import already saved when pushed, so that Edit ▸ Undo (Ctrl+Z) right after an
    import takes back the import, not whatever came before it.

    Undo asks first, saying what will happen (`describe_preview`), and runs
    `services.imports.undo` off the GUI thread. An import cannot be redone from the stack
    (that is importing the file again), so after its undo, or when the user says No,
    the command goes obsolete and the stack drops it; Edit ▸ Undo Import… still lists
    the batch either way.
    """

    def __init__(
        self, ctx: AppContext, batch_id: str, source: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"Import of {source}")
        self.ctx, self.batch_id, self.source = ctx, batch_id, source
        self.window = parent  # for the question and the busy dialog
        self.report: UndoReport | None = None

    def redo(self) -> None:
        """Nothing: the import was saved before the command was pushed."""

    def undo(self) -> None:
        self.setObsolete(True)  # either way, nothing is left for the stack to do
        imports, batch_id = self.ctx.services.imports, self.batch_id
        try:
            preview = background.wait_for(
                self.ctx,
                lambda: imports.undo_preview(batch_id),
                self.window,
                "Looking at what the undo would change…",
            )
            answer = QMessageBox.question(
                self.window,
                "Undo import",
                f"Undo the import of {self.source}?\n\n"
                f"{describe_preview(preview)}\n\nAn undone import cannot be redone; "
                "import the file again to bring it back.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self.ctx.status_message.emit(
                    "The import stays. Edit ▸ Undo Import… can still undo it.", 8000
                )
                return
            self.report = background.wait_for(
                self.ctx,
                lambda: imports.undo(batch_id),
                self.window,
                "Undoing the import…",
            )
        except CoordinatorError as exc:
            self.ctx.status_message.emit(f"Could not undo the import: {exc}", 8000)
            return
        self.ctx.status_message.emit(f"Undone: {describe_undo(self.report)}.", 8000)


__all__ = [
    "CallbackCommand",
    "CreateCommand",
    "DeleteCommand",
    "RestoreCommand",
    "TrashCommand",
    "UpdateCommand",
    "describe",
    "push_saved",
    "run_undoable",
]
