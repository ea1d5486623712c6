"""Core benchmark: build, search and listing on a 100,000-contact coalition.

    python bench/bench_core.py [--contacts 100000]

Every figure is measured in this run, and each ratio compares with the fastest
plain equivalent on the same machine at the same time:
- build: `build_demo` (write + index + statistics; generating the rows is timed apart)
  vs bare `sqlite3.executemany` of the same rows into the same schema with the same
  settings (WAL, synchronous=FULL, foreign keys, the same 256 MB bulk page cache), the
  same search-index SQL and the same ANALYZE;
- search: `services.search.search` vs the same FTS5 statement on a bare connection;
- listing: contacts sorted by name, filtered by consortium and not, first and deep pages;
- command line: `coordinator --version`, `stats`, `search`, `list contacts --format json`,
  each a fresh process from start to its last byte of output, vs a bare `python` with
  `sqlite3` printing the same answer (the same SQL);
- the database file: its size per table and index (SQLite's dbstat), and what the search
  index would take with the two- and three-letter prefix indexes schema 0008 dropped,
  built from the same text in a scratch file, with 2- and 3-letter searches timed on both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime

from _common import ROOT, peak_memory_mb, percentile, summary_ms, target, temp_home, timed

from coordinator import demo
from coordinator.db import Database, last_touch
from coordinator.db.engine import BULK_CACHE_KIB, BUSY_TIMEOUT_MS
from coordinator.db.migrate import upgrade
from coordinator.folding import fold
from coordinator.services import ContactFilter, Services, indexing
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
    """Insert the same rows with plain sqlite3 into the same schema, with the settings
    the app uses, index them with the app's own search-index SQL and ANALYZE, as
    `build_demo` does; returns seconds."""
    upgrade(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("fold", 1, fold, deterministic=True)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                   f"busy_timeout={BUSY_TIMEOUT_MS}", f"cache_size=-{BULK_CACHE_KIB}"):
        conn.execute(f"PRAGMA {pragma}")
    # Bare: without the triggers of Home's last-contact table (`build_demo` drops them
    # and computes the table once, which the baseline leaves out).
    last_touch.remove(conn)
    prepared = {}
    for table in demo.TABLE_ORDER:
        batch = rows.get(table, [])
        if batch:
            cols = list(batch[0])
            prepared[table] = (cols, [tuple(demo._sql_value(r[c]) for c in cols) for r in batch])
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for table, (cols, values) in prepared.items():
        conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                         f"({', '.join('?' * len(cols))})", values)
    for entity in ("contact", "organization", "proposal", "meeting"):
        sql = indexing.source(entity)
        conn.execute(f"INSERT INTO search_doc (entity, entity_id) SELECT :entity, id FROM "
                     f"({sql})", {"entity": entity})
        conn.execute(f"INSERT INTO search_fts (rowid, title, body) SELECT d.rowid, s.title, "
                     f"s.body FROM ({sql}) s JOIN search_doc d ON d.entity_id = s.id")
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
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
    parser.add_argument("--db", help="an existing Coordinator database: skip the build and "
                        "time search, listing and the file's make-up on a copy of it")
    args = parser.parse_args()
    home = temp_home()
    today = date.today()
    if args.db:
        reads_only(args.db, home)
        return
    print(f"Coordinator core benchmark: {args.contacts:,} contacts\n")

    # -- build ----------------------------------------------------------------------
    generate_seconds, rows = timed(lambda: demo.generate(args.contacts, today))
    bare_seconds = bare_insert(home / "bare.db", rows)
    del rows
    db = Database.open(home / "coordinator.db")
    services = Services(db)
    build_seconds, counts = timed(lambda: demo.build_demo(services, args.contacts, today=today))
    write_seconds = build_seconds - generate_seconds
    print(f"Build ({counts['contact']:,} contacts, {counts['organization']:,} organizations, "
          f"{counts['proposal']:,} proposals, {counts['meeting']:,} meetings):")
    print(f"  build_demo {build_seconds:.1f} s (generating the rows {generate_seconds:.1f} s, "
          f"writing, indexing and ANALYZE {write_seconds:.1f} s); bare executemany + the "
          f"same index SQL + ANALYZE, same settings: {bare_seconds:.1f} s")
    print("  " + target("build ratio (all of build_demo)", build_seconds / bare_seconds, 3.0,
                        "x"))
    print(f"  writing alone: {write_seconds / bare_seconds:.2f}x bare")

    bench_reads(services, db)
    db.close()
    size_mb = db.path.stat().st_size / 1e6
    print(f"\nDatabase file: {size_mb:.0f} MB; peak memory (RSS): {peak_memory_mb():.0f} MB")
    report_sizes(db.path, args.contacts)
    compare_prefix_indexes(db.path, home / "prefix-123.db")
    bench_cli(db.path)


def reads_only(source: str, home) -> None:  # type: ignore[no-untyped-def]
    """Search, listing and the file's make-up on a copy of `source` (copied with the
    backup API, so an open database is copied whole; the search timing writes one
    meeting, never into `source`)."""
    copy = home / "copy.db"
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    db = Database.open(copy)
    services = Services(db)
    contacts = services.contacts.count()
    print(f"Coordinator core benchmark on a copy of {source}: {contacts:,} contacts")
    bench_reads(services, db)
    db.close()
    print(f"\nDatabase file: {copy.stat().st_size / 1e6:.0f} MB")
    report_sizes(copy, contacts)


def bench_reads(services: Services, db: Database) -> None:
    """Search (ours against the same statements on a bare connection) and listing."""
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


def report_sizes(path, contacts: int) -> None:  # type: ignore[no-untyped-def]
    """Bytes per table and per index, from SQLite's dbstat table."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master"))
    sizes = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name "
                         "ORDER BY 2 DESC").fetchall()
    conn.close()
    total = sum(size for _, size in sizes)
    groups: dict[str, int] = {}
    for name, size in sizes:
        kind = ("search index (FTS5)" if name.startswith("search_") else
                "indexes" if kinds.get(name) == "index" or name.startswith("sqlite_autoindex")
                else "tables")
        groups[kind] = groups.get(kind, 0) + size
    print(f"\nDatabase pages: {total / 1e6:.0f} MB ({total / contacts / 1000:.2f} kB per "
          "contact); " + ", ".join(f"{k} {v / 1e6:.0f} MB" for k, v in groups.items()))
    for name, size in sizes[:25]:
        print(f"  {name:<40} {size / 1e6:7.1f} MB  {size / total:5.1%}")



OLD_FTS = ("CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 "
           "remove_diacritics 2', prefix = '1 2 3')")


def _fts_bytes(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_fts%'"
                        ).fetchone()[0]


def _search_once(conn: sqlite3.Connection, q: str) -> None:
    """What services.search runs for `q` (the bench's bare search)."""
    match = fts_query(q)
    broad = is_short(q) or conn.execute(COUNT_SQL, {"q": match, "cap": RANK_CAP + 1}
                                        ).fetchone()[0] > RANK_CAP
    m = "{title} : (" + match + ")" if broad else match
    rows = conn.execute(search_sql(short=broad), {"q": m, "limit": 160}).fetchall()
    conn.execute(BODY_SQL, {"rowids": json.dumps([r[3] for r in rows[:40]]),
                            "chars": SNIPPET_SCAN_CHARS + 1}).fetchall()


def compare_prefix_indexes(path, scratch) -> None:  # type: ignore[no-untyped-def]
    """Schema 0008 keeps the one-letter prefix index of the search index only. The same
    text indexed as before (prefixes of 1, 2 and 3 letters) in a scratch file: its size,
    and the commonest 2- and 3-letter prefixes of names searched on both (best of 5)."""
    conn = sqlite3.connect(scratch)
    conn.execute("ATTACH DATABASE ? AS app", (f"file:{path}?mode=ro",))
    conn.execute("CREATE TABLE search_doc (rowid INTEGER PRIMARY KEY, entity TEXT NOT NULL,"
                 " entity_id TEXT NOT NULL UNIQUE)")
    conn.execute("INSERT INTO search_doc SELECT rowid, entity, entity_id FROM app.search_doc")
    conn.execute(OLD_FTS)
    conn.execute("INSERT INTO search_fts (rowid, title, body) SELECT rowid, title, body "
                 "FROM app.search_fts ORDER BY rowid")
    conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
    conn.commit()
    titles = [t for (t,) in conn.execute("SELECT title FROM app.search_fts")]
    conn.execute("DETACH DATABASE app")
    old_bytes = _fts_bytes(conn)
    ours = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    new_bytes = _fts_bytes(ours)
    file_bytes = path.stat().st_size
    print(f"\nSearch index (FTS5): {new_bytes / 1e6:.1f} MB; with the 2- and 3-letter prefix "
          f"indexes as before schema 0008: {old_bytes / 1e6:.1f} MB, so the file is "
          f"{(old_bytes - new_bytes) / 1e6:.1f} MB smaller "
          f"({(old_bytes - new_bytes) / (file_bytes + old_bytes - new_bytes):.1%})")
    counts: dict[int, dict[str, int]] = {2: {}, 3: {}}
    for title in titles:
        for word in fold(title).split():
            for n in (2, 3):
                if len(word) >= n and word[:n].isalpha():
                    counts[n][word[:n]] = counts[n].get(word[:n], 0) + 1
    for conn_ in (conn, ours):
        conn_.create_function("fold", 1, fold, deterministic=True)
    for n in (2, 3):
        prefixes = sorted(counts[n], key=lambda k: -counts[n][k])[:20]
        best = {"now": [], "before": []}
        for q in prefixes:
            for label, c in (("now", ours), ("before", conn)):
                best[label].append(min(timed(lambda c=c, q=q: _search_once(c, q))[0]
                                       for _ in range(5)))
        print(f"  {n}-letter searches, 20 commonest prefixes: now "
              f"{summary_ms(best['now'])}; before {summary_ms(best['before'])}; median "
              f"ratio {statistics.median(best['now']) / statistics.median(best['before']):.2f}x")
    ours.close()
    conn.close()
    scratch.unlink()

# The same answers as `coordinator stats --format json` and `coordinator search`, in a
# bare Python with only sqlite3 (the statements are the app's own).
BARE_STATS = """
import json, sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
counts = {}
for t in ("contact", "organization", "proposal", "meeting"):
    counts[t] = conn.execute(f"SELECT count(*) FROM {t} WHERE deleted_at IS NULL").fetchone()[0]
counts["action_item"] = conn.execute("SELECT count(*) FROM action_item WHERE meeting_id IN "
    "(SELECT id FROM meeting WHERE deleted_at IS NULL)").fetchone()[0]
counts["trash"] = sum(conn.execute(f"SELECT count(*) FROM {t} WHERE deleted_at IS NOT NULL"
    ).fetchone()[0] for t in ("contact", "organization", "proposal", "meeting"))
orgs = dict(conn.execute("SELECT consortium_id, count(*) FROM organization WHERE deleted_at "
    "IS NULL GROUP BY consortium_id"))
people = dict(conn.execute("SELECT consortium_id, count(*) FROM contact WHERE deleted_at "
    "IS NULL GROUP BY consortium_id"))
per = {s: {"organizations": orgs.get(i, 0), "contacts": people.get(i, 0)} for i, s in
    conn.execute("SELECT id, short_name FROM consortium WHERE deleted_at IS NULL ORDER BY name")}
print(json.dumps([{"counts": counts, "consortia": per}], indent=2))
"""

BARE_SEARCH = """
import json, sqlite3, sys
from coordinator.services.search import (BODY_SQL, COUNT_SQL, RANK_CAP, SNIPPET_SCAN_CHARS,
    fts_query, is_short, search_sql)
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
q = sys.argv[2]
match = fts_query(q)
broad = is_short(q) or conn.execute(COUNT_SQL, {"q": match, "cap": RANK_CAP + 1}
                                    ).fetchone()[0] > RANK_CAP
m = "{title} : (" + match + ")" if broad else match
rows = conn.execute(search_sql(short=broad), {"q": m, "limit": 160}).fetchall()
bodies = dict(conn.execute(BODY_SQL, {"rowids": json.dumps([r[3] for r in rows[:40]]),
                                      "chars": SNIPPET_SCAN_CHARS + 1}).fetchall())
print(json.dumps([{"type": r[0], "id": r[1], "title": r[2],
                   "snippet": (bodies.get(r[3]) or "")[:80]} for r in rows[:40]], indent=2))
"""

# Every live contact in name order with its emails, phones, addresses, tags,
# organization and consortium, one JSON record per line: what `list contacts --format
# json` prints.
BARE_JSON = """
import json, sqlite3, sys
from datetime import UTC, datetime
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
cols = ("id", "prefix", "given_name", "middle_name", "family_name", "suffix", "nickname",
        "pronouns", "title", "organization_id", "website", "notes", "birthday",
        "last_contacted_on", "full_name", "consortium_id", "created_at", "updated_at",
        "deleted_at")
ids = [r[0] for r in conn.execute("SELECT id FROM contact WHERE deleted_at IS NULL "
                                  "ORDER BY sort_key, id")]
consortia = dict(conn.execute("SELECT id, short_name FROM consortium"))
def t(v):
    return None if v is None else datetime.fromisoformat(v).replace(tzinfo=UTC).isoformat()
out = sys.stdout
out.write("[")
for start in range(0, len(ids), 500):
    chunk = ids[start:start + 500]
    marks = ", ".join("?" * len(chunk))
    rows = {r[0]: r for r in conn.execute(f"SELECT {', '.join(cols)} FROM contact "
                                          f"WHERE id IN ({marks})", chunk)}
    kids = {}
    for table, fields in (("contact_email", "address, label, is_primary"),
                          ("contact_phone", "raw, label, is_primary, e164"),
                          ("contact_address", "label, street, city, region, postal_code, "
                                              "country")):
        names = [f.strip() for f in fields.split(",")]
        for r in conn.execute(f"SELECT contact_id, {fields} FROM {table} WHERE contact_id "
                              f"IN ({marks}) ORDER BY position", chunk):
            kids.setdefault((table, r[0]), []).append(dict(zip(names, r[1:])))
    tags = {}
    for cid, name in conn.execute("SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag "
                                  f"t ON t.id = ct.tag_id WHERE ct.contact_id IN ({marks})",
                                  chunk):
        tags.setdefault(cid, []).append(name)
    org_ids = sorted({r[9] for r in rows.values() if r[9]})
    orgs = dict(conn.execute(f"SELECT id, name FROM organization WHERE id IN "
                             f"({', '.join('?' * len(org_ids))}) AND deleted_at IS NULL",
                             org_ids)) if org_ids else {}
    for cid in chunk:
        v = dict(zip(cols, rows[cid]))
        for k in ("created_at", "updated_at", "deleted_at"):
            v[k] = t(v[k])
        v["emails"] = kids.get(("contact_email", cid), [])
        v["phones"] = kids.get(("contact_phone", cid), [])
        v["addresses"] = kids.get(("contact_address", cid), [])
        v["tags"] = sorted(tags.get(cid, []), key=str.casefold)
        v["organization_name"] = orgs.get(v["organization_id"] or "", "")
        v["consortium_short_name"] = consortia.get(v["consortium_id"] or "", "")
        sep = "\\n" if start == 0 and cid == chunk[0] else ",\\n"
        out.write(sep + json.dumps(v, ensure_ascii=False))
out.write("\\n]\\n")
"""


def run_seconds(cmd: list[str], runs: int) -> float:
    """Median wall time of `cmd` from launch to exit (its output read and dropped)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, check=False)
        samples.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"{cmd[:4]} failed: {done.stderr[-500:]!r}")
    return statistics.median(samples)


def bench_cli(path) -> None:  # type: ignore[no-untyped-def]
    py = sys.executable
    app = [py, "-m", "coordinator", "--db", str(path)]
    cases = [
        ("--version", [py, "-m", "coordinator", "--version"],
         [py, "-c", "print('coordinator 0.1.0')"], 5),
        ("stats --format json", [*app, "stats", "--format", "json"],
         [py, "-c", BARE_STATS, str(path)], 5),
        ("search denver", [*app, "search", "denver", "--format", "json"],
         [py, "-c", BARE_SEARCH, str(path), "denver"], 5),
        ("list contacts --format json", [*app, "list", "contacts", "--format", "json"],
         [py, "-c", BARE_JSON, str(path)], 1),
    ]
    print("\nCommand line, process start to exit (median), vs bare python + sqlite3 doing "
          "the same:")
    for label, ours, bare, runs in cases:
        run_seconds(ours, 1) if runs > 1 else None  # warm the file cache
        mine, base = run_seconds(ours, runs), run_seconds(bare, runs)
        limit = 2.0 if label.startswith("list") else 3.0
        print(f"  {label:<30} {mine * 1000:7.0f} ms; bare {base * 1000:6.0f} ms; "
              + target("ratio", mine / base, limit, "x"))


if __name__ == "__main__":
    main()
