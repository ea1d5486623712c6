"""Printing: each page rendered at 300 dpi onto a QPrinter (PDF output here, parsed back
with pypdf), page ranges, current page, the print dialog path."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QPageRanges
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from ui.briefing import printing
from ui.briefing.build import BuiltDocument
from ui.briefing.preview import PdfPreviewDialog


def _pdf_printer(path: Path, paper: str = "letter") -> QPrinter:
    printer = printing.make_printer(paper, "packet.pdf")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


@pytest.fixture
def preview(qtbot, bctx, built_briefing: BuiltDocument) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(bctx, built_briefing)
    qtbot.addWidget(dialog)
    return dialog


def test_print_renders_every_page_onto_the_printer(preview: PdfPreviewDialog,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    printer = _pdf_printer(out)
    assert printer.resolution() == printing.PRINT_DPI  # not the default 1200
    printed = preview.print_to(printer)
    assert printed == preview.page_count() > 1
    reader = PdfReader(out)
    assert len(reader.pages) == preview.page_count()
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # Letter
    # Each sheet carries one page image of at least 300 dpi across the page width.
    images = reader.pages[0].images
    assert len(images) == 1
    assert images[0].image.width >= 8.5 * printing.PRINT_DPI - 2


def test_print_honours_a_page_range_and_the_current_page(preview: PdfPreviewDialog,
                                                         tmp_path: Path) -> None:
    count = preview.page_count()
    assert count >= 3
    printer = _pdf_printer(tmp_path / "range.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    ranges = QPageRanges()
    ranges.addRange(2, 3)
    printer.setPageRanges(ranges)
    assert printing.selected_pages(printer, count) == [1, 2]
    assert preview.print_to(printer) == 2
    assert len(PdfReader(tmp_path / "range.pdf").pages) == 2

    preview.go_to_page(count - 1)
    printer = _pdf_printer(tmp_path / "current.pdf")
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert preview.print_to(printer) == 1
    assert len(PdfReader(tmp_path / "current.pdf").pages) == 1


def test_selected_pages_rules(qapp) -> None:
    printer = QPrinter()
    assert printing.selected_pages(printer, 4) == [0, 1, 2, 3]
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    ranges = QPageRanges()
    ranges.addRange(3, 9)  # beyond the end: clipped
    ranges.addPage(1)
    printer.setPageRanges(ranges)
    assert printing.selected_pages(printer, 4) == [0, 2, 3]
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert printing.selected_pages(printer, 4) == [3, 2, 0]
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert printing.selected_pages(printer, 4, current_page=2) == [2]


def test_print_dialog_path_with_a4_paper(preview: PdfPreviewDialog, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "dialog.pdf"
    preview.built.paper = "a4"
    seen: list[QPrintDialog] = []

    def fake_exec(dialog: QPrintDialog) -> int:  # "Print to file", pages 1-2
        seen.append(dialog)
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(1, 2)
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    assert preview.print_document() == 2
    assert seen[0].maxPage() == preview.page_count()
    assert seen[0].testOption(QPrintDialog.PrintDialogOption.PrintPageRange)
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4

    monkeypatch.setattr(QPrintDialog, "exec", lambda d: QPrintDialog.DialogCode.Rejected)
    assert preview.print_document() == 0


def test_an_empty_document_cannot_be_printed(qapp, tmp_path: Path) -> None:
    printer = _pdf_printer(tmp_path / "none.pdf")
    with pytest.raises(printing.PrintError):
        printing.print_pages(QPdfDocument(), printer, [0])
