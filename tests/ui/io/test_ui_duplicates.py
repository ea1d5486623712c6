"""Duplicate review: pairs found in a worker, merged side by side, the loser in Trash."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtGui import QUndoStack

from coordinator.services.records import (
    AttendeeData,
    ContactData,
    EmailData,
    MeetingData,
    OrganizationData,
    PhoneData,
)
from ui.io import review_duplicates
from ui.io.duplicates_dialog import DuplicatesDialog


def make_pair(services) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    first = services.contacts.create(ContactData(
        given_name="Zoë", family_name="Martínez", organization_id=plano.id,
        emails=[EmailData("zoe@plano.example.org")]))
    second = services.contacts.create(ContactData(
        given_name="zoe", family_name="MARTINEZ", organization_id=plano.id, title="Lead",
        emails=[EmailData("zoe.m@example.org", "home")],
        phones=[PhoneData("+1 972 555 0142", "mobile")], tags=["Mobility"]))
    meeting = services.meetings.create(MeetingData(
        title="Mobility sync", starts_at=datetime(2026, 12, 1, 15, tzinfo=UTC),
        attendees=[AttendeeData(second.id)]))
    return first.id, second.id, meeting.id


def test_merge_a_pair_the_loser_goes_to_trash_and_undo(ctx, qtbot, modal, shot) -> None:
    # GIVEN two records of the same person (accents and case differ), one at a meeting
    keep, other, meeting_id = make_pair(ctx.services)
    ctx.undo_stack = QUndoStack()
    seen: dict[str, object] = {}

    def drive(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: bool(dialog.pairs) and dialog.compare.rowCount() > 0,
                        timeout=10_000)
        shot(dialog, "duplicates")
        pair = dialog.current()
        seen["score"] = pair.score
        seen["a"] = dialog.compare.item(0, 1).text()
        seen["b"] = dialog.compare.item(0, 2).text()
        assert dialog.keep_a.isChecked()
        # WHEN the user merges, keeping the first
        assert dialog.merge_selected()
        seen["status"] = dialog.status.text()
        seen["left"] = len(dialog.pairs)
        dialog.reject()

    modal.drivers["DuplicatesDialog"] = drive
    assert review_duplicates(ctx, None) == 1
    # THEN the survivor has everything; the other is in Trash; its meeting points here
    assert seen["score"] >= 90 and seen["left"] == 0
    assert {seen["a"], seen["b"]} == {"Zoë Martínez", "zoe MARTINEZ"}
    assert "in Trash" in str(seen["status"])
    survivor = ctx.services.contacts.get(keep)
    assert {e.address for e in survivor.emails} == {"zoe@plano.example.org",
                                                    "zoe.m@example.org"}
    assert survivor.phones and survivor.tags == ["Mobility"]
    assert [(t.entity, t.id) for t in ctx.services.trash.list()] == [("contact", other)]
    attendees = ctx.services.meetings.get(meeting_id).attendees
    assert [a.contact_id for a in attendees] == [keep]
    # AND Edit → Undo takes the merge back
    ctx.undo_stack.undo()
    assert ctx.services.trash.list() == []
    assert [a.contact_id for a in ctx.services.meetings.get(meeting_id).attendees] == [other]
    assert len(ctx.services.contacts.get(keep).emails) == 1


def test_not_duplicates_is_remembered(ctx, qtbot, modal) -> None:
    make_pair(ctx.services)
    counts: list[int] = []

    def drive(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: not dialog.job.running, timeout=10_000)
        counts.append(len(dialog.pairs))
        if dialog.pairs:
            dialog.not_duplicates()
            assert dialog.pairs == [] and not dialog.merge_button.isEnabled()
        dialog.reject()

    modal.drivers["DuplicatesDialog"] = drive
    assert review_duplicates(ctx, None) == 0
    assert review_duplicates(ctx, None) == 0
    assert counts == [1, 0]
    assert ctx.services.contacts.count() == 2


def test_duplicate_organizations(ctx, qtbot, modal) -> None:
    ctx.services.organizations.create(OrganizationData(name="City of Plano"))
    ctx.services.organizations.create(OrganizationData(name="Plano, City of"))
    seen: list[str] = []

    def drive(dialog: DuplicatesDialog) -> None:
        qtbot.waitUntil(lambda: bool(dialog.pairs) and dialog.compare.rowCount() > 0,
                        timeout=10_000)
        dialog.keep_b.setChecked(True)
        dialog.merge_selected()
        seen.append(dialog.status.text())
        dialog.reject()

    modal.drivers["DuplicatesDialog"] = drive
    assert review_duplicates(ctx, None, entity="organization") == 1
    trash = ctx.services.trash.list()
    assert [(t.entity, t.title) for t in trash] == [("organization", "City of Plano")]
