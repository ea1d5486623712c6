"""The import preview's default ticks follow the import's duplicate rule: only a record
with the same full name at the same organization as a contact is left out unticked; a
similar name or a shared switchboard phone is ticked (imported) like any new record."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from coordinator.services.contacts import ContactFilter
from coordinator.services.records import ContactData, EmailData, OrganizationData, PhoneData
from ui.io import import_contacts
from ui.io.import_dialog import ImportDialog

ROWS = (
    "First Name,Last Name,Organization Name,E-mail 1 - Value,Phone 1 - Value\n"
    "Ashley,Martin,City of Plano,ashley.martin@plano.example.org,\n"
    "Frances,Richardson,Denton County,frances@denton.example.org,\n"
    "François,Richardson,Denton County,francois@denton.example.org,\n"
    "Raj,Patel,City of Allen,,(972) 555-0100\n"
    "Marcus,Okafor,Denton County,,\n"
)


def seed(services) -> None:  # type: ignore[no-untyped-def]
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    services.contacts.create(ContactData(
        given_name="Ashley", family_name="Martinez", organization_id=plano.id,
        emails=[EmailData("ashley.martinez@plano.example.org")]))
    allen = services.organizations.create(OrganizationData(name="City of Allen"))
    services.contacts.create(ContactData(  # the city's switchboard
        given_name="Kim", family_name="Nguyen", organization_id=allen.id,
        phones=[PhoneData("+1 972-555-0100", "work")]))
    denton = services.organizations.create(OrganizationData(name="Denton County"))
    services.contacts.create(ContactData(
        given_name="Marcus", family_name="Okafor", organization_id=denton.id,
        emails=[EmailData("marcus.okafor@denton.example.org")]))


def test_only_the_same_name_at_the_same_organization_starts_unticked(
        ctx, qtbot, modal, shot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed(ctx.services)
    file = tmp_path / "people.csv"
    file.write_text(ROWS, encoding="utf-8")
    seen: dict[str, object] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        model = dialog.rows_table.model()
        seen["ticks"] = {
            model.index(r, 3).data(): model.index(r, 0).data(Qt.ItemDataRole.CheckStateRole)
            for r in range(model.rowCount())}
        seen["what"] = {model.index(r, 3).data(): model.index(r, 2).data()
                        for r in range(model.rowCount())}
        seen["duplicates"] = dialog.counts["duplicates"].text()
        shot(dialog, "import-default-ticks")
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    report = import_contacts(ctx, None, path=file)
    checked, unchecked = Qt.CheckState.Checked, Qt.CheckState.Unchecked
    assert seen["ticks"] == {"Ashley Martin": checked, "Frances Richardson": checked,
                             "François Richardson": checked, "Raj Patel": checked,
                             "Marcus Okafor": unchecked}
    assert seen["what"]["Marcus Okafor"] == "Probable duplicate"  # type: ignore[index]
    assert seen["what"]["Raj Patel"] == "New"  # type: ignore[index]
    assert "<b>1</b> probable duplicate" in str(seen["duplicates"])
    assert report is not None and (report.created, report.skipped_duplicates) == (4, 1)
    names = sorted(r.full_name for r in ctx.services.contacts.list(ContactFilter()).rows)
    assert names == sorted(["Ashley Martin", "Ashley Martinez", "Frances Richardson",
                            "François Richardson", "Kim Nguyen", "Marcus Okafor",
                            "Raj Patel"])
