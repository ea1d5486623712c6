"""The frame every record editor shares: the recovered-edit bar, the problems
line, the saved state and Save / Save and close / Close (Ctrl+S); `describe_drafts`
says what a recovered edit holds."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.kit.drafts import STATE_FIELD, Draft


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
        self.use_button = QPushButton("Use recovered text")
        self.discard_button = QPushButton("Discard")
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.use_button)
        layout.addWidget(self.discard_button)
        self.hide()


class EditorChrome:
    """What the proposal and meeting editors put around their tabs: the recovered-text
    bar, the problems line, the saved state and Save / Save and close / Close (Ctrl+S).
    The editor provides `save()`, `use_recovered()`, `discard_recovered()` and
    `problems()`: every problem of the record as it stands, from the service's own
    `validate` (the rules live in the service, not in the UI) plus what only the form
    can tell, such as a name typed in a picker but never picked.

    `revalidate()` runs on every change: Save is enabled only when there is nothing to
    fix, and the problems line says what to fix once the user has changed something
    (or tried to save), not while a new record is still blank."""

    recovery: RecoveryBar
    problems_label: QLabel
    state_label: QLabel
    save_button: QPushButton
    save_close_button: QPushButton
    close_button: QPushButton

    def build_chrome(self, save_and_close: Callable[[], object]) -> QHBoxLayout:
        """Create the shared widgets; returns the row of buttons to lay out last."""
        self.recovery = RecoveryBar()
        self.recovery.use_button.clicked.connect(self.use_recovered)  # type: ignore[attr-defined]
        self.recovery.discard_button.clicked.connect(self.discard_recovered)  # type: ignore[attr-defined]
        self.problems_label = QLabel()
        self.problems_label.setStyleSheet("color: #b71c1c;")
        self.problems_label.setWordWrap(True)
        self.state_label = QLabel()
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_close_button = QPushButton("Save and close")
        self.close_button = QPushButton("Close")
        self.save_button.clicked.connect(self.save)  # type: ignore[attr-defined]
        self.save_close_button.clicked.connect(save_and_close)
        self.close_button.clicked.connect(self.close)  # type: ignore[attr-defined]
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)  # type: ignore[attr-defined, call-overload]
        buttons = QHBoxLayout()
        buttons.addWidget(self.state_label, 1)
        for button in (self.save_button, self.save_close_button, self.close_button):
            buttons.addWidget(button)
        return buttons


    def problems(self) -> list[str]:
        raise NotImplementedError

    def revalidate(self, *, show: bool = True) -> list[str]:
        """Check the record as it stands; enable Save only when valid; show the problems
        when `show`. Returns them."""
        problems = self.problems()
        if show:
            more = len(problems) - MAX_PROBLEMS_SHOWN
            self.problems_label.setText("\n".join(problems[:MAX_PROBLEMS_SHOWN])
                                        + (f"\n…and {more} more" if more > 0 else ""))
        elif not problems:
            self.problems_label.clear()
        self.save_close_button.setEnabled(not problems)
        if problems:
            self.save_button.setEnabled(False)
        tip = "Save (Ctrl+S)" if not problems else "Fix these to save:\n" + "\n".join(problems)
        for button in (self.save_button, self.save_close_button):
            button.setToolTip(tip)
        return problems


# More would push the editor's buttons off a small screen; the Save tooltip has them all.
MAX_PROBLEMS_SHOWN = 4


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
