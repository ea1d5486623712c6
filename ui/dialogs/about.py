"""Help menu dialogs: About, and "Where is my data?" (the database path, with a button
that opens its folder)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget


def show_about(parent: QWidget) -> None:
    from coordinator import __version__

    QMessageBox.about(parent, "About Coordinator",
                      f"<h3>Coordinator {__version__}</h3><p>Members, joint proposals and "
                      "meetings for the coordinators of a multi-region smart-cities "
                      "coalition. Your data stays on this computer.</p>")


def where_is_my_data(parent: QWidget, path: Path) -> QMessageBox:
    """A non-blocking box naming the database file; "Open Folder" shows it."""
    box = QMessageBox(QMessageBox.Icon.Information, "Where is my data?",
                      f"Your data is in this database file:\n\n{path}\n\n"
                      "Back it up by copying it while Coordinator is closed.", parent=parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    open_button = box.addButton("Open Folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    open_button.clicked.connect(
        lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
