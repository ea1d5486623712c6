"""`coordinator hub init / add-user / remove-user / users` through main(), with their real
output, against a real PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.hub import credentials
from coordinator.hub.connect import connect, parse_hub_url
from tests.pgserver import Hub, HubAdmin
from tests.safety.keyrings import MemoryKeyring


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _sync_can_join() -> bool:
    try:
        from coordinator.sync import api
    except ImportError:
        return False
    return hasattr(api, "join")


@pytest.fixture
def local_db(db_path: Path) -> Path:
    from coordinator.db import Database
    from coordinator.services import Services
    from coordinator.services.records import ContactData

    db = Database.open(db_path)
    try:
        Services(db).contacts.create(ContactData(given_name="Ada", family_name="Example"))
    finally:
        db.close()
    return db_path


def test_hub_init_sets_up_the_hub(hub_admin: HubAdmin, local_db: Path,
                                  capsys: pytest.CaptureFixture[str],
                                  memory_keyring: MemoryKeyring) -> None:
    url = hub_admin.address.url()
    credentials.store_password(hub_admin.address, hub_admin.password)
    code, out, err = _run(capsys, "--db", str(local_db), "hub", "init", url, "--name",
                          "Smart Cities")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        f"The team hub of Smart Cities is set up at {hub_admin.address.display()} (hub "
        f"schema 1); {hub_admin.address.user} is its administrator.")
    with hub_admin.connect() as conn:
        assert conn.execute("SELECT coalition_name FROM hub.meta").fetchone() == (
            "Smart Cities",)
        if _sync_can_join():  # this database was pushed as the first content
            assert out.splitlines()[-1] == "This database was pushed as the hub's first content."
            assert conn.execute("SELECT count(*) FROM hub.meta WHERE data_schema IS NOT NULL"
                                ).fetchone() == (1,)
            names = conn.execute("SELECT data->>'given_name' FROM hub.record "
                                 "WHERE kind = 'contact'").fetchall()
            assert names == [("Ada",)]
    if _sync_can_join():  # user commands default to the hub this database syncs with
        code, out, err = _run(capsys, "--db", str(local_db), "hub", "users", "--format",
                              "json")
        assert (code, err) == (0, "")
        assert [u["login"] for u in json.loads(out)] == [hub_admin.address.user]
    code, out, err = _run(capsys, "--db", str(local_db), "hub", "upgrade", "--hub", url)
    assert (code, out, err) == (0, "The hub's schema is at version 1; nothing to do.\n", "")


def test_hub_init_on_a_non_empty_database_is_refused(hub_admin: HubAdmin, local_db: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with hub_admin.connect() as conn:
        conn.execute("CREATE TABLE public.payroll (id int)")
    credentials.store_password(hub_admin.address, hub_admin.password)
    code, out, err = _run(capsys, "--db", str(local_db), "hub", "init",
                          hub_admin.address.url())
    assert (code, out) == (1, "")
    assert err == ("coordinator: This database is not empty (1 tables or other objects): a "
                   "hub needs an empty database; nothing was changed.\n")
    with hub_admin.server.superuser_conn(hub_admin.dbname) as su:
        assert su.execute("SELECT to_regnamespace('hub')").fetchone() == (None,)


def test_a_password_in_the_url_is_refused(capsys: pytest.CaptureFixture[str],
                                          local_db: Path) -> None:
    code, out, err = _run(capsys, "--db", str(local_db), "hub", "init",
                          "postgresql://admin:hunter2@hub.example.org/coalition")
    assert (code, out) == (1, "")
    assert "contains a password: leave it out" in err and "hunter2" not in err
    assert err.count("\n") == 1


def test_no_stored_password_and_no_terminal(hub: Hub, local_db: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--db", str(local_db), "hub", "users", "--hub",
                        hub.address.url())
    assert code == 1
    assert err == (f"coordinator: No password is stored for {hub.address.user} at "
                   f"{hub.address.display()}: run this command in a terminal once to enter "
                   "it.\n")


def test_a_wrong_stored_password_is_forgotten(hub: Hub, local_db: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    credentials.store_password(hub.address, "stale-password")
    code, _, err = _run(capsys, "--db", str(local_db), "hub", "users", "--hub",
                        hub.address.url())
    assert code == 1
    assert "The hub refused the password" in err and "was forgotten" in err
    assert credentials.get_password(hub.address) is None


def test_add_user_list_and_remove(hub: Hub, local_db: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    credentials.store_password(hub.address, hub.password)
    hub_url = hub.address.url()
    name = f"ana_{hub.dbname}"
    code, out, err = _run(capsys, "--db", str(local_db), "hub", "add-user", name, "--role",
                          "coordinator", "--consortium", "North  Shore", "--hub", hub_url)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{name} can now use the hub as coordinator (North Shore)."
    assert lines[1] == f"Hub address: {dataclasses.replace(hub.address, user=name).url()}"
    assert lines[2].startswith("One-time password: ")
    password = lines[2].removeprefix("One-time password: ")
    with connect(parse_hub_url(lines[1].removeprefix("Hub address: ")), password) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (name,)

    code, out, err = _run(capsys, "--db", str(local_db), "hub", "users", "--hub", hub_url,
                          "--format", "json")
    assert (code, err) == (0, "")
    users = {u["login"]: u for u in json.loads(out)}
    assert users[name]["role"] == "coordinator"
    assert users[name]["consortium"] == "North Shore"
    assert users[name]["status"] == "active"
    assert users[hub.address.user]["role"] == "admin"

    code, out, err = _run(capsys, "--db", str(local_db), "hub", "users", "--hub", hub_url)
    assert code == 0 and name in out and "login" in out.splitlines()[0]

    code, out, err = _run(capsys, "--db", str(local_db), "hub", "remove-user", name, "--hub",
                          hub_url)
    assert (code, err) == (0, "")
    assert out == f"{name} can no longer use the hub; what they wrote stays.\n"
    code, out, _ = _run(capsys, "--db", str(local_db), "hub", "users", "--hub", hub_url,
                        "--format", "json")
    assert {u["login"]: u["status"] for u in json.loads(out)}[name] == "removed"


def test_add_user_mistakes(hub: Hub, local_db: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    credentials.store_password(hub.address, hub.password)
    hub_url = hub.address.url()
    code, _, err = _run(capsys, "--db", str(local_db), "hub", "add-user", "Bad Name!",
                        "--role", "viewer", "--hub", hub_url)
    assert code == 1 and "cannot be a hub login" in err
    code, _, err = _run(capsys, "--db", str(local_db), "hub", "remove-user", hub.address.user,
                        "--hub", hub_url)
    assert code == 1 and "is the hub's administrator and cannot be removed" in err
    code, _, err = _run(capsys, "--db", str(local_db), "hub", "remove-user", "nobody",
                        "--hub", hub_url)
    assert err == "coordinator: nobody is not a member of this hub.\n"
    with pytest.raises(SystemExit) as exc:
        _run(capsys, "--db", str(local_db), "hub", "add-user", "x", "--role", "admin",
             "--hub", hub_url)
    assert exc.value.code == 2


def test_only_the_administrator_manages_users(hub: Hub, local_db: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    address, password = hub.add_login("coordinator")
    credentials.store_password(address, password)
    code, _, err = _run(capsys, "--db", str(local_db), "hub", "add-user", "someone",
                        "--role", "viewer", "--hub", address.url())
    assert code == 1
    assert err == "coordinator: Only the hub's administrator can manage its users.\n"


def test_a_removed_member_can_be_added_again(hub: Hub) -> None:
    from coordinator.hub.admin import add_user, remove_user

    address, first = hub.add_login("viewer")
    with connect(hub.address, hub.password) as admin:
        remove_user(admin, address.user)
        second = add_user(admin, address.user, "coordinator", None)
    assert second != first
    with connect(address, second) as conn:
        conn.execute("INSERT INTO hub.record (kind, id, data) VALUES ('contact', 'x', '{}')")


def test_the_password_is_asked_once_and_kept_in_the_keyring(
        hub: Hub, local_db: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> None:
    import getpass
    import sys

    asked: list[str] = []

    def terminal_answer(prompt: str) -> str:
        asked.append(prompt)
        return hub.password

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(getpass, "getpass", terminal_answer)
    for _ in range(2):
        code, _, err = _run(capsys, "--db", str(local_db), "hub", "users", "--hub",
                            hub.address.url())
        assert (code, err) == (0, "")
    assert asked == [f"Password for {hub.address.user} at {hub.address.display()}: "]
    assert hub.password in memory_keyring.store.values()
