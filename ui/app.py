"""The one place that sets up the QApplication and starts the desktop app.

    python main.py [--db PATH] [--demo]
    python main.py --db PATH --screenshot FILE [--view contacts] [--size 1280x800]

`run(argv)` parses the arguments, configures the application (names, icon, high-DPI,
the system palette left alone), logs to the log folder, installs the exception hook
(a dialog with "Copy details"; the app never vanishes) and starts the `Controller`:
the main window is painted first (restored geometry, sidebar, menus), then the core is
imported and the database opened on a background thread, then the views fill in. A
database that cannot be opened gets a clear message and exit code 1. `--screenshot`
does the same synchronously and offscreen. `main()` is the gui-script entry point.

Set COORDINATOR_EXIT_AFTER_PAINT=1 (or =ready) to print the time of the first paint
(or of the first data shown) and quit: bench/bench_ui.py uses it.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from coordinator import APP_AUTHOR, APP_NAME, __version__, paths
from coordinator.errors import CoordinatorError, DatabaseOpenError
from ui.dialogs.error import ErrorDialog
from ui.settings import default_settings
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from coordinator.db import Database
    from ui.context import AppContext
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)
# Beside ui/ in a source checkout, and installed beside it from the wheel too (pyproject
# ships resources/ as package data), so one lookup serves both.
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
VIEW_NAMES = ("home", "contacts", "organizations", "consortia", "proposals", "meetings",
              "actions", "coverage", "trash")
EXIT_AFTER_PAINT = "COORDINATOR_EXIT_AFTER_PAINT"  # benchmarks: print and quit on first paint


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="coordinator-app", description="Coordinator desktop app")
    parser.add_argument("--db", help="database file (default: in your data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="fill an empty database with the sample coalition first")
    parser.add_argument("--screenshot", metavar="FILE", help="save a PNG of the window and exit")
    parser.add_argument("--view", default="contacts",
                        help="view for --screenshot: " + ", ".join(VIEW_NAMES))
    parser.add_argument("--size", default="1280x800", help="window size for --screenshot, WxH")
    return parser.parse_args(argv)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"--size must look like 1280x800, not {text!r}") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise SystemExit("--size must be between 200x200 and 8000x8000")
    return w, h


# -- application ---------------------------------------------------------------------------
def app_icon() -> QIcon:
    icon = QIcon()
    folder = RESOURCES / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256):
        png = folder / f"coordinator-{size}.png"
        if png.exists():
            icon.addFile(str(png))
    return icon


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once with names, icon and high-DPI settings."""
    existing = QApplication.instance()
    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setOrganizationDomain("smartcoalitions.example.org")
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    if existing is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication([sys.argv[0] if sys.argv else APP_NAME, *(argv or [])])
    else:
        app = existing  # type: ignore[assignment]
    QGuiApplication.setApplicationDisplayName(APP_NAME)
    QGuiApplication.setDesktopFileName("coordinator")
    app.setWindowIcon(app_icon())
    # The palette is left to the platform so that light and dark modes both work.
    return app  # type: ignore[return-value]


def configure_logging() -> Path:
    """Private rotating logs (0600 in a 0700 folder) that mask emails and phone numbers."""
    from coordinator.logs import setup_logging

    return setup_logging()


# -- errors ----------------------------------------------------------------------------------
class ExceptionHook:
    """Logs unexpected exceptions and shows them; the app keeps running."""

    def __init__(self) -> None:
        self.previous = sys.excepthook
        self._showing = False
        self.dialogs: list[ErrorDialog] = []

    def install(self) -> None:
        sys.excepthook = self.handle
        TaskRunner.default_error_handler = self.handle_task_error

    def uninstall(self) -> None:
        sys.excepthook = self.previous
        TaskRunner.default_error_handler = None

    def handle(self, kind: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        details = "".join(traceback.format_exception(kind, exc, tb))
        log.error("Unexpected error\n%s", details)
        self.show(exc, details)

    def handle_task_error(self, exc: BaseException) -> None:
        """Background failures: storage problems and user-facing errors get a plain
        message; anything else is unexpected (dialog with details, logged)."""
        parent = QApplication.activeWindow()
        try:
            from ui.safety import handle_storage_error

            if handle_storage_error(exc, parent):
                return
        except ImportError:  # pragma: no cover - the safety dialogs are optional
            pass
        if isinstance(exc, CoordinatorError):
            QMessageBox.warning(parent, APP_NAME, str(exc))
            return
        self.handle(type(exc), exc, exc.__traceback__)

    def show(self, exc: BaseException, details: str) -> None:
        if self._showing or QApplication.instance() is None:
            return
        self._showing = True
        try:
            dialog = ErrorDialog(exc, details, QApplication.activeWindow())
            dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d)
                                    if d in self.dialogs else None)
            self.dialogs.append(dialog)
            dialog.open()
        finally:
            self._showing = False


# -- database --------------------------------------------------------------------------------
def open_database(path: Path, parent: QWidget | None = None, *, quiet: bool = False
                  ) -> Database | None:
    """Open (and migrate) the database, or explain why not and return None."""
    from coordinator.db import Database

    try:
        return Database.open(path)
    except DatabaseOpenError as exc:
        log.warning("cannot open %s: %s", path, exc)
        if not quiet:
            QMessageBox.critical(parent, "Cannot open the database",
                                 f"{path}\n\n{exc}\n\nNothing in the file was changed.")
        else:
            print(f"Cannot open {path}: {exc}", file=sys.stderr)
        return None


def fill_demo(ctx: AppContext, *, show_progress: bool = True) -> None:
    """`--demo`: the sample coalition, written before the window opens."""
    from coordinator.demo import build_demo

    if not ctx.services.is_empty():
        return
    dialog = None
    if show_progress:
        dialog = QProgressDialog("Loading the sample coalition…", "", 0, 100)
        dialog.setCancelButton(None)
        dialog.setMinimumDuration(0)
        dialog.show()

    def progress(stage: str, percent: int) -> None:
        if dialog is not None:
            dialog.setLabelText(f"{stage}…")
            dialog.setValue(percent)
            QApplication.processEvents()

    build_demo(ctx.services, progress=progress)
    if dialog is not None:
        dialog.close()


# -- windows ---------------------------------------------------------------------------------
def new_context(db: Database, settings: QSettings | None = None) -> AppContext:
    from ui.context import AppContext

    return AppContext(db, settings if settings is not None else default_settings())


class _Opener(QObject):
    """Opens the database (taking its single-writer lock) on a plain thread; results come
    back queued to the GUI thread. A lock held elsewhere is reported as `in_use`, for
    the GUI to ask what to do."""

    opened = Signal(object)  # coordinator.lock.LockedDatabase
    in_use = Signal(object)  # DatabaseInUse / LockError
    failed = Signal(object)  # BaseException

    def start(self, path: Path) -> None:
        def work() -> None:
            try:
                # The core's imports (SQLAlchemy, Alembic) happen here too, off the GUI.
                from coordinator.lock import DatabaseInUse, LockError, open_locked
                from ui import context  # noqa: F401
            except BaseException as exc:
                self.failed.emit(exc)
                return
            try:
                locked = open_locked(path)
                from coordinator.leftovers import clean_leftovers

                clean_leftovers(path)  # of backups or restores a crash interrupted
                self.opened.emit(locked)
            except (DatabaseInUse, LockError) as exc:
                self.in_use.emit(exc)
            except BaseException as exc:
                self.failed.emit(exc)

        threading.Thread(target=work, name="open-database", daemon=True).start()


class _OnFirstPaint(QObject):
    """Calls `callback` once, right after `window` was first painted."""

    def __init__(self, window: QWidget, callback: object) -> None:
        super().__init__(window)
        self.callback = callback
        self.done = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            QTimer.singleShot(0, self.callback)  # type: ignore[arg-type]
        return False


class Controller(QObject):
    """Owns the open database (with its lock) and its window; switches databases.

    Start-up paints the window first and opens the database in the background, so
    the frame appears at once and the data follows. While it is open the database's
    lock and file are checked every few seconds, and a backup is made on quit when
    something changed (ui.safety)."""

    WATCH_MS = 5_000

    def __init__(self, db_path: Path, *, demo: bool = False,
                 settings: QSettings | None = None) -> None:
        super().__init__()
        self.db_path, self.demo = db_path, demo
        self.settings = settings if settings is not None else default_settings()
        self.ctx: AppContext | None = None
        self.locked: object | None = None  # coordinator.lock.LockedDatabase
        self.backups: object | None = None  # coordinator.backups.BackupManager
        self.exit_code = 0
        self.quit_on_failure = False
        self.window = self._make_window(None)
        self.window.db_label.setText(f"Opening {db_path.name}…")
        self._opener = _Opener(self)
        self._opener.opened.connect(self._opened)
        self._opener.in_use.connect(self._in_use)
        self._opener.failed.connect(self._failed)
        self._watch = QTimer(self)
        self._watch.setInterval(self.WATCH_MS)
        self._watch.timeout.connect(self._check_file)

    def _make_window(self, ctx: AppContext | None) -> MainWindow:
        from ui.main_window import MainWindow

        window = MainWindow(ctx, settings=self.settings)
        window.database_requested.connect(self.switch_to)
        return window

    def start(self) -> None:
        self._show_first_page()
        _OnFirstPaint(self.window, lambda: self._opener.start(self.db_path))
        self.window.show()

    def _show_first_page(self) -> None:
        """Put the first contacts in the very first frame: a plain sqlite3 read of a few
        milliseconds, done before the core (SQLAlchemy, models, services) is imported."""
        from ui.views.registry import DEFAULT_VIEW

        if self.demo or self.settings.value("main/view", DEFAULT_VIEW) != "contacts":
            return
        from coordinator.db.first_page import read_first_page

        page = read_first_page(self.db_path)
        if page is not None and page.rows:
            self.window.show_first_page(page)

    def _opened(self, locked: object) -> None:
        self._use(locked)
        if self.demo and self.ctx is not None:
            fill_demo(self.ctx)
        self.window.attach(self.ctx)  # type: ignore[arg-type]
        self._mark_read_only()

    def _use(self, locked: object) -> None:
        self.locked = locked
        self.ctx = new_context(locked.db, self.settings)  # type: ignore[attr-defined]
        self.backups = None
        if not locked.read_only:  # type: ignore[attr-defined]
            try:
                from ui.safety import start_backup_watch

                self.backups = start_backup_watch(self.ctx)
            except CoordinatorError as exc:
                log.warning("backup watch not started: %s", exc)
        self._watch.start()
        log.info("opened %s", self.ctx.db_path)

    def _mark_read_only(self) -> None:
        if getattr(self.locked, "read_only", False):
            self.window.db_label.setText(f"{self.ctx.db_path.name} (read-only)")  # type: ignore[union-attr]
            self.window.setWindowTitle(self.window.windowTitle() + " (read-only)")
            from ui.safety.opening import explain_read_only

            explain_read_only(self.locked, self.window)  # a read-only file: say why

    def _in_use(self, _exc: BaseException) -> None:
        from ui.safety import open_database_interactively

        locked = open_database_interactively(self.db_path, self.window)  # asks the user
        if locked is None:
            self._give_up()
            return
        self._opened(locked)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseOpenError):
            QMessageBox.critical(self.window, "Cannot open the database",
                                 f"{self.db_path}\n\n{exc}\n\nNothing in the file was changed.")
        else:
            log.error("cannot open %s", self.db_path, exc_info=exc)
            QMessageBox.critical(self.window, "Cannot open the database",
                                 f"{self.db_path}\n\n{type(exc).__name__}: {exc}")
        self._give_up()

    def _give_up(self) -> None:
        self.exit_code = 1
        self.window.close()
        if self.quit_on_failure:  # only when run() owns the event loop
            QApplication.exit(1)

    def _check_file(self) -> None:
        """The file moved or deleted, or the lock taken over: say so once, clearly."""
        if self.locked is None or self.ctx is None:
            return
        try:
            self.locked.check()  # type: ignore[attr-defined]
        except CoordinatorError as exc:
            self._watch.stop()
            from ui.safety import handle_storage_error

            if not handle_storage_error(exc, self.window, db=self.ctx.db):
                QMessageBox.warning(self.window, "Database", str(exc))

    def switch_to(self, path: str) -> None:
        from ui.safety import open_database_interactively

        locked = open_database_interactively(Path(path), self.window)
        if locked is None:
            return
        old_window = self.window
        old_window.close()  # saves its state while its database is still open
        self._release()
        self._use(locked)
        self.window = self._make_window(self.ctx)
        self._mark_read_only()
        self.window.show()
        old_window.deleteLater()

    def _release(self) -> None:
        self._watch.stop()
        if self.backups is not None:
            from ui.safety import backup_on_quit

            backup_on_quit(self.backups)  # type: ignore[arg-type]
            self.backups = None
        if self.ctx is not None:
            self.ctx.close()
            self.ctx = None
        if self.locked is not None:
            self.locked.close()  # type: ignore[attr-defined]
            self.locked = None

    def close(self) -> None:
        """At quit: the automatic backup (when something changed), then let go."""
        self._release()


def settle(ctx: AppContext, rounds: int = 20) -> None:
    """Let background tasks and their callbacks finish (screenshots, tests)."""
    for _ in range(rounds):
        QApplication.processEvents()
        ctx.tasks.wait(5_000)
        QApplication.processEvents()
        if ctx.tasks.pending() == 0:
            break
    QApplication.processEvents()


def screenshot(db_path: Path, file: Path, view: str = "contacts",
               size: tuple[int, int] = (1280, 800)) -> int:
    """Render the main window offscreen on `view` and save it as PNG; returns exit code."""
    from ui.main_window import MainWindow

    if view not in VIEW_NAMES:
        print(f"Unknown view {view!r}; use one of {', '.join(VIEW_NAMES)}", file=sys.stderr)
        return 2
    db = open_database(db_path, quiet=True)
    if db is None:
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "screenshot.ini"), QSettings.Format.IniFormat)
        settings.setValue("welcome/dismissed", [str(db.path)])
        ctx = new_context(db, settings)
        window = MainWindow(ctx)
        window.resize(*size)
        window.show()
        page = window.show_view(view)
        settle(ctx)
        if page is not None and hasattr(page, "select_row") and hasattr(page, "model") \
                and page.model.rowCount() > 0:
            page.select_row(0)
            settle(ctx)
        window.resize(*size)
        QApplication.processEvents()
        image = window.grab()
        ok = image.save(str(file), "PNG")
        window.close()
        window.deleteLater()
        QApplication.processEvents()
        ctx.close()
    if not ok:
        print(f"Could not write {file}", file=sys.stderr)
        return 1
    return 0


def _report_when_ready(controller: Controller, mode: str) -> None:
    """Benchmarks: print the time of the first paint and quit; or (`ready`) the time the
    first contacts were painted (READY) and the time the full view had loaded with
    nothing left running (INTERACTIVE), then quit."""
    if mode != "ready":
        def painted() -> None:
            print(f"FIRST_PAINT {time.time():.6f}", flush=True)
            QApplication.quit()

        _OnFirstPaint(controller.window, painted)
        return

    reported: list[str] = []

    def listed() -> None:
        if not reported:
            reported.append("READY")
            print(f"READY {time.time():.6f}", flush=True)

    controller.window.first_page_painted.connect(listed)

    def poll() -> None:
        ctx = controller.ctx
        if ctx is None or ctx.tasks.pending() or controller.window.first_page_view is not None:
            QTimer.singleShot(2, poll)
            return
        QApplication.processEvents()
        listed()  # no first frame (an older schema, say): listed once the view loaded
        print(f"INTERACTIVE {time.time():.6f}", flush=True)
        QApplication.quit()

    QTimer.singleShot(0, poll)


def run(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    db_path = paths.resolve_db_path(args.db)
    if args.screenshot:
        if QApplication.instance() is None:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        make_application([])
        size = parse_size(args.size)
        if args.demo:
            db = open_database(db_path, quiet=True)
            if db is None:
                return 1
            ctx = new_context(db)
            fill_demo(ctx, show_progress=False)
            ctx.close()
        return screenshot(db_path, Path(args.screenshot), args.view, size)

    app = make_application([])
    logfile = configure_logging()
    log.info("Coordinator %s starting; database %s; log %s", __version__, db_path, logfile)
    hook = ExceptionHook()
    hook.install()
    try:
        controller = Controller(db_path, demo=args.demo)
        controller.quit_on_failure = True
        mode = os.environ.get(EXIT_AFTER_PAINT)
        if mode:
            _report_when_ready(controller, mode)
        controller.start()
        code = app.exec()
        with contextlib.suppress(RuntimeError):
            controller.close()
        return code or controller.exit_code
    finally:
        hook.uninstall()


def main() -> None:
    """Entry point of the `coordinator-app` gui-script."""
    sys.exit(run())
