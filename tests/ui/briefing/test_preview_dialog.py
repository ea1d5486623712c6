"""The preview window on a real generated packet: pages, navigation, zoom, Save as…,
Open in system viewer, and the temporary file's life."""

from __future__ import annotations

import gc
import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QWheelEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from coordinator import paths
from ui.briefing.build import BuiltDocument
from ui.briefing.preview import PdfPreviewDialog, open_previews


@pytest.fixture
def preview(qtbot, bctx, built_briefing: BuiltDocument) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(bctx, built_briefing)
    qtbot.addWidget(dialog)
    dialog.resize(800, 900)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _has_ink(dialog: PdfPreviewDialog) -> bool:
    """Some dark pixel in the middle of the viewport: a page was actually drawn."""
    image = dialog.view.viewport().grab().toImage()
    for y in range(0, image.height(), 4):
        for x in range(image.width() // 4, image.width() * 3 // 4, 4):
            if image.pixelColor(x, y).lightness() < 100:
                return True
    return False


def test_preview_opens_a_generated_file_and_shows_its_pages(
        qtbot, preview: PdfPreviewDialog) -> None:
    assert preview.page_count() > 0
    assert preview.page_count_label.text().strip() == f"of {preview.page_count()}"
    assert preview.page_box.maximum() == preview.page_count()
    assert preview in open_previews()
    assert preview.windowTitle().startswith("Briefing — ")
    # The document survives garbage collection and is really drawn.
    gc.collect()
    qtbot.waitUntil(lambda: _has_ink(preview), timeout=5_000)


def test_page_navigation_buttons_box_and_keys(qtbot, preview: PdfPreviewDialog) -> None:
    count = preview.page_count()
    assert count >= 3
    assert preview.current_page() == 0 and not preview.prev_action.isEnabled()
    preview.next_action.trigger()
    assert preview.current_page() == 1 and preview.page_box.value() == 2
    preview.prev_action.trigger()
    assert preview.current_page() == 0
    preview.view.setFocus()
    qtbot.keyClick(preview.view, Qt.Key.Key_PageDown)
    assert preview.current_page() == 1
    qtbot.keyClick(preview.view, Qt.Key.Key_PageUp)
    assert preview.current_page() == 0
    # Also while the page box has the keyboard focus (a spin box steps by 10 on its own).
    preview.page_box.setFocus()
    qtbot.keyClick(preview.page_box, Qt.Key.Key_PageDown)
    assert preview.current_page() == 1 and preview.page_box.value() == 2
    qtbot.keyClick(preview.page_box, Qt.Key.Key_PageUp)
    assert preview.current_page() == 0
    # Typing a number and Enter goes there and neither saves nor closes.
    preview.page_box.lineEdit().selectAll()
    qtbot.keyClicks(preview.page_box, "3")
    qtbot.keyClick(preview.page_box, Qt.Key.Key_Return)
    assert preview.current_page() == 2 and preview.isVisible()
    preview.page_box.setValue(count)
    assert preview.current_page() == count - 1
    assert not preview.next_action.isEnabled()
    preview.next_page()  # past the end: stays on the last page
    assert preview.current_page() == count - 1


def test_zoom_in_out_and_fit_width(preview: PdfPreviewDialog) -> None:
    assert preview.fit_action.isChecked()
    fitted = preview.effective_zoom()
    preview.zoom_in()
    assert not preview.fit_action.isChecked()
    assert preview.view.zoomFactor() > fitted
    assert preview.zoom_label.text() == f"{round(preview.view.zoomFactor() * 100)}%"
    for _ in range(20):
        preview.zoom_out()
    assert preview.view.zoomFactor() == pytest.approx(0.25)
    assert not preview.zoom_out_action.isEnabled()
    preview.fit_action.trigger()
    assert preview.fit_action.isChecked()
    assert preview.effective_zoom() == pytest.approx(fitted, rel=0.05)

    # Ctrl+wheel zooms (a plain wheel scrolls, left to the view).
    viewport = preview.view.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    wheel = QWheelEvent(centre, viewport.mapToGlobal(centre), QPoint(), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, wheel)
    assert not preview.fit_action.isChecked()
    assert preview.view.zoomFactor() > fitted


def test_save_as_offers_the_documents_folder_and_writes_0600(
        preview: PdfPreviewDialog, built_briefing: BuiltDocument, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    offered: list[str] = []
    target = tmp_path / "out" / "my packet"  # no suffix: .pdf is added

    def fake_save(_parent, _caption, start, _filter, *_a, **_k):
        offered.append(start)
        return str(target), "PDF documents (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    saved = preview.save_as()
    assert offered == [str(paths.documents_dir() / built_briefing.suggested_name)]
    assert built_briefing.suggested_name.startswith("Briefing ")
    assert saved == target.with_name("my packet.pdf")
    assert saved.read_bytes() == built_briefing.path.read_bytes()
    if os.name == "posix":
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    # The next Save as… starts in the folder used last time.
    preview.save_as()
    assert offered[-1] == str(target.parent / built_briefing.suggested_name)


def test_save_as_cancelled_writes_nothing(preview: PdfPreviewDialog, message_boxes,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    assert preview.save_as() is None
    assert preview.saved_path is None and message_boxes.calls == []


def test_unwritable_folder_gives_a_clear_message(preview: PdfPreviewDialog, message_boxes,
                                                 tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    assert preview.save_to(blocker / "packet.pdf") is None
    assert preview.saved_path is None
    kind, title, text = message_boxes.calls[-1]
    assert kind == "critical" and title == "Could not save the PDF"
    assert str(blocker / "packet.pdf") in text and "Choose another folder" in text


def test_open_in_system_viewer_uses_the_saved_or_temporary_file(
        preview: PdfPreviewDialog, built_briefing: BuiltDocument, message_boxes,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url) or True))
    assert preview.open_externally()
    assert opened[-1].toLocalFile() == str(built_briefing.path)
    # Handed to another program: the temporary file outlives the preview.
    preview.close()
    assert built_briefing.path.exists()

    preview2 = PdfPreviewDialog(preview.ctx, built_briefing)
    saved = preview2.save_to(tmp_path / "kept.pdf")
    assert preview2.open_externally()
    assert opened[-1].toLocalFile() == str(saved)
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))
    assert not preview2.open_externally()
    assert message_boxes.calls[-1][1] == "No PDF viewer found"
    preview2.close()


def test_closing_removes_the_temporary_file(preview: PdfPreviewDialog,
                                            built_briefing: BuiltDocument) -> None:
    assert built_briefing.path.exists()
    preview.close()
    assert not built_briefing.path.exists()
    assert not built_briefing.path.parent.exists()
    assert preview not in open_previews()


def test_a_broken_file_is_reported(qtbot, bctx, tmp_path: Path, message_boxes) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not a PDF")
    dialog = PdfPreviewDialog(bctx, BuiltDocument(broken, "x.pdf", "Broken", "briefing"))
    qtbot.addWidget(dialog)
    assert dialog.page_count() == 0
    assert message_boxes.calls[-1][1] == "Cannot show the document"
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    dialog.close()
