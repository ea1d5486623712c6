"""Setting up and upgrading the hub's schema: only on an empty database, all or
nothing, and a migration never loses rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from coordinator.hub.connect import HubError, check_hub, connect, read_hub_info
from coordinator.hub.schema import (
    HUB_SCHEMA,
    init_hub,
    migration_files,
    record_data_schema,
    upgrade_hub,
)
from tests.hub.conftest import login
from tests.pgserver import Hub, HubAdmin

MIGRATIONS = Path(__file__).resolve().parents[2] / "coordinator" / "hub" / "migrations"


def _hub_objects(hub_admin: HubAdmin) -> int:
    with hub_admin.server.superuser_conn(hub_admin.dbname) as su:
        row = su.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'hub'").fetchone()
        roles = su.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE %s",
                           (f"{hub_admin.dbname}\\_%",)).fetchone()
    return int(row[0]) + int(roles[0])


def test_init_refuses_a_database_that_is_not_empty(hub_admin: HubAdmin) -> None:
    with hub_admin.connect() as conn:
        conn.execute("CREATE TABLE public.customers (id int)")
        conn.commit()
        with pytest.raises(HubError) as exc:
            init_hub(conn, "Coalition")
    assert str(exc.value) == ("This database is not empty (1 tables or other objects): a hub "
                              "needs an empty database; nothing was changed.")
    assert _hub_objects(hub_admin) == 0


def test_init_accepts_a_database_with_only_the_providers_extensions(
        hub_admin: HubAdmin) -> None:
    with hub_admin.server.superuser_conn(hub_admin.dbname) as su:
        su.execute("CREATE EXTENSION pg_stat_statements")  # views in schema public
    with hub_admin.connect() as conn:
        assert init_hub(conn, "Coalition").hub_schema == HUB_SCHEMA


def test_init_refuses_an_existing_hub(hub: Hub) -> None:
    with connect(hub.address, hub.password) as conn, pytest.raises(HubError) as exc:
        init_hub(conn, "Again")
    assert str(exc.value) == ("This database already holds a team hub of Test coalition: "
                              "nothing was changed (use another, empty database for a new "
                              "hub).")


def test_init_refuses_a_superuser_or_a_login_without_createrole(hub_admin: HubAdmin) -> None:
    with hub_admin.server.superuser_conn() as su:
        su.execute(f'ALTER ROLE "{hub_admin.address.user}" NOCREATEROLE')
    with hub_admin.connect() as conn, pytest.raises(HubError) as exc:
        init_hub(conn, "Coalition")
    assert "lacks CREATEROLE" in str(exc.value)
    with hub_admin.server.superuser_conn() as su:
        su.execute(f'ALTER ROLE "{hub_admin.address.user}" SUPERUSER')
    with hub_admin.connect() as conn, pytest.raises(HubError) as exc:
        init_hub(conn, "Coalition")
    assert "is a superuser, which row-level security does not restrict" in str(exc.value)
    assert _hub_objects(hub_admin) == 0


def test_init_sets_up_the_hub_with_its_administrator(hub_admin: HubAdmin) -> None:
    with hub_admin.connect() as conn:
        info = init_hub(conn, "  Smart   Cities  ")
        members = conn.execute("SELECT login, role FROM hub.member").fetchall()
    assert (info.name, info.hub_schema, info.pruned_before) == ("Smart Cities", HUB_SCHEMA, 0)
    assert members == [(hub_admin.address.user, "admin")]
    # Other logins of the same server cannot even connect to the hub's database.
    with hub_admin.server.superuser_conn() as su:
        su.execute("CREATE ROLE stranger_x LOGIN PASSWORD 'pw-stranger'")
    try:
        import dataclasses

        stranger = dataclasses.replace(hub_admin.address, user="stranger_x")
        with pytest.raises(HubError) as exc:
            connect(stranger, "pw-stranger")
        assert "may not use the hub" in str(exc.value)
    finally:
        with hub_admin.server.superuser_conn() as su:
            su.execute("DROP ROLE stranger_x")


def _folder_with(tmp_path: Path, extra_sql: str) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for source in MIGRATIONS.glob("*.sql"):
        shutil.copy(source, folder / source.name)
    (folder / f"{HUB_SCHEMA + 1:04d}_next.sql").write_text(extra_sql)
    return folder


def _fill(hub: Hub) -> None:
    with login(*hub.add_login("coordinator")) as conn:
        for i in range(50):
            conn.execute("INSERT INTO hub.record (kind, id, data) VALUES ('contact', %s, '{}')",
                         (str(i),))
        conn.execute("INSERT INTO hub.private (kind, id, data) VALUES ('contact', '1', '{}')")


def test_upgrade_applies_the_next_migration_and_keeps_every_row(hub: Hub,
                                                                tmp_path: Path) -> None:
    _fill(hub)
    folder = _folder_with(tmp_path, "ALTER TABLE hub.record ADD COLUMN origin text;\n"
                                    "UPDATE hub.record SET origin = 'laptop';\n")
    with connect(hub.address, hub.password) as conn:
        assert upgrade_hub(conn, folder=folder) == HUB_SCHEMA + 1
        info = read_hub_info(conn)
        rows = conn.execute("SELECT count(*), count(origin) FROM hub.record").fetchone()
        owner = conn.execute("SELECT pg_has_role(session_user, %s, 'USAGE')",
                             (f"{hub.dbname}_owner",)).fetchone()
    assert info is not None and info.hub_schema == HUB_SCHEMA + 1
    assert rows == (50, 50)
    assert owner == (False,)  # the administrator left the owner role again
    # This build does not know schema 2: it says so instead of guessing.
    with connect(hub.address, hub.password) as conn, pytest.raises(HubError) as exc:
        check_hub(conn, None)
    assert "update Coordinator" in str(exc.value)


def test_a_migration_that_would_lose_rows_changes_nothing(hub: Hub, tmp_path: Path) -> None:
    _fill(hub)
    folder = _folder_with(tmp_path, "ALTER TABLE hub.record ADD COLUMN origin text;\n"
                                    "DELETE FROM hub.record WHERE id = '7';\n")
    with connect(hub.address, hub.password) as conn:
        with pytest.raises(HubError) as exc:
            upgrade_hub(conn, folder=folder)
        assert str(exc.value) == ("Hub migration 0002 would lose rows of record: nothing was "
                                  "changed.")
        info = read_hub_info(conn)
        columns = conn.execute("SELECT count(*) FROM information_schema.columns WHERE "
                               "table_schema = 'hub' AND table_name = 'record' AND "
                               "column_name = 'origin'").fetchone()
        assert conn.execute("SELECT count(*) FROM hub.record").fetchone() == (50,)
    assert info is not None and info.hub_schema == HUB_SCHEMA
    assert columns == (0,)


def test_upgrade_is_for_the_administrator_only(hub: Hub, tmp_path: Path) -> None:
    folder = _folder_with(tmp_path, "ALTER TABLE hub.record ADD COLUMN origin text;\n")
    with connect(*hub.add_login("coordinator")) as conn, pytest.raises(HubError):
        upgrade_hub(conn, folder=folder)
    with connect(hub.address, hub.password) as conn:
        assert upgrade_hub(conn) == HUB_SCHEMA  # already current: nothing to do


def test_data_schema_only_moves_forward(hub: Hub) -> None:
    with connect(*hub.add_login("coordinator")) as conn:
        assert record_data_schema(conn, "0007") == "0007"
        assert record_data_schema(conn, "0006") == "0007"
        conn.commit()
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            record_data_schema(conn, "head")
        conn.rollback()
        assert check_hub(conn, None).data_schema == "0007"
    with connect(*hub.add_login("viewer")) as conn, pytest.raises(
            psycopg.errors.InsufficientPrivilege):
        record_data_schema(conn, "0008")


def test_touch_sync_marks_the_callers_last_sync(hub: Hub) -> None:
    address, password = hub.add_login("viewer")
    with login(address, password) as conn:
        conn.execute("SELECT hub.touch_sync()")
        rows = conn.execute("SELECT login FROM hub.member WHERE last_sync_at IS NOT NULL"
                            ).fetchall()
    assert rows == [(address.user,)]


def test_migration_files_are_numbered_without_gaps() -> None:
    assert [v for v, _ in migration_files()] == list(range(1, HUB_SCHEMA + 1))
