"""`coordinator sync` and `coordinator conflicts` from the command line, on a real hub."""

from __future__ import annotations

import json

import pytest

from coordinator.cli import main
from coordinator.hub import credentials
from coordinator.services.records import ContactData


def _run(laptop, *args: str) -> int:  # type: ignore[no-untyped-def]
    return main(["--db", str(laptop.path), *args])


def test_join_sync_status_and_conflicts_from_the_command_line(laptops, capsys) -> None:
    a, b = laptops("a"), laptops("b")
    ada = a.services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    for laptop in (a, b):
        credentials.store_password(laptop.address, laptop.password)
    assert _run(a, "sync", "status") == 0
    assert "does not sync" in capsys.readouterr().out
    assert _run(a, "sync") == 1
    assert "does not sync with a team hub" in capsys.readouterr().err

    assert _run(a, "sync", "join", a.address.url()) == 0
    assert "Joined the team hub" in capsys.readouterr().out
    assert _run(b, "sync", "join", b.address.url()) == 0
    out = capsys.readouterr().out
    assert "pulled" in out and "conflicts 0" in out

    a.edit_contact(ada.id, title="Director")
    b.edit_contact(ada.id, title="Chair")
    assert _run(b, "sync", "--dry-run", "--format", "json") == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["dry_run"] and dry["pulled"] == 0
    assert _run(a, "sync") == 0
    assert _run(b, "sync", "status") == 0
    status = capsys.readouterr().out
    assert "Waiting to be pushed: 1" in status and "Open conflicts: 0" in status
    # The dry run changed nothing: B still has its own title.
    assert b.services.contacts.get(ada.id).title == "Chair"
    assert _run(b, "sync") == 0
    assert "conflicts 1" in capsys.readouterr().out
    assert _run(b, "conflicts", "list", "--format", "json") == 0
    [conflict] = json.loads(capsys.readouterr().out)
    assert (conflict["mine"], conflict["theirs"]) == ("Chair", "Director")
    assert _run(b, "conflicts", "show", conflict["id"][:8]) == 0
    shown = capsys.readouterr().out
    assert "Mine:\nChair" in shown and "Director" in shown
    assert _run(b, "conflicts", "resolve", conflict["id"][:8], "--keep", "theirs") == 0
    assert _run(b, "conflicts", "list") == 0
    assert "No open conflicts." in capsys.readouterr().out
    assert _run(b, "conflicts", "resolve", conflict["id"][:8], "--keep", "mine") == 1
    assert "already resolved" in capsys.readouterr().err


@pytest.mark.parametrize("wrong", ["password", "coalition"])
def test_a_wrong_password_or_another_coalitions_hub_is_one_line_and_changes_nothing(
        laptops, hub, capsys, wrong: str) -> None:
    a = laptops("a")
    a.services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    credentials.store_password(a.address, a.password)
    assert _run(a, "sync", "join", a.address.url()) == 0
    capsys.readouterr()
    if wrong == "password":
        credentials.store_password(a.address, "not-the-password")
    else:
        with a.db.write() as session:
            session.connection().exec_driver_sql(
                "UPDATE sync_state SET value = '00000000-0000-0000-0000-000000000000' "
                "WHERE key = 'coalition_id'")
    before = a.services.contacts.list().total
    assert _run(a, "sync") == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert ("refused the password" in err) if wrong == "password" else (
        "another coalition" in err)
    assert a.services.contacts.list().total == before
