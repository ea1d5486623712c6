"""Meetings: CRUD with children, Trash, listing, and the briefing helpers
(previous_in_series, next_upcoming, relevant_action_items, relevant_proposals)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coordinator.errors import Conflict, NotFound, ValidationError
from coordinator.services import MeetingFilter, Services
from coordinator.services.records import (
    ActionItemData,
    AgendaItemData,
    AttendeeData,
    MeetingData,
)

from .conftest import CONS, NOW, TODAY, Build


def test_create_get_update(services: Services, build: Build) -> None:
    ada = build.contact("Ada", "Lovelace", org=build.org("City of Plano"))
    bob = build.contact("Bob", "Anders")
    chicago = ZoneInfo("America/Chicago")
    m = services.meetings.create(MeetingData(
        title=" NSCP call ", starts_at=datetime(2027, 1, 12, 10, 0, tzinfo=chicago),
        time_zone="America/Chicago", series_name="NSCP Partnership Call", kind="workshop",
        duration_minutes=90, location="Room 2", link="https://meet.example.org/x",
        notes="# Notes", private_notes="off the record",
        consortium_ids=[CONS["NTXIA"], CONS["CSCA"], CONS["NTXIA"]],
        agenda=[AgendaItemData("Welcome", ada.id, 5), AgendaItemData("Updates", None, 20, "x")],
        attendees=[AttendeeData(bob.id, "attendee", "yes"), AttendeeData(ada.id, "chair")],
        decisions=["Adopt the charter", "  "],
        action_items=[ActionItemData("Send slides", ada.id, TODAY + timedelta(days=3))]))
    assert m.title == "NSCP call"
    assert m.starts_at == datetime(2027, 1, 12, 16, 0, tzinfo=UTC)  # stored in UTC
    assert m.starts_at.tzinfo is not None  # type: ignore[union-attr]
    assert m.time_zone == "America/Chicago"
    assert m.series_name == "NSCP Partnership Call" and m.series_id
    assert sorted(m.consortium_ids) == sorted([CONS["NTXIA"], CONS["CSCA"]])
    assert [(a.title, a.presenter_name, a.minutes) for a in m.agenda] == [
        ("Welcome", "Ada Lovelace", 5), ("Updates", "", 20)]
    assert [(a.contact_name, a.role, a.rsvp, a.organization_name) for a in m.attendees] == [
        ("Bob Anders", "attendee", "yes", ""), ("Ada Lovelace", "chair", "pending",
                                                "City of Plano")]
    assert m.decisions == ["Adopt the charter"]
    (item,) = m.action_items
    assert (item.text, item.owner_name, item.status, item.meeting_id) == (
        "Send slides", "Ada Lovelace", "open", m.id)
    assert services.meetings.get(m.id) == m

    # Editing the meeting keeps the identity of its action items.
    m.action_items[0].status = "done"
    m.action_items.append(ActionItemData("Book room"))
    m.decisions = []
    m.series_name = "nscp PARTNERSHIP call"  # the same series, folded
    updated = services.meetings.update(m.id, m)
    assert updated.series_id == m.series_id
    assert updated.decisions == []
    assert [a.text for a in updated.action_items] == ["Send slides", "Book room"]
    assert updated.action_items[0].id == item.id
    assert updated.action_items[0].completed_at is not None
    updated.action_items = updated.action_items[1:]
    assert [a.text for a in services.meetings.update(m.id, updated).action_items] == [
        "Book room"]
    assert [(s.name, s.meeting_count) for s in services.meetings.series()] == [
        ("NSCP Partnership Call", 1)]


def test_naive_start_is_taken_as_utc(services: Services) -> None:
    m = services.meetings.create(MeetingData(title="T", starts_at=datetime(2027, 5, 1, 9, 0)))
    assert m.starts_at == datetime(2027, 5, 1, 9, 0, tzinfo=UTC)


def test_delete_restore_purge(services: Services, build: Build) -> None:
    m = build.meeting(actions=[ActionItemData("Call back")])
    with pytest.raises(Conflict):
        services.meetings.purge(m.id)
    services.meetings.delete(m.id)
    with pytest.raises(NotFound):
        services.meetings.get(m.id)
    assert services.meetings.list().total == 0
    assert services.actions.list() == []  # items of a trashed meeting are hidden
    services.meetings.restore(m.id)
    assert [a.text for a in services.actions.list()] == ["Call back"]
    services.meetings.delete(m.id)
    services.meetings.purge(m.id)
    with pytest.raises(NotFound):
        services.meetings.get(m.id, include_deleted=True)
    assert services.actions.list() == []


def test_unknown_references_are_validation_errors(services: Services, build: Build) -> None:
    """A missing contact, consortium or proposal is a field problem, not a crash."""
    with pytest.raises(ValidationError) as err:
        services.meetings.create(MeetingData(
            title="T", starts_at=NOW, consortium_ids=["nope"],
            agenda=[AgendaItemData("Welcome", presenter_id="ghost")],
            attendees=[AttendeeData("ghost")],
            action_items=[ActionItemData("Do", owner_id="ghost", proposal_id="ghost")]))
    assert {p.field for p in err.value.problems} == {
        "consortium_ids", "agenda[0]", "attendees[0]", "action_items[0]"}
    assert err.value.for_field("action_items[0]") == [
        "Choose an existing contact as owner.", "Choose an existing proposal."]
    assert services.meetings.list().total == 0


@pytest.fixture
def calendar(services: Services, build: Build) -> dict[str, str]:
    """Two series and a one-off meeting around now."""
    made = {
        "c1": build.meeting("Call 1", NOW - timedelta(days=28), "NSCP Call",
                            consortia=["NTXIA", "CSCA"]),
        "c2": build.meeting("Call 2", NOW - timedelta(days=14), "NSCP Call",
                            consortia=["NTXIA"], notes="Budget talk about zeppelins"),
        "c3": build.meeting("Call 3", NOW + timedelta(days=1), "NSCP Call",
                            consortia=["CSCA"]),
        "c4": build.meeting("Call 4", NOW + timedelta(days=15), "NSCP Call"),
        "w1": build.meeting("Workshop", NOW - timedelta(days=3), "Mobility WG",
                            consortia=["SNF"]),
        "solo": build.meeting("One to one", NOW + timedelta(hours=5)),
    }
    return {k: v.id for k, v in made.items()}


def _titles(services: Services, f: MeetingFilter | None = None, **kw: object) -> list[str]:
    return [m.title for m in services.meetings.list(f, **kw).rows]  # type: ignore[arg-type]


def test_list_filters_and_paging(services: Services, calendar: dict[str, str]) -> None:
    assert _titles(services) == ["Call 1", "Call 2", "Workshop", "One to one", "Call 3",
                                 "Call 4"]
    assert _titles(services, descending=True)[0] == "Call 4"
    series = {s.name: s.id for s in services.meetings.series()}
    assert _titles(services, MeetingFilter(series_id=series["Mobility WG"])) == ["Workshop"]
    assert _titles(services, MeetingFilter(consortium_id=CONS["CSCA"])) == ["Call 1", "Call 3"]
    assert _titles(services, MeetingFilter(upcoming=True)) == ["One to one", "Call 3",
                                                               "Call 4"]
    assert _titles(services, MeetingFilter(upcoming=False)) == ["Call 1", "Call 2",
                                                                "Workshop"]
    assert _titles(services, MeetingFilter(starts_after=NOW - timedelta(days=20),
                                           starts_before=NOW)) == ["Call 2", "Workshop"]
    assert _titles(services, MeetingFilter(text="zeppelin")) == ["Call 2"]
    page = services.meetings.list(offset=2, limit=2)
    assert [m.title for m in page.rows] == ["Workshop", "One to one"]
    assert (page.total, page.offset) == (6, 2)


def test_next_upcoming_and_previous_in_series(services: Services,
                                              calendar: dict[str, str]) -> None:
    assert services.meetings.next_upcoming(now=NOW).id == calendar["solo"]  # type: ignore[union-attr]
    assert services.meetings.next_upcoming(now=NOW + timedelta(days=2)).id == calendar["c4"]  # type: ignore[union-attr]
    assert services.meetings.next_upcoming(now=NOW + timedelta(days=30)) is None
    services.meetings.delete(calendar["solo"])
    assert services.meetings.next_upcoming(now=NOW).id == calendar["c3"]  # type: ignore[union-attr]

    assert services.meetings.previous_in_series(calendar["c3"]).id == calendar["c2"]  # type: ignore[union-attr]
    assert services.meetings.previous_in_series(calendar["c1"]) is None
    assert services.meetings.previous_in_series(calendar["w1"]) is None
    services.meetings.delete(calendar["c2"])
    assert services.meetings.previous_in_series(calendar["c3"]).id == calendar["c1"]  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        services.meetings.previous_in_series(calendar["c2"])


def test_relevant_action_items(services: Services, build: Build) -> None:
    ada, bob, cy = (build.contact(g, f) for g, f in (("Ada", "A"), ("Bob", "B"), ("Cy", "C")))

    def item(text: str, owner: object, status: str = "open") -> ActionItemData:
        return ActionItemData(text, owner_id=owner.id, status=status)  # type: ignore[attr-defined]

    build.meeting("Call 1", NOW - timedelta(days=28), "NSCP Call", actions=[
        item("earlier open", bob), item("earlier done", bob, "done")])
    build.meeting("Call 2", NOW - timedelta(days=14), "NSCP Call", actions=[
        item("earlier in progress", cy, "in_progress"), item("earlier cancelled", cy,
                                                              "cancelled")])
    gone = build.meeting("Call 2b", NOW - timedelta(days=10), "NSCP Call", actions=[
        item("from a trashed meeting", bob)])
    services.meetings.delete(gone.id)
    target = build.meeting("Call 3", NOW + timedelta(days=1), "NSCP Call", attendees=[ada])
    build.meeting("Call 4", NOW + timedelta(days=15), "NSCP Call", actions=[
        item("later meeting", bob)])
    build.meeting("Workshop", NOW - timedelta(days=3), "Mobility WG", actions=[
        item("attendee owns it", ada), item("other series", bob),
        item("attendee done", ada, "done")])
    build.meeting("Solo", NOW - timedelta(days=2), actions=[item("no series", cy)])

    relevant = services.meetings.relevant_action_items(target.id)
    # An attendee's items from another series ("attendee owns it") stay with that series.
    assert sorted(a.text for a in relevant) == ["earlier in progress", "earlier open"]
    assert [a.owner_name for a in relevant] == ["Bob B", "Cy C"]  # by owner

    # A meeting outside any series: only its own open items, none of its attendees' others.
    lone = build.meeting("Lone", NOW + timedelta(days=2), attendees=[cy],
                         actions=[item("its own", ada)])
    assert [a.text for a in services.meetings.relevant_action_items(lone.id)] == ["its own"]
    with pytest.raises(NotFound):
        services.meetings.relevant_action_items("missing")


def test_relevant_proposals(services: Services, build: Build) -> None:
    plano = build.org("City of Plano", consortium="NTXIA")
    denver = build.org("Denver Water", consortium="CSCA")
    jax = build.org("City of Jacksonville", consortium="SNF")
    ada = build.contact("Ada", "A", org=plano)
    build.proposal("Attendee's org, open", "drafting", [plano])
    build.proposal("Meeting's consortium", "submitted", [denver, jax])
    build.proposal("Closed: awarded", "awarded", [plano])
    build.proposal("Closed: withdrawn", "withdrawn", [denver])
    build.proposal("Unrelated", "idea", [jax])
    build.proposal("Lead org only", "internal_review", [], lead_organization_id=plano.id)
    trashed = build.proposal("Trashed", "drafting", [plano])
    services.proposals.delete(trashed.id)
    m = build.meeting(attendees=[ada], consortia=["CSCA"])
    assert sorted(p.title for p in services.meetings.relevant_proposals(m.id)) == [
        "Attendee's org, open", "Lead org only", "Meeting's consortium"]

    nobody = build.meeting("Empty", consortia=["KCDD"])
    assert services.meetings.relevant_proposals(nobody.id) == []


def test_attended_by(services: Services, build: Build) -> None:
    ada = build.contact()
    first = build.meeting("First", NOW - timedelta(days=2), attendees=[ada])
    second = build.meeting("Second", NOW + timedelta(days=2), attendees=[ada])
    build.meeting("Other")
    assert [m.id for m in services.meetings.attended_by(ada.id)] == [second.id, first.id]
