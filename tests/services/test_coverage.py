"""Coverage of the consortia on the sample coalition built for a fixed day: every figure
against a count made in the test from the record services; the gaps; the CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coordinator.db import Database
from coordinator.demo import build_demo
from coordinator.models.enums import CLOSED_STATUSES
from coordinator.services import Services
from coordinator.services.coverage import coverage_csv, funding_cycle

DAY = date(2026, 3, 4)
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
SINCE = date(2025, 9, 4)  # six months before DAY


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    folder: Path = tmp_path_factory.mktemp("coverage")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COORDINATOR_HOME", str(folder / "home"))
        database = Database.open(folder / "sample.db")
        services = Services(database)
        build_demo(services, today=DAY)
        yield services
        database.close()


@pytest.fixture(scope="module")
def world(sample: Services) -> dict:
    """Everything the counts below need, read through the record services."""
    orgs = sample.organizations.list().rows
    people = sample.contacts.get_many(sample.contacts.ids())
    return {"orgs": orgs, "people": people, "proposals": sample.proposals.list().rows,
            "meetings": sample.meetings.list().rows,
            "consortium_of": {o.id: o.consortium_id for o in orgs},
            "report": sample.coverage.report(DAY, 6, NOW)}


def _proposal_consortia(p, consortium_of) -> set[str]:
    orgs = {p.lead_organization_id, *(pp.organization_id for pp in p.partners)}
    return {consortium_of[o] for o in orgs if o and consortium_of.get(o)}


def test_funding_cycle_is_the_federal_fiscal_year() -> None:
    assert funding_cycle(date(2026, 3, 4)) == (date(2025, 10, 1), date(2026, 9, 30))
    assert funding_cycle(date(2026, 10, 1)) == (date(2026, 10, 1), date(2027, 9, 30))


def test_organizations_by_sector_and_contacts(world) -> None:
    report = world["report"]
    assert len(report.consortia) == 7
    sectors = Counter((o.consortium_id, o.sector) for o in world["orgs"] if o.consortium_id)
    people = Counter(c.consortium_id for c in world["people"] if c.consortium_id)
    for row in report.consortia:
        assert row.sectors == {s: n for (cid, s), n in sectors.items() if cid == row.id}
        assert row.contacts == people[row.id] > 0
    assert sum(r.organizations for r in report.consortia) == sum(sectors.values())


def test_open_and_awarded_proposals_with_amounts(world) -> None:
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for p in world["proposals"]:
        kind = "awarded" if p.status == "awarded" else (
            "open" if p.status not in CLOSED_STATUSES else "")
        for cid in _proposal_consortia(p, world["consortium_of"]) if kind else ():
            counts[(cid, kind)][0] += 1
            counts[(cid, kind)][1] += p.amount_minor
    report = world["report"]
    assert sum(r.awarded_proposals for r in report.consortia) > 0
    for row in report.consortia:
        assert [row.open_proposals, row.open_requested.get("USD", 0)] == counts[(row.id, "open")]
        assert [row.awarded_proposals, row.awarded_amount.get("USD", 0)] == \
            counts[(row.id, "awarded")]


def test_meetings_attended_in_the_last_90_days(world) -> None:
    consortium = {c.id: c.consortium_id for c in world["people"]}
    seen: dict[str, set[str]] = defaultdict(set)
    for m in world["meetings"]:
        if NOW - timedelta(days=90) <= m.starts_at <= NOW:
            for a in m.attendees:
                if a.attended and consortium.get(a.contact_id):
                    seen[consortium[a.contact_id]].add(m.id)
    report = world["report"]
    assert any(r.meetings_attended for r in report.consortia)
    assert {r.id: r.meetings_attended for r in report.consortia} == {
        r.id: len(seen[r.id]) for r in report.consortia}


def test_share_of_members_contacted(world) -> None:
    latest: dict[str, date] = {}

    def seen(org, day) -> None:
        if org and day and (org not in latest or day > latest[org]):
            latest[org] = day

    org_of = {c.id: c.organization_id for c in world["people"]}
    for c in world["people"]:
        seen(c.organization_id, c.last_contacted_on)
    for m in world["meetings"]:
        if m.starts_at <= NOW:
            for a in m.attendees:
                if a.attended:
                    seen(org_of.get(a.contact_id), m.starts_at.date())
    for p in world["proposals"]:
        for org in {p.lead_organization_id, *(pp.organization_id for pp in p.partners)}:
            seen(org, p.due_date if p.status in CLOSED_STATUSES else DAY)
    for row in world["report"].consortia:
        members = [o for o in world["orgs"] if o.consortium_id == row.id]
        contacted = sum(1 for o in members if latest.get(o.id, date.min) >= SINCE)
        assert row.contacted == contacted
        assert row.contacted_share == pytest.approx(contacted / len(members))


def test_proposals_by_status_over_time(world) -> None:
    expected: dict[str, Counter] = defaultdict(Counter)
    for p in world["proposals"]:
        if p.due_date:
            expected[f"{p.due_date.year} Q{(p.due_date.month - 1) // 3 + 1}"][p.status] += 1
    report = world["report"]
    assert report.by_status == {q: dict(c) for q, c in expected.items()}
    assert report.quarters == sorted(expected)


def test_gaps(world) -> None:
    report = world["report"]
    in_proposals = {o for p in world["proposals"]
                    for o in (p.lead_organization_id, *(pp.organization_id for pp in p.partners))}
    never = sorted((o for o in world["orgs"] if o.id not in in_proposals),
                   key=lambda o: o.name.casefold())
    assert report.gaps.never_in_proposal_total == len(never) > 0
    assert {o.id for o in report.gaps.never_in_proposal} <= {o.id for o in never}
    start, end = funding_cycle(DAY)
    with_one = {cid for p in world["proposals"] if p.due_date and start <= p.due_date <= end
                for cid in _proposal_consortia(p, world["consortium_of"])}
    assert report.gaps.without_proposal_this_cycle == [
        r.short_name for r in report.consortia if r.id not in with_one]
    for row in report.consortia:
        present = {o.sector for o in world["orgs"] if o.consortium_id == row.id}
        missing = [s for s in ("local_government", "county", "regional_agency", "company",
                               "university", "nonprofit", "utility") if s not in present]
        assert report.gaps.missing_sectors.get(row.short_name, []) == missing
    assert any(report.gaps.missing_sectors.values())


def test_a_consortium_without_a_proposal_this_cycle(services, build) -> None:
    org = build.org("Lakeside Utility", consortium="SNF", sector="utility")
    build.proposal("Last year's grid study", partners=[org], status="declined",
                   due_date=date(2025, 6, 1))
    report = services.coverage.report(DAY, 6, NOW)
    assert "SNF" in report.gaps.without_proposal_this_cycle
    build.proposal("Grid study", partners=[org], due_date=date(2026, 5, 1))
    report = services.coverage.report(DAY, 6, NOW)
    assert "SNF" not in report.gaps.without_proposal_this_cycle
    assert report.gaps.never_in_proposal_total == 0


def test_csv_has_one_row_per_consortium_with_the_figures(world) -> None:
    report = world["report"]
    data = coverage_csv(report)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["Consortium"] for r in rows] == [c.short_name for c in report.consortia]
    for row, c in zip(rows, report.consortia, strict=True):
        assert int(row["Organizations"]) == c.organizations
        assert int(row["Contacts"]) == c.contacts
        assert int(row["Open proposals"]) == c.open_proposals
        assert row["Amount requested (open)"] == f"USD {c.open_requested['USD'] / 100:,.2f}"
        assert row["Share of members contacted"] == f"{c.contacted_share:.0%}"
