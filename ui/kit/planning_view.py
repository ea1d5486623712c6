"""Shared parts of the planning views (Proposals, Meetings): a table over the kit's lazy
model (sorted and filtered in SQL), a header menu that shows and hides columns, a reload
that runs off the GUI thread shortly after the filters or the data change (the ids and
what else the view shows, in one task; selection and scroll stay), editor windows (one
per record), moving the selection to Trash, and the offer of text recovered from
drafts after a crash (see ui/drafts.py).

Each view keeps what is its own: its filters and layout, what one reload fetches and
how it is shown, its actions, its editor's signals and how recovered text goes back
into an editor. Column visibility is not saved: the views start with their defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QMenu,
    QTableView,
    QWidget,
)
from shiboken6 import isValid

from coordinator.changes import ChangeSet
from coordinator.errors import NotFound
from coordinator.reference import CONSORTIA
from coordinator.wording import plural
from ui.context import AppContext
from ui.kit.drafts import Draft, DraftStore
from ui.kit.editor import RecoveryBar
from ui.kit.lazy_table import build_lazy_table, select_ids, selected_ids, show_sort
from ui.kit.planning_table import CoverageDelegate, PlanningTableModel, coverage_width
from ui.kit.undo import DeleteCommand, let_go_of_selection
from ui.kit.views import FeatureView
from ui.widgets.columns import ReadableColumns
from ui.widgets.empty_state import EmptyState

RELOAD_DELAY_MS = 100  # typing and quick filter changes reload once

EditorT = TypeVar("EditorT", bound=QWidget)


def consortium_filter(*, names_as_tooltips: bool = False) -> QComboBox:
    """"Any consortium", then the seven by short name (reference data: no query)."""
    box = QComboBox()
    box.addItem("Any consortium", None)
    for c in CONSORTIA:
        box.addItem(c.short_name, c.id)
        if names_as_tooltips:
            box.setItemData(box.count() - 1, c.name, Qt.ItemDataRole.ToolTipRole)
    return box


class PlanningView(QWidget, FeatureView, Generic[EditorT]):
    """Base of the proposals and meetings views.

    A subclass sets `entity` ("proposal" / "meeting": drafts, services, messages),
    `reload_on` (the ChangeSet entities that make it reload), `always_shown` (columns
    the header menu does not offer) and `editor_class`; it builds its widgets in
    `_build` (calling `build_table`, placing `self.recovery`) and provides `loader`,
    `show_loaded`, `_update_actions`, `_table_menu`, `connect_editor`, `new_record`,
    `recovery_text` and `open_new_recovered`.
    """

    can_create = can_delete = True
    count_changed = Signal(int)
    loaded = Signal()  # after each (re)load: tests wait on it

    entity = ""
    reload_on: tuple[str, ...] = ()
    always_shown: tuple[int, ...] = ()
    editor_class: type[EditorT]
    model: PlanningTableModel[Any]
    table: QTableView

    def __init__(self, ctx: AppContext, drafts: DraftStore | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.drafts = drafts or DraftStore.shared()
        self.editors: dict[str, EditorT] = {}
        self.recovery = self._recovery_bar()
        self._build()
        ctx.changed.connect(self._on_changed)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.refresh)
        self.refresh()
        self._offer_recovered()

    def _build(self) -> None:
        raise NotImplementedError

    def _recovery_bar(self) -> RecoveryBar:
        bar = RecoveryBar()
        bar.use_button.setText("Open to review")
        bar.use_button.clicked.connect(self.open_recovered)
        bar.discard_button.clicked.connect(self.discard_recovered)
        return bar

    def reload_soon(self, *_changed: object) -> None:
        """Reload after a short pause (connected to filter widgets' change signals)."""
        self._reload_timer.start()

    # -- table ----------------------------------------------------------------------------
    def build_table(self, model: PlanningTableModel[Any], *, stretch: int, coverage: int,
                    widths: dict[int, int], hidden: Iterable[int] = (),
                    caps: dict[int, int] | None = None,
                    shrink: dict[int, int] | None = None) -> None:
        """`self.model` in `self.table`: `stretch` takes the spare width, `coverage`
        paints the consortium pills, `hidden` columns wait for the header menu. The
        other columns start at `widths`, then follow their content (at most `caps`;
        `shrink` ones give up width in a narrow window), and the user may drag any of
        them. A header click sorts in SQL. Double-click opens, right-click offers the
        view's actions."""
        self.model = model
        self.table = table = build_lazy_table(model)
        table.setItemDelegateForColumn(coverage, CoverageDelegate(self))
        header = table.horizontalHeader()
        for col, width in {coverage: coverage_width(self.font()), **widths}.items():
            table.setColumnWidth(col, width)
        header.setSectionResizeMode(coverage, QHeaderView.ResizeMode.Fixed)
        self.columns = ReadableColumns(table, stretch=(stretch,), fixed=(coverage,),
                                       caps=caps, shrink=shrink, stretch_min=220)
        for col in hidden:
            table.setColumnHidden(col, True)  # right-click the header to show them
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        table.doubleClicked.connect(self._open_index)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._table_menu)
        table.selectionModel().selectionChanged.connect(self._update_actions)

    def set_sort(self, column: int, order: Qt.SortOrder) -> None:
        """The order of the next reload, shown by the header's indicator."""
        if self.model.set_sort(column, order):
            show_sort(self.table)

    def _header_menu(self, pos: object) -> None:
        menu = QMenu(self)
        for col, name in enumerate(self.model.HEADERS):
            if col in self.always_shown:
                continue
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(col))
            action.toggled.connect(lambda on, c=col: self.table.setColumnHidden(c, not on))
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))  # type: ignore[arg-type]

    def _table_menu(self, pos: object) -> None:
        raise NotImplementedError

    def popup_row_menu(self, menu: QMenu, pos: object) -> None:
        """End a right-click menu of the table with "Move to Trash" and show it at `pos`."""
        menu.addSeparator()
        menu.addAction("Move to Trash", self.delete_selected)
        menu.exec(self.table.viewport().mapToGlobal(pos))  # type: ignore[arg-type]

    def _update_actions(self) -> None:
        raise NotImplementedError

    # -- empty state ------------------------------------------------------------------
    empty_text = ""  # what a record of this view is, for the empty state
    empty_state: EmptyState

    def update_empty_state(self, shown: int, total: int) -> None:
        """Instead of an empty grid: say what the view holds and offer the first record,
        or, when the filters hide every record, offer to clear them."""
        noun = self.entity
        if total == 0:
            self.empty_state.show_state(f"No {noun}s yet", self.empty_text,
                                        f"New {noun} (Ctrl+N)", self.new_record)
        elif shown == 0:
            self.empty_state.show_state(
                f"No {noun}s match the filter",
                f"{plural(total, noun)} in all; the filters hide every one.",
                "Clear filter", self.clear_filters)
        else:
            self.empty_state.show_state(None)

    def clear_filters(self) -> None:
        """Reset every filter so that every record shows."""
        raise NotImplementedError

    # -- loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """List the ids of the filters' records and load what else the view shows, off
        the GUI thread; the same filters as shown keep the selection and the scroll."""
        f = self.current_filter()
        keep = f == self.model.filter
        self.model.filter = f
        listing, extra = self.model.lister_with_rows(), self.loader()
        self._keep = keep
        self.ctx.tasks.run(lambda: (listing(), extra()), on_done=self._show,
                           key=f"{self.entity}s-view-{id(self)}")

    def current_filter(self) -> Any:
        """The filter the view's widgets describe (the service's filter class)."""
        raise NotImplementedError

    def loader(self) -> Callable[[], Any]:
        """What one reload fetches besides the ids (counts, the filters' choices), run
        off the GUI thread; the filters are read now."""
        raise NotImplementedError

    def _show(self, result: tuple[tuple[list[str], list[Any]], Any]) -> None:
        if not isValid(self.table):  # a late result for a view already closed
            return
        (ids, rows), extra = result
        keep = self._keep
        selected = set(self.selected_ids())
        self.model.show_ids(ids, keep=keep, rows=rows)
        if not keep:  # new filters: what was selected and is still listed stays so
            select_ids(self.table, selected)
        self.show_loaded(extra)
        self.columns.fit_new_rows()
        self.loaded.emit()

    def show_loaded(self, result: Any) -> None:
        """Put what `loader` returned on screen (GUI thread)."""
        raise NotImplementedError

    def _on_changed(self, changes: ChangeSet) -> None:
        # Stale rows are dropped now (fetched again when shown), the ids listed soon.
        if self.model.forget_changed(changes) or changes.touches(*self.reload_on):
            self._reload_timer.start()

    # -- selection --------------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        return selected_ids(self.table)

    def _service(self) -> Any:
        """The service of this view's records (`services.meetings`, `.proposals`)."""
        return getattr(self.ctx.services, f"{self.entity}s")

    def delete_selected(self) -> None:
        """Move the selected records to Trash in one go (in the background with a
        progress dialog when there are many); one undo step brings them all back."""
        ids = self.selected_ids()
        if not ids:
            return
        label = plural(len(ids), self.entity) if len(ids) > 1 else self.entity
        command = DeleteCommand(self.ctx, self.entity, ids, f"Move {label} to Trash",
                                parent=self.window())
        let_go_of_selection(self.table, len(ids))
        stack = self.ctx.undo_stack
        if stack is not None:
            stack.push(command)
        else:
            command.redo()

    # -- editors ----------------------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        record_id = self.model.id_at(index.row())
        if record_id is not None:
            self.open_record(record_id)

    def make_editor(self, record_id: str | None) -> EditorT:
        return self.editor_class(self.ctx, record_id, drafts=self.drafts,  # type: ignore[call-arg]
                                 parent=self)

    def connect_editor(self, editor: EditorT) -> None:
        """Connect what the editor asks the view to open (links to other records)."""
        raise NotImplementedError

    def as_window(self, editor: EditorT) -> EditorT:
        """The editor as a window of its own, deleted when closed."""
        editor.setWindowFlag(Qt.WindowType.Window, True)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.connect_editor(editor)
        return editor

    @staticmethod
    def bring_forward(editor: EditorT) -> EditorT:
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def open_record(self, record_id: str) -> EditorT | None:
        """The record's editor window, brought forward if it is already open."""
        editor = self.open_editor(record_id)
        if editor is not None:
            editor.raise_()
            editor.activateWindow()
            return editor
        try:
            editor = self.as_window(self.make_editor(record_id))
        except NotFound:
            self.ctx.status_message.emit(
                f"That {self.entity} is no longer there (in Trash?).", 5000)
            return None
        self.remember_editor(record_id, editor)
        return self.bring_forward(editor)

    def open_editor(self, record_id: str) -> EditorT | None:
        """The editor window open on `record_id`, if any (a closed one is forgotten)."""
        editor = self.editors.get(record_id)
        if editor is None:
            return None
        if not isValid(editor) or not editor.isVisible():
            self.editors.pop(record_id, None)
            return None
        return editor

    def remember_editor(self, record_id: str, editor: EditorT) -> None:
        """Bring `editor` forward when `record_id` is opened again, until it closes.

        Editors are deleted some time after they close: `open_editor` skips a hidden or
        deleted one, and destruction forgets it, so a closed editor is never reused."""
        if self.editors.get(record_id) is editor:
            return
        self.editors[record_id] = editor
        editor.destroyed.connect(lambda _=None, r=record_id: self.editors.pop(r, None))

    def new_record(self) -> EditorT:
        raise NotImplementedError

    # -- recovered drafts -------------------------------------------------------------------
    def _first_recovered(self) -> list[Draft]:
        """The first recovered draft of each record, in the store's order."""
        first: dict[str, Draft] = {}
        for draft in self.drafts.for_entity(self.entity):
            first.setdefault(draft.record_id, draft)
        return list(first.values())

    def recovered_record_ids(self) -> list[str]:
        return [d.record_id for d in self._first_recovered()]

    def _offer_recovered(self) -> None:
        drafts = self.drafts.for_entity(self.entity)
        if not drafts:
            self.recovery.hide()
            return
        titles = list(dict.fromkeys(d.record_title or f"a new {self.entity}" for d in drafts))
        self.recovery.label.setText(self.recovery_text(titles))
        self.recovery.show()

    def recovery_text(self, titles: list[str]) -> str:
        """What the bar says was recovered, naming the records by `titles`."""
        names = ", ".join(f"“{t}”" for t in titles[:3])
        more = f" and {len(titles) - 3} more" if len(titles) > 3 else ""
        return (f"Coordinator closed while {self.entity}s were being edited. Unsaved changes "
                f"were recovered for {names}{more}.")

    def open_recovered(self) -> list[EditorT]:
        """Open an editor for each record with recovered text; each offers the text.
        Text of a record deleted since is dropped."""
        editors = []
        for draft in self._first_recovered():
            record_id = draft.record_id
            if draft.key.is_new_record:
                editor: EditorT | None = self.open_new_recovered(draft)
            elif self._service().exists(record_id):
                editor = self.open_record(record_id)
                if editor is None:
                    continue
                self.use_recovered(editor)
            else:
                self.drafts.discard_record(self.entity, record_id)
                continue
            editors.append(editor)
        self.recovery.hide()
        return editors

    def open_new_recovered(self, draft: Draft) -> EditorT:
        """A new editor holding the recovered text of a record never saved."""
        raise NotImplementedError

    def use_recovered(self, editor: EditorT) -> None:
        editor.use_recovered()  # type: ignore[attr-defined]

    def discard_recovered(self) -> None:
        for record_id in self.recovered_record_ids():
            self.drafts.discard_record(self.entity, record_id)
        self.recovery.hide()


__all__ = ["PlanningView", "consortium_filter"]
