"""The "About you" settings page: the name, title and organization that documents print
as "Prepared by" (never the computer's login name).

    AboutYouDialog(parent).exec()   # Edit > About You…
    PreparedByRow()                 # in the briefing and proposal document options
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator import about_you
from coordinator.errors import CoordinatorError


class AboutYouDialog(QDialog):
    """Settings — About you: three fields, saved to the core's settings file."""

    def __init__(self, parent: QWidget | None = None, first_time: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings — About you")
        self.setAccessibleName("About you settings")
        current = about_you.load()
        outer = QVBoxLayout(self)
        intro = QLabel(
            ("Before your first document: " if first_time else "")
            + "briefing packets and proposal documents print this as “Prepared by” and in "
            "the PDF's Author field. Leave it empty to print no name.")
        intro.setWordWrap(True)
        outer.addWidget(intro)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, label, placeholder in (
                ("name", "&Name:", "e.g. Ada Lovelace"),
                ("title", "&Title:", "e.g. Coalition coordinator"),
                ("organization", "&Organization:", "e.g. North Texas Innovation Alliance")):
            edit = QLineEdit(getattr(current, key))
            edit.setPlaceholderText(placeholder)
            edit.setMaxLength(about_you.MAX_CHARS[key])
            edit.setAccessibleName(label.replace("&", "").rstrip(":"))
            edit.textChanged.connect(self._validate)
            form.addRow(label, edit)
            self.fields[key] = edit
        outer.addLayout(form)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Problem")
        self.message.setStyleSheet("color: #b00020;")
        outer.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.setMinimumWidth(440)
        self._validate()

    def value(self) -> about_you.AboutYou:
        return about_you.AboutYou(**{k: " ".join(e.text().split())
                                     for k, e in self.fields.items()})

    def _validate(self, *_args: object) -> None:
        problems = about_you.problems(self.value())
        self.message.setText(" ".join(problems))
        self.message.setVisible(bool(problems))
        self.save_button.setEnabled(not problems)

    def accept(self) -> None:
        try:
            about_you.save(self.value())
        except (CoordinatorError, OSError) as exc:
            self.message.setText(f"Could not save: {exc}")
            self.message.setVisible(True)
            return
        super().accept()


class PreparedByRow(QWidget):
    """"Prepared by: Ada Lovelace, … [Change…]" for the document options dialogs; reads
    "Not set" with a Set… button until the coordinator fills in About you."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Prepared by")
        self.button = QPushButton()
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.change)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.refresh()

    def refresh(self) -> None:
        current = about_you.load()
        if current.is_set:
            self.label.setText(current.signature())
            self.button.setText("Change…")
        else:
            self.label.setText("Not set: no name is printed. Tell Coordinator who you are.")
            self.button.setText("Set…")
        self.button.setAccessibleName("Set who prepares documents")

    def change(self) -> None:
        dialog = AboutYouDialog(self.window(), first_time=not about_you.load().is_set)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
        self.refresh()
