"""What a list shows instead of an empty grid: what the list is for and one button to
act, either to create the first record or to clear the filter that hides everything.

    state = EmptyState(covered=self.table)
    state.show_state("No proposals yet", "Proposals track…", "New proposal (Ctrl+N)",
                     self.new_record)
    state.show_state(None)   # records to show: the list again

The state is laid over `covered` (same geometry, opaque), so the view's layout and its
widths never change when it appears or goes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    """An opaque panel over `covered` with a title, a sentence and one button."""

    def __init__(self, covered: QWidget) -> None:
        super().__init__(covered.parentWidget())
        self.covered = covered
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.palette().ColorRole.Base)
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.button = QPushButton()
        self._action: Callable[[], object] | None = None
        self.button.clicked.connect(self._act)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addSpacing(8)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        covered.installEventFilter(self)
        self.hide()

    def show_state(self, title: str | None, text: str = "", button: str = "",
                   action: Callable[[], object] | None = None) -> None:
        """Show the state (`title` None hides it and shows the list)."""
        if not title:
            self.hide()
            return
        self.title.setText(title)
        self.text.setText(text)
        self.text.setVisible(bool(text))
        self.button.setText(button)
        self.button.setAccessibleName(button)
        self.button.setVisible(bool(button))
        self._action = action
        self.setAccessibleName(title)
        self._follow()
        self.show()
        self.raise_()

    def _act(self) -> None:
        if self._action is not None:
            self._action()

    def _follow(self) -> None:
        if self.parentWidget() is not self.covered.parentWidget():
            self.setParent(self.covered.parentWidget())
        self.setGeometry(self.covered.geometry())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.covered and (
                (kind in (QEvent.Type.Resize, QEvent.Type.Move) and not self.isHidden())
                or kind == QEvent.Type.ParentChange):
            self._follow()
        return False
