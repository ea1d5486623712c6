"""The Trash view: deleted records, to restore (undoable) or delete for good (confirmed),
in the kit's lazy table (listed and sorted in SQL by `services.trash`).

Restoring a selection is one undo step whatever kinds it holds, and goes in bulk; from
`undo.BACKGROUND_FROM` records it runs on the task pool with a progress dialog.

Deleting for good (the selection, or the whole Trash) runs on the task pool: with tens
of thousands of records it takes seconds, and the window must keep painting. While it
runs the buttons are off and a bar shows the percentage purged (the service reports
each chunk of records); its result refreshes the table, and a failure (nothing was
deleted: all or none) is shown in a message. A result that arrives after the view was
closed only reaches the status bar."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import CoordinatorError
from coordinator.services import Services
from coordinator.services.base import Progress
from coordinator.services.trash import TrashItem
from coordinator.wording import plural
from ui.kit import background
from ui.kit.background import PROGRESS_DELAY_MS, is_alive
from ui.kit.lazy_table import (
    Column,
    LazyTableModel,
    TableSpec,
    build_lazy_table,
    selected_ids,
)
from ui.kit.roles import ENTITY_ROLE
from ui.kit.undo import RestoreCommand, describe, let_go_of_selection
from ui.kit.views import FeatureView
from ui.tasks import TaskRunner
from ui.widgets.forms import SPACING

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

KINDS = {"contact": "Contact", "organization": "Organization", "proposal": "Proposal",
         "meeting": "Meeting"}
NAME, KIND, DELETED = range(3)
COLUMNS: list[Column[TrashItem]] = [
    Column("Name", lambda t, _c: t.title or "(untitled)", "name",
           tooltip=lambda t, _c: t.title or None),
    Column("Kind", lambda t, _c: KINDS.get(t.entity, t.entity), "kind"),
    Column("Deleted", lambda t, _c: t.deleted_at.astimezone().strftime("%Y-%m-%d %H:%M")
           if t.deleted_at else "", "deleted"),
]


DeletedBy = Callable[[str, list[str]], dict[str, str]]


def trash_spec(services: Services, deleted_by: DeletedBy | None = None
               ) -> TableSpec[TrashItem]:
    """The Trash's table; with `deleted_by` (a database that syncs with a team hub), a
    "Deleted by" column names who deleted each record."""
    trash = services.trash
    columns = COLUMNS
    fetch: Callable[[list[str]], list[TrashItem]] = trash.rows
    if deleted_by is not None:
        who: dict[str, str] = {}

        def fetch_with_who(ids: list[str]) -> list[TrashItem]:
            rows = trash.rows(ids)
            by_entity: dict[str, list[str]] = defaultdict(list)
            for row in rows:
                by_entity[row.entity].append(row.id)
            for entity, some in by_entity.items():
                who.update(deleted_by(entity, some))
            return rows

        fetch = fetch_with_who
        columns = [*COLUMNS, Column("Deleted by", lambda t, _c: who.get(t.id, ""))]
    return TableSpec(
        columns=columns,
        list_ids=lambda _f, sort, desc: trash.ids(sort=sort, descending=desc),
        fetch=fetch, entities=tuple(KINDS), default_sort=DELETED,
        default_descending=True, row_roles={ENTITY_ROLE: lambda t, _c: t.entity})


class _PurgeProgress(QObject):
    """Carries a purge's (done, total) from its worker thread to the GUI thread. Owned
    by the task runner, not the view: a view closed meanwhile only disconnects, and the
    worker never emits through a deleted object."""

    progressed = Signal(int, int)


EMPTY_TEXT = ("Trash is empty.\nDeleted records wait here until you restore them "
              "or delete them for good.")


class TrashView(QWidget, FeatureView):
    can_delete = True  # for good

    count_changed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Trash")
        from ui.hub.editors import deleted_by

        # A database that syncs with a team hub says who deleted what: the column is
        # there always and shown while the database is joined (also after joining later).
        self.model: LazyTableModel[TrashItem] = LazyTableModel(
            trash_spec(ctx.services, deleted_by(ctx)), ctx.tasks, self)
        self.model.loaded.connect(self._on_loaded)
        self.table = build_lazy_table(self.model)  # the latest deleted first
        self.table.setAccessibleName("Records in Trash")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        syncer = ctx.hub_sync
        state = getattr(syncer, "state", None)
        self._show_deleted_by(state.joined if state is not None and state.known
                              else ctx.hub.status().joined)
        if syncer is not None:
            syncer.changed.connect(self._on_hub_state)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.resizeSection(NAME, 360)
        header.resizeSection(KIND, 130)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setAccessibleName("Restore selected")
        self.restore_button.clicked.connect(self.restore_selected)
        self.purge_button = QPushButton("Delete for &good…")
        self.purge_button.setAccessibleName("Delete selected for good")
        self.purge_button.clicked.connect(self.delete_selected)
        self.empty_button = QPushButton("&Empty Trash…")
        self.empty_button.setAccessibleName("Empty Trash")
        self.empty_button.clicked.connect(self.empty_trash)
        self.purging = False  # a delete for good is running on the task pool
        self.confirm_box: QMessageBox | None = None
        self.busy = QProgressBar()  # busy, then the percentage purged as chunks go
        self.busy.setFormat("%p%")
        self.busy.setMaximumWidth(160)
        self.busy.setAccessibleName("Deleting for good")
        self.busy.hide()
        self.busy_label = QLabel()
        self.busy_label.hide()
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.timeout.connect(self._show_busy)
        bar = QHBoxLayout()
        bar.addWidget(self.restore_button)
        bar.addWidget(self.purge_button)
        bar.addStretch(1)
        bar.addWidget(self.busy_label)
        bar.addWidget(self.busy)
        bar.addWidget(self.empty_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACING, SPACING, SPACING, SPACING)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        # A change in Trash is merged: the selection and the scroll stay.
        ctx.changed.connect(self.model.apply_changes)
        self.refresh()

    def refresh(self) -> None:
        self.model.refresh()

    def _on_hub_state(self, state: object) -> None:
        self._show_deleted_by(bool(getattr(state, "joined", False)))

    def _show_deleted_by(self, joined: bool) -> None:
        self.table.setColumnHidden(len(COLUMNS), not joined)

    def _on_loaded(self, count: int) -> None:
        self.table.setVisible(bool(count))
        self.empty.setVisible(not count)
        self._update_buttons()
        self.count_changed.emit(count)

    def _update_buttons(self) -> None:
        has = self.table.selectionModel().hasSelection() and not self.purging
        self.restore_button.setEnabled(has)
        self.purge_button.setEnabled(has)
        self.empty_button.setEnabled(self.model.rowCount() > 0 and not self.purging)

    def _selection(self) -> dict[str, list[str]]:
        """The selected ids by kind, read in a few queries: asking the table for each
        row's record fetched 20,000 selected rows window by window (2.5 s)."""
        return self.ctx.services.trash.kinds(self.selected_ids())

    def selected_ids(self) -> list[str]:
        return selected_ids(self.table)

    def restore_selected(self) -> None:
        """Bring the selection back in one go (every kind at once, off the GUI thread
        with a progress dialog when there are many); one undo step moves it back."""
        selection = self._selection()
        if not selection or self.purging:
            return
        command = RestoreCommand(self.ctx, selection, parent=self.window())
        let_go_of_selection(self.table, sum(len(ids) for ids in selection.values()))
        stack = self.ctx.undo_stack
        if stack is not None:
            stack.push(command)
        else:
            command.redo()

    def delete_selected(self) -> None:
        """Purge the selection, after confirmation (this cannot be undone)."""
        selection = self._selection()
        if not selection or self.purging:
            return
        what = ", ".join(describe(e, len(ids)) for e, ids in selection.items())
        if not self._confirm("Delete for good?",
                             f"Delete {what} for good? This cannot be undone."):
            return
        trash = self.ctx.services.trash
        self._purge(lambda progress: trash.purge_many(selection, progress=progress),
                    f"Deleting {what} for good…",
                    lambda _none: f"Deleted {what} for good.", "Could not delete")

    def empty_trash(self) -> None:
        count = self.model.rowCount()
        if not count or self.purging:
            return
        if not self._confirm(
                "Empty Trash?",
                f"Delete {'the' if count == 1 else 'all'} {plural(count, 'record')} in "
                "Trash for good? This cannot be undone."):
            return
        # Purging many records and giving the space back take time.
        trash = self.ctx.services.trash
        self._purge(lambda progress: trash.empty(progress=progress), "Emptying Trash…",
                    lambda purged: f"Emptied Trash ({plural(purged, 'record')}).",
                    "Could not empty Trash")

    def _confirm(self, title: str, text: str) -> bool:
        """A warning with Yes and Cancel (Cancel the default); True for Yes."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm_box = box
        try:
            background.run_modal(box)
            return box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        finally:
            self.confirm_box = None
            box.deleteLater()

    def _purge(self, work: Callable[[Progress], object], label: str,
               done_text: Callable[[object], str], failed_title: str) -> None:
        """Run `work(progress)` on the task pool with the buttons off, its progress in
        the busy bar; then refresh and say how it went. Only the status bar hears of it
        once this view is gone."""
        ctx = self.ctx
        self._set_purging(True, label)
        reporter = _PurgeProgress(ctx.tasks)
        reporter.progressed.connect(self._on_progress)

        def done(result: object) -> None:
            reporter.deleteLater()
            if is_alive(self):
                self._set_purging(False)
                self.refresh()
            ctx.status_message.emit(done_text(result), 5000)

        def failed(exc: BaseException) -> None:
            reporter.deleteLater()
            # Nothing was deleted: the purge is one unit of work, all or none.
            if is_alive(self):
                self._set_purging(False)
            if not isinstance(exc, CoordinatorError):  # a bug: the application's error hook
                report = TaskRunner.default_error_handler
                if report is None:
                    log.error("delete for good failed", exc_info=exc)
                else:
                    report(exc)
            elif is_alive(self):
                QMessageBox.warning(self, failed_title, str(exc))
            else:
                ctx.status_message.emit(f"{failed_title}: {exc}", 10000)

        ctx.tasks.run(lambda: work(reporter.progressed.emit), on_done=done, on_error=failed)

    def _on_progress(self, done: int, total: int) -> None:
        if self.purging and total > 0:
            self.busy.setRange(0, 100)
            self.busy.setValue(done * 100 // total)
            self.busy.setTextVisible(True)

    def _set_purging(self, running: bool, label: str = "") -> None:
        self.purging = running
        self.busy_label.setText(label)
        if running:
            self.busy.setRange(0, 0)  # busy until the first chunk is counted
            self.busy.setTextVisible(False)
            self._busy_timer.start(PROGRESS_DELAY_MS)  # a quick purge never flashes it
        else:
            self._busy_timer.stop()
            self.busy.hide()
            self.busy_label.hide()
        self._update_buttons()

    def _show_busy(self) -> None:
        if self.purging:
            self.busy_label.show()
            self.busy.show()

    def open_record(self, record_id: str) -> None:
        row = self.model.row_of(record_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
