"""Back up now, the restore list, restore (also of an encrypted file), quit backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from coordinator.backups import BackupManager
from coordinator.services.records import ContactData, EmailData
from ui.safety import back_up_now, backup_on_quit, restore_from_backup, start_backup_watch
from ui.safety.backups import RestoreDialog


def add(services, name: str) -> str:  # type: ignore[no-untyped-def]
    return services.contacts.create(ContactData(
        given_name=name, family_name="Example",
        emails=[EmailData(f"{name.lower()}@example.org")])).id


def test_back_up_now_tells_where(ctx, messages) -> None:
    add(ctx.services, "Ada")
    info = back_up_now(ctx, None)
    assert info is not None and info.path.exists() and info.reason == "manual"
    [text] = messages.texts("information")
    assert str(info.path) in text and "1 contacts" in text
    assert [b.path for b in BackupManager(ctx.db_path).list()] == [info.path]


def test_back_up_now_failure_is_a_clear_message(ctx, messages, monkeypatch) -> None:
    from coordinator.db.backup import StorageError

    def full(*_a, **_k):  # type: ignore[no-untyped-def]
        raise StorageError("Could not back up x: the disk is full. Nothing already saved "
                           "was lost; fix the cause and try again.")

    monkeypatch.setattr(BackupManager, "backup_now", full)
    assert back_up_now(ctx, None) is None
    [text] = messages.texts("warning")
    assert "disk is full" in text


def test_restore_list_shows_dates_reasons_counts_and_restores(ctx, qtbot, modal, messages,
                                                              shot) -> None:
    # GIVEN a backup with one contact, then a second contact added
    add(ctx.services, "Ada")
    BackupManager(ctx.db_path).backup_now()
    add(ctx.services, "Ben")
    changed: list[object] = []
    ctx.changed.connect(changed.append)
    seen: dict[str, object] = {}

    def drive(dialog: RestoreDialog) -> None:
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
        shot(dialog, "restore-list")
        seen["row"] = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
        # WHEN the user restores it (and confirms)
        assert dialog.restore_selected()

    modal.drivers["RestoreDialog"] = drive
    assert restore_from_backup(ctx, None) is True
    # THEN the list showed the date, the reason and the counts
    row = seen["row"]
    assert row[1] == "By hand" and row[2] == "1" and row[3:6] == ["0", "0", "0"]
    assert len(row[0]) == 16  # local "YYYY-MM-DD HH:MM"
    # AND the database is back to one contact, with a backup of how it was before
    assert ctx.services.contacts.count() == 1
    reasons = [b.reason for b in BackupManager(ctx.db_path).list()]
    assert "before-restore" in reasons
    assert messages.texts("question") and "backed up first" in messages.texts("question")[0]
    assert "kept as" in messages.texts("information")[0]
    assert changed and changed[-1].ids("contact") == {"*"}  # every view told to reload


def test_restore_declined_changes_nothing(ctx, qtbot, modal, messages) -> None:
    add(ctx.services, "Ada")
    BackupManager(ctx.db_path).backup_now()
    add(ctx.services, "Ben")
    messages.answer = QMessageBox.StandardButton.No

    def drive(dialog: RestoreDialog) -> None:
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
        assert not dialog.restore_selected()
        dialog.reject()

    modal.drivers["RestoreDialog"] = drive
    assert restore_from_backup(ctx, None) is False
    assert ctx.services.contacts.count() == 2


def test_restore_an_encrypted_file_asks_again_after_a_wrong_passphrase(
        ctx, qtbot, modal, messages, monkeypatch, tmp_path: Path) -> None:
    add(ctx.services, "Ada")
    enc = BackupManager(ctx.db_path).backup_encrypted(tmp_path / "away.enc", "right horse")
    add(ctx.services, "Ben")
    answers = iter([("wrong horse", True), ("right horse", True)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(enc), "")))

    def drive(dialog: RestoreDialog) -> None:
        assert dialog.restore_from_file()

    modal.drivers["RestoreDialog"] = drive
    assert restore_from_backup(ctx, None) is True
    assert ctx.services.contacts.count() == 1
    assert next(answers, None) is None  # asked twice


def test_restore_of_a_foreign_file_is_refused(ctx, qtbot, modal, messages, monkeypatch,
                                              tmp_path: Path) -> None:
    add(ctx.services, "Ada")
    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"just some text, not a database" * 10)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(foreign), "")))

    def drive(dialog: RestoreDialog) -> None:
        assert not dialog.restore_from_file()
        dialog.reject()

    modal.drivers["RestoreDialog"] = drive
    assert restore_from_backup(ctx, None) is False
    assert "Nothing was changed" in messages.texts("warning")[0]
    assert ctx.services.contacts.count() == 1


def test_backup_on_quit_only_after_a_change(ctx) -> None:
    manager = start_backup_watch(ctx)
    assert backup_on_quit(manager) is None  # nothing changed yet
    add(ctx.services, "Ada")
    info = backup_on_quit(manager)
    assert info is not None and info.reason == "auto"
    add(ctx.services, "Ben")
    assert backup_on_quit(manager) is None  # at most one a day
