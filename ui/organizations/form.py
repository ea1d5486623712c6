"""The organization form: create or edit one organization, validated live.

Saving a new organization whose name already exists warns and offers to open the
existing one (`open_existing(organization_id)`). Checking, saving, closing, drafts and
undo are the editors' own (`ui/kit/editor.py`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QWidget,
)

from coordinator.models.enums import SECTOR_LABELS
from coordinator.services.records import OrganizationData
from ui.contacts.form import split_tags
from ui.kit.drafts import DraftStore
from ui.kit.editor import RecordEditor, line_edit
from ui.kit.member_view import fill_consortia
from ui.widgets.forms import MARGIN, FieldMessage, connect_all, with_message

if TYPE_CHECKING:
    from ui.context import AppContext


class OrganizationDialog(RecordEditor):
    noun = "organization"
    record_type = OrganizationData
    adopts_new_drafts = True

    def __init__(self, ctx: AppContext, organization_id: str | None = None,
                 parent: QWidget | None = None, consortium_id: str | None = None,
                 drafts: DraftStore | None = None) -> None:
        super().__init__(ctx, organization_id, drafts, parent)
        data = (ctx.services.organizations.get(organization_id) if organization_id
                else OrganizationData(consortium_id=consortium_id))
        self.loaded = data
        self.setWindowTitle(f"Edit {data.name}" if organization_id else "New organization")
        self.setAccessibleName(self.windowTitle())
        self._build()
        self.load(data)
        self.finish_setup()
        self.resize(560, 500)

    def _build(self) -> None:
        self.name = line_edit("Name", "e.g. City of Denton")
        self.sector = QComboBox()
        self.sector.setAccessibleName("Sector")
        for value, label in SECTOR_LABELS.items():
            self.sector.addItem(label, str(value))
        self.consortium = QComboBox()
        self.consortium.setAccessibleName("Consortium")
        fill_consortia(self.consortium, self.ctx, "(none)")
        self.city = line_edit("City")
        self.state = line_edit("State", "e.g. TX")
        self.website = line_edit("Website", "https://example.org")
        self.tags = line_edit("Tags", "Comma-separated")
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setTabChangesFocus(True)
        self.name_message = FieldMessage()
        self.sector_message = FieldMessage()
        self.website_message = FieldMessage()
        self.consortium_message = FieldMessage()
        place = QWidget()
        row = QHBoxLayout(place)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.city, 3)
        row.addWidget(self.state, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Name", with_message(self.name, self.name_message))
        form.addRow("&Sector", with_message(self.sector, self.sector_message))
        form.addRow("&Consortium", with_message(self.consortium, self.consortium_message))
        form.addRow("C&ity, state", place)
        form.addRow("&Website", with_message(self.website, self.website_message))
        form.addRow("Ta&gs", self.tags)
        form.addRow("N&otes", self.notes)
        self.frame(form, margin=MARGIN)
        self.name.textEdited.connect(lambda _t: self.touch("name"))
        self.website.textEdited.connect(lambda _t: self.touch("website"))
        connect_all(self._mark_dirty, self.name, self.sector, self.consortium, self.city,
                    self.state, self.website, self.tags, self.notes)

    def focus_order(self) -> list[QWidget]:
        return [self.name, self.sector, self.consortium, self.city, self.state,
                self.website, self.tags, self.notes]

    def fill(self, o: OrganizationData) -> None:
        self.name.setText(o.name)
        self.sector.setCurrentIndex(max(0, self.sector.findData(o.sector)))
        self.consortium.setCurrentIndex(max(0, self.consortium.findData(o.consortium_id or "")))
        self.city.setText(o.city)
        self.state.setText(o.state)
        self.website.setText(o.website)
        self.tags.setText(", ".join(o.tags))
        self.notes.setPlainText(o.notes)

    def value(self) -> OrganizationData:
        return dataclasses.replace(
            self.loaded, name=self.name.text().strip(), sector=self.sector.currentData(),
            consortium_id=self.consortium.currentData() or None, city=self.city.text().strip(),
            state=self.state.text().strip(), website=self.website.text().strip(),
            tags=split_tags(self.tags.text()), notes=self.notes.toPlainText())

    def record_title(self) -> str:
        return self.name.text().strip()


    def messages(self) -> dict[str, FieldMessage]:
        return {"name": self.name_message, "sector": self.sector_message,
                "website": self.website_message, "consortium_id": self.consortium_message}

    def after_save(self, saved: OrganizationData) -> None:
        self.setWindowTitle(f"Edit {saved.name}")

    def is_duplicate_confirmed(self, data: OrganizationData) -> bool:
        existing = self.ctx.services.organizations.find_by_name(data.name)
        if existing is None or not existing.id or existing.id == self.record_id:
            return True
        return self.save_or_open_existing(
            "Organization already exists",
            f"An organization named {existing.name} already exists.", existing.id)
