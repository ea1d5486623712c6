"""File → Import contacts: choose a file, read it in a worker, preview, then import.

    report = import_contacts(ctx, parent)   # ImportReport, or None if nothing was saved

The dialog walks through pages: reading (progress + Cancel) → the column mapping for a
CSV layout we do not recognise (guessed, editable, "Save mapping as…") → the dry-run
preview (N new / updated / up to date / probable duplicates / new organizations /
errors, an error table with the row or line and the reason, and the first rows) →
Import, which first backs the database up and then saves everything in one
transaction (`importer.apply`: all or nothing, recorded as an undoable batch) → the
result. A file that cannot be read at all shows why, and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coordinator.backups import BEFORE_IMPORT, BackupManager
from coordinator.errors import CoordinatorError
from coordinator.formats import ImportCancelled, batches, csv_import, importer, reader
from coordinator.formats.csv_import import CsvPeek
from coordinator.formats.importer import ImportOptions, ImportPreview, ImportReport
from coordinator.formats.parsed import ParseResult
from ui.io import common
from ui.io.common import ProgressJob, fill_table, heading, plural, read_only_table
from ui.io.mapping import MappingPanel
from ui.io.undo_dialog import describe_undo
from ui.widgets.forms import MARGIN

if TYPE_CHECKING:
    from ui.context import AppContext

PREVIEW_ROWS = 200
FILE_FILTER = ("Contacts (*.csv *.vcf *.vcard *.txt *.tsv);;CSV files (*.csv *.txt *.tsv);;"
               "vCard files (*.vcf *.vcard);;All files (*)")
ACTIONS = {"create": "New", "update": "Update", "unchanged": "Up to date",
           "duplicate": "Probable duplicate", "merged": "Same contact as another row",
           "organization": "New organization", "known-org": "Organization already here",
           "skipped": "Left out"}
FORMATS = {"google": "Google Contacts CSV", "google-legacy": "Google Contacts CSV (legacy)",
           "outlook": "Outlook CSV", "outlook.com": "Outlook.com CSV",
           "coordinator": "Coordinator CSV", "csv": "CSV with a column mapping",
           "vcard": "vCard"}
SETTINGS_DIR = "import/last_dir"


@dataclass
class _NeedsMapping:
    raw: bytes
    peek: CsvPeek


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CoordinatorError(f"Cannot read {path.name}: {exc.strerror or exc}.") from None


class ImportDialog(QDialog):
    PAGES = ("working", "mapping", "preview", "done", "failed")

    def __init__(self, ctx: AppContext, path: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.raw: bytes | None = None
        self.mapping: dict[str, str] | None = None
        self.result_: ParseResult | None = None
        self.preview: ImportPreview | None = None
        self.report: ImportReport | None = None
        self._close_when_done = False
        self.job = ProgressJob(ctx, self)
        self.job.progressed.connect(self._on_progress)
        self._stage = (0, 1)  # progress is scaled into this share of the bar
        self.setWindowTitle(f"Import contacts — {self.path.name}")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for name in self.PAGES:
            page = getattr(self, f"_build_{name}")()
            self.pages[name] = page
            self.stack.addWidget(page)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Import status")
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton("Continue")
        self.next_button.setDefault(True)
        self.next_button.setAutoDefault(True)
        self.next_button.clicked.connect(self.go_next)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.resize(860, 560)
        self.show_page("working")

    # -- pages -------------------------------------------------------------------------
    def _build_working(self) -> QWidget:
        page = QWidget()
        self.working_label = QLabel(f"Reading {self.path.name}…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setAccessibleName("Progress")
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.working_label)
        layout.addWidget(self.progress)
        layout.addStretch(2)
        return page

    def _build_mapping(self) -> QWidget:
        page = QWidget()
        self.mapping_layout = QVBoxLayout(page)
        self.mapping_layout.setContentsMargins(0, 0, 0, 0)
        self.mapping_panel: MappingPanel | None = None
        return page

    def _build_preview(self) -> QWidget:
        page = QWidget()
        self.preview_title = heading("Preview — nothing has been saved yet")
        self.preview_source = QLabel()
        self.counts: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        for i, key in enumerate(("new", "updated", "unchanged", "duplicates", "organizations",
                                 "errors")):
            label = QLabel()
            label.setAccessibleName(f"Count {key}")
            self.counts[key] = label
            grid.addWidget(label, i // 3, i % 3)
        self.create_duplicates = QCheckBox("Import the probable duplicates as new contacts too")
        self.create_duplicates.toggled.connect(self._update_buttons)
        self.tabs = QTabWidget()
        self.rows_table = read_only_table(["Row", "What happens", "Name", "Organization",
                                           "E-mail", "Details"], "Records in the file")
        self.errors_table = read_only_table(["Row / line", "Problem"], "Errors")
        self.warnings_table = read_only_table(["Row / line", "Note"], "Warnings")
        self.tabs.addTab(self.rows_table, "Records")
        self.tabs.addTab(self.errors_table, "Errors")
        self.tabs.addTab(self.warnings_table, "Warnings")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview_source)
        layout.addLayout(grid)
        layout.addWidget(self.create_duplicates)
        layout.addWidget(self.tabs, 1)
        return page

    def _build_done(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setAccessibleName("Import result")
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.undo_now = QPushButton("Undo this import")
        self.undo_now.setToolTip("Remove what this import created and put back what it "
                                 "changed")
        self.undo_now.clicked.connect(self.undo_this_import)
        row = QHBoxLayout()
        row.addWidget(self.undo_now)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(heading("Import finished"))
        layout.addWidget(self.done_label)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _build_failed(self) -> QWidget:
        page = QWidget()
        self.failed_label = QLabel()
        self.failed_label.setWordWrap(True)
        self.failed_label.setAccessibleName("Import error")
        self.failed_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(page)
        layout.addWidget(heading("This file cannot be imported"))
        layout.addWidget(self.failed_label)
        layout.addStretch(1)
        return page

    def show_page(self, name: str) -> None:
        self.page_name = name
        self.stack.setCurrentWidget(self.pages[name])
        self.back_button.setVisible(name == "preview" and self.mapping is not None)
        self.next_button.setVisible(name in ("mapping", "preview"))
        self.next_button.setText("Import" if name == "preview" else "Continue")
        self.cancel_button.setText("Close" if name in ("done", "failed") else "Cancel")
        self._update_buttons()

    def _update_buttons(self) -> None:
        if self.page_name == "mapping" and self.mapping_panel is not None:
            self.next_button.setEnabled(self.mapping_panel.is_valid())
        elif self.page_name == "preview" and self.preview is not None:
            p = self.preview
            dups = self.create_duplicates.isChecked() and p.count("duplicate")
            self.next_button.setEnabled(bool(p.new or p.updated or p.new_organizations or dups))

    # -- reading -----------------------------------------------------------------------
    def start(self) -> None:
        """Read and preview the file in a worker."""
        path, mapping, db = self.path, self.mapping, self.ctx.db
        raw = self.raw
        self.working_label.setText(f"Reading {path.name}…")
        self.progress.setValue(0)
        self.status.clear()
        self.show_page("working")

        def work(progress: common.ProgressFn, cancelled: common.CancelFn) -> Any:
            data = raw if raw is not None else _read(path)
            fmt = reader.sniff_format(data, path.name)
            if fmt == "csv" and mapping is None:
                peek = csv_import.peek_csv(data)
                if peek.layout == "csv":
                    return _NeedsMapping(data, peek)
            result = reader.parse_contacts(
                data, fmt, filename=path.name, mapping=mapping, cancelled=cancelled,
                progress=lambda d, t: progress(d * 500 // max(t, 1), 1000))
            plan = importer.preview(db, result, cancelled=cancelled,
                                    progress=lambda d, t: progress(500 + d * 500 // max(t, 1),
                                                                   1000))
            return data, result, plan

        self.job.start(work, self._on_read, self._on_failed)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setValue(done * 1000 // max(total, 1))

    def _on_read(self, outcome: Any) -> None:
        if self._close_when_done:
            super().reject()
            return
        if isinstance(outcome, _NeedsMapping):
            self.raw = outcome.raw
            self._show_mapping(outcome.peek)
            return
        self.raw, self.result_, self.preview = outcome
        self._show_preview()

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportCancelled):
            if self._close_when_done or self.preview is None:
                super().reject()
                return
            self.status.setText("Import cancelled; nothing was saved.")
            self.show_page("preview")
            return
        if not isinstance(exc, CoordinatorError):
            if self._close_when_done:
                super().reject()
            self.failed_label.setText(f"{type(exc).__name__}: {exc}\n\nNothing was imported.")
            self.show_page("failed")
            raise exc  # reaches the application's error dialog
        message = str(exc)
        if "nothing" not in message.lower():
            message += "\n\nNothing was imported."
        self.failed_label.setText(message)
        self.show_page("failed")
        if self._close_when_done:
            super().reject()

    def _show_mapping(self, peek: CsvPeek) -> None:
        if self.mapping_panel is None:
            self.mapping_panel = MappingPanel(peek)
            self.mapping_panel.changed.connect(self._update_buttons)
            self.mapping_layout.addWidget(self.mapping_panel)
        self.show_page("mapping")

    def _show_preview(self) -> None:
        p = self.preview
        assert p is not None
        self.preview_source.setText(
            f"{self.path.name}: {FORMATS.get(p.format, p.format)}, {p.encoding} — "
            f"{plural(p.records_read, 'record')} read.")
        dups = len(p.duplicates)
        def count(n: int, one: str, many: str, extra: str = "") -> str:
            return f"<b>{n:,}</b> {one if n == 1 else many}{extra}"

        self.counts["new"].setText(count(p.new, "new contact", "new contacts"))
        self.counts["updated"].setText(count(p.updated, "updated", "updated",
                                             " (same email)"))
        self.counts["unchanged"].setText(count(p.unchanged, "already up to date",
                                               "already up to date"))
        self.counts["duplicates"].setText(count(dups, "probable duplicate",
                                                "probable duplicates"))
        self.counts["organizations"].setText(count(len(p.new_organizations),
                                                   "new organization", "new organizations"))
        self.counts["errors"].setText(count(len(p.errors), "row with errors",
                                            "rows with errors"))
        self.create_duplicates.setVisible(p.count("duplicate") > 0)
        rows = []
        for row in p.rows[:PREVIEW_ROWS]:
            d = row.parsed.data
            details = row.reason
            if row.changes:
                details = (details + "; " if details else "") + "changes " + ", ".join(
                    row.changes)
            rows.append([row.parsed.where, ACTIONS.get(row.action, row.action),
                         row.parsed.display, row.parsed.organization,
                         d.primary_email, details])
        fill_table(self.rows_table, rows)
        fill_table(self.errors_table, [[e.where, e.reason] for e in p.errors])
        fill_table(self.warnings_table, [[w.where, w.reason] for w in p.warnings])
        shown = "" if len(p.rows) <= PREVIEW_ROWS else f" (first {PREVIEW_ROWS})"
        self.tabs.setTabText(0, f"Records{shown}")
        self.tabs.setTabText(1, f"Errors ({len(p.errors)})")
        self.tabs.setTabText(2, f"Warnings ({len(p.warnings)})")
        if p.errors and not (p.new or p.updated):
            self.tabs.setCurrentIndex(1)
        self.show_page("preview")
        self.next_button.setFocus()
        if not self.next_button.isEnabled():
            self.status.setText("Nothing to import: every record is already here or has an "
                                "error.")

    # -- buttons -----------------------------------------------------------------------
    def go_back(self) -> None:
        if self.page_name == "preview" and self.mapping_panel is not None:
            self.status.clear()
            self.show_page("mapping")

    def go_next(self) -> None:
        if self.page_name == "mapping" and self.mapping_panel is not None:
            if self.mapping_panel.is_valid():
                self.mapping = self.mapping_panel.mapping()
                self.start()
        elif self.page_name == "preview" and self.next_button.isEnabled():
            self.run_import()

    def options(self) -> ImportOptions:
        return ImportOptions(duplicates="create" if self.create_duplicates.isChecked()
                             else "skip", source=self.path.name)

    def run_import(self) -> None:
        """Back up, then save everything in one transaction (in a worker)."""
        db, result, options = self.ctx.db, self.result_, self.options()
        db_path = self.ctx.db_path
        assert result is not None
        self.working_label.setText("Backing up the database, then importing…")
        self.progress.setValue(0)
        self.status.clear()
        self.show_page("working")

        def work(progress: common.ProgressFn, cancelled: common.CancelFn) -> ImportReport:
            BackupManager(db_path).backup_now(BEFORE_IMPORT)
            return importer.apply(db, result, options, progress=progress, cancelled=cancelled)

        self.job.start(work, self._on_imported, self._on_failed)

    def _on_imported(self, report: ImportReport) -> None:
        self.report = report
        parts = [f"{plural(report.created, 'new contact')} created",
                 f"{plural(report.updated, 'contact')} updated",
                 f"{plural(report.organizations_created, 'organization')} created"]
        if report.skipped_duplicates:
            parts.append(f"{plural(report.skipped_duplicates, 'probable duplicate')} left out")
        if report.errors:
            parts.append(f"{plural(len(report.errors), 'row')} with errors not imported")
        self.done_label.setText(
            "Imported from " + self.path.name + ":\n\n• " + "\n• ".join(parts)
            + f"\n\nThe import is recorded as batch {report.batch_id[:8]}; the database was "
            "backed up first. To take it back later, use Edit → Undo Import…")
        self.ctx.status_message.emit(
            f"Imported {plural(report.created, 'new contact')} and updated "
            f"{report.updated:,} from {self.path.name}.", 8000)
        self.show_page("done")
        if self._close_when_done:
            super().reject()

    def undo_this_import(self) -> None:
        if self.report is None:
            return
        db, batch_id = self.ctx.db, self.report.batch_id
        try:
            undone = common.wait_for(self.ctx, lambda: batches.undo_batch(db, batch_id), self,
                                     "Undoing the import…")
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Undo import", str(exc))
            return
        self.report = None
        self.undo_now.setEnabled(False)
        self.done_label.setText(f"The import was undone: {describe_undo(undone)}.")

    def reject(self) -> None:
        if self.job.running:  # the worker stops at its next check; nothing is saved
            self._close_when_done = True
            self.job.cancel()
            self.status.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
            return
        if self.report is not None:
            self.accept()
            return
        super().reject()


def choose_file(ctx: AppContext, parent: QWidget | None) -> Path | None:
    start = str(ctx.settings.value(SETTINGS_DIR, "") or Path.home())
    name, _ = QFileDialog.getOpenFileName(parent, "Import contacts", start, FILE_FILTER)
    if not name:
        return None
    ctx.settings.setValue(SETTINGS_DIR, str(Path(name).parent))
    return Path(name)


def import_contacts(ctx: AppContext, parent: QWidget | None = None,
                    path: Path | str | None = None) -> ImportReport | None:
    """Ask for a CSV or vCard file and run the import dialog; the report if saved."""
    if getattr(ctx.db, "read_only", False):
        QMessageBox.information(parent, "Import contacts", "This database is open read-only; "
                                "nothing can be imported into it.")
        return None
    chosen = Path(path) if path else choose_file(ctx, parent)
    if chosen is None:
        return None
    dialog = ImportDialog(ctx, chosen, parent)
    dialog.start()
    common.run_modal(dialog)
    report = dialog.report
    dialog.deleteLater()
    return report
