"""What every record form shares: live validation, Save enabled only when valid,
asking before unsaved changes are dropped, and save errors shown without losing input.

Subclasses build their fields, then implement `collect()` (widgets -> data),
`problems(data)` (FieldProblems, usually from the service's `validate`),
`message_for(field)` (which FieldMessage shows a field's problem) and `save(data)`.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import CoordinatorError, FieldProblem, ValidationError
from ui.kit.undo import CreateCommand, UpdateCommand
from ui.widgets.forms import MARGIN, FieldMessage

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class RecordDialog(QDialog):
    """Base for the contact and organization forms."""

    noun = "record"  # entity name, as in services and undo commands

    saved = Signal(str)  # id of the saved record
    open_existing = Signal(str)  # the user chose the existing record over a duplicate

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id: str | None = None
        self._initial: Any = None
        self._touched: set[str] = set()
        self._show_all = False
        self.current_problems: list[FieldProblem] = []
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        # Ctrl+S and Ctrl+Enter save from any field, the notes included.
        self.save_shortcuts = []
        for keys in (QKeySequence(QKeySequence.StandardKey.Save), QKeySequence("Ctrl+Return"),
                     QKeySequence("Ctrl+Enter")):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.try_save)
            self.save_shortcuts.append(shortcut)

    # -- to implement ---------------------------------------------------------------
    def collect(self) -> Any:
        raise NotImplementedError

    def problems(self, data: Any) -> list[FieldProblem]:
        raise NotImplementedError

    def messages(self) -> dict[str, FieldMessage]:
        """Field name (as the service reports it) -> its message label."""
        raise NotImplementedError

    def save(self, data: Any) -> str | None:
        """Write `data`; return the id, or None when the save was abandoned."""
        raise NotImplementedError

    # -- shared by save() implementations -------------------------------------------------
    def save_or_open_existing(self, title: str, text: str, existing_id: str) -> bool:
        """Ask about a probable duplicate: True to save anyway; False when the user
        cancelled or chose to open the existing record (then the form closes)."""
        answer = QMessageBox.warning(
            self, title, f"{text}\n\nSave anyway, or open the existing {self.noun} instead?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Open
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Open)
        if answer == QMessageBox.StandardButton.Open:
            self._initial = self.collect()  # leaving on purpose: nothing to ask
            self.open_existing.emit(existing_id)
            self.done(QMessageBox.StandardButton.Open.value)
            return False
        return answer == QMessageBox.StandardButton.Save

    def write_record(self, service: Any, data: Any, label: Callable[[Any], str]) -> str:
        """Create or update through `service`, as one undoable step, and say so."""
        stack = self.ctx.undo_stack
        if self.record_id is None:
            created = service.create(data)
            if stack is not None:
                stack.push(CreateCommand(self.ctx, self.noun, created.id, label(created)))
            self.ctx.status_message.emit(f"Created {label(created)}.", 4000)
            return created.id
        before = self._loaded
        updated = service.update(self.record_id, data)
        if stack is not None:
            stack.push(UpdateCommand(self.ctx, self.noun, self.record_id, before,
                                     dataclasses.replace(data), label(updated)))
        self.ctx.status_message.emit(f"Saved {label(updated)}.", 4000)
        self._loaded = updated
        return self.record_id

    def extra_messages(self, problems: list[FieldProblem]) -> None:
        """Show problems that `messages()` does not cover (rows of emails...)."""

    def focus_order(self) -> list[QWidget]:
        """Every field top to bottom, as Tab should visit them (the buttons follow)."""
        return []

    def update_tab_order(self) -> None:
        """Tab runs through `focus_order()`, then Save and Cancel. Called again when
        rows are added, since a widget made later would otherwise come after the buttons."""
        chain = [*self.focus_order(), *self.buttons.buttons()]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- shared behaviour ----------------------------------------------------------------
    @staticmethod
    def _line(name: str, placeholder: str = "") -> QLineEdit:
        """A text field with the name a screen reader says and a hint while empty."""
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def finish_setup(self) -> None:
        """Call once the fields are filled: records the clean state and validates, sets
        the Tab order and puts the cursor in the first field."""
        self._initial = self.collect()
        self._show_all = self.record_id is not None
        self.revalidate()
        self.update_tab_order()
        fields = self.focus_order()
        if fields:
            fields[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def touch(self, field: str) -> None:
        self._touched.add(field)

    def is_dirty(self) -> bool:
        return self._initial is not None and self.collect() != self._initial

    def revalidate(self) -> list[FieldProblem]:
        data = self.collect()
        problems = self.problems(data)
        self.current_problems = problems
        shown = [p for p in problems if self._show_all or p.field in self._touched]
        for field, label in self.messages().items():
            msgs = [p.message for p in shown if p.field == field]
            label.set_message(" ".join(msgs) if msgs else None)
        self.extra_messages(problems)
        self.save_button.setEnabled(not problems)
        self.save_button.setToolTip(
            "Save (Ctrl+S or Ctrl+Enter)" if not problems else "Fix the marked fields to save:\n"
            + "\n".join(p.message for p in problems))
        return problems

    def try_save(self) -> bool:
        self._show_all = True
        if self.revalidate():
            return False
        data = self.collect()
        try:
            saved_id = self.save(data)
        except ValidationError as exc:
            self.current_problems = exc.problems
            for field, label in self.messages().items():
                msgs = exc.for_field(field)
                if msgs:
                    label.set_message(" ".join(msgs))
            self.extra_messages(exc.problems)
            self.save_button.setEnabled(False)
            return False
        except CoordinatorError as exc:  # the form stays open with everything typed
            QMessageBox.warning(self, "Could not save", str(exc))
            return False
        if saved_id is None:
            return False
        self.record_id = saved_id
        self._initial = data
        self.saved.emit(saved_id)
        self.accept()
        return True

    def reject(self) -> None:
        if self.is_dirty():
            answer = QMessageBox.question(
                self, "Unsaved changes", "Save your changes before closing?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save:
                self.try_save()
                return
        super().reject()
