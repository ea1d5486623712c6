"""Form building blocks shared by the dialogs: spacing, field messages, row lists.

A `FieldMessage` is the small label beside (under) a field that shows its validation
message; it takes a colour that reads on both light and dark palettes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

SPACING = 6
MARGIN = 12
LABELS = ["work", "home", "mobile", "other"]


def error_color(palette: QPalette) -> QColor:
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff8a80") if dark else QColor("#b00020")


def warning_color(palette: QPalette) -> QColor:
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ffd180") if dark else QColor("#8a5300")


class FieldMessage(QLabel):
    """A field's validation message; hidden when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def set_message(self, message: str | None, *, warning: bool = False) -> None:
        if not message:
            self.clear()
            self.hide()
            return
        color = (warning_color if warning else error_color)(self.palette())
        self.setStyleSheet(f"color: {color.name()};")
        self.setText(("⚠ " if warning else "✖ ") + message)
        self.show()


def with_message(field: QWidget, message: FieldMessage) -> QWidget:
    """The field with its message label under it, as one form cell."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(message)
    return box


class LabelledRow(QWidget):
    """One email or phone: label combo, value edit, remove button, message."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, kind: str, value: str = "", label: str = "work",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.touched = False
        self.label_combo = QComboBox()
        self.label_combo.setEditable(True)
        self.label_combo.addItems(LABELS)
        self.label_combo.setCurrentText(label or "work")
        self.label_combo.setAccessibleName(f"{kind} label")
        self.label_combo.setFixedWidth(self.label_combo.fontMetrics().horizontalAdvance("mobile__")
                                       + 40)
        self.edit = QLineEdit(value)
        self.edit.setAccessibleName(kind)
        self.edit.setPlaceholderText("name@example.org" if kind == "Email" else "+1 555 010 0000")
        self.remove_button = remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip(f"Remove this {kind.lower()}")
        remove.setAccessibleName(f"Remove {kind.lower()}")
        remove.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable with Tab
        remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.message = FieldMessage()
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.label_combo)
        line.addWidget(self.edit, 1)
        line.addWidget(remove)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addLayout(line)
        outer.addWidget(self.message)
        self.edit.textEdited.connect(self._edited)
        self.label_combo.currentTextChanged.connect(lambda _t: self.changed.emit())

    def _edited(self, _text: str) -> None:
        self.touched = True
        self.changed.emit()

    def value(self) -> str:
        return self.edit.text().strip()

    def label(self) -> str:
        return self.label_combo.currentText().strip() or "work"

    def focus_order(self) -> list[QWidget]:
        """Left to right: label, value, remove."""
        return [self.label_combo, self.edit, self.remove_button]


class RowList(QWidget):
    """A growing list of LabelledRows with an "Add" button."""

    changed = Signal()
    rows_changed = Signal()  # a row was added or removed

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.rows: list[LabelledRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.add_button = QPushButton(f"Add {kind.lower()}")
        self.add_button.setAccessibleName(f"Add {kind.lower()}")
        self.add_button.clicked.connect(lambda: self.add_row(focus=True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        self._layout.addLayout(buttons)

    def add_row(self, value: str = "", label: str = "work", *, focus: bool = False) -> LabelledRow:
        row = LabelledRow(self.kind, value, label)
        row.changed.connect(self.changed)
        row.remove_requested.connect(self.remove_row)
        self._layout.insertWidget(len(self.rows), row)
        row.show()  # at once, not when the layout gets to it: Tab skips hidden widgets
        self.rows.append(row)
        self.rows_changed.emit()
        if focus:
            row.edit.setFocus()
        self.changed.emit()
        return row

    def remove_row(self, row: LabelledRow) -> None:
        if row in self.rows:
            index = self.rows.index(row)
            had_focus = row.isAncestorOf(QApplication.focusWidget())
            self.rows.remove(row)
            row.setParent(None)
            row.deleteLater()
            self.rows_changed.emit()
            if had_focus:  # keep the cursor nearby, not lost with the row
                target = (self.rows[min(index, len(self.rows) - 1)].edit if self.rows
                          else self.add_button)
                target.setFocus(Qt.FocusReason.OtherFocusReason)
            self.changed.emit()

    def focus_order(self) -> list[QWidget]:
        """Each row left to right, then the Add button."""
        return [w for row in self.rows for w in row.focus_order()] + [self.add_button]

    def filled_rows(self) -> list[LabelledRow]:
        """Rows with a value: an empty row means nothing and is left out."""
        return [r for r in self.rows if r.value()]

    def values(self) -> list[tuple[str, str]]:
        """(value, label) of every row that has a value."""
        return [(r.value(), r.label()) for r in self.filled_rows()]


def connect_all(callback: Callable[[], None], *widgets: QWidget) -> None:
    """Call `callback` whenever any of the widgets' values change."""
    for w in widgets:
        for signal in ("textChanged", "currentIndexChanged", "changed"):
            sig = getattr(w, signal, None)
            if sig is not None:
                sig.connect(lambda *_a: callback())
                break
