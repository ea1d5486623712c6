"""`PlanningTableModel`, the kit's lazy table model as the proposals, meetings and action
items views use it, and the consortium coverage pills."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.kit.formatting import (
    CONSORTIUM_ORDER,
    COVERED_BG,
    COVERED_FG,
    UNCOVERED_FG,
)
from ui.kit.lazy_table import LazyTableModel
from ui.kit.roles import COVERAGE_ROLE

RowT = TypeVar("RowT")


def coverage_text(covered: set[str]) -> str:
    return f"{len(covered & {cid for cid, _ in CONSORTIUM_ORDER})}/7"


class PlanningTableModel(LazyTableModel[RowT]):
    """The lazy model of a planning table (proposals, meetings, action items): the
    feature declares its columns and services in a `TableSpec`; the view lists the ids
    together with what else it shows (`lister`, then `show_ids`), so one reload ends in
    one `loaded`."""

    @property
    def HEADERS(self) -> tuple[str, ...]:  # the column headers
        return tuple(c.header for c in self.columns)


class CoverageDelegate(QStyledItemDelegate):
    """Paints the seven consortium short names; those covered are filled pills."""

    PAD_X, GAP = 3, 2

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        covered = index.data(COVERAGE_ROLE) or set()
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        paint_coverage(
            painter,
            option.rect,
            covered,
            option.font,
            selected=bool(option.state & QStyle.StateFlag.State_Selected),
            palette=option.palette,
        )

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> object:
        hint = super().sizeHint(option, index)
        hint.setWidth(coverage_width(option.font))
        return hint


def _pill_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(6.5, base.pointSizeF() * 0.74))
    return font


def coverage_width(base: QFont) -> int:
    from PySide6.QtGui import QFontMetrics

    metrics = QFontMetrics(_pill_font(base))
    pad, gap = CoverageDelegate.PAD_X, CoverageDelegate.GAP
    return sum(metrics.horizontalAdvance(s) + 2 * pad + gap for _, s in CONSORTIUM_ORDER) + 8


def paint_coverage(
    painter: QPainter,
    rect: QRect,
    covered: set[str],
    base: QFont,
    selected: bool = False,
    palette: QPalette | None = None,
) -> None:
    from PySide6.QtGui import QFontMetrics

    font = _pill_font(base)
    metrics = QFontMetrics(font)
    pad, gap = CoverageDelegate.PAD_X, CoverageDelegate.GAP
    height = metrics.height() + 2
    top = rect.top() + (rect.height() - height) // 2
    x = rect.left() + 4
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setFont(font)
    for cid, short in CONSORTIUM_ORDER:
        width = metrics.horizontalAdvance(short) + 2 * pad
        pill = QRect(x, top, width, height)
        if cid in covered:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(COVERED_BG)
            painter.drawRoundedRect(pill, 4, 4)
            painter.setPen(COVERED_FG)
        else:
            painter.setPen(QColor("#ffffff") if selected else UNCOVERED_FG)
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), short)
        x += width + gap
    painter.restore()
