"""The Team Hub dialog's Users page: the hub's administrator adds, lists and removes
logins and sees each one's last sync. A new login's one-time password is shown once, to
hand over privately; removing a login keeps everything its owner wrote."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.errors import CoordinatorError
from ui.kit import background

if TYPE_CHECKING:
    from coordinator.hub.admin import HubUser
    from ui.context import AppContext

COLUMNS = ("Login", "Role", "Consortium", "Last sync", "Removed")


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


class UsersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.users: list[HubUser] = []
        self.setAccessibleName("Hub users")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Hub users list")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.name = QLineEdit()
        self.name.setAccessibleName("New login")
        self.name.setPlaceholderText("login, e.g. ana")
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        self.role.addItems(["coordinator", "viewer"])
        self.consortium = QLineEdit()
        self.consortium.setAccessibleName("Consortium")
        self.consortium.setPlaceholderText("consortium (optional)")
        self.add_button = QPushButton("&Add user")
        self.add_button.clicked.connect(self.add_user)
        self.remove_button = QPushButton("&Remove user…")
        self.remove_button.clicked.connect(self.remove_selected)
        self.refresh_button = QPushButton("Re&fresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.upgrade_button = QPushButton("Up&grade hub…")
        self.upgrade_button.setToolTip("After updating Coordinator: bring the hub's schema "
                                       "up to this version (every laptop then needs it)")
        self.upgrade_button.clicked.connect(self.upgrade)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Users message")
        self.one_time = QLineEdit()
        self.one_time.setReadOnly(True)
        self.one_time.setAccessibleName("One-time password")
        self.one_time.hide()
        add = QHBoxLayout()
        add.addWidget(self.name, 2)
        add.addWidget(self.role, 1)
        add.addWidget(self.consortium, 2)
        add.addWidget(self.add_button)
        tools = QHBoxLayout()
        tools.addWidget(self.refresh_button)
        tools.addWidget(self.upgrade_button)
        tools.addStretch(1)
        tools.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(tools)
        layout.addLayout(add)
        layout.addWidget(self.message)
        layout.addWidget(self.one_time)

    def _say(self, text: str, ok: bool) -> None:
        self.message.setStyleSheet("" if ok else "color: #b3261e;")
        self.message.setText(text)

    def refresh(self) -> bool:
        hub = self.ctx.hub
        try:
            users = background.wait_for(self.ctx, hub.list_users, self, "Reading the users…")
        except CoordinatorError as exc:
            self._say(str(exc), ok=False)
            self.table.setRowCount(0)
            return False
        self.users = users
        self.table.setRowCount(len(users))
        for n, user in enumerate(users):
            values = (user.login, user.role, user.consortium or "",
                      _when(user.last_sync_at) or "never", _when(user.removed_at))
            for column, text in enumerate(values):
                self.table.setItem(n, column, QTableWidgetItem(text))
        if not self.message.text() or self.message.styleSheet():
            self._say(f"{len(users)} logins on this hub.", ok=True)
        return True

    def add_user(self) -> str | None:
        name, role = self.name.text().strip(), self.role.currentText()
        consortium = self.consortium.text().strip() or None
        hub = self.ctx.hub
        try:
            password = background.wait_for(
                self.ctx, lambda: hub.add_user(name, role, consortium), self,
                "Adding the user…")
        except CoordinatorError as exc:
            self._say(str(exc), ok=False)
            return None
        self.name.clear()
        self.consortium.clear()
        self.one_time.setText(password)
        self.one_time.show()
        address = self.ctx.hub.address()
        where = (f" Their hub address: {replace(address, user=name).url()}."
                 if address is not None else "")
        self._say(f"Added {name} ({role}).{where} Hand over this one-time password "
                  "privately; it is shown only now:", ok=True)
        self.refresh()
        return str(password)

    def selected_login(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.users[rows[0].row()].login if rows else None

    def remove_selected(self) -> bool:
        login = self.selected_login()
        if login is None:
            self._say("Select the user to remove.", ok=False)
            return False
        answer = QMessageBox.question(
            self, "Remove user?", f"Remove {login} from the hub? They can no longer sign in; "
            "everything they wrote stays.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        hub = self.ctx.hub
        try:
            background.wait_for(self.ctx, lambda: hub.remove_user(login), self,
                                "Removing the user…")
        except CoordinatorError as exc:
            self._say(str(exc), ok=False)
            return False
        self.one_time.hide()
        self._say(f"Removed {login}; what they wrote stays.", ok=True)
        self.refresh()
        return True

    def upgrade(self) -> bool:
        answer = QMessageBox.question(
            self, "Upgrade the hub?", "Bring the hub's schema up to this version of "
            "Coordinator? Laptops with an older Coordinator then need updating to sync.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        hub = self.ctx.hub
        try:
            before, after = background.wait_for(self.ctx, hub.upgrade_hub, self,
                                                "Upgrading the hub…")
        except CoordinatorError as exc:
            self._say(str(exc), ok=False)
            return False
        self._say(f"The hub's schema is at version {after}"
                  + (f" (was {before})." if before != after else "; nothing to do."), ok=True)
        return True
