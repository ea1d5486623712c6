"""Home's "going quiet": read by a range of the last-contact table, and the partial index
(organization, last contacted) of migration 0009."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from coordinator.db import Database
from coordinator.db.migrate import downgrade, upgrade
from coordinator.services import Services
from coordinator.services.home import QUIET_SHOWN, QUIET_SQL
from coordinator.services.records import (
    ContactData,
    OrganizationData,
    PartnerData,
    ProposalData,
)


def _plan(db: Database) -> list[str]:
    params = {"now": "2026-12-05 00:00:00.000000", "now_day": "2026-12-05",
              "since": "2026-06-05"}
    with db.raw() as conn:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + QUIET_SQL, params)]


def test_going_quiet_is_a_range_read_of_the_last_contact_table(
        db: Database, services: Services) -> None:
    """The quiet members come from one range of the last-contact table's index, then
    each one's organization row: no walk over the members."""
    plan = _plan(db)
    assert plan[0].startswith("SEARCH t USING COVERING INDEX ix_organization_touch_contacted"
                              " (contacted_on<?)"), plan
    assert not any(step.startswith("SCAN") for step in plan), plan


def test_going_quiet_counts_live_contacts_and_their_latest_date(services: Services) -> None:
    consortium = services.consortia.list(counts=False)[0].id  # a built-in one
    quiet = services.organizations.create(OrganizationData(
        name="Quiet Works", consortium_id=consortium)).id
    busy = services.organizations.create(OrganizationData(
        name="Busy Works", consortium_id=consortium)).id
    for name, org, day in (("Ada", quiet, date(2025, 1, 10)), ("Bo", quiet, date(2025, 3, 2)),
                           ("Cy", quiet, None), ("Di", busy, date(2026, 11, 30))):
        services.contacts.create(ContactData(given_name=name, family_name="Lane",
                                             organization_id=org, last_contacted_on=day))
    gone = services.contacts.create(ContactData(
        given_name="Ed", family_name="Lane", organization_id=quiet,
        last_contacted_on=date(2026, 11, 1)))
    services.contacts.delete(gone.id)  # in Trash: neither counted nor dated

    result = services.home.going_quiet(date(2026, 12, 5), 6, limit=QUIET_SHOWN)
    rows = {r.name: r for r in result.rows}
    assert "Busy Works" not in rows
    assert rows["Quiet Works"].contact_count == 3
    assert rows["Quiet Works"].last_contact == date(2025, 3, 2)


def test_going_quiet_dates_a_member_by_its_last_closed_proposal(services: Services) -> None:
    consortium = services.consortia.list(counts=False)[0].id
    org = services.organizations.create(OrganizationData(
        name="Partner Works", consortium_id=consortium)).id
    services.contacts.create(ContactData(given_name="Ada", family_name="Lane",
                                         organization_id=org,
                                         last_contacted_on=date(2024, 6, 1)))
    services.proposals.create(ProposalData(title="Led once", status="withdrawn",
                                           lead_organization_id=org,
                                           due_date=date(2024, 12, 1)))
    services.proposals.create(ProposalData(title="Partnered", status="declined",
                                           partners=[PartnerData(organization_id=org)],
                                           due_date=date(2025, 2, 1)))
    binned = services.proposals.create(ProposalData(
        title="Binned", status="declined", partners=[PartnerData(organization_id=org)],
        due_date=date(2025, 4, 1)))
    services.proposals.delete(binned.id)  # in Trash: not a contact

    rows = {r.name: r for r in services.home.going_quiet(date(2026, 12, 5), 6).rows}
    assert rows["Partner Works"].last_contact == date(2025, 2, 1)
    assert rows["Partner Works"].contact_count == 1


def test_migration_0009_adds_and_drops_the_index_and_changes_no_result(
        db_path: Path) -> None:
    db = Database.open(db_path)
    services = Services(db)
    consortium = services.consortia.list(counts=False)[0].id
    org = services.organizations.create(OrganizationData(
        name="Old Friends", consortium_id=consortium)).id
    services.contacts.create(ContactData(given_name="Ada", family_name="Lane",
                                         organization_id=org,
                                         last_contacted_on=date(2025, 1, 10)))
    at_head = services.home.going_quiet(date(2026, 12, 5), 6)
    db.close()

    downgrade(db_path, "0008")
    assert _index_sql(db_path) is None
    upgrade(db_path)
    assert _index_sql(db_path) is not None
    db = Database.open(db_path)
    try:
        assert Services(db).home.going_quiet(date(2026, 12, 5), 6) == at_head
    finally:
        db.close()


def _index_sql(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = "
                           "'ix_contact_org_contacted'").fetchone()
    finally:
        conn.close()
    return row[0] if row else None
