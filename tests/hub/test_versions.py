"""Versions on the hub: one per writing transaction, in commit order, so a laptop that
pulled up to version N never misses a row committed later with a smaller number."""

from __future__ import annotations

import threading
import time

import psycopg

from coordinator.hub.connect import connect
from tests.pgserver import Hub


def _insert(conn: psycopg.Connection, row_id: str) -> None:
    conn.execute("INSERT INTO hub.record (kind, id, data) VALUES ('contact', %s, '{}')",
                 (row_id,))


def _waiting_on_lock(hub: Hub, pid: int) -> bool:
    with hub.server.superuser_conn(hub.dbname) as su:
        row = su.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                         (pid,)).fetchone()
    return row is not None and row[0] == "Lock"


def test_rows_of_one_transaction_share_its_version(hub: Hub) -> None:
    with connect(*hub.add_login("coordinator")) as conn:
        _insert(conn, "a")
        _insert(conn, "b")
        conn.execute("INSERT INTO hub.internal (kind, id, data) VALUES ('proposal', 'p', '{}')")
        conn.commit()
        _insert(conn, "c")
        conn.commit()
        versions = conn.execute("SELECT id, version FROM hub.record ORDER BY id").fetchall()
        internal = conn.execute("SELECT version FROM hub.internal").fetchone()
    assert versions == [("a", 1), ("b", 1), ("c", 2)]
    assert internal == (1,)


def test_concurrent_writers_get_versions_in_commit_order(hub: Hub) -> None:
    first = connect(*hub.add_login("coordinator"))
    second = connect(*hub.add_login("coordinator"))
    commits: list[str] = []
    try:
        # The second writer's transaction starts first but writes after the first.
        second.execute("SELECT count(*) FROM hub.record").fetchone()
        _insert(first, "first")
        second_pid = second.info.backend_pid

        def second_writer() -> None:
            _insert(second, "second")
            second.commit()
            commits.append("second")

        thread = threading.Thread(target=second_writer)
        thread.start()
        for _ in range(200):  # until the second writer queues behind the first's clock lock
            if _waiting_on_lock(hub, second_pid):
                break
            time.sleep(0.05)
        assert _waiting_on_lock(hub, second_pid)
        assert commits == []
        first.commit()
        thread.join(30)
        assert not thread.is_alive()
    finally:
        first.close()
        second.close()
    with connect(hub.address, hub.password) as conn:
        versions = dict(conn.execute("SELECT id, version FROM hub.record").fetchall())
    # The second writer committed only after the first, so its version is the larger.
    assert commits == ["second"]
    assert versions["first"] < versions["second"]


def test_a_rolled_back_transaction_leaves_no_gap_for_readers_to_miss(hub: Hub) -> None:
    with connect(*hub.add_login("coordinator")) as conn:
        _insert(conn, "dropped")
        conn.rollback()
        _insert(conn, "kept")
        conn.commit()
        assert conn.execute("SELECT id, version FROM hub.record").fetchall() == [("kept", 1)]
        assert conn.execute("SELECT value FROM hub.clock").fetchone() == (1,)


def test_a_client_cannot_choose_its_transactions_version(hub: Hub) -> None:
    """Reusing an already-pulled version would hide the row from every laptop's next pull."""
    with connect(*hub.add_login("coordinator")) as conn:
        _insert(conn, "first")
        conn.commit()
        conn.execute("SELECT set_config('hub.tx_version', '1', true)")
        _insert(conn, "second")
        conn.commit()
        versions = dict(conn.execute("SELECT id, version FROM hub.record").fetchall())
    assert versions == {"first": 1, "second": 2}


def test_one_version_per_transaction_also_across_savepoints(hub: Hub) -> None:
    with connect(*hub.add_login("coordinator")) as conn:
        with conn.transaction():
            with conn.transaction():  # a savepoint
                _insert(conn, "a")
            with conn.transaction():
                _insert(conn, "b")
            try:
                with conn.transaction():
                    _insert(conn, "c")
                    raise RuntimeError("roll back this savepoint only")
            except RuntimeError:
                pass
            _insert(conn, "d")
        versions = dict(conn.execute("SELECT id, version FROM hub.record").fetchall())
    assert versions == {"a": 1, "b": 1, "d": 1}
