"""The PostgreSQL test server: skipped locally when PostgreSQL is missing, but a failure
in CI, so the hub is never silently untested there."""

from __future__ import annotations

import pytest

from tests import pgserver


def test_missing_postgresql_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pgserver, "find_pg_bin", lambda: None)
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL's server"):
        pgserver.start_cluster()


def test_missing_postgresql_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pgserver, "find_pg_bin", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        pgserver.start_cluster()


def test_each_hub_admin_gets_its_own_database(pg_server: pgserver.PgServer,
                                              hub_admin: pgserver.HubAdmin) -> None:
    with hub_admin.connect() as conn:
        row = conn.execute("SELECT current_database(), current_user, rolcreaterole, rolsuper "
                           "FROM pg_roles WHERE rolname = current_user").fetchone()
    assert row == (hub_admin.dbname, hub_admin.address.user, True, False)
    with pg_server.superuser_conn() as su:
        settings = dict(su.execute("SELECT name, setting FROM pg_settings WHERE name IN "
                                   "('fsync', 'synchronous_commit', 'full_page_writes')"
                                   ).fetchall())
    assert settings == {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
