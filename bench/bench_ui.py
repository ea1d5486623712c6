"""Desktop benchmark (not a test): prints figures for the main window on a large database.

    python bench/bench_ui.py [--db PATH] [--contacts 100000] [--runs 3]

- start-up: process start to the first page of contacts painted on screen (what the
  user waits for), as a ratio to a bare PySide6 window showing the same first page read
  with plain sqlite3 (the same SQL, phones formatted the same way), both started the
  same way in this run (target <= 3x); also the time until the full view is loaded
  and idle (interactive), reported;
- search: keystroke in the global search box to grouped results shown, p95 (< 50 ms);
- scrolling the contacts table top to bottom page by page: longest step (< 16 ms);
- dragging the scrollbar thumb to random places: each jump set and painted, p95
  (< 16 ms), against the same table over a bare Python model;
- peak memory of the process with the whole database open and scrolled (< 300 MB);
- Home (`--home-only`): each panel's read, median and p95 (< 50 ms each), as a ratio to
  the first page of contacts read the same way, the whole page from refresh to painted,
  and the Coverage report; what the last-contact table behind "going quiet" costs: its
  size and its indexes' (and the "recently changed" indexes'), the schema upgrade that
  fills it, "mark contacted today" and its undo, and an import of `--import-contacts`
  (20,000) contacts into an empty database with and without its triggers;
- team-hub sync (`--sync`, or alone with `--sync-only`): an open window pulls
  `--sync-contacts` (10,000) contacts another laptop pushed to a throwaway local hub
  (`tests/pgserver.py`), by its background syncer, with the contacts table shown; the
  longest time the GUI thread was unavailable (gaps between 1 ms timer ticks) during the
  sync and the views' refresh after it (target < 50 ms), against the same ticks while
  the window sits idle in the same run.

Without --db the sample coalition is built once with `coordinator.demo.build_demo`
into a cache folder under the system temp dir and reused by later runs.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BARE = """
import sqlite3, sys, time
import phonenumbers
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget, QTableWidgetItem
from coordinator.db.first_page import COUNT_LIVE, NAME_ORDER_IDS, ROW_SELECT
app = QApplication(sys.argv)
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
total = conn.execute(COUNT_LIVE).fetchone()[0]
ids = [r[0] for r in conn.execute(NAME_ORDER_IDS, {"limit": 50})]
rows = conn.execute(ROW_SELECT + f" WHERE c.id IN ({', '.join('?' * len(ids))})", ids).fetchall()
def phone(v):
    if not v.startswith("+"):
        return v
    n = phonenumbers.parse(v, None)
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL
        if n.country_code == 1 else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
window = QMainWindow()
window.resize(1280, 800)
table = QTableWidget(len(rows), 6)
table.setHorizontalHeaderLabels(["Name", "Title", "Organization", "Consortium", "Email",
                                 "Phone"])
for i, r in enumerate(rows):
    for j, v in enumerate((r[1], r[2], r[4], r[5], r[6], phone(r[7]))):
        table.setItem(i, j, QTableWidgetItem(v or ""))
window.setCentralWidget(table)
class First(QObject):
    done = False
    def eventFilter(self, obj, event):
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            QTimer.singleShot(0, lambda: (print(f"FIRST_PAINT {time.time():.6f}", flush=True),
                                          app.quit()))
        return False
f = First(); table.viewport().installEventFilter(f)
window.show()
app.exec()
"""

KEY_REPEAT_S = 1 / 30
QUERIES = ["city", "maria", "green", "broadband", "univ", "kc", "denver", "smart", "water",
           "chen", "garcia", "transit", "park", "ana", "energy"]


def build_database(contacts: int) -> Path:
    folder = Path(tempfile.gettempdir()) / "coordinator-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"contacts-{contacts}.db"
    if path.exists():
        return path
    os.environ.setdefault("COORDINATOR_HOME", str(folder / "home"))
    from coordinator.db import Database
    from coordinator.demo import build_demo
    from coordinator.services import Services

    print(f"Building a {contacts:,}-contact coalition in {path} (once)…", flush=True)
    started = time.perf_counter()
    partial = path.with_suffix(".partial.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    db = Database.open(partial)
    build_demo(Services(db), contacts=contacts)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    partial.rename(path)
    print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def first_paint(cmd: list[str], env: dict[str, str], mark: str = "FIRST_PAINT") -> float:
    """Seconds from launching `cmd` to the moment it printed `mark`."""
    return marks(cmd, env)[mark]


def marks(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    started = time.time()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180,
                          check=False)
    found = {line.split()[0]: float(line.split()[1]) - started
             for line in proc.stdout.splitlines()
             if line.startswith(("FIRST_PAINT ", "READY ", "INTERACTIVE "))}
    if not found:
        raise RuntimeError(f"no paint reported by {cmd[:3]}: {proc.stderr[-800:]}")
    return found


def leave_on_contacts(home: Path) -> None:
    """The start-up figures are about the first page of contacts: the app opens on the
    view it was left on (Home when none), so leave it on Contacts in `home`'s settings."""
    saved = os.environ.get("COORDINATOR_HOME")
    os.environ["COORDINATOR_HOME"] = str(home)
    try:
        from ui.settings import default_settings

        settings = default_settings()
        settings.setValue("main/view", "contacts")
        settings.sync()
    finally:
        if saved is None:
            os.environ.pop("COORDINATOR_HOME", None)
        else:
            os.environ["COORDINATOR_HOME"] = saved


def bench_startup(db: Path, runs: int) -> tuple[float, float, float]:
    """Medians of: the bare window with the first page, Coordinator's first page of
    contacts painted, Coordinator loaded and idle."""
    home = Path(tempfile.mkdtemp(prefix="coordinator-bench-home-"))
    leave_on_contacts(home)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COORDINATOR_HOME=str(home),
               XDG_CONFIG_HOME=str(home / "xdg"), COORDINATOR_EXIT_AFTER_PAINT="1",
               PYTHONPATH=str(ROOT))
    bare_cmd = [sys.executable, "-c", BARE, str(db)]
    app_cmd = [sys.executable, str(ROOT / "main.py"), "--db", str(db)]
    ready_env = dict(env, COORDINATOR_EXIT_AFTER_PAINT="ready")
    marks(app_cmd, ready_env)  # warm the OS file cache for both
    first_paint(bare_cmd, env)
    bare, listed, idle = [], [], []
    for _ in range(runs):
        bare.append(first_paint(bare_cmd, env))
        found = marks(app_cmd, ready_env)
        listed.append(found["READY"])
        idle.append(found["INTERACTIVE"])
    return statistics.median(bare), statistics.median(listed), statistics.median(idle)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def baseline_scroll(size: object, pages: int, ctx: object, app: object) -> list[float]:
    """The same table widget over the cheapest possible Python model (strings made on the
    fly, nothing fetched), scrolled the same way: what this machine can do at best."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex

    from ui.kit.member_view import RecordTable

    class Bare(QAbstractTableModel):
        def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
            return 0 if parent.isValid() else BARE_ROWS[0]

        def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
            return 0 if parent.isValid() else 6

        def data(self, index: QModelIndex, role: int = 0) -> object:
            return f"Somebody {index.row()} column {index.column()}" if role == 0 else None

    table = RecordTable("baseline")
    model = Bare()
    table.setModel(model)
    table.resize(size)  # type: ignore[arg-type]
    table.show()
    app.processEvents()  # type: ignore[attr-defined]
    bar = table.verticalScrollBar()
    steps = []
    for _ in range(pages):
        t0 = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        table.viewport().repaint()
        steps.append((time.perf_counter() - t0) * 1000)
        app.processEvents()  # type: ignore[attr-defined]
    table.close()
    return steps


JUMPS = 200
BARE_ROWS = [100_000]  # the bare model gets as many rows as the contacts table


def jump_steps(table: object, spots: list[int], app: object, ctx: object | None) -> list[float]:
    """Each jump: the scrollbar set to a spot and the viewport painted, timed; then the
    event loop runs as it would between two mouse moves (background work may land)."""
    bar = table.verticalScrollBar()  # type: ignore[attr-defined]
    steps = []
    for spot in spots:
        t0 = time.perf_counter()
        bar.setValue(spot)
        table.viewport().repaint()  # type: ignore[attr-defined]
        steps.append((time.perf_counter() - t0) * 1000)
        idle_until = t0 + KEY_REPEAT_S
        while ctx is not None and ctx.tasks.pending() and \
                time.perf_counter() < idle_until:  # type: ignore[attr-defined]
            app.processEvents()  # type: ignore[attr-defined]
            time.sleep(0.0005)
        app.processEvents()  # type: ignore[attr-defined]
    return steps


def baseline_jumps(size: object, spots: list[int], app: object) -> list[float]:
    """The same jumps over the same table widget with a bare Python model."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex

    from ui.kit.member_view import RecordTable

    class Bare(QAbstractTableModel):
        def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
            return 0 if parent.isValid() else BARE_ROWS[0]

        def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
            return 0 if parent.isValid() else 6

        def data(self, index: QModelIndex, role: int = 0) -> object:
            return f"Somebody {index.row()} column {index.column()}" if role == 0 else None

    table = RecordTable("baseline")
    model = Bare()
    table.setModel(model)
    table.resize(size)  # type: ignore[arg-type]
    table.show()
    app.processEvents()  # type: ignore[attr-defined]
    steps = jump_steps(table, spots, app, None)
    table.close()
    return steps


def bench_in_process(db_path: Path) -> dict[str, float]:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from coordinator.db import Database
    from ui.app import make_application, settle
    from ui.context import AppContext
    from ui.main_window import MainWindow

    app = make_application([])
    settings_dir = Path(tempfile.mkdtemp(prefix="coordinator-bench-settings-"))
    settings = QSettings(str(settings_dir / "ui.ini"), QSettings.Format.IniFormat)
    db = Database.open(db_path)
    ctx = AppContext(db, settings)
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    started = time.perf_counter()
    view = window.show_view("contacts")
    settle(ctx)
    rows = view.model.rowCount()
    BARE_ROWS[0] = rows
    results: dict[str, float] = {"rows": rows,
                                 "contacts_loaded_ms": (time.perf_counter() - started) * 1000}

    # -- search: keystroke -> results shown ---------------------------------------------
    box = window.search
    box.setFocus()
    latencies: list[float] = []
    shown: list[str] = []
    box.results_shown.connect(shown.append)
    for query in QUERIES:
        box.clear()
        app.processEvents()
        for ch in query:
            shown.clear()
            t0 = time.perf_counter()
            QTest.keyClick(box, ch)
            target = box.text().strip()
            deadline = t0 + 5
            while target not in shown and time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.0005)
            latencies.append((time.perf_counter() - t0) * 1000)
    box.clear()
    box.hide_popup()
    results["search_p50_ms"] = statistics.median(latencies)
    results["search_p95_ms"] = percentile(latencies, 95)
    results["search_max_ms"] = max(latencies)
    results["searches"] = len(latencies)

    # -- scroll: page by page, top to bottom --------------------------------------------
    table = view.table
    table.setFocus()
    bar = table.verticalScrollBar()
    bar.setValue(0)
    app.processEvents()
    steps: list[float] = []
    while bar.value() < bar.maximum():
        t0 = time.perf_counter()
        bar.setValue(min(bar.maximum(), bar.value() + bar.pageStep()))
        table.viewport().repaint()  # paint now, fetching the rows it shows
        steps.append((time.perf_counter() - t0) * 1000)
        # Between two steps the event loop runs, as it does between key repeats
        # (~30 per second): background prefetches land here, at most one frame.
        idle_until = t0 + KEY_REPEAT_S
        while ctx.tasks.pending() and time.perf_counter() < idle_until:
            app.processEvents()
            time.sleep(0.0005)
        app.processEvents()
    app.processEvents()
    results["scroll_pages"] = len(steps)
    results["scroll_longest_ms"] = max(steps) if steps else 0.0
    results["scroll_p99_ms"] = percentile(steps, 99) if steps else 0.0
    results["scroll_over_16"] = sum(1 for x in steps if x > 16)
    base = baseline_scroll(table.size(), len(steps), ctx, app)
    results["base_longest_ms"], results["base_p99_ms"] = max(base), percentile(base, 99)
    # -- scrollbar jumps: the thumb dropped at random places -------------------------------
    rng = random.Random(16)
    spots = [rng.randint(0, bar.maximum()) for _ in range(JUMPS)]
    fetched_before = view.model.fetches
    jumps = jump_steps(table, spots, app, ctx)
    results["jump_fetches"] = view.model.fetches - fetched_before
    results["jump_p50_ms"] = statistics.median(jumps)
    results["jump_p95_ms"] = percentile(jumps, 95)
    results["jump_max_ms"] = max(jumps)
    base_jumps = baseline_jumps(table.size(), spots, app)
    results["base_jump_p50_ms"] = statistics.median(base_jumps)
    results["base_jump_p95_ms"] = percentile(base_jumps, 95)
    results["row_fetches"] = view.model.fetches
    results["row_prefetches"] = view.model.prefetches
    QTest.keyClick(table, Qt.Key.Key_End)  # a keyboard jump to the end, for good measure
    app.processEvents()

    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.close()
    ctx.close()
    QApplication.processEvents()
    return results


def gui_gaps(app: object, until: object, limit_s: float = 600.0) -> list[float]:
    """Gaps (ms) between the ticks of a 1 ms timer on the GUI thread while `until()` is
    false: how long the event loop was unavailable at a time."""
    from PySide6.QtCore import QTimer

    ticks: list[float] = [time.perf_counter()]
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    deadline = time.perf_counter() + limit_s
    while not until() and time.perf_counter() < deadline:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.0002)
    timer.stop()
    ticks.append(time.perf_counter())
    return [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]


def bench_sync_gui(contacts: int) -> dict[str, float]:
    """A window's background sync pulling `contacts` contacts: GUI-thread gaps."""
    import bench_sync
    from PySide6.QtCore import QSettings

    from coordinator.db import Database
    from coordinator.demo import build_demo
    from coordinator.hub import credentials
    from coordinator.services import Services
    from coordinator.sync import api
    from tests.pgserver import find_pg_bin, start_cluster
    from ui.app import make_application, settle
    from ui.context import AppContext
    from ui.main_window import MainWindow

    if find_pg_bin() is None:
        raise SystemExit("PostgreSQL's server (initdb, pg_ctl) is not installed: "
                         "apt-get install postgresql, or put its bin folder on PATH")
    app = make_application([])
    home = Path(tempfile.mkdtemp(prefix="coordinator-bench-sync-"))
    os.environ["COORDINATOR_HOME"] = str(home)
    server = start_cluster()
    try:
        admin, admin_password = bench_sync.make_hub(server, "hub_ui")
        alice, alice_password = bench_sync.add_login(admin, admin_password, "alice")
        bob, bob_password = bench_sync.add_login(admin, admin_password, "bob")
        # The window's laptop joins the empty hub first: its first pull comes later, in
        # the window, by the background syncer.
        db_b = Database.open(home / "b.db")
        api.join(db_b, bob, bob_password)
        credentials.store_password(bob, bob_password)  # the keyring, or this session
        db_a = Database.open(home / "a.db")
        build_demo(Services(db_a), contacts=contacts)
        api.join(db_a, alice, alice_password)
        db_a.close()

        settings = QSettings(str(home / "ui.ini"), QSettings.Format.IniFormat)
        settings.setValue("welcome/dismissed", [str(db_b.path)])
        import ui.hub.window

        ui.hub.window.START_DELAY_MS = 0  # the start-up sync at once: it is the one measured
        ctx = AppContext(db_b, settings)
        window = MainWindow(ctx)
        window.resize(1280, 800)
        window.show()
        syncer = window.hub_hooks.syncer
        syncer.INTERVAL_MS = 10**9
        # The start-up sync (at attach) is the pull measured; wait for the view first.
        window.show_view("contacts")
        results: dict[str, float] = {}
        started = time.perf_counter()
        gaps = gui_gaps(app, lambda: syncer.state.known and not syncer.running
                        and syncer.state.report is not None and ctx.tasks.pending() == 0)
        results["sync_s"] = time.perf_counter() - started
        report = syncer.state.report
        results["pulled"] = report.pulled if report is not None else 0
        results["sync_max_gap_ms"] = max(gaps)
        results["sync_p99_gap_ms"] = percentile(gaps, 99)
        results["sync_gaps_over_50"] = sum(1 for g in gaps if g > 50)
        settle(ctx)
        view = window.pages["contacts"]
        results["rows_shown"] = view.model.rowCount()
        idle_until = time.perf_counter() + min(results["sync_s"], 10.0)
        idle = gui_gaps(app, lambda: time.perf_counter() >= idle_until)
        results["idle_max_gap_ms"] = max(idle)
        results["idle_p99_gap_ms"] = percentile(idle, 99)
        syncer.finish(0)
        window.close()
        ctx.close()
        db_b.close()
        app.processEvents()
        return results
    finally:
        server.cleanup()


HOME_RUNS = 15


def bench_home(db_path: Path, runs: int = HOME_RUNS) -> dict[str, float]:
    """Each Home panel's read (median and p95 over `runs`), the whole page from refresh
    to painted, and the Coverage report; the baseline is the first page of contacts (50
    rows, what start-up reads) read by the same services in the same run. Works on a
    copy of `db_path` made with SQLite's backup API (an older file is upgraded on open,
    and the cached one is shared)."""
    import sqlite3
    from datetime import UTC, date, datetime

    from PySide6.QtCore import QSettings

    from coordinator.db import Database
    from ui.app import make_application, settle
    from ui.context import AppContext
    from ui.home.view import HomeView

    folder = Path(tempfile.mkdtemp(prefix="coordinator-bench-home-"))
    os.environ.setdefault("COORDINATOR_HOME", str(folder / "home"))
    copy = folder / "home.db"
    source, target = sqlite3.connect(db_path), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    app = make_application([])
    started = time.perf_counter()
    db = Database.open(copy)  # upgrades an older schema: fills the last-contact table
    results: dict[str, float] = {"open s": time.perf_counter() - started}
    ctx = AppContext(db, QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat))
    home, contacts = ctx.services.home, ctx.services.contacts
    today, now = date.today(), datetime.now(UTC)
    steps = {
        "first contacts page (baseline)": lambda: contacts.list(limit=50),
        "next partnership call": lambda: home.next_call(now),
        "deadlines": lambda: home.deadlines(today),
        "action items": lambda: home.action_items(today),
        "going quiet": lambda: home.going_quiet(today, now=now),
        "recently changed": lambda: home.recently_changed(),
    }
    for name, fn in steps.items():
        fn()  # warm the page cache
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        results[f"{name} p50"] = statistics.median(times)
        results[f"{name} p95"] = percentile(times, 95)
    view = HomeView(ctx)
    view.resize(1060, 760)
    view.show()
    settle(ctx)
    page = []
    for _ in range(5):
        started = time.perf_counter()
        view.refresh()
        while view.data is None or ctx.tasks.pending():
            app.processEvents()  # type: ignore[attr-defined]
            time.sleep(0.0005)
        view.repaint()
        page.append((time.perf_counter() - started) * 1000)
    results["page p50"] = statistics.median(page)
    started = time.perf_counter()
    ctx.services.coverage.report(today)
    results["coverage"] = (time.perf_counter() - started) * 1000
    view.close()
    results.update(bench_mark_contacted(home, today, now))
    results.update(home_storage_mb(copy))
    ctx.close()
    return results


# What Home's speed costs in the file: the last-contact table and the indexes it adds.
HOME_STORAGE = {
    "last-contact table": ("organization_touch",),
    "its index": ("ix_organization_touch_contacted",),
    "recently changed indexes": ("ix_contact_recent", "ix_organization_recent",
                                 "ix_proposal_recent", "ix_meeting_recent"),
    "proposal lead index": ("ix_proposal_lead_organization_id",),
}


def home_storage_mb(path: Path) -> dict[str, float]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        sizes = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
    finally:
        conn.close()
    found = {f"{label} MB": sum(sizes.get(n) or 0 for n in names) / 1e6
             for label, names in HOME_STORAGE.items()}
    found["file MB"] = sum(v or 0 for v in sizes.values()) / 1e6
    return found


def bench_mark_contacted(home, today, now) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """"Mark contacted today" on the quietest members and its undo (the triggers
    recompute each organization's row on every contact written), median ms."""
    marked, undone = [], []
    for q in home.going_quiet(today, now=now, limit=10).rows:
        started = time.perf_counter()
        previous = home.mark_contacted(q.id, today)
        marked.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        home.restore_contacted(previous)
        undone.append((time.perf_counter() - started) * 1000)
    return {"mark ms": statistics.median(marked), "undo ms": statistics.median(undone)}


IMPORT_ROUNDS = 3


def bench_import_triggers(n: int, rounds: int = IMPORT_ROUNDS) -> dict[str, float]:
    """An import of `n` contacts (bench_io's Google CSV) into an empty database, with the
    last-contact triggers and with them dropped, alternating; the median of each, in
    wall-clock and in this process's CPU time (steadier on a shared machine)."""
    from bench_io import google_csv

    from coordinator.db import Database, last_touch
    from coordinator.formats import importer
    from coordinator.formats.reader import parse_contacts

    folder = Path(tempfile.mkdtemp(prefix="coordinator-bench-home-import-"))
    os.environ.setdefault("COORDINATOR_HOME", str(folder / "home"))
    raw = google_csv(n)
    times: dict[str, list[float]] = {"without": [], "with": []}
    cpu: dict[str, list[float]] = {"without": [], "with": []}
    for i in range(rounds):
        for kind in times:
            db = Database.open(folder / f"{kind}-{i}.db")
            if kind == "without":
                with db.write() as session:
                    last_touch.remove(session.connection().connection.driver_connection)
            parsed = parse_contacts(raw)
            started, used = time.perf_counter(), time.process_time()
            importer.apply(db, parsed, importer.ImportOptions(duplicates="create"))
            times[kind].append(time.perf_counter() - started)
            cpu[kind].append(time.process_time() - used)
            db.close()
    return {**{f"import {k} s": statistics.median(v) for k, v in times.items()},
            **{f"import {k} cpu s": statistics.median(v) for k, v in cpu.items()}}


def print_home(r: dict[str, float]) -> None:
    base = r["first contacts page (baseline) p50"]
    print(f"Home panels (median / p95 of {HOME_RUNS} reads; target < 50 ms each), against "
          f"the first page of contacts read the same way: {base:.1f} ms")
    for name in ("next partnership call", "deadlines", "action items", "going quiet",
                 "recently changed"):
        print(f"  {name}: {r[name + ' p50']:.1f} / {r[name + ' p95']:.1f} ms -> "
              f"{r[name + ' p50'] / base:.1f}x the baseline")
    print(f"  whole page, refresh to painted: {r['page p50']:.0f} ms (median of 5)")
    print(f"Coverage report (every figure and gap): {r['coverage']:.0f} ms")
    print(f"Going quiet's last-contact table: database opened in {r['open s']:.1f} s (with the "
          f"upgrade that fills it, if the file was older); mark contacted today "
          f"{r['mark ms']:.1f} ms, its undo {r['undo ms']:.1f} ms (median of 10)")
    sizes = ", ".join(f"{label} {r[label + ' MB']:.1f} MB" for label in HOME_STORAGE)
    extra = sum(r[label + " MB"] for label in HOME_STORAGE)
    print(f"  in the file: {sizes}; together {extra:.1f} MB of {r['file MB']:.0f} MB "
          f"({extra / r['file MB']:.1%})")
    if "import with s" in r:
        print(f"  import of {int(r['import contacts']):,} contacts into an empty database "
              f"(median of {IMPORT_ROUNDS}): {r['import with s']:.2f} s with its triggers, "
              f"{r['import without s']:.2f} s without -> "
              f"{r['import with s'] / r['import without s']:.2f}x; CPU time "
              f"{r['import with cpu s']:.2f} s / {r['import without cpu s']:.2f} s -> "
              f"{r['import with cpu s'] / r['import without cpu s']:.2f}x", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing Coordinator database")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="start-up runs of each (median)")
    parser.add_argument("--skip-startup", action="store_true",
                        help="only the in-process figures (search, scrolling, memory)")
    parser.add_argument("--sync", action="store_true",
                        help="also the team-hub sync of an open window (needs PostgreSQL)")
    parser.add_argument("--sync-only", action="store_true", help="only the team-hub sync")
    parser.add_argument("--sync-contacts", type=int, default=10_000)
    parser.add_argument("--home-only", action="store_true",
                        help="only the Home page's panels and the Coverage report")
    parser.add_argument("--import-contacts", type=int, default=20_000,
                        help="with --home-only: contacts imported with and without the "
                             "last-contact triggers (0: skip)")
    args = parser.parse_args()
    if args.home_only:
        results = bench_home(args.db or build_database(args.contacts))
        if args.import_contacts:
            results.update(bench_import_triggers(args.import_contacts))
            results["import contacts"] = args.import_contacts
        print_home(results)
        return 0
    if args.sync_only:
        print_sync(bench_sync_gui(args.sync_contacts), args.sync_contacts)
        return 0
    db = args.db or build_database(args.contacts)

    if not args.skip_startup:
        bare, listed, idle = bench_startup(db, args.runs)
        print(f"Start-up to the first page of contacts on screen: bare PySide6 window with "
              f"the same page read by plain sqlite3 {bare * 1000:.0f} ms, Coordinator "
              f"{listed * 1000:.0f} ms -> ratio {listed / bare:.2f}x (target <= 3x)")
        print(f"  full contacts view loaded and idle (interactive): {idle * 1000:.0f} ms, "
              f"{idle / bare:.1f}x the bare window")

    r = bench_in_process(db)
    print(f"Contacts table: {int(r['rows']):,} rows, ids loaded and first rows shown in "
          f"{r['contacts_loaded_ms']:.0f} ms after the view was shown")
    print(f"Search keystroke -> results: p50 {r['search_p50_ms']:.1f} ms, p95 "
          f"{r['search_p95_ms']:.1f} ms, max {r['search_max_ms']:.1f} ms over "
          f"{int(r['searches'])} keystrokes (target p95 < 50 ms)")
    print(f"Scroll top to bottom: {int(r['scroll_pages']):,} pages, longest step "
          f"{r['scroll_longest_ms']:.1f} ms, p99 {r['scroll_p99_ms']:.1f} ms, "
          f"{int(r['scroll_over_16']):,} steps over 16 ms; {int(r['row_fetches']):,} blocking + "
          f"{int(r['row_prefetches']):,} background row fetches (target longest < 16 ms)")
    print(f"  baseline, same table over a bare Python model: longest {r['base_longest_ms']:.1f} "
          f"ms, p99 {r['base_p99_ms']:.1f} ms -> ratio longest "
          f"{r['scroll_longest_ms'] / r['base_longest_ms']:.2f}x, p99 "
          f"{r['scroll_p99_ms'] / r['base_p99_ms']:.2f}x")
    print(f"Scrollbar jumps to {JUMPS} random places: p50 {r['jump_p50_ms']:.1f} ms, p95 "
          f"{r['jump_p95_ms']:.1f} ms, max {r['jump_max_ms']:.1f} ms (target p95 <= 16 ms); "
          f"bare model p50 {r['base_jump_p50_ms']:.1f} ms, p95 {r['base_jump_p95_ms']:.1f} ms "
          f"-> ratio p95 {r['jump_p95_ms'] / r['base_jump_p95_ms']:.2f}x; "
          f"{int(r['jump_fetches'])} blocking row fetches for the jumps")
    print(f"Peak memory: {r['peak_rss_mb']:.0f} MB (target < 300 MB)", flush=True)
    if args.sync:
        print_sync(bench_sync_gui(args.sync_contacts), args.sync_contacts)
    return 0


def print_sync(r: dict[str, float], contacts: int) -> None:
    print(f"Team-hub sync in an open window: {contacts:,} contacts pulled by the background "
          f"syncer ({int(r['pulled']):,} rows) in {r['sync_s']:.1f} s, the contacts table "
          f"then showing {int(r['rows_shown']):,} rows")
    print(f"  GUI thread unavailable at most {r['sync_max_gap_ms']:.1f} ms at a time during "
          f"the sync (p99 {r['sync_p99_gap_ms']:.1f} ms, {int(r['sync_gaps_over_50'])} gaps "
          f"over 50 ms; target < 50 ms); idle window in the same run: max "
          f"{r['idle_max_gap_ms']:.1f} ms, p99 {r['idle_p99_gap_ms']:.1f} ms -> ratio max "
          f"{r['sync_max_gap_ms'] / max(r['idle_max_gap_ms'], 0.001):.1f}x", flush=True)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # skip interpreter teardown of Qt objects (a PySide6 finalizer crash)
