"""The user's choices in the import preview: leave records out, import duplicates anyway."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt

from coordinator.services.contacts import ContactFilter
from coordinator.services.records import ContactData, EmailData, OrganizationData
from ui.io import import_contacts
from ui.io.import_dialog import ImportDialog

HEADER = ("First Name,Last Name,Organization Name,Organization Title,Labels,"
          "E-mail 1 - Label,E-mail 1 - Value\n")
ROWS = (
    "Ada,Quinn,City of Plano,Mobility Lead,* myContacts,* Work,ada@plano.example.org\n"
    "Ben,Ortiz,City of Plano,Engineer,* myContacts,Work,ben.ortiz@plano.example.org\n"
    "Dana,Smith,City of Plano,Director,* myContacts,Work,dana.smith@plano.example.org\n"
    "Eve,Park,Denton County,Planner,* myContacts,Work,eve.park@denton.example.org\n"
    "Cy,Lee,City of Plano,Analyst,* myContacts,Work,cy.lee2@plano.example.org\n"
)


def seed(services) -> None:  # type: ignore[no-untyped-def]
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    services.contacts.create(ContactData(given_name="Dana", family_name="Smith",
                                         organization_id=plano.id,
                                         emails=[EmailData("dana.smith@plano.example.org")]))
    for given, family in (("Ben", "Ortiz"), ("Cy", "Lee")):
        services.contacts.create(ContactData(given_name=given, family_name=family,
                                             organization_id=plano.id))


def full_names(services) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(r.full_name for r in services.contacts.list(ContactFilter()).rows)


def select(dialog: ImportDialog, *names: str) -> None:
    """Select the shown rows whose Name column is one of `names`."""
    table, model = dialog.rows_table, dialog.rows_table.model()
    selection = table.selectionModel()
    selection.clearSelection()
    for r in range(model.rowCount()):
        if model.index(r, 3).data() in names:
            selection.select(model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)


def shown(dialog: ImportDialog, column: int = 3) -> list[str]:
    model = dialog.rows_table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def wait_counts(qtbot, dialog: ImportDialog) -> None:  # type: ignore[no-untyped-def]
    """Wait for the new plan that follows the choices (the counts are then current)."""
    qtbot.waitUntil(dialog.rows_model.is_current, timeout=10_000)
    assert not dialog.counts_state.text()


def write(tmp_path: Path) -> Path:
    file = tmp_path / "google.csv"
    file.write_text(HEADER + ROWS, encoding="utf-8")
    return file


def test_leave_out_a_record_and_import_one_duplicate_anyway(ctx, qtbot, modal, shot,
                                                            tmp_path: Path) -> None:
    # GIVEN a file with 2 new contacts, 1 update and 2 probable duplicates (Ben, Cy)
    seed(ctx.services)
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        assert "<b>2</b> new contacts" in dialog.counts["new"].text()
        assert "<b>1</b> new organization" in dialog.counts["organizations"].text()
        assert dialog.create_duplicates.checkState() == Qt.CheckState.Unchecked
        # WHEN the user shows only the probable duplicates and ticks Ben's row
        dialog.rows_view_box.setCurrentText("Probable duplicates")
        seen["duplicates shown"] = shown(dialog)
        model = dialog.rows_table.model()
        ben = next(r for r in range(model.rowCount()) if model.index(r, 3).data() == "Ben Ortiz")
        assert model.setData(model.index(ben, 0), Qt.CheckState.Checked.value,
                             Qt.ItemDataRole.CheckStateRole)
        seen["ben now"] = model.index(ben, 2).data()
        seen["box"] = dialog.create_duplicates.checkState()
        # AND leaves Eve out from the full list
        dialog.rows_view_box.setCurrentText("All records")
        select(dialog, "Eve Park")
        dialog.leave_out_button.click()
        seen["left out"] = dialog.left_out_label.text()  # known at once
        wait_counts(qtbot, dialog)
        seen["new"] = dialog.counts["new"].text()
        seen["organizations"] = dialog.counts["organizations"].text()
        seen["duplicates"] = dialog.counts["duplicates"].text()
        dialog.rows_view_box.setCurrentText("Left out")
        seen["left out shown"] = shown(dialog)
        shot(dialog, "import-choices")
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    report = import_contacts(ctx, None, path=write(tmp_path))
    # THEN the preview followed every choice...
    assert seen["duplicates shown"] == ["Ben Ortiz", "Cy Lee"]
    assert seen["ben now"] == "New (imported anyway)"
    assert seen["box"] == Qt.CheckState.PartiallyChecked
    assert "<b>2</b> new contacts" in str(seen["new"])  # Ada + Ben (Eve left out)
    # Denton County came with Eve only (the others are at the known City of Plano)
    assert "<b>0</b> new organizations" in str(seen["organizations"])
    assert "<b>1</b> probable duplicate" in str(seen["duplicates"])  # Cy
    assert "1 record left out" in str(seen["left out"])
    assert seen["left out shown"] == ["Eve Park"]
    # ...and so did the import: Ben a second time, Cy and Eve not at all
    assert report is not None and report.created == 2 and report.updated == 1
    assert report.organizations_created == 0
    assert full_names(ctx.services) == ["Ada Quinn", "Ben Ortiz", "Ben Ortiz", "Cy Lee",
                                        "Dana Smith"]
    dana = ctx.services.contacts.find_by_email("dana.smith@plano.example.org")[0]
    assert dana.title == "Director"


def test_the_duplicates_box_ticks_all_and_space_toggles_the_selection(
        ctx, qtbot, modal, tmp_path: Path) -> None:
    seed(ctx.services)
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        # WHEN the user clicks "Import the probable duplicates…"
        dialog.create_duplicates.click()
        seen["after box"] = dialog.rows_model.duplicates_included()
        wait_counts(qtbot, dialog)
        seen["new"] = dialog.counts["new"].text()
        # AND selects Ada and Eve and presses Space twice (out, then back in), then once
        select(dialog, "Ada Quinn", "Eve Park")
        dialog.rows_table.setFocus()
        qtbot.keyClick(dialog.rows_table, Qt.Key.Key_Space)
        seen["after space"] = dialog.left_out_label.text()
        qtbot.keyClick(dialog.rows_table, Qt.Key.Key_Space)
        seen["after space twice"] = dialog.left_out_label.text()
        qtbot.keyClick(dialog.rows_table, Qt.Key.Key_Space)
        seen["choices"] = dialog.options().row_choices
        wait_counts(qtbot, dialog)
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    report = import_contacts(ctx, None, path=write(tmp_path))
    assert seen["after box"] == (2, 2)
    assert "<b>4</b> new contacts" in str(seen["new"])
    assert "2 records left out" in str(seen["after space"])
    assert seen["after space twice"] == ""
    assert sorted(seen["choices"].values()) == ["create", "create", "skip", "skip"]  # type: ignore[union-attr]
    assert report is not None and report.created == 2  # Ben and Cy anyway; Ada, Eve out
    assert full_names(ctx.services) == ["Ben Ortiz", "Ben Ortiz", "Cy Lee", "Cy Lee",
                                        "Dana Smith"]


def test_leaving_everything_out_disables_import(ctx, qtbot, modal, tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        assert dialog.next_button.isEnabled()
        dialog.rows_table.selectAll()
        dialog.leave_out_button.click()
        wait_counts(qtbot, dialog)
        seen["enabled"] = dialog.next_button.isEnabled()
        seen["status"] = dialog.status.text()
        dialog.include_button.click()  # and back in
        wait_counts(qtbot, dialog)
        seen["enabled again"] = dialog.next_button.isEnabled()
        dialog.reject()

    modal.drivers["ImportDialog"] = drive
    assert import_contacts(ctx, None, path=write(tmp_path)) is None
    assert seen["enabled"] is False and "left out" in str(seen["status"])
    assert seen["enabled again"] is True
    assert ctx.services.contacts.count() == 0
