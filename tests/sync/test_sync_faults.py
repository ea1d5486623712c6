"""Nothing missed, nothing applied twice, nothing half-applied: concurrent writers, a
lost acknowledgement, a connection killed mid-push, a newer laptop's schema."""

from __future__ import annotations

import threading

import psycopg
import pytest

from coordinator.hub.connect import HubError
from coordinator.services.records import EmailData, ProposalData
from coordinator.sync import api, engine
from tests.sync.conftest import new_contact


def _hub_rows(hub, kind: str) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    with hub.server.superuser_conn(hub.dbname) as su:
        return {rid: data for rid, data in su.execute(
            "SELECT id, data FROM hub.record WHERE kind = %s", (kind,)).fetchall()}


def test_a_pull_between_two_writers_committing_out_of_order_misses_nothing(laptops, hub) -> None:
    """T1 starts writing first, T2 second; T2's commit cannot overtake T1's version, so a
    pull in between sees neither or T1 only, and the next pull sees the rest, once."""
    a, c = laptops("a"), laptops("c")
    a.join()
    c.join()
    first = hub.add_login("coordinator")
    second = hub.add_login("coordinator")
    from coordinator.hub.connect import connect

    t1 = connect(*first)
    t2 = connect(*second)
    t1.execute("INSERT INTO hub.record (kind, id, data) VALUES ('tag', 't1', %s)",
               (psycopg.types.json.Jsonb({"id": "t1", "name": "one", "name_key": "one",
                                          "created_at": "2026-01-01 00:00:00.000000",
                                          "updated_at": "2026-01-01 00:00:00.000000",
                                          "deleted_at": None}),))
    done = threading.Event()

    def second_writer() -> None:
        t2.execute("INSERT INTO hub.record (kind, id, data) VALUES ('tag', 't2', %s)",
                   (psycopg.types.json.Jsonb({"id": "t2", "name": "two", "name_key": "two",
                                              "created_at": "2026-01-01 00:00:00.000000",
                                              "updated_at": "2026-01-01 00:00:00.000000",
                                              "deleted_at": None}),))
        t2.commit()
        done.set()

    writer = threading.Thread(target=second_writer)
    writer.start()
    assert not done.wait(0.5)  # T2 waits for T1's clock
    assert c.sync().pulled == 0
    t1.commit()
    writer.join(10)
    assert done.is_set()
    pulled = c.sync().pulled
    assert pulled == 2
    assert c.sync().pulled == 0
    with c.db.read() as session:
        names = {r[0] for r in session.connection().exec_driver_sql("SELECT name FROM tag")}
    assert {"one", "two"} <= names
    t1.close()
    t2.close()


def test_many_concurrent_pushes_and_a_puller_end_with_every_row_once(laptops, hub) -> None:
    writers = [laptops(f"w{i}") for i in range(3)]
    reader = laptops("r")
    for w in writers:
        w.join()
    reader.join()
    made: set[str] = set()
    for n, w in enumerate(writers):
        for k in range(15):
            made.add(new_contact(w.services, given=f"P{n}", family=f"F{k}").id)
    errors: list[BaseException] = []

    def push(w) -> None:  # type: ignore[no-untyped-def]
        try:
            for _ in range(3):
                w.sync()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        reader.sync()
    for t in threads:
        t.join()
    assert not errors
    reader.sync()
    got = {c.id for c in reader.services.contacts.list(limit=1000).rows}
    assert made <= got
    assert set(_hub_rows(hub, "contact")) >= made


def test_a_push_whose_acknowledgement_is_lost_creates_nothing_twice(laptops, hub,
                                                                    monkeypatch) -> None:
    a, b = laptops("a"), laptops("b")
    a.join()
    b.join()
    for k in range(5):
        new_contact(a.services, family=f"F{k}")
    original = engine.LocalStore.mark_pushed

    def lost(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionResetError("the answer never arrived")

    monkeypatch.setattr(engine.LocalStore, "mark_pushed", lost)
    with pytest.raises(ConnectionResetError):
        a.sync()
    monkeypatch.setattr(engine.LocalStore, "mark_pushed", original)
    hub_before = _hub_rows(hub, "contact")
    report = a.sync()
    assert report.conflicts == 0
    assert _hub_rows(hub, "contact") == hub_before
    assert api.status(a.db).waiting == {}
    b.sync()
    assert b.services.contacts.list().total == 5


def test_a_connection_killed_mid_push_leaves_nothing_half_applied(laptops, hub,
                                                                  monkeypatch) -> None:
    a = laptops("a")
    a.join()
    for k in range(30):
        new_contact(a.services, family=f"F{k}")
    monkeypatch.setattr(engine, "PUSH_CHUNK", 10)
    original = engine._upsert
    calls = {"n": 0}

    def killed(hub_conn, table, kind, rows):  # type: ignore[no-untyped-def]
        done = original(hub_conn, table, kind, rows)
        calls["n"] += 1
        if kind == "contact" and calls["n"] >= 2:
            with hub.server.superuser_conn() as su:
                su.execute("SELECT pg_terminate_backend(%s)", (hub_conn.info.backend_pid,))
        return done

    monkeypatch.setattr(engine, "_upsert", killed)
    with pytest.raises(HubError):
        a.sync()
    monkeypatch.setattr(engine, "_upsert", original)
    on_hub = _hub_rows(hub, "contact")
    assert len(on_hub) % 10 == 0  # whole chunks only
    waiting = api.status(a.db).waiting.get("contact", 0)
    assert waiting == 30 - len(on_hub)
    a.sync()
    assert len(_hub_rows(hub, "contact")) == 30
    assert api.status(a.db).waiting == {}


def test_a_laptop_older_than_the_hub_refuses_to_push_but_pulls_and_works(laptops, hub) -> None:
    a, b = laptops("a"), laptops("b")
    ada = new_contact(a.services)
    a.join()
    b.join()
    with hub.server.superuser_conn(hub.dbname) as su:
        su.execute("UPDATE hub.meta SET data_schema = '9999'")
    b.edit_contact(ada.id, title="Chair")
    a.edit_contact(ada.id, nickname="Countess")
    with pytest.raises(HubError, match="update Coordinator"):
        a.sync()
    with pytest.raises(HubError, match="update Coordinator"):
        b.sync()
    # Local work goes on; nothing was pushed.
    assert b.services.contacts.get(ada.id).title == "Chair"
    assert api.status(b.db).waiting == {"contact": 1}
    assert _hub_rows(hub, "contact")[ada.id]["title"] == ""


def test_viewers_read_without_internal_notes_and_private_notes_stay_with_their_owner(
        laptops) -> None:
    a = laptops("a")
    ada = new_contact(a.services, private_notes="met at the expo")
    proposal = a.services.proposals.create(ProposalData(title="Smart corridors",
                                                        internal_notes="budget is soft"))
    a.join()
    a2 = laptops("a2", same_login_as=a)
    b = laptops("b")
    viewer = laptops("v", role="viewer")
    a2.join()
    b.join()
    viewer.join()
    assert a2.services.contacts.get(ada.id).private_notes == "met at the expo"
    assert b.services.contacts.get(ada.id).private_notes == ""
    assert b.services.proposals.get(proposal.id).internal_notes == "budget is soft"
    assert viewer.services.proposals.get(proposal.id).internal_notes == ""
    assert viewer.services.proposals.get(proposal.id).title == "Smart corridors"
    # A viewer's local edits stay local.
    viewer.edit_contact(ada.id, title="Edited by a viewer")
    report = viewer.sync()
    assert report.read_only and report.pushed == 0 and report.waiting == 1
    a.sync()
    assert a.services.contacts.get(ada.id).title == ""


def test_an_ordinary_pull_commits_batch_by_batch_and_resumes_after_a_break(
        laptops, monkeypatch) -> None:
    """So that a save in the app waits for one batch, not for a whole sync; a pull cut
    short keeps what it applied and the next one picks up without doubles or conflicts."""
    from coordinator.sync import local

    a, b = laptops("a"), laptops("b")
    a.join()
    b.join()
    people = [new_contact(a.services, family=f"F{k:02d}",
                          emails=[EmailData(f"p{k}@example.org")]).id for k in range(25)]
    a.sync()
    monkeypatch.setattr(engine, "PULL_BATCH", 10)
    original = local.LocalStore.apply
    calls = {"n": 0}

    def breaks(self, batch, report):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionResetError("the network went away")
        return original(self, batch, report)

    monkeypatch.setattr(local.LocalStore, "apply", breaks)
    cursor_before = api.status(b.db)
    with pytest.raises(ConnectionResetError):
        b.sync()
    monkeypatch.setattr(local.LocalStore, "apply", original)
    halfway = b.services.contacts.count()
    assert 0 < halfway < 25  # the first batches stayed
    assert api.status(b.db).last_sync_at == cursor_before.last_sync_at
    report = b.sync()
    assert report.conflicts == 0
    assert b.services.contacts.count() == 25
    got = b.services.contacts.get(people[-1])
    assert [e.address for e in got.emails] == ["p24@example.org"]
    assert b.sync().pulled == 0
