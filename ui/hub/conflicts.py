"""The Conflicts view: fields changed both here and on the hub since the last sync.

Each conflict shows its record, the field, and the base value, mine and theirs side by
side; Markdown fields also show a line diff of mine against theirs. Keep mine, Keep
theirs and Edit merged text resolve it as an ordinary undoable edit (Ctrl+Z opens the
conflict again and puts the row back), pushed at the next sync.
"""

from __future__ import annotations

import difflib
import html
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import CoordinatorError
from coordinator.wording import plural
from ui.kit import background
from ui.kit.background import is_alive
from ui.kit.views import FeatureView
from ui.widgets.forms import SPACING

if TYPE_CHECKING:
    from coordinator.sync.api import ConflictView
    from ui.context import AppContext

DELETED_MARK = "(deleted)"
KIND_NAMES = {"contact": "Contact", "organization": "Organization", "consortium": "Consortium",
              "proposal": "Proposal", "meeting": "Meeting", "action_item": "Action item",
              "tag": "Tag", "meeting_series": "Meeting series"}
EMPTY_TEXT = ("No conflicts.\nWhen the same field was changed here and by someone else "
              "since the last sync, both versions wait here for you to choose.")
RECORD, FIELD, BY, WHEN = range(4)


@dataclass(frozen=True)
class ConflictRow:
    conflict: ConflictView
    entity: str
    record_id: str
    title: str
    is_text: bool


def field_label(conflict: ConflictView) -> str:
    if conflict.field == DELETED_MARK:
        return "Deleted for good on one side"
    label = conflict.field.replace("_", " ").strip().capitalize()
    kind = conflict.kind
    if "_" in kind and kind not in KIND_NAMES:  # a contact's email, a proposal's section
        return f"{kind.split('_', 1)[1].replace('_', ' ')}: {label.lower()}"
    return label


def shown(value: Any, absent: bool = False) -> str:
    """A conflict value as text for the user."""
    if absent:
        return "(deleted for good)"
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, dict):
        return "\n".join(f"{k}: {shown(v)}" for k, v in value.items()
                         if v not in (None, "") and k not in ("id",))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def line_diff_html(mine: str, theirs: str) -> str:
    """Mine against theirs, line by line: removed from mine in red, added by them in green."""
    rows = []
    for line in difflib.ndiff(mine.splitlines(), theirs.splitlines()):
        tag, text = line[:2], html.escape(line[2:]) or "&nbsp;"
        if tag == "? ":
            continue
        if tag == "- ":
            rows.append(f'<div style="background:#fde2e1;color:#8a1c1c">− mine: {text}</div>')
        elif tag == "+ ":
            rows.append(f'<div style="background:#dff3e3;color:#1d5e2c">+ theirs: {text}</div>')
        else:
            rows.append(f'<div style="color:#555">&nbsp;&nbsp;{text}</div>')
    return "".join(rows) or "<i>No difference in the lines.</i>"


def _local(text: str) -> str:
    """A conflict's time (stored in UTC) in this computer's time zone."""
    from coordinator.sync.times import parse_time

    moment = parse_time(text)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _load(ctx: AppContext) -> list[ConflictRow]:
    from coordinator.sync.tables import table

    rows = []
    for conflict in ctx.hub.list_conflicts():
        entity, record_id, title = ctx.hub.record_title(conflict.kind, conflict.row_id)
        try:
            texts = table(conflict.kind).text_fields
        except KeyError:
            texts = ()
        is_text = conflict.field in texts and all(
            isinstance(v, str | None) for v in (conflict.mine, conflict.theirs))
        rows.append(ConflictRow(conflict, entity, record_id, title, is_text))
    return rows


class ResolveCommand(QUndoCommand):
    """Resolving one conflict; undo puts the row back as it was and reopens the conflict."""

    def __init__(self, ctx: AppContext, row: ConflictRow, keep: str, text: str | None = None,
                 on_done: Any = None) -> None:
        what = {"mine": "Keep mine", "theirs": "Keep theirs", "text": "Merge"}[keep]
        super().__init__(f"{what}: {row.title or row.entity} ({field_label(row.conflict)})")
        self.ctx, self.row, self.keep, self.merged_text = ctx, row, keep, text
        self.snapshot: dict[str, Any] | None = None
        self.taken = False
        self.on_done = on_done
        self.failed: str | None = None

    def _guard(self, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except CoordinatorError as exc:
            self.failed = str(exc)
            self.ctx.status_message.emit(f"Could not {self.text().lower()}: {exc}", 8000)
            self.setObsolete(True)
        if self.on_done is not None:
            self.on_done()

    def redo(self) -> None:
        conflict = self.row.conflict
        if not self.taken:
            self.snapshot = self.ctx.hub.row_snapshot(conflict.kind, conflict.row_id)
            self.taken = True
        self._guard(self.ctx.hub.resolve, conflict.id, self.keep, self.merged_text)

    def undo(self) -> None:
        self._guard(self.ctx.hub.unresolve, self.row.conflict.id, self.snapshot)


class MergedTextDialog(QDialog):
    """Write the text to keep, starting from theirs with mine beside it."""

    def __init__(self, row: ConflictRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Merge {field_label(row.conflict).lower()}")
        self.setAccessibleName("Edit merged text")
        mine = QPlainTextEdit(str(row.conflict.mine or ""))
        mine.setReadOnly(True)
        mine.setAccessibleName("Mine")
        self.editor = QPlainTextEdit(str(row.conflict.theirs or ""))
        self.editor.setAccessibleName("Merged text")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        grid = QGridLayout()
        grid.addWidget(QLabel("Mine (to copy from):"), 0, 0)
        grid.addWidget(QLabel("Merged text (starts as theirs):"), 0, 1)
        grid.addWidget(mine, 1, 0)
        grid.addWidget(self.editor, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addWidget(buttons)
        self.resize(900, 500)

    def text(self) -> str:
        return self.editor.toPlainText()


class ConflictsView(QWidget, FeatureView):
    count_changed = Signal(int)
    resolved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[ConflictRow] = []
        self.setAccessibleName("Conflicts")
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Conflicts list")
        self.table.setHorizontalHeaderLabels(["Record", "Field", "Changed by", "Found"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RECORD, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._show_current)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.base = self._side("Base (before either change)")
        self.mine = self._side("Mine")
        self.theirs = self._side("Theirs")
        self.diff = QTextBrowser()
        self.diff.setAccessibleName("Line diff")
        self.diff_label = QLabel("Lines, mine against theirs:")
        self.keep_mine = QPushButton("Keep &mine")
        self.keep_mine.setAccessibleName("Keep mine")
        self.keep_mine.clicked.connect(lambda: self.resolve("mine"))
        self.keep_theirs = QPushButton("Keep &theirs")
        self.keep_theirs.setAccessibleName("Keep theirs")
        self.keep_theirs.clicked.connect(lambda: self.resolve("theirs"))
        self.merge = QPushButton("&Edit merged text…")
        self.merge.setAccessibleName("Edit merged text")
        self.merge.clicked.connect(self.edit_merged)
        self.open_button = QPushButton("&Open record")
        self.open_button.clicked.connect(self.open_current_record)
        sides = QHBoxLayout()
        for box in (self.base, self.mine, self.theirs):
            sides.addLayout(box[0], 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_mine)
        buttons.addWidget(self.keep_theirs)
        buttons.addWidget(self.merge)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.heading)
        detail_layout.addLayout(sides, 2)
        detail_layout.addWidget(self.diff_label)
        detail_layout.addWidget(self.diff, 1)
        detail_layout.addLayout(buttons)
        self.detail = detail
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setSizes([220, 420])
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACING, SPACING, SPACING, SPACING)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.empty, 1)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(150)
        self._reload_timer.timeout.connect(self.refresh)
        # Bound methods, not lambdas: Qt drops them when this view is deleted, while the
        # context and the syncer live on.
        ctx.changed.connect(self._schedule_reload)
        syncer = getattr(ctx, "hub_sync", None)
        if syncer is not None:
            syncer.synced.connect(self._schedule_reload)
            self.resolved.connect(syncer.refresh_status)
        self._show_rows([])
        self.refresh()

    def _schedule_reload(self, *_: object) -> None:
        self._reload_timer.start()

    def _side(self, title: str) -> tuple[QVBoxLayout, QLabel, QPlainTextEdit]:
        label = QLabel(title)
        text = QPlainTextEdit()
        text.setReadOnly(True)
        text.setAccessibleName(title.split(" (")[0])
        box = QVBoxLayout()
        box.addWidget(label)
        box.addWidget(text, 1)
        return box, label, text

    # -- loading --------------------------------------------------------------------------
    def refresh(self) -> None:
        ctx = self.ctx
        self.ctx.tasks.run(lambda: _load(ctx), on_done=self._loaded,
                           on_error=self._load_failed, key=f"conflicts-{id(self)}",
                           context=self)

    def _load_failed(self, exc: BaseException) -> None:
        if is_alive(self):
            self.ctx.status_message.emit(f"Conflicts could not be read: {exc}", 8000)

    def _loaded(self, rows: list[ConflictRow]) -> None:
        if is_alive(self):
            self._show_rows(rows)

    def _show_rows(self, rows: list[ConflictRow]) -> None:
        current = self.current()
        keep = current.conflict.id if current else None
        self.rows = rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            c = row.conflict
            values = [f"{KIND_NAMES.get(row.entity, row.entity)}: {row.title or '(gone)'}",
                      field_label(c), c.theirs_by or "", _local(c.created_at)]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(n, column, item)
        self.table.blockSignals(False)
        index = next((n for n, r in enumerate(rows) if r.conflict.id == keep), 0)
        if rows:
            self.table.selectRow(min(index, len(rows) - 1))
        self.splitter.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._show_current()
        self.count_changed.emit(len(rows))

    def current(self) -> ConflictRow | None:
        selected = self.table.selectionModel().selectedRows()
        if not selected or selected[0].row() >= len(self.rows):
            return None
        return self.rows[selected[0].row()]

    def _show_current(self) -> None:
        row = self.current()
        for widget in (self.keep_mine, self.keep_theirs, self.open_button):
            widget.setEnabled(row is not None and not self.ctx.read_only)
        self.merge.setEnabled(row is not None and row.is_text and not self.ctx.read_only)
        if row is None:
            self.heading.setText("")
            for box in (self.base, self.mine, self.theirs):
                box[2].setPlainText("")
            self.diff.setHtml("")
            return
        c = row.conflict
        name = KIND_NAMES.get(row.entity, row.entity)
        by = f" by {c.theirs_by}" if c.theirs_by else ""
        self.heading.setText(f"<b>{html.escape(name)}: {html.escape(row.title or '(gone)')}"
                             f"</b> — {html.escape(field_label(c))}, changed here and{by} "
                             "on the hub since your last sync.")
        self.base[2].setPlainText(shown(c.base))
        self.mine[2].setPlainText(shown(c.mine, c.mine_absent))
        self.theirs[2].setPlainText(shown(c.theirs, c.theirs_absent))
        self.theirs[1].setText(f"Theirs{by}")
        self.diff.setVisible(row.is_text)
        self.diff_label.setVisible(row.is_text)
        if row.is_text:
            self.diff.setHtml(line_diff_html(str(c.mine or ""), str(c.theirs or "")))

    # -- resolving ------------------------------------------------------------------------
    def select_conflict(self, conflict_id: str) -> bool:
        for n, row in enumerate(self.rows):
            if row.conflict.id.startswith(conflict_id):
                self.table.selectRow(n)
                return True
        return False

    def resolve(self, keep: str, text: str | None = None) -> None:
        row = self.current()
        if row is None:
            return
        command = ResolveCommand(self.ctx, row, keep, text, on_done=self._after_resolve)
        stack = self.ctx.undo_stack
        if stack is not None:
            stack.push(command)
        else:
            command.redo()
        if command.failed is None:
            self.ctx.status_message.emit(f"{command.text()}: resolved, pushed at the next "
                                         "sync.", 5000)

    def _after_resolve(self) -> None:
        if is_alive(self):
            self.refresh()
            self.resolved.emit()

    def edit_merged(self) -> None:
        row = self.current()
        if row is None or not row.is_text:
            return
        dialog = MergedTextDialog(row, self)
        try:
            if background.run_modal(dialog) == QDialog.DialogCode.Accepted:
                self.resolve("text", dialog.text())
        finally:
            dialog.deleteLater()

    def open_current_record(self) -> None:
        row = self.current()
        if row is not None and row.record_id and self.ctx.open_record is not None:
            self.ctx.open_record(row.entity, row.record_id)

    def open_record(self, record_id: str) -> object:
        return self.select_conflict(record_id) or None

    def describe(self) -> str:
        return plural(len(self.rows), "conflict")
