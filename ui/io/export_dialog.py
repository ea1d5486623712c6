"""File → Export…: contacts, organizations, proposals or meetings to a file.

    path = export_records(ctx, parent, kind="contacts", ids=selected, filter_ids=shown)

Choose what (contacts / organizations / proposals / meetings), the format (contacts:
CSV, Outlook CSV, vCard 3.0, vCard 4.0; organizations and proposals: CSV; meetings:
iCalendar) and the scope (everything, the view's current filter, the selection; for
meetings also one series), then where to save. The file is built in a worker with
progress and Cancel, and written 0600 where the user said (`common.write_private`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import CoordinatorError
from coordinator.formats import ImportCancelled
from ui.io.common import plural, write_private
from ui.kit import background
from ui.kit.background import ProgressJob
from ui.widgets.forms import MARGIN

if TYPE_CHECKING:
    from ui.context import AppContext

KINDS = {"contacts": "Contacts", "organizations": "Organizations", "proposals": "Proposals",
         "meetings": "Meetings"}
# kind -> [(format key, label, file suffix, file-dialog filter)]
FORMATS: dict[str, list[tuple[str, str, str, str]]] = {
    "contacts": [("csv", "CSV (Coordinator, for spreadsheets)", ".csv", "CSV files (*.csv)"),
                 ("outlook-csv", "Outlook CSV", ".csv", "CSV files (*.csv)"),
                 ("vcard3", "vCard 3.0 (Google, Apple)", ".vcf", "vCard files (*.vcf)"),
                 ("vcard4", "vCard 4.0", ".vcf", "vCard files (*.vcf)")],
    "organizations": [("csv", "CSV", ".csv", "CSV files (*.csv)")],
    "proposals": [("csv", "CSV", ".csv", "CSV files (*.csv)")],
    "meetings": [("ics", "iCalendar (.ics)", ".ics", "iCalendar files (*.ics)")],
}
COUNT_KEYS = {"contacts": "contact", "organizations": "organization",
              "proposals": "proposal", "meetings": "meeting"}
SETTINGS_DIR = "export/last_dir"


def build_export(ctx: AppContext, kind: str, fmt: str, ids: Sequence[str] | None, *,
                 series: str | None = None, include_private: bool = False,
                 progress: background.ProgressFn | None = None,
                 cancelled: background.CancelFn | None = None) -> bytes:
    """The file's bytes (runs on a worker)."""
    return ctx.services.exports.build(kind, fmt, ids, series=series,
                                      include_private=include_private, progress=progress,
                                      cancelled=cancelled)


class ExportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 kind: str = "contacts", ids: Sequence[str] | None = None,
                 filter_ids: Sequence[str] | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ids = list(ids) if ids else None
        self.filter_ids = list(filter_ids) if filter_ids is not None else None
        self.written: Path | None = None
        self.job = ProgressJob(ctx, self)
        self.job.progressed.connect(self._on_progress)
        self.setWindowTitle("Export")
        counts = ctx.services.stats()["counts"]
        self.totals = {k: int(counts.get(v, 0)) for k, v in COUNT_KEYS.items()}
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("What to export")
        for key, label in KINDS.items():
            self.kind_combo.addItem(label, key)
        self.format_combo = QComboBox()
        self.format_combo.setAccessibleName("Format")
        self.private_box = QCheckBox("Include private notes")
        self.private_box.setToolTip("Private notes are left out of exports unless you ask.")
        self.scope_all = QRadioButton()
        self.scope_filter = QRadioButton()
        self.scope_selection = QRadioButton()
        self.scope_series = QRadioButton("One series:")
        self.series_combo = QComboBox()
        self.series_combo.setAccessibleName("Meeting series")
        self.scope_group = QButtonGroup(self)
        for button in (self.scope_all, self.scope_filter, self.scope_selection,
                       self.scope_series):
            self.scope_group.addButton(button)
        series_row = QHBoxLayout()
        series_row.addWidget(self.scope_series)
        series_row.addWidget(self.series_combo, 1)
        scope = QVBoxLayout()
        scope.addWidget(self.scope_all)
        scope.addWidget(self.scope_filter)
        scope.addWidget(self.scope_selection)
        scope.addLayout(series_row)
        form = QFormLayout()
        form.addRow("Export:", self.kind_combo)
        form.addRow("Format:", self.format_combo)
        form.addRow("", self.private_box)
        form.addRow("Which:", scope)
        self.note = QLabel("The file is written only where you choose, readable by you "
                           "alone.")
        self.note.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Export status")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = QPushButton("Export…")
        self.export_button.setDefault(True)
        self.export_button.setAccessibleName("Export")
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.clicked.connect(self.choose_and_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addStretch(1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.kind_combo.currentIndexChanged.connect(self._on_kind)
        self.format_combo.currentIndexChanged.connect(self._on_format)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self._on_kind()
        self.setMinimumWidth(520)
        self.adjustSize()

    # -- choices -------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    @property
    def format(self) -> str:
        return self.format_combo.currentData()

    def _on_kind(self) -> None:
        kind = self.kind
        self.format_combo.clear()
        for key, label, _suffix, _filter in FORMATS[kind]:
            self.format_combo.addItem(label, key)
        self.format_combo.setEnabled(self.format_combo.count() > 1)
        noun = KINDS[kind].lower()
        self.scope_all.setText(f"All {plural(self.totals[kind], noun[:-1], noun)}")
        self.scope_filter.setVisible(self.filter_ids is not None)
        self.scope_filter.setText(
            f"Those in the current view ({len(self.filter_ids or []):,})")
        self.scope_selection.setVisible(bool(self.ids))
        self.scope_selection.setText(
            f"The selection ({plural(len(self.ids or []), noun[:-1], noun)})")
        is_meetings = kind == "meetings"
        self.scope_series.setVisible(is_meetings)
        self.series_combo.setVisible(is_meetings)
        if is_meetings and self.series_combo.count() == 0:
            for s in self.ctx.services.meetings.series():
                self.series_combo.addItem(f"{s.name} ({plural(s.meeting_count, 'meeting')})",
                                          s.name)
        self.scope_series.setEnabled(self.series_combo.count() > 0)
        default = (self.scope_selection if self.ids else
                   self.scope_filter if self.filter_ids is not None else self.scope_all)
        default.setChecked(True)
        self._on_format()

    def _on_format(self) -> None:
        self.private_box.setVisible(self.kind == "contacts" and self.format == "csv")

    def scope_ids(self) -> list[str] | None:
        if self.scope_selection.isChecked() and self.scope_selection.isVisible():
            return list(self.ids or [])
        if self.scope_filter.isChecked() and self.scope_filter.isVisible():
            return list(self.filter_ids or [])
        return None

    def series(self) -> str | None:
        if self.kind == "meetings" and self.scope_series.isChecked():
            return self.series_combo.currentData()
        return None

    def suggested_name(self) -> str:
        suffix = next(f[2] for f in FORMATS[self.kind] if f[0] == self.format)
        extra = "-outlook" if self.format == "outlook-csv" else ""
        return f"coordinator-{self.kind}{extra}-{date.today():%Y-%m-%d}{suffix}"

    # -- export --------------------------------------------------------------------------
    def choose_and_export(self) -> None:
        if self.job.running:
            return
        folder = Path(str(self.ctx.settings.value(SETTINGS_DIR, "") or Path.home()))
        file_filter = next(f[3] for f in FORMATS[self.kind] if f[0] == self.format)
        name, _ = QFileDialog.getSaveFileName(self, "Export to", str(folder /
                                              self.suggested_name()),
                                              f"{file_filter};;All files (*)")
        if not name:
            return
        self.ctx.settings.setValue(SETTINGS_DIR, str(Path(name).parent))
        self.start(Path(name))

    def start(self, dest: Path) -> None:
        ctx, kind, fmt, ids = self.ctx, self.kind, self.format, self.scope_ids()
        series, private = self.series(), self.private_box.isChecked() and \
            self.private_box.isVisible()
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(f"Exporting to {dest.name}…")
        self.export_button.setEnabled(False)

        def work(progress: background.ProgressFn, cancelled: background.CancelFn) -> Any:
            data = build_export(ctx, kind, fmt, ids, series=series, include_private=private,
                                progress=progress, cancelled=cancelled)
            if cancelled():
                raise ImportCancelled("Cancelled; no file was written.")
            return write_private(dest, data), len(data)

        self.job.start(work, self._on_done, self._on_failed)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setValue(done * 1000 // max(total, 1))

    def _on_done(self, outcome: tuple[Path, int]) -> None:
        self.written, size = outcome
        self.ctx.status_message.emit(f"Exported to {self.written} ({size:,} bytes).", 8000)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.export_button.setEnabled(True)
        if isinstance(exc, ImportCancelled):
            self.status.setText("Export cancelled; no file was written.")
            return
        self.status.clear()
        if not isinstance(exc, CoordinatorError):
            raise exc
        QMessageBox.warning(self, "Export", str(exc))

    def reject(self) -> None:
        if self.job.running:
            self.job.cancel()
            return
        super().reject()


def export_records(ctx: AppContext, parent: QWidget | None = None, kind: str = "contacts",
                   ids: Sequence[str] | None = None,
                   filter_ids: Sequence[str] | None = None) -> Path | None:
    """Run the export dialog; the path of the file written, or None."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    dialog = ExportDialog(ctx, parent, kind=kind, ids=ids, filter_ids=filter_ids)
    background.run_modal(dialog)
    written = dialog.written
    dialog.deleteLater()
    return written
