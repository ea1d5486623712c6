"""Partner organizations of a proposal (role + commitment) and the consortia coverage
that follows from them, updated live as partners are added or removed."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import NotFound
from coordinator.models.enums import PartnerRole
from coordinator.services.records import PartnerData
from ui.context import AppContext
from ui.kit.formatting import CONSORTIUM_NAMES, CONSORTIUM_ORDER
from ui.kit.pickers import RecordPicker
from ui.kit.planning_table import coverage_width, paint_coverage
from ui.widgets.columns import ReadableColumns
from ui.widgets.money import currency_prefix, money_spin


class CoverageStrip(QWidget):
    """The seven consortia, covered ones highlighted, and "3 of 7 consortia"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.covered: set[str] = set()
        self.setMinimumHeight(self.fontMetrics().height() + 8)
        self.setAccessibleName("Consortia coverage")

    def set_covered(self, covered: set[str]) -> None:
        self.covered = set(covered)
        names = [CONSORTIUM_NAMES[c] for c, _ in CONSORTIUM_ORDER if c in self.covered]
        self.setToolTip("Covered: " + ", ".join(names) if names else "No consortium covered yet")
        self.update()

    @property
    def count(self) -> int:
        return len(self.covered & {c for c, _ in CONSORTIUM_ORDER})

    def text(self) -> str:
        return f"{self.count} of 7 consortia"

    def sizeHint(self) -> QSize:
        return QSize(coverage_width(self.font()) + self.fontMetrics().horizontalAdvance(
            "  7 of 7 consortia ") + 8, self.fontMetrics().height() + 8)

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        strip = self.rect()
        strip.setWidth(coverage_width(self.font()))
        paint_coverage(painter, strip, self.covered, self.font())
        painter.setPen(self.palette().text().color())
        rest = self.rect().adjusted(strip.width() + 4, 0, 0, 0)
        painter.drawText(rest, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                         self.text())
        painter.end()


class PartnersEditor(QWidget):
    """Table of partners with an organization search line to add more."""

    changed = Signal()
    ORG, CONSORTIUM, ROLE, COMMITMENT = range(4)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.currency = "USD"
        self._partners: list[PartnerData] = []
        self.picker = RecordPicker(ctx, "organization", "Find an organization to add as partner…")
        self.role_box = QComboBox()
        for role in PartnerRole:
            self.role_box.addItem(role.label, role.value)
        self.role_box.setCurrentIndex(self.role_box.findData("partner"))
        self.add_button = QPushButton("Add partner")
        self.add_button.setEnabled(False)
        self.picker.value_changed.connect(lambda v: self.add_button.setEnabled(bool(v)))
        self.add_button.clicked.connect(self._add_from_picker)
        # Enter in the search adds the partner and stops there: left alone, the key
        # would go on to the editor's default button and save the whole proposal.
        self.picker.installEventFilter(self)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Organization", "Consortium", "Role", "Commitment"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # every column as wide as its content and resizable; the names take the rest
        self.columns = ReadableColumns(self.table, stretch=(self.ORG,), stretch_min=180)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.coverage = CoverageStrip()
        self.total_label = QLabel()
        add_row = QHBoxLayout()
        add_row.addWidget(self.picker, 1)
        add_row.addWidget(self.role_box)
        add_row.addWidget(self.add_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.total_label, 1)
        bottom.addWidget(self.remove_button)
        self.remove_button.setToolTip("Remove the selected partners")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(add_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._refresh_summary()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.picker and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)  # type: ignore[attr-defined]
                and not event.modifiers()):  # type: ignore[attr-defined]
            self._add_from_picker()
            return True
        return super().eventFilter(watched, event)

    # -- data -------------------------------------------------------------------------
    def set_partners(self, partners: list[PartnerData]) -> None:
        self._partners = [PartnerData(**vars(p)) for p in partners]
        self.table.setRowCount(0)
        for p in self._partners:
            self._append_row(p)
        self._refresh_summary()

    def partners(self) -> list[PartnerData]:
        out = []
        for row, p in enumerate(self._partners):
            role_box = self.table.cellWidget(row, self.ROLE)
            spin = self.table.cellWidget(row, self.COMMITMENT)
            out.append(PartnerData(p.organization_id, role_box.currentData(),
                                   round(spin.value() * 100), p.organization_name,
                                   p.consortium_id, p.consortium_short_name))
        return out

    def covered(self) -> set[str]:
        return {p.consortium_id for p in self._partners if p.consortium_id}

    def set_currency(self, currency: str) -> None:
        self.currency = currency
        symbol = currency_prefix(currency)
        for row in range(self.table.rowCount()):
            self.table.cellWidget(row, self.COMMITMENT).setPrefix(symbol)
        self._refresh_summary()

    def add_partner(self, organization_id: str, role: str = "partner",
                    commitment_minor: int = 0) -> bool:
        """Add an organization (looked up for its name and consortium); False if present."""
        if any(p.organization_id == organization_id for p in self._partners):
            self.ctx.status_message.emit("That organization is already a partner.", 4000)
            return False
        try:
            org = self.ctx.services.organizations.get(organization_id)
        except NotFound:
            return False
        partner = PartnerData(organization_id, role, commitment_minor, org.name,
                              org.consortium_id, org.consortium_short_name)
        self._partners.append(partner)
        self._append_row(partner)
        self._refresh_summary()
        self.changed.emit()
        return True

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
            del self._partners[row]
        if rows:
            self._refresh_summary()
            self.changed.emit()

    # -- internals --------------------------------------------------------------------
    def _add_from_picker(self) -> None:
        org_id = self.picker.value()
        if org_id and self.add_partner(org_id, self.role_box.currentData()):
            self.picker.set_value(None)

    def _append_row(self, p: PartnerData) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, self.ORG, QTableWidgetItem(p.organization_name))
        self.table.setItem(row, self.CONSORTIUM, QTableWidgetItem(p.consortium_short_name or "—"))
        role_box = QComboBox()
        for role in PartnerRole:
            role_box.addItem(role.label, role.value)
        role_box.setCurrentIndex(max(0, role_box.findData(p.role)))
        role_box.currentIndexChanged.connect(self.changed)
        self.table.setCellWidget(row, self.ROLE, role_box)
        spin = money_spin(self.currency, p.commitment_minor, cents=False,
                          name=f"Commitment of {p.organization_name}")
        spin.valueChanged.connect(self._on_commitment)
        self.table.setCellWidget(row, self.COMMITMENT, spin)

    def _on_commitment(self) -> None:
        self._refresh_summary()
        self.changed.emit()

    def _refresh_summary(self) -> None:
        self.columns.fit()
        self.coverage.set_covered(self.covered())
        total = sum(p.commitment_minor for p in self.partners()) if self.table.rowCount() else 0
        from ui.kit.formatting import format_money

        count = len(self._partners)
        self.total_label.setText(f"{count} partner{'s' if count != 1 else ''} · "
                                 f"{self.coverage.text()} · committed "
                                 f"{format_money(total, self.currency)}")
