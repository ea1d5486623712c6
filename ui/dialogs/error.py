"""The dialog for an unexpected error: what happened, the details, "Copy details".

The application keeps running; open forms keep what was typed in them.
"""

from __future__ import annotations

import platform
import sys

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator import __version__


class ErrorDialog(QDialog):
    def __init__(self, exc: BaseException, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.setAccessibleName("Error")
        summary = QLabel(
            f"<b>Coordinator ran into a problem:</b> {type(exc).__name__}: "
            f"{_escape(str(exc))[:400]}<br><br>Your data is safe: every saved change is in the "
            "database, and open forms keep what you typed. You can carry on working.")
        summary.setWordWrap(True)
        self.details_text = (f"Coordinator {__version__}, Python {sys.version.split()[0]}, "
                             f"{platform.platform()}\n\n{details}")
        box = QPlainTextEdit(self.details_text)
        box.setReadOnly(True)
        box.setAccessibleName("Error details")
        box.setMinimumHeight(160)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy details")
        copy.setAccessibleName("Copy details")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(box, 1)
        layout.addWidget(buttons)
        self.resize(620, 380)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
