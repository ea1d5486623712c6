"""Shared parts of the member views: a filter bar, a table over an SQL-backed model,
a detail pane in a splitter, an empty-state hint, and persisted header/splitter state.

Header state (column widths, order, sort) and the splitter are saved in
`ctx.settings` under "<view name>/header" and "<view name>/splitter".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QEvent,
    QItemSelectionModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator.models.enums import SECTOR_LABELS
from coordinator.wording import a_or_an, plural
from ui.kit.lazy_table import selected_rows
from ui.widgets.combos import refill_combo
from ui.widgets.detail import DetailPane
from ui.widgets.empty_state import EmptyState
from ui.widgets.forms import SPACING
from ui.widgets.tag_filter import TagFilter

if TYPE_CHECKING:
    from ui.context import AppContext

FILTER_DELAY_MS = 180
TAGS_DELAY_MS = 500  # after the last change, ask again which tags are in use


def combo_value(combo: QComboBox) -> str | None:
    """The current item's data, "" meaning none.

    Items never carry None: in PySide6 6.12 (Python 3.11) every None that a Qt getter
    returns from an empty QVariant loses a reference, and enough of them crash the
    interpreter ("none_dealloc"). So "no value" is stored as "" and mapped here.
    """
    return combo.currentData() or None


def fill_consortia(combo: QComboBox, ctx: AppContext, first: str) -> None:
    """`first` ("" data), then the consortia: the built-in seven at once from the reference
    data (no query: counting members on a cold 100,000-contact file takes seconds), then
    the database's full list from a background task."""
    from coordinator.reference import CONSORTIA

    combo.addItem(first, "")  # "" not None: see combo_value

    def fill(items: list[tuple[str, str, str]]) -> None:
        if not isValid(combo):  # the form closed before the list came back
            return
        refill_combo(combo, [(short, cid) for short, _name, cid in items],
                     [name for _short, name, _cid in items])

    fill(sorted(((c.short_name, c.name, c.id) for c in CONSORTIA), key=lambda t: t[1]))
    consortia = ctx.services.consortia
    ctx.tasks.run(lambda: [(c.short_name, c.name, c.id or "") for c in consortia.list()],
                  on_done=fill, key=f"consortia-{id(combo)}")


class RecordTable(QTableView):
    """A table tuned for large models: fixed row height, no grid, elided text."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(48)


class MemberView(QWidget):
    """Base of the contacts and organizations views."""

    view_name = ""
    noun = ("record", "records")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.filter_bar = QHBoxLayout()
        self.filter_bar.setSpacing(SPACING)
        self.text_filter = QLineEdit()
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setPlaceholderText(f"Filter {self.noun[1]}…")
        self.text_filter.setAccessibleName(f"Filter {self.noun[1]} by text")
        self.text_filter.setMinimumWidth(90)
        self.filter_bar.addWidget(self.text_filter, 2)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(f"Number of {self.noun[1]}")
        self.table = RecordTable(self.noun[1].capitalize())
        self.detail = DetailPane(f"Select {a_or_an(self.noun[0])} to see everything about it.")
        self.detail.record_link.connect(self._follow_link)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        table_box = QWidget()
        box = QVBoxLayout(table_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(self.filter_bar)
        box.addWidget(self.table, 1)
        box.addWidget(self.count_label)
        self.splitter.addWidget(table_box)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACING, SPACING, SPACING, 0)
        layout.addWidget(self.splitter)
        self.empty_state = EmptyState(covered=self.table)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filters)
        self.text_filter.textChanged.connect(lambda _t: self._filter_timer.start())
        # F2 opens the selected record for editing, as Enter and double-click do.
        self.edit_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F2), self)
        self.edit_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.edit_shortcut.activated.connect(self.edit_selected)  # type: ignore[attr-defined]

    # -- filter widgets ------------------------------------------------------------------
    def add_member_filters(self, noun: str) -> None:
        """The bar as in every view: "New <noun>" first, the text filter, then the
        consortium, sector and tag filters."""
        self.consortium = self.consortium_combo()
        self.sector = self.sector_combo()
        self.tag = self.tag_picker()
        self.new_button = QPushButton(f"New {noun}")
        self.new_button.setAccessibleName(f"New {noun}")
        self.new_button.setToolTip(f"New {noun} (Ctrl+N)")
        self.new_button.clicked.connect(self.new_record)  # type: ignore[attr-defined]
        self.filter_bar.insertWidget(0, self.new_button)

    def saved_sort(self) -> tuple[int, Qt.SortOrder]:
        """The sort restored into the header (a valid column, else the first)."""
        header = self.table.horizontalHeader()
        column = header.sortIndicatorSection()
        if not 0 <= column < header.count():
            column = 0
        return column, header.sortIndicatorOrder()

    def consortium_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.setAccessibleName("Filter by consortium")
        fill_consortia(combo, self.ctx, "Any consortium")
        combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.filter_bar.addWidget(combo)
        return combo

    def sector_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(11)
        combo.setAccessibleName("Filter by sector")
        combo.addItem("Any sector", "")
        for value, label in SECTOR_LABELS.items():
            combo.addItem(label, str(value))
        combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.filter_bar.addWidget(combo)
        return combo

    def tag_picker(self) -> TagFilter:
        """The tag picker, filled with the tags in use (`refresh_tags`) now and again
        whenever records of this view's kind change."""
        picker = TagFilter()
        picker.setMaximumWidth(140)  # the text filter beside it matters more
        picker.edited.connect(self._filter_timer.start)
        picker.picked.connect(self.apply_filters)
        self.filter_bar.addWidget(picker)
        self._tags_timer = QTimer(self)
        self._tags_timer.setSingleShot(True)
        self._tags_timer.setInterval(TAGS_DELAY_MS)
        self._tags_timer.timeout.connect(self.refresh_tags)
        self.ctx.changed.connect(self._on_tags_maybe_changed)
        self.refresh_tags()
        return picker

    def refresh_tags(self) -> None:
        kind, tags = self.noun[0], self.ctx.services.tags
        self.ctx.tasks.run(lambda: tags.in_use(kind),
                           on_done=lambda names: self.tag.set_tags(names),
                           key=f"{self.view_name}/tags", context=self)

    def _on_tags_maybe_changed(self, changes: Any) -> None:
        if changes.touches(self.noun[0]):  # an import reports thousands: ask once
            self._tags_timer.start()

    def current_filter(self) -> Any:
        """The filter the bar's widgets describe (the view's own filter class)."""
        raise NotImplementedError

    def apply_filters(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(self.current_filter())  # type: ignore[attr-defined]

    def _on_sort_clicked(self, column: int, order: Qt.SortOrder) -> None:
        """Sort in SQL; a column that cannot be sorted puts the indicator back."""
        self.model.sort(column, order)  # type: ignore[attr-defined]
        current = self.model.sort_state()  # type: ignore[attr-defined]
        if current != (column, order):
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*current)
            header.blockSignals(False)

    # -- state -----------------------------------------------------------------------------
    def setup_table(self, model: QAbstractItemModel, widths: list[int]) -> None:
        self.table.setModel(model)
        header = self.table.horizontalHeader()
        self._default_widths = widths
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self._fitting = False
        self._user_sized = False
        saved = self.ctx.settings.value(f"{self.view_name}/header")
        self.header_restored = False
        if isinstance(saved, QByteArray | bytes) and saved:
            self.header_restored = header.restoreState(QByteArray(saved))
        # Widths the user never dragged keep following the window's width.
        sized = self.ctx.settings.value(f"{self.view_name}/columns_sized", False)
        self._user_sized = self.header_restored and str(sized).lower() == "true"
        splitter = self.ctx.settings.value(f"{self.view_name}/splitter")
        if isinstance(splitter, QByteArray | bytes) and splitter:
            self.splitter.restoreState(QByteArray(splitter))
        else:
            self.splitter.setSizes([720, 300])
        header.sectionResized.connect(self._on_section_resized)
        self._header_pressed = False
        header.viewport().installEventFilter(self)
        self.table.viewport().installEventFilter(self)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.table.horizontalHeader().viewport():
            if event.type() == QEvent.Type.MouseButtonPress:
                self._header_pressed = True
            elif event.type() == QEvent.Type.MouseButtonRelease:
                self._header_pressed = False
            return False
        # Until the user sizes a column (or a saved layout exists), columns share the width.
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize and \
                not self._user_sized:
            QTimer.singleShot(0, self.fit_columns)
        return False

    def fit_columns(self) -> None:
        """First show without saved widths: share the table's width in proportion."""
        available = self.table.viewport().width()
        total = sum(self._default_widths)
        if available <= 0 or not total:
            return
        last = self._default_widths[-1]
        scale = min(3.0, max(0.4, (available - last - 4) / (total - last)))
        header = self.table.horizontalHeader()
        model = self.table.model()
        metrics = header.fontMetrics()
        least = [metrics.horizontalAdvance(str(model.headerData(
            c, Qt.Orientation.Horizontal) or "")) + 28 for c in range(len(self._default_widths))]
        widths = [max(least[c], int(w * scale)) for c, w in enumerate(self._default_widths[:-1])]
        overflow = sum(widths) + last + 4 - available
        slack = [w - least[c] for c, w in enumerate(widths)]
        if overflow > 0 and sum(slack) > 0:  # take it from the columns that can give
            ratio = min(1.0, overflow / sum(slack))
            widths = [w - int(slack[c] * ratio) for c, w in enumerate(widths)]
        self._fitting = True
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        self._fitting = False

    def _on_section_resized(self, *_args: Any) -> None:
        if not self._fitting and self._header_pressed:
            self._user_sized = True  # dragged by the user: keep their widths

    def save_state(self) -> None:
        s = self.ctx.settings
        s.setValue(f"{self.view_name}/header", self.table.horizontalHeader().saveState())
        s.setValue(f"{self.view_name}/columns_sized", bool(self._user_sized))
        s.setValue(f"{self.view_name}/splitter", self.splitter.saveState())

    empty_text = ""  # what a record of this view is, for the empty state

    def update_empty_state(self, shown: int, *, filtered: bool, total: int = 0) -> None:
        """Instead of an empty grid: say what the view holds and offer the first record,
        or, when the filters hide every record, offer to clear them."""
        one, many = self.noun
        if shown:
            self.empty_state.show_state(None)
        elif filtered:
            self.empty_state.show_state(
                f"No {many} match the filter",
                f"{plural(total, one)} in all; the filters hide every one." if total else
                "The filters hide every one.", "Clear filter", self.show_everything)
        else:
            self.empty_state.show_state(f"No {many} yet", self.empty_text,
                                        f"New {one} (Ctrl+N)",
                                        self.new_record)  # type: ignore[attr-defined]

    def show_everything(self) -> None:
        """Clear every filter and show every record."""
        raise NotImplementedError

    def clear_text_filters(self) -> None:
        """Empty the text and tag filters without each change reloading the list."""
        for w in (self.text_filter, self.tag):
            w.blockSignals(True)
        self.text_filter.clear()
        self.tag.clear_text()
        for w in (self.text_filter, self.tag):
            w.blockSignals(False)

    # -- navigation --------------------------------------------------------------------------
    def _follow_link(self, entity: str, record_id: str) -> None:
        opener = self.ctx.open_record
        if opener is not None:
            opener(entity, record_id)

    def selected_rows(self) -> list[int]:
        return selected_rows(self.table)

    def select_row(self, row: int) -> None:
        if row < 0:
            return
        index = self.table.model().index(row, 0)
        # Explicit flags: the view's own selectRow() reads the keyboard, so a Ctrl still
        # held from Ctrl+S would toggle the row off again.
        flags = QItemSelectionModel.SelectionFlag
        selection = self.table.selectionModel()
        selection.setCurrentIndex(index, flags.NoUpdate)
        selection.select(index, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
