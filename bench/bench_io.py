"""Import/export benchmark (not a test): prints figures and ratios.

    python bench/bench_io.py [--contacts 100000] [--keep DIR]

1. Import N contacts from a Google-layout CSV as the CLI and the app run it (parse,
   validate, the preview the user confirms, then match, one transaction, search index,
   undo batch), as a ratio to bare `csv.reader` + `sqlite3.executemany` of the same rows
   into one table, measured in the same run (target: at most 4x); and to the same bare
   load into our own tables and search index with the same settings.
2. Export them to CSV (ours and Outlook's) and vCard 3.0 / 4.0.
3. Duplicate detection over the N imported contacts and their organizations; then over
   the app's own sample coalition of N contacts (`demo.build_demo`), in-process and as
   `coordinator duplicates` from process start to exit (target: under 10 s), beside the
   command's start-up alone. `--sample-duplicates-only` runs just this, and with
   `--sample DB` on a copy of a sample of `--contacts` contacts built before.
4. Pathological vCards: one card folded over a million lines (20 MB) and an 11 MB
   quoted-printable value, as a ratio to decoding the same bytes (linear parsing keeps
   both at a few seconds at most; they once took minutes).
5. Merge all pairs above a score (`--merge-score`, default 90) among the duplicates of
   step 3: one batch (`services.duplicates.merge_all`, one unit of work, one undo), as a
   ratio to one transaction per pair (`merge_contacts`), measured in the same run on a
   copy of the same database for the first `--per-pair-sample` merges and scaled to
   all of them (a thousand of those take minutes); then the batch's undo. Target for
   1,021 merges at 100,000 contacts: well under 10 s. `--merge-only` runs the import
   and this part. Then the same over the sample coalition of step 3, organizations
   included (`--sample-merge-only` builds the sample and runs just that).
6. Doubling the people of 10 organizations: Find Duplicates over 40,000 contacts there
   (at 100,000) against 80,000, and the import preview of as many more people into
   each, as ratios (2 is linear, 4 every pair); `--doubling-only` runs just this part.
7. Peak memory of `coordinator import contacts` (a child process, measured by a fresh
   parent with `getrusage(RUSAGE_CHILDREN)`): the N-contact CSV (target for 100,000:
   under 600 MB), and a CSV of 2,000,000 rows, which must be refused or streamed and
   never take more than 1 GB. `--memory-only` runs just this part.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coordinator.db import Database, last_touch
from coordinator.formats import duplicates, exports, importer
from coordinator.formats.reader import parse_contacts

GIVEN = ["Zoë", "Marcus", "Priya", "José", "Renée", "Wei", "Aiyana", "Søren", "Kateryna",
         "Tomás", "Kwame", "Grace", "Isabel", "Chidi", "Hannah", "Luis", "Amélie", "Terrence",
         "Folake", "Kenji", "Ana", "Nguyễn", "Omar", "Fatima", "Liam", "Olivia", "Noah", "Emma"]
FAMILY = ["Martínez", "Okafor", "Raman", "Núñez", "Côté", "Zhang", "Whitehorse", "Østergaard",
          "Bondarenko", "Ruiz", "Mensah", "Liu", "Hernández", "Schmidt", "Ortega", "Durand",
          "Brooks", "Adeyemi", "Ito", "Gutiérrez", "Haddad", "Khan", "Smith", "Johnson"]
PLACES = ["Plano", "Denton", "Arlington", "Tucson", "Chandler", "Denver", "Boulder", "Peoria",
          "Naperville", "Kansas City", "Olathe", "Jacksonville", "Gainesville", "Mesa", "Tempe"]
KINDS = ["City of {}", "{} County", "University of {}", "{} Water Utility", "{} Labs Inc",
         "{} Transit Authority", "{} Innovation Foundation"]
LABELS = ["NTXIA", "CSCA", "The Connective", "ISCRA", "KCDD", "SASR", "SNF", "Mobility",
          "Broadband", "Water", "Energy", "Research"]
TITLES = ["CIO", "Smart City Program Manager", "GIS Director", "Professor",
          "Chief Data Officer", "Sustainability Lead", "Research Scientist", "City Manager"]
HEADER = ["First Name", "Middle Name", "Last Name", "Organization Name", "Organization Title",
          "Birthday", "Notes", "Labels", "E-mail 1 - Label", "E-mail 1 - Value",
          "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value",
          "Phone 2 - Label", "Phone 2 - Value", "Address 1 - Label", "Address 1 - Street",
          "Address 1 - City", "Address 1 - Region", "Address 1 - Postal Code",
          "Address 1 - Country"]


SYLLABLES = ["Oak", "Cedar", "Elm", "Maple", "Pine", "Willow", "Ash", "Birch", "Spring",
             "Lake", "Mill", "Fair", "Glen", "Stone", "River", "Red", "Green", "Clear",
             "North", "South", "East", "West", "Sun", "Rock", "Iron", "Silver", "Gold",
             "Fox", "Bear", "Eagle"]
ENDINGS = ["ville", "ton", "field", "wood", "brook", "ridge", "dale", "port", "view", "haven",
           "burg", "ford", "land", "crest", "mont", "side", "vale", "worth", "ham", "stead"]


def organizations(count: int) -> list[str]:
    """Distinct, realistic organization names (no numbered copies)."""
    places = [a + b for a in SYLLABLES for b in ENDINGS] + PLACES
    names = [k.format(p) for k in KINDS for p in places]
    random.Random(3).shuffle(names)
    return names[:count]


def google_csv(n: int, seed: int = 7, *, organization_count: int | None = None,
               first: int = 0) -> bytes:
    """N contacts in Google's current layout; 1 in 100 repeats an earlier person at the
    same organization with another email (the duplicates the detection should find).
    They work at N / 5 organizations unless `organization_count` says; `first` numbers
    the rows (emails, phones) after another file's."""
    rnd = random.Random(seed)
    orgs = organizations(organization_count or max(1, n // 5))
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADER)
    people: list[tuple[str, str, str]] = []
    for i in range(first, first + n):
        if i % 100 == 99 and people:
            given, family, org = rnd.choice(people)
        else:
            given = rnd.choice(GIVEN)
            family = rnd.choice(FAMILY) + (f"-{i}" if i % 7 else "")
            org = rnd.choice(orgs)
            people.append((given, family, org))
        domain = "".join(ch for ch in org.lower() if ch.isalnum())[:20] + ".example.org"
        email = f"{given[0].lower()}{i}@{domain}".encode("ascii", "ignore").decode()
        second = f"p{i}@example.org" if i % 3 == 0 else ""
        area = rnd.choice(["214", "972", "817", "520", "480", "303", "312", "816", "904"])
        phone = f"({area}) {200 + (i // 10000) % 700}-{i % 10000:04d}"
        w.writerow([given, "", family, org, rnd.choice(TITLES),
                    f"--{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}" if i % 4 else "",
                    "Met at the summit, \"pilot\" lead.\nFollow up." if i % 10 == 0 else "",
                    " ::: ".join(["* myContacts", *rnd.sample(LABELS, 2)]),
                    "* Work", email, "Home" if second else "", second,
                    "Mobile", phone, "Work" if i % 2 else "",
                    f"+1 {area} {300 + (i // 10000) % 600} {i % 10000:04d}" if i % 2 else "",
                    "Work", f"{i % 9000 + 100} Main St\nSuite {i % 50}",
                    rnd.choice(PLACES), "TX", f"{75000 + i % 999}", "United States"])
    return out.getvalue().encode("utf-8")


def bare_import(raw: bytes, path: Path) -> float:
    start = time.perf_counter()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    cols = ", ".join(f"c{i} TEXT" for i in range(len(rows[0])))
    conn.execute(f"CREATE TABLE t (id INTEGER PRIMARY KEY, {cols})")
    marks = ", ".join("?" * len(rows[0]))
    with conn:
        conn.executemany(f"INSERT INTO t ({', '.join(f'c{i}' for i in range(len(rows[0])))})"
                         f" VALUES ({marks})", rows[1:])
    conn.close()
    return time.perf_counter() - start


def same_schema_import(raw: bytes, path: Path) -> float:
    """The second baseline: `csv.reader` + `executemany` of the same file into the same
    tables the import writes (our schema, its indexes, the search index), with no
    validation, matching, normalising or undo record, nor the triggers of Home's
    last-contact table. What the schema alone costs."""
    Database.open(path).close()  # the schema, by our own migrations
    start = time.perf_counter()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))[1:]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA cache_size=-{256 * 1024}")
    last_touch.remove(conn)
    stamp = "2026-01-01 00:00:00.000000"
    uid = (f"{n:08x}-0000-4000-8000-000000000000" for n in itertools.count())
    tags: dict[str, str] = {}
    contacts, emails, phones, addresses, links = [], [], [], [], []
    for r in rows:
        cid = next(uid)
        full = f"{r[0]} {r[2]}"
        contacts.append((cid, stamp, stamp, r[0], r[1], r[2], full, full.lower(), r[4],
                         r[6], r[5]))
        for label, value in ((r[8], r[9]), (r[10], r[11])):
            if value:
                emails.append((next(uid), stamp, stamp, cid, label, value, value.lower()))
        for label, value in ((r[12], r[13]), (r[14], r[15])):
            if value:
                phones.append((next(uid), stamp, stamp, cid, label, value))
        addresses.append((next(uid), stamp, stamp, cid, *r[16:22]))
        for label in r[7].split(" ::: "):
            if label not in tags:
                tags[label] = next(uid)
            links.append((cid, tags[label]))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO tag (id, created_at, updated_at, name, name_key) "
                     "VALUES (?, ?, ?, ?, ?)",
                     [(t, stamp, stamp, name, name.lower()) for name, t in tags.items()])
    conn.executemany(
        "INSERT INTO contact (id, created_at, updated_at, prefix, given_name, middle_name, "
        "family_name, suffix, nickname, full_name, sort_key, title, website, notes, "
        "private_notes, birthday) VALUES (?, ?, ?, '', ?, ?, ?, '', '', ?, ?, ?, '', ?, '', ?)",
        contacts)
    conn.executemany(
        "INSERT INTO contact_email (id, created_at, updated_at, contact_id, label, address, "
        "address_key, is_primary, position) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)", emails)
    conn.executemany(
        "INSERT INTO contact_phone (id, created_at, updated_at, contact_id, label, raw, "
        "is_primary, position) VALUES (?, ?, ?, ?, ?, ?, 0, 0)", phones)
    conn.executemany(
        "INSERT INTO contact_address (id, created_at, updated_at, contact_id, label, street, "
        "city, region, postal_code, country, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        addresses)
    conn.executemany("INSERT INTO contact_tag (contact_id, tag_id) VALUES (?, ?)", links)
    conn.execute("INSERT INTO search_doc (entity, entity_id) SELECT 'contact', id FROM contact")
    conn.execute("INSERT INTO search_fts (rowid, title, body) SELECT d.rowid, c.full_name, "
                 "c.title || ' ' || (SELECT group_concat(e.address, ' ') FROM contact_email e "
                 "WHERE e.contact_id = c.id) FROM search_doc d JOIN contact c "
                 "ON c.id = d.entity_id")
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - start


def pathological_vcards() -> None:
    """Parse time of the two worst shapes, as a ratio to decoding their bytes."""
    from coordinator.formats.vcard_import import parse_vcards

    line = "abcdefghij0123456789"
    folded = ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ito;Kenji;;;\r\nNOTE:x\r\n"
              + f" {line}\r\n" * 1_000_000 + "END:VCARD\r\n").encode()
    piece = "=C3=A9t=C3=A9 " + line * 3 + "=\r\n"
    qp = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Ito;Kenji;;;\r\n"
          "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + piece * (11_000_000 // len(piece))
          + "end\r\nEND:VCARD\r\n").encode()
    for label, raw in (("one card folded over 1,000,000 lines", folded),
                       ("one quoted-printable value", qp)):
        start = time.perf_counter()
        raw.decode("utf-8")
        decode = time.perf_counter() - start
        _, elapsed = timed(f"{label} ({len(raw) / 1e6:.0f} MB)", lambda raw=raw: parse_vcards(raw))
        print(f"  {'':<44} {'':8}     = {elapsed / decode:.0f}x decoding the bytes")


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    elapsed = time.perf_counter() - start
    print(f"  {label:<44} {elapsed:8.2f} s")
    return value, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the database and files in this folder")
    parser.add_argument("--memory-only", action="store_true",
                        help="only the peak memory of the import command")
    parser.add_argument("--doubling-only", action="store_true",
                        help="only planning and detection as 10 organizations double")
    parser.add_argument("--merge-only", action="store_true",
                        help="only the import and merging its duplicates")
    parser.add_argument("--sample-merge-only", action="store_true",
                        help="only merging all pairs above the score in the sample coalition")
    parser.add_argument("--sample-duplicates-only", action="store_true",
                        help="only Find Duplicates and `coordinator duplicates` on the sample "
                             "coalition")
    parser.add_argument("--sample", type=Path,
                        help="with --sample-duplicates-only: a sample coalition of --contacts "
                             "contacts already built, copied instead of building one")
    parser.add_argument("--merge-score", type=int, default=90)
    parser.add_argument("--per-pair-sample", type=int, default=100)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-io-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("COORDINATOR_HOME", str(folder / "home"))
    n = args.contacts
    if args.sample_duplicates_only:
        sample_duplicates(folder / "sample.db", n, args.sample)
        return 0
    raw = google_csv(n)
    print(f"{n:,} contacts, Google layout CSV of {len(raw) / 1e6:.1f} MB; files in {folder}")
    if args.memory_only:
        memory(folder, raw, n)
        return 0
    if args.sample_merge_only:
        sample_merge(folder / "sample-merge.db", n, args.merge_score)
        return 0
    if args.doubling_only:
        planning_doubling(folder, max(1000, n * 2 // 5))
        return 0

    print("Import")
    bare = bare_import(raw, folder / "bare.db")
    print(f"  {'bare csv.reader + sqlite3.executemany':<44} {bare:8.2f} s")
    db = Database.open(folder / "bench.db")
    parsed, t_parse = timed("parse + validate (formats.reader)", lambda: parse_contacts(raw))
    assert not parsed.errors, parsed.errors[:3]
    preview, t_preview = timed("preview (dry run)", lambda: importer.preview(db, parsed))
    options = importer.ImportOptions(duplicates="create")  # keep them for detection below
    report, t_apply = timed("apply (one transaction, index, batch)",
                            lambda: importer.apply(db, parsed, options))
    total = t_parse + t_preview + t_apply
    print(f"  {'import = parse + preview + apply':<44} {total:8.2f} s   "
          f"ratio {total / bare:.1f}x (target <= 4x)")
    schema = same_schema_import(raw, folder / "schema.db")
    print(f"  {'same-schema bare (csv.reader, executemany':<44} {schema:8.2f} s   "
          f"= {schema / bare:.1f}x the bare baseline")
    print(f"  {'  into our tables and search index)':<44} {'':8}     "
          f"import = {total / schema:.1f}x this")
    print(f"  created {report.created:,} contacts, {report.organizations_created:,} "
          f"organizations; preview said {preview.new:,} new, "
          f"{len(preview.duplicates):,} probable duplicates")
    if args.merge_only:
        db.close()
        merge_all_above(folder / "bench.db", args.merge_score, args.per_pair_sample)
        return 0

    print("Export")
    sizes = {}
    for fmt in ("csv", "outlook-csv", "vcard3", "vcard4"):
        data, _ = timed(f"contacts -> {fmt}",
                        lambda fmt=fmt: exports.export_contacts(db, fmt))
        sizes[fmt] = len(data)
        (folder / f"contacts.{fmt}").write_bytes(data)
    print("  sizes: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))

    print("Pathological vCards")
    pathological_vcards()

    print("Duplicates")
    pairs, t_dup = timed(f"contacts ({n:,})", lambda: duplicates.find_duplicate_contacts(db))
    print(f"  {len(pairs):,} probable duplicate pairs; target < 10 s: "
          f"{'met' if t_dup < 10 else 'NOT met'}")
    orgs, _ = timed("organizations", lambda: duplicates.find_duplicate_organizations(db))
    print(f"  {len(orgs):,} probable duplicate organization pairs")
    db.close()
    merge_all_above(folder / "bench.db", args.merge_score, args.per_pair_sample)
    sample_duplicates(folder / "sample.db", n)
    sample_merge(folder / "sample.db", n, args.merge_score)
    planning_doubling(folder, max(1000, n * 2 // 5))
    memory(folder, raw, n)
    return 0


def merge_all_above(path: Path, score: int, sample: int) -> None:
    """Merge every contact pair scoring `score` or more: as one batch, and (on a copy
    of the same database, for the first `sample` merges) one transaction per pair."""
    from coordinator.db.backup import backup_database
    from coordinator.formats import merge
    from coordinator.services import Services

    print(f"Merge all contact pairs scoring {score} or more")
    copy = backup_database(path, path.with_name("merge-per-pair.db"))
    db = Database.open(path)
    services = Services(db)
    pairs, _ = timed("find_duplicate_contacts", lambda: duplicates.find_duplicate_contacts(db))
    plan = services.duplicates.plan_merge_all("contact", pairs, score)
    (batch_id, merged), t_batch = timed(f"one batch: {len(plan):,} merges",
                                        lambda: services.duplicates.merge_all(plan))
    print(f"  {merged:,} merges in {t_batch:.2f} s; target for 1,021 at 100,000 contacts: "
          f"well under 10 s: {'met' if t_batch < 10 else 'NOT met'}")
    timed("undo of the batch", lambda: services.duplicates.undo_merge(batch_id))
    db.close()
    db = Database.open(copy)
    some = plan[:sample]
    _, t_some = timed(f"one transaction per pair: first {len(some):,}", lambda: [
        merge.merge_contacts(db, survivor, other) for _kind, survivor, other in some])
    db.close()
    per_pair = t_some / max(len(some), 1)
    estimate = per_pair * len(plan)
    print(f"  per pair {per_pair * 1000:.0f} ms: {len(plan):,} merges one by one ~ "
          f"{estimate:.1f} s; the batch is {estimate / max(t_batch, 1e-9):.1f}x faster "
          f"({t_batch / max(len(plan), 1) * 1000:.1f} ms a merge)")
    for leftover in (copy, copy.with_name(copy.name + ".writers")):
        leftover.unlink(missing_ok=True)


def planning_doubling(folder: Path, n: int = 40_000) -> None:
    """Import planning and duplicate detection when the people of the same 10
    organizations double. N contacts (the generated file: 1 in 100 repeats an earlier
    person there) are imported; Find Duplicates over them is timed, with the pairs of
    names it scores; then the preview of a second file of N more people at the same 10
    organizations (every row matched by email and by name at its organization against
    the database and the rows before it). The same with 2N. Reported as ratios of the
    larger to the smaller: 2 is linear, 4 is every pair."""
    from coordinator.formats.alike_names import Comparisons

    print(f"Doubling the people of 10 organizations ({n:,} vs {2 * n:,})")
    figures = []
    for size in (n, 2 * n):
        path = folder / f"doubling-{size}.db"
        path.unlink(missing_ok=True)
        db = Database.open(path)
        importer.apply(db, parse_contacts(google_csv(size, organization_count=10)),
                       importer.ImportOptions(duplicates="create"))
        counted = Comparisons()
        pairs, t_scan = timed(f"find duplicates in {size:,} contacts",
                              lambda db=db, counted=counted:
                              duplicates.find_duplicate_contacts(db, comparisons=counted))
        second = parse_contacts(google_csv(size, seed=8, organization_count=10, first=size))
        preview, t_plan = timed(f"plan {size:,} more rows (the preview)",
                                lambda second=second, db=db: importer.preview(db, second))
        print(f"  {'':<44} {'':8}     {len(pairs):,} pairs, {counted.scored:,} pairs of "
              f"names scored; {len(preview.duplicates):,} duplicate rows planned")
        figures.append((t_plan, t_scan, counted.scored, len(pairs)))
        db.close()
        path.unlink(missing_ok=True)
    (p1, s1, c1, f1), (p2, s2, c2, f2) = figures
    print(f"  doubling ratio: planning {p2 / p1:.2f}x, detection {s2 / s1:.2f}x, names "
          f"scored {c2 / c1:.2f}x, pairs found {f2 / f1:.2f}x (linear 2, every pair 4)")


def sample_merge(path: Path, n: int, score: int) -> None:
    """Merge all contact and organization pairs scoring `score` or more in the sample
    coalition (built first unless `path` holds it), as `duplicates --merge-all-above`
    does: one batch, then its undo."""
    from coordinator.demo import build_demo
    from coordinator.services import Services

    print(f"Merge all pairs scoring {score} or more in the sample coalition ({n:,} contacts)")
    fresh = not path.exists()
    db = Database.open(path)
    services = Services(db)
    if fresh:
        build_demo(services, n)
    plan = []
    for kind in ("contact", "organization"):
        found = services.duplicates.find(kind, min_score=score)
        plan += services.duplicates.plan_merge_all(kind, found, score)
    kinds = {k: sum(p[0] == k for p in plan) for k in ("contact", "organization")}
    (batch_id, merged), t_batch = timed(
        f"one batch: {kinds['contact']:,} contact + {kinds['organization']:,} organization "
        "merges", lambda: services.duplicates.merge_all(plan))
    timed("undo of the batch", lambda: services.duplicates.undo_merge(batch_id))
    print(f"  {merged:,} merges in {t_batch:.2f} s; target well under 10 s: "
          f"{'met' if t_batch < 10 else 'NOT met'}")
    db.close()


def peak_mb(args: list[str], home: Path) -> tuple[float, int, str]:
    """(peak MB, exit code, last stderr line) of `python -m coordinator ARGS`, run by a
    fresh parent so that no earlier child's peak is counted."""
    import subprocess

    measure = (
        "import resource, subprocess, sys\n"
        f"done = subprocess.run([sys.executable, '-m', 'coordinator', *{args!r}],\n"
        "                      capture_output=True, text=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
        "print((done.stderr.strip().splitlines() or [''])[-1])\n")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", measure], capture_output=True, text=True,
                         check=True, cwd=root, env=dict(os.environ, PYTHONPATH=str(root),
                                                        COORDINATOR_HOME=str(home))
                         ).stdout.splitlines()
    peak, code = (int(v) for v in out[0].split())
    kib = peak if sys.platform != "darwin" else peak / 1024  # macOS reports bytes
    return kib * 1024 / 1e6, code, out[1] if len(out) > 1 else ""


def memory(folder: Path, raw: bytes, n: int) -> None:
    """Peak memory of the import command: N contacts, and a 2,000,000-row file."""
    print("Memory (peak of `coordinator import contacts`)")
    source = folder / "contacts-memory.csv"
    source.write_bytes(raw)
    # the generated file repeats 1 person in 100 at the same organization on purpose:
    # leaving those out is the expected outcome here, so say so (exit 0, not 3)
    peak, code, _last = peak_mb(["--db", str(folder / "memory.db"), "import", "contacts",
                                 str(source), "--duplicates", "skip"], folder / "home-memory")
    verdict = f"target < 600 MB: {'met' if peak < 600 else 'NOT met'}" if n == 100_000 else ""
    print(f"  {f'import {n:,} contacts (exit {code})':<44} {peak:8.0f} MB   {verdict}")
    huge = folder / "two-million-rows.csv"
    with huge.open("w", encoding="utf-8") as fh:
        fh.write("First Name,Last Name,E-mail 1 - Value\n")
        fh.writelines(f"A{i},L{i},a{i}@example.org\n" for i in range(2_000_000))
    size = huge.stat().st_size / 1e6
    peak, code, last = peak_mb(["--db", str(folder / "memory-huge.db"), "import", "contacts",
                                str(huge), "--dry-run"], folder / "home-memory")
    outcome = "refused" if code == 1 and "limit" in last else f"exit {code}"
    print(f"  {f'2,000,000-row CSV ({size:.0f} MB), {outcome}':<44} {peak:8.0f} MB   "
          f"target < 1 GB: {'met' if peak < 1000 else 'NOT met'}")
    print(f"    {last}")
    huge.unlink()


def sample_duplicates(path: Path, n: int, built: Path | None = None) -> None:
    """Duplicate detection on the app's own sample coalition (organizations of every
    size, shared phones and emails), in-process and as the command a user runs; with
    the command's start-up alone (`coordinator duplicates --help`: the Python start and
    the imports, no database), to show where the rest goes. `built`: a sample database
    already built (of `n` contacts), copied to `path` with SQLite's backup API (never
    written) instead of building one."""
    import subprocess

    from coordinator.demo import build_demo
    from coordinator.formats.alike_names import Comparisons
    from coordinator.services import Services

    print(f"Duplicates in the sample coalition ({n:,} contacts)")
    if built is not None:
        source = sqlite3.connect(f"file:{built}?mode=ro", uri=True)
        copy = sqlite3.connect(path)
        source.backup(copy)
        copy.close()
        source.close()
    db = Database.open(path)  # an older schema is upgraded here, not in the timed command
    if built is None:
        build_demo(Services(db), n)
    counted = Comparisons()
    pairs, _ = timed("find_duplicate_contacts",
                     lambda: duplicates.find_duplicate_contacts(db, comparisons=counted))
    print(f"    {len(pairs):,} pairs, {counted.scored:,} names scored")
    counted = Comparisons()
    orgs, _ = timed("find_duplicate_organizations",
                    lambda: duplicates.find_duplicate_organizations(db, comparisons=counted))
    print(f"    {len(orgs):,} pairs, {counted.scored:,} names scored")
    db.close()
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coordinator", "duplicates", "--help"],
                   capture_output=True, check=False, env=env)
    t_start = time.perf_counter() - start
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "coordinator", "--db", str(path), "duplicates"],
                          capture_output=True, text=True, check=False, env=env)
    t_cli = time.perf_counter() - start
    print(f"  {'coordinator duplicates --help (start-up)':<44} {t_start:8.2f} s")
    print(f"  {'coordinator duplicates (process start to exit)':<44} {t_cli:8.2f} s   "
          f"exit {done.returncode}, {done.stdout.count(chr(10)):,} lines")
    print(f"  {len(pairs):,} contact pairs, {len(orgs):,} organization pairs; target < 10 s: "
          f"{'met' if t_cli < 10 else 'NOT met'}")


if __name__ == "__main__":
    raise SystemExit(main())
