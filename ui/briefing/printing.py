"""Printing a PDF with Qt: render each page to an image and paint it onto the QPrinter.

Qt has no "print this PDF file" call. Each page is rendered by QtPdf at
300 dpi (not the printer's 1200: slow and huge for no visible gain), flattened onto
white and scaled to fit the printer's paper, keeping its proportions. The page range,
"current page", page order and copies chosen in the print dialog are honoured.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from coordinator.errors import CoordinatorError

PRINT_DPI = 300
PAGE_SIZES = {"letter": QPageSize.PageSizeId.Letter, "a4": QPageSize.PageSizeId.A4}


class PrintError(CoordinatorError):
    """The printer could not be started or the document has nothing to print."""


def make_printer(paper: str = "letter", doc_name: str = "") -> QPrinter:
    """A printer preset to the document's paper, portrait, printing the full page."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(PRINT_DPI)
    printer.setPageSize(QPageSize(PAGE_SIZES.get(paper, QPageSize.PageSizeId.Letter)))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the PDF carries its own margins
    if doc_name:
        printer.setDocName(doc_name)
    return printer


def print_dialog(printer: QPrinter, page_count: int, parent: QWidget | None) -> QPrintDialog:
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print")
    dialog.setMinMax(1, max(page_count, 1))
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
    return dialog


def selected_pages(printer: QPrinter, page_count: int, current_page: int = 0) -> list[int]:
    """0-based page indexes to print, in printing order, from the printer's settings."""
    pages: list[int] = list(range(page_count))
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.CurrentPage:
        pages = [min(max(current_page, 0), page_count - 1)] if page_count else []
    elif mode == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            wanted = [p for r in ranges.toRangeList() for p in range(r.from_, r.to + 1)]
        elif printer.fromPage() > 0:
            wanted = list(range(printer.fromPage(), (printer.toPage() or page_count) + 1))
        else:
            wanted = list(range(1, page_count + 1))
        pages = [p - 1 for p in dict.fromkeys(wanted) if 1 <= p <= page_count]
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    return pages


def render_page(document: QPdfDocument, index: int, dpi: int = PRINT_DPI) -> QImage:
    """Page `index` as an opaque image at `dpi` (QtPdf renders on transparency)."""
    points: QSizeF = document.pagePointSize(index)
    size = QSize(max(round(points.width() * dpi / 72), 1),
                 max(round(points.height() * dpi / 72), 1))
    rendered = document.render(index, size)
    image = QImage(size, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor(Qt.GlobalColor.white))
    painter = QPainter(image)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return image


def _fit(image: QImage, area: QRectF) -> QRectF:
    scale = min(area.width() / image.width(), area.height() / image.height())
    w, h = image.width() * scale, image.height() * scale
    return QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)


def print_pages(document: QPdfDocument, printer: QPrinter, pages: list[int],
                dpi: int = PRINT_DPI,
                keep_going: Callable[[int, int], bool] | None = None) -> int:
    """Paint `pages` (0-based) onto `printer`; returns the number of sheets painted.

    `keep_going(done, total)` is called before each sheet (progress, cancel: return
    False to abort the job).
    """
    if document.pageCount() <= 0:
        raise PrintError("The document has no pages to print.")
    if not pages:
        raise PrintError("None of the chosen pages are in the document.")
    copies = 1
    if printer.copyCount() > 1 and not printer.supportsMultipleCopies():
        copies = printer.copyCount()  # the printer cannot: repeat the pages ourselves
    if printer.collateCopies():
        sheets = [p for _ in range(copies) for p in pages]
    else:
        sheets = [p for p in pages for _ in range(copies)]
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("The printer could not be started. Check that it is available "
                         "and that the output file, if any, can be written.")
    done = 0
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for index in sheets:
            if keep_going is not None and not keep_going(done, len(sheets)):
                printer.abort()
                break
            if done:
                printer.newPage()
            image = render_page(document, index, dpi)
            area = QRectF(painter.window())
            painter.drawImage(_fit(image, area), image)
            done += 1
    finally:
        painter.end()
    return done
