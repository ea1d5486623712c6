"""The duplicates dialog keeps "Not duplicates" in the database, undoably, and moves the
decisions older versions kept in the UI settings into the database once."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from coordinator.formats import duplicates
from coordinator.services import duplicate_decisions as decisions
from coordinator.services.records import ContactData, OrganizationData
from ui.io import review_duplicates
from ui.io.duplicates_dialog import DuplicatesDialog


def two_pairs(services) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """Three contacts at one organization: Ana~ANA (95+) and Ben~Benn (similar)."""
    plano = services.organizations.create(OrganizationData(name="City of Plano")).id
    ana = services.contacts.create(ContactData(given_name="Ana", family_name="Ruiz",
                                               organization_id=plano)).id
    ana2 = services.contacts.create(ContactData(given_name="ANA", family_name="Ruiz",
                                                organization_id=plano)).id
    services.contacts.create(ContactData(given_name="Benjamin", family_name="Okafor",
                                         organization_id=plano))
    services.contacts.create(ContactData(given_name="Benjamín", family_name="Okafor",
                                         organization_id=plano))
    return plano, ana, ana2


def legacy_key(ctx) -> str:  # type: ignore[no-untyped-def]
    """Where version 0003 and earlier kept the decisions (written out here on purpose)."""
    return "duplicates/dismissed-" + hashlib.sha256(
        str(ctx.db_path).encode()).hexdigest()[:12]


def pair_ids(dialog: DuplicatesDialog) -> list[frozenset[str]]:
    return [frozenset((p.first_id, p.second_id)) for p in dialog.pairs]


def test_not_duplicates_is_in_the_database_and_undoable(ctx, qtbot, modal, shot) -> None:  # type: ignore[no-untyped-def]
    # GIVEN two probable duplicate pairs and the app's undo stack
    _plano, ana, ana2 = two_pairs(ctx.services)
    ctx.undo_stack = QUndoStack()
    ana_pair = frozenset((ana, ana2))
    seen: dict[str, object] = {}

    def drive(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: len(dialog.pairs) == 2 and dialog.compare.rowCount() > 0,
                        timeout=10_000)
        assert pair_ids(dialog)[0] == ana_pair  # the higher score comes first
        # WHEN the user says the Ana pair are two people
        assert dialog.not_duplicates()
        seen["status"] = dialog.status.text()
        assert ana_pair not in pair_ids(dialog) and len(dialog.pairs) == 1
        assert dialog.current() is dialog.pairs[0]  # the next pair is selected
        # THEN the decision is in the database: the core (so the CLI) leaves it out too
        assert decisions.is_marked(ctx.db, "contact", ana2, ana)
        assert len(duplicates.find_duplicate_contacts(ctx.db)) == 1
        assert ctx.undo_stack.undoText().startswith("Mark Ana Ruiz")
        # AND Undo, right in the dialog (its own Ctrl+Z), brings the pair back
        dialog.activateWindow()
        qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: ana_pair in pair_ids(dialog), timeout=5_000)
        assert not decisions.is_marked(ctx.db, "contact", ana, ana2)
        assert dialog.current() is not None and frozenset(
            (dialog.current().first_id, dialog.current().second_id)) == ana_pair
        assert dialog.status.text().startswith("Undone")
        shot(dialog, "not-duplicates-undone")
        # AND Redo takes it off again
        ctx.undo_stack.redo()
        qtbot.waitUntil(lambda: ana_pair not in pair_ids(dialog), timeout=5_000)
        assert decisions.is_marked(ctx.db, "contact", ana, ana2)
        dialog.reject()

    modal.drivers["DuplicatesDialog"] = drive
    assert review_duplicates(ctx, None) == 0
    assert "will not be proposed again" in str(seen["status"])
    # Nothing went to the UI settings.
    assert not [k for k in ctx.settings.allKeys() if k.startswith("duplicates/")]

    # AND the next search leaves the pair out; Edit → Undo after closing brings it back
    counts: list[int] = []

    def count(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: not dialog.job.running, timeout=10_000)
        counts.append(len(dialog.pairs))
        dialog.reject()

    modal.drivers["DuplicatesDialog"] = count
    review_duplicates(ctx, None)
    ctx.undo_stack.undo()
    review_duplicates(ctx, None)
    assert counts == [1, 2]
    assert decisions.list_not_duplicates(ctx.db) == []


def test_undoing_a_merge_in_the_dialog_brings_its_pairs_back(ctx, qtbot, modal) -> None:  # type: ignore[no-untyped-def]
    _plano, ana, ana2 = two_pairs(ctx.services)
    ctx.undo_stack = QUndoStack()

    def drive(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: len(dialog.pairs) == 2, timeout=10_000)
        assert dialog.merge_selected()
        assert len(dialog.pairs) == 1
        ctx.undo_stack.undo()
        qtbot.waitUntil(lambda: len(dialog.pairs) == 2, timeout=5_000)
        assert frozenset((ana, ana2)) in pair_ids(dialog)
        dialog.reject()

    modal.drivers["DuplicatesDialog"] = drive
    assert review_duplicates(ctx, None) == 1
    assert ctx.services.contacts.exists(ana) and ctx.services.contacts.exists(ana2)


def test_settings_decisions_move_into_the_database_once(ctx, qtbot, modal) -> None:  # type: ignore[no-untyped-def]
    # GIVEN decisions an older version kept in the UI settings for this database
    _plano, ana, ana2 = two_pairs(ctx.services)
    tucson = ctx.services.organizations.create(OrganizationData(name="City of Tucson")).id
    tucson2 = ctx.services.organizations.create(OrganizationData(name="Tucson, City of")).id
    other_db = "duplicates/dismissed-0123456789ab"  # another database's: left alone
    ctx.settings.setValue(legacy_key(ctx), ["|".join(sorted((ana, ana2))),
                                            "|".join(sorted((tucson, tucson2))),
                                            f"{ana}|purged-long-ago"])
    ctx.settings.setValue(other_db, ["x|y"])
    statuses: list[str] = []
    counts: list[int] = []

    def drive(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: not dialog.job.running and bool(dialog.status.text())
                        and "Looking" not in dialog.status.text(), timeout=10_000)
        statuses.append(dialog.status.text())
        counts.append(len(dialog.pairs))
        dialog.reject()

    modal.drivers["DuplicatesDialog"] = drive
    # WHEN the dialog opens for the first time
    review_duplicates(ctx, None)
    # THEN both decisions are in the database, out of the settings, and honoured
    assert {frozenset((d.first_id, d.second_id))
            for d in decisions.list_not_duplicates(ctx.db)} == {
        frozenset((ana, ana2)), frozenset((tucson, tucson2))}
    assert ctx.settings.value(legacy_key(ctx)) is None
    assert ctx.settings.value(other_db) == ["x|y"]
    assert counts == [1]  # only the Benjamin pair is left
    assert "2 earlier “not duplicates” decisions moved into the database" in statuses[0]
    assert duplicates.find_duplicate_organizations(ctx.db) == []
    # AND the next time there is nothing left to move, and nothing comes back
    review_duplicates(ctx, None)
    review_duplicates(ctx, None, entity="organization")
    assert counts == [1, 1, 0]
    assert all("moved into the database" not in s for s in statuses[1:])
