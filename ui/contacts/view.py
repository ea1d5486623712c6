"""The Contacts view: a lazily fetched table (sorted and filtered in SQL), filters by
consortium, sector, tag and text, and a detail pane with clickable email/phone links."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from coordinator.errors import CoordinatorError
from coordinator.services import ContactFilter
from coordinator.services.mailing import MailingSelection
from coordinator.wording import plural
from ui.contacts.form import ContactDialog
from ui.contacts.model import ContactTableModel
from ui.kit.member_view import MemberView, combo_value
from ui.kit.undo import DeleteCommand, let_go_of_selection
from ui.kit.views import FeatureView
from ui.widgets.detail import contact_html

if TYPE_CHECKING:
    from ui.context import AppContext

DEFAULT_WIDTHS = [170, 170, 200, 80, 210, 120]


class ContactsView(MemberView, FeatureView):
    can_create = can_delete = True

    view_name = "contacts"
    noun = ("contact", "contacts")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setAccessibleName("Contacts")
        self.add_member_filters("contact")
        self.model = ContactTableModel(ctx.services, ctx.tasks, self)
        self.model.loaded.connect(self._on_loaded)
        self.model.modelReset.connect(lambda: self.detail.clear_record())
        self.setup_table(self.model, DEFAULT_WIDTHS)
        self.model.keep_position(self.table)
        header = self.table.horizontalHeader()
        self.model.sort(*self.saved_sort())
        header.setSortIndicator(*self.model.sort_state())
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self._on_sort_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        from ui.contacts.timeline import attach_timeline  # the history under the details

        self.timeline = attach_timeline(self)
        self.table.activated.connect(lambda _i: self.edit_selected())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self._pending_select: str | None = None
        self._pending_row = -1
        self._shown_id: str | None = None
        self.dialog: ContactDialog | None = None
        self.total = 0
        ctx.changed.connect(self._on_changed)
        self.count_label.setText("Loading contacts…")

    # -- filters ---------------------------------------------------------------------------
    def current_filter(self) -> ContactFilter:
        return ContactFilter(
            consortium_id=combo_value(self.consortium), sector=combo_value(self.sector),
            tag=self.tag.tag_text() or None, text=self.text_filter.text().strip() or None)

    def set_filter(self, *, consortium_id: str | None = None, organization_id: str | None = None,
                   sector: str | None = None) -> None:
        """Show contacts of one consortium / sector (used by the Consortia view)."""
        for combo, value in ((self.consortium, consortium_id), (self.sector, sector)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value or "")))
            combo.blockSignals(False)
        f = self.current_filter()
        f.organization_id = organization_id
        self.model.set_filter(f)

    def clear_filters(self) -> None:
        self.clear_text_filters()
        for combo in (self.consortium, self.sector):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)

    empty_text = ("Contacts are the people of the member organizations. Add the first, or "
                  "import a file (File ▸ Import…).")

    def show_everything(self) -> None:
        self.clear_filters()
        self.model.set_filter(ContactFilter())

    def _filtered(self) -> bool:
        f = self.model.contact_filter
        return any((f.consortium_id, f.organization_id, f.sector, f.tag, f.text))

    def _on_loaded(self, count: int) -> None:
        if not self._filtered():
            self.total = count
        filtered = self._filtered()
        self.count_label.setText(plural(count, "matching contact" if filtered else "contact"))
        self.update_empty_state(count, filtered=filtered, total=self.total)
        if self._pending_select:
            row = self.model.row_of(self._pending_select)
            self._pending_select = None
            self.select_row(row)
        elif self._pending_row >= 0 and count:
            self.select_row(min(self._pending_row, count - 1))
        self._pending_row = -1

    # -- detail --------------------------------------------------------------------------------
    def _on_current(self, current, _previous) -> None:
        if not current.isValid():
            self._shown_id = None
            self.detail.clear_record()
            return
        self.show_detail(self.model.id_at(current.row()))

    def show_detail(self, contact_id: str) -> None:
        self._shown_id = contact_id
        services = self.ctx.services

        def done(html: str | None) -> None:
            if self._shown_id == contact_id and html is not None:
                self.detail.show_html(html)

        def load() -> str | None:
            try:
                return contact_html(services.contacts.get(contact_id), services)
            except CoordinatorError:
                return None

        self.ctx.tasks.run(load, on_done=done, key=f"contact-detail-{id(self)}")

    def _on_changed(self, changes) -> None:
        self.model.apply_changes(changes)
        if self._shown_id and self._shown_id in changes.ids("contact"):
            self.show_detail(self._shown_id)

    # -- view protocol -----------------------------------------------------------------------
    def refresh(self) -> None:
        self.model.reload()

    def selected_ids(self) -> list[str]:
        return [self.model.id_at(r) for r in self.selected_rows()]

    def open_record(self, record_id: str) -> None:
        row = self.model.row_of(record_id)
        if row >= 0:
            self.select_row(row)
            self.table.setFocus()
            return
        # Not in the current filter: show everything, then select it.
        self.clear_filters()
        self._pending_select = record_id
        self.model.set_filter(ContactFilter())

    def new_record(self) -> None:
        self._open_dialog(None)

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._open_dialog(ids[0])

    def _open_dialog(self, contact_id: str | None) -> None:
        dialog = ContactDialog(self.ctx, contact_id, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._after_save)
        dialog.open_existing.connect(self.open_record)
        self.dialog = dialog
        dialog.open()

    def _after_save(self, contact_id: str) -> None:
        row = self.model.row_of(contact_id)
        if row >= 0:
            self.select_row(row)
        else:
            self._pending_select = contact_id

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        rows = self.selected_rows()
        name = self.model.contact_row(rows[0])
        text = f"Delete {name.full_name}" if len(ids) == 1 and name else None
        stack = self.ctx.undo_stack
        command = DeleteCommand(self.ctx, "contact", ids, text, parent=self.window())
        let_go_of_selection(self.table, len(ids))
        if stack is not None:
            stack.push(command)
        else:
            command.redo()
        self._pending_select = None
        self._pending_row = rows[0]  # keep the cursor near where it was

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        edit = QAction("Edit…", menu)
        edit.setShortcut(QKeySequence(Qt.Key.Key_F2))  # shown in the menu; F2 works anywhere
        edit.triggered.connect(self.edit_selected)
        delete = QAction("Move to Trash", menu)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.triggered.connect(self.delete_selected)
        new = QAction("New contact…", menu)
        new.triggered.connect(self.new_record)
        has = bool(self.selected_ids())
        edit.setEnabled(has)
        delete.setEnabled(has)
        menu.addActions([edit, delete])
        from ui.mailing.actions import add_mail_actions  # the selection, else the whole list

        add_mail_actions(menu, self.ctx, self, lambda: MailingSelection(
            contact_ids=self.selected_ids() or self.model.ids()))
        menu.addSeparator()
        menu.addAction(new)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def hideEvent(self, event) -> None:
        self.save_state()
        super().hideEvent(event)
