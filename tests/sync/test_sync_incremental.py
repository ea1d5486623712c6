"""What keeps an incremental sync proportional to what it carries: the reference check
after a pull looks at the rows the pull wrote, and a laptop does not download its own
push again. Each shortcut must give the same result as the long way."""

from __future__ import annotations

import dataclasses
import sqlite3

from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.records import (
    ActionItemData,
    EmailData,
    MeetingData,
    OrganizationData,
    ProposalData,
)
from coordinator.sync import api, engine
from coordinator.sync.local import LocalStore
from coordinator.sync.tables import synced_tables
from tests.sync.conftest import new_contact


def test_the_check_of_written_rows_finds_what_the_whole_check_finds(
        db: Database, services: Services) -> None:
    """Every kind of broken reference (plain tables and link tables, SET NULL and
    CASCADE keys) is found by the check limited to the written rows."""
    from datetime import UTC, datetime

    org = services.organizations.create(OrganizationData(name="Acme Mobility"))
    other = services.organizations.create(OrganizationData(name="Beta Transit"))
    people = [new_contact(services, given=f"P{k}", organization_id=org.id, tags=["mobility"],
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
    ada = new_contact(a.services, organization_id=org.id, emails=[EmailData("ada@example.org")])
    a.sync()
    b.sync()  # pulls Ada pointing to the organization purged here: the link is cleared
    assert b.services.contacts.get(ada.id).organization_id is None
    a.sync()
    for laptop in (a, b):
        got = laptop.services.contacts.get(ada.id)
        assert got.organization_id is None
        assert [e.address for e in got.emails] == ["ada@example.org"]


# -- a laptop's own pushes ---------------------------------------------------------------
def _count_reads(monkeypatch) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Counts the rows each pull downloads from the hub."""
    read = {"rows": 0}
    original = engine._read_changes

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        for batch in original(*args, **kwargs):
            read["rows"] += len(batch)
            yield batch

    monkeypatch.setattr(engine, "_read_changes", counting)
    return read


def test_a_laptop_does_not_download_its_own_push_again(laptops, monkeypatch) -> None:
    a, b = laptops("a"), laptops("b")
    for k in range(30):
        new_contact(a.services, family=f"F{k}", emails=[EmailData(f"f{k}@example.org")])
    read = _count_reads(monkeypatch)
    a.join()
    assert read["rows"] == 0  # an empty hub
    a.sync()
    assert read["rows"] == 0  # its own 60 rows are not read back
    b.join()
    ada = new_contact(b.services, given="Bea")
    b.sync()
    read["rows"] = 0
    assert a.sync().pulled == 1
    assert read["rows"] == 1  # what the other laptop pushed, and only that
    assert a.services.contacts.get(ada.id).full_name == ada.full_name
    a.edit_contact(ada.id, title="Director")
    a.sync()
    read["rows"] = 0
    assert a.sync().pulled == 0 and read["rows"] == 0
    assert b.sync().pulled == 1
    assert b.services.contacts.get(ada.id).title == "Director"


def test_two_laptops_of_one_login_still_get_each_others_pushes(laptops) -> None:
    a = laptops("a")
    a2 = laptops("a2", same_login_as=a)
    ada = new_contact(a.services, private_notes="Met at the summit")
    a.join()
    a2.join()
    assert a2.services.contacts.get(ada.id).private_notes == "Met at the summit"
    a.edit_contact(ada.id, title="Director")
    a.sync()
    assert a2.sync().pulled >= 1
    assert a2.services.contacts.get(ada.id).title == "Director"
    a2.edit_contact(ada.id, private_notes="Prefers email")
    a2.sync()
    a.sync()
    got = a.services.contacts.get(ada.id)
    assert (got.title, got.private_notes) == ("Director", "Prefers email")


def test_a_row_changed_here_during_its_push_still_reaches_the_hub(laptops,
                                                                  monkeypatch) -> None:
    """The version of a push whose row changed meanwhile is pulled back for the merge;
    skipping it would leave the row refused by the hub for ever."""
    a, b = laptops("a"), laptops("b")
    ada = new_contact(a.services)
    a.join()
    b.join()
    a.edit_contact(ada.id, title="Director")
    original = engine._push_live
    done = {"edited": False}

    def edit_meanwhile(hub, spec, rows):  # type: ignore[no-untyped-def]
        outcome = original(hub, spec, rows)
        if spec.name == "contact" and not done["edited"]:
            done["edited"] = True
            a.edit_contact(ada.id, nickname="Countess")
        return outcome

    monkeypatch.setattr(engine, "_push_live", edit_meanwhile)
    a.sync()
    monkeypatch.setattr(engine, "_push_live", original)
    assert done["edited"]
    a.sync()
    assert api.status(a.db).waiting == {}
    b.sync()
    got = b.services.contacts.get(ada.id)
    assert (got.title, got.nickname) == ("Director", "Countess")


def test_the_spans_read_leave_out_exactly_the_own_versions() -> None:
    assert engine._spans(10, 20, []) == [(10, 20)]
    assert engine._spans(10, 20, [(11, 20)]) == []
    assert engine._spans(10, 20, [(12, 13), (15, 15)]) == [(10, 11), (13, 14), (15, 20)]
    assert engine._spans(10, 20, [(3, 12), (18, 30)]) == [(12, 17)]
    assert engine._spans(10, 20, [(1, 5), (25, 30)]) == [(10, 20)]
    covered = {v for after, upto in engine._spans(0, 50, [(5, 9), (10, 10), (30, 41)])
               for v in range(after + 1, upto + 1)}
    assert covered == set(range(1, 51)) - set(range(5, 11)) - set(range(30, 42))


def test_slow_local_work_after_a_pull_does_not_hold_the_hub_transaction(
        laptops, hub, monkeypatch) -> None:
    """The hub ends sessions idle in a transaction (a minute in production): indexing
    and committing a big first pull happen after the hub's read transaction ended."""
    import time

    a, b = laptops("a"), laptops("b")
    ada = new_contact(a.services)
    a.join()
    with hub.server.superuser_conn(hub.dbname) as su:
        su.execute(f'ALTER ROLE "{b.address.user}" SET idle_in_transaction_session_timeout '
                   "= '500ms'")
    original = engine._reindex

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(1.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "_reindex", slow)
    b.join()
    assert b.services.contacts.get(ada.id).full_name == ada.full_name
    assert ada.id in {hit.id for hit in b.services.search.search("lovelace").hits}


def test_children_brought_back_onto_a_parent_deleted_here_are_repaired(laptops) -> None:
    """A proposal deleted for good here but edited on the hub comes back with its
    partners; a partner whose organization was also deleted for good here cannot, and
    goes, as its foreign key says (the check covers rows brought back, not only pulled)."""
    from coordinator.services.records import PartnerData

    a, b = laptops("a"), laptops("b")
    gone = a.services.organizations.create(OrganizationData(name="Gone Transit"))
    kept = a.services.organizations.create(OrganizationData(name="Kept Mobility"))
    plan = a.services.proposals.create(ProposalData(
        title="Curb data", partners=[PartnerData(gone.id), PartnerData(kept.id)]))
    a.join()
    b.join()
    a.sync()  # past its first pull: the next one checks only what it writes
    b.services.proposals.update(plan.id, dataclasses.replace(
        b.services.proposals.get(plan.id), title="Curb data pilot"))
    b.sync()
    a.services.proposals.delete(plan.id)
    a.services.organizations.delete(gone.id)
    a.services.trash.empty()
    assert a.sync().conflicts == 1
    b.sync()
    for laptop in (a, b):
        back = laptop.services.proposals.get(plan.id)
        assert back.title == "Curb data pilot"
        assert [p.organization_id for p in back.partners] == [kept.id]
        with sqlite3.connect(laptop.path) as raw:
            assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
            assert raw.execute("SELECT organization_id FROM proposal_partner").fetchall() == [
                (kept.id,)]


def test_text_of_any_script_and_escapes_reaches_the_other_laptop_exactly(laptops) -> None:
    """Payloads go as compact UTF-8 JSON: accents, other scripts, quotes, backslashes
    and line breaks arrive unchanged."""
    a, b = laptops("a"), laptops("b")
    notes = 'Zoë said "ok" \\ path C:\\new\n第二行 — ✓\ttab'
    ada = new_contact(a.services, given="Zoë", family="Ō'Brien", notes=notes,
                   private_notes="naïve")
    a.join()
    b2 = laptops("b2", same_login_as=a)
    b.join()
    b2.join()
    got = b.services.contacts.get(ada.id)
    assert (got.given_name, got.family_name, got.notes) == ("Zoë", "Ō'Brien", notes)
    assert b2.services.contacts.get(ada.id).private_notes == "naïve"
