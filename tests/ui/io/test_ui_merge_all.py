"""Find Duplicates → Merge all: every listed pair at or above the score, as one batch
(one step on the undo stack), the same merges `duplicates --merge-all-above` makes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from coordinator.formats import batches
from coordinator.services.records import ContactData, EmailData, OrganizationData
from ui.io import review_duplicates
from ui.io.duplicates_dialog import DuplicatesDialog


def _people(services, grace_alike: bool = True) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Three records of Ada, two of Grace (with the same email when `grace_alike`:
    a pair scoring 100; else only the same name, 70)."""
    org = services.organizations.create(OrganizationData(name="Analytical Engines")).id
    ada = [services.contacts.create(ContactData(
        given_name=given, family_name="Lovelace", organization_id=org,
        emails=[EmailData("ada@example.org")])).id for given in ("Ada", "ADA", "Adá")]
    grace = [services.contacts.create(ContactData(
        given_name="Grace", family_name="Hopper", title=title,
        emails=[EmailData("grace@example.org" if grace_alike else f"{title}@example.org")])).id
        for title in ("Admiral", "Professor")]
    return {"ada": ada, "grace": grace}


def test_merge_all_is_one_step_that_one_undo_takes_back(ctx, qtbot, modal, shot) -> None:  # type: ignore[no-untyped-def]
    people = _people(ctx.services)
    ctx.undo_stack = QUndoStack()
    seen: dict[str, object] = {}

    def drive(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: len(dialog.pairs) == 4 and not dialog.job.running,
                        timeout=10_000)
        assert dialog.merge_all_button.isEnabled()
        assert dialog.score_spin.value() == 90
        shot(dialog, "duplicates-merge-all")
        qtbot.mouseClick(dialog.merge_all_button, Qt.MouseButton.LeftButton)
        seen["status"] = dialog.status.text()
        seen["left"] = len(dialog.pairs)
        seen["enabled"] = dialog.merge_all_button.isEnabled()
        seen["count"] = ctx.services.contacts.count()
        # Edit → Undo, from inside the dialog: every record and pair is back
        ctx.undo_stack.undo()
        qtbot.waitUntil(lambda: len(dialog.pairs) == 4, timeout=10_000)
        seen["back"] = len(dialog.pairs)
        dialog.reject()

    modal.drivers["DuplicatesDialog"] = drive
    assert review_duplicates(ctx, None) == 3
    assert seen["left"] == 0 and seen["enabled"] is False
    assert seen["count"] == 2
    assert "Merged 3 pairs scoring 90 or more" in str(seen["status"])
    assert "Undo" in str(seen["status"])
    assert ctx.undo_stack.count() == 1
    merges = [b for b in batches.list_batches(ctx.db) if b.format == "merge"]
    assert len(merges) == 1 and merges[0].undone_at is not None
    assert ctx.services.contacts.count() == 5
    assert ctx.services.trash.list() == []
    # Redo makes the same merges again, again as one batch
    ctx.undo_stack.redo()
    assert ctx.services.contacts.count() == 2
    survivor = ctx.services.contacts.get(people["grace"][0])
    assert survivor.title == "Admiral" and "Professor" in survivor.notes


def test_merge_all_leaves_pairs_below_the_score_and_marked_pairs(ctx, qtbot, modal) -> None:  # type: ignore[no-untyped-def]
    people = _people(ctx.services, grace_alike=False)
    ada = people["ada"]
    ctx.services.duplicates.mark_not_duplicates("contact", ada[0], ada[2])
    seen: dict[str, object] = {}

    def drive(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: bool(dialog.pairs) and not dialog.job.running,
                        timeout=10_000)
        seen["listed"] = len(dialog.pairs)
        dialog.score_spin.setValue(90)
        seen["merged"] = dialog.merge_all()
        dialog.reject()

    modal.drivers["DuplicatesDialog"] = drive
    review_duplicates(ctx, None)
    # Ada+ADA merged; Adá stays apart (marked as not Ada); Grace's pair scores below 90
    assert seen["listed"] == 3 and seen["merged"] == 1
    live = {c.id for c in ctx.services.contacts.list().rows}
    assert set(people["grace"]) <= live
    assert ada[2] in live and len(live & set(ada)) == 2
