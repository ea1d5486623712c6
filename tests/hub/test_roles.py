"""Least privilege on a real hub, role by role: what a viewer, a coordinator and the
administrator can and cannot do; private rows; forced row-level security; timeouts."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.types.json import Jsonb

from tests.hub.conftest import login
from tests.pgserver import Hub

DENIED = (psycopg.errors.InsufficientPrivilege,)


def _seed(conn: psycopg.Connection) -> None:
    conn.execute("INSERT INTO hub.record (kind, id, data) VALUES ('contact', 'c1', %s)",
                 (Jsonb({"given_name": "Ada"}),))
    conn.execute("INSERT INTO hub.internal (kind, id, data) VALUES ('proposal', 'p1', %s)",
                 (Jsonb({"internal_notes": "our bid is low"}),))
    conn.execute("INSERT INTO hub.private (kind, id, data) VALUES ('contact', 'c1', %s)",
                 (Jsonb({"private_notes": "likes tea"}),))


def test_viewer_reads_shared_records_but_not_internal_and_changes_nothing(hub: Hub) -> None:
    coordinator = login(*hub.add_login("coordinator"))
    _seed(coordinator)
    viewer = login(*hub.add_login("viewer", consortium="North"))

    assert viewer.execute("SELECT id, data FROM hub.record").fetchall() == [
        ("c1", {"given_name": "Ada"})]
    assert viewer.execute("SELECT count(*) FROM hub.member").fetchone()[0] == 3
    assert viewer.execute("SELECT coalition_name FROM hub.meta").fetchone() == (
        "Test coalition",)
    assert viewer.execute("SELECT count(*) FROM hub.private").fetchone() == (0,)
    statements = [
        "SELECT * FROM hub.internal",
        "INSERT INTO hub.record (kind, id, data) VALUES ('contact', 'c2', '{}')",
        "UPDATE hub.record SET data = '{\"given_name\": \"Eve\"}'",
        "INSERT INTO hub.internal (kind, id, data) VALUES ('proposal', 'p2', '{}')",
        "INSERT INTO hub.private (kind, id, data) VALUES ('contact', 'c1', '{}')",
        "UPDATE hub.meta SET coalition_name = 'x'",
        "UPDATE hub.clock SET value = 99",
        "INSERT INTO hub.member (login, role) VALUES ('someone', 'viewer')",
        "DELETE FROM hub.record",
        "SELECT hub.purge('contact', ARRAY['c1'])",
        "SELECT hub.set_data_schema('0099')",
    ]
    for statement in statements:
        with pytest.raises(DENIED):
            viewer.execute(statement)
            pytest.fail(f"allowed: {statement}")
    assert coordinator.execute("SELECT data FROM hub.record").fetchone() == (
        {"given_name": "Ada"},)


def test_coordinator_cannot_delete_truncate_alter_or_create(hub: Hub) -> None:
    coordinator = login(*hub.add_login("coordinator"))
    _seed(coordinator)
    statements = [
        "DELETE FROM hub.record",
        "DELETE FROM hub.internal",
        "DELETE FROM hub.private",
        "DELETE FROM hub.member",
        "TRUNCATE hub.record",
        "TRUNCATE hub.private",
        "ALTER TABLE hub.record ADD COLUMN extra text",
        "ALTER TABLE hub.record DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE hub.record DISABLE TRIGGER stamp",
        "DROP POLICY members_read ON hub.record",
        "DROP TABLE hub.record",
        "CREATE TABLE hub.mine (x int)",
        "CREATE FUNCTION hub.mine() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE TABLE public.mine (x int)",
        "CREATE SCHEMA mine",
        "CREATE TEMPORARY TABLE mine (x int)",
        "UPDATE hub.clock SET value = 0",
        "UPDATE hub.meta SET coalition_name = 'x'",
        "INSERT INTO hub.member (login, role) VALUES ('someone', 'coordinator')",
    ]
    for statement in statements:
        with pytest.raises(DENIED):
            coordinator.execute(statement)
            pytest.fail(f"allowed: {statement}")
    assert coordinator.execute("SELECT count(*) FROM hub.record").fetchone() == (1,)
    # Row-level security hides the member rows from a non-administrator's UPDATE.
    assert coordinator.execute("UPDATE hub.member SET role = 'admin'").rowcount == 0
    roles = coordinator.execute(
        "SELECT count(*) FROM hub.member WHERE role = 'admin'").fetchone()
    assert roles == (1,)


def test_a_row_cannot_be_renamed_away_without_a_tombstone(hub: Hub) -> None:
    """Changing a row's key would make it vanish from other laptops unnoticed."""
    coordinator = login(*hub.add_login("coordinator"))
    _seed(coordinator)
    for statement in ("UPDATE hub.record SET id = 'c2'", "UPDATE hub.record SET kind = 'x'",
                      "UPDATE hub.internal SET id = 'p2'", "UPDATE hub.private SET id = 'c2'",
                      "UPDATE hub.private SET owner = 'someone'"):
        with pytest.raises(DENIED):
            coordinator.execute(statement)
            pytest.fail(f"allowed: {statement}")
    coordinator.execute(
        "INSERT INTO hub.record (kind, id, data) VALUES ('contact', 'c1', '{\"a\": 1}') "
        "ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data")
    assert coordinator.execute("SELECT data FROM hub.record").fetchone() == ({"a": 1},)


def test_tombstones_only_through_purge(hub: Hub) -> None:
    coordinator = login(*hub.add_login("coordinator"))
    _seed(coordinator)
    with pytest.raises(DENIED):
        coordinator.execute("UPDATE hub.record SET data = NULL WHERE id = 'c1'")
    with pytest.raises(DENIED):
        coordinator.execute("INSERT INTO hub.record (kind, id, data) VALUES ('contact', 'c9', "
                            "NULL)")

    written = coordinator.execute("SELECT hub.purge('contact', ARRAY['c1', 'c-never'])")
    assert written.fetchone() == (2,)
    rows = coordinator.execute("SELECT id, data, changed_by FROM hub.record "
                               "WHERE kind = 'contact' ORDER BY id").fetchall()
    assert rows == [("c-never", None, hub_login_name(coordinator)),
                    ("c1", None, hub_login_name(coordinator))]
    assert coordinator.execute("SELECT data FROM hub.private WHERE id = 'c1'").fetchone() == (
        None,)
    # Purging again writes nothing new (no version churn).
    assert coordinator.execute("SELECT hub.purge('contact', ARRAY['c1'])").fetchone() == (0,)


def hub_login_name(conn: psycopg.Connection) -> str:
    return str(conn.execute("SELECT session_user").fetchone()[0])


def test_purge_reaches_every_owners_private_rows(hub: Hub) -> None:
    alice = login(*hub.add_login("coordinator"))
    bob = login(*hub.add_login("coordinator"))
    _seed(alice)
    bob.execute("INSERT INTO hub.private (kind, id, data) VALUES ('contact', 'c1', "
                "'{\"private_notes\": \"bob too\"}')")
    bob.execute("SELECT hub.purge('contact', ARRAY['c1'])")
    assert alice.execute("SELECT data FROM hub.private").fetchall() == [(None,)]
    assert bob.execute("SELECT data FROM hub.private").fetchall() == [(None,)]
    assert alice.execute("SELECT data FROM hub.internal WHERE id = 'p1'").fetchone() == (
        {"internal_notes": "our bid is low"},)


def test_private_rows_belong_to_their_owner_on_any_connection(hub: Hub) -> None:
    alice_address, alice_password = hub.add_login("coordinator")
    alice = login(alice_address, alice_password)
    _seed(alice)
    bob = login(*hub.add_login("coordinator"))
    viewer = login(*hub.add_login("viewer"))
    admin = login(hub.address, hub.password)

    for other in (bob, viewer, admin):
        assert other.execute("SELECT count(*) FROM hub.private").fetchone() == (0,)
    # Another login cannot overwrite or claim alice's row either.
    bob.execute("UPDATE hub.private SET data = '{}'")
    with pytest.raises(DENIED):
        bob.execute("INSERT INTO hub.private (owner, kind, id, data) "
                    "VALUES (%s, 'contact', 'c1', '{}')", (alice_address.user,))
    # Alice's second laptop: a new connection with the same login sees her notes.
    second_laptop = login(alice_address, alice_password)
    assert second_laptop.execute("SELECT owner, data FROM hub.private").fetchall() == [
        (alice_address.user, {"private_notes": "likes tea"})]


def test_admin_is_bound_by_row_level_security_too(hub: Hub) -> None:
    admin = login(hub.address, hub.password)
    _seed(admin)
    with pytest.raises(DENIED):
        admin.execute("UPDATE hub.record SET data = NULL")
    with pytest.raises(DENIED):
        admin.execute("DELETE FROM hub.record")
    with pytest.raises(DENIED):
        admin.execute("ALTER TABLE hub.record ADD COLUMN extra text")
    owner = f"{hub.dbname}_owner"
    member_of_owner = admin.execute("SELECT pg_has_role(session_user, %s, 'USAGE')",
                                    (owner,)).fetchone()
    assert member_of_owner == (False,)


def test_row_level_security_is_forced_on_every_table(hub: Hub) -> None:
    with hub.server.superuser_conn(hub.dbname) as su:
        tables = su.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'hub' AND c.relkind IN ('r', 'p') ORDER BY 1").fetchall()
    assert {name for name, _, _ in tables} >= {"meta", "clock", "record", "internal",
                                               "private", "member"}
    assert [name for name, enabled, forced in tables if not (enabled and forced)] == []


def test_no_delete_or_truncate_is_granted_to_anyone(hub: Hub) -> None:
    hub.add_login("coordinator")
    with hub.server.superuser_conn(hub.dbname) as su:
        granted = su.execute(
            "SELECT grantee, table_name, privilege_type FROM information_schema.table_privileges "
            "WHERE table_schema = 'hub' AND privilege_type IN ('DELETE', 'TRUNCATE') "
            "AND grantee <> %s", (f"{hub.dbname}_owner",)).fetchall()
    assert granted == []


def test_login_roles_are_unprivileged_and_have_timeouts(hub: Hub) -> None:
    coordinator, _ = hub.add_login("coordinator")
    viewer, _ = hub.add_login("viewer")
    logins = [hub.address.user, coordinator.user, viewer.user]
    with hub.server.superuser_conn(hub.dbname) as su:
        flags = su.execute(
            "SELECT rolname, rolsuper, rolbypassrls, rolcreatedb, rolreplication "
            "FROM pg_roles WHERE rolname = ANY(%s)", (logins,)).fetchall()
        assert len(flags) == 3
        assert [row[0] for row in flags if any(row[1:])] == []
        created_roles = su.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s) AND rolcreaterole",
            (logins,)).fetchall()
        assert created_roles == [(hub.address.user,)]  # only the administrator
        for name in logins:
            settings = su.execute(
                "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r "
                "ON r.oid = s.setrole WHERE r.rolname = %s AND s.setdatabase = 0",
                (name,)).fetchone()
            assert settings is not None, name
            names = {entry.split("=", 1)[0] for entry in settings[0]}
            assert names >= {"statement_timeout", "lock_timeout",
                             "idle_in_transaction_session_timeout"}, name
    # They apply on a member's own session.
    member = login(*hub.add_login("coordinator"))
    assert member.execute("SHOW lock_timeout").fetchone() != ("0",)
    assert member.execute("SHOW idle_in_transaction_session_timeout").fetchone() != ("0",)


def test_stamps_cannot_be_forged(hub: Hub) -> None:
    coordinator = login(*hub.add_login("coordinator"))
    coordinator.execute(
        "INSERT INTO hub.record (kind, id, data, version, changed_by, changed_at) "
        "VALUES ('contact', 'c1', '{}', 999999, 'someone-else', '2000-01-01')")
    row = coordinator.execute("SELECT version, changed_by, changed_at > now() - "
                              "interval '1 hour' FROM hub.record").fetchone()
    assert row == (1, hub_login_name(coordinator), True)
    coordinator.execute("UPDATE hub.record SET version = 5, changed_by = 'x'")
    assert coordinator.execute("SELECT version, changed_by FROM hub.record").fetchone() == (
        2, hub_login_name(coordinator))


def test_only_the_administrator_prunes_tombstones(hub: Hub) -> None:
    from coordinator.hub.admin import prune_tombstones
    from coordinator.hub.connect import connect

    coordinator = login(*hub.add_login("coordinator"))
    _seed(coordinator)
    coordinator.execute("SELECT hub.purge('contact', ARRAY['c1'])")
    c1_gone = coordinator.execute("SELECT value FROM hub.clock").fetchone()[0]
    coordinator.execute("INSERT INTO hub.record (kind, id, data) VALUES ('contact', 'c3', "
                        "'{}')")
    coordinator.execute("SELECT hub.purge('contact', ARRAY['c3'])")
    with pytest.raises(DENIED):
        coordinator.execute("SELECT hub.prune(1000)")
    with connect(hub.address, hub.password) as admin:
        # c1's record and private tombstones go; c3's is newer and stays.
        assert prune_tombstones(admin, c1_gone + 1) == 2
        rows = admin.execute("SELECT id, data IS NULL FROM hub.record ORDER BY id").fetchall()
        pruned = admin.execute("SELECT pruned_before FROM hub.meta").fetchone()
        assert prune_tombstones(admin, 1000) == 1  # capped just above the clock
        capped = admin.execute("SELECT pruned_before, (SELECT value + 1 FROM hub.clock) "
                               "FROM hub.meta").fetchone()
    assert rows == [("c3", True)]
    assert pruned == (c1_gone + 1,)
    assert capped[0] == capped[1]
