"""`LazyTableModel`, the one table model of every list (contacts, organizations, proposals,
meetings, action items, Trash): it holds the ordered ids of the current filter and sort,
and fetches the rows a view shows a page at a time.

    spec = TableSpec(columns=COLUMNS, list_ids=services.proposals.ids,
                     fetch=services.proposals.rows, entities=("proposal",),
                     related=("organization", "contact"))
    model = LazyTableModel(spec, ctx.tasks)
    model.set_filter(ProposalFilter(status="drafting"))   # ids listed again (SQL)
    model.sort(column, order)                              # by the column's service sort key
    model.apply_changes(changes)                           # after a committed write

A feature declares its columns as data (`Column`: header, cell text, service sort key,
alignment, tooltip, other roles) and gives two service calls: `list_ids(filter, sort,
descending)` -> ids in display order (one cheap query), and `fetch(ids)` -> rows. Sorting
and filtering happen in SQL: never put a QSortFilterProxyModel over this model (it would
sort the rows fetched so far, and fetch all of them to do it).

Rows are fetched when a view first asks for one of them: the rows from there to the
end of the visible window, synchronously, so a jump waits for one screen only; the
neighbouring pages follow in the background once the view stays put. Display strings are
made once per fetched row, so painting a cell is a lookup. At most `cache_pages` pages
of rows are kept.

A change touching the list lists the ids again (in the background with a TaskRunner) and
merges them: rows removed, inserted or moved are reported as such (so the views keep
their selection and current row), only the changed ids are fetched again, and the views
given to `keep_position` keep the same record at the top of the viewport.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QTableView
from shiboken6 import isValid

from coordinator.changes import ChangeSet
from ui.kit.roles import ID_ROLE, ROW_ROLE
from ui.tasks import TaskRunner

RowT = TypeVar("RowT")
Index = QModelIndex | QPersistentModelIndex

PAGE = 50            # rows fetched per query: about one screen
CACHE_PAGES = 120    # pages of rows kept in memory (6,000 rows at most)
SETTLE_MS = 120      # after a jump, the neighbours are fetched once the view stays this long
MAX_RUNS = 32        # more separate inserted/removed runs than this: one reset instead

_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_CHECK = int(Qt.ItemDataRole.CheckStateRole.value)
_ID = int(ID_ROLE)
_ROW = int(ROW_ROLE)
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Clock:
    """The moment the rows are shown for ("in 5 d", overdue, past meetings greyed): read
    again on every listing, so a view left open stays right."""

    today: date
    now: datetime

    @staticmethod
    def read() -> Clock:
        now = datetime.now().astimezone()
        return Clock(date.today(), now)


def long_text_tooltip(text: str) -> str | None:
    """The default tooltip: the cell's text when it is long enough to be cut off."""
    return text if len(text) > 30 else None


@dataclass(frozen=True)
class Column(Generic[RowT]):
    """One column, declared: its header, its cell text, the service's sort key (None when
    it cannot be sorted), right alignment for numbers, its tooltip (by default the text
    when long) and any other role (foreground, font, check state…) as `roles`."""

    header: str
    text: Callable[[RowT, Clock], str]
    sort: str | None = None
    align: Qt.AlignmentFlag | None = None
    tooltip: Callable[[RowT, Clock], str | None] | None = None
    roles: Mapping[int, Callable[[RowT, Clock], object]] = field(default_factory=dict)
    checkable: bool = False  # the check box is the user's to tick (see `on_check`)


def field_column(header: str, attribute: str, sort: str | None = None,
                 **options: Any) -> Column[Any]:
    """A column showing one attribute of the row as it is ("" for None)."""
    return Column(header, lambda r, _c: getattr(r, attribute) or "", sort, **options)


@dataclass(frozen=True)
class TableSpec(Generic[RowT]):
    """What a list shows and where it comes from.

    `list_ids(filter, sort, descending)` gives every matching id in display order;
    `fetch(ids)` their rows (missing ids skipped). `entities` are the kinds of record
    the rows are (a change to one of those ids fetches that row again), `related` the
    kinds whose changes may alter any row (an organization's new name on its people)."""

    columns: Sequence[Column[RowT]]
    list_ids: Callable[[Any, str, bool], list[str]]
    fetch: Callable[[list[str]], list[RowT]]
    entities: tuple[str, ...]
    related: tuple[str, ...] = ()
    default_sort: int = 0
    default_descending: bool = False
    row_id: Callable[[RowT], str] = lambda r: r.id  # type: ignore[attr-defined]
    row_roles: Mapping[int, Callable[[RowT, Clock], object]] = field(default_factory=dict)
    page: int = PAGE
    cache_pages: int = CACHE_PAGES


_Entry = tuple[Any, tuple[str, ...]]  # the row and its display strings, column by column


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as (first, last) runs of consecutive rows."""
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


class LazyTableModel(QAbstractTableModel, Generic[RowT]):
    """Ids of every matching record in display order; rows fetched on demand."""

    # After the id list was (re)loaded or merged, with the number of rows.
    loaded = Signal(int)

    def __init__(self, spec: TableSpec[RowT], tasks: TaskRunner | None = None,
                 parent: Any = None, *, filter: Any = None,
                 on_check: Callable[[str, bool], None] | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.columns = tuple(spec.columns)
        self.tasks = tasks
        self.on_check = on_check
        self._filter = filter
        self._sort_column = spec.default_sort
        self._descending = spec.default_descending
        self._ids: list[str] = []
        self._positions: dict[str, int] | None = None
        self._rows: OrderedDict[str, _Entry] = OrderedDict()
        self._pending: set[str] = set()
        self._generation = 0
        self._loading = False
        self._listed = False
        self._views: list[QAbstractItemView] = []
        self.clock = Clock.read()
        self.fetches = 0      # row queries made while a view waited (tests, benchmarks)
        self.prefetches = 0   # row queries made in the background
        self._aligns = {i: int(c.align) for i, c in enumerate(self.columns) if c.align}
        self._checkable = {i for i, c in enumerate(self.columns) if c.checkable}
        self._answered = frozenset({_DISPLAY, _ACCESSIBLE, _ID, _ROW, _TOOLTIP}
                                   | ({_ALIGN} if self._aligns else set())
                                   | {int(r) for c in self.columns for r in c.roles}
                                   | {int(r) for r in spec.row_roles})
        self._last_row = -2
        self._last_top = 0
        self._jumped = False
        self._settled = QTimer(self)
        self._settled.setSingleShot(True)
        self._settled.setInterval(SETTLE_MS)
        self._settled.timeout.connect(self._on_settled)

    # -- what is listed ----------------------------------------------------------------
    @property
    def filter(self) -> Any:
        return self._filter

    @filter.setter
    def filter(self, f: Any) -> None:
        """The filter of the next listing (`lister`), listing nothing now."""
        self._filter = f

    def set_filter(self, f: Any, then: Callable[[], None] | None = None) -> None:
        self._filter = f
        self.reload(then)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self._sort_column, self._descending) and self._listed:
            return
        if self.set_sort(column, order):
            self.reload()

    def set_sort(self, column: int, order: Qt.SortOrder) -> bool:
        """Choose the order of the next listing; False if the column cannot be sorted."""
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return False
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        return True

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._sort_column, order

    def is_loading(self) -> bool:
        return self._loading

    # -- listing -----------------------------------------------------------------------
    def lister(self) -> Callable[[], list[str]]:
        """The listing of the current filter and sort, to run off the GUI thread (with
        what else a view loads at the same time) and give to `show_ids`."""
        f, desc = self._filter, self._descending
        sort = self.columns[self._sort_column].sort or \
            self.columns[self.spec.default_sort].sort or ""
        list_ids = self.spec.list_ids
        return lambda: list_ids(f, sort, desc)

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """List the ids again and show them from the top (a new filter or sort)."""
        self._list(self._set_ids, then)

    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """List the ids again and merge them: selection, current row and scroll stay."""
        self._list(self._merge_ids, then)

    def _list(self, apply: Callable[[list[str]], None],
              then: Callable[[], None] | None) -> None:
        lister = self.lister()

        def done(ids: list[str]) -> None:
            if not isValid(self):  # the view (and its model) closed meanwhile
                return
            self._read_clock()
            apply(ids)
            if then is not None:
                then()

        if self.tasks is None:
            done(lister())
            return
        self._loading = True
        self.tasks.run(lister, on_done=done, key=f"lazy-table-ids-{id(self)}")

    def lister_with_rows(self, count: int | None = None) -> Callable[[], tuple[list[str],
                                                                             list[Any]]]:
        """`lister`, and the rows of the first `count` ids (a screenful by default)
        fetched with them: what a view shows first comes back with the listing."""
        lister, fetch = self.lister(), self.spec.fetch
        count = count if count is not None else self._window() * 2

        def listing() -> tuple[list[str], list[Any]]:
            ids = lister()
            return ids, fetch(ids[:count])

        return listing

    def show_ids(self, ids: list[str], *, keep: bool, rows: Iterable[RowT] = ()) -> None:
        """Show a listing made by `lister`: merged into the rows shown (`keep`: the same
        filter, after a change) or from the top (a new filter). `rows` fetched with the
        listing are shown without another query."""
        self._read_clock()
        row_id = self.spec.row_id
        rows = list(rows)
        for r in rows:
            self._rows.pop(row_id(r), None)
        if keep and self._listed:
            self._store(rows)
            self._merge_ids(ids)
        else:
            self._set_ids(ids, rows)

    def _read_clock(self) -> None:
        clock = Clock.read()
        if clock.today != self.clock.today:  # "in 5 d" and overdue marks move on
            self._forget_rows()
        self.clock = clock

    def _forget_rows(self) -> None:
        self._rows.clear()
        self._pending.clear()
        self._generation += 1

    def _set_ids(self, ids: list[str], rows: Iterable[RowT] = ()) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._positions = None
        self._forget_rows()
        self._store(rows)
        self._loading = False
        self._listed = True
        self._last_row = -2
        self.endResetModel()
        self.loaded.emit(len(self._ids))

    def apply_changes(self, changes: ChangeSet) -> None:
        """Bring the model up to date after a committed write: the changed rows are
        fetched again when shown, and the ids listed again and merged."""
        if self.forget_changed(changes):
            self.refresh()

    def forget_changed(self, changes: ChangeSet) -> bool:
        """Drop the fetched rows a change made stale (all of them when a related kind
        changed); True when the change touches this list at all."""
        if not changes.touches(*self.spec.entities, *self.spec.related):
            return False
        if changes.touches(*self.spec.related):
            self._forget_rows()
        else:
            for entity in self.spec.entities:
                for rid in changes.ids(entity):
                    self._rows.pop(rid, None)
            self._pending.clear()
            self._generation += 1  # a prefetch begun before this change is stale
        return True

    # -- merging a new listing -------------------------------------------------------------
    def _merge_ids(self, new: list[str]) -> None:
        self._loading = False
        self._listed = True
        old = self._ids
        anchors = self._anchors()
        if new != old:
            new_set, old_set = set(new), set(old)
            removed = _runs([i for i, x in enumerate(old) if x not in new_set])
            inserted = _runs([i for i, x in enumerate(new) if x not in old_set])
            if len(removed) + len(inserted) > MAX_RUNS:
                self._reset_keeping(new)
            else:
                self._move(removed, [x for x in new if x in old_set], new, inserted)
        self._restore_anchors(anchors)
        if self._ids:  # rows fetched again (or not) are repainted
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(self.columns) - 1))
        self.loaded.emit(len(self._ids))

    def _move(self, removed: list[tuple[int, int]], kept: list[str], new: list[str],
              inserted: list[tuple[int, int]]) -> None:
        root = QModelIndex()
        for first, last in reversed(removed):
            self.beginRemoveRows(root, first, last)
            del self._ids[first:last + 1]
            self._positions = None
            self.endRemoveRows()
        if self._ids != kept:  # the same records in another order
            self.layoutAboutToBeChanged.emit()
            persistent = self.persistentIndexList()
            moved_ids = [self._ids[p.row()] for p in persistent]
            self._ids = kept
            self._positions = None
            self.changePersistentIndexList(persistent, [
                self.index(self.row_of(i), p.column()) for p, i in zip(persistent, moved_ids,
                                                                      strict=True)])
            self.layoutChanged.emit()
        for first, last in inserted:
            self.beginInsertRows(root, first, last)
            self._ids[first:first] = new[first:last + 1]
            self._positions = None
            self.endInsertRows()

    def _reset_keeping(self, new: list[str]) -> None:
        """Many scattered changes: one reset, then each view's selection and current row
        are put back by id."""
        kept = []
        for view in self._live_views():
            selection = view.selectionModel()
            rows = sorted({i.row() for i in selection.selectedRows()})
            current = selection.currentIndex()
            kept.append((view, [self._ids[r] for r in rows],
                         self._ids[current.row()] if current.isValid() else None,
                         current.column() if current.isValid() else 0))
        self.beginResetModel()
        self._ids = list(new)
        self._positions = None
        self.endResetModel()
        for view, selected, current, column in kept:
            selection = view.selectionModel()
            flags = QItemSelectionModel.SelectionFlag
            if current is not None and (row := self.row_of(current)) >= 0:
                selection.setCurrentIndex(self.index(row, column), flags.NoUpdate)
            chosen = QItemSelection()
            last = len(self.columns) - 1
            for first, end in _runs(sorted(r for r in map(self.row_of, selected) if r >= 0)):
                chosen.select(self.index(first, 0), self.index(end, last))
            selection.select(chosen, flags.ClearAndSelect | flags.Rows)

    # -- views that keep their place -----------------------------------------------------------
    def keep_position(self, view: QAbstractItemView) -> None:
        """Keep `view`'s top record at the top when rows above it come or go, fetch as
        many rows as it shows when it jumps, and the rows next to them in the background
        as it scrolls."""
        self._views.append(view)
        view.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    def _on_scrolled(self, value: int) -> None:
        """The view moved: the neighbouring rows are fetched in the background, so that
        scrolling on finds them; after a jump (the thumb dragged), only once the view
        stays put, so that they never compete with the rows the user waits for."""
        views = self._live_views()
        if not views or not self._ids:
            return
        view = views[0]
        if view.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel:
            value //= max(1, view.verticalHeader().defaultSectionSize())
        top = min(max(0, value), len(self._ids) - 1)
        jumped = abs(top - self._last_top) > 2 * self._window()
        self._last_top = top
        if jumped and self.tasks is not None:
            self._jumped = True
            self._settled.start()
        elif not self._jumped:
            self._prefetch_around(top)

    def _live_views(self) -> list[QAbstractItemView]:
        self._views = [v for v in self._views if isValid(v) and v.model() is self]
        return self._views

    def _anchors(self) -> list[tuple[QAbstractItemView, str]]:
        out = []
        for view in self._live_views():
            top = view.rowAt(0) if hasattr(view, "rowAt") else view.indexAt(
                view.viewport().rect().topLeft()).row()
            if 0 <= top < len(self._ids):
                out.append((view, self._ids[top]))
        return out

    def _restore_anchors(self, anchors: list[tuple[QAbstractItemView, str]]) -> None:
        for view, rid in anchors:
            row = self.row_of(rid)
            if row >= 0:
                view.scrollTo(self.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)

    def _window(self) -> int:
        """Rows fetched at once where a view asks for a row not fetched yet: what the
        tallest view shows (fetching more would make a jump wait for rows not shown), or
        a page when no view was given to `keep_position`."""
        shown = [v.viewport().height() // max(1, v.verticalHeader().defaultSectionSize()) + 2
                 for v in self._views if isValid(v) and hasattr(v, "verticalHeader")]
        return max(shown) if shown and max(shown) > 2 else self.spec.page

    # -- lookup ----------------------------------------------------------------------------
    def ids(self) -> list[str]:
        return list(self._ids)

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: str) -> int:
        if self._positions is None:
            self._positions = {rid: i for i, rid in enumerate(self._ids)}
        return self._positions.get(record_id, -1)

    def row_data(self, row: int) -> RowT | None:
        """The row's record (dataclass), fetching it when needed."""
        entry = self._entry(row)
        return entry[0] if entry is not None else None

    def record(self, record_id: str) -> RowT | None:
        """The record of an id in the list, fetching it when needed."""
        return self.row_data(self.row_of(record_id))

    def rows(self) -> list[RowT]:
        """Every row in display order (fetches what is not cached: small lists and
        tests; a view asks for what it shows)."""
        missing = [i for i in self._ids if i not in self._rows]
        for start in range(0, len(missing), 500):
            self._store(self.spec.fetch(missing[start:start + 500]))
        return [e[0] for e in (self._rows.get(i) for i in self._ids) if e is not None]

    def cached_rows(self) -> int:
        return len(self._rows)

    def is_fetched(self, row: int) -> bool:
        """Whether the row's data is at hand (showing it costs no query)."""
        return 0 <= row < len(self._ids) and self._ids[row] in self._rows

    def _entry(self, row: int) -> _Entry | None:
        if not 0 <= row < len(self._ids):
            return None
        rid = self._ids[row]
        entry = self._rows.get(rid)
        if entry is not None:
            self._last_row = row
            return entry
        # Not fetched: this row and those after it in the visible window, now.
        jumped = abs(row - self._last_row) > self.spec.page
        self._last_row = row
        window = [i for i in self._ids[row:row + self._window()] if i not in self._rows]
        self.fetches += 1
        self._pending.difference_update(window)
        self._store(self.spec.fetch(window))
        if jumped and self.tasks is not None:
            self._jumped = True
            self._settled.start()  # the neighbours once the thumb stays put
        elif not self._jumped:
            self._prefetch_around(row)
        entry = self._rows.get(rid)
        if entry is None:  # gone since the listing (deleted meanwhile): an empty row
            entry = self._rows[rid] = (None, ("",) * len(self.columns))
        return entry

    def _store(self, rows: Iterable[RowT]) -> None:
        clock, columns, row_id = self.clock, self.columns, self.spec.row_id
        cache = self._rows
        for r in rows:
            cache[row_id(r)] = (r, tuple(c.text(r, clock) for c in columns))
        limit = self.spec.page * self.spec.cache_pages
        if len(cache) > limit:
            for _ in range(len(cache) - limit):
                cache.popitem(last=False)

    def _on_settled(self) -> None:
        self._jumped = False
        if self._last_row >= 0:
            self._prefetch_around(self._last_row)

    def _prefetch_around(self, row: int) -> None:
        """Fetch a page above and below `row`'s window in the background, so scrolling
        never waits."""
        if self.tasks is None or not isValid(self.tasks):  # none, or closed with its view
            return
        page, fetch = self.spec.page, self.spec.fetch
        window = self._window()
        for start in (row + window, max(0, row - page)):
            ids = [i for i in self._ids[start:start + page]
                   if i not in self._rows and i not in self._pending]
            if not ids:
                continue
            self._pending.update(ids)
            generation = self._generation

            def done(rows: list[RowT], ids: list[str] = ids, generation: int = generation
                     ) -> None:
                if not isValid(self) or generation != self._generation:
                    return  # closed, listed again or changed meanwhile
                self._pending.difference_update(ids)
                self.prefetches += 1
                self._store(r for r in rows if self.spec.row_id(r) not in self._rows)

            self.tasks.run(lambda ids=ids, fetch=fetch: fetch(ids), on_done=done)

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY and \
                0 <= section < len(self.columns):
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every painted cell and every role a delegate asks: a role no column
        # answers costs one set look-up, a fetched cell's text two dict look-ups.
        if role not in self._answered:
            return None
        if role in (_DISPLAY, _ACCESSIBLE):
            row = index.row()
            if 0 <= row < len(self._ids):
                entry = self._rows.get(self._ids[row])
                if entry is not None:
                    self._last_row = row
                    return entry[1][index.column()]
            entry = self._entry(row)
            return entry[1][index.column()] if entry is not None else None
        if role == _ALIGN:
            return self._aligns.get(index.column())
        if role == _ID:
            return self.id_at(index.row()) if index.isValid() else None
        entry = self._entry(index.row())
        if entry is None or entry[0] is None:
            return None
        row, column = entry[0], self.columns[index.column()]
        if role == _ROW:
            return row
        if role == _TOOLTIP:
            if column.tooltip is not None:
                return column.tooltip(row, self.clock)
            return long_text_tooltip(entry[1][index.column()])
        make = column.roles.get(role) or self.spec.row_roles.get(role)
        return make(row, self.clock) if make is not None else None

    # No flags(): Qt's own (enabled, selectable) serve every list without a Python call
    # per painted cell; a model with a check box column adds ItemIsUserCheckable there.

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A ticked check box becomes the `on_check(id, checked)` call (a service call
        the view makes); the row shows the result when the change comes back."""
        if role != _CHECK or not index.isValid() or index.column() not in self._checkable \
                or self.on_check is None:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, True)
        rid = self.id_at(index.row())
        if rid is None:
            return False
        self.on_check(rid, checked)
        return True


# -- views of a lazy model -------------------------------------------------------------
def build_lazy_table(model: LazyTableModel[Any]) -> QTableView:
    """A read-only table of whole rows over a lazy model, sorted by the model (in SQL)
    when a header is clicked; the model keeps its place across changes."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionsClickable(True)
    header.setSortIndicatorShown(True)
    show_sort(table)
    header.sortIndicatorChanged.connect(lambda col, order: sort_in_sql(table, col, order))
    model.keep_position(table)
    return table


def show_sort(table: QTableView) -> None:
    """The header's indicator shows the model's order (without sorting again)."""
    header = table.horizontalHeader()
    header.blockSignals(True)
    header.setSortIndicator(*table.model().sort_state())
    header.blockSignals(False)


def sort_in_sql(table: QTableView, column: int, order: Qt.SortOrder) -> None:
    """A header click: the model sorts by the column's service key; a column that
    cannot be sorted puts the indicator back."""
    table.model().sort(column, order)
    show_sort(table)


def selected_rows(table: QTableView) -> list[int]:
    """The fully selected rows, top to bottom. Read from the selection's ranges: Qt's
    `selectedRows()` makes and checks an index per row and column, a third of a second
    for 20,000 selected rows, on the GUI thread."""
    selection = table.selectionModel().selection()
    last = table.model().columnCount() - 1
    rows: set[int] = set()
    for part in selection:
        if part.left() > 0 or part.right() < last:  # rows selected cell by cell
            return sorted({i.row() for i in table.selectionModel().selectedRows()})
        rows.update(range(part.top(), part.bottom() + 1))
    return sorted(rows)


def selected_ids(table: QTableView) -> list[str]:
    """The ids of the selected rows, top to bottom."""
    model = table.model()
    return [i for i in (model.id_at(r) for r in selected_rows(table)) if i is not None]


def select_ids(table: QTableView, ids: set[str]) -> None:
    """Select the rows of `ids` that the table lists."""
    model, selection = table.model(), table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for record_id in ids:
        row = model.row_of(record_id)
        if row >= 0:
            selection.select(model.index(row, 0), flags)


__all__ = [
    "RIGHT",
    "Clock",
    "Column",
    "LazyTableModel",
    "TableSpec",
    "build_lazy_table",
    "field_column",
    "long_text_tooltip",
    "select_ids",
    "selected_ids",
    "show_sort",
    "sort_in_sql",
]
