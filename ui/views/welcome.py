"""The first-start page on an empty database: load the sample coalition, import
contacts, or start empty. The sample is built in a worker with a progress dialog."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.kit.background import PROGRESS_DELAY_MS

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)
SAMPLE_CONTACTS = 600


class _ProgressRelay(QObject):
    """Created on the GUI thread: a worker's emit arrives there queued."""

    progressed = Signal(str, int)


def sample_builder(services: object, contacts: int = SAMPLE_CONTACTS,
                   progress: Callable[[str, int], None] | None = None) -> Callable[[], object]:
    """A function that fills the database with the sample coalition (run in a worker)."""

    def build() -> object:
        from coordinator.demo import build_demo

        return build_demo(services, contacts=contacts, progress=progress)  # type: ignore[arg-type]

    return build


class WelcomePage(QWidget):
    """Shown instead of the views while the database is empty."""

    finished = Signal(str)  # "sample", "import" or "empty"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Welcome")
        self.progress: QProgressDialog | None = None
        title = QLabel("Welcome to Coordinator")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "This database is empty. Keep your coalition's consortia, organizations and "
            "people, joint proposals and meetings here, on your own computer.")
        intro.setWordWrap(True)
        self.sample_button = QPushButton("Load sample coalition")
        self.sample_button.setAccessibleName("Load sample coalition")
        self.sample_button.setToolTip("Fill this database with realistic sample data to try "
                                      "things out. You can delete it later.")
        self.import_button = QPushButton("Import contacts…")
        self.import_button.setAccessibleName("Import contacts")
        self.empty_button = QPushButton("Start empty")
        self.empty_button.setAccessibleName("Start empty")
        for button in (self.sample_button, self.import_button, self.empty_button):
            button.setMinimumHeight(button.sizeHint().height() + 12)
            button.setMinimumWidth(260)
        self.sample_button.setDefault(True)
        self.sample_button.clicked.connect(self.load_sample)
        self.import_button.clicked.connect(lambda: self.finished.emit("import"))
        self.empty_button.clicked.connect(lambda: self.finished.emit("empty"))
        hint = QLabel(f"The database is {ctx.db_path}")
        hint.setWordWrap(True)
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(12)
        for w in (self.sample_button, self.import_button, self.empty_button):
            column.addWidget(w, 0, Qt.AlignmentFlag.AlignLeft)
        column.addSpacing(12)
        column.addWidget(hint)
        box = QWidget()
        box.setLayout(column)
        box.setFixedWidth(min(560, max(420, intro.fontMetrics().averageCharWidth() * 70)))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def load_sample(self, contacts: int = SAMPLE_CONTACTS) -> None:
        """Build the sample coalition in a worker; the page stays responsive."""
        self.sample_button.setEnabled(False)
        progress = QProgressDialog("Loading the sample coalition…", "", 0, 100, self)
        progress.setCancelButton(None)
        progress.setWindowTitle("Sample coalition")
        progress.setMinimumDuration(PROGRESS_DELAY_MS)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress = progress
        progress.show()
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._on_progress)
        self.ctx.tasks.run(sample_builder(self.ctx.services, contacts,
                                          self._relay.progressed.emit),
                           on_done=self._sample_done, on_error=self._sample_failed,
                           key="sample-data")

    def _on_progress(self, stage: str, percent: int) -> None:
        if self.progress is not None:
            self.progress.setLabelText(f"{stage}…")
            self.progress.setValue(percent)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self.sample_button.setEnabled(True)

    def _sample_done(self, _result: object) -> None:
        self._close_progress()
        self.ctx.status_message.emit("Loaded the sample coalition.", 5000)
        self.finished.emit("sample")

    def _sample_failed(self, exc: BaseException) -> None:
        self._close_progress()
        log.error("sample data failed", exc_info=exc)
        QMessageBox.warning(self, "Sample coalition",
                            f"The sample coalition could not be loaded:\n{exc}")
