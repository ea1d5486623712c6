"""The in-app PDF preview: QtPdf viewer with zoom and page navigation, Save as…, Print…,
Open in the system viewer.

    show_preview(ctx, BuiltDocument(path, "Briefing ….pdf", "Briefing — …", "briefing"), parent)

The QPdfDocument is parented to the dialog *and* kept as an attribute (an unreferenced
document is garbage-collected and the viewer goes blank). The dialog is
modeless; open previews are kept in `open_previews()` until they close. Closing removes
the temporary file unless it was handed to the system viewer (removed at exit then).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMargins, QObject, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from coordinator import paths
from coordinator.briefing import write_private
from ui.briefing import printing
from ui.briefing.build import BuiltDocument, discard, keep_until_exit
from ui.kit.background import PROGRESS_DELAY_MS

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)

ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
SAVE_DIR_KEY = "documents/save_dir"
GEOMETRY_KEY = "documents/preview_geometry"
_open: list[PdfPreviewDialog] = []


def open_previews() -> list[PdfPreviewDialog]:
    """The preview windows currently open (tests, and the main window on close)."""
    return list(_open)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


class PdfPreviewDialog(QDialog):
    def __init__(self, ctx: AppContext, built: BuiltDocument,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.built = ctx, built
        self.saved_path: Path | None = None
        self._shared = False  # handed to the system viewer: keep the temp file until exit
        self.setWindowTitle(built.title)
        self.setAccessibleName("Document preview")
        self.setWindowFlag(Qt.WindowType.Window, True)  # own window: minimise, maximise
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setModal(False)

        self.document = QPdfDocument(self)  # parented and referenced, or it is collected
        self.view = QPdfView(self)
        self.view.setAccessibleName("Pages")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(16)
        self.view.setDocumentMargins(QMargins(16, 16, 16, 16))
        self.navigator = self.view.pageNavigator()

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setContentsMargins(6, 2, 6, 2)
        self.prev_action = self._action("◀ Previous", "Previous page (Page Up)",
                                        QKeySequence(Qt.Key.Key_PageUp), self.previous_page)
        self.page_box = QSpinBox()
        self.page_box.setAccessibleName("Page number")
        self.page_box.setKeyboardTracking(False)
        self.page_box.setMinimum(1)
        self.page_box.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.page_box.valueChanged.connect(lambda n: self.go_to_page(n - 1))
        self.toolbar.addWidget(QLabel(" Page "))
        self.toolbar.addWidget(self.page_box)
        self.page_count_label = QLabel(" of 0 ")
        self.toolbar.addWidget(self.page_count_label)
        self.next_action = self._action("Next ▶", "Next page (Page Down)",
                                        QKeySequence(Qt.Key.Key_PageDown), self.next_page)
        self.toolbar.addSeparator()
        self.zoom_out_action = self._action("−", "Zoom out (Ctrl+−)",
                                            QKeySequence.StandardKey.ZoomOut, self.zoom_out)
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(48)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setAccessibleName("Zoom")
        self.toolbar.addWidget(self.zoom_label)
        self.zoom_in_action = self._action("+", "Zoom in (Ctrl++)",
                                           QKeySequence.StandardKey.ZoomIn, self.zoom_in)
        self.fit_action = self._action("Fit width", "Fit the page width to the window (Ctrl+0)",
                                       QKeySequence("Ctrl+0"), self.fit_width)
        self.fit_action.setCheckable(True)

        self.buttons = QDialogButtonBox()
        self.save_button = self._button("Save as…", self.save_as)
        self.print_button = self._button("Print…", self.print_document)
        self.open_button = self._button("Open in system viewer", self.open_externally)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)  # Enter in the page box must not close or save
        close.clicked.connect(self.close)
        QAction("Save", self, shortcut=QKeySequence.StandardKey.Save,
                triggered=self.save_as, shortcutContext=Qt.ShortcutContext.WindowShortcut)
        QAction("Print", self, shortcut=QKeySequence.StandardKey.Print,
                triggered=self.print_document, shortcutContext=Qt.ShortcutContext.WindowShortcut)
        for action in self.findChildren(QAction):
            if action.parent() is self:
                self.addAction(action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        self.buttons.setContentsMargins(12, 8, 12, 0)
        layout.addWidget(self.buttons)

        self.view.viewport().installEventFilter(self)
        self.navigator.currentPageChanged.connect(self._page_changed)
        self.view.zoomFactorChanged.connect(self._update_zoom)
        self.view.zoomModeChanged.connect(self._update_zoom)
        self.document.pageCountChanged.connect(self._update_pages)
        self.finished.connect(self._closed)

        geometry = ctx.settings.value(GEOMETRY_KEY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(860, 960)
        self.load(built.path)
        _open.append(self)

    # -- building blocks ----------------------------------------------------------------
    def _action(self, text: str, tip: str, key: QKeySequence | QKeySequence.StandardKey,
                slot: object) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setShortcut(key)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        return action

    def _button(self, text: str, slot: object) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setAccessibleName(text.rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- document -------------------------------------------------------------------------
    def load(self, path: Path) -> bool:
        error = self.document.load(str(path))
        self._update_pages()
        if error != QPdfDocument.Error.None_:
            QMessageBox.critical(self, "Cannot show the document",
                                 f"{path}\n\nThe PDF could not be opened ({error.name}).")
            return False
        return True

    def page_count(self) -> int:
        return self.document.pageCount()

    def current_page(self) -> int:
        return self.navigator.currentPage()

    def _update_pages(self, *_args: object) -> None:
        count = self.page_count()
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(max(count, 1))
        self.page_box.setValue(self.current_page() + 1)
        self.page_box.blockSignals(False)
        self.page_count_label.setText(f" of {count} ")
        for w in (self.print_button, self.save_button, self.page_box):
            w.setEnabled(count > 0)
        self._page_changed(self.current_page())
        self._update_zoom()

    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.prev_action.setEnabled(page > 0)
        self.next_action.setEnabled(page < self.page_count() - 1)

    # -- navigation -----------------------------------------------------------------------
    def go_to_page(self, index: int) -> None:
        count = self.page_count()
        if count <= 0:
            return
        index = min(max(index, 0), count - 1)
        self.navigator.jump(index, QPointF(), self.navigator.currentZoom())
        self._page_changed(index)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    # -- zoom -----------------------------------------------------------------------------
    def effective_zoom(self) -> float:
        """The zoom factor on screen, also in fit-width mode (where Qt reports 1.0)."""
        if self.view.zoomMode() != QPdfView.ZoomMode.FitToWidth or self.page_count() <= 0:
            return self.view.zoomFactor()
        points = self.document.pagePointSize(max(self.current_page(), 0)).width()
        margins = self.view.documentMargins()
        width = self.view.viewport().width() - margins.left() - margins.right()
        pixels = points * self.view.logicalDpiX() / 72
        return max(width / pixels, 0.1) if pixels > 0 else 1.0

    def set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(factor, ZOOM_STEPS[0]), ZOOM_STEPS[-1]))
        self._update_zoom()

    def zoom_in(self) -> None:
        now = self.effective_zoom()
        self.set_zoom(next((z for z in ZOOM_STEPS if z > now + 0.01), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        now = self.effective_zoom()
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < now - 0.01), ZOOM_STEPS[0]))

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._update_zoom()

    def _update_zoom(self, *_args: object) -> None:
        fitting = self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
        self.fit_action.setChecked(fitting)
        zoom = self.effective_zoom()
        self.zoom_label.setText(f"{round(zoom * 100)}%")
        self.zoom_in_action.setEnabled(zoom < ZOOM_STEPS[-1] - 0.01)
        self.zoom_out_action.setEnabled(zoom > ZOOM_STEPS[0] + 0.01)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport():
            if event.type() == QEvent.Type.Resize:
                self._update_zoom()  # fit-width zoom follows the viewport's width
            elif (event.type() == QEvent.Type.Wheel
                  and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                delta = event.angleDelta().y()  # type: ignore[attr-defined]
                if delta:
                    (self.zoom_in if delta > 0 else self.zoom_out)()
                return True  # Ctrl+wheel zooms instead of scrolling
        return super().eventFilter(watched, event)

    # -- file actions ---------------------------------------------------------------------
    def _start_folder(self) -> Path:
        remembered = self.ctx.settings.value(SAVE_DIR_KEY)
        if isinstance(remembered, str) and remembered and Path(remembered).is_dir():
            return Path(remembered)
        folder = paths.documents_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return Path.home()
        return folder

    def save_as(self) -> Path | None:
        """Ask where, then copy the PDF there (0600). Returns the saved path."""
        noun = "briefing" if self.built.kind == "briefing" else "proposal document"
        start = self._start_folder() / self.built.suggested_name
        name, _filter = QFileDialog.getSaveFileName(self, f"Save the {noun} as",
                                                    str(start), "PDF documents (*.pdf)")
        if not name:
            return None
        target = Path(name)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        return self.save_to(target)

    def save_to(self, target: Path) -> Path | None:
        try:
            if target.is_dir():
                raise IsADirectoryError(21, "That is a folder, not a file name", str(target))
            write_private(target, self.built.path.read_bytes())
        except OSError as exc:
            log.warning("saving %s failed: %s", target, exc)
            QMessageBox.critical(
                self, "Could not save the PDF",
                f"Coordinator could not save the document as\n{target}\n\n"
                f"{_reason(exc)}.\n\nChoose another folder (for example your Documents "
                "folder) or another file name.")
            return None
        self.saved_path = target
        self.ctx.settings.setValue(SAVE_DIR_KEY, str(target.parent))
        self.ctx.status_message.emit(f"Saved {target}", 6000)
        self.setWindowTitle(f"{self.built.title} — {target.name}")
        return target

    def open_externally(self) -> bool:
        path = self.saved_path or self.built.path
        if path == self.built.path:
            self._shared = True
            keep_until_exit(path)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.warning(
                self, "No PDF viewer found",
                "No application to open PDF files was found on this computer.\n\n"
                "Use “Save as…” and open the file from your file manager.")
            return False
        return True

    # -- printing -------------------------------------------------------------------------
    def print_document(self) -> int:
        """Ask the system print dialog, then print; returns the number of pages printed."""
        printer = printing.make_printer(self.built.paper, self.built.suggested_name)
        dialog = printing.print_dialog(printer, self.page_count(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        return self.print_to(printer)

    def print_to(self, printer: printing.QPrinter) -> int:
        pages = printing.selected_pages(printer, self.page_count(), self.current_page())
        progress = QProgressDialog("Printing…", "Cancel", 0, max(len(pages), 1), self)
        progress.setWindowTitle("Print")
        progress.setMinimumDuration(PROGRESS_DELAY_MS)
        progress.setWindowModality(Qt.WindowModality.WindowModal)

        def keep_going(done: int, total: int) -> bool:
            progress.setMaximum(total)
            progress.setValue(done)
            progress.setLabelText(f"Printing page {done + 1} of {total}…")
            QApplication.processEvents()
            return not progress.wasCanceled()

        try:
            printed = printing.print_pages(self.document, printer, pages,
                                           keep_going=keep_going)
        except printing.PrintError as exc:
            QMessageBox.warning(self, "Could not print", str(exc))
            return 0
        finally:
            progress.close()
            progress.deleteLater()
        if printed:
            self.ctx.status_message.emit(f"Sent {printed} page(s) to the printer.", 5000)
        return printed

    # -- closing --------------------------------------------------------------------------
    def _closed(self, _result: int = 0) -> None:
        if self in _open:
            _open.remove(self)
        self.ctx.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.document.close()
        if not self._shared:
            discard(self.built.path)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if self in _open:
            self.done(QDialog.DialogCode.Rejected)


def show_preview(ctx: AppContext, built: BuiltDocument,
                 parent: QWidget | None = None) -> PdfPreviewDialog:
    """Open a modeless preview window for a built document and bring it forward."""
    dialog = PdfPreviewDialog(ctx, built, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
