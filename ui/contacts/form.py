"""The contact form: create or edit one contact, validated live by the service.

    dialog = ContactDialog(ctx, contact_id=None, parent=window)
    dialog.saved.connect(...); dialog.open()

Saving a contact whose email another contact already has warns and offers to open
the existing contact instead (`open_existing(contact_id)` is emitted). Checking,
saving, closing, drafts and undo are the editors' own (`ui/kit/editor.py`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)
from shiboken6 import isValid

from coordinator.errors import FieldProblem
from coordinator.models import fold
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData
from ui.kit.drafts import DraftStore
from ui.kit.editor import RecordEditor, line_edit
from ui.widgets.forms import MARGIN, FieldMessage, RowList, connect_all, with_message

if TYPE_CHECKING:
    from ui.context import AppContext


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class ContactDialog(RecordEditor):
    noun = "contact"
    record_type = ContactData
    adopts_new_drafts = True

    def __init__(self, ctx: AppContext, contact_id: str | None = None,
                 parent: QWidget | None = None, drafts: DraftStore | None = None) -> None:
        super().__init__(ctx, contact_id, drafts, parent)
        data = ctx.services.contacts.get(contact_id) if contact_id else ContactData()
        self.loaded = data
        self._org_ids: dict[str, str] = {}
        self.setWindowTitle(f"Edit {data.full_name}" if contact_id else "New contact")
        self.setAccessibleName(self.windowTitle())
        self._build()
        self.load(data)
        self._load_organizations()
        self.finish_setup()
        self.resize(560, 680)

    # -- building --------------------------------------------------------------------
    def _build(self) -> None:
        self.given = line_edit("First name")
        self.family = line_edit("Last name")
        self.title_edit = line_edit("Title or role", "e.g. Chief Innovation Officer")
        self.pronouns = line_edit("Pronouns", "e.g. she/her")
        self.organization = line_edit("Organization", "Type to choose an organization")
        self.emails = RowList("Email")
        self.phones = RowList("Phone")
        self.do_not_contact = QCheckBox("&Do not contact: asked not to be emailed")
        self.do_not_contact.setAccessibleName("Do not contact")
        self.do_not_contact.setToolTip("Left out of group emails, copied addresses and mail "
                                       "merge exports (and counted there)")
        self.street = line_edit("Street")
        self.city = line_edit("City")
        self.region = line_edit("State or region")
        self.postal = line_edit("Postal code")
        self.country = line_edit("Country")
        self.website = line_edit("Website", "https://example.org")
        self.birthday = line_edit("Birthday", "YYYY-MM-DD or --MM-DD")
        self.tags = line_edit("Tags", "Comma-separated, e.g. mobility, broadband")
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setTabChangesFocus(True)
        self.private_notes = QPlainTextEdit()
        self.private_notes.setAccessibleName("Private notes")
        self.private_notes.setTabChangesFocus(True)
        self.private_notes.setPlaceholderText("Never printed unless asked")
        for edit in (self.notes, self.private_notes):
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)

        self.name_message = FieldMessage()
        self.org_message = FieldMessage()
        self.website_message = FieldMessage()
        self.birthday_message = FieldMessage()
        self.title_message = FieldMessage()

        names = QWidget()
        row = QHBoxLayout(names)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.given)
        row.addWidget(self.family)
        self.given.setPlaceholderText("First")
        self.family.setPlaceholderText("Last")

        address = QWidget()
        form_a = QFormLayout(address)
        form_a.setContentsMargins(0, 0, 0, 0)
        form_a.addRow(self.street)
        line = QHBoxLayout()
        line.addWidget(self.city, 2)
        line.addWidget(self.region, 1)
        line.addWidget(self.postal, 1)
        form_a.addRow(line)
        form_a.addRow(self.country)
        self.street.setPlaceholderText("Street")
        self.city.setPlaceholderText("City")
        self.region.setPlaceholderText("State")
        self.postal.setPlaceholderText("ZIP")
        self.country.setPlaceholderText("Country")

        form_widget = QWidget()
        form = QFormLayout(form_widget)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Name", with_message(names, self.name_message))
        form.addRow("&Title", with_message(self.title_edit, self.title_message))
        form.addRow("Pron&ouns", self.pronouns)
        form.addRow("O&rganization", with_message(self.organization, self.org_message))
        form.addRow("&Email", self.emails)
        form.addRow("&Phone", self.phones)
        form.addRow("", self.do_not_contact)
        form.addRow("&Address", address)
        form.addRow("&Website", with_message(self.website, self.website_message))
        form.addRow("&Birthday", with_message(self.birthday, self.birthday_message))
        form.addRow("Ta&gs", self.tags)
        form.addRow("N&otes", self.notes)
        form.addRow("Pri&vate notes", self.private_notes)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing goes to the fields
        scroll.setWidget(form_widget)
        self.frame(scroll, margin=MARGIN)

        touch = {"name": (self.given, self.family), "title": (self.title_edit,),
                 "organization_id": (self.organization,), "website": (self.website,),
                 "birthday": (self.birthday,)}
        for field, widgets in touch.items():
            for w in widgets:
                w.textEdited.connect(lambda _t, f=field: self.touch(f))
        for rows in (self.emails, self.phones):
            rows.rows_changed.connect(self.update_tab_order)
        connect_all(self._mark_dirty, self.given, self.family, self.title_edit, self.pronouns,
                    self.organization, self.emails, self.phones, self.street, self.city,
                    self.region, self.postal, self.country, self.website, self.birthday,
                    self.tags, self.notes, self.private_notes)
        self.do_not_contact.toggled.connect(self._mark_dirty)

    def fill(self, c: ContactData) -> None:
        for rows in (self.emails, self.phones):  # a recovered edit replaces the rows
            for row in list(rows.rows):
                rows.remove_row(row)
        self.given.setText(c.given_name)
        self.family.setText(c.family_name)
        self.title_edit.setText(c.title)
        self.pronouns.setText(c.pronouns)
        self.organization.setText(c.organization_name)
        if c.organization_id and not c.organization_name:
            self.organization.setPlaceholderText(
                "Its organization is in Trash; restoring it shows it here again")
        if c.organization_id:
            self._org_ids[fold(c.organization_name)] = c.organization_id
        for e in c.emails:
            self.emails.add_row(e.address, e.label)
        if not c.emails and not c.id:
            self.emails.add_row()
        for p in c.phones:
            self.phones.add_row(p.raw, p.label)
        first = c.addresses[0] if c.addresses else AddressData()
        for edit, value in ((self.street, first.street), (self.city, first.city),
                            (self.region, first.region), (self.postal, first.postal_code),
                            (self.country, first.country)):
            edit.setText(value)
        self.website.setText(c.website)
        self.birthday.setText(c.birthday)
        self.tags.setText(", ".join(c.tags))
        self.notes.setPlainText(c.notes)
        self.private_notes.setPlainText(c.private_notes)
        self.do_not_contact.setChecked(c.do_not_contact)

    def _load_organizations(self) -> None:
        orgs = self.ctx.services.organizations

        def names() -> list[tuple[str, str]]:
            return [(o.name, o.id) for o in orgs.list(sort="name").rows]

        def done(pairs: list[tuple[str, str]]) -> None:
            if not isValid(self):  # the form closed before the names came back
                return
            for name, oid in pairs:
                self._org_ids.setdefault(fold(name), oid)
            completer = QCompleter(QStringListModel([n for n, _ in pairs], self), self)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.organization.setCompleter(completer)
            completer.activated.connect(lambda _t: self.revalidate())

        self.ctx.tasks.run(names, on_done=done, key=f"org-names-{id(self)}")

    def focus_order(self) -> list[QWidget]:
        return [self.given, self.family, self.title_edit, self.pronouns, self.organization,
                *self.emails.focus_order(), *self.phones.focus_order(),
                self.do_not_contact, self.street,
                self.city, self.region, self.postal, self.country, self.website,
                self.birthday, self.tags, self.notes, self.private_notes]

    # -- data --------------------------------------------------------------------------
    def _organization_id(self) -> tuple[str | None, bool]:
        """(id, known) for the organization typed; (None, True) when left empty."""
        text = self.organization.text().strip()
        if not text:
            # An organization in Trash shows no name, but the contact keeps the link so
            # that restoring the organization brings it back.
            loaded = self.loaded
            if loaded.organization_id and not loaded.organization_name:
                return loaded.organization_id, True
            return None, True
        key = fold(text)
        if key in self._org_ids:
            return self._org_ids[key], True
        found = self.ctx.services.organizations.find_by_name(text)
        if found is not None and found.id:
            self._org_ids[key] = found.id
            return found.id, True
        return None, False

    def value(self) -> ContactData:
        base = self.loaded
        org_id, _known = self._organization_id()
        old_primary = {e.address for e in base.emails if e.is_primary}
        emails = [EmailData(addr, label, addr in old_primary)
                  for addr, label in self.emails.values()]
        if emails and not any(e.is_primary for e in emails):
            emails[0].is_primary = True
        phones = [PhoneData(raw, label, i == 0) for i, (raw, label) in
                  enumerate(self.phones.values()) if raw]
        first = AddressData(
            label=base.addresses[0].label if base.addresses else "work",
            street=self.street.text().strip(), city=self.city.text().strip(),
            region=self.region.text().strip(), postal_code=self.postal.text().strip(),
            country=self.country.text().strip())
        addresses = ([first] if any((first.street, first.city, first.region,
                                     first.postal_code, first.country)) else [])
        addresses += base.addresses[1:]
        return dataclasses.replace(
            base, given_name=self.given.text().strip(), family_name=self.family.text().strip(),
            title=self.title_edit.text().strip(), pronouns=self.pronouns.text().strip(),
            organization_id=org_id, organization_name=self.organization.text().strip(),
            emails=emails, phones=phones, addresses=addresses,
            website=self.website.text().strip(), birthday=self.birthday.text().strip(),
            tags=split_tags(self.tags.text()), notes=self.notes.toPlainText(),
            private_notes=self.private_notes.toPlainText(),
            do_not_contact=self.do_not_contact.isChecked())

    def record_title(self) -> str:
        return " ".join(t for t in (self.given.text().strip(), self.family.text().strip()) if t)

    def name_of(self, record: ContactData) -> str:
        return record.full_name

    def problems(self) -> list[FieldProblem]:
        problems = list(self.ctx.services.contacts.validate(self.value()))
        if not self._organization_id()[1]:
            problems.append(FieldProblem(
                "organization_id", "No organization has this name; choose one from the list "
                                   "or create it first."))
        return problems

    def messages(self) -> dict[str, FieldMessage]:
        return {"name": self.name_message, "organization_id": self.org_message,
                "website": self.website_message, "birthday": self.birthday_message,
                "title": self.title_message}

    def has_field_message(self, field: str) -> bool:
        return (field in self.messages() or field.startswith("emails[")
                or field in ("given_name", "family_name"))

    def extra_messages(self, problems: list[FieldProblem]) -> None:
        # The service numbers only the emails collected: the rows that have a value.
        filled = self.emails.filled_rows()
        for row in self.emails.rows:
            i = filled.index(row) if row in filled else -1
            msgs = [p.message for p in problems if p.field == f"emails[{i}]"]
            show = self._show_all or row.touched
            row.message.set_message(" ".join(msgs) if msgs and show else None)
        long_names = [p.message for p in problems if p.field in ("given_name", "family_name")]
        if long_names and not self.name_message.isVisible():
            self.name_message.set_message(long_names[0])

    def after_save(self, saved: ContactData) -> None:
        self.setWindowTitle(f"Edit {saved.full_name}")

    def is_duplicate_confirmed(self, data: ContactData) -> bool:
        found = self.ctx.services.contacts.probable_duplicates(data, exclude_id=self.record_id)
        if found:  # the same email, or the same name at the same organization...
            other = found[0].contact
            if found[0].emails:
                title = "Email already in use"
                text = f"{other.full_name} already has the email address {found[0].emails[0]}."
            else:
                at = f" at {other.organization_name}" if other.organization_name else ""
                title = "Contact already exists"
                text = (f"{other.full_name}{at} already exists "
                        f"({', '.join(found[0].reasons)}).")
            return self.save_or_open_existing(title, text, other.id)
        return True
