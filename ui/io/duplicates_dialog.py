"""Edit → Find Duplicates…: probable duplicate contacts or organizations, side by side.

    review_duplicates(ctx, parent)   # the number of merges made

A worker finds the pairs with their score and reasons (`formats.duplicates`, with
progress and Cancel). Each pair is shown side by side; the user picks the record to
keep and chooses Merge (`formats.merge`: the survivor gains every email, phone,
address, tag and note of the other, links are re-pointed, the other goes to Trash;
Edit → Undo or Edit → Undo Import… takes it back), Not duplicates or Skip. Where both
records hold different values of a one-value field (title, organization, birthday…),
a list under the comparison asks which to keep, the kept record's value first.

Merge all merges every listed pair scoring at least the chosen score (90 to begin
with) as `coordinator duplicates --merge-all-above` does: each group of records into
its older one, never a pair marked "not duplicates", conflicting one-value fields
kept from the survivor with the other's in its notes; one batch, so one Edit → Undo
takes them all back.

"Not duplicates" is a decision kept in the database (`services.duplicate_decisions`),
so `coordinator duplicates` and every later search honour it too; it is undoable on
the app's undo stack (Undo works inside this dialog as well, and the pair comes back
to the list). Older versions kept these decisions in the UI settings: the first search
moves them into the database and then removes them from the settings.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.changes import ChangeKind, ChangeSet
from coordinator.errors import CoordinatorError
from coordinator.formats import ImportCancelled, merge
from coordinator.formats.duplicates import DuplicatePair
from coordinator.services import duplicate_decisions as decisions
from ui.io.common import fill_table, local_time, plural, read_only_table
from ui.kit import background
from ui.kit.background import ProgressJob
from ui.kit.undo import MergeAllCommand, MergeCommand, NotDuplicatesCommand
from ui.widgets.forms import MARGIN

if TYPE_CHECKING:
    from ui.context import AppContext

MERGE_ALL_SCORE = 90  # what "Merge all" proposes: as sure as `duplicates --merge-all-above 90`


def _lines(values: list[str]) -> str:
    return "\n".join(v for v in values if v)


def contact_fields(c: Any) -> list[tuple[str, str]]:
    return [
        ("Name", c.full_name), ("Organization", c.organization_name), ("Title", c.title),
        ("Birthday", c.birthday),
        ("E-mails", _lines([f"{e.address} ({e.label})" for e in c.emails])),
        ("Phones", _lines([f"{p.raw or p.e164} ({p.label})" for p in c.phones])),
        ("Addresses", _lines([", ".join(x for x in (a.street, a.city, a.region,
                                                     a.postal_code, a.country) if x)
                              for a in c.addresses])),
        ("Tags", ", ".join(c.tags)), ("Notes", c.notes.strip()[:200]),
        ("Added", local_time(c.created_at)), ("Last changed", local_time(c.updated_at)),
    ]


def organization_fields(o: Any) -> list[tuple[str, str]]:
    return [
        ("Name", o.name), ("Sector", o.sector.replace("_", " ")),
        ("Consortium", o.consortium_short_name), ("City", o.city), ("State", o.state),
        ("Website", o.website), ("Contacts", str(o.contact_count)),
        ("Tags", ", ".join(o.tags)), ("Notes", o.notes.strip()[:200]),
        ("Added", local_time(o.created_at)),
    ]






class DuplicatesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 entity: str = "contact") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pairs: list[DuplicatePair] = []
        self.records: dict[str, Any] = {}
        # Pairs taken off the list, by why: "<entity>:<first>|<second>" for a "not
        # duplicates" decision, "merged:<id>" for a merge that trashed that record; an
        # undo (which reports the reverse change) puts them back.
        self._put_aside: dict[str, list[DuplicatePair]] = {}
        self.merges = 0
        self.job = ProgressJob(ctx, self)
        self.job.progressed.connect(self._on_progress)
        self.setWindowTitle("Find duplicates")
        self.entity_combo = QComboBox()
        self.entity_combo.setAccessibleName("Duplicates of")
        self.entity_combo.addItem("Contacts", "contact")
        self.entity_combo.addItem("Organizations", "organization")
        self.entity_combo.setCurrentIndex(max(0, self.entity_combo.findData(entity)))
        self.entity_combo.currentIndexChanged.connect(self.find)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.job.cancel)
        top = QHBoxLayout()
        top.addWidget(QLabel("Find probable duplicates among"))
        top.addWidget(self.entity_combo)
        top.addStretch(1)
        top.addWidget(self.progress)
        top.addWidget(self.stop_button)
        self.pair_table = read_only_table(["Score", "Pair"], "Probable duplicates")
        self.pair_table.itemSelectionChanged.connect(self._on_pair)
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setAccessibleName("Why they look alike")
        self.keep_a = QRadioButton("Keep A")
        self.keep_b = QRadioButton("Keep B")
        self.keep_a.setChecked(True)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel("Keep which record:"))
        keep_row.addWidget(self.keep_a)
        keep_row.addWidget(self.keep_b)
        keep_row.addStretch(1)
        self.compare = read_only_table(["", "Record A", "Record B"], "Side by side")
        self.compare.setSelectionMode(self.compare.SelectionMode.NoSelection)
        self.compare.setWordWrap(True)
        # One list per one-value field the two records fill differently: which to keep.
        self.choices_box = QGroupBox("Different values: keep which?")
        self.choices_form = QFormLayout(self.choices_box)
        self.choices_box.hide()
        self.choice_combos: dict[str, QComboBox] = {}
        self._choices_for: tuple[str, str] | None = None  # the pair the lists are about
        self._touched: set[str] = set()
        self.keep_a.toggled.connect(self._follow_keep)
        self.merge_button = QPushButton("Merge")
        self.merge_button.setToolTip("Keep the chosen record, add everything the other has, "
                                     "and move the other to Trash (undoable).")
        self.merge_button.clicked.connect(self.merge_selected)
        self.distinct_button = QPushButton("Not duplicates")
        self.distinct_button.clicked.connect(self.not_duplicates)
        self.skip_button = QPushButton("Skip")
        self.skip_button.clicked.connect(self.skip)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.skip_button)
        actions.addWidget(self.distinct_button)
        actions.addWidget(self.merge_button)
        self.merge_button.setDefault(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.why)
        right_layout.addLayout(keep_row)
        right_layout.addWidget(self.compare, 1)
        right_layout.addWidget(self.choices_box)
        right_layout.addLayout(actions)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.pair_table)
        split.addWidget(right)
        split.setSizes([330, 650])
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Duplicates status")
        # Every listed pair at or above a score, in one step (one batch, one undo).
        self.score_spin = QSpinBox()
        self.score_spin.setRange(50, 100)
        self.score_spin.setValue(MERGE_ALL_SCORE)
        self.score_spin.setAccessibleName("Merge all pairs scoring at least")
        self.merge_all_button = QPushButton("Merge all")
        self.merge_all_button.setToolTip(
            "Merge every listed pair scoring at least this much into its older record, "
            "as one step: each other record goes to Trash, and Edit → Undo takes them "
            "all back.")
        self.merge_all_button.clicked.connect(self.merge_all)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(QLabel("Merge all scoring at least"))
        bottom.addWidget(self.score_spin)
        bottom.addWidget(self.merge_all_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.resize(1000, 560)
        self._update_buttons()
        stack = ctx.undo_stack
        if stack is not None:  # the app's undo stack, reachable while this dialog is modal
            for action, keys in ((stack.createUndoAction(self), QKeySequence.StandardKey.Undo),
                                 (stack.createRedoAction(self), QKeySequence.StandardKey.Redo)):
                action.setShortcut(keys)
                self.addAction(action)
        ctx.changed.connect(self._on_changed)

    @property
    def entity(self) -> str:
        return self.entity_combo.currentData()

    # -- "not duplicates" that older versions kept in the UI settings -----------------
    def legacy_key(self) -> str:
        """Where older versions kept this database's decisions ("id|id" strings)."""
        digest = hashlib.sha256(str(self.ctx.db_path).encode()).hexdigest()[:12]
        return f"duplicates/dismissed-{digest}"

    def _legacy_decisions(self) -> list[str]:
        value = self.ctx.settings.value(self.legacy_key(), []) or []
        return [value] if isinstance(value, str) else [str(v) for v in value]

    @staticmethod
    def decision_token(p: DuplicatePair) -> str:
        """How a decision about `p` is named in change reports."""
        return f"{p.entity}:{decisions.pair_key(p.first_id, p.second_id)}"

    # -- finding -------------------------------------------------------------------------
    def find(self) -> None:
        if self.job.running:
            self.job.cancel()
        service, entity = self.ctx.services.duplicates, self.entity
        legacy = self._legacy_decisions()
        self.pairs = []
        self._put_aside = {}
        fill_table(self.pair_table, [])
        fill_table(self.compare, [])
        self.progress.setValue(0)
        self.progress.show()
        self.stop_button.show()
        self.status.setText("Looking for probable duplicates…")
        self._update_buttons()

        def work(progress: background.ProgressFn, cancelled: background.CancelFn) -> Any:
            # Decisions from the old settings first, so that the search leaves them out.
            adopted = service.adopt_legacy_pairs(legacy) if legacy else 0
            if entity == "contact":
                found = service.find(entity, progress=progress, cancelled=cancelled)
            else:
                found = service.find(entity, cancelled=cancelled)
            return entity, found, bool(legacy), adopted

        self.job.start(work, self._on_found, self._on_failed)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setValue(done * 1000 // max(total, 1))

    def _on_found(self, outcome: tuple[str, list[DuplicatePair], bool, int]) -> None:
        entity, pairs, had_legacy, adopted = outcome
        if had_legacy:  # now in the database: the settings copy is no longer needed
            self.ctx.settings.remove(self.legacy_key())
            self.ctx.settings.sync()
        if entity != self.entity:
            return
        self.progress.hide()
        self.stop_button.hide()
        self.pairs = list(pairs)
        self._fill_pairs()
        noun = "pair" if len(self.pairs) == 1 else "pairs"
        text = (f"{len(self.pairs):,} probable duplicate {noun} found."
                if self.pairs else "No probable duplicates found.")
        if adopted:
            text += (f" {plural(adopted, 'earlier “not duplicates” decision')} moved into "
                     "the database.")
        self.status.setText(text)

    def _on_failed(self, exc: BaseException) -> None:
        if not background.is_alive(self):
            return
        self.progress.hide()
        self.stop_button.hide()
        if isinstance(exc, ImportCancelled):
            self.status.setText("Stopped.")
            return
        if not isinstance(exc, CoordinatorError):
            raise exc
        self.status.setText(str(exc))

    def _fill_pairs(self, select: int = 0) -> None:
        fill_table(self.pair_table, [[p.score, f"{p.first_label}\n{p.second_label}"]
                                     for p in self.pairs], fit=False)
        for row, p in enumerate(self.pairs):
            self.pair_table.item(row, 1).setToolTip(", ".join(p.reasons))
        self.pair_table.setColumnWidth(0, 50)
        self.pair_table.resizeRowsToContents()
        if self.pairs:
            self.pair_table.selectRow(min(select, len(self.pairs) - 1))
        else:
            fill_table(self.compare, [])
            self.why.clear()
        self._update_buttons()

    # -- one pair ------------------------------------------------------------------------
    def current(self) -> DuplicatePair | None:
        rows = self.pair_table.selectionModel().selectedRows()
        return self.pairs[rows[0].row()] if rows and rows[0].row() < len(self.pairs) else None

    def _on_pair(self) -> None:
        pair = self.current()
        self._update_buttons()
        if pair is None:
            self.why.clear()
            return
        self.why.setText(f"<b>Score {pair.score}</b> — {', '.join(pair.reasons)}")
        self.keep_a.setChecked(True)
        self._fill_choices(None, [])
        service = (self.ctx.services.contacts if pair.entity == "contact"
                   else self.ctx.services.organizations)
        ids = (pair.first_id, pair.second_id)
        self.ctx.tasks.run(lambda: (ids, [service.get(i) for i in ids]),
                           on_done=self._show_pair, on_error=self._on_failed,
                           key="duplicate-pair")

    def _show_pair(self, outcome: tuple[tuple[str, str], list[Any]]) -> None:
        if not background.is_alive(self):
            return
        ids, records = outcome
        pair = self.current()
        if pair is None or ids != (pair.first_id, pair.second_id):
            return
        fields = contact_fields if pair.entity == "contact" else organization_fields
        a, b = (fields(r) for r in records)
        fill_table(self.compare, [[name, va, vb] for (name, va), (_n, vb) in zip(a, b,
                                                                                 strict=True)],
                   fit=False)
        bold = QFont(self.compare.font())
        bold.setBold(True)
        for row, ((_name, va), (_n, vb)) in enumerate(zip(a, b, strict=True)):
            if va.casefold() != vb.casefold() and va and vb:
                for col in (1, 2):
                    item: QTableWidgetItem = self.compare.item(row, col)
                    item.setFont(bold)
        self.compare.setColumnWidth(0, 100)
        width = max(160, (self.compare.viewport().width() - 100) // 2)
        self.compare.setColumnWidth(1, width)
        self.compare.resizeRowsToContents()
        self._fill_choices(ids, merge.field_conflicts(records[0], records[1]))

    # -- choices between two values ------------------------------------------------------
    def _fill_choices(self, ids: tuple[str, str] | None,
                      conflicts: list[merge.FieldConflict]) -> None:
        """One list per conflict (A's value, B's value), set to the kept record's."""
        while self.choices_form.rowCount():
            self.choices_form.removeRow(0)
        self.choice_combos = {}
        self._touched = set()
        self._choices_for = ids
        kept = "a" if self.keep_a.isChecked() else "b"
        for conflict in conflicts:
            combo = QComboBox()
            combo.setAccessibleName(f"Keep which {conflict.label.lower()}")
            combo.addItem(f"A: {conflict.survivor}", "a")
            combo.addItem(f"B: {conflict.other}", "b")
            combo.setCurrentIndex(combo.findData(kept))
            combo.activated.connect(lambda _i, f=conflict.field: self._touched.add(f))
            self.choices_form.addRow(conflict.label, combo)
            self.choice_combos[conflict.field] = combo
        self.choices_box.setVisible(bool(conflicts))

    def _follow_keep(self) -> None:
        """Lists the user has not changed follow the record kept."""
        kept = "a" if self.keep_a.isChecked() else "b"
        for name, combo in self.choice_combos.items():
            if name not in self._touched:
                combo.setCurrentIndex(combo.findData(kept))

    def merge_choices(self, pair: DuplicatePair, keep: str) -> dict[str, str]:
        """field -> KEEP or OTHER, from the lists (empty while the records load: then a
        merge keeps the survivor's values and writes the other's into its notes)."""
        if self._choices_for != (pair.first_id, pair.second_id):
            return {}
        kept = "a" if keep == pair.first_id else "b"
        return {name: merge.KEEP if combo.currentData() == kept else merge.OTHER
                for name, combo in self.choice_combos.items()}

    def _update_buttons(self) -> None:
        has = self.current() is not None
        for button in (self.merge_button, self.distinct_button, self.skip_button,
                       self.keep_a, self.keep_b):
            button.setEnabled(has)
        self.merge_all_button.setEnabled(bool(self.pairs))
        if not has:
            self._fill_choices(None, [])

    def _put_away(self, reason: str, match: Callable[[DuplicatePair], bool]) -> int:
        """Take the pairs that `match` off the list, kept under `reason` for an undo;
        returns the row to select next."""
        current = self.current()
        rows = [i for i, p in enumerate(self.pairs) if match(p)]
        if not rows:
            return self.pairs.index(current) if current in self.pairs else 0
        self._put_aside.setdefault(reason, []).extend(self.pairs[i] for i in rows)
        self.pairs = [p for i, p in enumerate(self.pairs) if i not in set(rows)]
        return self.pairs.index(current) if current in self.pairs else rows[0]

    def _bring_back(self, reason: str) -> int | None:
        """Put the pairs kept under `reason` back in order; returns the row of the first."""
        back = [p for p in self._put_aside.pop(reason, []) if p not in self.pairs]
        if not back:
            return None
        self.pairs = sorted([*self.pairs, *back], key=lambda p: (
            -p.score, p.first_label.casefold(), p.second_label.casefold()))
        return self.pairs.index(back[0])

    def _on_changed(self, changes: ChangeSet) -> None:
        """Keep the list true to undo and redo, from this dialog or anywhere else."""
        if not background.is_alive(self) or (not self.pairs and not self._put_aside):
            return
        entity, before = self.entity, list(self.pairs)
        current = self.current()
        select = self.pairs.index(current) if current is not None else 0
        back: int | None = None
        for token in changes.ids(decisions.CHANGE_ENTITY, ChangeKind.CREATED):
            select = self._put_away(token, lambda p, t=token: self.decision_token(p) == t)
        for record_id in changes.ids(entity, ChangeKind.DELETED):
            select = self._put_away(f"merged:{record_id}",
                                    lambda p, r=record_id: r in (p.first_id, p.second_id))
        # A decision taken back, or a merge undone: those pairs are proposed again.
        reasons = [*changes.ids(decisions.CHANGE_ENTITY, ChangeKind.DELETED),
                   *(f"merged:{r}" for r in changes.ids(entity, ChangeKind.RESTORED))]
        for reason in reasons:
            row = self._bring_back(reason)
            back = row if back is None else back
        if self.pairs == before:
            return
        self._fill_pairs(select=select if back is None else back)
        self.status.setText("Undone: the pair is back in the list." if back is not None
                            else f"{plural(len(self.pairs), 'probable duplicate pair')} left.")

    def skip(self) -> None:
        pair = self.current()
        if pair is None:
            return
        index = self.pairs.index(pair)
        self.pair_table.selectRow((index + 1) % len(self.pairs))

    def not_duplicates(self) -> bool:
        pair = self.current()
        if pair is None:
            return False
        service, entity, a, b = (self.ctx.services.duplicates, pair.entity, pair.first_id,
                                  pair.second_id)
        try:
            marked = background.wait_for(
                self.ctx, lambda: service.mark_not_duplicates(entity, a, b), self, "Saving…")
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Not duplicates", str(exc))
            return False
        stack = self.ctx.undo_stack
        if stack is not None and marked:  # (not when someone else marked it meanwhile)
            stack.push(NotDuplicatesCommand(
                self.ctx, entity, a, b,
                f"Mark {pair.first_label} and {pair.second_label} as not duplicates"))
        undo = QKeySequence(QKeySequence.StandardKey.Undo).toString(
            QKeySequence.SequenceFormat.NativeText)
        self.status.setText("Marked as not duplicates: this pair will not be proposed again"
                            + (f" ({undo} takes it back)." if stack is not None else "."))
        token = self.decision_token(pair)
        self._fill_pairs(select=self._put_away(token, lambda p: p is pair))
        return True

    def merge_selected(self) -> bool:
        pair = self.current()
        if pair is None:
            return False
        keep, other = ((pair.first_id, pair.second_id) if self.keep_a.isChecked()
                       else (pair.second_id, pair.first_id))
        labels = {pair.first_id: pair.first_label, pair.second_id: pair.second_label}
        service, entity = self.ctx.services.duplicates, pair.entity
        choices = self.merge_choices(pair, keep)
        try:
            report = background.wait_for(
                self.ctx, lambda: service.merge(entity, keep, other, choices), self, "Merging…")
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Merge", str(exc))
            return False
        self.merges += 1
        text = f"Merge {labels[other]} into {labels[keep]}"
        stack = self.ctx.undo_stack
        if stack is not None:
            stack.push(MergeCommand(self.ctx, pair.entity, keep, other, report.batch_id, text,
                                    choices))
        added = f" (added: {', '.join(report.fields_added)})" if report.fields_added else ""
        if report.kept_in_notes:
            added += f" (the other's {', '.join(report.kept_in_notes).lower()} in its notes)"
        self.status.setText(f"Merged {labels[other]} into {labels[keep]}{added}; "
                            f"{plural(report.repointed, 'link')} moved. The other record is "
                            "in Trash; Edit → Undo takes the merge back.")
        select = self._put_away(f"merged:{other}",
                                lambda p: other in (p.first_id, p.second_id))
        self._fill_pairs(select=select)
        return True

    def merge_all(self) -> int:
        """Merge every listed pair scoring at least the chosen score, each group of
        records into its older one, as one batch; returns how many merges were made."""
        score, entity = self.score_spin.value(), self.entity
        service, pairs = self.ctx.services.duplicates, list(self.pairs)

        def work() -> tuple[list[tuple[str, str, str]], str | None]:
            plan = service.plan_merge_all(entity, pairs, score)
            return plan, service.merge_all(plan)[0] if plan else None

        try:
            plan, batch_id = background.wait_for(self.ctx, work, self, "Merging…")
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Merge all", str(exc))
            return 0
        if batch_id is None:
            self.status.setText(f"No listed pair scores {score} or more.")
            return 0
        self.merges += len(plan)
        text = f"Merge {plural(len(plan), 'duplicate pair')} scoring {score} or more"
        stack = self.ctx.undo_stack
        if stack is not None:
            stack.push(MergeAllCommand(self.ctx, plan, batch_id, text))
        self.status.setText(f"Merged {plural(len(plan), 'pair')} scoring {score} or more as "
                            "one step; the other records are in Trash. Edit → Undo takes "
                            "them all back.")
        select = 0
        for _entity, _keep, other in plan:
            select = self._put_away(f"merged:{other}",
                                    lambda p, o=other: o in (p.first_id, p.second_id))
        self._fill_pairs(select=select)
        return len(plan)

    def reject(self) -> None:
        if self.job.running:
            self.job.cancel()
        self._disconnect()
        super().reject()

    def _disconnect(self) -> None:
        with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
            self.ctx.changed.disconnect(self._on_changed)


def review_duplicates(ctx: AppContext, parent: QWidget | None = None,
                      entity: str = "contact") -> int:
    """Find and review probable duplicates; returns how many merges were made."""
    if ctx.read_only:
        QMessageBox.information(parent, "Find duplicates", "This database is open read-only; "
                                "records cannot be merged.")
        return 0
    dialog = DuplicatesDialog(ctx, parent, entity)
    dialog.find()
    background.run_modal(dialog)
    merges = dialog.merges
    dialog.deleteLater()
    return merges
