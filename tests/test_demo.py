"""The sample coalition: deterministic, refuses to overwrite data without force, and
the sizes, spread and quality of what it writes (valid by the services' own rules)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coordinator.changes import ChangeSet
from coordinator.db import Database
from coordinator.demo import DemoSize, build_demo, generate
from coordinator.errors import Conflict
from coordinator.models import ProposalStatus, Sector
from coordinator.reference import CONSORTIA
from coordinator.services import (
    ActionFilter,
    ContactFilter,
    MeetingFilter,
    OrganizationFilter,
    Services,
)
from coordinator.services.records import ContactData
from coordinator.services.validation import phone_to_e164

TODAY = date(2026, 11, 24)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The sample coalition built once for the read-only tests of this module."""
    folder: Path = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COORDINATOR_HOME", str(folder / "home"))
        database = Database.open(folder / "demo.db")
        services = Services(database)
        build_demo(services, today=TODAY)
        yield services
        database.close()


def _names(rows: dict[str, list[dict]]) -> dict[str, list[str]]:
    return {"organization": [r["name"] for r in rows["organization"]],
            "contact": [r["full_name"] for r in rows["contact"]],
            "proposal": [r["title"] for r in rows["proposal"]],
            "meeting": [r["title"] for r in rows["meeting"]]}


def test_generation_is_deterministic() -> None:
    first, second = generate(today=TODAY), generate(today=TODAY)
    assert _names(first) == _names(second)
    assert [r["id"] for r in first["contact"]] == [r["id"] for r in second["contact"]]
    assert [r["due_date"] for r in first["proposal"]] == [r["due_date"] for r in
                                                          second["proposal"]]
    other = generate(today=TODAY, seed=7)
    assert _names(other)["contact"] != _names(first)["contact"]


def test_two_databases_get_the_same_coalition(demo: Services, services: Services) -> None:
    build_demo(services, today=TODAY)
    assert services.contacts.ids() == demo.contacts.ids()
    assert [o.name for o in services.organizations.list().rows] == [
        o.name for o in demo.organizations.list().rows]
    assert [m.title for m in services.meetings.list().rows] == [
        m.title for m in demo.meetings.list().rows]


def test_counts(demo: Services) -> None:
    stats = demo.stats()
    counts = stats["counts"]
    assert counts["contact"] == 600  # type: ignore[index]
    assert 140 <= counts["organization"] <= 160  # type: ignore[index]
    assert 22 <= counts["proposal"] <= 28  # type: ignore[index]
    assert 36 <= counts["meeting"] <= 44  # type: ignore[index]
    assert counts["trash"] == 0  # type: ignore[index]
    consortia = demo.consortia.list()
    assert len(consortia) == 7
    assert all(c.organization_count >= 15 and c.contact_count >= 50 for c in consortia)
    assert set(stats["consortia"]) == {c.short_name for c in CONSORTIA}  # type: ignore[arg-type]


def test_organizations_cover_every_sector_in_their_consortium_states(demo: Services) -> None:
    orgs = demo.organizations.list().rows
    assert {o.sector for o in orgs} >= {s.value for s in Sector} - {"other"}
    states = {c.id: set(c.states.split(",")) for c in demo.consortia.list()}
    assert all(o.state in states[o.consortium_id] for o in orgs)  # type: ignore[index]
    assert len({o.name.casefold() for o in orgs}) == len(orgs)  # unique names
    assert all(len(demo.organizations.get(o.id).tags) == 2 for o in orgs[:10])  # type: ignore[arg-type]
    assert 0 < demo.organizations.list(OrganizationFilter(tag="Mobility")).total < len(orgs)


def test_contacts_are_valid_by_the_services_rules(demo: Services) -> None:
    contacts = demo.contacts.get_many(demo.contacts.ids())
    assert len(contacts) == 600
    problems = {c.full_name: demo.contacts.validate(c) for c in contacts}
    assert {name: p for name, p in problems.items() if p} == {}
    for c in contacts:
        assert c.emails and c.phones and c.organization_id and c.consortium_id
        assert all(p.e164 == phone_to_e164(p.raw) for p in c.phones), c.phones
    emails = [e.address.casefold() for c in contacts for e in c.emails if e.label == "work"]
    assert len(set(emails)) == len(emails)
    non_ascii = [c.full_name for c in contacts if not c.full_name.isascii()]
    assert 20 <= len(non_ascii) < 600
    assert any("Ø" in n or "ø" in n for n in non_ascii)


def test_non_ascii_names_are_found_by_plain_letters(demo: Services) -> None:
    hits = demo.search.search("odegard", limit_per_group=50).groups["contact"]
    assert hits and all("Ødegård" in h.title for h in hits)
    row = demo.contacts.list(ContactFilter(text="zoe"), limit=1).rows[0]
    assert row.full_name.startswith("Zoë")


def test_proposals_in_every_status_with_partners_across_regions(demo: Services) -> None:
    proposals = demo.proposals.list().rows
    assert Counter(p.status for p in proposals).keys() == {s.value for s in ProposalStatus}
    assert all(len(p.partners) >= 2 and p.sections and p.budget_lines for p in proposals)
    assert sum(len(p.consortium_ids) >= 2 for p in proposals) >= len(proposals) // 2
    assert all(p.partners[0].role == "lead" and p.owner_id for p in proposals)
    assert all(p.amount_minor == sum(b.amount_minor for b in p.budget_lines)
               for p in proposals)
    open_due = [p.due_date for p in proposals if p.status in ("idea", "drafting")]
    assert all(d > TODAY for d in open_due)  # type: ignore[operator]


def test_meetings_in_series_with_content(demo: Services) -> None:
    series = demo.meetings.series()
    assert len(series) == 3 and sum(s.meeting_count for s in series) == 40
    now = datetime.combine(TODAY, datetime.min.time(), UTC)
    past = demo.meetings.list(MeetingFilter(upcoming=False), now=now).rows
    future = demo.meetings.list(MeetingFilter(upcoming=True), now=now).rows
    assert len(past) > len(future) >= 3
    assert all(m.agenda and m.attendees and m.consortium_ids for m in past + future)
    assert all(m.notes and m.decisions and m.action_items for m in past)
    assert all(not m.action_items for m in future)
    assert all(a.presenter_name for m in past for a in m.agenda)
    # dates are relative to today: the series run up to it and a little past it
    assert min(m.starts_at for m in past) > now - timedelta(days=600)  # type: ignore[operator]
    assert max(m.starts_at for m in future) < now + timedelta(days=200)  # type: ignore[operator]


def test_some_action_items_are_overdue(demo: Services) -> None:
    overdue = demo.actions.list(ActionFilter(overdue_on=TODAY))
    assert len(overdue) >= 3
    assert all(a.status in ("open", "in_progress") and a.due_date < TODAY  # type: ignore[operator]
               for a in overdue)
    statuses = Counter(a.status for a in demo.actions.list())
    assert statuses["done"] > 0 and statuses["open"] > 0


def test_refuses_a_database_with_data(services: Services) -> None:
    services.contacts.create(ContactData(given_name="Ada"))
    with pytest.raises(Conflict, match="--force"):
        build_demo(services, today=TODAY)
    assert services.contacts.count() == 1


def test_refuses_a_database_whose_records_are_in_trash(services: Services) -> None:
    c = services.contacts.create(ContactData(given_name="Ada", tags=["mobility"]))
    services.contacts.delete(c.id)
    with pytest.raises(Conflict):
        build_demo(services, today=TODAY)
    services.trash.empty()  # the tag stays behind
    with pytest.raises(Conflict):
        build_demo(services, today=TODAY)


def test_force_replaces_everything(services: Services) -> None:
    c = services.contacts.create(ContactData(given_name="Ada", family_name="Zzyzx",
                                             tags=["mobility"]))
    services.contacts.delete(services.contacts.create(ContactData(given_name="Trashed")).id)
    counts = build_demo(services, today=TODAY, force=True)
    assert counts["contact"] == 600 and counts["organization"] == services.stats()[
        "counts"]["organization"]  # type: ignore[index]
    assert services.contacts.count() == 600
    assert services.trash.count() == 0
    assert services.search.search("zzyzx").hits == []
    with pytest.raises(Exception):  # noqa: B017 - NotFound
        services.contacts.get(c.id, include_deleted=True)
    assert len(services.consortia.list()) == 7
    assert services.search.search("kc digital").groups["consortium"]


def test_reports_progress_and_changes(db: Database, services: Services) -> None:
    stages: list[tuple[str, int]] = []
    seen: list[ChangeSet] = []
    db.subscribe(seen.append)
    build_demo(services, contacts=60, today=TODAY, progress=lambda s, p: stages.append((s, p)))
    assert stages[0] == ("Generating", 0) and stages[-1] == ("Done", 100)
    assert [p for _, p in stages] == sorted(p for _, p in stages)
    (change,) = seen
    assert change.touches("contact", "organization", "proposal", "meeting", "action_item")


def test_scales_with_contacts() -> None:
    assert DemoSize.for_contacts(600) == DemoSize(150, 600, 25, 40)
    assert DemoSize.for_contacts(100_000) == DemoSize(25_000, 100_000, 4_167, 6_667)
    small = generate(contacts=30, today=TODAY)
    assert len(small["contact"]) == 30
    assert len(small["organization"]) == 10 and len(small["meeting"]) == 4
    big = generate(contacts=1_200, today=TODAY)
    assert (len(big["organization"]), len(big["proposal"]), len(big["meeting"])) == (
        300, 50, 80)
    names = [r["name"].casefold() for r in big["organization"]]
    assert len(set(names)) == len(names)


def test_no_sample_meeting_falls_on_today() -> None:
    """A meeting today would be 'upcoming' or 'past' depending on the hour: tests that
    prepare the next briefing must not depend on when they run."""
    from datetime import date

    from coordinator.demo import generate

    today = date(2026, 11, 24)
    days = {m["starts_at"].date() for m in generate(600, today)["meeting"]}
    assert today not in days
    assert any(d > today for d in days) and any(d < today for d in days)
