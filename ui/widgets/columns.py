"""Table columns that stay readable: sized to their content, never narrower than it,
resizable by the user, with the spare width going to the main text column(s).

    columns = ReadableColumns(table, stretch=(TEXT,), caps={MEETING: 220},
                              shrink={MEETING: 120}, stretch_min=260)
    columns.fit()   # after the rows (or the combo boxes in them) changed

Qt's own modes cannot do this: a Stretch or ResizeToContents section cannot be dragged,
an Interactive one never follows its content, and a Stretch section shrinks to
nothing in a narrow window ("…"). Here every section is Interactive; `fit` sizes each
column to its content (its cell widgets' size hints included: a combo box's hint is as
wide as its longest item), capped by `caps`; the `stretch` columns share what is left,
at least `stretch_min` pixels each. In a narrow window the `shrink` columns give up
width first (down to their floor); after that the table scrolls sideways rather than
squeezing the text. A column the user dragged keeps the user's width, but no column is
dragged narrower than its content floor (the longest combo box item, the header text).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QTableView,
)
from shiboken6 import isValid

PADDING = 12  # the header's sort arrow and the cell's margins


class ReadableColumns(QObject):
    def __init__(self, table: QTableView, *, stretch: tuple[int, ...] = (0,),
                 caps: dict[int, int] | None = None, shrink: dict[int, int] | None = None,
                 fixed: tuple[int, ...] = (), stretch_min: int = 240) -> None:
        super().__init__(table)
        self.table = table
        self.stretch = stretch
        self.caps = dict(caps or {})
        self.shrink = dict(shrink or {})
        self.fixed = fixed
        self.stretch_min = stretch_min
        self.user_sized: set[int] = set()
        self.content: dict[int, int] = {}  # column -> width its content needs
        self._busy = False
        self._fitted_rows = -1
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setResizeContentsPrecision(200)  # rows measured per column: enough to see
        for col in range(header.count()):
            if col not in fixed:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._on_resized)
        table.viewport().installEventFilter(self)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    # -- sizes ------------------------------------------------------------------------------
    def floor(self, col: int) -> int:
        """The narrowest a column may be: its header text and its cell widgets (a combo
        box's hint is its longest item; line edits scroll, so they do not count)."""
        header = self.table.horizontalHeader()
        model = self.table.model()
        title = str(model.headerData(col, header.orientation()) or "") if model else ""
        width = header.fontMetrics().horizontalAdvance(title) + PADDING
        for row in range(model.rowCount() if model else 0):
            widget = self.table.indexWidget(model.index(row, col))
            if widget is not None and not isinstance(widget, QLineEdit):
                width = max(width, widget.sizeHint().width())
        return width

    def fit_new_rows(self) -> None:
        """`fit` when the number of rows changed since the last fit (a reload of the
        same rows keeps the widths: measuring every cell again is not free)."""
        model = self.table.model() if isValid(self.table) else None
        rows = model.rowCount() if model is not None else 0
        if rows != self._fitted_rows:
            self.fit()

    def fit(self) -> None:
        """Size each column to its content (see the module docstring)."""
        if not isValid(self.table):
            return
        model = self.table.model()
        self._fitted_rows = model.rowCount() if model is not None else 0
        header = self.table.horizontalHeader()
        self._busy = True
        try:
            for col in range(header.count()):
                if header.isSectionHidden(col) or col in self.fixed or col in self.stretch:
                    continue
                floor = self.floor(col)
                wanted = max(self.table.sizeHintForColumn(col), floor)
                wanted = max(header.sectionSizeHint(col), wanted)
                cap = self.caps.get(col)
                self.content[col] = max(floor, min(wanted, cap) if cap else wanted)
                if col not in self.user_sized:
                    header.resizeSection(col, self.content[col])
        finally:
            self._busy = False
        self.share()

    def share(self) -> None:
        """Give the spare width to the stretch columns; in a narrow table take it first
        from the `shrink` columns, never below their floor."""
        if not isValid(self.table):
            return
        header = self.table.horizontalHeader()
        stretch = [c for c in self.stretch
                   if not header.isSectionHidden(c) and c not in self.user_sized]
        if not stretch:
            return
        available = self.table.viewport().width()
        others = [c for c in range(header.count())
                  if not header.isSectionHidden(c) and c not in stretch]
        widths = {c: self.content.get(c, header.sectionSize(c)) if c not in self.user_sized
                  else header.sectionSize(c) for c in others}
        spare = available - sum(widths.values())
        need = self.stretch_min * len(stretch)
        for col, floor in self.shrink.items():
            if spare >= need or col not in widths or col in self.user_sized:
                continue
            give = min(widths[col] - max(floor, self.floor(col)), need - spare)
            if give > 0:
                widths[col] -= give
                spare += give
        self._busy = True
        try:
            for col, width in widths.items():
                if col not in self.fixed and header.sectionSize(col) != width:
                    header.resizeSection(col, width)
            each = max(self.stretch_min, spare // len(stretch))
            for col in stretch:
                header.resizeSection(col, each)
        finally:
            self._busy = False

    # -- events -----------------------------------------------------------------------------
    def _on_resized(self, col: int, _old: int, new: int) -> None:
        if self._busy or not isValid(self.table):
            return
        header = self.table.horizontalHeader()
        dragged = QApplication.mouseButtons() != Qt.MouseButton.NoButton
        if dragged and not header.isSectionHidden(col) and col not in self.fixed:
            self.user_sized.add(col)  # the user's width is kept from now on
            floor = self.floor(col)
            if new < floor:
                self._busy = True
                try:
                    header.resizeSection(col, floor)
                finally:
                    self._busy = False
        if col not in self.stretch or not dragged:
            self.share()  # a column was dragged, shown or hidden: share the rest again

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.share()
        elif event.type() == QEvent.Type.Show:
            self.fit()
        return False


__all__ = ["ReadableColumns"]
