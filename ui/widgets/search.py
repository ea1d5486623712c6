"""The toolbar's global search: results grouped by type appear as you type.

Queries run off the GUI thread (`ctx.tasks`, key "global-search"). At most one query
is in flight: keystrokes arriving meanwhile are coalesced into the next query, so
typing never waits and the pool never piles up. A keystroke that changes the text
cancels the query in flight, which then stops working within a few thousand SQLite
steps and starts the next one; a result is shown only when its query is still the
box's text, so a late result never replaces a newer one.
Up/Down move through the hits, Enter or a click opens one (`record_activated`).
"""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.kit.roles import ENTITY_ROLE, ID_ROLE

if TYPE_CHECKING:
    from coordinator.services import SearchResults
    from ui.context import AppContext

GROUP_TITLES = {"contact": "Contacts", "organization": "Organizations",
                "proposal": "Proposals", "meeting": "Meetings", "consortium": "Consortia"}
DEBOUNCE_MS = 0  # coalescing (one query in flight) already keeps up with typing
_MARK = re.compile(r"\[([^\]]*)\]")


def snippet_text(snippet: str) -> str:
    """FTS snippet ("…[Ada] Lovelace…") as one line of plain text, without the brackets."""
    return " ".join(_MARK.sub(r"\1", snippet).split())


class SearchPopup(QFrame):
    """Grouped results under the search box; a child of the window, never grabs focus."""

    activated = Signal(str, str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(False)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tree.setAccessibleName("Search results")
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        self.tree.itemClicked.connect(self._on_click)
        self.empty = QLabel(self)
        self.empty.setContentsMargins(8, 6, 8, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.tree)
        self.hide()

    def show_results(self, results: SearchResults) -> None:
        self.tree.clear()
        first: QTreeWidgetItem | None = None
        for entity in ("contact", "organization", "proposal", "meeting", "consortium"):
            hits = results.groups.get(entity) or []
            if not hits:
                continue
            group = QTreeWidgetItem([GROUP_TITLES.get(entity, entity.title()), ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setData(0, ENTITY_ROLE, "")  # never read back as None (PySide6 6.12 bug)
            group.setData(0, ID_ROLE, "")
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            for hit in hits:
                item = QTreeWidgetItem(group, [hit.title or "(untitled)",
                                               snippet_text(hit.snippet)])
                item.setForeground(1, self.palette().brush(QPalette.ColorRole.PlaceholderText))
                item.setData(0, ENTITY_ROLE, hit.entity)
                item.setData(0, ID_ROLE, hit.id)
                item.setToolTip(0, hit.title)
                first = first or item
            group.setExpanded(True)
        has_hits = first is not None
        self.tree.setVisible(has_hits)
        self.empty.setVisible(not has_hits)
        self.empty.setText(f"No matches for “{html.escape(results.query)}”."
                           if not has_hits else "")
        if first is not None:
            self.tree.setCurrentItem(first)
        self.tree.resizeColumnToContents(0)
        if self.tree.columnWidth(0) > 280:
            self.tree.setColumnWidth(0, 280)

    def hit_items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            out += [group.child(j) for j in range(group.childCount())]
        return out

    def move(self, step: int) -> None:  # type: ignore[override]
        items = self.hit_items()
        if not items:
            return
        current = self.tree.currentItem()
        pos = items.index(current) if current in items else -1
        self.tree.setCurrentItem(items[max(0, min(len(items) - 1, pos + step))])

    def activate_current(self) -> bool:
        item = self.tree.currentItem()
        if item is None or not item.data(0, ID_ROLE):
            return False
        self._on_click(item)
        return True

    def _on_click(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        entity, record_id = item.data(0, ENTITY_ROLE), item.data(0, ID_ROLE)
        if entity and record_id:
            self.activated.emit(entity, record_id)


class SearchBox(QLineEdit):
    """Type to search everything; the popup lists hits grouped by type."""

    record_activated = Signal(str, str)  # entity, id
    results_shown = Signal(str)  # the query whose results are now on screen
    search_cancelled = Signal(str)  # a query that stopped because the text moved on
    # What each query looks at to know it should stop (any object with is_set()).
    cancel_factory: Callable[[], threading.Event] = threading.Event

    def __init__(self, ctx: AppContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setPlaceholderText("Search everything (Ctrl+K)")
        self.setClearButtonEnabled(True)
        self.setAccessibleName("Search")
        self.setAccessibleDescription("Search contacts, organizations, proposals and meetings")
        self.setMinimumWidth(220)
        self.setMaximumWidth(460)
        self._popup: SearchPopup | None = None
        self._in_flight: str | None = None
        self._cancel: threading.Event | None = None
        self._started = 0.0
        self.last_latency_ms = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._start_query)
        self.textEdited.connect(self._on_text)
        self.textChanged.connect(self._on_cleared)
        self.returnPressed.connect(self._on_return)
        # A closed window leaves no search working behind it (nor holding up the pool).
        in_flight = self._cancel_in_flight
        self.destroyed.connect(lambda *_: in_flight())

    @property
    def popup(self) -> SearchPopup:
        if self._popup is None:
            self._popup = SearchPopup(self.window())
            self._popup.activated.connect(self._open)
            self.window().installEventFilter(self)
        return self._popup

    # -- querying --------------------------------------------------------------------
    def _on_text(self, text: str) -> None:
        if self._in_flight is not None and text.strip() != self._in_flight:
            self._cancel_in_flight()  # its result would not be shown: stop its work
        self._timer.start()

    def _on_cleared(self, text: str) -> None:
        if not text.strip():
            self._timer.stop()
            self._cancel_in_flight()
            self.hide_popup()

    def _cancel_in_flight(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def _start_query(self) -> None:
        query = self.text().strip()
        if not query or self._in_flight is not None or self.ctx is None:
            return  # a finished query starts the next one
        self._in_flight = query
        self._started = time.perf_counter()
        search = self.ctx.services.search
        cancel = self._cancel = self.cancel_factory()
        self.ctx.tasks.run(lambda: search.search(query, limit_per_group=6, cancel=cancel),
                           on_done=self._on_results, on_error=self._on_error,
                           key="global-search", context=self)

    def _on_results(self, results: SearchResults) -> None:
        self._in_flight = None
        self._cancel = None
        current = self.text().strip()
        if results.query == current:
            self.last_latency_ms = (time.perf_counter() - self._started) * 1000
            self._show(results)
            self.results_shown.emit(current)
        elif current:
            self._start_query()  # the text moved on while this query ran

    def _on_error(self, exc: BaseException) -> None:
        query, self._in_flight, self._cancel = self._in_flight, None, None
        # Imported here: the window is built (and painted) before the core is loaded.
        from coordinator.services.search import SearchCancelled

        if isinstance(exc, SearchCancelled):
            self.search_cancelled.emit(query or "")
            if self.text().strip():
                self._start_query()  # the text that cancelled it
            return
        self.ctx.status_message.emit(f"Search failed: {exc}", 6000)

    def _show(self, results: SearchResults) -> None:
        if not self.isVisible():
            return
        popup = self.popup
        popup.show_results(results)
        self._place_popup()
        popup.show()
        popup.raise_()

    def _place_popup(self) -> None:
        popup = self.popup
        window = self.window()
        pos = self.mapTo(window, QPoint(0, self.height() + 2))
        width = max(self.width() + 160, 420)
        width = min(width, window.width() - 8)
        x = max(4, min(pos.x(), window.width() - width - 4))
        rows = len(popup.hit_items()) + popup.tree.topLevelItemCount()
        row_height = max(popup.tree.sizeHintForRow(0), self.fontMetrics().height() + 2)
        content = rows * row_height + 2 * popup.tree.frameWidth() + 6 if rows else \
            popup.empty.sizeHint().height() + 6
        height = min(window.height() - pos.y() - 8, content)
        popup.setGeometry(x, pos.y(), width, height)

    def hide_popup(self) -> None:
        if self._popup is not None:
            self._popup.hide()

    def popup_visible(self) -> bool:
        return self._popup is not None and self._popup.isVisible()

    # -- keyboard --------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.popup_visible() and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.popup.move(1 if key == Qt.Key.Key_Down else -1)
            return
        if key == Qt.Key.Key_Escape:
            if self.popup_visible():
                self.hide_popup()
            else:
                self.clear()
            return
        super().keyPressEvent(event)

    def _on_return(self) -> None:
        if self.popup_visible():
            self.popup.activate_current()

    def _open(self, entity: str, record_id: str) -> None:
        self.hide_popup()
        self.record_activated.emit(entity, record_id)

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.hide_popup()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window() and event.type() == QEvent.Type.Resize and \
                self.popup_visible():
            self._place_popup()
        if watched is self.window() and event.type() == QEvent.Type.MouseButtonPress:
            self.hide_popup()
        return False
