"""Encrypted backup: passphrase twice with a strength hint, kept in the keyring — or,
with no keyring, for this session only, and the dialog says so plainly."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QFileDialog

from coordinator import secrets
from coordinator.backups import BackupManager
from coordinator.db.backup import decrypt_file, is_encrypted_backup
from coordinator.services.records import ContactData
from ui.safety import encrypted_backup
from ui.safety.encrypted import EncryptedBackupDialog, passphrase_strength

PASSPHRASE = "correct horse battery staple"


def save_to(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def test_strength_hint() -> None:
    assert passphrase_strength("short")[0] == 0
    assert passphrase_strength("password")[0] == 0
    assert passphrase_strength("Tr0ub4dor")[0] == 1
    assert passphrase_strength("river stone lamp")[0] == 2
    assert passphrase_strength(PASSPHRASE)[0] == 3


def test_encrypted_backup_with_a_keyring(ctx, qtbot, modal, messages, monkeypatch, shot,
                                         memory_keyring, tmp_path: Path) -> None:
    ctx.services.contacts.create(ContactData(given_name="Ada", family_name="Quinn"))
    dest = tmp_path / "away.enc"
    save_to(monkeypatch, dest)
    seen: dict[str, object] = {}

    def drive(dialog: EncryptedBackupDialog) -> None:
        assert not dialog.save_button.isEnabled()
        assert "keyring" in dialog.keyring_note.text() and dialog.has_keyring
        qtbot.keyClicks(dialog.first, "river")
        seen["weak"] = dialog.strength.text()
        dialog.first.setText(PASSPHRASE)
        dialog.second.setText(PASSPHRASE + "x")
        seen["mismatch"] = dialog.match.text()
        assert not dialog.save_button.isEnabled()
        dialog.second.setText(PASSPHRASE)
        seen["strong"] = dialog.strength.text()
        assert dialog.save_button.isEnabled()
        dialog.remember.setChecked(True)
        shot(dialog, "encrypted-backup")
        dialog.choose_and_save()

    modal.drivers["EncryptedBackupDialog"] = drive
    assert encrypted_backup(ctx, None) == dest
    assert "short" in str(seen["weak"]).lower()
    assert "differ" in str(seen["mismatch"])
    assert "Strong" in str(seen["strong"])
    assert is_encrypted_backup(dest) and stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert PASSPHRASE.encode() not in dest.read_bytes()
    assert memory_keyring.store == {(secrets.SERVICE, secrets.BACKUP_PASSPHRASE): PASSPHRASE}
    assert "saved in the keyring" in messages.texts("information")[0]
    # the file opens with the passphrase and holds the data
    plain = decrypt_file(dest, tmp_path / "plain.db", PASSPHRASE)
    from coordinator.db.backup import record_counts
    assert record_counts(plain)["contacts"] == 1

    # AND next time the remembered passphrase is offered
    dest2 = tmp_path / "again.enc"
    save_to(monkeypatch, dest2)

    def again(dialog: EncryptedBackupDialog) -> None:
        assert dialog.use_saved.isVisible() and dialog.use_saved.isChecked()
        assert dialog.save_button.isEnabled() and not dialog.first.isEnabled()
        dialog.choose_and_save()

    modal.drivers["EncryptedBackupDialog"] = again
    assert encrypted_backup(ctx, None) == dest2
    BackupManager(ctx.db_path).restore(dest2, PASSPHRASE)


def test_encrypted_backup_without_a_keyring_is_session_only(ctx, qtbot, modal, messages,
                                                            monkeypatch, shot,
                                                            tmp_path: Path) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    dest = tmp_path / "away.enc"
    save_to(monkeypatch, dest)
    seen: dict[str, str] = {}

    def drive(dialog: EncryptedBackupDialog) -> None:
        seen["note"] = dialog.keyring_note.text()
        seen["remember"] = dialog.remember.text()
        dialog.first.setText(PASSPHRASE)
        dialog.second.setText(PASSPHRASE)
        dialog.remember.setChecked(True)
        shot(dialog, "encrypted-backup-no-keyring")
        dialog.choose_and_save()

    modal.drivers["EncryptedBackupDialog"] = drive
    assert encrypted_backup(ctx, None) == dest
    assert "No keyring is available" in seen["note"] and "session only" in seen["note"]
    assert "session" in seen["remember"]
    assert "session only" in messages.texts("information")[0]
    assert secrets.get_secret(secrets.BACKUP_PASSPHRASE) == PASSPHRASE  # this session
    assert secrets.SecretStore().get(secrets.BACKUP_PASSPHRASE) is None  # not on disk
    home = Path(ctx.db_path).parent
    for path in home.rglob("*"):
        if path.is_file():
            assert PASSPHRASE.encode() not in path.read_bytes(), path


def test_cancelled_save_dialog_writes_nothing(ctx, modal, messages, monkeypatch) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))

    def drive(dialog: EncryptedBackupDialog) -> None:
        dialog.first.setText(PASSPHRASE)
        dialog.second.setText(PASSPHRASE)
        assert dialog.choose_and_save() is None
        dialog.reject()

    modal.drivers["EncryptedBackupDialog"] = drive
    assert encrypted_backup(ctx, None) is None
    assert messages.calls == []
