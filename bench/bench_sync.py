"""Team-hub sync benchmark: first push, first pull, incremental syncs, memory.

    python bench/bench_sync.py [--contacts 100000] [--rounds 20]

Runs a throwaway PostgreSQL cluster (the test suite's `tests/pgserver.py`) on this
machine and reaches it over TCP on 127.0.0.1 with a password, as a laptop reaches a hub.
The sample coalition is built with `coordinator demo`'s own `build_demo`. Every figure is
printed next to a baseline measured in the same run on the same server:

- first push: laptop A joins an empty hub (`api.join`: its rows go up), against a bare
  `COPY` of the same (kind, id, data jsonb) rows, read back from the hub, into
  hub.record / hub.internal / hub.private of a fresh hub on the same server (as the
  superuser, whom row-level security does not stop; the version-stamping triggers run);
- first pull: an empty laptop B joins (`api.join`: the whole coalition comes down), in a
  child process (started through a small fresh parent, since Linux carries a process's
  peak over fork and exec) whose peak memory is its `resource.getrusage` ru_maxrss
  (printed before the join too), against reading the same rows from the hub with
  psycopg and loading them bare into the same SQLite tables of another empty laptop with
  `executemany` (same pragmas as the app's connections, one transaction; no sync
  bookkeeping, no search index and no triggers of Home's last-contact table, which the
  pull must also write);
- incremental: rounds of 100 contacts edited on laptop A through the contact service, A
  syncs (pull + push), then B syncs (pull + push), each a fresh connection with a
  password as `coordinator sync` makes one, against a bare round trip: connect, one
  UPDATE of the same 100 hub rows, commit.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from _common import ROOT, percentile, summary_ms, target, temp_home, timed

PASSWORD_ENV = "BENCH_SYNC_PASSWORD"  # the child's hub password (never on its command line)
FRESH_PARENT = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def make_hub(server: Any, name: str) -> tuple[Any, str]:
    """A fresh database on `server` made a hub by its own CREATEROLE login, as a
    provider hands one out; returns (admin address, admin password)."""
    import secrets as pysecrets

    from coordinator.hub.connect import HubAddress, connect
    from coordinator.hub.schema import init_hub

    password = pysecrets.token_urlsafe(16)
    admin = f"admin_{name}"
    with server.superuser_conn() as su:
        su.execute(f'CREATE ROLE "{admin}" LOGIN CREATEROLE PASSWORD \'{password}\'')
        su.execute(f'CREATE DATABASE "{name}" OWNER "{admin}"')
    address = HubAddress(host=server.host, port=server.port, dbname=name, user=admin)
    with connect(address, password) as conn:
        init_hub(conn, "Bench coalition")
    return address, password


def add_login(admin_address: Any, admin_password: str, login: str) -> tuple[Any, str]:
    from dataclasses import replace

    from coordinator.hub.admin import add_user
    from coordinator.hub.connect import connect

    with connect(admin_address, admin_password) as conn:
        password = add_user(conn, login, "coordinator")
    return replace(admin_address, user=login), password


def empty_laptop(path: Path) -> None:
    from coordinator.db import Database

    Database.open(path).close()


# -- first push ------------------------------------------------------------------------
HUB_TABLES = ("record", "internal", "private")


def hub_rows(server: Any, dbname: str) -> dict[str, bytes]:
    """The rows on the hub as COPY text (kind, id, data), per hub table."""
    found = {}
    with server.superuser_conn(dbname) as su:
        for name in HUB_TABLES:
            buffer = io.BytesIO()
            with su.cursor().copy(f"COPY (SELECT kind, id, data FROM hub.{name} ORDER BY "
                                  f"version, kind, id) TO STDOUT") as copy:
                for block in copy:
                    buffer.write(block)
            found[name] = buffer.getvalue()
    return found


def bare_copy(server: Any, dbname: str, rows: dict[str, bytes]) -> float:
    """COPY the rows into a fresh hub's tables in one transaction; returns seconds."""
    with server.superuser_conn(dbname) as su:
        su.autocommit = False
        start = time.perf_counter()
        for name in HUB_TABLES:
            with su.cursor().copy(f"COPY hub.{name} (kind, id, data) FROM STDIN") as copy:
                copy.write(rows[name])
        su.commit()
        return time.perf_counter() - start


# -- first pull ------------------------------------------------------------------------
def child_pull(db_path: str, address_json: str) -> None:
    """In a fresh process: join the hub from the empty laptop at `db_path` (its first
    pull), print seconds and peak memory as JSON."""
    import resource

    from coordinator.db import Database
    from coordinator.hub.connect import HubAddress
    from coordinator.sync import api

    password = os.environ[PASSWORD_ENV]
    address = HubAddress(**json.loads(address_json))
    db = Database.open(Path(db_path))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pulls: list[float] = []
    real_pull = api.pull

    def timed_pull(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real_pull(*args, **kwargs)
        finally:
            pulls.append(time.perf_counter() - start)

    api.pull = timed_pull  # type: ignore[assignment]
    start = time.perf_counter()
    report = api.join(db, address, password)
    seconds = time.perf_counter() - start
    db.close()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "pull_seconds": pulls[0] if pulls else 0.0,
                      "pulled": report.pulled, "pushed": report.pushed,
                      "rss_before_kib": before, "rss_peak_kib": after}))


def bare_pull(address: Any, password: str, path: Path) -> tuple[float, int]:
    """Read every row the laptop may read from the hub and load it bare into the same
    SQLite tables with executemany, one transaction; returns (seconds, rows)."""
    from coordinator.db import last_touch
    from coordinator.db.engine import BUSY_TIMEOUT_MS, CACHE_KIB
    from coordinator.hub.connect import connect
    from coordinator.sync.tables import synced_tables

    specs = {spec.name: spec for spec in synced_tables()}
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                   f"busy_timeout={BUSY_TIMEOUT_MS}", f"cache_size=-{CACHE_KIB}"):
        conn.execute(f"PRAGMA {pragma}")
    last_touch.remove(conn)  # bare: this laptop's derived table is not kept
    start = time.perf_counter()
    hub = connect(address, password)
    data: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for name in HUB_TABLES:
        where = "WHERE owner = session_user" if name == "private" else ""
        with hub.cursor(name=f"bare_{name}") as cur:
            cur.itersize = 2000
            cur.execute(f"SELECT kind, id, data FROM hub.{name} {where}")
            for kind, rid, values in cur:
                if values is not None and kind in specs:
                    data[kind].setdefault(rid, {}).update(values)
    hub.close()
    count = 0
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("PRAGMA defer_foreign_keys = ON")
    for spec in synced_tables():
        rows = data.get(spec.name)
        if not rows:
            continue
        columns = spec.columns
        values = []
        for rid, row in rows.items():
            row = {**spec.key_values(rid), **row}
            values.append(tuple(row.get(c, "" if c in spec.private or c in spec.internal
                                        else None) for c in columns))
        conn.executemany(f"INSERT OR IGNORE INTO {spec.name} ({', '.join(columns)}) "
                         f"VALUES ({', '.join('?' * len(columns))})", values)
        count += len(values)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, count


# -- incremental -----------------------------------------------------------------------
def edit_contacts(services: Any, ids: list[str], label: str) -> None:
    for cid in ids:
        data = services.contacts.get(cid)
        data.notes = (data.notes + f"\n{label}").strip()
        services.contacts.update(cid, data)


def bare_round_trip(address: Any, password: str, ids: list[str], label: str) -> float:
    from coordinator.hub.connect import connect

    start = time.perf_counter()
    hub = connect(address, password)
    hub.execute("UPDATE hub.record SET data = data || jsonb_build_object('notes', %s::text) "
                "WHERE kind = 'contact' AND id = ANY(%s)", (label, ids))
    hub.commit()
    hub.close()
    return time.perf_counter() - start


def hub_count(server: Any, dbname: str) -> dict[str, int]:
    with server.superuser_conn(dbname) as su:
        return {name: su.execute(f"SELECT count(*) FROM hub.{name}").fetchone()[0]
                for name in HUB_TABLES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20,
                        help="incremental syncs of 100 edited contacts")
    parser.add_argument("--child-pull", nargs=2, metavar=("DB", "ADDRESS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_pull:
        child_pull(*args.child_pull)
        return

    sys.path.insert(0, str(ROOT))
    from tests.pgserver import find_pg_bin, start_cluster

    if find_pg_bin() is None:
        sys.exit("PostgreSQL's server (initdb, pg_ctl) is not installed: "
                 "apt-get install postgresql, or put its bin folder on PATH")
    from coordinator import demo
    from coordinator.db import Database
    from coordinator.services import Services
    from coordinator.sync import api

    home = temp_home()
    print(f"Coordinator team-hub sync benchmark: {args.contacts:,} contacts\n")
    server = start_cluster()
    try:
        admin, admin_password = make_hub(server, "hub_main")
        alice, alice_password = add_login(admin, admin_password, "alice")
        bob, bob_password = add_login(admin, admin_password, "bob")

        db_a = Database.open(home / "a.db")
        services_a = Services(db_a)
        build_seconds, counts = timed(lambda: demo.build_demo(services_a, args.contacts,
                                                              today=date.today()))
        print(f"Sample coalition built in {build_seconds:.1f} s: "
              f"{sum(counts.values()):,} rows")

        # -- first push ----------------------------------------------------------------
        push_seconds, pushed = timed(lambda: api.join(db_a, alice, alice_password))
        on_hub = hub_count(server, "hub_main")
        rows = hub_rows(server, "hub_main")
        make_hub(server, "hub_bare")
        copy_seconds = bare_copy(server, "hub_bare", rows)
        assert hub_count(server, "hub_bare") == on_hub
        del rows
        print(f"\nFirst push to an empty hub ({pushed.pushed:,} rows; hub.record "
              f"{on_hub['record']:,}, internal {on_hub['internal']:,}, private "
              f"{on_hub['private']:,}):")
        print(f"  api.join {push_seconds:.1f} s; bare COPY of the same rows: "
              f"{copy_seconds:.1f} s")
        print("  " + target("push ratio", push_seconds / copy_seconds, 3.0, "x"))

        # -- first pull ----------------------------------------------------------------
        empty_laptop(home / "b.db")
        empty_laptop(home / "bare.db")
        from dataclasses import asdict
        env = dict(os.environ, PYTHONPATH=str(ROOT), **{PASSWORD_ENV: bob_password})
        # Through a small fresh parent: Linux carries a process's peak memory over fork
        # and exec, so a child forked from this big process would report this one's peak.
        done = subprocess.run(
            [sys.executable, "-c", FRESH_PARENT, sys.executable, __file__, "--child-pull",
             str(home / "b.db"), json.dumps(asdict(bob))],
            env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"the pulling child failed:\n{done.stderr[-3000:]}")
        child = json.loads(done.stdout.strip().splitlines()[-1])
        bare_seconds, bare_count = bare_pull(bob, bob_password, home / "bare.db")
        print(f"\nFirst pull into an empty laptop ({child['pulled']:,} rows; bare load "
              f"{bare_count:,} rows):")
        print(f"  api.join {child['seconds']:.1f} s, of which the pull "
              f"{child['pull_seconds']:.1f} s; bare read + executemany: {bare_seconds:.1f} s")
        print("  " + target("pull ratio (the pull)", child["pull_seconds"] / bare_seconds,
                            3.0, "x"))
        print(f"  whole join: {child['seconds'] / bare_seconds:.2f}x bare")
        rss_before, rss_peak = child["rss_before_kib"] / 1024, child["rss_peak_kib"] / 1024
        print(f"  child process peak memory (ru_maxrss): {rss_peak:.0f} MB "
              f"({rss_before:.0f} MB before the join)")
        print("  " + target("peak memory of the pull", rss_peak, 400, " MB"))

        # -- incremental ---------------------------------------------------------------
        db_b = Database.open(home / "b.db")
        ids = [r[0] for r in sqlite3.connect(home / "a.db").execute(
            "SELECT id FROM contact WHERE deleted_at IS NULL ORDER BY id")]
        rng = random.Random(17)
        ours_a, ours_b, bare = [], [], []
        for n in range(args.rounds):
            chosen = rng.sample(ids, 100)
            edit_contacts(services_a, chosen, f"bench edit {n}")
            seconds, report_a = timed(lambda: api.sync(db_a, alice_password))
            ours_a.append(seconds)
            seconds, report_b = timed(lambda: api.sync(db_b, bob_password))
            ours_b.append(seconds)
            bare.append(bare_round_trip(alice, alice_password, chosen, f"bare {n}"))
        print(f"\nIncremental sync, 100 contacts edited per round ({args.rounds} rounds; "
              f"last round pushed {report_a.pushed}, pulled {report_b.pulled} rows):")
        print(f"  editing laptop (pull + push): {summary_ms(ours_a)}")
        print(f"  other laptop (pull):          {summary_ms(ours_b)}")
        print(f"  bare connect + UPDATE of 100 rows + commit: {summary_ms(bare)}")
        print("  " + target("p50 editing laptop", percentile(ours_a, 50) * 1000, 300, " ms"))
        print("  " + target("p50 other laptop", percentile(ours_b, 50) * 1000, 300, " ms"))
        print(f"  p50 ratios to bare: {percentile(ours_a, 50) / percentile(bare, 50):.1f}x / "
              f"{percentile(ours_b, 50) / percentile(bare, 50):.1f}x")
        db_a.close()
        db_b.close()
    finally:
        server.cleanup()
        shutil.rmtree(home, ignore_errors=True)  # three laptops of the coalition: GBs


if __name__ == "__main__":
    main()
