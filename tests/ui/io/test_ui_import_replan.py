"""The preview plans again after the user's choices, so its counts are what Import saves.

A choice can change other rows: a row merged into one that is left out becomes a
contact of its own, and a duplicate ticked to be created takes in later rows with its
email. The dialog re-plans off the GUI thread once the clicks pause, drops a plan made
for choices that have changed since, and enables Import only with current counts.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from coordinator.formats import importer
from coordinator.formats.importer import ImportOptions
from coordinator.services.contacts import ContactFilter
from coordinator.services.records import ContactData, OrganizationData
from ui.io import import_contacts
from ui.io.import_dialog import ImportDialog

HEADER = "First Name,Last Name,Organization Name,E-mail 1 - Value\n"
# row 4 is the same contact as row 2 (same email): it is merged into it
MERGED = HEADER + ("Ada,Quinn,City of Plano,ada@plano.example.org\n"
                   "Ben,Ortiz,Denton County,ben@denton.example.org\n"
                   "Ada,Q.,City of Plano,ada@plano.example.org\n")


def write(tmp_path: Path, text: str = MERGED) -> Path:
    file = tmp_path / "contacts.csv"
    file.write_text(text, encoding="utf-8")
    return file


def names(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(r.full_name for r in ctx.services.contacts.list(ContactFilter()).rows)


def shown_count(dialog: ImportDialog, key: str) -> int:
    match = re.search(r"<b>([\d,]+)</b>", dialog.counts[key].text())
    assert match, dialog.counts[key].text()
    return int(match.group(1).replace(",", ""))


def position(dialog: ImportDialog, where: str) -> int:
    """The model position of the record read from `where` ("row 4")."""
    rows = dialog.rows_model.rows
    return next(p for p, r in enumerate(rows) if r.parsed.where.startswith(where))


def cell(dialog: ImportDialog, where: str, column: int, role: Any = None) -> Any:
    model = dialog.rows_model
    index = model.index(position(dialog, where), column)
    return index.data() if role is None else index.data(role)


def wait_counts(qtbot, dialog: ImportDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(dialog.rows_model.is_current, timeout=10_000)


@pytest.fixture
def plans(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Records the choices of every `importer.preview` (the real one runs); a plan with
    choices waits, after it is made, until `gate` is set (set unless a test clears it)."""
    real = importer.preview
    spy: dict[str, Any] = {"choices": [], "gate": threading.Event()}
    spy["gate"].set()

    def preview(db, parsed, options=None, **kwargs):  # type: ignore[no-untyped-def]
        choices = dict(options.row_choices) if options else None
        spy["choices"].append(choices)
        made = real(db, parsed, options, **kwargs)
        if choices:
            assert spy["gate"].wait(20)
        return made

    monkeypatch.setattr(importer, "preview", preview)
    yield spy
    spy["gate"].set()  # never leave a worker waiting


def test_leaving_out_a_row_that_others_merged_into_counts_them_as_new(
        ctx, qtbot, modal, shot, tmp_path: Path) -> None:
    # GIVEN a file whose row 4 merges into row 2 (same email): 2 new, 1 merged
    seen: dict[str, Any] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        assert (shown_count(dialog, "new"), shown_count(dialog, "duplicates")) == (2, 1)
        assert cell(dialog, "row 4", 2) == "Same contact as another row"
        assert cell(dialog, "row 4", 0, Qt.ItemDataRole.CheckStateRole) is None
        resets: list[int] = []
        dialog.rows_model.modelReset.connect(lambda: resets.append(1))
        # WHEN the user leaves row 2 out
        table = dialog.rows_table
        table.selectRow(position(dialog, "row 2"))
        dialog.leave_out_button.click()
        # THEN the counts say they are being updated and Import waits for them
        seen["updating"] = (dialog.counts_state.text(), dialog.next_button.isEnabled(),
                            dialog.counts["new"].isEnabled(), dialog.status.text())
        shot(dialog, "import-replan-updating")
        wait_counts(qtbot, dialog)
        qtbot.wait(50)
        shot(dialog, "import-replan-done")
        seen["counts"] = {k: shown_count(dialog, k) for k in dialog.counts}
        seen["row 4"] = (cell(dialog, "row 4", 2),
                         cell(dialog, "row 4", 0, Qt.ItemDataRole.CheckStateRole))
        seen["row 2"] = cell(dialog, "row 2", 2)
        seen["enabled"] = dialog.next_button.isEnabled()
        seen["selected"] = [i.row() for i in table.selectionModel().selectedRows()]
        seen["resets"] = len(resets)
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    report = import_contacts(ctx, None, path=write(tmp_path))
    state, enabled, counts_enabled, status = seen["updating"]
    assert "Updating" in state and not enabled and not counts_enabled
    assert "once the counts are updated" in status
    # the counts now say 2 new (Ben and row 4), not 1 new + 1 merged
    assert seen["counts"] == {"new": 2, "updated": 0, "unchanged": 0, "duplicates": 0,
                              "organizations": 2, "errors": 0}
    assert seen["row 4"] == ("New", Qt.CheckState.Checked)
    assert seen["row 2"] == "Left out"
    assert seen["enabled"] is True
    assert seen["selected"] == [0] and seen["resets"] == 0  # updated in place
    # AND the import saves exactly what the counts showed
    assert report is not None
    assert (report.created, report.updated, report.organizations_created) == (2, 0, 2)
    assert names(ctx) == ["Ada Q.", "Ben Ortiz"]


def test_ticking_a_duplicate_merges_a_later_row_with_its_email(ctx, qtbot, modal,
                                                               tmp_path: Path) -> None:
    # GIVEN Ben Ortiz already here, and a file with Ben again (a probable duplicate) and
    # a later row with Ben's email under another name (new, since Ben is left out)
    plano = ctx.services.organizations.create(OrganizationData(name="City of Plano"))
    ctx.services.contacts.create(ContactData(given_name="Ben", family_name="Ortiz",
                                             organization_id=plano.id))
    file = write(tmp_path, HEADER + "Ben,Ortiz,City of Plano,ben@plano.example.org\n"
                                    "Jo,Doe,,ben@plano.example.org\n")
    seen: dict[str, Any] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        assert (shown_count(dialog, "new"), shown_count(dialog, "duplicates")) == (1, 1)
        # WHEN the user ticks Ben to import him anyway
        dialog.create_duplicates.click()
        wait_counts(qtbot, dialog)
        # THEN Jo's row is merged into the new Ben: still one new contact
        seen["counts"] = (shown_count(dialog, "new"), shown_count(dialog, "duplicates"))
        seen["rows"] = (cell(dialog, "row 2", 2), cell(dialog, "row 3", 2))
        seen["box"] = dialog.create_duplicates.checkState()
        dialog.go_next()
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    report = import_contacts(ctx, None, path=file)
    assert seen["counts"] == (1, 1)
    assert seen["rows"] == ("New (imported anyway)", "Same contact as another row")
    assert seen["box"] == Qt.CheckState.Checked
    assert report is not None and report.created == 1
    assert names(ctx) == ["Ben Ortiz", "Ben Ortiz"]


def test_a_burst_of_clicks_costs_one_plan_and_a_stale_plan_is_dropped(
        ctx, qtbot, modal, plans, tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        model = dialog.rows_model
        ada, ben = position(dialog, "row 2"), position(dialog, "row 3")
        landed: list[dict[str, int]] = []
        model.planChanged.connect(lambda: landed.append(model.counts()))
        # WHEN the user leaves Ada and Ben out and takes Ada back, clicks apart
        for target, include in ((ada, False), (ben, False), (ada, True)):
            model.set_included([target], include)
            qtbot.wait(60)  # shorter than the pause that starts a plan
        wait_counts(qtbot, dialog)
        # THEN one plan was made, with the final choices
        seen["burst plans"] = plans["choices"][1:]
        seen["burst landed"] = [c["new"] for c in landed]
        # WHEN a plan is under way and the user changes a choice before it lands
        plans["gate"].clear()
        model.set_included([ada], False)  # choices: Ada and Ben out
        qtbot.waitUntil(lambda: len(plans["choices"]) == 3, timeout=10_000)
        model.set_included([ben], True)  # choices: Ada out
        plans["gate"].set()
        qtbot.waitUntil(lambda: not dialog.replan_job.running, timeout=10_000)
        # THEN its plan is dropped: the counts still wait, and Import too
        seen["after stale"] = (len(landed), model.is_current(), dialog.next_button.isEnabled())
        wait_counts(qtbot, dialog)
        seen["final plans"] = plans["choices"][3:]
        seen["final landed"] = landed[1:]
        # AND a choice undone at once needs no plan: the counts are current again
        model.set_included([ben], False)
        model.set_included([ben], True)
        seen["undone"] = (model.is_current(), dialog.next_button.isEnabled(),
                          dialog.counts_state.text(), dialog.replan_timer.isActive())
        qtbot.wait(400)
        seen["plans in all"] = len(plans["choices"])
        dialog.reject()

    modal.drivers["ImportDialog"] = drive
    assert import_contacts(ctx, None, path=write(tmp_path)) is None
    assert seen["burst plans"] == [{1: "skip"}]
    assert seen["burst landed"] == [1]  # Ada (row 4 merged into her); Ben left out
    assert seen["after stale"] == (1, False, False)
    assert seen["final plans"] == [{0: "skip"}]
    assert [c["new"] for c in seen["final landed"]] == [2]  # Ben and row 4
    assert seen["undone"] == (True, True, "", False) and seen["plans in all"] == 4
    assert ctx.services.contacts.count() == 0


def test_a_plan_for_other_choices_changes_nothing(ctx, qapp, tmp_path: Path) -> None:
    from coordinator.formats import reader
    from ui.io.preview_rows import ImportRowsModel

    data = MERGED.encode()
    parsed = reader.parse_contacts(data, reader.sniff_format(data, "x.csv"), filename="x.csv")
    model = ImportRowsModel()
    model.set_preview(importer.preview(ctx.db, parsed))
    model.set_included([0], False)
    old = importer.preview(ctx.db, parsed, ImportOptions(row_choices={0: "skip", 1: "skip"}))
    changed: list[int] = []
    model.dataChanged.connect(lambda *_: changed.append(1))
    assert model.apply_plan(old, {0: "skip", 1: "skip"}) is False
    assert not changed and not model.is_current()
    assert model.describe(2) == "Same contact as another row"
    # and the plan for the choices as they are is taken, choices kept
    assert model.apply_plan(importer.preview(ctx.db, parsed, ImportOptions(
        row_choices={0: "skip"})), {0: "skip"}) is True
    assert changed and model.is_current()
    assert [model.describe(p) for p in range(3)] == ["Left out", "New", "New"]
    assert model.row_choices() == {0: "skip"}
    # ticking Ada back in is a choice undone, not a new one
    model.set_included([0], True)
    assert model.row_choices() == {} and model.included(0)


def test_a_replan_keeps_the_filter_the_selection_and_the_scroll_position(
        ctx, qtbot, modal, tmp_path: Path) -> None:
    # GIVEN 400 new contacts and one more row with the first one's email
    rows = "".join(f"P{i},Q{i},,p{i}@example.org\n" for i in range(400))
    file = write(tmp_path, HEADER + rows + "Pat,Q0,,p0@example.org\n")
    seen: dict[str, Any] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=20_000)
        table, model = dialog.rows_table, dialog.rows_model
        dialog.rows_view_box.setCurrentText("New")
        table.scrollToBottom()
        table.selectionModel().select(
            table.model().index(200, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        before = (table.verticalScrollBar().value(), table.model().rowCount(),
                  [i.row() for i in table.selectionModel().selectedRows()])
        # WHEN the first record (which the last one merged into) is left out
        model.set_included([0], False)
        wait_counts(qtbot, dialog)
        after = (table.verticalScrollBar().value(), table.model().rowCount(),
                 [i.row() for i in table.selectionModel().selectedRows()])
        seen["kept"] = (before, after, dialog.rows_view_box.currentText())
        seen["last"] = model.describe(400)
        seen["new"] = shown_count(dialog, "new")
        # AND the selected record of this view is the one the buttons act on
        seen["selected name"] = table.model().index(200, 3).data()
        dialog.leave_out_button.click()
        seen["left out"] = [model.rows[p].parsed.display for p in range(len(model.rows))
                            if model.kind(p) == "left-out"]
        dialog.reject()

    modal.drivers["ImportDialog"] = drive
    import_contacts(ctx, None, path=file)
    before, after, view = seen["kept"]
    assert before == after and before[0] > 0 and view == "New"
    assert seen["last"] == "New" and seen["new"] == 400
    assert seen["left out"] == ["P0 Q0", seen["selected name"]]


def test_a_plan_that_fails_says_so_and_the_next_choice_tries_again(
        ctx, qtbot, modal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from coordinator.errors import CoordinatorError

    real = importer.preview
    failing = {"on": True}

    def preview(db, parsed, options=None, **kwargs):  # type: ignore[no-untyped-def]
        if options and options.row_choices and failing["on"]:
            raise CoordinatorError("The database is busy.")
        return real(db, parsed, options, **kwargs)

    monkeypatch.setattr(importer, "preview", preview)
    seen: dict[str, Any] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview", timeout=10_000)
        model = dialog.rows_model
        model.set_included([position(dialog, "row 3")], False)
        qtbot.waitUntil(lambda: "Not updated" in dialog.counts_state.text(), timeout=10_000)
        seen["failed"] = (dialog.status.text(), dialog.next_button.isEnabled())
        failing["on"] = False
        model.set_included([position(dialog, "row 2")], False)
        wait_counts(qtbot, dialog)
        seen["then"] = (shown_count(dialog, "new"), dialog.next_button.isEnabled(),
                        dialog.status.text())
        dialog.reject()

    modal.drivers["ImportDialog"] = drive
    assert import_contacts(ctx, None, path=write(tmp_path)) is None
    status, enabled = seen["failed"]
    assert "could not be updated: The database is busy." in status and not enabled
    assert seen["then"] == (1, True, "")  # row 4 alone (rows 2 and 3 left out)
