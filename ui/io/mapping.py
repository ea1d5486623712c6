"""The column-mapping step for a CSV file whose layout we do not recognise.

`MappingPanel(peek)` shows one row per column: the header, a field chooser (guessed
from the header name, or taken from a saved mapping with exactly these columns) and
the first values of that column, so the user sees what each column holds. "Load"
applies a saved mapping; "Save mapping as…" stores the current one by name for next
time (`coordinator.formats.mappings`). `MappingDialog` is the same panel on its own.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import CoordinatorError
from coordinator.formats import mappings
from coordinator.formats.csv_import import CsvPeek
from ui.io.common import heading, read_only_table
from ui.widgets.forms import LABELS, FieldMessage

# Field specs offered for every column: plain fields, then labelled emails/phones, then
# the parts of a home and an "other" address (a file may hold two or three addresses).
CHOICES: list[tuple[str, str]] = [(spec, label) for spec, label in mappings.FIELDS.items()
                                  if spec != "ignore"]
CHOICES[CHOICES.index(("email", "E-mail"))] = ("email", "E-mail (work)")
CHOICES[CHOICES.index(("phone", "Phone"))] = ("phone", "Phone (work)")
CHOICES += [(f"email:{lbl}", f"E-mail ({lbl})") for lbl in LABELS if lbl != "work"]
CHOICES += [(f"phone:{lbl}", f"Phone ({lbl})")
            for lbl in [*LABELS, "fax", "assistant"] if lbl != "work"]
CHOICES += [(f"{part}:{lbl}", f"{mappings.FIELDS[part]} ({lbl})")
            for lbl in ("home", "other") for part in mappings.ADDRESS_FIELDS]
CHOICES.insert(0, ("ignore", "(ignore this column)"))
SAMPLES = 3


class MappingPanel(QWidget):
    """Edit a {column header: field spec} mapping for one CSV file."""

    changed = Signal()

    def __init__(self, peek: CsvPeek, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.peek = peek
        intro = QLabel("The columns of this file were not recognised. Choose what each "
                       "column holds; the guesses come from the column names. Columns set "
                       "to “ignore” are not imported.")
        intro.setWordWrap(True)
        self.table = read_only_table(["Column", "Imported as", "First values"],
                                     "Column mapping")
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.combos: dict[str, QComboBox] = {}
        self.table.setRowCount(len(peek.headers))
        for row, header in enumerate(peek.headers):
            self.table.setItem(row, 0, QTableWidgetItem(header))
            combo = QComboBox()
            combo.setAccessibleName(f"Field for column {header}")
            for spec, label in CHOICES:
                combo.addItem(label, spec)
            combo.currentIndexChanged.connect(self._on_change)
            self.combos[header] = combo
            self.table.setCellWidget(row, 1, combo)
            values = [cells[row] for cells in peek.rows[:SAMPLES]
                      if row < len(cells) and cells[row].strip()]
            self.table.setItem(row, 2, QTableWidgetItem(" · ".join(
                v.replace("\n", " ")[:40] for v in values)))
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(1, 190)
        self.saved_combo = QComboBox()
        self.saved_combo.setAccessibleName("Saved mappings")
        self.load_button = QPushButton("Load")
        self.load_button.clicked.connect(self.load_selected)
        self.save_button = QPushButton("Save mapping as…")
        self.save_button.setAccessibleName("Save mapping as")
        self.save_button.clicked.connect(self.save_as)
        self.message = FieldMessage()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Mapping note")
        self._fill_saved()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Saved mappings:"))
        bar.addWidget(self.saved_combo, 1)
        bar.addWidget(self.load_button)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("Match the columns"))
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.note)
        layout.addLayout(bar)
        self.set_mapping(peek.guessed)

    # -- mapping in and out ----------------------------------------------------------
    def set_mapping(self, mapping: dict[str, str]) -> None:
        for header, combo in self.combos.items():
            spec = mapping.get(header, "ignore")
            index = combo.findData(spec)
            if index < 0:  # a spec with a label we do not list: keep it selectable
                combo.addItem(spec, spec)
                index = combo.count() - 1
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._on_change()

    def mapping(self) -> dict[str, str]:
        return {header: combo.currentData() for header, combo in self.combos.items()}

    def problem(self) -> str | None:
        try:
            mappings.validate_mapping(self.mapping())
        except CoordinatorError as exc:
            return str(exc)
        return None

    def is_valid(self) -> bool:
        return self.problem() is None

    def _on_change(self) -> None:
        self.message.set_message(self.problem())
        self.save_button.setEnabled(self.is_valid())
        self.changed.emit()

    # -- saved mappings --------------------------------------------------------------
    def _fill_saved(self, select: str | None = None) -> None:
        self.saved_combo.clear()
        names = mappings.list_mappings()
        self.saved_combo.addItems(names)
        if select in names:
            self.saved_combo.setCurrentText(select)
        has = bool(names)
        self.saved_combo.setEnabled(has)
        self.load_button.setEnabled(has)
        if not has:
            self.saved_combo.addItem("none yet")

    def load_selected(self) -> None:
        name = self.saved_combo.currentText()
        try:
            saved = mappings.load_mapping(name)
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Load mapping", str(exc))
            return
        missing = [h for h in saved if h not in self.combos]
        self.set_mapping(saved)
        self.note.setText(f"Loaded “{name}”." + (
            f" It names columns this file does not have: {', '.join(missing)}."
            if missing else ""))

    def save_as(self) -> str | None:
        name, ok = QInputDialog.getText(self, "Save mapping", "Name for this column mapping:",
                                        text=self.saved_combo.currentText()
                                        if self.saved_combo.isEnabled() else "")
        if not ok or not name.strip():
            return None
        try:
            mappings.save_mapping(name.strip(), self.mapping())
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Save mapping", str(exc))
            return None
        self._fill_saved(select=name.strip())
        self.note.setText(f"Saved as “{name.strip()}”: files with these columns will use it "
                          "next time.")
        return name.strip()


class MappingDialog(QDialog):
    """The mapping panel on its own (OK returns `mapping()`)."""

    def __init__(self, peek: CsvPeek, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Column mapping")
        self.panel = MappingPanel(peek)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.panel.changed.connect(lambda: self.ok_button.setEnabled(self.panel.is_valid()))
        self.ok_button.setEnabled(self.panel.is_valid())
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)
        self.resize(720, 460)

    def mapping(self) -> dict[str, str]:
        return self.panel.mapping()
