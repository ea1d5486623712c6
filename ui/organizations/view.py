"""The Organizations view: a paged table sorted and filtered in SQL, with a detail pane
listing the organization's people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from coordinator.errors import CoordinatorError
from coordinator.services import ContactFilter, OrganizationFilter
from coordinator.wording import plural
from ui.kit import background
from ui.kit.member_view import MemberView, combo_value
from ui.kit.undo import DeleteCommand, let_go_of_selection
from ui.kit.views import FeatureView
from ui.organizations.form import OrganizationDialog
from ui.organizations.model import OrganizationTableModel, sector_label
from ui.widgets.detail import organization_html

if TYPE_CHECKING:
    from ui.context import AppContext

DEFAULT_WIDTHS = [300, 150, 90, 140, 60, 80]
PEOPLE_SHOWN = 40


class OrganizationsView(MemberView, FeatureView):
    can_create = can_delete = True

    view_name = "organizations"
    noun = ("organization", "organizations")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setAccessibleName("Organizations")
        self.add_member_filters("organization")
        self.model = OrganizationTableModel(ctx.services, parent=self)
        self.model.loaded.connect(self._on_loaded)
        self.model.modelReset.connect(lambda: self.detail.clear_record())
        self.setup_table(self.model, DEFAULT_WIDTHS)
        self.model.keep_position(self.table)
        header = self.table.horizontalHeader()
        self.model.set_sort(*self.saved_sort())  # applied by the first load, below
        header.setSortIndicator(*self.model.sort_state())
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self._on_sort_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.table.activated.connect(lambda _i: self.edit_selected())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self._shown_id: str | None = None
        self.dialog: OrganizationDialog | None = None
        self.confirm_box: QMessageBox | None = None
        ctx.changed.connect(self._on_changed)
        self.model.reload()

    def current_filter(self) -> OrganizationFilter:
        return OrganizationFilter(
            consortium_id=combo_value(self.consortium), sector=combo_value(self.sector),
            tag=self.tag.tag_text() or None, text=self.text_filter.text().strip() or None)

    def set_filter(self, *, consortium_id: str | None = None, sector: str | None = None) -> None:
        for combo, value in ((self.consortium, consortium_id), (self.sector, sector)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value or "")))
            combo.blockSignals(False)
        self.apply_filters()

    def _on_loaded(self, count: int) -> None:
        f = self.model.organization_filter
        filtered = any((f.consortium_id, f.sector, f.tag, f.text))
        self.count_label.setText(plural(count, f"{'matching ' if filtered else ''}organization"))
        total = self.ctx.services.organizations.list(limit=0).total if filtered and not count \
            else count
        self.update_empty_state(count, filtered=filtered, total=total)

    empty_text = ("Organizations are the members of the consortia: cities, counties, "
                  "universities, companies. Their people are the contacts.")

    def show_everything(self) -> None:
        self.clear_text_filters()
        self.set_filter()

    def _on_current(self, current, _previous) -> None:
        org_id = self.model.id_at(current.row()) if current.isValid() else None
        if org_id is None:
            self._shown_id = None
            self.detail.clear_record()
            return
        self.show_detail(org_id)

    def show_detail(self, organization_id: str) -> None:
        self._shown_id = organization_id
        services = self.ctx.services

        def load() -> str | None:
            try:
                org = services.organizations.get(organization_id)
            except CoordinatorError:
                return None
            people = services.contacts.list(ContactFilter(organization_id=organization_id),
                                            limit=PEOPLE_SHOWN).rows
            return organization_html(org, people, services, sector_label(org.sector))

        def done(html: str | None) -> None:
            if self._shown_id == organization_id and html is not None:
                self.detail.show_html(html)

        self.ctx.tasks.run(load, on_done=done, key=f"organization-detail-{id(self)}")

    def _on_changed(self, changes) -> None:
        # The model keeps the selection, the current row and the scroll position.
        self.model.apply_changes(changes)
        if self._shown_id and changes.touches("organization", "contact") and \
                self.model.row_of(self._shown_id) >= 0:
            self.show_detail(self._shown_id)

    # -- view protocol ---------------------------------------------------------------------
    def refresh(self) -> None:
        self.model.reload()

    def selected_ids(self) -> list[str]:
        return [i for i in (self.model.id_at(r) for r in self.selected_rows()) if i]

    def open_record(self, record_id: str) -> None:
        row = self.model.row_of(record_id)
        if row < 0:
            self.text_filter.blockSignals(True)
            self.text_filter.clear()
            self.text_filter.blockSignals(False)
            self.set_filter()
            row = self.model.row_of(record_id)
        self.select_row(row)
        self.table.setFocus()

    def new_record(self) -> None:
        self._open_dialog(None)

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._open_dialog(ids[0])

    def _open_dialog(self, organization_id: str | None) -> None:
        dialog = OrganizationDialog(self.ctx, organization_id, self.window(),
                                    consortium_id=combo_value(self.consortium))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda oid: self.select_row(self.model.row_of(oid)))
        dialog.open_existing.connect(self.open_record)
        self.dialog = dialog
        dialog.open()

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        org = self.model.organization(self.selected_rows()[0])
        if not self.confirm_delete(ids, org.name if len(ids) == 1 and org else None):
            return
        text = f"Delete {org.name}" if len(ids) == 1 and org else None
        command = DeleteCommand(self.ctx, "organization", ids, text, parent=self.window())
        let_go_of_selection(self.table, len(ids))
        stack = self.ctx.undo_stack
        if stack is not None:
            stack.push(command)
        else:
            command.redo()

    def confirm_delete(self, ids: list[str], name: str | None) -> bool:
        """Ask before moving organizations that have contacts to Trash, saying what
        happens to those contacts; True to go ahead (always, when they have none)."""
        people = self.ctx.services.organizations.contact_counts(ids)
        if not people:
            return True
        what = f"“{name}”" if name else plural(len(ids), "organization")
        their = "Its" if len(ids) == 1 else "Their"
        box = QMessageBox(QMessageBox.Icon.Question, "Move to Trash",
                          f"Move {what} to Trash?", parent=self)
        box.setInformativeText(
            f"{their} {plural(people, 'contact')} will stay, shown without an organization "
            f"until you restore {'it' if len(ids) == 1 else 'them'} from Trash or undo "
            "this (Ctrl+Z).")
        move = box.addButton("Move to Trash", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(move)
        self.confirm_box = box
        try:
            background.run_modal(box)
            return box.clickedButton() is move
        finally:
            self.confirm_box = None
            box.deleteLater()

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        has = bool(self.selected_ids())
        edit = menu.addAction("Edit…", self.edit_selected)
        edit.setShortcut(QKeySequence(Qt.Key.Key_F2))  # shown in the menu; F2 works anywhere
        edit.setEnabled(has)
        menu.addAction("Move to Trash", self.delete_selected).setEnabled(has)
        if has:
            from ui.mailing.actions import add_mail_actions, organization_people

            add_mail_actions(menu, self.ctx, self, lambda: organization_people(
                self.ctx, self.selected_ids()), "their people")
        menu.addSeparator()
        menu.addAction("New organization…", self.new_record)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def hideEvent(self, event) -> None:
        self.save_state()
        super().hideEvent(event)
