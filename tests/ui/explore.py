"""Drive every view and every editor of the app the way a curious new user would, and
report anything that goes wrong.

    python tests/ui/explore.py --db SAMPLE.db [--only proposals,meetings] [--verbose]

On a copy of the sample coalition (a contact and a proposal first moved to Trash) it
opens the main window on each view, then each editor (a new record and an existing one),
then creates a proposal and a meeting, closes them and reopens them from their tables
(twice) and, for the proposal, from Ctrl+K search; last it opens the window of every
menu command (Export, Team Hub, Find Duplicates, About You...; not those that switch
databases or quit), a modal dialog again until an opening finds no control left to
visit. In every window, and on every tab of it, it visits each focusable widget in tab
order (pressing Tab from the previous one when that is what a user would do), types
into text fields, opens and closes combo, completer and calendar popups, steps spin
boxes, toggles check boxes, presses Enter (and, outside dialogs, Escape) and activates
buttons, except those that would open a file dialog or quit. Each window is shown at
1024x700 and at 1920x1080. Escape is pressed in every popup, everywhere in the main
window, and once at the end in each editor (closing it).

Failures it reports (exit status 1, one line per problem, then the tracebacks):
* any exception that reaches the app's error hook (`sys.excepthook`, failed background
  tasks): the hook is the app's own `ExceptionHook`, with its "Unexpected error" dialog
  replaced by a collector;
* an exception raised by the app while the explorer calls it directly;
* a window that does not open or reopen, and running out of time before the end.

A crash (segmentation fault, stack overflow) kills the process; `faulthandler` prints
the Python stack on stderr. A hang is cut by a watchdog that prints every thread's stack.
Modal dialogs and message boxes that open meanwhile are closed by a timer (rejected,
or answered "Discard" when the explorer closes its own windows), so nothing waits for a
user. Run by tests/ui/test_explore.py in a subprocess.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QStackedWidget,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from shiboken6 import getCppPointer, isValid  # noqa: E402

from ui.app import ExceptionHook, make_application, settle  # noqa: E402

SIZES = ((1024, 700), (1920, 1080))
# ASCII only (QTest.keyClicks aborts on other text). A zone prefix on purpose: the zone
# field looks the text up as it is typed.
TYPED = "America/Ch 7"
# Buttons never pressed: they open file dialogs, quit, switch databases or print.
SKIP_BUTTON = re.compile(r"import|export|back ?up|restore from|quit|database|print|browse|"
                         r"choose (a )?file|save as|…|\.\.\.", re.IGNORECASE)
Key = Qt.Key


@dataclass
class Problem:
    where: str
    summary: str
    details: str


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    closed_dialogs: list[str] = field(default_factory=list)
    visited: int = 0
    where: str = "start-up"

    def add(self, summary: str, details: str) -> None:
        self.problems.append(Problem(self.where, summary, details))
        print(f"  !! {self.where}: {summary}", flush=True)


# -- the app's error hook, collecting instead of showing a dialog ---------------------------
class CollectingHook(ExceptionHook):
    """The app's `ExceptionHook` (logging, task errors, storage errors) whose "Unexpected
    error" dialog is replaced by an entry in the report."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report

    def show(self, exc: BaseException, details: str) -> None:
        self.report.add(f"{type(exc).__name__}: {exc}", details)


# -- modal dialogs close themselves -----------------------------------------------------------
class ModalCloser:
    """Every few milliseconds, closes the active modal dialog unless it is being explored.

    Message boxes are rejected (their Escape button: Cancel, No, Close…); while the
    explorer closes its own windows (`discarding`), "Discard" is chosen when offered."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.allowed: list[QWidget] = []
        self.discarding = False
        self.timer = QTimer()
        self.timer.setInterval(25)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or any(isValid(a) and a is modal for a in self.allowed):
            return
        text = modal.text() if isinstance(modal, QMessageBox) else ""
        self.report.closed_dialogs.append(
            f"{self.report.where}: {type(modal).__name__} “{modal.windowTitle()}” {text}"[:200])
        if isinstance(modal, QMessageBox):
            discard = modal.button(QMessageBox.StandardButton.Discard)
            if self.discarding and discard is not None:
                discard.click()
                return
        if isinstance(modal, QDialog):
            modal.reject()
        else:
            modal.close()

    @contextmanager
    def allowing(self, widget: QWidget) -> Iterator[None]:
        self.allowed.append(widget)
        try:
            yield
        finally:
            self.allowed.remove(widget)


def pump(rounds: int = 1) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


def describe(w: QWidget) -> str:
    if not isValid(w):
        return "(deleted widget)"
    bits = [type(w).__name__]
    for attr in ("text", "placeholderText", "currentText", "windowTitle", "accessibleName"):
        getter = getattr(w, attr, None)
        try:
            value = getter() if callable(getter) else ""
        except (TypeError, RuntimeError):
            value = ""
        if isinstance(value, str) and value.strip():
            bits.append(repr(value.strip()[:40]))
            break
    if w.objectName() and not w.objectName().startswith("qt_"):
        bits.append(f"#{w.objectName()}")
    return " ".join(bits)


def key(w: QWidget) -> int:
    """A widget's identity (its C++ address: Python wrappers come and go)."""
    return int(getCppPointer(w)[0])


def path(w: QWidget) -> str:
    """Where a widget sits in its window (class and position under each parent): the
    same for the same control after its window was reopened or its rows rebuilt."""
    parts = []
    while w is not None and not w.isWindow():
        parent = w.parentWidget()
        view = parent.parentWidget() if parent is not None else None
        if isinstance(view, QAbstractItemView) and parent is view.viewport():
            # a cell widget: its row and column (rows are rebuilt after a save)
            index = view.indexAt(w.geometry().center())
            parts.append(f"{type(w).__name__}@{index.row()},{index.column()}")
        else:
            siblings = [c for c in parent.children() if isinstance(c, QWidget)] \
                if parent else []
            position = next((i for i, c in enumerate(siblings) if c is w), -1)
            parts.append(f"{type(w).__name__}{position}")
        w = parent
    return "/".join(reversed(parts))


def control_of(w: QWidget) -> QWidget:
    """The control a focusable part belongs to (a spin box's or combo's line edit)."""
    parent = w.parentWidget()
    while parent is not None and isinstance(parent, QAbstractSpinBox | QComboBox):
        w, parent = parent, parent.parentWidget()
    return w


def focus_chain(window: QWidget) -> list[QWidget]:
    """The controls of `window` a user reaches with Tab, in tab order."""
    out: list[QWidget] = []
    seen: set[int] = set()
    w = window.nextInFocusChain()
    for _ in range(20_000):
        if w is None or w is window:
            break
        c = control_of(w)
        if (key(c) not in seen and c.window() is window and c.isVisible() and c.isEnabled()
                and (w.focusPolicy() & Qt.FocusPolicy.TabFocus
                     or c.focusPolicy() & Qt.FocusPolicy.TabFocus)):
            seen.add(key(c))
            out.append(c)
        w = w.nextInFocusChain()
    return out


def reveal(w: QWidget) -> None:
    """Make the tabs holding `w` current."""
    child, parent = w, w.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(grand, QTabWidget):
            grand.setCurrentWidget(child)
        child, parent = parent, grand


def popup() -> QWidget | None:
    return QApplication.activePopupWidget()


def close_popup() -> None:
    """Escape in the open popup (as a user would), else hide it."""
    for _ in range(3):
        p = popup()
        if p is None:
            return
        target = QApplication.focusWidget() if QApplication.focusWidget() else p
        if not p.isAncestorOf(target) and target is not p:
            target = p
        QTest.keyClick(target, Key.Key_Escape)
        pump()
    p = popup()
    if p is not None:
        p.hide()
        pump()


def arrow_point(w: QWidget) -> QPoint:
    """Where a spin box's or combo's drop-down arrow is (the right end)."""
    return QPoint(max(1, w.width() - 8), w.height() // 2)


# -- the explorer ------------------------------------------------------------------------------
class Explorer:
    def __init__(self, ctx: object, report: Report, closer: ModalCloser,
                 deadline: float) -> None:
        self.ctx = ctx
        self.report = report
        self.closer = closer
        self.deadline = deadline
        self.baseline: set[int] = set()
        self.verbose = False

    # -- steps ------------------------------------------------------------------------------
    def settle(self) -> None:
        settle(self.ctx)  # type: ignore[arg-type]

    @contextmanager
    def step(self, where: str) -> Iterator[None]:
        before, self.report.where = self.report.where, where
        try:
            yield
        except Exception as exc:  # the app raised while the explorer called it directly
            self.report.add(f"{type(exc).__name__}: {exc}", traceback.format_exc())
        finally:
            pump()
            self.report.where = before

    def reload(self, view: object) -> None:
        """Reload a view now (not after its filter delay) and wait for the rows."""
        refresh = getattr(view, "refresh", None)
        for timer in view.findChildren(QTimer):  # type: ignore[attr-defined]
            timer.stop()  # a pending delayed reload would clear the selection later
        if callable(refresh):
            refresh()
        self.settle()

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline

    # -- one widget ---------------------------------------------------------------------------
    def exercise(self, w: QWidget, in_dialog: bool) -> None:
        if not isValid(w) or not w.isVisible() or not w.isEnabled():
            return
        self.report.visited += 1
        if isinstance(w, QComboBox):
            self._combo(w)
        elif isinstance(w, QDateTimeEdit):
            self._date(w)
        elif isinstance(w, QAbstractSpinBox):
            for key in (Key.Key_Up, Key.Key_Down, Key.Key_PageUp, Key.Key_PageDown):
                if isValid(w):
                    QTest.keyClick(w, key)
        elif isinstance(w, QLineEdit):
            self._type(w)
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            if not w.isReadOnly():
                w.moveCursor(w.textCursor().MoveOperation.End)
                QTest.keyClicks(w, " " + TYPED)
                QTest.keyClick(w, Key.Key_Return)
        elif isinstance(w, QCheckBox | QRadioButton):
            QTest.keyClick(w, Key.Key_Space)
            pump()
            if isValid(w) and isinstance(w, QCheckBox):
                QTest.keyClick(w, Key.Key_Space)
        elif isinstance(w, QAbstractButton):
            if not SKIP_BUTTON.search(w.text() or w.toolTip() or ""):
                QTest.keyClick(w, Key.Key_Space)
            return  # Enter on a button clicks it again; Escape would close its dialog
        elif isinstance(w, QAbstractItemView):
            self._view(w)
        pump()
        if isValid(w) and w.isVisible() and popup() is None:
            QTest.keyClick(w, Key.Key_Return)
            pump()
        close_popup()
        if not in_dialog and isValid(w) and w.isVisible():
            QTest.keyClick(w, Key.Key_Escape)
            pump()

    def _type(self, edit: QLineEdit) -> None:
        if edit.isReadOnly():
            return
        edit.selectAll()
        QTest.keyClicks(edit, TYPED)
        pump()
        close_popup()  # completers and search popups

    def _combo(self, box: QComboBox) -> None:
        QTest.keyClick(box, Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # opens the list
        pump()
        if popup() is None and isValid(box):
            box.showPopup()
            pump()
        close_popup()
        if isValid(box) and box.isEditable() and box.lineEdit() is not None:
            self._type(box.lineEdit())
        if isValid(box) and box.count() > 1:  # pick another entry with the keyboard
            QTest.keyClick(box, Key.Key_Down)
            pump()

    def _date(self, edit: QDateTimeEdit) -> None:
        QTest.keyClick(edit, Key.Key_Up)
        pump()
        if isValid(edit) and edit.calendarPopup():
            QTest.mouseClick(edit, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             arrow_point(edit))  # the calendar opens under the arrow
            pump()
            close_popup()
        if isValid(edit):
            QTest.keyClick(edit, Key.Key_Down)

    def _view(self, view: QAbstractItemView) -> None:
        model = view.model()
        if model is None or model.rowCount() == 0:
            return
        for key in (Key.Key_Down, Key.Key_End, Key.Key_Home, Key.Key_PageDown, Key.Key_Up):
            if isValid(view):
                QTest.keyClick(view, key)
        pump()

    # -- one window ---------------------------------------------------------------------------
    def explore_window(self, name: str, window: QWidget,
                       reopen: Callable[[], QWidget | None] | None = None,
                       restore: Callable[[], object] | None = None,
                       visited: set[str] | None = None) -> QWidget | None:
        """Visit every control of `window` on every tab, at both sizes; returns the window
        (a new one when it had to be reopened after a step closed it). `visited`: the
        controls already seen in an earlier opening of the same window, skipped."""
        in_dialog = isinstance(window, QDialog)
        visited = set() if visited is None else visited
        started, count = time.monotonic(), self.report.visited
        window.resize(*SIZES[0])
        pump()
        passes = 0
        while passes < 40 and not self.out_of_time():
            passes += 1
            chain = [w for w in focus_chain(window) if path(w) not in visited]
            chain_paths = {id(w): path(w) for w in chain}
            if not chain:
                # every control of this tab state seen: show the next tab with unseen ones
                if not self._next_tab(window, visited):
                    break
                continue
            previous: QWidget | None = None
            previous_path = ""
            for w in chain:
                if self.out_of_time() or not isValid(window) or not window.isVisible():
                    break
                if not isValid(w) or not w.isVisible():
                    # rebuilt meanwhile (a save refills the rows): visit its successor
                    w = self._at_path(window, chain_paths.get(id(w), ""))
                    if w is None or path(w) in visited:
                        continue
                if previous is not None and not isValid(previous):
                    previous = self._at_path(window, previous_path)
                visited.add(path(w))
                with self.step(f"{name} > {describe(w)}"):
                    if self.verbose:
                        print(f"    {self.report.where}", flush=True)
                    self._arrive(previous, w)
                    self.exercise(w, in_dialog)
                    self._close_strays(keep=window)
                    if restore is not None:  # e.g. the sidebar's arrow keys changed view
                        restore()
                previous = w if isValid(w) else None
                previous_path = path(w) if isValid(w) else ""
            if not isValid(window) or not window.isVisible():
                if reopen is None:
                    return None
                with self.step(f"{name} (reopened)"):
                    window = reopen()
                    if window is None:
                        self.report.add("a step closed the window and it did not open again",
                                        "")
                if window is None:
                    return None
                window.resize(*SIZES[0])
                pump()
        for size in SIZES[1:] + SIZES[:1]:
            with self.step(f"{name} at {size[0]}x{size[1]}"):
                if isValid(window) and window.isVisible():
                    window.resize(*size)
                    self.settle()
                    window.grab()
        print(f"  {name}: {self.report.visited - count} controls, "
              f"{time.monotonic() - started:.1f} s", flush=True)
        return window

    @staticmethod
    def _at_path(window: QWidget, where: str) -> QWidget | None:
        if not where or not isValid(window):
            return None
        return next((w for w in focus_chain(window) if path(w) == where), None)

    def _arrive(self, previous: QWidget | None, w: QWidget) -> None:
        """Tab from the previous control when it has the focus (a simple control passes
        Tab on); else give `w` the focus as Tab would."""
        reveal(w)
        focus = QApplication.focusWidget()
        simple = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractButton)
        if previous is not None and isValid(previous) and focus is not None \
                and control_of(focus) is previous and isinstance(previous, simple):
            QTest.keyClick(focus, Key.Key_Tab)
            pump()
        if isValid(w) and w.isVisible() and (QApplication.focusWidget() is None
                                             or control_of(QApplication.focusWidget()) is not w):
            w.setFocus(Qt.FocusReason.TabFocusReason)
            pump()

    def _next_tab(self, window: QWidget, visited: set[str]) -> bool:
        for tabs in window.findChildren(QTabWidget):
            if not tabs.isVisible():
                continue
            for index in range(tabs.count()):
                page = tabs.widget(index)
                if page is None or index == tabs.currentIndex():
                    continue
                if path(page) in visited:
                    continue
                visited.add(path(page))
                with self.step(f"tab {tabs.tabText(index)!r}"):
                    tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
                    tabs.setCurrentIndex(index)
                    self.settle()
                return True
        return False

    def _close_strays(self, keep: QWidget) -> None:
        """Close windows a step opened (another editor, a preview) besides `keep`."""
        for w in QApplication.topLevelWidgets():
            if (isValid(w) and w.isVisible() and key(w) not in self.baseline and w is not keep
                    and w.windowType() != Qt.WindowType.Popup
                    and w.isWindow() and not w.isModal()):
                self.close_window(w)

    def close_window(self, w: QWidget) -> None:
        if not isValid(w):
            return
        self.closer.discarding = True
        try:
            w.close()
            pump()
        finally:
            self.closer.discarding = False
        if isValid(w) and w.isVisible():
            dirty = getattr(w, "dirty", None)
            if dirty is not None:
                w.dirty = False  # type: ignore[attr-defined]
            w.close()
            pump()


# -- targets -------------------------------------------------------------------------------------
def first_row_id(view: object) -> str | None:
    ids = getattr(view, "selected_ids", lambda: [])()
    return ids[0] if ids else None


def select_first_row(view: object) -> None:
    select = getattr(view, "select_row", None)
    table = getattr(view, "table", None)
    if callable(select):
        select(0)
    elif table is not None and table.model() is not None and table.model().rowCount():
        table.selectRow(0)


def meeting_with_items(ctx: object) -> str | None:
    from coordinator.services import MeetingFilter

    services = ctx.services  # type: ignore[attr-defined]
    for row in services.meetings.list(MeetingFilter(), limit=200).rows:
        m = services.meetings.get(row.id)
        if m.action_items and m.attendees and m.agenda:
            return m.id
    return None


def clear_filters(view: object) -> bool:
    """Back to the view's unfiltered list (the exploration typed into its filters);
    True when a filter changed."""
    changed = False
    table_button = getattr(view, "table_button", None)  # proposals: table, not board
    if isinstance(table_button, QAbstractButton) and not table_button.isChecked():
        table_button.click()
    for name, value in vars(view).items():
        filtering = name.endswith("_filter") or name in ("search", "consortium", "sector")
        if filtering and isinstance(value, QLineEdit) and value.text():
            value.clear()
            changed = True
        elif filtering and isinstance(value, QComboBox) and value.currentIndex() > 0:
            value.setCurrentIndex(0)
            changed = True
        elif name == "tag" and hasattr(value, "clear_text"):
            value.clear_text()
            changed = True
    apply = getattr(view, "apply_filters", None)
    if changed and callable(apply):
        apply()
    return changed


def reopen_from_table(ex: Explorer, view: object, record_id: str) -> QWidget | None:
    """Double-click the record's row in its view, as a user would."""
    from ui.kit.roles import ROW_ROLE

    table = view.table  # type: ignore[attr-defined]
    proxy = table.model()
    clear_filters(view)
    ex.reload(view)
    for r in range(proxy.rowCount()):
        if proxy.index(r, 0).data(ROW_ROLE).id == record_id:
            index = proxy.index(r, 1)
            table.scrollTo(index)
            pump()
            center = table.visualRect(index).center()
            QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, center)
            QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier, center)
            pump()
            editor = view.editors.get(record_id)  # type: ignore[attr-defined]
            if editor is None or not isValid(editor) or not editor.isVisible():
                ex.report.add("double-click did not open the record's editor", "")
                return None
            return editor
    ex.report.add("the record just saved is not in its table", "")
    return None


def create_then_reopen(ex: Explorer, window: object, view_name: str, title: str) -> None:
    """New record → title → save (Ctrl+S) → Close → double-click its row → close."""
    view = window.show_view(view_name)  # type: ignore[attr-defined]
    ex.settle()
    with ex.step(f"{view_name}: create, close, reopen"):
        editor = view.new_record()
        pump()
        QTest.keyClicks(editor.title_edit, title)
        QTest.keyClick(editor, Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        pump()
        record_id = getattr(editor, "proposal_id", None) or getattr(editor, "meeting_id", None)
        if not record_id:
            ex.report.add("Ctrl+S did not save the new record", editor.problems_label.text())
            ex.close_window(editor)
            return
        QTest.mouseClick(editor.close_button, Qt.MouseButton.LeftButton)
        pump()
        for _attempt in range(2):  # reopen twice: the second must find the first again
            again = reopen_from_table(ex, view, record_id)
            if again is None:
                return
            ex.close_window(again)
            ex.settle()
        again = reopen_from_search(ex, window, title, record_id)
        if again is not None:
            ex.close_window(again)
            ex.settle()


def reopen_from_search(ex: Explorer, window: object, title: str,
                       record_id: str) -> QWidget | None:
    """Ctrl+K, type the title, Enter: the record's editor opens."""
    search = window.search  # type: ignore[attr-defined]
    QTest.keyClick(window, Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # type: ignore[arg-type]
    search.setFocus(Qt.FocusReason.ShortcutFocusReason)
    search.selectAll()
    QTest.keyClicks(search, title)
    for _ in range(100):  # the search waits for a pause in typing, then runs
        if search.popup_visible():
            break
        QTest.qWait(20)
        ex.settle()
    QTest.keyClick(search, Key.Key_Return)
    ex.settle()
    opened = [w for w in QApplication.topLevelWidgets() if isValid(w) and w.isVisible()
              and record_id in (getattr(w, "proposal_id", None), getattr(w, "meeting_id", None))]
    if not opened:
        ex.report.add(f"searching for “{title}” and pressing Enter opened no editor", "")
        return None
    return opened[0]


def explore_all(ctx: object, report: Report, closer: ModalCloser, deadline: float,
                only: set[str], verbose: bool = False) -> None:
    from ui.main_window import MainWindow
    from ui.views.registry import VIEWS

    ex = Explorer(ctx, report, closer, deadline)
    ex.verbose = verbose
    with ex.step("filling Trash"):  # so that the Trash view has rows to explore
        services = ctx.services  # type: ignore[attr-defined]
        for service in (services.contacts, services.proposals):
            rows = service.list().rows
            if rows:
                service.delete(rows[-1].id)
    window = MainWindow(ctx)  # type: ignore[arg-type]
    window.resize(*SIZES[0])
    window.show()
    window.activateWindow()
    ex.settle()
    ex.baseline = {key(w) for w in QApplication.topLevelWidgets()}

    def wanted(name: str) -> bool:
        return not only or name in only

    # every view, in sidebar order
    for name in VIEWS:
        if not wanted(name) or ex.out_of_time():
            continue
        print(f"view {name}", flush=True)
        with ex.step(f"view {name}"):
            view = window.show_view(name)
            ex.settle()
            select_first_row(view)
            ex.settle()
        window.resize(*SIZES[0])
        ex.explore_window(f"view {name}", window,
                          restore=lambda n=name: window.show_view(n))
        ex.settle()

    # every editor, for a new record and an existing one
    def editor_target(view_name: str, label: str, opener: Callable[[object], object]) -> None:
        if not wanted(view_name) or ex.out_of_time():
            return
        print(f"editor {view_name} ({label})", flush=True)
        name = f"{view_name} editor ({label})"

        def open_it() -> QWidget | None:
            view = window.show_view(view_name)
            if clear_filters(view):
                ex.reload(view)
            select_first_row(view)
            ex.settle()
            opened = opener(view)
            if opened is None:
                opened = getattr(view, "dialog", None)  # forms opened with open()
            if not isinstance(opened, QWidget) or not isValid(opened):
                return None
            closer.allowed.append(opened)  # before the closer's timer can see it
            ex.settle()
            return opened if isValid(opened) and opened.isVisible() else None

        editor = None
        with ex.step(name):
            editor = open_it()
            if editor is None:
                report.add("the editor did not open", "")
        if editor is None:
            return
        editor = ex.explore_window(name, editor, open_it)
        with ex.step(f"{name}: Escape closes it"):
            if editor is not None and isValid(editor) and editor.isVisible():
                closer.discarding = True
                try:
                    QTest.keyClick(editor, Key.Key_Escape)
                    pump()
                finally:
                    closer.discarding = False
            if editor is not None and isValid(editor) and editor.isVisible():
                ex.close_window(editor)
        closer.allowed.clear()
        ex._close_strays(keep=window)
        ex.settle()

    existing_meeting = meeting_with_items(ctx)

    def open_meeting(view: object) -> object:
        return view.open_record(existing_meeting) if existing_meeting else None  # type: ignore[attr-defined]

    chosen: dict[int, str | None] = {}  # the record each view's "existing" target opens

    def open_first(view: object) -> object:
        if id(view) not in chosen:
            chosen[id(view)] = first_row_id(view)
        record_id = chosen[id(view)]
        return view.open_record(record_id) if record_id else None  # type: ignore[attr-defined]

    def next_in_series(view: object) -> object:
        if existing_meeting:
            return view.new_in_series(existing_meeting)  # type: ignore[attr-defined]
        return None

    editor_target("meetings", "existing, with action items", open_meeting)
    editor_target("meetings", "new", lambda v: v.new_record())  # type: ignore[attr-defined]
    editor_target("meetings", "next in series", next_in_series)
    editor_target("proposals", "existing", open_first)
    editor_target("proposals", "new", lambda v: v.new_record())  # type: ignore[attr-defined]
    editor_target("actions", "its meeting", open_first)
    editor_target("contacts", "existing", lambda v: v.edit_selected())  # type: ignore[attr-defined]
    editor_target("contacts", "new", lambda v: v.new_record())  # type: ignore[attr-defined]
    editor_target("organizations", "existing",
                  lambda v: v.edit_selected())  # type: ignore[attr-defined]
    editor_target("organizations", "new", lambda v: v.new_record())  # type: ignore[attr-defined]

    for view_name, title in (("proposals", "Explorer proposal"),
                             ("meetings", "Explorer meeting")):
        if wanted(view_name) and not ex.out_of_time():
            print(f"{view_name}: create, close, reopen", flush=True)
            create_then_reopen(ex, window, view_name, title)

    if wanted("menus") and not ex.out_of_time():
        explore_menu_windows(ex, window)

    if ex.out_of_time():
        report.add("ran out of time before exploring everything", "")
    ex.close_window(window)
    ex.settle()


# Menu commands whose windows are not explored: they switch or create databases, quit,
# or only toggle the main window itself.
SKIP_MENU = re.compile(r"new database|open database|quit|full screen|show sidebar|"
                       r"^(home|consortia|organizations|contacts|proposals|meetings|"
                       r"action items|coverage|trash|refresh|undo|redo|delete|new record)$",
                       re.IGNORECASE)


def menu_actions(window: QWidget) -> list[tuple[str, QAction]]:
    """Every command of the main window's menus, as "Menu > Command"."""
    out: list[tuple[str, QAction]] = []

    def walk(menu: QMenu, prefix: str) -> None:
        for action in menu.actions():
            if action.isSeparator():
                continue
            sub = action.menu()
            label = action.text().replace("&", "")
            if isinstance(sub, QMenu):
                walk(sub, f"{prefix}{label} > ")
            else:
                out.append((f"{prefix}{label}", action))

    for action in window.menuBar().actions():  # type: ignore[attr-defined]
        if isinstance(action.menu(), QMenu):
            walk(action.menu(), f"{action.text().replace('&', '')} > ")
    return out


def explore_modal_of(ex: Explorer, where: str, action: QAction, seen: set[str]) -> bool:
    """Trigger `action` and explore the modal dialog it opens (up to ~1 s later, after a
    load); False when no modal dialog opened. File dialogs are cancelled."""
    closer = ex.closer
    state = {"tries": 0, "modal": False}

    def explore_modal() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            state["tries"] += 1
            if state["tries"] < 100:
                QTimer.singleShot(10, explore_modal)
            else:
                closer.timer.start()
            return
        closer.timer.start()
        if isinstance(modal, QFileDialog):
            modal.reject()
            return
        state["modal"] = True
        closer.allowed.append(modal)
        try:
            ex.explore_window(where, modal, visited=seen)
        finally:
            closer.allowed.remove(modal)
            if isValid(modal) and modal.isVisible():
                ex.close_window(modal)
                if isValid(modal) and modal.isVisible() and isinstance(modal, QDialog):
                    modal.reject()

    closer.timer.stop()  # so that the window opened is explored, not closed at once
    QTimer.singleShot(0, explore_modal)
    with ex.step(where):
        action.trigger()
        ex.settle()
    while not closer.timer.isActive():
        pump()  # a command with no modal dialog: let the probe give up
        time.sleep(0.01)
    return bool(state["modal"])


def explore_menu_windows(ex: Explorer, window: QWidget) -> None:
    """Open every window a menu command opens (About You, Team Hub, Find Duplicates,
    Export, Reminders...) and explore it like the views: a modal dialog from inside its
    own event loop, a window left open after the command returns. File dialogs are
    cancelled, as everywhere."""
    closer = ex.closer
    for name, action in menu_actions(window):
        command = name.rsplit(" > ", 1)[-1].rstrip("…").strip()
        if SKIP_MENU.search(command) or not action.isEnabled() or ex.out_of_time():
            continue
        where = f"menu {name}"
        print(where, flush=True)
        seen: set[str] = set()  # controls of its window visited so far, over reopenings
        before = {key(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
        # A modal dialog is explored from inside its own event loop; Enter or a button
        # may close it, so it is opened again until an opening finds nothing new.
        for _opening in range(12):
            known = len(seen)
            if not explore_modal_of(ex, where, action, seen) or len(seen) == known:
                break
        opened = [w for w in QApplication.topLevelWidgets()
                  if isValid(w) and w.isVisible() and w.isWindow() and w is not window
                  and key(w) not in before and w.windowType() != Qt.WindowType.Popup]
        for w in opened:
            with closer.allowing(w):
                ex.explore_window(where, w)
            ex.close_window(w)
        ex._close_strays(keep=window)
        ex.settle()


# -- main ------------------------------------------------------------------------------------------
def run(db_path: Path, only: set[str], budget_s: float, verbose: bool = False) -> Report:
    from coordinator.db import Database
    from ui.context import AppContext

    report = Report()
    make_application([])
    hook = CollectingHook(report)
    hook.install()
    closer = ModalCloser(report)
    db = Database.open(db_path)
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "explore.ini"), QSettings.Format.IniFormat)
        settings.setValue("welcome/dismissed", [str(db.path)])
        ctx = AppContext(db, settings)
        try:
            explore_all(ctx, report, closer, time.monotonic() + budget_s, only, verbose)
        finally:
            settle(ctx)
            ctx.close()
            hook.uninstall()
            closer.timer.stop()
    return report


def print_report(report: Report, seconds: float) -> None:
    print(f"\nvisited {report.visited} controls in {seconds:.1f} s; "
          f"{len(report.closed_dialogs)} dialogs closed automatically")
    if not report.problems:
        print("no problems")
        return
    print(f"{len(report.problems)} PROBLEMS:")
    for p in report.problems:
        print(f"- {p.where}: {p.summary}")
    for p in report.problems:
        if p.details:
            print(f"\n== {p.where}: {p.summary}\n{p.details}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path,
                        help="a sample coalition database (it is modified: use a copy)")
    parser.add_argument("--only", default="", help="comma-separated view names")
    parser.add_argument("--timeout", type=float, default=150.0,
                        help="seconds before a hang is reported with every thread's stack")
    parser.add_argument("--verbose", action="store_true", help="print every step")
    args = parser.parse_args(argv)
    faulthandler.enable(all_threads=True)
    faulthandler.dump_traceback_later(args.timeout, exit=True)
    started = time.monotonic()
    report = run(args.db, {n for n in args.only.split(",") if n}, args.timeout * 0.8,
                 args.verbose)
    faulthandler.cancel_dump_traceback_later()
    print_report(report, time.monotonic() - started)
    return 1 if report.problems else 0


__all__ = ["CollectingHook", "Explorer", "ModalCloser", "Report", "main", "run"]

if __name__ == "__main__":
    sys.exit(main())
