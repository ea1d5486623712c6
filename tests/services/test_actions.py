"""Action items across meetings: filters (owner, status, overdue...), sorting, status."""

from __future__ import annotations

from datetime import timedelta

import pytest

from coordinator.errors import NotFound, ValidationError
from coordinator.services import ActionFilter, Services
from coordinator.services.records import ActionItemData

from .conftest import NOW, TODAY, Build


@pytest.fixture
def items(services: Services, build: Build) -> dict[str, str]:
    ada, bob = build.contact("Ada", "A"), build.contact("Bob", "B")
    p = build.proposal("Smart Corridors")
    m1 = build.meeting("Call 1", NOW - timedelta(days=20), "NSCP Call", actions=[
        ActionItemData("overdue", ada.id, TODAY - timedelta(days=5)),
        ActionItemData("overdue but done", ada.id, TODAY - timedelta(days=5), "done"),
        ActionItemData("due today", bob.id, TODAY, "in_progress", proposal_id=p.id),
    ])
    m2 = build.meeting("Workshop", NOW - timedelta(days=2), "Mobility WG", actions=[
        ActionItemData("later", bob.id, TODAY + timedelta(days=9)),
        ActionItemData("no date, no owner"),
        ActionItemData("cancelled long ago", bob.id, TODAY - timedelta(days=90), "cancelled"),
    ])
    ids = {a.text: a.id for a in services.actions.list()}
    ids.update(ada=ada.id, bob=bob.id, proposal=p.id, m1=m1.id, m2=m2.id)
    return ids


def _texts(services: Services, f: ActionFilter | None = None, **kw: object) -> list[str]:
    return [a.text for a in services.actions.list(f, **kw)]  # type: ignore[arg-type]


def test_list_filters(services: Services, items: dict[str, str]) -> None:
    assert _texts(services) == ["cancelled long ago", "overdue", "overdue but done",
                                "due today", "later", "no date, no owner"]  # by due date
    assert _texts(services, ActionFilter(overdue_on=TODAY)) == ["overdue"]
    assert _texts(services, ActionFilter(owner_id=items["ada"])) == ["overdue",
                                                                     "overdue but done"]
    assert _texts(services, ActionFilter(open_only=True)) == ["overdue", "due today", "later",
                                                              "no date, no owner"]
    assert _texts(services, ActionFilter(status="done")) == ["overdue but done"]
    assert _texts(services, ActionFilter(proposal_id=items["proposal"])) == ["due today"]
    assert _texts(services, ActionFilter(meeting_id=items["m2"]), sort="created") == [
        "later", "no date, no owner", "cancelled long ago"]
    series = {s.name: s.id for s in services.meetings.series()}
    assert _texts(services, ActionFilter(series_id=series["Mobility WG"], open_only=True)) == [
        "later", "no date, no owner"]
    assert _texts(services, ActionFilter(ids=())) == []
    assert _texts(services, ActionFilter(ids=(items["later"], items["overdue"]))) == [
        "overdue", "later"]
    assert _texts(services, limit=2) == ["cancelled long ago", "overdue"]
    assert services.actions.count_overdue(TODAY) == 1
    assert services.actions.count_overdue(TODAY + timedelta(days=1)) == 2


def test_list_sorts(services: Services, items: dict[str, str]) -> None:
    by_owner = _texts(services, sort="owner")
    assert by_owner[:2] == ["overdue", "overdue but done"]
    assert by_owner[-1] == "no date, no owner"
    assert _texts(services, sort="meeting")[:3] == ["later", "no date, no owner",
                                                    "cancelled long ago"]
    with pytest.raises(ValidationError) as err:
        services.actions.list(sort="colour")
    assert err.value.for_field("sort") == ["Cannot sort by 'colour'."]


def test_rows_carry_names(services: Services, items: dict[str, str]) -> None:
    item = services.actions.get(items["due today"])
    assert (item.owner_name, item.proposal_title, item.meeting_title) == (
        "Bob B", "Smart Corridors", "Call 1")
    assert item.meeting_starts_at is not None and item.meeting_starts_at.tzinfo is not None
    assert item.is_overdue(TODAY + timedelta(days=1))
    assert not item.is_overdue(TODAY)


def test_set_status_stamps_completion(services: Services, items: dict[str, str]) -> None:
    done = services.actions.set_status(items["overdue"], "done")
    assert done.status == "done" and done.completed_at is not None
    assert services.actions.count_overdue(TODAY) == 0
    reopened = services.actions.set_status(items["overdue"], "open")
    assert reopened.status == "open" and reopened.completed_at is None
    with pytest.raises(ValidationError) as err:
        services.actions.set_status(items["overdue"], "someday")
    assert err.value.for_field("status") == ["Unknown status 'someday'."]
    assert services.actions.get(items["overdue"]).status == "open"
    with pytest.raises(NotFound, match="No action item with id nope"):
        services.actions.get("nope")


def test_update(services: Services, items: dict[str, str]) -> None:
    item = services.actions.get(items["later"])
    item.text, item.owner_id = "Send the zeppelin budget", items["ada"]
    updated = services.actions.update(item.id, item)  # type: ignore[arg-type]
    assert (updated.text, updated.owner_name) == ("Send the zeppelin budget", "Ada A")
    # The meeting's search document includes its action items.
    assert [h.id for h in services.search.search("zeppelin").hits] == [items["m2"]]

    item.text = "  "
    with pytest.raises(ValidationError) as err:
        services.actions.update(item.id, item)  # type: ignore[arg-type]
    assert err.value.for_field("text") == ["An action item needs a text."]
    item.text, item.owner_id = "x", "ghost"
    with pytest.raises(ValidationError):
        services.actions.update(item.id, item)  # type: ignore[arg-type]
    assert services.actions.get(items["later"]).text == "Send the zeppelin budget"
    with pytest.raises(NotFound):
        services.actions.update("nope", item)
