"""The contacts table model: holds only ids, fetches rows lazily in blocks.

    model = ContactTableModel(ctx.services)
    model.set_filter(ContactFilter(consortium_id=...))   # reloads ids (SQL)
    model.sort(column, order)                              # reloads ids (SQL)

Sorting and filtering happen in SQL (`services.contacts.ids`): never put a
QSortFilterProxyModel over this model (it would only sort the rows fetched so far).
With a TaskRunner the id list is reloaded off the GUI thread; rows for the visible
part are fetched on demand in blocks of `BLOCK` through `services.contacts.rows`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from coordinator.changes import ChangeKind, ChangeSet
from coordinator.services import ContactFilter, ContactRow, Services
from ui.contacts.columns import COLUMNS, display_phone
from ui.kit.roles import ID_ROLE, ROW_ROLE
from ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex

NAME, TITLE, ORGANIZATION, CONSORTIUM, EMAIL, PHONE = range(len(COLUMNS))


def _texts(r: ContactRow) -> tuple[str, ...]:
    """The cells of one row, formatted once when the row is fetched."""
    return (r.full_name, r.title or "", r.organization_name or "", r.consortium_short_name or "",
            r.email or "", display_phone(r.phone or ""))


_Entry = tuple[ContactRow, tuple[str, ...]]
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

BLOCK = 50           # rows fetched per query: about one screen, so a jump waits for one screen only
CACHE_BLOCKS = 120   # blocks kept in memory (6,000 rows at most)
SETTLE_MS = 120      # after a jump, the neighbours are fetched once the view stays this long


class ContactTableModel(QAbstractTableModel):
    """Ids of every matching contact in display order; rows fetched on demand."""

    # Emitted after the id list was (re)loaded, with the number of rows.
    loaded = Signal(int)

    def __init__(self, services: Services, tasks: TaskRunner | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.services = services
        self.tasks = tasks
        self._ids: list[str] = []
        self._blocks: OrderedDict[int, dict[str, _Entry]] = OrderedDict()
        self._last_number = -1
        self._last_block: dict[str, _Entry] | None = None
        self._pending: set[int] = set()
        self._generation = 0
        self.prefetches = 0
        self._filter = ContactFilter()
        self._sort_column = NAME
        self._descending = False
        self._loading = False
        self.fetches = 0  # number of row queries (tests and benchmarks read it)
        # After a jump (the scrollbar thumb dragged) the neighbours are fetched once the
        # view stays put: fetching them after every jump competes with the next jump's
        # own rows, which are what the user waits for.
        self._settled = QTimer(self)
        self._settled.setSingleShot(True)
        self._settled.setInterval(SETTLE_MS)
        self._settled.timeout.connect(self._on_settled)
        self._jumped = False

    # -- loading ---------------------------------------------------------------------
    @property
    def contact_filter(self) -> ContactFilter:
        return self._filter

    def set_filter(self, f: ContactFilter) -> None:
        self._filter = f
        self.reload()

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Reload the id list (in the background when a TaskRunner was given)."""
        f, sort, desc = self._filter, COLUMNS[self._sort_column][1] or "name", self._descending
        if self.tasks is None:
            self._set_ids(self.services.contacts.ids(f, sort=sort, descending=desc))
            if then:
                then()
            return
        self._loading = True
        contacts = self.services.contacts

        def done(ids: list[str]) -> None:
            self._set_ids(ids)
            if then:
                then()

        self.tasks.run(lambda: contacts.ids(f, sort=sort, descending=desc), on_done=done,
                       key=f"contacts-ids-{id(self)}")

    def is_loading(self) -> bool:
        return self._loading

    def _forget_rows(self) -> None:
        self._blocks.clear()
        self._last_number, self._last_block = -1, None
        self._pending.clear()
        self._generation += 1

    def _set_ids(self, ids: list[str]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._forget_rows()
        self._loading = False
        self.endResetModel()
        self.loaded.emit(len(ids))

    def apply_changes(self, changes: ChangeSet) -> None:
        """Bring the model up to date after a committed write."""
        if not changes.touches("contact", "organization"):
            return
        structural = any(changes.ids("contact", kind) for kind in (
            ChangeKind.CREATED, ChangeKind.DELETED, ChangeKind.RESTORED, ChangeKind.PURGED))
        if structural or changes.ids("organization", ChangeKind.DELETED) or \
                changes.ids("organization", ChangeKind.PURGED):
            self.reload()
            return
        # Updates keep positions (until the next reload): refetch the rows shown.
        updated = changes.ids("contact", ChangeKind.UPDATED)
        if changes.touches("organization"):
            self._forget_rows()
        for block in self._blocks.values():
            for cid in updated & block.keys():
                del block[cid]
        self._generation += 1  # a prefetch begun before this change is stale
        self._pending.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    # -- lookup ----------------------------------------------------------------------
    def ids(self) -> list[str]:
        return list(self._ids)

    def id_at(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, contact_id: str) -> int:
        try:
            return self._ids.index(contact_id)
        except ValueError:
            return -1

    def contact_row(self, row: int) -> ContactRow | None:
        """The row's data, fetching its block when needed."""
        entry = self._entry(row)
        return entry[0] if entry is not None else None

    def _entry(self, row: int) -> _Entry | None:
        if not 0 <= row < len(self._ids):
            return None
        number = row // BLOCK
        if number == self._last_number and self._last_block is not None:
            block = self._last_block
        else:
            block = self._blocks.get(number)
            if block is None:
                block = self._fetch_block(number)
            else:
                self._blocks.move_to_end(number)
            if abs(number - self._last_number) > 1 and self.tasks is not None:
                self._jumped = True
                self._settled.start()
            self._last_number, self._last_block = number, block
            if not self._jumped:
                self._prefetch_around(number)
        cid = self._ids[row]
        entry = block.get(cid)
        if entry is None:  # invalidated by an update: refetch this block
            block = self._fetch_block(number)
            self._last_number, self._last_block = number, block
            entry = block.get(cid)
        return entry

    def _on_settled(self) -> None:
        self._jumped = False
        self._prefetch_around(self._last_number)

    def _block_ids(self, number: int) -> list[str]:
        return self._ids[number * BLOCK:(number + 1) * BLOCK]

    def _store(self, number: int, rows: list[ContactRow]) -> dict[str, _Entry]:
        block = {r.id: (r, _texts(r)) for r in rows}
        self._blocks[number] = block
        while len(self._blocks) > CACHE_BLOCKS:
            self._blocks.popitem(last=False)
        return block

    def _fetch_block(self, number: int) -> dict[str, _Entry]:
        self.fetches += 1
        self._pending.discard(number)
        return self._store(number, self.services.contacts.table_rows(self._block_ids(number)))

    def _prefetch_around(self, number: int) -> None:
        """Fetch the neighbouring blocks in the background, so scrolling never waits."""
        if self.tasks is None:
            return
        contacts = self.services.contacts
        for n in (number + 1, number - 1):
            if n < 0 or n * BLOCK >= len(self._ids) or n in self._blocks or n in self._pending:
                continue
            self._pending.add(n)
            ids, generation = self._block_ids(n), self._generation

            def done(rows: list[ContactRow], n: int = n, generation: int = generation) -> None:
                if generation != self._generation or n not in self._pending:
                    return  # reloaded (or fetched on demand) meanwhile
                self._pending.discard(n)
                self.prefetches += 1
                self._store(n, rows)
                if self._last_number == n:
                    self._last_block = self._blocks[n]

            self.tasks.run(lambda ids=ids, c=contacts: c.table_rows(ids), on_done=done)

    def cached_rows(self) -> int:
        return sum(len(b) for b in self._blocks.values())

    # -- Qt model API ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every painted cell and role: keep the common path short.
        if role in (_DISPLAY, _ACCESSIBLE):
            entry = self._entry(index.row())
            if entry is None:
                return "…" if index.isValid() else None
            return entry[1][index.column()]
        if role == ID_ROLE:
            return self._ids[index.row()] if index.isValid() else None
        if role == ROW_ROLE:
            return self.contact_row(index.row())
        if role == _TOOLTIP:
            entry = self._entry(index.row())
            text = entry[1][index.column()] if entry is not None else ""
            return text if len(text) > 30 else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][1] is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self._sort_column, self._descending) and self._ids:
            return
        self._sort_column, self._descending = column, descending
        self.reload()

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        order = Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder
        return self._sort_column, order
