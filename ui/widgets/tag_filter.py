"""A tag filter: pick one of the tags in use from a list, or type (with completion)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget


class TagFilter(QComboBox):
    """An editable combo box over the tag names in use.

    `edited` fires as the user types (callers debounce it); `picked` fires at once when
    a name is chosen from the list or the completion popup. The list is replaced with
    `set_tags` whenever the tags in use change, keeping what the user has typed.
    """

    edited = Signal()
    picked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(6)
        self.setMaxVisibleItems(20)
        self.setAccessibleName("Filter by tag")
        self.setToolTip("Show only records with this tag: pick one, or type its name")
        edit = self.lineEdit()
        edit.setPlaceholderText("Any tag")
        edit.setClearButtonEnabled(True)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.editTextChanged.connect(lambda _t: self.edited.emit())
        self.activated.connect(lambda _i: self.picked.emit())
        completer.activated.connect(lambda _t: self.picked.emit())

    def tag_text(self) -> str:
        """The tag typed or picked, trimmed ("" for none)."""
        return self.currentText().strip()

    def clear_text(self) -> None:
        self.setEditText("")

    def set_tags(self, names: list[str]) -> None:
        """Offer `names`, keeping the text in the box (no signals: nothing changed)."""
        typed = self.currentText()
        self.blockSignals(True)
        try:
            self.clear()
            self.addItems(names)
            self.setCurrentIndex(-1)
            self.setEditText(typed)
        finally:
            self.blockSignals(False)
