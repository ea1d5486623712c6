"""The Trash view: deleted records, to restore (undoable) or delete for good (confirmed)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import CoordinatorError
from coordinator.wording import plural
from ui.kit.roles import ENTITY_ROLE, ID_ROLE
from ui.kit.undo import RestoreCommand, describe
from ui.kit.views import FeatureView
from ui.widgets.forms import SPACING

if TYPE_CHECKING:
    from ui.context import AppContext

KINDS = {"contact": "Contact", "organization": "Organization", "proposal": "Proposal",
         "meeting": "Meeting"}
EMPTY_TEXT = ("Trash is empty.\nDeleted records wait here until you restore them "
              "or delete them for good.")


class TrashView(QWidget, FeatureView):
    can_delete = True  # for good

    count_changed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Trash")
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Records in Trash")
        self.tree.setHeaderLabels(["Name", "Kind", "Deleted"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSortingEnabled(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.header().resizeSection(0, 360)
        self.tree.header().resizeSection(1, 130)
        self.tree.sortByColumn(2, Qt.SortOrder.DescendingOrder)
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
        bar = QHBoxLayout()
        bar.addWidget(self.restore_button)
        bar.addWidget(self.purge_button)
        bar.addStretch(1)
        bar.addWidget(self.empty_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACING, SPACING, SPACING, SPACING)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty, 1)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        ctx.changed.connect(lambda _c: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        items = self.ctx.services.trash.list()
        self.tree.setSortingEnabled(False)
        self.tree.clear()
        for t in items:
            when = t.deleted_at.astimezone().strftime("%Y-%m-%d %H:%M") if t.deleted_at else ""
            item = QTreeWidgetItem([t.title or "(untitled)", KINDS.get(t.entity, t.entity), when])
            item.setData(0, ENTITY_ROLE, t.entity)
            item.setData(0, ID_ROLE, t.id)
            item.setToolTip(0, t.title)
            self.tree.addTopLevelItem(item)
        self.tree.setSortingEnabled(True)
        self.tree.setVisible(bool(items))
        self.empty.setVisible(not items)
        self.empty_button.setEnabled(bool(items))
        self._update_buttons()
        self.count_changed.emit(len(items))

    def _update_buttons(self) -> None:
        has = bool(self.tree.selectedItems())
        self.restore_button.setEnabled(has)
        self.purge_button.setEnabled(has)

    def _selection(self) -> dict[str, list[str]]:
        by_entity: dict[str, list[str]] = defaultdict(list)
        for item in self.tree.selectedItems():
            by_entity[item.data(0, ENTITY_ROLE)].append(item.data(0, ID_ROLE))
        return dict(by_entity)

    def selected_ids(self) -> list[str]:
        return [i for ids in self._selection().values() for i in ids]

    def restore_selected(self) -> None:
        stack = self.ctx.undo_stack
        for entity, ids in self._selection().items():
            command = RestoreCommand(self.ctx, entity, ids)
            if stack is not None:
                stack.push(command)
            else:
                command.redo()

    def delete_selected(self) -> None:
        """Purge the selection, after confirmation (this cannot be undone)."""
        selection = self._selection()
        if not selection:
            return
        what = ", ".join(describe(e, len(ids)) for e, ids in selection.items())
        answer = QMessageBox.warning(
            self, "Delete for good?",
            f"Delete {what} for good? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.ctx.services.trash.purge_many(selection)
        except CoordinatorError as exc:  # nothing was deleted: all or none
            QMessageBox.warning(self, "Could not delete", str(exc))
            return
        self.ctx.status_message.emit(f"Deleted {what} for good.", 5000)

    def empty_trash(self) -> None:
        count = self.tree.topLevelItemCount()
        if not count:
            return
        answer = QMessageBox.warning(
            self, "Empty Trash?",
            f"Delete {'the' if count == 1 else 'all'} {plural(count, 'record')} in Trash "
            "for good? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        from ui.kit.background import wait_for

        try:  # off the GUI thread: purging many records and giving the space back take time
            purged = wait_for(self.ctx, self.ctx.services.trash.empty, self, "Emptying Trash…")
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Could not empty Trash", str(exc))
            return
        self.ctx.status_message.emit(f"Emptied Trash ({plural(purged, 'record')}).", 5000)

    def open_record(self, record_id: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, ID_ROLE) == record_id:
                self.tree.setCurrentItem(item)
                return
