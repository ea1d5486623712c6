"""File → Import contacts: choose a file, read it in a worker, preview, then import.

    report = import_contacts(ctx, parent)   # ImportReport, or None if nothing was saved

The dialog walks through pages: reading (progress + Cancel) → the column mapping for a
CSV layout we do not recognise (guessed, editable, "Save mapping as…") → the dry-run
preview (N new / updated / up to date / probable duplicates / new organizations /
errors, an error table with the row or line and the reason, and every record with a
check box: untick one to leave it out, tick a probable duplicate to import it anyway;
the counts follow every choice through a new plan made off the GUI thread once the
clicks pause, and Import is enabled only once they match the choices) →
Import, which first backs the database up and then saves everything in one
transaction (`importer.apply`: all or nothing, recorded as an undoable batch) → the
result. A file that cannot be read at all shows why, and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coordinator.backups import BEFORE_IMPORT, BackupManager
from coordinator.errors import CoordinatorError
from coordinator.formats import ImportCancelled, csv_import, limits, reader
from coordinator.formats.csv_import import CsvPeek
from coordinator.formats.importer import ImportOptions, ImportPreview, ImportReport
from coordinator.formats.legacy import CHOICES as ENCODING_CHOICES
from coordinator.formats.parsed import ParseResult
from ui.io.common import fill_table, heading, plural, read_only_table
from ui.io.mapping import MappingPanel
from ui.io.preview_rows import FILTERS, ImportRowsModel, RowsFilter
from ui.kit import background
from ui.kit.background import ProgressJob
from ui.kit.undo import ImportCommand, describe_undo
from ui.widgets.forms import MARGIN

if TYPE_CHECKING:
    from ui.context import AppContext

FILE_FILTER = ("Contacts (*.csv *.vcf *.vcard *.txt *.tsv);;CSV files (*.csv *.txt *.tsv);;"
               "vCard files (*.vcf *.vcard);;All files (*)")
FORMATS = {"google": "Google Contacts CSV", "google-legacy": "Google Contacts CSV (legacy)",
           "outlook": "Outlook CSV", "outlook.com": "Outlook.com CSV",
           "coordinator": "Coordinator CSV", "csv": "CSV with a column mapping",
           "vcard": "vCard"}
SETTINGS_DIR = "import/last_dir"
# A burst of clicks costs one new plan (about 2 s for 100,000 records): it starts once
# the choices have not changed for this long
REPLAN_DELAY_MS = 300
COUNT_KEYS = ("new", "updated", "unchanged", "duplicates", "organizations", "errors")


@dataclass
class _NeedsMapping:
    raw: bytes
    peek: CsvPeek


def _read(path: Path) -> bytes:
    """The file's bytes once it has passed the import limits. The limits are checked by
    streaming the file, so one far over them is refused before it is read whole."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
        limits.check_file(path, reader.sniff_format(head, path.name))
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
        self.encoding: str | None = None  # the user's choice; None: as detected
        self.result_: ParseResult | None = None
        self.preview: ImportPreview | None = None
        self.report: ImportReport | None = None
        self._close_when_done = False
        self.job = ProgressJob(ctx, self)
        self.job.progressed.connect(self._on_progress)
        self._stage = (0, 1)  # progress is scaled into this share of the bar
        self.replan_job = ProgressJob(ctx, self)  # the counts after the user's choices
        self.replan_timer = QTimer(self)
        self.replan_timer.setSingleShot(True)
        self.replan_timer.setInterval(REPLAN_DELAY_MS)
        self.replan_timer.timeout.connect(self._replan)
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
        self.resize(980, 600)
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
        self.encoding_box = QComboBox()
        self.encoding_box.setAccessibleName("Encoding")
        self.encoding_box.setToolTip("If names look wrong, read the file in another encoding")
        self.encoding_box.addItem("As detected", None)
        for codec, name in ENCODING_CHOICES:
            self.encoding_box.addItem(name, codec)
        self.encoding_box.activated.connect(self._encoding_chosen)
        source = QHBoxLayout()
        source.addWidget(self.preview_source, 1)
        encoding_label = QLabel("&Encoding:")
        encoding_label.setBuddy(self.encoding_box)
        source.addWidget(encoding_label)
        source.addWidget(self.encoding_box)
        self.counts: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        for i, key in enumerate(COUNT_KEYS):
            label = QLabel()
            label.setAccessibleName(f"Count {key}")
            self.counts[key] = label
            grid.addWidget(label, i // 3, i % 3)
        self.counts_state = QLabel()
        self.counts_state.setAccessibleName("Counts state")
        grid.addWidget(self.counts_state, 0, 3)
        grid.setColumnStretch(3, 1)
        self.create_duplicates = QCheckBox("Import the probable duplicates as new contacts too")
        self.create_duplicates.setToolTip("Tick or untick single records in the table below")
        self.create_duplicates.clicked.connect(self._all_duplicates_clicked)
        self.tabs = QTabWidget()
        self.rows_model = ImportRowsModel(self)
        self.rows_model.choicesChanged.connect(self._choices_changed)
        self.rows_model.planChanged.connect(self._show_counts)
        self.rows_filter = RowsFilter(self.rows_model, self)
        self.rows_table = self._build_rows_table()
        self.errors_table = read_only_table(["Row / line", "Problem"], "Errors")
        self.warnings_table = read_only_table(["Row / line", "Note"], "Warnings")
        self.tabs.addTab(self._rows_page(), "Records")
        self.tabs.addTab(self.errors_table, "Errors")
        self.tabs.addTab(self.warnings_table, "Warnings")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview_title)
        layout.addLayout(source)
        layout.addLayout(grid)
        layout.addWidget(self.create_duplicates)
        layout.addWidget(self.tabs, 1)
        return page

    def _build_rows_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.rows_filter)
        table.setAccessibleName("Records in the file")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((58, 84, 140, 140, 150, 180)):
            table.setColumnWidth(column, width)
        # Space ticks or unticks every selected record (the check box column alone
        # would only toggle the current cell)
        QShortcut(QKeySequence(Qt.Key.Key_Space), table, self.toggle_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        return table

    def _rows_page(self) -> QWidget:
        self.rows_view_box = QComboBox()
        self.rows_view_box.addItems(list(FILTERS))
        self.rows_view_box.setAccessibleName("Show records")
        self.rows_view_box.currentTextChanged.connect(self._show_kind)
        show = QLabel("&Show:")
        show.setBuddy(self.rows_view_box)
        self.include_button = QPushButton("&Import selected")
        self.include_button.setAutoDefault(False)
        self.include_button.clicked.connect(lambda: self.choose_selected(True))
        self.leave_out_button = QPushButton("&Leave out selected")
        self.leave_out_button.setAutoDefault(False)
        self.leave_out_button.clicked.connect(lambda: self.choose_selected(False))
        self.left_out_label = QLabel()
        self.left_out_label.setAccessibleName("Left out by choice")
        bar = QHBoxLayout()
        bar.addWidget(show)
        bar.addWidget(self.rows_view_box)
        bar.addWidget(self.left_out_label, 1)
        bar.addWidget(self.include_button)
        bar.addWidget(self.leave_out_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.rows_table, 1)
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
            # only with counts that match the choices: what the user sees is what is saved
            n = self.rows_model.counts()
            self.next_button.setEnabled(self.rows_model.is_current() and any(
                n[k] for k in ("new", "updated", "organizations")))

    # -- reading -----------------------------------------------------------------------
    def start(self) -> None:
        """Read and preview the file in a worker."""
        path, mapping, imports = self.path, self.mapping, self.ctx.services.imports
        raw, encoding = self.raw, self.encoding
        self.working_label.setText(f"Reading {path.name}…")
        self.progress.setValue(0)
        self.status.clear()
        self.show_page("working")

        def work(progress: background.ProgressFn, cancelled: background.CancelFn) -> Any:
            data = raw if raw is not None else _read(path)
            fmt = reader.sniff_format(data, path.name)
            if fmt == "csv" and mapping is None:
                peek = csv_import.peek_csv(data, encoding=encoding)
                if peek.layout == "csv":
                    return _NeedsMapping(data, peek)
            result = reader.parse_contacts(
                data, fmt, filename=path.name, mapping=mapping, cancelled=cancelled,
                encoding=encoding,
                progress=lambda d, t: progress(d * 500 // max(t, 1), 1000))
            plan = imports.preview(result, cancelled=cancelled,
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
        self.encoding_box.setItemText(0, f"As detected ({p.encoding})" if self.encoding is None
                                      else "As detected")
        self.encoding_box.setCurrentIndex(max(0, self.encoding_box.findData(self.encoding)))
        self.create_duplicates.setVisible(p.count("duplicate") > 0)
        self.rows_model.set_preview(p)  # fills the counts too
        self.rows_view_box.setCurrentIndex(0)
        fill_table(self.errors_table, [[e.where, e.reason] for e in p.errors])
        fill_table(self.warnings_table, [[w.where, w.reason] for w in p.warnings])
        self.tabs.setTabText(0, f"Records ({len(p.rows):,})")
        self.tabs.setTabText(1, f"Errors ({len(p.errors)})")
        self.tabs.setTabText(2, f"Warnings ({len(p.warnings)})")
        if p.errors and not (p.new or p.updated):
            self.tabs.setCurrentIndex(1)
        self.show_page("preview")
        self.next_button.setFocus()
        if not self.next_button.isEnabled():
            self.status.setText("Nothing to import: every record is already here or has an "
                                "error.")

    def _encoding_chosen(self, index: int) -> None:
        """Read the file again in the encoding the user chose (its preview again too)."""
        chosen = self.encoding_box.itemData(index)
        if chosen == self.encoding:
            return
        self.encoding = chosen
        self.start()

    # -- choices -----------------------------------------------------------------------
    def _choices_changed(self) -> None:
        """What a choice settles by itself shows at once (the left-out count, the
        all-duplicates box); the other counts need a new plan, since a choice can change
        other rows too (a row merged into one now left out becomes its own contact)."""
        n = self.rows_model.counts()
        self.left_out_label.setText(f"{plural(n['left_out'], 'record')} left out by your "
                                    "choice" if n["left_out"] else "")
        ticked, total = self.rows_model.duplicates_included()
        state = (Qt.CheckState.Unchecked if not ticked else Qt.CheckState.Checked
                 if ticked == total else Qt.CheckState.PartiallyChecked)
        self.create_duplicates.setTristate(state == Qt.CheckState.PartiallyChecked)
        self.create_duplicates.setCheckState(state)
        self.replan_job.cancel()  # a plan under way is for choices that no longer hold
        if self.rows_model.is_current():  # e.g. a record ticked out and back in
            self.replan_timer.stop()
            self._show_counts()
        else:
            self.replan_timer.start()  # restarted by every click: one plan per burst
            self._show_updating()

    def _show_counts(self) -> None:
        """The latest plan's figures; Import follows them."""
        if not self.rows_model.is_current():
            return
        n = self.rows_model.counts()
        texts = {"new": count_text(n["new"], "new contact", "new contacts"),
                 "updated": count_text(n["updated"], "updated", "updated", " (same email)"),
                 "unchanged": count_text(n["unchanged"], "already up to date",
                                         "already up to date"),
                 "duplicates": count_text(n["duplicates"], "probable duplicate",
                                          "probable duplicates"),
                 "organizations": count_text(n["organizations"], "new organization",
                                             "new organizations"),
                 "errors": count_text(n["errors"], "row with errors", "rows with errors")}
        for key, label in self.counts.items():
            label.setText(texts[key])
            label.setEnabled(True)
        self.counts_state.clear()
        self._follow_duplicates_box()
        if self.page_name == "preview":
            self._update_buttons()
            self.status.setText("" if self.next_button.isEnabled() else
                                "Nothing to import: every record is already here, has an "
                                "error or is left out.")

    def _follow_duplicates_box(self) -> None:
        """Shown once there are probable duplicates, then only enabled or not: hiding
        it would move the table under the user's pointer (and with 100,000 records
        selected, Qt takes seconds over a table that changes size)."""
        has_duplicates = self.rows_model.duplicates_included()[1] > 0
        if has_duplicates and self.create_duplicates.isHidden():
            self.create_duplicates.show()
        self.create_duplicates.setEnabled(has_duplicates)

    def _show_updating(self) -> None:
        """The counts are greyed out and Import waits until they match the choices."""
        for label in self.counts.values():
            label.setEnabled(False)
        self.counts_state.setText("<i>Updating…</i>")
        self.counts_state.setToolTip("Working out what your choices change")
        if self.page_name == "preview":
            self._update_buttons()
            self.status.setText("Import is available once the counts are updated.")

    def _replan(self) -> None:
        """Plan again with the user's choices, off the GUI thread (about 2 s for 100,000
        records); a result for choices that have changed since is dropped
        (`ImportRowsModel.apply_plan`), and so is one for a file read again since."""
        parsed = self.result_
        if parsed is None or self.rows_model.is_current():
            return
        imports, options = self.ctx.services.imports, self.options()

        def work(_progress: background.ProgressFn, cancelled: background.CancelFn) -> ImportPreview:
            return imports.preview(parsed, options, cancelled=cancelled)

        def done(plan: ImportPreview) -> None:
            if parsed is self.result_ and self.rows_model.apply_plan(plan,
                                                                     options.row_choices):
                self.preview = plan

        self.replan_job.start(work, done, self._on_replan_failed)

    def _on_replan_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportCancelled):  # superseded by a newer choice
            return
        self.counts_state.setText("<i>Not updated</i>")
        self.status.setText(f"The counts could not be updated: {exc} Change a choice to "
                            "try again.")
        if not isinstance(exc, CoordinatorError):
            raise exc  # reaches the application's error dialog

    def _all_duplicates_clicked(self) -> None:
        # a click on a partly ticked box ticks them all
        include = self.create_duplicates.checkState() != Qt.CheckState.Unchecked
        self.rows_model.set_all_duplicates(include)

    def _show_kind(self, label: str) -> None:
        self.rows_filter.set_kinds(FILTERS.get(label, frozenset()))

    def _selected_positions(self) -> list[int]:
        """Source positions of the selected records, read from the selection's ranges:
        `selectedRows()` asks for every cell's flags (seconds for 100,000 rows)."""
        shown: set[int] = set()
        for part in self.rows_table.selectionModel().selection():
            shown.update(range(part.top(), part.bottom() + 1))
        return sorted(self.rows_filter.source_rows(shown))

    def choose_selected(self, include: bool) -> None:
        """Import (or leave out) every selected record that offers the choice."""
        positions = self._selected_positions()
        changed = self.rows_model.set_included(positions, include)
        if positions and not changed:
            self.status.setText("The selected records have no choice to make "
                                "(up to date, or already as chosen).")

    def toggle_selected(self) -> None:
        positions = [p for p in self._selected_positions() if self.rows_model.choosable(p)]
        if positions:
            self.rows_model.set_included(positions, not self.rows_model.included(positions[0]))

    # -- buttons -----------------------------------------------------------------------
    def _stop_replanning(self) -> None:
        self.replan_timer.stop()
        self.replan_job.cancel()

    def go_back(self) -> None:
        if self.page_name == "preview" and self.mapping_panel is not None:
            self._stop_replanning()
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
        """The user's choices: probable duplicates stay out unless ticked one by one (or
        all at once), and any record can be left out."""
        return ImportOptions(duplicates="skip", source=self.path.name,
                             row_choices=self.rows_model.row_choices())

    def run_import(self) -> None:
        """Back up, then save everything in one transaction (in a worker)."""
        imports, result, options = self.ctx.services.imports, self.result_, self.options()
        db_path = self.ctx.db_path
        assert result is not None
        self._stop_replanning()  # Import is enabled only once the plan is current
        self.working_label.setText("Backing up the database, then importing…")
        self.progress.setValue(0)
        self.status.clear()
        self.show_page("working")

        def work(progress: background.ProgressFn, cancelled: background.CancelFn) -> ImportReport:
            BackupManager(db_path).backup_now(BEFORE_IMPORT)
            return imports.apply(result, options, progress=progress, cancelled=cancelled)

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
        stack = self.ctx.undo_stack
        if stack is not None:  # Edit ▸ Undo right after an import takes the import back
            stack.push(ImportCommand(self.ctx, report.batch_id, self.path.name,
                                     self.parentWidget()))
        undo = QKeySequence(QKeySequence.StandardKey.Undo).toString(
            QKeySequence.SequenceFormat.NativeText)
        self.done_label.setText(
            "Imported from " + self.path.name + ":\n\n• " + "\n• ".join(parts)
            + f"\n\nThe import is recorded as batch {report.batch_id[:8]}; the database was "
            "backed up first. To take it back, "
            + (f"press {undo} or use " if stack is not None else "use ") + "Edit → Undo Import…")
        self.ctx.status_message.emit(
            f"Imported {plural(report.created, 'new contact')} and updated "
            f"{report.updated:,} from {self.path.name}.", 8000)
        self.show_page("done")
        if self._close_when_done:
            super().reject()

    def undo_this_import(self) -> None:
        if self.report is None:
            return
        imports, batch_id = self.ctx.services.imports, self.report.batch_id
        try:
            undone = background.wait_for(self.ctx, lambda: imports.undo(batch_id), self,
                                         "Undoing the import…")
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Undo import", str(exc))
            return
        self.report = None
        self.undo_now.setEnabled(False)
        self.done_label.setText(f"The import was undone: {describe_undo(undone)}.")

    def reject(self) -> None:
        self._stop_replanning()
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


def count_text(n: int, one: str, many: str, extra: str = "") -> str:
    """'<b>1,204</b> new contacts' for the preview's counts."""
    return f"<b>{n:,}</b> {one if n == 1 else many}{extra}"


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
    if ctx.read_only:
        QMessageBox.information(parent, "Import contacts", "This database is open read-only; "
                                "nothing can be imported into it.")
        return None
    chosen = Path(path) if path else choose_file(ctx, parent)
    if chosen is None:
        return None
    dialog = ImportDialog(ctx, chosen, parent)
    dialog.start()
    background.run_modal(dialog)
    report = dialog.report
    dialog.deleteLater()
    return report
