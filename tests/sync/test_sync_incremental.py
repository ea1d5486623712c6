"""What keeps an incremental sync proportional to what it carries: the reference check
after a pull looks at the rows the pull wrote, and a laptop does not download its own
push again. Each shortcut must give the same result as the long way."""

from __future__ import annotations

import sqlite3

from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.records import (
    ActionItemData,
    ContactData,
    EmailData,
    MeetingData,
    OrganizationData,
    ProposalData,
)
from coordinator.sync.local import LocalStore
from coordinator.sync.tables import synced_tables


def _contact(services, given="Ada", family="Lovelace", **kw) -> ContactData:  # type: ignore[no-untyped-def]
    return services.contacts.create(ContactData(given_name=given, family_name=family, **kw))


def test_the_check_of_written_rows_finds_what_the_whole_check_finds(
        db: Database, services: Services) -> None:
    """Every kind of broken reference (plain tables and link tables, SET NULL and
    CASCADE keys) is found by the check limited to the written rows."""
    from datetime import UTC, datetime

    org = services.organizations.create(OrganizationData(name="Acme Mobility"))
    other = services.organizations.create(OrganizationData(name="Beta Transit"))
    people = [_contact(services, given=f"P{k}", organization_id=org.id, tags=["mobility"],
                       emails=[EmailData(f"p{k}@example.org")]) for k in range(4)]
    meeting = services.meetings.create(MeetingData(
        title="Board", starts_at=datetime(2027, 1, 12, 16, 0, tzinfo=UTC),
        action_items=[ActionItemData(text="Send minutes", owner_id=people[0].id)]))
    services.proposals.create(ProposalData(title="Curb data", lead_organization_id=other.id,
                                           tags=["mobility"]))
    # Parents removed with the foreign keys off, as a pull can leave them before repair.
    raw = sqlite3.connect(db.path)
    raw.execute("PRAGMA foreign_keys = OFF")
    for statement in ("DELETE FROM organization", "DELETE FROM tag",
                      f"DELETE FROM contact WHERE id = '{people[0].id}'",
                      f"DELETE FROM meeting WHERE id = '{meeting.id}'"):
        raw.execute(statement)
    raw.commit()
    raw.close()
    with db.read() as session:
        conn = session.connection().connection.driver_connection
        store = LocalStore(conn)
        synced = {spec.name for spec in synced_tables()}
        whole = sorted(p for p in conn.execute("PRAGMA foreign_key_check").fetchall()
                       if p[0] in synced)
        written = {spec.name: {r[0] for r in conn.execute(
            f"SELECT {spec.id_sql(spec.name)} FROM {spec.name}")} for spec in synced_tables()}
        assert len(whole) >= 10
        assert {p[0] for p in whole} >= {"contact", "contact_email", "contact_tag",
                                         "action_item", "proposal", "proposal_tag"}
        assert sorted(store._reference_problems(written)) == whole
        # Rows not written are not looked at.
        only_emails = {"contact_email": written["contact_email"]}
        assert sorted(store._reference_problems(only_emails)) == [
            p for p in whole if p[0] == "contact_email"]


def test_a_row_pulled_onto_a_parent_deleted_here_is_repaired(laptops) -> None:
    a, b = laptops("a"), laptops("b")
    org = a.services.organizations.create(OrganizationData(name="Acme Mobility"))
    a.join()
    b.join()
    b.services.organizations.delete(org.id)
    b.services.organizations.purge(org.id)
    ada = _contact(a.services, organization_id=org.id, emails=[EmailData("ada@example.org")])
    a.sync()
    b.sync()  # pulls Ada pointing to the organization purged here: the link is cleared
    assert b.services.contacts.get(ada.id).organization_id is None
    a.sync()
    for laptop in (a, b):
        got = laptop.services.contacts.get(ada.id)
        assert got.organization_id is None
        assert [e.address for e in got.emails] == ["ada@example.org"]
