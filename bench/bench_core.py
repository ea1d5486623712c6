"""Core benchmark: build, search and listing on a 100,000-contact coalition.

    python bench/bench_core.py [--contacts 100000]

Every figure is measured in this run, and each ratio compares with the fastest
plain equivalent on the same machine at the same time:
- build: `build_demo` (generate + write + index) vs bare `sqlite3.executemany` of the
  same rows (and the same search rows) into the same schema;
- search: `services.search.search` vs the same FTS5 statement on a bare connection;
- listing: contacts sorted by name, filtered by consortium and not, first and deep pages.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
from datetime import UTC, date, datetime

from _common import peak_memory_mb, percentile, summary_ms, target, temp_home, timed

from coordinator import demo
from coordinator.db import Database
from coordinator.db.migrate import upgrade
from coordinator.services import ContactFilter, Services
from coordinator.services.records import MeetingData
from coordinator.services.search import (
    BODY_SQL,
    COUNT_SQL,
    RANK_CAP,
    SNIPPET_SCAN_CHARS,
    fts_query,
    is_short,
    search_sql,
)


def bare_insert(path, rows: dict[str, list[dict]]) -> float:  # type: ignore[no-untyped-def]
    """Insert the same rows with plain sqlite3 into the same schema; returns seconds."""
    upgrade(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    prepared = {}
    for table in demo.TABLE_ORDER:
        batch = rows.get(table, [])
        if batch:
            cols = list(batch[0])
            prepared[table] = (cols, [tuple(demo._sql_value(r[c]) for c in cols) for r in batch])
    docs = [(r["id"], r["full_name"], r["title"]) for r in rows["contact"]]
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for table, (cols, values) in prepared.items():
        conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                         f"({', '.join('?' * len(cols))})", values)
    conn.executemany("INSERT INTO search_doc (entity, entity_id) VALUES ('contact', ?)",
                     [(d[0],) for d in docs])
    conn.execute("INSERT INTO search_fts (rowid, title, body) SELECT d.rowid, c.full_name, "
                 "c.title FROM search_doc d JOIN contact c ON c.id = d.entity_id")
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def demo_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def realistic_queries(services: Services, n: int = 200) -> list[str]:
    rng = random.Random(7)
    rows = services.contacts.list(limit=2000, offset=0).rows
    queries: list[str] = []
    for i in range(n):
        person = rng.choice(rows)
        kind = i % 5
        if kind == 0:
            queries.append(person.full_name[: rng.randint(1, 3)])
        elif kind == 1:
            queries.append(person.full_name.split()[-1])
        elif kind == 2:
            queries.append(person.full_name)
        elif kind == 3:
            queries.append(rng.choice(["broadband", "curb", "mobility", "summit", "pilot",
                                       "data sharing", "workshop", "letter", "budget", "denver"]))
        else:
            queries.append(person.organization_name.split()[-1][:5])
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    home = temp_home()
    today = date.today()
    print(f"Coordinator core benchmark: {args.contacts:,} contacts\n")

    # -- build ----------------------------------------------------------------------
    rows = demo.generate(args.contacts, today)
    bare_seconds = bare_insert(home / "bare.db", rows)
    del rows
    db = Database.open(home / "coordinator.db")
    services = Services(db)
    build_seconds, counts = timed(lambda: demo.build_demo(services, args.contacts, today=today))
    print(f"Build ({counts['contact']:,} contacts, {counts['organization']:,} organizations, "
          f"{counts['proposal']:,} proposals, {counts['meeting']:,} meetings):")
    print(f"  build_demo {build_seconds:.1f} s; bare executemany {bare_seconds:.1f} s")
    print("  " + target("build ratio", build_seconds / bare_seconds, 3.0, "x"))

    # -- search -------------------------------------------------------------------------
    queries = realistic_queries(services)
    bare = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    from coordinator.models import fold
    bare.create_function("fold", 1, fold, deterministic=True)
    ours, raw = [], []
    for q in queries * 2:  # second pass is what a user feels after the first keystrokes
        elapsed, _ = timed(lambda q=q: services.search.search(q))
        ours.append(elapsed)
        match = fts_query(q)
        if match is None:
            continue
        def bare_search(match: str = match, q: str = q) -> list:
            # the same statements the service runs, on a plain sqlite3 connection
            broad = is_short(q) or bare.execute(
                COUNT_SQL, {"q": match, "cap": RANK_CAP + 1}).fetchone()[0] > RANK_CAP
            m = "{title} : (" + match + ")" if broad else match
            rows = bare.execute(search_sql(short=broad), {"q": m, "limit": 160}).fetchall()
            rowids = json.dumps([r[3] for r in rows[:40]])  # the hits shown get snippets
            return bare.execute(BODY_SQL, {"rowids": rowids,
                                           "chars": SNIPPET_SCAN_CHARS + 1}).fetchall()

        elapsed, _ = timed(bare_search)
        raw.append(elapsed)
    bare.close()
    print("\nSearch (200 realistic queries, each twice):")
    print(f"  services.search: {summary_ms(ours)}")
    print(f"  bare FTS5 MATCH: {summary_ms(raw)}")
    print("  " + target("p50 ratio", percentile(ours, 50) / percentile(raw, 50), 1.5, "x"))
    print("  " + target("p95 ratio", percentile(ours, 95) / percentile(raw, 95), 1.5, "x"))
    print("  " + target("p95 absolute", percentile(ours, 95) * 1000, 30, " ms"))

    # A record repeating one word 20,000 times, searched with the word typed 12 times:
    # no dearer than the word typed once on the same database.
    services.meetings.create(MeetingData(title="Repetitive notes", starts_at=demo_now(),
                                         notes=" ".join(["zyzzyva"] * 20_000)))
    once, _ = timed(lambda: [services.search.search("zyzzyva") for _ in range(5)])
    twelve, _ = timed(lambda: [services.search.search("zyzzyva " * 12) for _ in range(5)])
    print("\nSearch, 20,000 repeats of a word in one record:")
    print(f"  the word once {once / 5 * 1000:.1f} ms; twelve times {twelve / 5 * 1000:.1f} ms")
    print("  " + target("12x query ratio", twelve / once, 1.5, "x"))

    # -- listing ----------------------------------------------------------------------------
    consortium = services.consortia.list()[0]
    filtered = ContactFilter(consortium_id=consortium.id)
    total_filtered = services.contacts.count(filtered)
    cases = {
        f"{consortium.short_name}, first page": (filtered, 0),
        f"{consortium.short_name}, last page": (filtered, max(0, total_filtered - 50)),
        "all, first page": (None, 0),
        "all, page 2,000": (None, 50 * 1999),
    }
    print("\nListing contacts sorted by name, 50 per page (20 runs each):")
    for label, (f, offset) in cases.items():
        samples = [timed(lambda f=f, o=offset: services.contacts.list(f, offset=o, limit=50))[0]
                   for _ in range(20)]
        print(f"  {label:<28} {summary_ms(samples)}")
        print("    " + target("p95", percentile(samples, 95) * 1000, 20, " ms"))

    db.close()
    size_mb = db.path.stat().st_size / 1e6
    print(f"\nDatabase file: {size_mb:.0f} MB; peak memory (RSS): {peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    main()
