"""The proposal editor window: overview (funder, amount, due date, lead, owner, tags,
summary, partners with live consortia coverage), ordered Markdown sections with a live
preview, and related meetings and action items.

Checking, saving, closing, drafts and undo are the editors' own (`ui/kit/editor.py`);
section text is also autosaved as a draft of its own while typed, and offered back
with the rest of the edit after a crash.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator.errors import FieldProblem
from coordinator.models.enums import ProposalStatus
from coordinator.services.proposals import CURRENCY_CODES
from coordinator.services.records import ProposalData
from ui.context import AppContext
from ui.kit.drafts import Draft, DraftStore
from ui.kit.editor import RecordEditor
from ui.kit.pickers import RecordPicker
from ui.kit.roles import ID_ROLE
from ui.proposals.budget import BudgetEditor
from ui.proposals.links import LinkedRecord, linked_records
from ui.proposals.partners import PartnersEditor
from ui.proposals.sections import SectionsEditor
from ui.widgets.dates import OptionalDateEdit
from ui.widgets.money import currency_prefix


class ProposalEditor(RecordEditor):
    noun = "proposal"
    record_type = ProposalData
    open_link = Signal(str, str)  # entity, id

    def __init__(self, ctx: AppContext, proposal_id: str | None = None,
                 drafts: DraftStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, proposal_id, drafts, parent)
        self.setWindowTitle("New proposal" if proposal_id is None else "Proposal")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1180, 760)
        self._build()
        self.load(ctx.services.proposals.get(proposal_id) if proposal_id else ProposalData())
        self.finish_setup()

    @property
    def proposal_id(self) -> str | None:
        return self.record_id

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
        self.frame(self.tabs, top=(header, self.partners.coverage))

        for signal in (self.title_edit.textChanged, self.funder_edit.textChanged,
                       self.call_edit.textChanged, self.tags_edit.textChanged,
                       self.summary_edit.textChanged, self.amount_spin.valueChanged,
                       self.due_edit.dateChanged, self.status_box.currentIndexChanged,
                       self.currency_box.currentIndexChanged, self.lead_picker.value_changed,
                       self.owner_picker.value_changed, self.partners.changed,
                       self.sections.changed, self.budget.changed):
            signal.connect(self._mark_dirty)
        self.currency_box.currentTextChanged.connect(self._on_currency)
        # A name typed in a picker but never picked is said at once (see `problems`).
        for picker, field in ((self.lead_picker, "lead_organization_id"),
                              (self.owner_picker, "owner_id")):
            picker.textEdited.connect(lambda _t, f=field: self.touch(f))
            picker.textEdited.connect(self._mark_dirty)

    # -- data -------------------------------------------------------------------------
    def fill(self, d: ProposalData) -> None:
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
        self.setWindowTitle(f"Proposal — {d.title}" if d.id else "New proposal")

    def load(self, data: ProposalData) -> None:
        super().load(data)
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
            lead_organization_name=self.lead_picker.text().strip(),
            owner_name=self.owner_picker.text().strip(),
        )

    def record_title(self) -> str:
        return self.title_edit.text().strip()

    def problems(self) -> list[FieldProblem]:
        data = self.value()
        problems = list(self.ctx.services.proposals.validate(data))
        if self.lead_picker.text().strip() and not data.lead_organization_id:
            problems.append(FieldProblem(
                "lead_organization_id",
                "Pick the lead organization from the suggestions (or clear it)."))
        if self.owner_picker.text().strip() and not data.owner_id:
            problems.append(FieldProblem(
                "owner_id", "Pick the owner from the suggestions (or clear the field)."))
        return problems

    def after_save(self, saved: ProposalData) -> None:
        self.setWindowTitle(f"Proposal — {saved.title}")
        self._load_related()

    def set_record_key(self, record_key: str) -> None:
        super().set_record_key(record_key)
        self.sections.set_record_key(record_key)

    def stop_autosave(self) -> None:
        super().stop_autosave()
        self.sections.autosaver.stop()

    # -- drafts -----------------------------------------------------------------------
    def recovered_texts(self, state: ProposalData | None) -> list[Draft]:
        """The text of each section typed since the whole state was saved."""
        shown = state.sections if state is not None else self.sections.sections
        saved = {s.id: s.body for s in shown}
        return [d for d in self.drafts.for_record("proposal", self.record_key)
                if d.field.startswith("section:") and saved.get(d.field[8:]) != d.text]

    def apply_recovered_texts(self, found: list[Draft], state_draft: Draft | None) -> None:
        if state_draft is not None:
            self.tabs.setCurrentIndex(0)
        for d in found:
            if d.field.startswith("section:"):
                self.sections.apply_recovered(d.field[8:], d.label, d.text)
                self.tabs.setCurrentWidget(self.sections)

    # -- misc -------------------------------------------------------------------------
    def _on_currency(self, currency: str) -> None:
        self.amount_spin.setPrefix(currency_prefix(currency))
        self.partners.set_currency(currency)
        self.budget.set_currency(currency)

    def after_dirty_changed(self) -> None:
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
