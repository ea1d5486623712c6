"""Import through the dialog, end to end: file → preview counts → import → undo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from coordinator.formats import batches
from coordinator.services.contacts import ContactFilter
from coordinator.services.records import ContactData, EmailData, OrganizationData
from ui.io import import_contacts, undo_import
from ui.io.import_dialog import ImportDialog
from ui.io.undo_dialog import UndoImportDialog

GOOGLE = (
    "First Name,Last Name,Organization Name,Organization Title,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n"
    "Ada,Quinn,City of Plano,Mobility Lead,* myContacts ::: NTXIA,* Work,"
    "ada.quinn@plano.example.org,Mobile,+1 972-555-0101\n"
    "Ben,Ortiz,City of Plano,Engineer,* myContacts,Work,ben.ortiz@plano.example.org,,\n"
    "Cleo,Ng,Denton County,GIS Analyst,* myContacts,Work,cleo@@denton.example.org,,\n"
    "Dana,Smith,City of Plano,Director of Innovation,* myContacts,Work,"
    "dana.smith@plano.example.org,,\n"
    "Eve,Park,Denton County,Planner,* myContacts,Work,eve.park@denton.example.org,,\n"
)


def names(services) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.full_name for r in services.contacts.list(ContactFilter()).rows}


def seed(services) -> None:  # type: ignore[no-untyped-def]
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    services.contacts.create(ContactData(given_name="Dana", family_name="Smith",
                                         organization_id=plano.id,
                                         emails=[EmailData("dana.smith@plano.example.org")]))
    services.contacts.create(ContactData(given_name="Ben", family_name="Ortiz",
                                         organization_id=plano.id))


def test_google_csv_import_preview_import_and_undo(ctx, qtbot, modal, messages, shot,
                                                   tmp_path, monkeypatch) -> None:
    # GIVEN a Google Contacts CSV: 2 new, 1 matching by email, 1 probable duplicate, and
    # one new whose email is not valid (kept in its notes, with a warning)
    seed(ctx.services)
    file = tmp_path / "google.csv"
    file.write_text(GOOGLE, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(file), "")))
    seen: dict[str, str] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        shot(dialog, "import-preview")
        for key, label in dialog.counts.items():
            seen[key] = label.text()
        seen["errors_rows"] = str(dialog.errors_table.rowCount())
        seen["warnings_table"] = dialog.warnings_table.item(0, 0).text() + " | " + \
            dialog.warnings_table.item(0, 1).text()
        seen["warnings_tab"] = dialog.tabs.tabText(2)
        seen["cleo_details"] = dialog.rows_table.model().index(2, 6).data()
        seen["rows"] = str(dialog.rows_table.model().rowCount())
        assert names(ctx.services) == {"Dana Smith", "Ben Ortiz"}  # dry run saved nothing
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        shot(dialog, "import-done")
        seen["done"] = dialog.done_label.text()
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    # WHEN it is imported through the dialog
    report = import_contacts(ctx, None)
    # THEN the preview showed the counts, and the bad email as a warning with its row,
    # apart from the errors (there are none)
    assert "<b>3</b> new" in seen["new"]
    assert "<b>1</b> updated" in seen["updated"]
    assert "<b>1</b> probable duplicate" in seen["duplicates"]
    assert seen["errors_rows"] == "0"
    assert seen["warnings_tab"] == "Warnings (1)"
    assert seen["warnings_table"].startswith("row 4 | E-mail 'cleo@@denton.example.org'")
    assert seen["warnings_table"].endswith("kept in the notes.")
    assert seen["cleo_details"] == "1 warning (see Warnings)"  # on the record's own row
    assert seen["rows"] == "5"
    assert report is not None and report.created == 3 and report.updated == 1
    assert "3 new contacts created" in seen["done"]
    assert seen["done"].endswith("To take it back, use Edit → Undo Import…")
    assert names(ctx.services) == {"Dana Smith", "Ben Ortiz", "Ada Quinn", "Eve Park",
                                   "Cleo Ng"}
    dana = ctx.services.contacts.find_by_email("dana.smith@plano.example.org")[0]
    assert dana.title == "Director of Innovation"
    # the database was backed up before the import
    from coordinator.backups import BackupManager
    assert [b.reason for b in BackupManager(ctx.db_path).list()] == ["before-import"]

    # WHEN the import is undone from Edit → Undo Import…
    def undo(dialog: UndoImportDialog) -> None:
        assert dialog.table.rowCount() == 1
        assert dialog.undo_button.isEnabled()
        shot(dialog, "undo-import")
        dialog.undo_selected()
        seen["undo"] = dialog.status.text()
        assert not dialog.undo_button.isEnabled()
        dialog.reject()

    modal.drivers["UndoImportDialog"] = undo
    undo_report = undo_import(ctx, None)
    # THEN what it created is gone and what it updated is back
    assert undo_report is not None and undo_report.contacts_removed == 3
    assert "3 contacts removed" in seen["undo"]
    # and the question said beforehand what would happen
    question = messages.texts("question")[-1]
    assert "3 contacts it created will be removed" in question
    assert "1 contact it changed will be put back as before" in question
    assert names(ctx.services) == {"Dana Smith", "Ben Ortiz"}
    dana = ctx.services.contacts.find_by_email("dana.smith@plano.example.org")[0]
    assert dana.title == ""
    assert batches.list_batches(ctx.db)[0].undone_at is not None


def test_malformed_file_shows_the_error_and_saves_nothing(ctx, qtbot, modal, shot,
                                                         tmp_path: Path) -> None:
    # GIVEN a CSV with a quoted field that is never closed
    file = tmp_path / "broken.csv"
    file.write_text('First Name,Last Name,E-mail 1 - Value\nAda,"Quinn,ada@example.org\n'
                    "Ben,Ortiz,ben@example.org\n", encoding="utf-8")
    seen: dict[str, str] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "failed", timeout=10_000)
        shot(dialog, "import-failed")
        seen["text"] = dialog.failed_label.text()
        assert not dialog.next_button.isVisible()
        dialog.reject()

    modal.drivers["ImportDialog"] = drive
    # WHEN it is imported
    report = import_contacts(ctx, None, path=file)
    # THEN the dialog says why, and nothing is saved
    assert report is None
    assert "not closed" in seen["text"] and "Nothing was imported" in seen["text"]
    assert ctx.services.contacts.count() == 0
    assert batches.list_batches(ctx.db) == []


def test_binary_vcard_shows_the_error(ctx, qtbot, modal, tmp_path: Path) -> None:
    file = tmp_path / "junk.vcf"
    file.write_bytes(bytes(range(256)) * 20)
    seen: dict[str, str] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "failed", timeout=10_000)
        seen["text"] = dialog.failed_label.text()
        dialog.reject()

    modal.drivers["ImportDialog"] = drive
    assert import_contacts(ctx, None, path=file) is None
    assert seen["text"]
    assert ctx.services.contacts.count() == 0


def test_vcard_import_with_one_card_without_end(ctx, qtbot, modal, tmp_path: Path) -> None:
    # GIVEN two good cards and one without END: read up to the next card, with a warning
    file = tmp_path / "cards.vcf"
    file.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Quinn\r\nN:Quinn;Ada;;;\r\n"
        "EMAIL;TYPE=work:ada@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken Card\r\nN:Card;Broken;;;\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Ortiz\r\nN:Ortiz;Ben;;;\r\n"
        "EMAIL:ben@example.org\r\nEND:VCARD\r\n", encoding="utf-8")
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        seen["errors"] = dialog.errors_table.rowCount()
        seen["where"] = dialog.warnings_table.item(0, 0).text()
        seen["why"] = dialog.warnings_table.item(0, 1).text()
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    report = import_contacts(ctx, None, path=file)
    assert seen["errors"] == 0 and seen["where"] == "line 7"
    assert "END:VCARD" in str(seen["why"])
    assert report is not None and report.created == 3
    assert names(ctx.services) == {"Ada Quinn", "Broken Card", "Ben Ortiz"}


def test_cancel_while_reading_closes_and_saves_nothing(ctx, qtbot, modal,
                                                       tmp_path: Path) -> None:
    rows = "".join(f"P{i},Q{i},p{i}@example.org\n" for i in range(20_000))
    file = tmp_path / "big.csv"
    file.write_text("First Name,Last Name,E-mail 1 - Value\n" + rows, encoding="utf-8")

    def drive(dialog: ImportDialog) -> None:
        dialog.reject()  # at once, while the worker reads
        qtbot.waitUntil(lambda: not dialog.job.running, timeout=20_000)

    modal.drivers["ImportDialog"] = drive
    assert import_contacts(ctx, None, path=file) is None
    assert ctx.services.contacts.count() == 0


def test_cancel_during_the_import_saves_nothing(ctx, qtbot, modal, tmp_path: Path) -> None:
    # GIVEN a preview of 5,000 new contacts
    rows = "".join(f"P{i},Q{i},p{i}@example.org\n" for i in range(5_000))
    file = tmp_path / "many.csv"
    file.write_text("First Name,Last Name,E-mail 1 - Value\n" + rows, encoding="utf-8")
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=20_000)
        seen["new"] = dialog.counts["new"].text()
        # WHEN the user starts the import and cancels at once
        dialog.go_next()
        assert dialog.page_name == "working" and dialog.job.running
        dialog.reject()
        qtbot.waitUntil(lambda: not dialog.job.running, timeout=20_000)

    modal.drivers["ImportDialog"] = drive
    # THEN the transaction is rolled back: nothing saved, no batch recorded
    assert import_contacts(ctx, None, path=file) is None
    assert "5,000" in str(seen["new"])
    assert ctx.services.contacts.count() == 0
    assert batches.list_batches(ctx.db) == []


def test_undo_right_after_the_import(ctx, qtbot, modal, tmp_path: Path) -> None:
    file = tmp_path / "google.csv"
    file.write_text(GOOGLE, encoding="utf-8")
    seen: dict[str, str] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        assert ctx.services.contacts.count() == 5
        dialog.undo_this_import()
        seen["text"] = dialog.done_label.text()
        dialog.reject()

    modal.drivers["ImportDialog"] = drive
    assert import_contacts(ctx, None, path=file) is None  # undone: nothing to report
    assert "undone" in seen["text"] and ctx.services.contacts.count() == 0


def test_encoding_can_be_chosen_in_the_preview(ctx, qtbot, modal, shot,
                                               tmp_path: Path) -> None:
    # GIVEN a Greek vCard in Windows-1253 without a CHARSET: too short to be sure
    file = tmp_path / "greek.vcf"
    file.write_bytes("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Παπαδόπουλος;Γιώργος;;;\r\n"
                     "END:VCARD\r\n".encode("cp1253"))
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        seen["detected"] = dialog.encoding_box.itemText(0)
        seen["first"] = dialog.rows_table.model().index(0, 1).data()
        # WHEN the user picks Windows-1251 in the Encoding box (as a wrong guess would be)
        box = dialog.encoding_box
        box.setFocus()
        index = box.findData("cp1251")
        box.setCurrentIndex(index)
        box.activated.emit(index)
        qtbot.waitUntil(lambda: dialog.page_name == "preview" and dialog.preview is not None
                        and dialog.preview.encoding == "cp1251", timeout=10_000)
        shot(dialog, "import-encoding")
        seen["source"] = dialog.preview_source.text()
        seen["chosen"] = box.currentText()
        seen["given"] = dialog.result_.contacts[0].data.given_name  # type: ignore[union-attr]
        # and back to Greek
        index = box.findData("cp1253")
        box.setCurrentIndex(index)
        box.activated.emit(index)
        qtbot.waitUntil(lambda: dialog.preview is not None
                        and dialog.preview.encoding == "cp1253", timeout=10_000)
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    report = import_contacts(ctx, None, path=file)
    # THEN the preview said what it detected, read the file again as asked, and the
    # import used the last choice
    assert seen["detected"] == "As detected (cp1253)"
    assert "cp1251" in str(seen["source"]) and seen["chosen"] == "Windows-1251 (Cyrillic)"
    assert seen["given"] != "Γιώργος"
    assert report is not None and report.created == 1
    assert names(ctx.services) == {"Γιώργος Παπαδόπουλος"}


def test_a_file_over_the_limits_is_refused_before_it_is_read_whole(
    ctx, qtbot, modal, tmp_path: Path, monkeypatch
) -> None:
    from coordinator.formats import limits

    file = tmp_path / "wide.csv"
    columns = limits.LIMITS.columns + 1
    file.write_text(",".join(f"c{i}" for i in range(columns)) + "\n" + "x," * columns + "\n")
    whole_reads: list[Path] = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes",
                        lambda self: whole_reads.append(self) or read_bytes(self))
    seen: dict[str, str] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "failed", timeout=10_000)
        seen["text"] = dialog.failed_label.text()
        dialog.reject()

    modal.drivers["ImportDialog"] = drive
    assert import_contacts(ctx, None, path=file) is None
    assert "column" in seen["text"].lower()
    assert file not in whole_reads
    assert ctx.services.contacts.count() == 0
