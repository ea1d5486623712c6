"""Undo for quick changes in the planning views (status moves, mark done, delete):
run the change now, and push it on the main window's undo stack (``ctx.undo_stack``)
when the shell provides one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from ui.context import AppContext


class CallbackCommand(QUndoCommand):
    def __init__(self, text: str, redo: Callable[[], None], undo: Callable[[], None]) -> None:
        super().__init__(text)
        self._redo, self._undo = redo, undo

    def redo(self) -> None:
        self._redo()

    def undo(self) -> None:
        self._undo()


def run_undoable(ctx: AppContext, text: str, redo: Callable[[], None],
                 undo: Callable[[], None]) -> None:
    """Do `redo` now; make it undoable when the shell provides an undo stack."""
    stack = getattr(ctx, "undo_stack", None)
    if stack is None:
        redo()
    else:
        stack.push(CallbackCommand(text, redo, undo))  # push() calls redo()
