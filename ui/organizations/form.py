"""The organization form: create or edit one organization, validated live.

Saving a new organization whose name already exists warns and offers to open the
existing one (`open_existing(organization_id)`).
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

from coordinator.errors import FieldProblem
from coordinator.models.enums import SECTOR_LABELS
from coordinator.services.records import OrganizationData
from ui.contacts.form import split_tags
from ui.kit.member_view import fill_consortia
from ui.kit.record_form import RecordDialog
from ui.widgets.forms import FieldMessage, connect_all, with_message

if TYPE_CHECKING:
    from ui.context import AppContext


class OrganizationDialog(RecordDialog):
    noun = "organization"

    def __init__(self, ctx: AppContext, organization_id: str | None = None,
                 parent: QWidget | None = None, consortium_id: str | None = None) -> None:
        super().__init__(ctx, parent)
        self.record_id = organization_id
        self._loaded = (ctx.services.organizations.get(organization_id) if organization_id
                        else OrganizationData(consortium_id=consortium_id))
        self.setWindowTitle(f"Edit {self._loaded.name}" if organization_id
                            else "New organization")
        self.setAccessibleName(self.windowTitle())
        self._build()
        self._fill(self._loaded)
        self.finish_setup()
        self.resize(520, 460)

    def _build(self) -> None:
        self.name = self._line("Name", "e.g. City of Denton")
        self.sector = QComboBox()
        self.sector.setAccessibleName("Sector")
        for value, label in SECTOR_LABELS.items():
            self.sector.addItem(label, str(value))
        self.consortium = QComboBox()
        self.consortium.setAccessibleName("Consortium")
        fill_consortia(self.consortium, self.ctx, "(none)")
        self.city = self._line("City")
        self.state = self._line("State", "e.g. TX")
        self.website = self._line("Website", "https://example.org")
        self.tags = self._line("Tags", "Comma-separated")
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
        self.outer.addLayout(form, 1)
        self.outer.addWidget(self.buttons)
        self.name.textEdited.connect(lambda _t: self.touch("name"))
        self.website.textEdited.connect(lambda _t: self.touch("website"))
        connect_all(self.revalidate, self.name, self.sector, self.consortium, self.city,
                    self.state, self.website, self.tags, self.notes)

    def focus_order(self) -> list[QWidget]:
        return [self.name, self.sector, self.consortium, self.city, self.state,
                self.website, self.tags, self.notes]

    def _fill(self, o: OrganizationData) -> None:
        self.name.setText(o.name)
        self.sector.setCurrentIndex(max(0, self.sector.findData(o.sector)))
        self.consortium.setCurrentIndex(max(0, self.consortium.findData(o.consortium_id or "")))
        self.city.setText(o.city)
        self.state.setText(o.state)
        self.website.setText(o.website)
        self.tags.setText(", ".join(o.tags))
        self.notes.setPlainText(o.notes)

    def collect(self) -> OrganizationData:
        return dataclasses.replace(
            self._loaded, name=self.name.text().strip(), sector=self.sector.currentData(),
            consortium_id=self.consortium.currentData() or None, city=self.city.text().strip(),
            state=self.state.text().strip(), website=self.website.text().strip(),
            tags=split_tags(self.tags.text()), notes=self.notes.toPlainText())

    def problems(self, data: OrganizationData) -> list[FieldProblem]:
        return list(self.ctx.services.organizations.validate(data))

    def messages(self) -> dict[str, FieldMessage]:
        return {"name": self.name_message, "sector": self.sector_message,
                "website": self.website_message, "consortium_id": self.consortium_message}

    def save(self, data: OrganizationData) -> str | None:
        orgs = self.ctx.services.organizations
        existing = orgs.find_by_name(data.name)
        if existing is not None and existing.id and existing.id != self.record_id and (
                not self.save_or_open_existing(
                    "Organization already exists",
                    f"An organization named {existing.name} already exists.", existing.id)):
            return None
        return self.write_record(orgs, data, lambda o: o.name)
