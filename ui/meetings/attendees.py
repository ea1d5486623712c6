"""Meeting attendees: find contacts by typing (searched off the GUI thread), add them,
and set each one's role, RSVP and whether they attended."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from coordinator.errors import NotFound
from coordinator.services.records import AttendeeData
from ui.context import AppContext
from ui.kit.pickers import Choice, search_contacts
from ui.kit.roles import ID_ROLE
from ui.widgets.columns import ReadableColumns

ROLES = (("chair", "Chair"), ("note_taker", "Note-taker"), ("attendee", "Attendee"))
RSVPS = (("pending", "No reply yet"), ("yes", "Yes"), ("maybe", "Maybe"), ("no", "No"))
ATTENDED = ((None, "—"), (True, "Attended"), (False, "Absent"))
_ids = itertools.count(1)


def _combo(options: tuple, value: object) -> QComboBox:
    box = QComboBox()
    for data, label in options:
        box.addItem(label, data)
    index = next((i for i, (d, _) in enumerate(options) if d == value), 0)
    box.setCurrentIndex(index)
    return box


class AttendeesEditor(QWidget):
    changed = Signal()
    NAME, ORG, ROLE, RSVP, ATTENDED = range(5)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._key = f"attendee-search-{next(_ids)}"
        self._attendees: list[AttendeeData] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find people to invite: type a name, email or "
                                       "organization…")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setAccessibleName("Matching contacts")
        self.results.itemActivated.connect(self._add_item)
        self.add_button = QPushButton("Add →")
        self.add_button.clicked.connect(self.add_selected_results)
        self.search.returnPressed.connect(self._add_first)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _: self._timer.start())
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Name", "Organization", "Role", "RSVP",
                                              "Attended"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # names and organizations share the spare width; the choices are never cut
        self.columns = ReadableColumns(self.table, stretch=(self.NAME, self.ORG),
                                       stretch_min=140)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.count_label = QLabel()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.results, 1)
        left_layout.addWidget(self.add_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.remove_button)
        right_layout.addLayout(bottom)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._update_count()

    # -- data -------------------------------------------------------------------------
    def set_attendees(self, attendees: list[AttendeeData]) -> None:
        self._attendees = [AttendeeData(**vars(a)) for a in attendees]
        self.table.setRowCount(0)
        for a in self._attendees:
            self._append_row(a)
        self._update_count()

    def attendees(self) -> list[AttendeeData]:
        out = []
        for row, a in enumerate(self._attendees):
            out.append(AttendeeData(
                a.contact_id, self.table.cellWidget(row, self.ROLE).currentData(),
                self.table.cellWidget(row, self.RSVP).currentData(),
                self.table.cellWidget(row, self.ATTENDED).currentData(), a.contact_name,
                a.organization_name, a.consortium_id))
        return out

    def people(self) -> list[tuple[str, str]]:
        """(contact id, name) of every attendee: owners and presenters are chosen here."""
        return [(a.contact_id, a.contact_name) for a in self._attendees]

    def consortium_ids(self) -> set[str]:
        return {a.consortium_id for a in self._attendees if a.consortium_id}

    def add_contact(self, contact_id: str, role: str = "attendee") -> bool:
        if any(a.contact_id == contact_id for a in self._attendees):
            return False
        try:
            c = self.ctx.services.contacts.get(contact_id)
        except NotFound:
            return False
        attendee = AttendeeData(contact_id, role, "pending", None, c.full_name,
                                c.organization_name, c.consortium_id)
        self._attendees.append(attendee)
        self._append_row(attendee)
        self._update_count()
        self.changed.emit()
        return True

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
            del self._attendees[row]
        if rows:
            self._update_count()
            self.changed.emit()

    # -- search -----------------------------------------------------------------------
    def _run_search(self) -> None:
        text, services = self.search.text().strip(), self.ctx.services
        if not text:
            self.results.clear()
            return
        self.ctx.tasks.run(lambda: search_contacts(services, text), on_done=self._show_results,
                           key=self._key)

    def _show_results(self, choices: list[Choice]) -> None:
        if not isValid(self.results):
            return
        self.results.clear()
        present = {a.contact_id for a in self._attendees}
        for cid, name, detail in choices:
            item = QListWidgetItem(f"{name}\n{detail}" if detail else name)
            item.setData(ID_ROLE, cid)
            if cid in present:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setToolTip("Already invited")
            self.results.addItem(item)
        if not choices:
            self.results.addItem("No contact matches.")

    def _add_item(self, item: QListWidgetItem) -> None:
        cid = item.data(ID_ROLE)
        if cid and self.add_contact(cid):
            item.setFlags(Qt.ItemFlag.NoItemFlags)

    def add_selected_results(self) -> None:
        for item in self.results.selectedItems():
            self._add_item(item)

    def _add_first(self) -> None:
        for i in range(self.results.count()):
            item = self.results.item(i)
            if item.flags() & Qt.ItemFlag.ItemIsEnabled and item.data(ID_ROLE):
                self._add_item(item)
                self.search.selectAll()
                return

    # -- rows -------------------------------------------------------------------------
    def _append_row(self, a: AttendeeData) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, self.NAME, QTableWidgetItem(a.contact_name))
        self.table.setItem(row, self.ORG, QTableWidgetItem(a.organization_name))
        for col, options, value in ((self.ROLE, ROLES, a.role), (self.RSVP, RSVPS, a.rsvp),
                                    (self.ATTENDED, ATTENDED, a.attended)):
            box = _combo(options, value)
            box.currentIndexChanged.connect(self._on_cell_changed)
            self.table.setCellWidget(row, col, box)

    def _on_cell_changed(self) -> None:
        self._update_count()
        self.changed.emit()

    def _update_count(self) -> None:
        self.columns.fit()
        people = self.attendees() if self.table.rowCount() else []
        yes = sum(1 for a in people if a.rsvp == "yes")
        came = sum(1 for a in people if a.attended)
        self.count_label.setText(f"{len(people)} invited · {yes} said yes"
                                 + (f" · {came} attended" if came else ""))
