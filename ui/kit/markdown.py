"""Markdown editing with a live preview beside the text (proposal sections, meeting notes).

`render_markdown` uses markdown-it-py with raw HTML disabled; the preview never loads
images or follows links on its own (no local files, no network).
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont, QFontDatabase, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QSplitter, QTextBrowser, QVBoxLayout, QWidget

PREVIEW_DELAY_MS = 150
PREVIEW_CSS = """
h1, h2, h3 { margin-top: 8px; margin-bottom: 4px; }
p { margin-top: 0; margin-bottom: 6px; }
code { font-family: monospace; }
table { border-collapse: collapse; }
td, th { border: 1px solid #bbb; padding: 2px 6px; }
"""


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def render_markdown(text: str) -> str:
    """HTML for `text`; raw HTML in the input is shown as text, never interpreted."""
    return _parser().render(text or "")


class SafePreview(QTextBrowser):
    """A read-only rich-text view that loads nothing from disk or network."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDefaultStyleSheet(PREVIEW_CSS)
        self.setPlaceholderText("Preview")

    def loadResource(self, kind: int, name: QUrl) -> object:
        return None  # images and style sheets referenced by the text are never fetched

    def show_markdown(self, text: str) -> None:
        bar = self.verticalScrollBar()
        position = bar.value()
        self.setHtml(render_markdown(text))
        bar.setValue(position)


class MarkdownEditor(QWidget):
    """A plain-text Markdown editor with the rendered preview beside it."""

    text_changed = Signal()

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(
            placeholder or "Write in Markdown: # Heading, **bold**, - list item, [link](https://…)"
        )
        self.editor.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        fixed.setStyleHint(QFont.StyleHint.TypeWriter)
        self.editor.setTabChangesFocus(True)
        self.preview = SafePreview()
        self.preview.setAccessibleName("Preview")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(self.preview)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([1, 1])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self.editor.textChanged.connect(self._on_changed)

    def _on_changed(self) -> None:
        self._timer.start()
        self.text_changed.emit()

    def update_preview(self) -> None:
        self._timer.stop()
        self.preview.show_markdown(self.editor.toPlainText())

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the text (not an edit: the preview is updated at once)."""
        blocked = self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(blocked)
        self.update_preview()


__all__ = ["MarkdownEditor", "SafePreview", "render_markdown"]
