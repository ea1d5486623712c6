"""Pieces the import/export and safety dialogs share.

- `run_modal(dialog)`: the one place a dialog is executed (tests replace it with a driver);
- `ProgressJob`: run `fn(progress, cancelled)` on `ctx.tasks` with progress reported to
  the GUI thread and a cancel flag the core checks (`ImportCancelled`);
- `wait_for(ctx, fn, parent, label)`: run a short job off the GUI thread while the
  caller waits (a progress dialog appears only after 0.6 s), then return its result or
  raise its exception;
- `write_private(path, data)`: write a file the user chose, 0600 from the start, under
  a temporary name then renamed, with a clear message on a full or read-only disk;
- `read_only_table(headers)` / `fill_table(table, rows)` and `local_time(dt)`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from coordinator.db.backup import storage_error
from coordinator.errors import CoordinatorError
from coordinator.paths import PRIVATE_FILE_MODE, make_private
from coordinator.wording import plural as plural  # the one helper for every count shown

if TYPE_CHECKING:
    from ui.context import AppContext

PROGRESS_DELAY_MS = 600
ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]


def run_modal(dialog: QDialog) -> int:
    """Execute `dialog` modally (tests monkeypatch this with a driver)."""
    return dialog.exec()


class ProgressJob(QObject):
    """One cancellable background job whose progress reaches the GUI thread.

    The job object lives on the GUI thread (PITFALLS: worker signals); the worker only
    emits `progressed`, which Qt queues across threads.
    """

    progressed = Signal(int, int)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._cancel = threading.Event()
        self.running = False
        self._generation = 0

    def start(self, fn: Callable[[ProgressFn, CancelFn], Any],
              on_done: Callable[[Any], None],
              on_error: Callable[[BaseException], None]) -> None:
        """Run `fn(progress, cancelled)`; a job started again supersedes this one (its
        results are dropped, and it is asked to stop)."""
        self._cancel.set()
        self._cancel = threading.Event()
        flag = self._cancel
        self.running = True
        self._generation += 1
        generation = self._generation

        def work() -> Any:
            return fn(self.progressed.emit, flag.is_set)

        def done(result: Any) -> None:
            if is_alive(self) and generation == self._generation:
                self.running = False
                on_done(result)

        def failed(exc: BaseException) -> None:
            if is_alive(self) and generation == self._generation:
                self.running = False
                on_error(exc)

        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


def is_alive(obj: QObject) -> bool:
    """False once Qt deleted the object (a late callback must then do nothing)."""
    return shiboken6.isValid(obj)


def wait_for(ctx: AppContext, fn: Callable[[], Any], parent: QWidget | None,
             label: str) -> Any:
    """Run `fn` on the task pool and wait for it (the GUI keeps painting); a busy
    dialog with `label` shows only if it takes longer than 0.6 s."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    busy = QProgressDialog(label, "", 0, 0, parent)
    busy.setCancelButton(None)  # type: ignore[arg-type]
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.reset()  # no automatic show: ours comes after PROGRESS_DELAY_MS
    busy.hide()
    timer = QTimer(busy)
    timer.setSingleShot(True)
    timer.timeout.connect(busy.show)
    timer.start(PROGRESS_DELAY_MS)
    ctx.tasks.run(fn, on_done=done, on_error=failed)
    if not outcome:
        loop.exec()
    timer.stop()
    busy.reset()
    busy.hide()
    busy.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def write_private(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` (mode 0600, temp file then rename); clear storage errors."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        make_private(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        clear = storage_error(exc, f"write {path.name}")
        raise (clear or CoordinatorError(f"Could not write {path}: {exc.strerror or exc}.")
               ) from exc
    return path


def read_only_table(headers: Sequence[str], name: str = "") -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    if name:
        table.setAccessibleName(name)
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[object]],
               *, fit: bool = True) -> None:
    table.setRowCount(0)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, int):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    if fit:
        header = table.horizontalHeader()
        for c in range(table.columnCount() - 1):
            table.resizeColumnToContents(c)
            if table.columnWidth(c) > 260:
                table.setColumnWidth(c, 260)
        header.setSectionResizeMode(table.columnCount() - 1, QHeaderView.ResizeMode.Stretch)


def local_time(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


