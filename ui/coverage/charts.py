"""Charts painted with Qt's own QPainter: bars (grouped or stacked) and a heat map.

QtCharts is not part of PySide6-Essentials (the 3.12+ install) and a plotting library
would add tens of megabytes and seconds of import time for three simple pictures; the
PDF draws the same charts with reportlab's graphics, which the packet already uses.

    chart = BarChart("Proposals per consortium")
    chart.set_data(["NTXIA", "CSCA"], [Series("Open", "#1f6f8b", [7, 6])])
    heat = HeatMap("Members by sector")
    heat.set_data(["NTXIA"], ["Company"], [[3]])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# Status colours: open work in blues, outcomes in green / grey / red.
STATUS_COLOURS = {
    "idea": "#b3cde3", "drafting": "#6baed6", "internal_review": "#3182bd",
    "submitted": "#08519c", "awarded": "#31a354", "declined": "#de2d26",
    "withdrawn": "#969696",
}
HEAT_LOW, HEAT_HIGH = QColor("#f3f8fb"), QColor("#1f6f8b")


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    values: list[float]


def _nice_top(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 5 × a power of ten)."""
    if value <= 0:
        return 1
    power = 1.0
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _mix(low: QColor, high: QColor, t: float) -> QColor:
    t = max(0.0, min(1.0, t))
    return QColor(round(low.red() + (high.red() - low.red()) * t),
                  round(low.green() + (high.green() - low.green()) * t),
                  round(low.blue() + (high.blue() - low.blue()) * t))


class _Chart(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setAccessibleName(title)
        self.setMinimumHeight(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def _title(self, painter: QPainter) -> float:
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(self.palette().text().color())
        height = QFontMetrics(font).height()
        painter.drawText(QRectF(0, 0, self.width(), height), Qt.AlignmentFlag.AlignLeft,
                         self.title)
        painter.setFont(self.font())
        return height + 6


class BarChart(_Chart):
    """Categories along the bottom; one bar per series side by side, or stacked."""

    def __init__(self, title: str, *, stacked: bool = False,
                 value_text: Callable[[float], str] = lambda v: f"{v:,.0f}",
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.stacked = stacked
        self.value_text = value_text
        self.categories: list[str] = []
        self.series: list[Series] = []

    def set_data(self, categories: Sequence[str], series: Sequence[Series]) -> None:
        self.categories, self.series = list(categories), list(series)
        lines = [f"{c}: " + ", ".join(f"{s.label} {self.value_text(s.values[i])}"
                                      for s in self.series) for i, c in enumerate(categories)]
        self.setToolTip("\n".join(lines))
        self.setAccessibleDescription("; ".join(lines))
        self.update()

    def top(self) -> float:
        if not self.series or not self.categories:
            return 1
        if self.stacked:
            peak = max(sum(s.values[i] for s in self.series) for i in range(len(self.categories)))
        else:
            peak = max(max(s.values) for s in self.series)
        return _nice_top(peak)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        top_y = self._title(painter)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        text = self.palette().text().color()
        muted = QColor(text)
        muted.setAlpha(140)
        # legend, on as many lines as it needs
        x = 0.0
        for s in self.series:
            needed = 14 + metrics.horizontalAdvance(s.label) + 14
            if x and x + needed > self.width():
                x, top_y = 0.0, top_y + line + 2
            painter.fillRect(QRectF(x, top_y + 3, 10, 10), QColor(s.colour))
            painter.setPen(text)
            painter.drawText(QRectF(x + 14, top_y, needed, line), Qt.AlignmentFlag.AlignLeft,
                             s.label)
            x += needed
        top_y += line + 6
        peak = self.top()
        axis_w = metrics.horizontalAdvance(self.value_text(peak)) + 8
        left, bottom = axis_w, self.height() - line - 6
        height = max(10.0, bottom - top_y)
        width = max(10.0, self.width() - left - 4)
        painter.setPen(QPen(muted, 1))
        steps = 4 if peak in (1, 2) or (peak % 4 == 0 and peak % 5) else 5
        for k in range(steps + 1):
            y = bottom - height * k / steps
            painter.drawLine(int(left), int(y), int(left + width), int(y))
            painter.drawText(QRectF(0, y - line / 2, axis_w - 4, line),
                             Qt.AlignmentFlag.AlignRight, self.value_text(peak * k / steps))
        if not self.categories:
            painter.end()
            return
        slot = width / len(self.categories)
        group = slot * 0.75
        bars = 1 if self.stacked else max(1, len(self.series))
        bar_w = group / bars
        for i, category in enumerate(self.categories):
            x0 = left + slot * i + (slot - group) / 2
            base = bottom
            for j, s in enumerate(self.series):
                value = s.values[i]
                h = height * value / peak if peak else 0
                if self.stacked:
                    rect = QRectF(x0, base - h, bar_w, h)
                    base -= h
                else:
                    rect = QRectF(x0 + j * bar_w, bottom - h, bar_w - 1, h)
                painter.fillRect(rect, QColor(s.colour))
            painter.setPen(text)
            label = metrics.elidedText(category, Qt.TextElideMode.ElideRight, int(slot))
            painter.drawText(QRectF(left + slot * i, bottom + 3, slot, line),
                             Qt.AlignmentFlag.AlignHCenter, label)
        painter.end()


class HeatMap(_Chart):
    """Rows × columns of counts; the darker the cell, the higher its count."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.rows: list[str] = []
        self.columns: list[str] = []
        self.values: list[list[int]] = []
        self.unflagged: set[int] = set()

    def set_data(self, rows: Sequence[str], columns: Sequence[str],
                 values: Sequence[Sequence[int]], unflagged: Sequence[int] = ()) -> None:
        """`unflagged`: columns whose empty cells are no gap (not outlined in red)."""
        self.rows, self.columns = list(rows), list(columns)
        self.unflagged = set(unflagged)
        self.values = [list(v) for v in values]
        self.setToolTip("\n".join(
            f"{r}: " + ", ".join(f"{c} {self.values[i][j]}" for j, c in enumerate(columns))
            for i, r in enumerate(rows)))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        top_y = self._title(painter)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        text = self.palette().text().color()
        if not self.rows or not self.columns:
            painter.end()
            return
        label_w = max(metrics.horizontalAdvance(r) for r in self.rows) + 8
        cell_w = (self.width() - label_w) / len(self.columns)
        header_h = line * 2 + 4
        cell_h = max(line + 4.0, (self.height() - top_y - header_h) / len(self.rows))
        peak = max((max(v) for v in self.values if v), default=0) or 1
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.85)
        painter.setFont(small)
        painter.setPen(text)
        for j, column in enumerate(self.columns):
            painter.drawText(QRectF(label_w + cell_w * j, top_y, cell_w, header_h),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom
                             | Qt.TextFlag.TextWordWrap, column)
        painter.setFont(self.font())
        y = top_y + header_h + 2
        for i, row in enumerate(self.rows):
            painter.setPen(text)
            painter.drawText(QRectF(0, y, label_w, cell_h), Qt.AlignmentFlag.AlignVCenter, row)
            for j in range(len(self.columns)):
                value = self.values[i][j]
                colour = _mix(HEAT_LOW, HEAT_HIGH, value / peak) if value else QColor("#ffffff")
                rect = QRectF(label_w + cell_w * j + 1, y + 1, cell_w - 2, cell_h - 2)
                painter.fillRect(rect, colour)
                if not value and j not in self.unflagged:
                    painter.setPen(QPen(QColor("#de2d26"), 1, Qt.PenStyle.DashLine))
                    painter.drawRect(rect)
                painter.setPen(QColor("#ffffff") if value > peak * 0.55 else text)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(value) if value else "–")
            y += cell_h
        painter.end()


__all__ = ["STATUS_COLOURS", "BarChart", "HeatMap", "Series"]
