"""`RecordEditor`: the one base of every record form and editor (contact, organization,
proposal, meeting), so that checking, saving, closing, drafts and undo behave the same
in all of them.

What the base holds, once:

* **Live validation.** Every change calls `revalidate()`: `problems()` (the service's own
  `validate`, plus what only the form can tell, such as a name typed in a picker but
  never picked) decides whether Save is enabled. A problem is shown beside its field
  (`messages()`) or else on the problems line under the form, but only for a field the
  user has changed (or `touch`ed), after a save was tried, or in a record already saved:
  a new, blank record is not scolded.
* **Save / Save and close / Close.** Ctrl+S saves and keeps the editor open, Ctrl+Enter
  saves and closes, Escape or Close asks before dropping unsaved changes. An error from
  the save is shown on the problems line and nothing typed is lost.
* **Drafts.** While the editor is open its whole state (the record dataclass as JSON) is
  autosaved (`ui/kit/drafts.py` `StateAutosaver`); after a crash, the recovered-edit bar
  offers it back. Saving or discarding the changes clears the drafts.
* **Undo.** A save pushes a create or update command (`ui/kit/undo.py` `push_saved`).
* **Duplicates.** `is_duplicate_confirmed(data)` runs before a save; `save_or_open_existing`
  asks "save anyway, or open the existing one?" (`open_existing` is emitted).

A subclass sets `noun` (as in services, drafts and undo: ``services.<noun>s``) and
`record_type`, builds its widgets and lays them out with `frame(...)`, connects their
change signals to `_mark_dirty`, implements `fill(data)` and `value()`, then calls
`load(data)` and `finish_setup()`.
"""

from __future__ import annotations

import itertools
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import CoordinatorError, FieldProblem, ValidationError
from coordinator.services.snapshots import to_plain
from ui.kit.drafts import STATE_FIELD, Draft, DraftKey, DraftStore, StateAutosaver, read_state
from ui.kit.undo import push_saved
from ui.widgets.forms import FieldMessage

if TYPE_CHECKING:
    from ui.context import AppContext

# More would push the editor's buttons off a small screen; the Save tooltip has them all.
MAX_PROBLEMS_SHOWN = 4


class RecoveryBar(QFrame):
    """ "Unsaved text was recovered…" with Use / Discard buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryBar")
        self.setStyleSheet(
            "#recoveryBar { background: #fff4d6; border: 1px solid #e0b84c; border-radius: 4px; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.use_button = QPushButton("Use recovered changes")
        self.discard_button = QPushButton("Discard")
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.use_button)
        layout.addWidget(self.discard_button)
        self.hide()


def top_field(field: str) -> str:
    """The record field a problem belongs to: "emails[2]" -> "emails"."""
    return field.split("[", 1)[0].split(".", 1)[0]


class RecordEditor(QDialog):
    """Base of the contact and organization forms and the proposal and meeting editors
    (see the module's docstring for what it holds)."""

    noun: ClassVar[str] = "record"
    record_type: ClassVar[type]
    # A new record's drafts left by a crash are offered by the form itself (True), or by
    # the view that opens the editor (the planning views' bar).
    adopts_new_drafts: ClassVar[bool] = False

    saved = Signal(str)  # the saved record's id
    open_existing = Signal(str)  # the user chose the existing record over a duplicate

    def __init__(self, ctx: AppContext, record_id: str | None = None,
                 drafts: DraftStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id = record_id
        self.drafts = drafts or DraftStore.shared()
        self.record_key = record_id or f"new:{uuid.uuid4()}"  # whose drafts are these
        self.dirty = False
        self.loaded: Any = None  # the record as last loaded or saved
        self.current_problems: list[FieldProblem] = []
        self._loading = True
        self._saved_data: Any = None  # what an undo of the next save goes back to
        self._clean: dict[str, Any] = {}  # the value as loaded or saved, to see changes
        self._touched: set[str] = set()
        self._show_all = False
        self._recovery_key: str | None = None  # drafts of another new record, offered
        self._build_chrome()
        self.state_saver = StateAutosaver(
            self.drafts, lambda: DraftKey(self.noun, self.record_key, STATE_FIELD),
            self.value, self.record_title, parent=self)

    # -- chrome -----------------------------------------------------------------------
    def _build_chrome(self) -> None:
        self.recovery = RecoveryBar()
        self.recovery.use_button.clicked.connect(self.use_recovered)
        self.recovery.discard_button.clicked.connect(self.discard_recovered)
        self.problems_label = QLabel()
        self.problems_label.setObjectName("problemsLine")
        self.problems_label.setStyleSheet("color: #b71c1c;")
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label = QLabel()
        self.save_button = QPushButton("Save")
        self.save_close_button = QPushButton("Save and close")
        self.close_button = QPushButton("Close")
        for button in self.buttons():
            button.setAccessibleName(button.text())
        self.save_button.setDefault(True)  # Enter in a one-line field saves
        self.save_button.clicked.connect(self.save)
        self.save_close_button.clicked.connect(self.save_and_close)
        self.close_button.clicked.connect(self.close)
        self.save_close_button.setToolTip("Save and close (Ctrl+Enter)")
        self.close_button.setToolTip("Close (Escape); asks before dropping unsaved changes")
        # From any field, the notes included: Ctrl+S saves, Ctrl+Enter saves and closes.
        self.shortcuts = []
        for keys, slot in ((QKeySequence(QKeySequence.StandardKey.Save), self.save),
                           (QKeySequence("Ctrl+Return"), self.save_and_close),
                           (QKeySequence("Ctrl+Enter"), self.save_and_close)):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)

    def buttons(self) -> list[QPushButton]:
        return [self.save_button, self.save_close_button, self.close_button]

    def frame(self, body: QWidget | QLayout, *, top: tuple[QWidget | QLayout, ...] = (),
              margin: int | None = None) -> QVBoxLayout:
        """Lay the editor out: `top` (a header), the recovered-edit bar, `body` taking
        the spare height, the problems line, then the state and the buttons."""
        layout = QVBoxLayout(self)
        if margin is not None:
            layout.setContentsMargins(margin, margin, margin, margin)
        for item in top:
            add_to(layout, item)
        layout.addWidget(self.recovery)
        add_to(layout, body, stretch=1)
        layout.addWidget(self.problems_label)
        row = QHBoxLayout()
        row.addWidget(self.state_label, 1)
        for button in self.buttons():
            row.addWidget(button)
        layout.addLayout(row)
        return layout

    # -- to implement -----------------------------------------------------------------
    def fill(self, data: Any) -> None:
        """Put `data` in the widgets."""
        raise NotImplementedError

    def value(self) -> Any:
        """The record as the widgets show it (a `record_type`)."""
        raise NotImplementedError

    def record_title(self) -> str:
        """What the user calls the record being edited (drafts, messages)."""
        raise NotImplementedError

    def name_of(self, record: Any) -> str:
        """What the user calls a saved record (undo, status messages)."""
        return str(getattr(record, "title", "") or getattr(record, "name", ""))

    def problems(self) -> list[FieldProblem]:
        """Everything to fix before saving: the service's `validate`, by default."""
        return list(self.service.validate(self.value()))

    def messages(self) -> dict[str, FieldMessage]:
        """Field name (as the service reports it) -> the message beside that field."""
        return {}

    def extra_messages(self, problems: list[FieldProblem]) -> None:
        """Show the problems `messages()` does not cover (rows of emails...)."""

    def has_field_message(self, field: str) -> bool:
        """True when a problem of `field` is shown beside the field (not on the line)."""
        return field in self.messages()

    def focus_order(self) -> list[QWidget]:
        """Every field top to bottom, as Tab should visit them (the buttons follow)."""
        return []

    def is_duplicate_confirmed(self, data: Any) -> bool:
        """Before saving: False when `data` is a probable duplicate and the user did not
        choose to save anyway (see `save_or_open_existing`)."""
        return True

    def after_save(self, saved: Any) -> None:
        """The editor's own follow-up of a save (window title, ids of child rows...)."""

    def after_dirty_changed(self) -> None:
        """The editor's own follow-up of a change (tab titles...)."""

    def set_record_key(self, record_key: str) -> None:
        """Whose drafts the editor writes; a subclass moves its text autosavers too."""
        self.record_key = record_key

    def recovered_texts(self, state: Any) -> list[Draft]:
        """Drafts of single texts (sections, notes) newer than what is shown or than
        the recovered `state`; the editor puts them back in `apply_recovered_texts`."""
        return []

    def apply_recovered_texts(self, found: list[Draft], state_draft: Draft | None) -> None:
        """Put back the text drafts among `found`."""

    def stop_autosave(self) -> None:
        """No more drafts: the editor is closing."""
        self.state_saver.stop()

    # -- loading ----------------------------------------------------------------------
    @property
    def service(self) -> Any:
        return getattr(self.ctx.services, f"{self.noun}s")

    def load(self, data: Any) -> None:
        """Show `data` as the clean state of the editor."""
        self._loading = True
        try:
            self.fill(data)
        finally:
            self._loading = False
        self.loaded = data
        self._saved_data = data if getattr(data, "id", None) else None
        self._mark_clean()
        self._set_dirty(False)

    def finish_setup(self) -> None:
        """Call once the record is loaded: Tab order, the cursor in the first field, and
        the offer of an edit recovered after a crash."""
        self.update_tab_order()
        fields = self.focus_order()
        if fields:
            fields[0].setFocus(Qt.FocusReason.OtherFocusReason)
        if self.record_id is None and self.adopts_new_drafts:
            recovered = [d for d in self.drafts.for_entity(self.noun) if d.key.is_new_record]
            if recovered:  # the newest edit of a new record, offered; taken over on Use
                self._recovery_key = recovered[0].record_id
        self.offer_recovered()

    def update_tab_order(self) -> None:
        """Tab runs through `focus_order()`, then the buttons. Called again when rows
        are added, since a widget made later would otherwise come after the buttons."""
        fields = self.focus_order()
        if fields:
            for first, second in itertools.pairwise([*fields, *self.buttons()]):
                QWidget.setTabOrder(first, second)

    def _mark_clean(self) -> None:
        self._clean = to_plain(self.value())
        self._touched.clear()
        self._show_all = self.record_id is not None

    # -- changes and validation -------------------------------------------------------
    def touch(self, field: str) -> None:
        """Show the problems of `field` from now on (it was typed in)."""
        self._touched.add(field)

    def _mark_dirty(self, *_: object) -> None:
        """Connected to every field's change signal: unsaved changes are those that
        differ from the record as loaded or saved (typing a letter and deleting it
        again leaves nothing to save)."""
        if not self._loading:
            self._set_dirty(self.has_changes())
            self.state_saver.touch()

    def has_changes(self) -> bool:
        return to_plain(self.value()) != self._clean

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.state_label.setText("Unsaved changes" if dirty else
                                 ("Saved" if self.record_id else f"New {self.noun}"))
        self.revalidate()
        self.after_dirty_changed()

    def changed_fields(self) -> set[str]:
        """The record fields whose value differs from the clean state."""
        now = to_plain(self.value())
        return {k for k, v in now.items() if self._clean.get(k) != v}

    def shown_problems(self, problems: list[FieldProblem]) -> list[FieldProblem]:
        if self._show_all or not problems:
            return problems
        changed = self.changed_fields() | self._touched
        return [p for p in problems if p.field in changed or top_field(p.field) in changed]

    def revalidate(self) -> list[FieldProblem]:
        """Check the record as it stands; enable Save only when there is nothing to fix;
        show what to fix. Returns every problem."""
        if self._loading:
            return self.current_problems
        problems = self.problems()
        self._show(problems)
        return problems

    def _show(self, problems: list[FieldProblem], *, everything: bool = False) -> None:
        self.current_problems = problems
        shown = problems if everything else self.shown_problems(problems)
        for field, label in self.messages().items():
            msgs = [p.message for p in shown if p.field == field]
            label.set_message(" ".join(msgs) if msgs else None)
        self.extra_messages(shown if everything else problems)
        self.show_line([p.message for p in shown if not self.has_field_message(p.field)])
        for button in (self.save_button, self.save_close_button):
            button.setEnabled(not problems)
        keys = {self.save_button: "Save (Ctrl+S)",
                self.save_close_button: "Save and close (Ctrl+Enter)"}
        for button, tip in keys.items():
            button.setToolTip(tip if not problems else "Fix these to save:\n"
                              + "\n".join(p.message for p in problems))

    def show_line(self, messages: list[str]) -> None:
        """The problems line under the form (the first few; the Save tooltip has all)."""
        messages = list(dict.fromkeys(messages))
        more = len(messages) - MAX_PROBLEMS_SHOWN
        self.problems_label.setText("\n".join(messages[:MAX_PROBLEMS_SHOWN])
                                    + (f"\n…and {more} more" if more > 0 else ""))

    # -- saving -----------------------------------------------------------------------
    def save(self) -> bool:
        """Save the record (the editor stays open); True when it is saved."""
        self._show_all = True
        if self.revalidate():
            return False
        if self.record_id is not None and not self.dirty:
            return True  # nothing changed: no write, no undo step
        data = self.value()
        try:
            if not self.is_duplicate_confirmed(data):
                return False
            saved = (self.service.update(self.record_id, data) if self.record_id
                     else self.service.create(data))
        except ValidationError as exc:  # found by the service only (a record gone...)
            self._show(exc.problems, everything=True)
            return False
        except CoordinatorError as exc:  # the editor stays open with everything typed
            self.show_line([str(exc)])
            return False
        self.state_saver.cancel()
        push_saved(self.ctx, self.noun, self._saved_data, saved, self.name_of(saved))
        self._saved_data = self.loaded = saved
        self.drafts.discard_record(self.noun, self.record_key)
        self.record_id = saved.id
        self.set_record_key(saved.id or "")
        self.recovery.hide()
        self.after_save(saved)
        self._mark_clean()
        self._set_dirty(False)
        self.ctx.status_message.emit(f"Saved “{self.name_of(saved)}”.", 4000)
        self.saved.emit(saved.id)
        return True

    def save_and_close(self) -> bool:
        if not self.save():
            return False
        self.accept()
        return True

    def save_or_open_existing(self, title: str, text: str, existing_id: str) -> bool:
        """Ask about a probable duplicate: True to save anyway; False when the user
        cancelled or chose to open the existing record (then the editor closes and its
        changes are dropped)."""
        answer = QMessageBox.warning(
            self, title, f"{text}\n\nSave anyway, or open the existing {self.noun} instead?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Open
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Open)
        if answer == QMessageBox.StandardButton.Open:
            self._drop_changes()  # leaving on purpose: nothing to ask
            self.open_existing.emit(existing_id)
            self.done(QMessageBox.StandardButton.Open.value)
            return False
        return answer == QMessageBox.StandardButton.Save

    # -- closing ----------------------------------------------------------------------
    def _drop_changes(self) -> None:
        self.stop_autosave()
        self.drafts.discard_record(self.noun, self.record_key)
        self.dirty = False

    def may_close(self) -> bool:
        """Ask before unsaved changes are dropped: True when the editor may close."""
        if not self.dirty:
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to this {self.noun}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._drop_changes()
            return True
        return False

    def reject(self) -> None:
        """Escape, Close and the window's close button all come here."""
        if self.may_close():
            super().reject()

    def done(self, result: int) -> None:
        self.stop_autosave()
        super().done(result)

    # -- drafts -----------------------------------------------------------------------
    def recovered_drafts(self) -> list[Draft]:
        """Drafts of this record that differ from what the editor shows: its whole
        state (every field), and single texts typed since."""
        key = self._recovery_key or self.record_key
        found = []
        state = read_state(self.drafts, self.noun, key, self.record_type)
        if state is not None and to_plain(state) != to_plain(self.value()):
            found.append(self.drafts.get(DraftKey(self.noun, key, STATE_FIELD)))
        found += self.recovered_texts(state)
        return [d for d in found if d is not None]

    def offer_recovered(self) -> None:
        found = self.recovered_drafts()
        if found:
            self.recovery.label.setText(describe_drafts(found))
            self.recovery.show()

    def adopt_drafts_of(self, record_key: str) -> None:
        """Take over the drafts of a record never saved (recovered after a crash)."""
        self.set_record_key(record_key)

    def use_recovered(self) -> None:
        """Put the recovered edit back: the whole state, then texts typed since."""
        if self._recovery_key is not None:  # a new record's edit: this editor takes it over
            self.set_record_key(self._recovery_key)
            self._recovery_key = None
        found = self.recovered_drafts()
        state_draft = next((d for d in found if d.field == STATE_FIELD), None)
        state = read_state(self.drafts, self.noun, self.record_key, self.record_type)
        if state is not None and state_draft is not None:
            saved_data, clean = self._saved_data, self._clean
            self.load(state)
            # an undo of the next save goes back to the saved record, and the fields
            # changed since it was saved count as changed
            self._saved_data, self._clean = saved_data, clean
        self.apply_recovered_texts(found, state_draft)
        self.recovery.hide()
        self._set_dirty(True)

    def discard_recovered(self) -> None:
        self.drafts.discard_record(self.noun, self._recovery_key or self.record_key)
        self._recovery_key = None
        self.recovery.hide()


def line_edit(name: str, placeholder: str = "") -> QLineEdit:
    """A form's text field with the name a screen reader says and a hint while empty."""
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def add_to(layout: QVBoxLayout, item: QWidget | QLayout, stretch: int = 0) -> None:
    if isinstance(item, QLayout):
        layout.addLayout(item, stretch)
    else:
        layout.addWidget(item, stretch)


def describe_drafts(drafts: list[Draft]) -> str:
    """What the recovery bar says: the whole edit and/or the texts that were recovered."""
    texts = [d for d in drafts if d.field != STATE_FIELD]
    parts = ["every field as it was"] if len(texts) < len(drafts) else []
    if texts:
        names = ", ".join(f"“{d.label or 'untitled section'}”" for d in texts[:4])
        more = f" and {len(texts) - 4} more" if len(texts) > 4 else ""
        parts.append(f"the text of {names}{more}")
    latest = max((d.saved_at for d in drafts), default="")
    when = latest.replace("T", " ")[:16] + " UTC"
    return (
        f"Changes not saved before Coordinator closed were recovered: "
        f"{' and '.join(parts)} (last autosave {when})."
    )


__all__ = ["MAX_PROBLEMS_SHOWN", "RecordEditor", "RecoveryBar", "describe_drafts", "line_edit"]
