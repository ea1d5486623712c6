"""Trash benchmark (not a test): moving many records to Trash and back, and emptying a
big Trash in the desktop app.

    python bench/bench_trash.py [--contacts 20000] [--compare 2000]

The sample coalition with `--contacts` contacts is built in a throwaway folder. On two
copies of it, the first `--compare` contacts are moved to Trash in one unit of work both
ways: one record at a time as delete_many used to go (the ORM's load, deleted_at and
updated_at set, a flush and the search index refreshed per record: the baseline) and in
bulk as `delete_many` does now; the ratio is printed. Then every contact is moved to
Trash in bulk and brought back (`restore_many`), each timed, and then all are selected
in the contacts list and deleted (moved on the task pool with a progress dialog): the
time and the GUI thread's longest gap; the same for Restore of everything selected in
the Trash view. Next, on two copies of that database, the first `--compare` records in
Trash are purged in one unit of work both ways: one record at a time as the purge used
to go (the ORM's get and delete, the search index refreshed per record: the baseline)
and in bulk as `TrashService.purge_many` does now; the ratio is printed. Then the Trash
view's Empty Trash is clicked (the confirmation answered Yes) on the whole Trash.
Printed: how long that purge took, and the longest time the GUI thread was unavailable
meanwhile (gaps between the ticks of a 1 ms timer), against the same ticks while the
view sits idle in the same run (target: under 50 ms).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def compare(db_path: Path, folder: Path, records: int) -> dict[str, float]:
    """Purge the first `records` in Trash one at a time and in bulk, each on its own
    copy of `db_path`; the seconds each took and what is left in Trash after each."""
    import sqlite3

    from coordinator.db import Database
    from coordinator.services import Services
    from tests.services.test_trash_bulk import purge_one_at_a_time

    results: dict[str, float] = {}
    for way in ("one_at_a_time", "bulk"):
        path = folder / f"{way}.db"
        with sqlite3.connect(db_path) as source, sqlite3.connect(path) as target:
            source.backup(target)
        source.close()
        target.close()
        db = Database.open(path)
        services = Services(db)
        items = services.trash.list()[:records]
        started = time.perf_counter()
        if way == "bulk":
            selection: dict[str, list[str]] = {}
            for item in items:
                selection.setdefault(item.entity, []).append(item.id)
            services.trash.purge_many(selection)
        else:
            purge_one_at_a_time(services, [(item.entity, item.id) for item in items])
        results[f"{way}_s"] = time.perf_counter() - started
        results[f"{way}_left"] = services.trash.count()
        results["records"] = len(items)
        db.close()
    return results


def compare_moves(db_path: Path, folder: Path, records: int) -> dict[str, float]:
    """Move the first `records` live contacts to Trash one at a time and in bulk, each on
    its own copy of `db_path`; the seconds each took and how many were then in Trash."""
    import sqlite3

    from coordinator.db import Database
    from coordinator.services import Services
    from tests.services.test_trash_bulk_move import move_one_at_a_time

    results: dict[str, float] = {}
    for way in ("one_at_a_time", "bulk"):
        path = folder / f"move_{way}.db"
        with sqlite3.connect(db_path) as source, sqlite3.connect(path) as target:
            source.backup(target)
        source.close()
        target.close()
        db = Database.open(path)
        services = Services(db)
        ids = [r.id for r in services.contacts.list(limit=records).rows]
        started = time.perf_counter()
        if way == "bulk":
            services.contacts.delete_many(ids)
        else:
            move_one_at_a_time(services, {"contact": ids}, to_trash=True)
        results[f"move_{way}_s"] = time.perf_counter() - started
        results[f"move_{way}_in_trash"] = services.trash.count()
        results["moved"] = len(ids)
        db.close()
    return results


def delete_from_the_view(app: object, db: object, home: Path) -> dict[str, float]:
    """Select every contact in the contacts list and delete them: the seconds until they
    are moved and until the list is empty, and the GUI thread's longest gap meanwhile."""
    from bench_ui import gui_gaps
    from PySide6.QtCore import QSettings, QTimer

    from ui.app import settle
    from ui.contacts.view import ContactsView
    from ui.context import AppContext

    ctx = AppContext(db, QSettings(str(home / "ui-view.ini"), QSettings.Format.IniFormat))
    view = ContactsView(ctx)
    view.resize(1000, 700)
    view.show()
    settle(ctx)
    view.table.setFocus()
    view.table.selectAll()
    finished: list[float] = []

    def press_delete() -> None:  # what the main window's Delete calls
        view.delete_selected()  # returns once the move is done
        finished.append(time.perf_counter())

    started = time.perf_counter()
    QTimer.singleShot(0, press_delete)
    gaps = gui_gaps(app, lambda: bool(finished))
    settle(ctx)
    results = {"view_delete_s": finished[0] - started,
               "view_shown_s": time.perf_counter() - started,
               "view_rows_left": view.model.rowCount(), "view_max_gap_ms": max(gaps)}
    view.close()
    ctx.close()
    return results


def restore_from_the_trash_view(app: object, db: object, home: Path) -> dict[str, float]:
    """Select everything in the Trash view and press Restore: the seconds until it is
    restored and the GUI thread's longest gap meanwhile."""
    from bench_ui import gui_gaps
    from PySide6.QtCore import QSettings, QTimer

    from ui.app import settle
    from ui.context import AppContext
    from ui.trash.view import TrashView

    ctx = AppContext(db, QSettings(str(home / "ui-trash.ini"), QSettings.Format.IniFormat))
    view = TrashView(ctx)
    view.resize(1000, 700)
    view.show()
    settle(ctx)
    view.table.selectAll()
    finished: list[float] = []

    def press_restore() -> None:
        view.restore_button.click()  # returns once the records are back
        finished.append(time.perf_counter())

    started = time.perf_counter()
    QTimer.singleShot(0, press_restore)
    gaps = gui_gaps(app, lambda: bool(finished))
    settle(ctx)
    results = {"trash_restore_s": finished[0] - started,
               "trash_rows_left": view.model.rowCount(), "trash_max_gap_ms": max(gaps)}
    view.close()
    ctx.close()
    return results


def bench(contacts: int, records: int) -> dict[str, float]:
    from bench_ui import gui_gaps, percentile
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from coordinator.db import Database
    from coordinator.demo import build_demo
    from coordinator.services import Services
    from ui.app import make_application, settle
    from ui.context import AppContext
    from ui.kit import background
    from ui.trash.view import TrashView

    app = make_application([])
    home = Path(tempfile.mkdtemp(prefix="coordinator-bench-trash-"))
    os.environ["COORDINATOR_HOME"] = str(home)
    db = Database.open(home / "trash.db")
    services = Services(db)
    build_demo(services, contacts=contacts)
    db.close()  # copied by the backup API while nothing holds it open
    moves = compare_moves(home / "trash.db", home, records)
    db = Database.open(home / "trash.db")
    services = Services(db)
    everyone = [r.id for r in services.contacts.list(limit=10**7).rows]
    for step, move in (("all_to_trash_s", services.contacts.delete_many),
                       ("all_back_s", services.contacts.restore_many)):
        started = time.perf_counter()
        move(everyone)
        moves[step] = time.perf_counter() - started
    moves["everyone"] = len(everyone)
    moves.update(delete_from_the_view(app, db, home))
    moves.update(restore_from_the_trash_view(app, db, home))
    services.contacts.delete_many(everyone)  # the Trash the purges below empty
    in_trash = services.trash.count()
    db.close()
    compared = compare(home / "trash.db", home, records)
    db = Database.open(home / "trash.db")
    services = Services(db)

    def say_yes(box: QMessageBox) -> int:
        box.show()
        box.button(QMessageBox.StandardButton.Yes).click()
        return 0

    background.run_modal = say_yes  # type: ignore[assignment]
    ctx = AppContext(db, QSettings(str(home / "ui.ini"), QSettings.Format.IniFormat))
    view = TrashView(ctx)
    view.resize(1000, 700)
    view.show()
    settle(ctx)
    results: dict[str, float] = {"in_trash": in_trash, **compared, **moves}
    started = time.perf_counter()
    view.empty_button.click()
    gaps = gui_gaps(app, lambda: not view.purging)
    results["purge_s"] = time.perf_counter() - started
    results["max_gap_ms"] = max(gaps)
    results["p99_gap_ms"] = percentile(gaps, 99)
    settle(ctx)
    results["left"] = services.trash.count()
    idle_until = time.perf_counter() + min(results["purge_s"], 10.0)
    idle = gui_gaps(app, lambda: time.perf_counter() >= idle_until)
    results["idle_max_gap_ms"] = max(idle)
    view.close()
    ctx.close()
    db.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--compare", type=int, default=2_000,
                        help="records purged both ways for the ratio")
    args = parser.parse_args()
    r = bench(args.contacts, args.compare)
    per_move = r["move_one_at_a_time_s"] / max(r["moved"], 1)
    print(f"Move {r['moved']:,.0f} contacts to Trash in one unit of work: one at a time "
          f"{r['move_one_at_a_time_s']:.2f} s ({per_move * 1000:.2f} ms a record; baseline), "
          f"in bulk {r['move_bulk_s']:.2f} s: "
          f"{r['move_one_at_a_time_s'] / max(r['move_bulk_s'], 1e-6):.1f}x faster "
          f"({r['move_one_at_a_time_in_trash']:,.0f} and {r['move_bulk_in_trash']:,.0f} "
          "in Trash)")
    print(f"All {r['everyone']:,.0f} contacts in bulk: to Trash {r['all_to_trash_s']:.2f} s, "
          f"back {r['all_back_s']:.2f} s (one at a time at the rate above: about "
          f"{per_move * r['everyone']:.0f} s); selected in the contacts list and "
          f"deleted: moved in {r['view_delete_s']:.2f} s, list refreshed after "
          f"{r['view_shown_s']:.2f} s ({r['view_rows_left']:,.0f} rows left), GUI thread "
          f"unavailable at most {r['view_max_gap_ms']:.1f} ms; all selected in the Trash "
          f"view and restored: {r['trash_restore_s']:.2f} s ({r['trash_rows_left']:,.0f} "
          f"rows left), GUI thread unavailable at most {r['trash_max_gap_ms']:.1f} ms")
    per_record = r["one_at_a_time_s"] / max(r["records"], 1)
    print(f"Purge {r['records']:,.0f} of them in one unit of work: one at a time "
          f"{r['one_at_a_time_s']:.2f} s ({per_record * 1000:.2f} ms a record; baseline), "
          f"in bulk {r['bulk_s']:.2f} s: {r['one_at_a_time_s'] / max(r['bulk_s'], 1e-6):.1f}x "
          f"faster ({r['one_at_a_time_left']:,.0f} and {r['bulk_left']:,.0f} left in Trash)")
    print(f"Empty Trash of {r['in_trash']:,.0f} records from the view: {r['purge_s']:.1f} s "
          f"(one at a time at the rate above: about {per_record * r['in_trash']:.0f} s), "
          f"{r['left']:,.0f} left")
    print(f"GUI thread during the purge: longest gap {r['max_gap_ms']:.1f} ms, p99 "
          f"{r['p99_gap_ms']:.1f} ms; idle in the same run: longest "
          f"{r['idle_max_gap_ms']:.1f} ms (ratio "
          f"{r['max_gap_ms'] / max(r['idle_max_gap_ms'], 0.001):.1f}x; target < 50 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
