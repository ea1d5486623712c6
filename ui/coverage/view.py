"""Coverage: how well the coalition reaches into each of its consortia.

A table (one row per consortium: members, contacts, open and awarded proposals with
their amounts, meetings attended in the last 90 days, share of members contacted in the
last N months), charts (proposals per consortium, members by consortium and sector,
proposals by status per quarter, share contacted) and the gaps (organizations never in
a proposal, consortia without a proposal this funding cycle, sectors with no member).
Export CSV writes the table; the same page goes into a briefing packet (Coverage
section of the packet's options).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.models.enums import SECTOR_LABELS, ProposalStatus
from coordinator.services.coverage import (
    MEETING_DAYS,
    SECTORS,
    STATUSES,
    CoverageReport,
    coverage_csv,
    cycle_label,
)
from ui.context import AppContext
from ui.coverage.charts import STATUS_COLOURS, BarChart, HeatMap, Series
from ui.kit.formatting import format_money
from ui.kit.panels import Panel, RecordList
from ui.kit.report_page import ReportPage
from ui.kit.roles import ID_ROLE
from ui.widgets.forms import SPACING

SHORT_SECTORS = {"local_government": "Local gov.", "regional_agency": "Regional agency",
                 "university": "Univ."}
COLUMNS = ["Consortium", "Members", "Contacts", "Open proposals", "Requested", "Awarded",
           "Amount awarded", f"Meetings ({MEETING_DAYS} days)", "Contacted"]


def money(amounts: dict[str, int]) -> str:
    return ", ".join(format_money(v, c) for c, v in sorted(amounts.items()) if v) or "—"


class CoverageView(ReportPage):
    refresh_delay_ms = 300  # the heaviest report of the app

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Coverage", parent)
        self.report: CoverageReport | None = None

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(SPACING * 2, SPACING * 2, SPACING * 2, SPACING * 2)
        layout.setSpacing(SPACING * 2)
        top = QHBoxLayout()
        heading = QLabel("Coverage of the consortia")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        heading.setFont(font)
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(QLabel("Contacted within"))
        top.addWidget(self.months)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setAccessibleName("Export the coverage table as CSV")
        self.export_button.clicked.connect(self.choose_csv)
        top.addWidget(self.export_button)
        layout.addLayout(top)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Coverage by consortium")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemActivated.connect(self._open_consortium)
        layout.addWidget(self.table)

        charts = QGridLayout()
        charts.setSpacing(SPACING * 2)
        self.proposals_chart = BarChart("Proposals per consortium")
        self.sector_map = HeatMap("Member organizations by consortium and sector")
        self.status_chart = BarChart("Proposals by status, by quarter due", stacked=True)
        self.contacted_chart = BarChart("Share of members contacted",
                                        value_text=lambda v: f"{v:.0f}%")
        charts.addWidget(self.proposals_chart, 0, 0)
        charts.addWidget(self.sector_map, 0, 1)
        charts.addWidget(self.status_chart, 1, 0)
        charts.addWidget(self.contacted_chart, 1, 1)
        layout.addLayout(charts)

        self.gaps_panel = Panel("Gaps")
        self.no_cycle = QLabel()
        self.no_cycle.setWordWrap(True)
        self.no_cycle.setAccessibleName("Consortia without a proposal this funding cycle")
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setAccessibleName("Sectors with no member")
        self.never_label = QLabel()
        self.never = RecordList(["Organization never in a proposal", "Consortium"],
                                "Organizations never in a proposal")
        self.never.stretch(0)
        self.never.record_activated.connect(self._open)
        for widget in (self.no_cycle, self.missing, self.never_label, self.never):
            self.gaps_panel.body.addWidget(widget)
        layout.addWidget(self.gaps_panel)
        layout.addStretch(1)
        self.setWidget(page)

    # -- loading ---------------------------------------------------------------------------
    def reader(self) -> Callable[[date, datetime, int], CoverageReport]:
        coverage = self.ctx.services.coverage
        return lambda today, now, months: coverage.report(today, months, now)

    def show_report(self, report: CoverageReport) -> None:
        self.report = report
        self._fill_table(report)
        self._fill_charts(report)
        self._fill_gaps(report)

    def _fill_table(self, report: CoverageReport) -> None:
        rows = report.consortia
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderItem(
            8, QTableWidgetItem(f"Contacted ({report.months} months)"))
        for i, c in enumerate(rows):
            share = c.contacted_share
            values = [c.short_name, f"{c.organizations:,}", f"{c.contacts:,}",
                      f"{c.open_proposals:,}", money(c.open_requested),
                      f"{c.awarded_proposals:,}", money(c.awarded_amount),
                      f"{c.meetings_attended:,}",
                      "—" if share is None else f"{share:.0%} ({c.contacted}/{c.organizations})"]
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(ID_ROLE, c.id)
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                else:
                    item.setToolTip(c.name)
                self.table.setItem(i, j, item)
        row_h = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + row_h * max(1, len(rows)) + 4)

    def _fill_charts(self, report: CoverageReport) -> None:
        names = [c.short_name for c in report.consortia]
        self.proposals_chart.set_data(names, [
            Series("Open", "#3182bd", [c.open_proposals for c in report.consortia]),
            Series("Awarded", "#31a354", [c.awarded_proposals for c in report.consortia])])
        self.contacted_chart.set_data(names, [Series(
            f"Contacted in the last {report.months} months", "#1f6f8b",
            [100 * (c.contacted_share or 0) for c in report.consortia])])
        self.sector_map.set_data(names, [SHORT_SECTORS.get(s) or SECTOR_LABELS[s] for s in SECTORS],
                                 [[c.sectors.get(s, 0) for s in SECTORS]
                                  for c in report.consortia],
                                 unflagged=[SECTORS.index("other")])
        quarters = report.quarters
        used = [s for s in STATUSES if any(report.by_status[q].get(s) for q in quarters)]
        self.status_chart.set_data(quarters, [
            Series(ProposalStatus(s).label, STATUS_COLOURS[s],
                   [report.by_status[q].get(s, 0) for q in quarters]) for s in used])

    def _fill_gaps(self, report: CoverageReport) -> None:
        gaps = report.gaps
        cycle = cycle_label(report.today)
        self.no_cycle.setText(
            f"Consortia without a proposal due in {cycle}: "
            + (", ".join(gaps.without_proposal_this_cycle) or "none, every consortium has one."))
        missing = "; ".join(f"{short}: {', '.join(SECTOR_LABELS[s].lower() for s in sectors)}"  # type: ignore[index]
                            for short, sectors in gaps.missing_sectors.items())
        self.missing.setText("Sectors with no member: " + (missing or "none."))
        self.never.clear()
        for o in gaps.never_in_proposal:
            self.never.add([o.name, o.consortium or "—"], "organization", o.id)
        shown = len(gaps.never_in_proposal)
        total = gaps.never_in_proposal_total
        self.never_label.setText(
            "Every organization is in a proposal." if total == 0 else
            f"{total:,} organizations were never in a proposal"
            + (f"; the first {shown} by name:" if shown < total else ":"))
        self.never.fit_rows(shown, 10)
        self.never.setVisible(bool(shown))

    # -- acting ----------------------------------------------------------------------------
    def _open(self, entity: str, record_id: str) -> None:
        if self.ctx.open_record is not None:
            self.ctx.open_record(entity, record_id)

    def _open_consortium(self, item: QTableWidgetItem) -> None:
        self._open("consortium", item.data(ID_ROLE))

    def choose_csv(self) -> None:
        if self.report is None:
            return
        suggested = Path.home() / f"Coverage {self.report.today.isoformat()}.csv"
        name, _ = QFileDialog.getSaveFileName(self, "Export coverage", str(suggested),
                                              "CSV files (*.csv)")
        if name:
            self.export_csv(Path(name))

    def export_csv(self, path: Path) -> bool:
        """Write the table as CSV (whole or not at all); says the outcome on the status bar."""
        from coordinator.files import write_private_atomic

        if self.report is None:
            return False
        try:
            write_private_atomic(path, coverage_csv(self.report))
        except OSError as exc:
            self.ctx.status_message.emit(
                f"Could not write {path}: {exc.strerror or exc}. Nothing was written.", 10000)
            return False
        self.ctx.status_message.emit(f"Coverage exported to {path}.", 6000)
        return True

    # -- view protocol ---------------------------------------------------------------------
    def open_record(self, record_id: str) -> object:
        """Select the consortium's row."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(ID_ROLE) == record_id:
                self.table.selectRow(row)
                return item
        return None


__all__ = ["CoverageView"]
