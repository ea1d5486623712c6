"""The column-mapping step: guessed from the header names, editable, saved for next time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog

from coordinator.formats import csv_import, mappings
from coordinator.services.contacts import ContactFilter
from ui.io import import_contacts
from ui.io.import_dialog import ImportDialog
from ui.io.mapping import MappingDialog

AGENCY = ("Name;Agency;Work E-mail (primary);Cell;Favourite colour\n"
          "Ana María Gutiérrez;City of Tucson;ana@tucson.example.org;(520) 555-0161;teal\n"
          "Chidi Okafor;Arizona State University;chidi@asu.example.org;;orange\n")


def test_mapping_is_guessed_edited_saved_and_used(ctx, qtbot, modal, shot, tmp_path: Path,
                                                  monkeypatch) -> None:
    # GIVEN a semicolon CSV whose layout is not one we know
    file = tmp_path / "agency.csv"
    file.write_text(AGENCY, encoding="utf-8")
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *a, **k: ("Agency list", True)))
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "mapping", timeout=10_000)
        panel = dialog.mapping_panel
        assert panel is not None
        shot(dialog, "import-mapping")
        seen["guessed"] = panel.mapping()
        seen["samples"] = panel.table.item(0, 2).text()
        # WHEN the user maps the unknown column to notes and saves the mapping
        combo = panel.combos["Favourite colour"]
        combo.setCurrentIndex(combo.findData("notes"))
        seen["saved"] = panel.save_as()
        seen["note"] = panel.note.text()
        assert dialog.next_button.isEnabled()
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        seen["new"] = dialog.counts["new"].text()
        assert dialog.back_button.isVisible()
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    report = import_contacts(ctx, None, path=file)
    # THEN the guesses came from the header names, with the first values shown
    assert seen["guessed"] == {"Name": "full_name", "Agency": "organization",
                               "Work E-mail (primary)": "email", "Cell": "phone:mobile",
                               "Favourite colour": "ignore"}
    assert "Ana María Gutiérrez" in str(seen["samples"])
    assert seen["saved"] == "Agency list" and "Saved as" in str(seen["note"])
    assert "<b>2</b> new" in str(seen["new"])
    assert report is not None and report.created == 2
    rows = ctx.services.contacts.list(ContactFilter(text="Okafor")).rows
    chidi = ctx.services.contacts.get(rows[0].id)
    assert chidi.notes == "orange" and chidi.organization_name == "Arizona State University"
    # AND the saved mapping is offered for the next file with these columns
    assert mappings.list_mappings() == ["Agency list"]
    assert csv_import.peek_csv(AGENCY.encode()).guessed["Favourite colour"] == "notes"


def test_mapping_without_a_name_column_cannot_continue(qtbot) -> None:
    peek = csv_import.peek_csv(b"Colour,Size\nteal,3\n")
    dialog = MappingDialog(peek)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    assert "name or organization" in dialog.panel.message.text()
    combo = dialog.panel.combos["Colour"]
    combo.setCurrentIndex(combo.findData("organization"))
    assert dialog.ok_button.isEnabled()
    assert dialog.mapping() == {"Colour": "organization", "Size": "ignore"}


def test_a_second_address_is_offered_and_guessed(qtbot) -> None:
    """A file with a work and a home address: each column is offered and guessed with
    its label, and the user can move a column to the other address."""
    peek = csv_import.peek_csv(
        b"Name,Street,City,Home Street,Home City,Asst Phone\n"
        b"Ana Lopez,1 Main St,Denver,2 Elm St,Boulder,303-555-0101\n")
    dialog = MappingDialog(peek)
    qtbot.addWidget(dialog)
    combo = dialog.panel.combos["Home City"]
    assert combo.currentData() == "city:home" and combo.currentText() == "City (home)"
    assert dialog.panel.combos["Asst Phone"].currentText() == "Phone (assistant)"
    dialog.panel.combos["City"].setCurrentIndex(
        dialog.panel.combos["City"].findData("city:other"))
    assert dialog.mapping() == {"Name": "full_name", "Street": "street", "City": "city:other",
                                "Home Street": "street:home", "Home City": "city:home",
                                "Asst Phone": "phone:assistant"}


def test_a_sheet_that_looks_like_googles_export_is_mapped_and_keeps_its_columns(
        ctx, qtbot, modal, tmp_path: Path) -> None:
    """First and last name plus "Organization Name" made this read as Google's export,
    whose reader dropped the Email, Phone and City columns without a word."""
    file = tmp_path / "members.csv"
    file.write_text("First Name,Last Name,Organization Name,Email,Phone,City\n"
                    "Ana,López,City of Denver,ana@example.org,303-555-0100,Denver\n",
                    encoding="utf-8")
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "mapping", timeout=10_000)
        seen["guessed"] = dialog.mapping_panel.mapping()  # type: ignore[union-attr]
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    report = import_contacts(ctx, None, path=file)
    assert report is not None and report.created == 1
    assert seen["guessed"] == {"First Name": "given_name", "Last Name": "family_name",
                               "Organization Name": "organization", "Email": "email",
                               "Phone": "phone", "City": "city"}
    [row] = ctx.services.contacts.list(ContactFilter(text="López")).rows
    ana = ctx.services.contacts.get(row.id)
    assert [e.address for e in ana.emails] == ["ana@example.org"]
    assert [p.raw for p in ana.phones] == ["303-555-0100"]
    assert [a.city for a in ana.addresses] == ["Denver"]
