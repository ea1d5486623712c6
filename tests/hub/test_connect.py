"""Reaching the hub: the address, and one clear line for each way it can fail."""

from __future__ import annotations

import dataclasses
import socket
import uuid

import pytest

from coordinator.errors import CoordinatorError
from coordinator.hub.admin import remove_user
from coordinator.hub.connect import (
    HubAddress,
    HubError,
    check_hub,
    connect,
    connection_params,
    parse_hub_url,
)
from coordinator.hub.schema import HUB_SCHEMA
from tests.pgserver import Hub, HubAdmin


def _one_line(exc: pytest.ExceptionInfo[HubError]) -> str:
    message = str(exc.value)
    assert "\n" not in message and message.strip() == message and message
    assert "Traceback" not in message
    return message


def test_parse_hub_url() -> None:
    address = parse_hub_url("postgresql://alice@hub.example.org:6543/coalition")
    assert address == HubAddress(host="hub.example.org", port=6543, dbname="coalition",
                                 user="alice")
    assert address.effective_sslmode == "verify-full"
    assert parse_hub_url("postgres://bob@localhost/c").effective_sslmode == "prefer"
    assert parse_hub_url("postgresql://bob@[::1]/c").port == 5432
    tls = parse_hub_url("postgresql://a@db.example.org/c?sslrootcert=/ca.pem&hostaddr=10.0.0.1")
    assert (tls.sslrootcert, tls.hostaddr) == ("/ca.pem", "10.0.0.1")
    assert parse_hub_url(tls.url()) == tls


def test_verify_full_is_the_default_for_remote_hosts() -> None:
    remote = connection_params(parse_hub_url("postgresql://a@db.example.org/c"), "pw")
    assert remote["sslmode"] == "verify-full" and remote["sslrootcert"]
    local = connection_params(parse_hub_url("postgresql://a@127.0.0.1/c"), "pw")
    assert local["sslmode"] == "prefer"


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://alice:secret@hub.example.org/coalition", "contains a password: leave it"),
    ("https://alice@hub.example.org/coalition", "must start with postgresql://"),
    ("postgresql://hub.example.org/coalition", "lacks a user"),
    ("postgresql://alice@hub.example.org/", "lacks a database name"),
    ("postgresql://alice@hub.example.org:99999/c", "is not valid"),
    ("postgresql://alice@hub.example.org/c?password=x", "unknown option 'password'"),
    ("postgresql://alice@hub.example.org/c?sslmode=sometimes", "sslmode 'sometimes'"),
])
def test_bad_urls_are_refused_clearly(url: str, expected: str) -> None:
    with pytest.raises(HubError) as exc:
        parse_hub_url(url)
    assert expected in _one_line(exc)
    assert "secret" not in str(exc.value)
    assert isinstance(exc.value, CoordinatorError)


def test_wrong_password(hub: Hub) -> None:
    with pytest.raises(HubError) as exc:
        connect(hub.address, "not-the-password")
    assert _one_line(exc) == (
        f"The hub refused the password for {hub.address.user} at {hub.address.display()}: "
        "check it, or ask the hub's administrator for a new one.")


def test_unreachable_port(hub: Hub) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = dataclasses.replace(hub.address, port=port)
    with pytest.raises(HubError) as exc:
        connect(address, hub.password)
    assert _one_line(exc) == (f"The hub at 127.0.0.1:{port} cannot be reached: check the "
                              "network and the address.")


def test_missing_database(hub: Hub) -> None:
    with pytest.raises(HubError) as exc:
        connect(dataclasses.replace(hub.address, dbname="nothere"), hub.password)
    assert "There is no database nothere at" in _one_line(exc)


def test_revoked_user(hub: Hub) -> None:
    address, password = hub.add_login("coordinator")
    still_open = connect(address, password)
    with connect(hub.address, hub.password) as admin:
        remove_user(admin, address.user)
    with pytest.raises(HubError) as exc:
        connect(address, password)
    assert _one_line(exc) == (f"Your hub access was revoked ({address.user} at "
                              f"{address.display()}): ask the hub's administrator.")
    # A session opened before the removal can no longer read the hub either.
    with pytest.raises(HubError) as exc:
        check_hub(still_open, None)
    assert "has no access to the hub" in _one_line(exc)
    still_open.close()


def test_check_hub_reports_the_hub(hub: Hub) -> None:
    with connect(*hub.add_login("viewer")) as conn:
        info = check_hub(conn, hub.info.coalition_id)
        assert conn.info.transaction_status.name == "IDLE"  # no transaction left open
    assert info == hub.info
    assert (info.name, info.hub_schema, info.data_schema) == ("Test coalition", HUB_SCHEMA,
                                                              None)


def test_hub_of_another_coalition(hub: Hub) -> None:
    with connect(hub.address, hub.password) as conn, pytest.raises(HubError) as exc:
        check_hub(conn, str(uuid.uuid4()))
    assert _one_line(exc) == (f"The hub at {hub.address.display()} belongs to another "
                              "coalition (Test coalition): this database syncs with a "
                              "different hub.")


def test_database_that_is_not_a_hub(hub_admin: HubAdmin) -> None:
    with hub_admin.connect() as conn, pytest.raises(HubError) as exc:
        check_hub(conn, None)
    assert "is not a Coordinator team hub" in _one_line(exc)


def test_hub_schema_newer_than_this_build(hub: Hub) -> None:
    with hub.server.superuser_conn(hub.dbname) as su:
        su.execute("UPDATE hub.meta SET hub_schema = %s", (HUB_SCHEMA + 1,))
    with connect(hub.address, hub.password) as conn, pytest.raises(HubError) as exc:
        check_hub(conn, hub.info.coalition_id)
    assert _one_line(exc) == (
        f"The hub at {hub.address.display()} uses a newer hub schema ({HUB_SCHEMA + 1}) than "
        f"this Coordinator knows ({HUB_SCHEMA}): update Coordinator.")


def test_the_password_never_comes_from_the_environment(hub: Hub,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", hub.password)
    with pytest.raises(HubError) as exc:
        connect(hub.address, None)
    assert "refused the password" in _one_line(exc)
