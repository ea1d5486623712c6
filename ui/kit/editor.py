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
    The editor provides `save()`, `use_recovered()` and `discard_recovered()`."""

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
