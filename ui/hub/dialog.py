"""File > Team Hub…: join a hub, test the connection, see which coalition it is, store
the password, leave; and (a second page) the hub's users, for its administrator.

The password goes to the OS keyring only; without a usable keyring it is kept for this
session only and the dialog says so, as for backup passphrases. Every network call runs
off the GUI thread (`background.wait_for`); a failure is one line under the buttons and
changes nothing here. Leaving a hub keeps every record on this computer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coordinator import secrets
from coordinator.errors import CoordinatorError
from ui.kit import background
from ui.widgets.forms import SPACING

if TYPE_CHECKING:
    from coordinator.hub.connect import HubAddress
    from ui.context import AppContext
    from ui.hub.syncer import HubSync

KEYRING_NOTE = ("The password is stored in this computer's keyring (system password "
                "store), never in a file.")
NO_KEYRING_NOTE = ("No keyring is available on this computer: the password will be kept "
                   "for this session only and asked for again next time. It is never "
                   "written to a file.")
LEAVE_TEXT = ("Stop syncing with the hub of {coalition}?\n\nEvery record stays on this "
              "computer; changes not pushed yet stay here only. You can join again later.")


class TeamHubDialog(QDialog):
    def __init__(self, ctx: AppContext, syncer: HubSync | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.syncer = ctx, syncer
        self.setWindowTitle("Team Hub")
        self.setAccessibleName("Team Hub")
        self.tabs = QTabWidget()
        self.connection = QWidget()
        self.tabs.addTab(self.connection, "&Connection")
        from ui.hub.users import UsersPage

        self.users = UsersPage(ctx, self)
        self.tabs.addTab(self.users, "&Users")
        self.tabs.currentChanged.connect(self._tab_changed)

        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setAccessibleName("Hub state")
        self.url = QLineEdit()
        self.url.setAccessibleName("Hub address")
        self.url.setPlaceholderText("postgresql://ana@db.example.org/coalition (fills the fields)")
        self.url.textEdited.connect(self._url_edited)
        self._options: dict[str, str | None] = {}
        self.host = QLineEdit()
        self.host.setAccessibleName("Host")
        self.host.setPlaceholderText("db.example.org")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.port.setAccessibleName("Port")
        self.dbname = QLineEdit()
        self.dbname.setAccessibleName("Database")
        self.dbname.setPlaceholderText("coalition")
        self.user = QLineEdit()
        self.user.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.set_up_box = QCheckBox("Set up this empty database as our coalition's new hub "
                                    "(you become its administrator)")
        self.set_up_box.toggled.connect(self._set_up_toggled)
        self.coalition = QLineEdit()
        self.coalition.setAccessibleName("Coalition name")
        self.coalition.setPlaceholderText("the coalition's name, e.g. Smart Cities Coalition")
        self.coalition.textChanged.connect(self._update_buttons)
        self.keyring_note = QLabel(KEYRING_NOTE if secrets.keyring_available()
                                   else NO_KEYRING_NOTE)
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setAccessibleName("Keyring note")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Connection result")
        self.test_button = QPushButton("&Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.join_button = QPushButton("&Join")
        self.join_button.clicked.connect(self.join)
        self.save_button = QPushButton("&Save password")
        self.save_button.clicked.connect(self.save_password)
        self.leave_button = QPushButton("&Leave hub…")
        self.leave_button.clicked.connect(self.leave)
        for field in (self.host, self.dbname, self.user, self.password):
            field.textChanged.connect(self._update_buttons)

        form = QFormLayout()
        form.addRow("Hub &address:", self.url)
        form.addRow("&Host:", self.host)
        form.addRow("P&ort:", self.port)
        form.addRow("&Database:", self.dbname)
        form.addRow("User &name:", self.user)
        form.addRow("&Password:", self.password)
        form.addRow("", self.set_up_box)
        form.addRow("Coalition &name:", self.coalition)
        self.form = form
        row = QHBoxLayout()
        for button in (self.test_button, self.join_button, self.save_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.leave_button)
        page = QVBoxLayout(self.connection)
        page.addWidget(self.state_label)
        page.addLayout(form)
        page.addWidget(self.keyring_note)
        page.addLayout(row)
        page.addWidget(self.result)
        page.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACING, SPACING, SPACING, SPACING)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        self.setMinimumWidth(560)
        self.show_state()

    # -- state ---------------------------------------------------------------------------
    def joined_address(self) -> HubAddress | None:
        return self.ctx.hub.address()

    def show_state(self) -> None:
        address = self.joined_address()
        joined = address is not None
        if joined:
            assert address is not None
            status = self.ctx.hub.status()
            self.host.setText(address.host)
            self.port.setValue(address.port)
            self.dbname.setText(address.dbname)
            self.user.setText(address.user)
            self.state_label.setText(
                f"This database syncs with the hub of <b>{_esc(status.coalition)}</b> "
                f"({_esc(address.url())}).")
        else:
            self.state_label.setText("This database works on this computer only. To share it "
                                     "with your coalition, enter the hub's address and your "
                                     "login, test the connection, then join.")
        for field in (self.url, self.host, self.port, self.dbname, self.user):
            field.setEnabled(not joined)
        self.join_button.setVisible(not joined)
        self.set_up_box.setVisible(not joined)
        self._set_up_toggled(self.set_up_box.isChecked() and not joined)
        self.save_button.setVisible(joined)
        self.leave_button.setVisible(joined)
        self.tabs.setTabEnabled(1, joined)
        self._update_buttons()

    def _update_buttons(self) -> None:
        filled = all(f.text().strip() for f in (self.host, self.dbname, self.user))
        has_password = bool(self.password.text())
        joined = self.joined_address() is not None
        self.test_button.setEnabled(filled and (has_password or joined))
        naming = not self.set_up_box.isChecked() or bool(self.coalition.text().strip())
        self.join_button.setEnabled(filled and has_password and naming
                                    and not self.ctx.read_only)
        self.save_button.setEnabled(has_password)

    def address(self) -> HubAddress:
        from coordinator.hub.connect import HubAddress

        joined = self.joined_address()
        if joined is not None:
            return joined
        return HubAddress(host=self.host.text().strip(), port=self.port.value(),
                          dbname=self.dbname.text().strip(), user=self.user.text().strip(),
                          **self._options)

    def _url_edited(self, text: str) -> None:
        """A pasted address fills the fields and keeps its TLS options (sslmode, the
        authority's file, the IP address to reach)."""
        from coordinator.hub.connect import HubError, parse_hub_url

        if not text.strip():
            self._options = {}
            self._say("", ok=True)
            return
        try:
            address = parse_hub_url(text)
        except HubError as exc:
            self._say(str(exc), ok=False)
            return
        self.host.setText(address.host)
        self.port.setValue(address.port)
        self.dbname.setText(address.dbname)
        self.user.setText(address.user)
        self._options = {"sslmode": address.sslmode, "sslrootcert": address.sslrootcert,
                         "hostaddr": address.hostaddr}
        self._say("", ok=True)

    def _say(self, text: str, ok: bool) -> None:
        self.result.setStyleSheet("" if ok else "color: #b3261e;")
        self.result.setText(text)

    # -- actions --------------------------------------------------------------------------
    def test_connection(self) -> bool:
        """Connect with the typed password (the kept one when none is typed on a hub this
        database already syncs with) and say in one line what the hub answered."""
        address, password = self.address(), self.password.text()
        hub = self.ctx.hub
        try:
            if not password:
                password = hub.password(address)
            info = background.wait_for(self.ctx, lambda: hub.test(address, password), self,
                                       "Testing the connection…")
        except CoordinatorError as exc:
            self._say(str(exc), ok=False)
            return False
        self._say(f"Connected: the hub of {info.name}.", ok=True)
        return True

    def _set_up_toggled(self, on: bool) -> None:
        self.coalition.setVisible(on)
        label = self.form.labelForField(self.coalition)
        if label is not None:
            label.setVisible(on)
        self.join_button.setText("Set &up and join" if on else "&Join")
        self._update_buttons()

    def join(self) -> None:
        address, password = self.address(), self.password.text()
        hub = self.ctx.hub
        name = self.coalition.text().strip()
        set_up = self.set_up_box.isChecked()
        try:
            result = background.wait_for(
                self.ctx, (lambda: hub.set_up(address, password, name)) if set_up
                else (lambda: hub.join(address, password)), self,
                "Setting up the hub and pushing this database…" if set_up
                else "Joining the hub and syncing for the first time…")
        except CoordinatorError as exc:
            self._say(str(exc), ok=False)
            return
        self.password.clear()
        note = "" if result.stored.in_keyring else f" {result.stored.message}"
        self._say(f"Joined the hub of {result.coalition}: {result.report.summary()}.{note}",
                  ok=True)
        self._after_change()

    def save_password(self) -> None:
        """Check the typed password against the hub, then keep it (keyring or session)."""
        from coordinator.hub import credentials

        if not self.test_connection():
            return
        stored = credentials.store_password(self.address(), self.password.text())
        self.password.clear()
        self._say(self.result.text() + " " + (
            "The password is saved in the keyring." if stored.in_keyring else stored.message),
            ok=True)
        if self.syncer is not None:
            self.syncer.sync_now()

    def leave(self) -> None:
        status = self.ctx.hub.status()
        answer = QMessageBox.question(
            self, "Leave the team hub?", LEAVE_TEXT.format(coalition=status.coalition),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.syncer is not None and self.syncer.running:
            self._say("A sync is running: leave when it has ended.", ok=False)
            return
        try:
            self.ctx.hub.leave()
        except CoordinatorError as exc:
            self._say(str(exc), ok=False)
            return
        self._say(f"Left the hub of {status.coalition}; every record stays here.", ok=True)
        self._after_change()

    def _after_change(self) -> None:
        self.show_state()
        if self.syncer is not None:
            self.syncer.refresh_status()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.users:
            self.users.refresh()


def _esc(text: str) -> str:
    import html

    return html.escape(text or "")


def open_team_hub(ctx: AppContext, syncer: HubSync | None, parent: QWidget | None = None
                  ) -> None:
    dialog = TeamHubDialog(ctx, syncer, parent)
    try:
        background.run_modal(dialog)
    finally:
        dialog.deleteLater()
