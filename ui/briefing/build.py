"""Building a briefing packet or proposal document off the GUI thread.

    start_build(ctx, parent, "Preparing the briefing…",
                lambda folder, progress: build_briefing_file(services, mid, opts, folder, progress),
                on_built=show_preview)

The work runs through `ctx.tasks` and writes into a fresh private temporary folder
(0700, the file itself 0600: a packet holds contact data). The core reports each laid
out page through `progress(page)` on the worker thread; `BuildJob.progressed` (an object
created on, and living on, the GUI thread) carries it across as a queued signal, so no
widget is touched from the worker. Cancel makes the next progress call raise
`BuildCancelled`, which stops reportlab.

Temporary folders are removed when their preview closes, or at exit for files that were
handed to the system viewer (which may still be reading them).
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from coordinator.briefing import (
    BriefingData,
    BriefingOptions,
    ProposalDocData,
    briefing_filename,
    proposal_filename,
    write_briefing,
    write_proposal,
)
from coordinator.briefing.collect import ProposalSummary
from coordinator.errors import CoordinatorError
from ui.kit.background import PROGRESS_DELAY_MS
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from coordinator.services import Services
    from ui.context import AppContext

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
Work = Callable[[Path, Progress], "BuiltDocument"]


class BuildCancelled(Exception):
    """Raised from the progress callback when the user pressed Cancel."""


@dataclass
class BuiltDocument:
    path: Path  # the temporary file
    suggested_name: str  # for "Save as…"
    title: str  # window title of the preview
    kind: str  # "briefing" | "proposal"
    paper: str = "letter"


# -- the work (runs on a worker thread; Qt-free) ------------------------------------------
def build_briefing_file(services: Services, meeting_id: str, options: BriefingOptions,
                        folder: Path, progress: Progress | None = None) -> BuiltDocument:
    m = services.meetings.get(meeting_id)
    name = briefing_filename(BriefingData(title=m.title, starts_at=m.starts_at,
                                          time_zone=m.time_zone))
    path = write_briefing(services, meeting_id, folder / name, options=options,
                          progress=progress)
    return BuiltDocument(path, name, f"Briefing — {m.title}", "briefing", options.paper)


def build_proposal_file(services: Services, proposal_id: str, paper: str, folder: Path,
                        progress: Progress | None = None) -> BuiltDocument:
    p = services.proposals.get(proposal_id)
    name = proposal_filename(ProposalDocData(proposal=ProposalSummary(title=p.title)))
    path = write_proposal(services, proposal_id, folder / name, paper=paper, progress=progress)
    return BuiltDocument(path, name, f"Proposal — {p.title}", "proposal", paper)


# -- temporary folders --------------------------------------------------------------------
_kept: set[Path] = set()


def new_build_folder() -> Path:
    """A fresh folder only this user can read (mkdtemp creates it 0700)."""
    return Path(tempfile.mkdtemp(prefix="coordinator-document-"))


def discard(path: Path) -> None:
    """Remove the temporary folder holding `path` (a file in it, or the folder)."""
    folder = path if path.is_dir() else path.parent
    if folder.name.startswith("coordinator-document-"):
        shutil.rmtree(folder, ignore_errors=True)
        _kept.discard(folder)


def keep_until_exit(path: Path) -> None:
    """An outside program may still read `path`: remove its folder only at exit."""
    _kept.add(path if path.is_dir() else path.parent)


@atexit.register
def _remove_kept() -> None:
    for folder in list(_kept):
        shutil.rmtree(folder, ignore_errors=True)
    _kept.clear()


# -- the job ------------------------------------------------------------------------------
_active: dict[tuple[int, str], BuildJob] = {}


class BuildJob(QObject):
    """One build: its progress dialog, cancel flag and GUI-thread callbacks."""

    progressed = Signal(int)  # page number; emitted on the worker, delivered on the GUI

    def __init__(self, ctx: AppContext, parent_widget: QWidget | None, label: str,
                 work: Work, on_built: Callable[[BuiltDocument, QWidget | None], None],
                 key: str) -> None:
        super().__init__(ctx)  # lives as long as the context, not the (closable) widget
        self.ctx, self.parent_widget, self.label, self.work = ctx, parent_widget, label, work
        self.on_built, self.key = on_built, key
        self.cancel_event = threading.Event()
        self.folder = new_build_folder()
        self.pages = 0
        self.result: BuiltDocument | None = None
        self.error: BaseException | None = None
        self.progressed.connect(self._on_progress)
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, self._parent())
        self.dialog.setWindowTitle("Coordinator")
        self.dialog.setAccessibleName("Document progress")
        self.dialog.setMinimumWidth(340)
        self.dialog.setMinimumDuration(PROGRESS_DELAY_MS)  # quick builds never flash a dialog
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)

    def _parent(self) -> QWidget | None:
        w = self.parent_widget
        return w if w is not None and shiboken6.isValid(w) else None

    def start(self) -> None:
        _active[(id(self.ctx), self.key)] = self
        self.dialog.setValue(0)
        self.ctx.tasks.run(self._run, on_done=self._done, on_error=self._failed)

    def _run(self) -> BuiltDocument:  # worker thread: no widgets here
        def progress(page: int) -> None:
            if self.cancel_event.is_set():
                raise BuildCancelled
            self.progressed.emit(page)

        return self.work(self.folder, progress)

    def _dialog_alive(self) -> bool:
        # The dialog dies with its parent widget if that closes during the build.
        return shiboken6.isValid(self.dialog)

    @Slot()
    def cancel(self) -> None:
        self.cancel_event.set()
        if self._dialog_alive():
            self.dialog.setLabelText("Cancelling…")

    @Slot(int)
    def _on_progress(self, page: int) -> None:
        self.pages = page
        if not self.cancel_event.is_set() and self._dialog_alive():
            self.dialog.setLabelText(f"{self.label}\nLaid out page {page}…")

    def _finish(self) -> None:
        _active.pop((id(self.ctx), self.key), None)
        if self._dialog_alive():
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
        self.deleteLater()

    def _done(self, result: BuiltDocument) -> None:
        self._finish()
        self.result = result
        if self.cancel_event.is_set():
            discard(self.folder)
            return
        self.on_built(result, self._parent())

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.error = exc
        discard(self.folder)
        if isinstance(exc, BuildCancelled) or self.cancel_event.is_set():
            self.ctx.status_message.emit("Document cancelled.", 4000)
            return
        show_build_error(self._parent(), exc)


def show_build_error(parent: QWidget | None, exc: BaseException) -> None:
    """A clear message for what went wrong; unexpected errors go to the error dialog."""
    if isinstance(exc, CoordinatorError):
        QMessageBox.warning(parent, "Could not prepare the document", str(exc))
    elif isinstance(exc, OSError):
        QMessageBox.critical(
            parent, "Could not prepare the document",
            "Coordinator could not write the temporary PDF file"
            f"{f' in {exc.filename}' if exc.filename else ''}: "
            f"{exc.strerror or exc}.\n\nCheck that the temporary folder has free space.")
    elif TaskRunner.default_error_handler is not None:
        TaskRunner.default_error_handler(exc)
    else:
        log.error("building a document failed", exc_info=exc)
        QMessageBox.critical(parent, "Could not prepare the document",
                             f"{type(exc).__name__}: {exc}")


def start_build(ctx: AppContext, parent: QWidget | None, label: str, work: Work,
                on_built: Callable[[BuiltDocument, QWidget | None], None],
                key: str) -> BuildJob:
    """Run `work` off the GUI thread; a second request for the same `key` while the
    first is running just brings its progress dialog forward."""
    running = _active.get((id(ctx), key))
    if running is not None:
        if running._dialog_alive():
            running.dialog.show()
            running.dialog.raise_()
        return running
    job = BuildJob(ctx, parent, label, work, on_built, key)
    job.start()
    return job
