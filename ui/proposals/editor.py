"""The proposal editor window: overview (funder, amount, due date, lead, owner, tags,
summary, partners with live consortia coverage), ordered Markdown sections with a live
preview, and related meetings and action items.

Save is enabled only with a title; problems reported by the service are listed under
the form. Section text is autosaved as a draft while typed; when the editor opens a
proposal that has recovered drafts, a bar offers to put the recovered text back.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator.errors import CoordinatorError, ValidationError
from coordinator.models.enums import ProposalStatus
from coordinator.services.proposals import CURRENCY_CODES
from coordinator.services.records import ProposalData
from coordinator.services.snapshots import to_plain
from ui.context import AppContext
from ui.kit.drafts import STATE_FIELD, Draft, DraftKey, DraftStore, StateAutosaver, read_state
from ui.kit.editor import EditorChrome, describe_drafts
from ui.kit.pickers import RecordPicker
from ui.kit.roles import ID_ROLE
from ui.kit.undo import push_saved
from ui.proposals.budget import BudgetEditor
from ui.proposals.links import LinkedRecord, linked_records
from ui.proposals.partners import PartnersEditor
from ui.proposals.sections import SectionsEditor
from ui.widgets.dates import OptionalDateEdit
from ui.widgets.money import currency_prefix


class ProposalEditor(EditorChrome, QDialog):
    saved = Signal(str)  # proposal id
    open_link = Signal(str, str)  # entity, id

    def __init__(self, ctx: AppContext, proposal_id: str | None = None,
                 drafts: DraftStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.drafts = drafts or DraftStore.shared()
        self.proposal_id = proposal_id
        self.record_key = proposal_id or f"new:{uuid.uuid4()}"
        self.dirty = False
        self._loading = True
        self.setWindowTitle("New proposal" if proposal_id is None else "Proposal")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1180, 760)
        self._build()
        self.state_saver = StateAutosaver(
            self.drafts, lambda: DraftKey("proposal", self.record_key, STATE_FIELD),
            self.value, lambda: self.title_edit.text().strip(), parent=self)
        data = ctx.services.proposals.get(proposal_id) if proposal_id else ProposalData()
        self.load(data)
        self._loading = False
        self._offer_recovered()

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Proposal title")
        font = self.title_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setWeight(QFont.Weight.DemiBold)
        self.title_edit.setFont(font)
        self.status_box = QComboBox()
        for status in ProposalStatus:
            self.status_box.addItem(status.label, status.value)
        self.funder_edit = QLineEdit()
        self.funder_edit.setPlaceholderText("e.g. NSF, US DOT, Knight Foundation")
        self.call_edit = QLineEdit()
        self.call_edit.setPlaceholderText("Program or call name")
        self.currency_box = QComboBox()
        self.currency_box.addItems(sorted(CURRENCY_CODES, key=lambda c: (c != "USD", c)))
        self.amount_spin = QDoubleSpinBox()
        self.amount_spin.setRange(0, 1e11)
        self.amount_spin.setDecimals(2)
        self.amount_spin.setGroupSeparatorShown(True)
        self.amount_spin.setMinimumWidth(160)
        self.due_edit = OptionalDateEdit("No due date", display_format="ddd d MMM yyyy")
        self.lead_picker = RecordPicker(self.ctx, "organization", "Lead organization…")
        self.owner_picker = RecordPicker(self.ctx, "contact", "Who in the coalition owns it…")
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText("Comma-separated, e.g. mobility, broadband")
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setPlaceholderText("Two or three sentences: what, where, why now.")
        self.partners = PartnersEditor(self.ctx)
        self.budget = BudgetEditor()
        self.sections = SectionsEditor(self.drafts, self.record_key,
                                       title_fn=lambda: self.title_edit.text())
        self.related = QListWidget()
        self.related.itemActivated.connect(self._open_related)

        amount_row = QHBoxLayout()
        amount_row.addWidget(self.currency_box)
        amount_row.addWidget(self.amount_spin, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Funder", self.funder_edit)
        form.addRow("Call", self.call_edit)
        form.addRow("Amount requested", amount_row)
        form.addRow("Due", self.due_edit)
        form.addRow("Lead organization", self.lead_picker)
        form.addRow("Owner", self.owner_picker)
        form.addRow("Tags", self.tags_edit)
        form_box = QWidget()
        form_box.setLayout(form)
        summary_box = QWidget()
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.setContentsMargins(0, 0, 0, 0)
        summary_layout.addWidget(QLabel("Summary"))
        summary_layout.addWidget(self.summary_edit)
        top = QSplitter()
        top.addWidget(form_box)
        top.addWidget(summary_box)
        top.setSizes([520, 600])
        overview = QWidget()
        overview_layout = QVBoxLayout(overview)
        overview_layout.addWidget(top, 2)
        partners_title = QLabel("Partners")
        partners_title.setStyleSheet("font-weight: 600;")
        overview_layout.addWidget(partners_title)
        overview_layout.addWidget(self.partners, 3)

        self.tabs = QTabWidget()
        self.tabs.addTab(overview, "Overview")
        self.tabs.addTab(self.sections, "Sections")
        self.tabs.addTab(self.budget, "Budget && notes")
        self.tabs.addTab(self.related, "Meetings && action items")

        header = QHBoxLayout()
        header.addWidget(self.title_edit, 1)
        header.addWidget(QLabel("Status"))
        header.addWidget(self.status_box)
        buttons = self.build_chrome(self._save_and_close)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.partners.coverage)
        layout.addWidget(self.recovery)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problems_label)
        layout.addLayout(buttons)

        for signal in (self.title_edit.textChanged, self.funder_edit.textChanged,
                       self.call_edit.textChanged, self.tags_edit.textChanged,
                       self.summary_edit.textChanged, self.amount_spin.valueChanged,
                       self.due_edit.dateChanged, self.status_box.currentIndexChanged,
                       self.currency_box.currentIndexChanged, self.lead_picker.value_changed,
                       self.owner_picker.value_changed, self.partners.changed,
                       self.sections.changed, self.budget.changed):
            signal.connect(self._mark_dirty)
        self.currency_box.currentTextChanged.connect(self._on_currency)

    # -- data -------------------------------------------------------------------------
    def load(self, d: ProposalData) -> None:
        self._loading = True
        self.title_edit.setText(d.title)
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(d.status)))
        self.funder_edit.setText(d.funder)
        self.call_edit.setText(d.funder_call)
        self.currency_box.setCurrentText(d.currency)
        self._on_currency(d.currency)
        self.amount_spin.setValue(d.amount_minor / 100)
        self.due_edit.set_value(d.due_date)
        self.lead_picker.set_value(d.lead_organization_id, d.lead_organization_name)
        self.owner_picker.set_value(d.owner_id, d.owner_name)
        self.tags_edit.setText(", ".join(d.tags))
        self.summary_edit.setPlainText(d.summary)
        self.partners.set_partners(d.partners)
        self.sections.set_sections(d.sections)
        self.budget.set_values(d.budget_lines, d.internal_notes)
        self._saved_data = d if d.id else None  # what an undo of the next save goes back to
        self.setWindowTitle(f"Proposal — {d.title}" if d.id else "New proposal")
        self._loading = False
        self._set_dirty(False)
        self._load_related()

    def value(self) -> ProposalData:
        return ProposalData(
            title=self.title_edit.text().strip(), summary=self.summary_edit.toPlainText(),
            status=self.status_box.currentData(), funder=self.funder_edit.text().strip(),
            funder_call=self.call_edit.text().strip(),
            amount_minor=round(self.amount_spin.value() * 100),
            currency=self.currency_box.currentText(),
            due_date=self.due_edit.value(),
            lead_organization_id=self.lead_picker.value(), owner_id=self.owner_picker.value(),
            internal_notes=self.budget.internal_notes(), partners=self.partners.partners(),
            sections=self.sections.value(), budget_lines=self.budget.lines(),
            tags=[t.strip() for t in self.tags_edit.text().split(",") if t.strip()],
        )

    def problems(self) -> list[str]:
        data = self.value()
        problems = [p.message for p in self.ctx.services.proposals.validate(data)]
        if self.lead_picker.text().strip() and not data.lead_organization_id:
            problems.append("Pick the lead organization from the suggestions (or clear it).")
        if self.owner_picker.text().strip() and not data.owner_id:
            problems.append("Pick the owner from the suggestions (or clear the field).")
        return problems

    def save(self) -> bool:
        if self.revalidate():
            return False
        data = self.value()
        try:
            if self.proposal_id:
                saved = self.ctx.services.proposals.update(self.proposal_id, data)
            else:
                saved = self.ctx.services.proposals.create(data)
        except ValidationError as exc:
            self.problems_label.setText("\n".join(p.message for p in exc.problems))
            return False
        except CoordinatorError as exc:
            self.problems_label.setText(str(exc))
            return False
        self.problems_label.clear()
        self.state_saver.cancel()
        push_saved(self.ctx, "proposal", self._saved_data, saved, saved.title)
        self._saved_data = saved
        self.drafts.discard_record("proposal", self.record_key)
        self.proposal_id = saved.id
        if self.record_key != saved.id:
            self.record_key = saved.id or ""
            self.sections.set_record_key(self.record_key)
        self.setWindowTitle(f"Proposal — {saved.title}")
        self._set_dirty(False)
        self.ctx.status_message.emit(f"Saved “{saved.title}”.", 3000)
        self.saved.emit(saved.id)
        self._load_related()
        return True

    def _save_and_close(self) -> None:
        if self.save():
            self.close()

    # -- drafts -----------------------------------------------------------------------
    def recovered_drafts(self) -> list[Draft]:
        """Drafts of this proposal that differ from what the editor shows: its whole
        state (every field), and the text of each section typed since."""
        found = []
        state = read_state(self.drafts, "proposal", self.record_key, ProposalData)
        if state is not None and to_plain(state) != to_plain(self.value()):
            found.append(self.drafts.get(DraftKey("proposal", self.record_key, STATE_FIELD)))
        shown = state.sections if state is not None else self.sections.sections
        saved = {s.id: s.body for s in shown}
        found += [d for d in self.drafts.for_record("proposal", self.record_key)
                  if d.field.startswith("section:") and saved.get(d.field[8:]) != d.text]
        return [d for d in found if d is not None]

    def adopt_drafts_of(self, record_key: str) -> None:
        """Take over the drafts of a proposal never saved (recovered after a crash)."""
        self.record_key = record_key
        self.sections.set_record_key(record_key)

    def _offer_recovered(self) -> None:
        found = self.recovered_drafts()
        if found:
            self.recovery.label.setText(describe_drafts(found))
            self.recovery.show()

    def use_recovered(self) -> None:
        """Put the recovered edit back: the whole state, then section text typed since."""
        found = self.recovered_drafts()
        state = read_state(self.drafts, "proposal", self.record_key, ProposalData)
        if state is not None and any(d.field == STATE_FIELD for d in found):
            saved_data = self._saved_data
            self._loading = True
            self.load(state)
            self._saved_data = saved_data  # an undo of the next save goes back to the saved
            self.tabs.setCurrentIndex(0)
        for d in found:
            if d.field.startswith("section:"):
                self.sections.apply_recovered(d.field[8:], d.label, d.text)
                self.tabs.setCurrentWidget(self.sections)
        self.recovery.hide()
        self._set_dirty(True)

    def discard_recovered(self) -> None:
        self.drafts.discard_record("proposal", self.record_key)
        self.recovery.hide()

    # -- misc -------------------------------------------------------------------------
    def _on_currency(self, currency: str) -> None:
        self.amount_spin.setPrefix(currency_prefix(currency))
        self.partners.set_currency(currency)
        self.budget.set_currency(currency)

    def _mark_dirty(self, *_: object) -> None:
        if not self._loading:
            self._set_dirty(True)
            self.state_saver.touch()

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.save_button.setEnabled(dirty or self.proposal_id is None)
        self.revalidate(show=dirty)
        self.state_label.setText("Unsaved changes" if dirty else
                                 ("Saved" if self.proposal_id else "New proposal"))
        self.sections.setToolTip("")
        count = len(self.sections.sections)
        self.tabs.setTabText(1, f"Sections ({count})" if count else "Sections")

    def _load_related(self) -> None:
        self.related.clear()
        if not self.proposal_id:
            self.related.addItem("Save the proposal to see its meetings and action items.")
            return
        services, pid = self.ctx.services, self.proposal_id
        self.ctx.tasks.run(lambda: linked_records(services, "proposal", pid),
                           on_done=self._show_related, key=f"proposal-links-{pid}")

    def _show_related(self, records: list[LinkedRecord]) -> None:
        if not isValid(self.related):
            return
        self.related.clear()
        group = None
        for r in records:
            if r.group != group:
                group = r.group
                heading = QListWidgetItem(group)
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                heading.setFlags(Qt.ItemFlag.NoItemFlags)
                self.related.addItem(heading)
            item = QListWidgetItem(f"   {r.title}  —  {r.detail}")
            item.setData(ID_ROLE, (r.entity, r.id))
            self.related.addItem(item)
        if not records:
            self.related.addItem("No partners, meetings or action items linked yet.")

    def _open_related(self, item: QListWidgetItem) -> None:
        link = item.data(ID_ROLE)
        if link:
            self.open_link.emit(*link)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.dirty:
            answer = QMessageBox.question(
                self, "Unsaved changes", "Save the changes to this proposal?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel or (
                    answer == QMessageBox.StandardButton.Save and not self.save()):
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Discard:
                self.sections.autosaver.stop()
                self.state_saver.stop()
                self.drafts.discard_record("proposal", self.record_key)
                self.dirty = False
        self.sections.autosaver.stop()
        self.state_saver.stop()
        event.accept()
