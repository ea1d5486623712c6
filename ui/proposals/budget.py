"""The proposal editor's "Budget && notes" tab: budget lines (what the proposal
document prints as its Budget section) and the internal notes (printed only in the
internal briefing, never for partners)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from coordinator.services.records import BudgetLineData
from coordinator.wording import plural
from ui.kit.formatting import format_money
from ui.widgets.money import currency_prefix, money_spin


class BudgetEditor(QWidget):
    """Budget lines (description + amount, in the proposal's currency) with a running
    total, and the internal notes."""

    changed = Signal()
    DESCRIPTION, AMOUNT = range(2)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currency = "USD"
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Budget line", "Amount"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName("Budget lines")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.AMOUNT, QHeaderView.ResizeMode.Interactive)
        self.add_button = QPushButton("Add line")
        self.add_button.setToolTip("Add a budget line (Ctrl+Shift+N)")
        self.add_button.setShortcut("Ctrl+Shift+N")
        self.add_button.clicked.connect(self.add_line)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected budget lines")
        self.remove_button.clicked.connect(self.remove_selected)
        self.total_label = QLabel()
        self.total_label.setAccessibleName("Budget total")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(
            "Internal notes: printed in the internal briefing only, never for partners.")
        self.notes.setAccessibleName("Internal notes")
        self.notes.textChanged.connect(self.changed)

        budget_box = QWidget()
        budget_layout = QVBoxLayout(budget_box)
        budget_layout.setContentsMargins(0, 0, 0, 0)
        budget_layout.addWidget(QLabel("Budget"))
        budget_layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.total_label, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        budget_layout.addLayout(row)
        notes_box = QWidget()
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_layout.addWidget(QLabel("Internal notes"))
        notes_layout.addWidget(self.notes, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(budget_box)
        split.addWidget(notes_box)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._refresh_total()

    # -- data -------------------------------------------------------------------------
    def set_values(self, lines: list[BudgetLineData], internal_notes: str) -> None:
        self.table.setRowCount(0)
        for line in lines:
            self._append(line)
        self.notes.setPlainText(internal_notes)
        self._refresh_total()

    def lines(self) -> list[BudgetLineData]:
        """The lines as shown, leaving out rows with neither a description nor an amount."""
        out = []
        for row in range(self.table.rowCount()):
            text = self.table.cellWidget(row, self.DESCRIPTION).text().strip()
            amount = round(self.table.cellWidget(row, self.AMOUNT).value() * 100)
            if text or amount:
                out.append(BudgetLineData(text, amount))
        return out

    def internal_notes(self) -> str:
        return self.notes.toPlainText()

    def set_currency(self, currency: str) -> None:
        self.currency = currency
        for row in range(self.table.rowCount()):
            self.table.cellWidget(row, self.AMOUNT).setPrefix(self._symbol())
        self._refresh_total()

    # -- editing ----------------------------------------------------------------------
    def add_line(self) -> None:
        self._append(BudgetLineData())
        self.table.selectRow(self.table.rowCount() - 1)
        self.table.cellWidget(self.table.rowCount() - 1, self.DESCRIPTION).setFocus()
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()},
                      reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self._refresh_total()
            self.changed.emit()

    def _symbol(self) -> str:
        return currency_prefix(self.currency)

    def _append(self, line: BudgetLineData) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        text = QLineEdit(line.description)
        text.setPlaceholderText("What the money is for, e.g. Sensor hardware")
        text.setAccessibleName(f"Budget line {row + 1}")
        text.setFrame(False)
        text.textChanged.connect(self.changed)
        self.table.setCellWidget(row, self.DESCRIPTION, text)
        spin = money_spin(self.currency, line.amount_minor,
                          name=f"Amount of budget line {row + 1}")
        spin.setFrame(False)
        spin.valueChanged.connect(self._on_amount)
        self.table.setCellWidget(row, self.AMOUNT, spin)
        # Wide enough for a large amount with its currency, and still resizable.
        wanted = spin.fontMetrics().horizontalAdvance(self._symbol() + "00,000,000.00") + 48
        if self.table.columnWidth(self.AMOUNT) < wanted:
            self.table.setColumnWidth(self.AMOUNT, wanted)

    def _on_amount(self) -> None:
        self._refresh_total()
        self.changed.emit()

    def _refresh_total(self) -> None:
        lines = self.lines() if self.table.rowCount() else []
        total = sum(line.amount_minor for line in lines)
        self.total_label.setText(
            f"{plural(len(lines), 'line')} · total {format_money(total, self.currency)}")
