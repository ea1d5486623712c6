"""File → Encrypted Backup…: an authenticated, passphrase-encrypted copy to take away.

    path = encrypted_backup(ctx, parent)   # where it was written, or None

The passphrase is typed twice with a strength hint; "Remember it in the keyring"
stores it with `coordinator.secrets` — when this computer has no usable keyring the
dialog says so plainly before anything is saved, and the passphrase is then kept
for this session only (never in a file). A remembered passphrase can be reused.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coordinator import secrets
from coordinator.errors import CoordinatorError
from ui.kit import background
from ui.safety.backups import manager_for
from ui.widgets.forms import MARGIN, FieldMessage, with_message

if TYPE_CHECKING:
    from ui.context import AppContext

MIN_LENGTH = 8
COMMON = {"password", "passw0rd", "12345678", "123456789", "qwertyui", "coordinator",
          "iloveyou", "letmein1", "abcdefgh", "11111111"}
SETTINGS_DIR = "backup/encrypted_dir"


def passphrase_strength(text: str) -> tuple[int, str]:
    """(0 too short/common … 3 strong, a hint for the user)."""
    if len(text) < MIN_LENGTH:
        return 0, f"Too short: use at least {MIN_LENGTH} characters (four unrelated words " \
                  "are easy to remember and strong)."
    if text.casefold() in COMMON or len(set(text)) <= 3:
        return 0, "Too easy to guess: choose something less common."
    classes = sum(any(f(c) for c in text) for f in (str.islower, str.isupper, str.isdigit,
                                                    lambda c: not c.isalnum()))
    words = len(text.split())
    if len(text) >= 20 or (words >= 4 and len(text) >= 16):
        return 3, "Strong."
    if (len(text) >= 12 and classes >= 2) or words >= 3:
        return 2, "Fair: longer is stronger; four or more random words are best."
    return 1, "Weak: add more words or characters."


class EncryptedBackupDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.written: Path | None = None
        self.store_result: secrets.StoreResult | None = None
        self.setWindowTitle("Encrypted backup")
        intro = QLabel("An encrypted copy of the database for taking off this computer. "
                       "Without the passphrase nobody can read it — not even you: keep the "
                       "passphrase safe.")
        intro.setWordWrap(True)
        self.remembered = secrets.get_secret(secrets.BACKUP_PASSPHRASE)
        self.use_saved = QCheckBox("Use the remembered passphrase")
        self.use_saved.setVisible(self.remembered is not None)
        self.use_saved.setChecked(self.remembered is not None)
        self.use_saved.toggled.connect(self._validate)
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName("Passphrase")
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName("Passphrase again")
        self.show_box = QCheckBox("Show")
        self.show_box.toggled.connect(self._toggle_echo)
        self.strength = FieldMessage()
        self.strength.setAccessibleName("Passphrase strength")
        self.match = FieldMessage()
        self.remember = QCheckBox("Remember the passphrase in the keyring")
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setAccessibleName("Keyring note")
        self.has_keyring = secrets.keyring_available()
        if self.has_keyring:
            self.keyring_note.setText("It is stored in this computer's keyring (system "
                                      "password store), never in a file.")
        else:
            self.keyring_note.setText("No keyring is available on this computer: the "
                                      "passphrase will be kept for this session only and "
                                      "asked for again next time. It is never written to a "
                                      "file.")
            self.remember.setText("Remember the passphrase for this session")
        for field in (self.first, self.second):
            field.textChanged.connect(self._validate)
        first_row = QHBoxLayout()
        first_row.setContentsMargins(0, 0, 0, 0)
        first_row.addWidget(self.first, 1)
        first_row.addWidget(self.show_box)
        first_cell = QWidget()
        first_cell.setLayout(first_row)
        form = QFormLayout()
        if self.remembered is not None:
            form.addRow("", self.use_saved)
        form.addRow("Passphrase:", with_message(first_cell, self.strength))
        form.addRow("Again:", with_message(self.second, self.match))
        self.keyring_note.setContentsMargins(22, 0, 0, 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton("Back up to…")
        self.save_button.setDefault(True)
        self.save_button.setAccessibleName("Back up to")
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.clicked.connect(self.choose_and_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.remember)
        layout.addWidget(self.keyring_note)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self._validate()
        self.setMinimumWidth(540)
        self.adjustSize()

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.first.setEchoMode(mode)
        self.second.setEchoMode(mode)

    def passphrase(self) -> str:
        if self.use_saved.isChecked() and self.remembered:
            return self.remembered
        return self.first.text()

    def _validate(self) -> bool:
        saved = self.use_saved.isChecked() and self.remembered is not None
        for w in (self.first, self.second, self.show_box, self.remember):
            w.setEnabled(not saved)
        if saved:
            self.strength.set_message(None)
            self.match.set_message(None)
            self.save_button.setEnabled(True)
            return True
        text = self.first.text()
        level, hint = passphrase_strength(text)
        if not text:
            self.strength.set_message(None)
        elif level == 3:  # a plain, friendly note rather than a warning mark
            self.strength.setStyleSheet("")
            self.strength.setText("✔ Strong passphrase.")
            self.strength.show()
        else:
            self.strength.set_message(hint, warning=level > 0)
        mismatch = bool(self.second.text()) and self.second.text() != text
        self.match.set_message("The two passphrases differ." if mismatch else None)
        ok = level >= 1 and text == self.second.text()
        self.save_button.setEnabled(ok)
        return ok

    def suggested_path(self) -> Path:
        folder = Path(str(self.ctx.settings.value(SETTINGS_DIR, "") or Path.home()))
        return folder / f"coordinator-backup-{date.today():%Y-%m-%d}.enc"

    def choose_and_save(self) -> Path | None:
        if not self._validate():
            return None
        name, _ = QFileDialog.getSaveFileName(self, "Encrypted backup", str(
            self.suggested_path()), "Encrypted Coordinator backups (*.enc);;All files (*)")
        if not name:
            return None
        dest = Path(name)
        self.ctx.settings.setValue(SETTINGS_DIR, str(dest.parent))
        passphrase, manager = self.passphrase(), manager_for(self.ctx)
        try:
            self.written = background.wait_for(
                self.ctx, lambda: manager.backup_encrypted(dest, passphrase, overwrite=True),
                self, "Encrypting the backup…")
        except CoordinatorError as exc:
            QMessageBox.warning(self, "Encrypted backup", str(exc))
            return None
        note = ""
        if self.remember.isChecked() and self.remember.isEnabled():
            self.store_result = secrets.store_secret(secrets.BACKUP_PASSPHRASE, passphrase)
            note = "\n\n" + ("The passphrase is saved in the keyring."
                             if self.store_result.in_keyring else self.store_result.message)
        self.ctx.status_message.emit(f"Encrypted backup written to {dest.name}.", 8000)
        QMessageBox.information(self, "Encrypted backup",
                                f"The encrypted backup was written to:\n\n{self.written}{note}")
        self.accept()
        return self.written


def encrypted_backup(ctx: AppContext, parent: QWidget | None = None) -> Path | None:
    """Ask for a passphrase and a place; write the encrypted backup there."""
    dialog = EncryptedBackupDialog(ctx, parent)
    background.run_modal(dialog)
    written = dialog.written
    dialog.deleteLater()
    return written
