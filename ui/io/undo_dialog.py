"""Edit → Undo Import…: the list of past imports (and merges) with Undo.

    undo_import(ctx, parent)   # the UndoReport of the last undo made, or None

Undo (`services.imports.undo`, one transaction) removes what the import created (a
contact that other records now point at goes to Trash instead) and puts back what
it updated; undoing a merge restores the other record and re-points its links.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import CoordinatorError
from coordinator.formats.batches import BatchInfo, UndoReport
from ui.io.common import fill_table, local_time, read_only_table
from ui.kit import background
from ui.kit.undo import describe_preview, describe_undo
from ui.widgets.forms import MARGIN

if TYPE_CHECKING:
    from ui.context import AppContext


def describe_batch(b: BatchInfo) -> str:
    if b.format == "merge":
        return f"merge {b.source}"
    return f"import of {b.source or 'a file'}"








class UndoImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.batches: list[BatchInfo] = []
        self.last_report: UndoReport | None = None
        self.setWindowTitle("Undo an import")
        intro = QLabel("Every import and every merge is recorded. Undo removes what it "
                       "created and puts back what it changed.")
        intro.setWordWrap(True)
        self.table = read_only_table(["When", "What", "Format", "Created", "Updated",
                                      "New organizations", "Status"], "Imports")
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Undo status")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setAccessibleName("Undo import")
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.undo_button.clicked.connect(self.undo_selected)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(820, 420)
        self.refresh()

    def refresh(self) -> None:
        self.batches = self.ctx.services.imports.batches()
        rows = []
        for b in self.batches:
            what = (f"Merge: {b.source}" if b.format == "merge"
                    else f"Import: {b.source or '(no file name)'}")
            status = f"undone {local_time(b.undone_at)}" if b.undone_at else "in effect"
            rows.append([local_time(b.created_at), what,
                         "" if b.format == "merge" else b.format,
                         b.created_count, b.updated_count, b.organizations_created, status])
        fill_table(self.table, rows)
        if not rows:
            self.status.setText("No imports yet.")
        for i, b in enumerate(self.batches):
            if b.undone_at is None:
                self.table.selectRow(i)
                break
        self._update_buttons()

    def selected(self) -> BatchInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.batches[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        b = self.selected()
        self.undo_button.setEnabled(b is not None and b.undone_at is None)

    def undo_selected(self) -> UndoReport | None:
        b = self.selected()
        if b is None or b.undone_at is not None:
            return None
        imports = self.ctx.services.imports
        try:  # reads every id the batch created: off the GUI thread
            preview = background.wait_for(self.ctx, lambda: imports.undo_preview(b.id), self,
                                          "Looking at what the undo would change…")
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Undo", str(exc))
            return None
        answer = QMessageBox.question(
            self, "Undo", f"Undo the {describe_batch(b)} of {local_time(b.created_at)}?"
            f"\n\n{describe_preview(preview)}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return None
        batch_id = b.id
        try:
            report = background.wait_for(self.ctx, lambda: imports.undo(batch_id), self,
                                         "Undoing…")
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Undo", str(exc))
            self.refresh()
            return None
        self.last_report = report
        text = f"Undone: {describe_undo(report)}."
        self.status.setText(text)
        self.ctx.status_message.emit(text, 8000)
        self.refresh()
        self.status.setText(text)
        return report


def undo_import(ctx: AppContext, parent: QWidget | None = None) -> UndoReport | None:
    """Show past imports and merges; returns the report of the last undo made."""
    dialog = UndoImportDialog(ctx, parent)
    background.run_modal(dialog)
    report = dialog.last_report
    dialog.deleteLater()
    return report
