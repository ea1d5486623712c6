"""A restore reaches the open main window: the contacts view reloads (no stale rows)."""

from __future__ import annotations

from coordinator.backups import BackupManager
from coordinator.services.records import ContactData
from ui.app import settle
from ui.safety import restore_from_backup
from ui.safety.backups import RestoreDialog


def test_contacts_view_reloads_after_a_restore(sample_ctx, make_window, qtbot, modal,
                                               messages) -> None:
    # GIVEN the sample coalition backed up, then a contact added and shown in the view
    BackupManager(sample_ctx.db_path).backup_now()
    sample_ctx.services.contacts.create(ContactData(given_name="Zed", family_name="Added"))
    window = make_window(sample_ctx)
    page = window.show_view("contacts")
    settle(sample_ctx)
    before = page.model.rowCount()

    def drive(dialog: RestoreDialog) -> None:
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
        assert dialog.restore_selected()

    modal.drivers["RestoreDialog"] = drive
    # WHEN the backup is restored
    assert restore_from_backup(sample_ctx, window)
    settle(sample_ctx)
    # THEN the view shows the restored content
    qtbot.waitUntil(lambda: page.model.rowCount() == before - 1, timeout=10_000)
