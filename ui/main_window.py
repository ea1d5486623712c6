"""The main window: sidebar with counts, one stacked page per registered view, the
global search in the toolbar, menus, status bar, undo stack and restored UI state.

Views come from `ui.views.registry.VIEWS` and are built on first show. The window
publishes on the context: `ctx.undo_stack`, `ctx.open_record(entity, id)` and
`ctx.show_view(name) -> QWidget`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coordinator.wording import plural
from ui.dialogs import data_actions
from ui.dialogs.about import show_about, where_is_my_data
from ui.kit.roles import NAME_ROLE
from ui.kit.views import FeatureView
from ui.settings import default_settings
from ui.views.placeholder import PlaceholderView
from ui.views.registry import DEFAULT_VIEW, ENTITY_VIEWS, VIEWS
from ui.views.welcome import WelcomePage
from ui.widgets.search import SearchBox

if TYPE_CHECKING:
    from coordinator.db.first_page import FirstPage
    from ui.context import AppContext
    from ui.hub.window import HubHooks
    from ui.reminders.window import ReminderHooks

log = logging.getLogger(__name__)

COUNT_KEYS = {"contacts": "contact", "organizations": "organization", "proposals": "proposal",
              "meetings": "meeting", "actions": "action_item", "trash": "trash"}
RECENT_KEY = "recent/databases"
MAX_RECENT = 8
COUNTS_DELAY_MS = 250


class MainWindow(QMainWindow):
    # The user asked to switch databases (path); ui.app opens it and replaces the window.
    database_requested = Signal(str)
    # The first page of contacts (read before the core was loaded) was painted.
    first_page_painted = Signal()

    def __init__(self, ctx: AppContext | None = None, parent: QWidget | None = None, *,
                 settings: QSettings | None = None) -> None:
        """Build the window; with no `ctx` yet it is an empty frame until `attach(ctx)`
        (the app paints it first, then opens the database in the background)."""
        super().__init__(parent)
        self.ctx: AppContext = None  # type: ignore[assignment]  # set by attach()
        self.settings = settings if settings is not None else (
            ctx.settings if ctx is not None else default_settings())
        self.setWindowTitle("Coordinator")
        self.undo_stack = QUndoStack(self)
        self.pages: dict[str, QWidget] = {}
        self.counts: dict[str, int] = {}
        self.view_counts: dict[str, int] = {}  # from views' count_changed (win over stats)
        self.current_view = ""
        self.welcome: WelcomePage | None = None
        self.first_page_view: QTableView | None = None

        self.sidebar = self._build_sidebar()
        self.stack = QStackedWidget()
        self.stack.setAccessibleName("Current view")
        self.opening = QLabel("Opening the database…")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.opening)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([210, 1000])
        # Bars that concern the whole window (reminders) sit above the sidebar and views.
        central = QWidget()
        self.top_bars = QVBoxLayout(central)
        self.top_bars.setContentsMargins(0, 0, 0, 0)
        self.top_bars.setSpacing(4)
        self.top_bars.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.search = SearchBox(None, self)
        self.search.record_activated.connect(self.open_record)
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()
        # The team hub's menu entries, sync status and Conflicts come with the database.
        self.hub_hooks: HubHooks | None = None
        self.reminder_hooks: ReminderHooks | None = None  # the reminders bar, .ics export
        self.sidebar_items["conflicts"].setHidden(True)

        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(COUNTS_DELAY_MS)
        self._counts_timer.timeout.connect(self.refresh_counts)
        self.undo_stack.cleanChanged.connect(lambda _c: self._update_actions())
        self.undo_stack.indexChanged.connect(lambda _i: self._update_actions())
        self.restore_geometry()
        if ctx is not None:
            self.attach(ctx)
        else:
            self.set_data_enabled(False)

    def attach(self, ctx: AppContext) -> None:
        """Show `ctx`'s database: views, counts, the last view (or the welcome page)."""
        self.ctx = ctx
        self.settings = ctx.settings
        self.setWindowTitle(f"{ctx.db_path.name} — Coordinator")
        ctx.undo_stack = self.undo_stack
        ctx.open_record = self.open_record
        ctx.show_view = self.show_view
        from ui.hub.window import HubHooks

        self.hub_hooks = HubHooks(self)
        self.hub_hooks.attach(ctx)
        from ui.reminders.window import ReminderHooks

        self.reminder_hooks = ReminderHooks(self)
        self.reminder_hooks.attach(ctx)
        self.search.ctx = ctx
        ctx.changed.connect(self._on_changed)
        ctx.status_message.connect(self._show_message)
        self.db_label.setText(ctx.db_path.name)
        self.db_label.setToolTip(str(ctx.db_path))
        self.set_data_enabled(True)
        self.restore_view()
        self._retire_first_page()
        self.refresh_counts()
        self._remember_recent(str(ctx.db_path))
        self.offer_recovered_drafts()

    # -- the first frame ---------------------------------------------------------------------
    def show_first_page(self, page: FirstPage) -> None:
        """Show the first contacts (read with plain sqlite3) while the core loads: a
        read-only table that the contacts view replaces once its own rows are in."""
        from ui.contacts.columns import FirstPageModel

        table = QTableView()
        table.setAccessibleName("Contacts")
        table.setModel(FirstPageModel(page.rows, table))
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in enumerate((170, 170, 200, 80, 210, 120)):
            table.setColumnWidth(column, width)
        table.viewport().installEventFilter(self)
        self.stack.addWidget(table)
        self.stack.setCurrentWidget(table)
        self.first_page_view = table
        item = self.sidebar_items.get("contacts")
        if item is not None:
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentItem(item)
            self.sidebar.blockSignals(False)
            item.setText(1, f"{page.total:,}" if page.total else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        table = self.first_page_view
        if table is not None and watched is table.viewport() and \
                event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.first_page_painted.emit)
        return super().eventFilter(watched, event)

    def _retire_first_page(self) -> None:
        """Keep the first frame's table until the contacts view has its rows, then drop it."""
        preview, self.first_page_view = self.first_page_view, None
        if preview is None:
            return
        real = self.pages.get("contacts")
        model = getattr(real, "model", None)
        if real is None or self.stack.currentWidget() is not real or model is None \
                or not model.is_loading():
            self.stack.removeWidget(preview)
            preview.deleteLater()
            return
        self.stack.setCurrentWidget(preview)

        def swap(_count: int = 0) -> None:
            model.loaded.disconnect(swap)
            if self.stack.currentWidget() is preview:
                self.stack.setCurrentWidget(real)
            self.stack.removeWidget(preview)
            preview.deleteLater()

        model.loaded.connect(swap)

    def offer_recovered_drafts(self) -> None:
        """After a crash, open the view whose bar offers the recovered text back."""
        from ui.kit.drafts import views_with_recovered_drafts

        recovered = views_with_recovered_drafts()
        if not recovered:
            return
        view = next(iter(recovered))
        self.show_view(view)
        count = sum(recovered.values())
        self._show_message(f"Recovered {count} unsaved text{'s' if count > 1 else ''} from "
                           "the last session: see the bar above the list.", 15000)

    def set_data_enabled(self, enabled: bool) -> None:
        """Actions that need an open database wait for it."""
        for widget in (self.sidebar, self.search):
            widget.setEnabled(enabled)
        for action in (self.new_record_action, self.delete_action, self.import_action,
                       self.export_action, self.find_action, self.refresh_action,
                       self.backup_action, self.restore_action, self.encrypted_action,
                       self.undo_import_action, self.duplicates_action):
            action.setEnabled(enabled)

    # -- building ------------------------------------------------------------------------
    def _build_sidebar(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setAccessibleName("Sections")
        tree.setHeaderHidden(True)
        tree.setColumnCount(2)
        tree.setRootIsDecorated(False)
        tree.setIndentation(14)
        tree.setUniformRowHeights(True)
        tree.setMinimumWidth(150)
        tree.header().setStretchLastSection(False)
        tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        groups: dict[str, QTreeWidgetItem] = {}
        self.sidebar_items: dict[str, QTreeWidgetItem] = {}
        for spec in VIEWS.values():
            parent: QTreeWidget | QTreeWidgetItem = tree
            if spec.group:
                if spec.group not in groups:
                    group = QTreeWidgetItem(tree, [spec.group, ""])
                    group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    group.setData(0, NAME_ROLE, "")  # never None: see views.base.combo_value
                    font = group.font(0)
                    font.setBold(True)
                    group.setFont(0, font)
                    groups[spec.group] = group
                parent = groups[spec.group]
            item = QTreeWidgetItem(parent, [spec.title, ""])
            item.setData(0, NAME_ROLE, spec.name)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.sidebar_items[spec.name] = item
        tree.expandAll()
        tree.currentItemChanged.connect(self._on_sidebar)
        return tree

    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, list):
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(shortcut)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        sk = QKeySequence.StandardKey
        self.new_record_action = self._action("&New Record…", self.new_record, sk.New,
                                              "Create a record in the current view")
        self.new_db_action = self._action("New &Database…", self.new_database,
                                          QKeySequence("Ctrl+Shift+N"))
        self.open_db_action = self._action("&Open Database…", self.open_database, sk.Open)
        self.import_action = self._action("&Import Contacts…", self.import_contacts)
        self.export_action = self._action("&Export…", self.export_contacts)
        d = data_actions
        self.backup_action = self._action("&Back Up Now", lambda: d.back_up_now(self))
        self.restore_action = self._action("Restore from Bac&kup…",
                                           lambda: d.restore_from_backup(self))
        self.encrypted_action = self._action("Encr&ypted Backup…",
                                             lambda: d.encrypted_backup(self))
        self.undo_import_action = self._action("Undo &Import…", lambda: d.undo_import(self))
        self.duplicates_action = self._action("Find D&uplicates…",
                                              lambda: d.review_duplicates(self))
        self.quit_action = self._action("&Quit", self.close, sk.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(sk.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(sk.Redo)
        self.addActions([self.undo_action, self.redo_action])
        self.delete_action = self._action("&Delete", self.delete_selected, sk.Delete,
                                          "Move the selected records to Trash")
        self.find_action = self._action("&Find…", self.focus_search,
                                        [QKeySequence(sk.Find), QKeySequence("Ctrl+K")])
        self.refresh_action = self._action("&Refresh", self.refresh_current, sk.Refresh)
        self.sidebar_action = self._action("Show &Sidebar", self._toggle_sidebar)
        self.sidebar_action.setCheckable(True)
        self.sidebar_action.setChecked(True)
        self.fullscreen_action = self._action("&Full Screen", self._toggle_fullscreen,
                                              sk.FullScreen)
        self.about_action = self._action("&About Coordinator", self.about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.where_action = self._action("&Where Is My Data?", self.where_is_my_data)
        self.about_you_action = self._action(
            "About &You…", self.about_you,
            tip="Your name, title and organization, printed on briefings and documents")
        self.about_you_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.view_actions: dict[str, QAction] = {}
        for number, spec in enumerate(VIEWS.values(), start=1):
            shortcut = QKeySequence(f"Ctrl+{number}") if number <= 9 else None
            self.view_actions[spec.name] = self._action(
                spec.title, lambda n=spec.name: self.show_view(n), shortcut)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main toolbar")
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.new_record_action)
        bar.addAction(self.delete_action)
        bar.addSeparator()
        bar.addAction(self.undo_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addWidget(self.search)
        self.addToolBar(bar)
        self.toolbar = bar

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file = menu.addMenu("&File")
        file.addActions([self.new_record_action, self.new_db_action, self.open_db_action])
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file.addSeparator()
        file.addActions([self.import_action, self.export_action])
        file.addSeparator()
        file.addActions([self.backup_action, self.encrypted_action, self.restore_action])
        file.addSeparator()
        file.addAction(self.quit_action)
        edit = menu.addMenu("&Edit")
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        edit.addActions([self.delete_action, self.find_action])
        edit.addSeparator()
        edit.addActions([self.undo_import_action, self.duplicates_action])
        edit.addSeparator()
        edit.addAction(self.about_you_action)
        view = menu.addMenu("&View")
        view.addActions(list(self.view_actions.values()))
        view.addSeparator()
        view.addActions([self.refresh_action, self.sidebar_action, self.fullscreen_action])
        help_menu = menu.addMenu("&Help")
        help_menu.addActions([self.where_action, self.about_action])

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.counts_label = QLabel()
        self.counts_label.setAccessibleName("Record counts")
        self.saved_label = QLabel("All changes saved")
        self.saved_label.setAccessibleName("Saved state")
        self.db_label = QLabel("")
        self.db_label.setAccessibleName("Database file")
        for label in (self.counts_label, self.saved_label, self.db_label):
            label.setContentsMargins(8, 0, 8, 0)
            status.addPermanentWidget(label)

    # -- views ------------------------------------------------------------------------------
    def page(self, name: str) -> QWidget:
        """The view's widget, built on first use."""
        if name not in self.pages:
            if self.ctx is None:
                raise RuntimeError("no database is open yet")
            spec = VIEWS[name]
            try:
                widget = spec.factory(self.ctx)
            except Exception as exc:  # a broken view must not take the window down
                log.exception("could not build view %s", name)
                widget = PlaceholderView(spec.title, f"This view could not open: {exc}")
            counter = getattr(widget, "count_changed", None)
            if counter is not None:
                counter.connect(lambda n, view=name: self._on_view_count(view, n))
            self.pages[name] = widget
            self.stack.addWidget(widget)
        return self.pages[name]

    def show_view(self, name: str) -> QWidget | None:
        if name not in VIEWS or self.ctx is None:
            return None
        widget = self.page(name)
        self.stack.setCurrentWidget(widget)
        self.current_view = name
        item = self.sidebar_items[name]
        if self.sidebar.currentItem() is not item:
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentItem(item)
            self.sidebar.blockSignals(False)
        self._update_actions()
        return widget

    def current_page(self) -> QWidget | None:
        widget = self.stack.currentWidget()
        return widget if widget is not self.welcome else None

    def _on_sidebar(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        name = item.data(0, NAME_ROLE) if item else None
        if name:
            self.show_view(name)

    def open_record(self, entity: str, record_id: str) -> None:
        name = ENTITY_VIEWS.get(entity)
        widget = self.show_view(name) if name else None
        if isinstance(widget, FeatureView):
            widget.open_record(record_id)

    def show_welcome(self) -> None:
        if self.welcome is None:
            self.welcome = WelcomePage(self.ctx)
            self.welcome.finished.connect(self._welcome_done)
            self.stack.addWidget(self.welcome)
        self.stack.setCurrentWidget(self.welcome)
        self.sidebar.clearSelection()
        # A current entry that names no view (a group heading), not selected: when the
        # sidebar has none, focusing it makes its first entry (Home) current and the
        # welcome page would be left before the user chose.
        group = next((item for item in self.sidebar.findItems("", Qt.MatchFlag.MatchContains)
                      if not item.data(0, NAME_ROLE)), None)
        if group is not None:
            self.sidebar.blockSignals(True)
            self.sidebar.selectionModel().setCurrentIndex(
                self.sidebar.indexFromItem(group),
                QItemSelectionModel.SelectionFlag.NoUpdate)
            self.sidebar.blockSignals(False)
        self._update_actions()

    def _welcome_done(self, choice: str) -> None:
        dismissed = self.ctx.settings.value("welcome/dismissed", []) or []
        if isinstance(dismissed, str):
            dismissed = [dismissed]
        self.ctx.settings.setValue("welcome/dismissed", [*dismissed, str(self.ctx.db_path)])
        # Home once there is data (the sample); an empty database starts on its contacts.
        self.show_view(DEFAULT_VIEW if choice == "sample" else "contacts")
        if choice == "import":
            self.import_contacts()
        self.refresh_counts()

    def _should_welcome(self) -> bool:
        dismissed = self.ctx.settings.value("welcome/dismissed", []) or []
        if str(self.ctx.db_path) in (dismissed if isinstance(dismissed, list) else [dismissed]):
            return False
        services = self.ctx.services
        return services.contacts.count() == 0 and services.is_empty()

    # -- actions ---------------------------------------------------------------------------
    def _call_view(self, method: str) -> None:
        widget = self.current_page()
        fn = getattr(widget, method, None)
        if fn is not None:
            fn()

    def new_record(self) -> None:
        self._call_view("new_record")

    def delete_selected(self) -> None:
        self._call_view("delete_selected")

    def refresh_current(self) -> None:
        self._call_view("refresh")
        self.refresh_counts()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_actions(self) -> None:
        widget = self.current_page()
        view = widget if isinstance(widget, FeatureView) else None
        self.new_record_action.setEnabled(bool(view and view.can_create))
        self.delete_action.setEnabled(bool(view and view.can_delete))

    def _toggle_sidebar(self) -> None:
        self.sidebar.setVisible(self.sidebar_action.isChecked())

    def _toggle_fullscreen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    def import_contacts(self) -> None:
        data_actions.import_contacts(self)

    def export_contacts(self) -> None:
        data_actions.export_records(self)

    def new_database(self) -> None:
        data_actions.choose_database(self, new=True)

    def open_database(self) -> None:
        data_actions.choose_database(self, new=False)

    def recent_databases(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, []) or []
        return [value] if isinstance(value, str) else list(value)

    def _remember_recent(self, path: str) -> None:
        recent = [path] + [p for p in self.recent_databases() if p != path]
        self.settings.setValue(RECENT_KEY, recent[:MAX_RECENT])

    def _fill_recent(self) -> None:
        data_actions.fill_recent(self, self.recent_menu)

    def about(self) -> None:
        show_about(self)

    def about_you(self) -> None:
        from ui.briefing.about_you import AboutYouDialog

        dialog = AboutYouDialog(self)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def where_is_my_data(self) -> QMessageBox:
        return where_is_my_data(self, self.ctx.db_path)

    # -- counts and status ------------------------------------------------------------------
    def _on_changed(self, _changes: object) -> None:
        self.saved_label.setText(f"All changes saved {datetime.now():%H:%M}")
        self._counts_timer.start()

    def _show_message(self, text: str, timeout: int) -> None:
        self.statusBar().showMessage(text, timeout)

    def refresh_counts(self) -> None:
        if self.ctx is None:
            return
        stats = self.ctx.services.stats
        self.ctx.tasks.run(stats, on_done=self._set_counts, key=f"counts-{id(self)}")

    def _set_counts(self, stats: dict) -> None:
        if not shiboken6.isValid(self.sidebar):  # the window went away meanwhile
            return
        counts = dict(stats.get("counts", {}))
        counts["consortia"] = len(stats.get("consortia", {}))
        for view, key in COUNT_KEYS.items():
            self.counts[view] = counts.get(key, 0)
        self.counts["consortia"] = counts["consortia"]
        self.counts.update(self.view_counts)
        for name, item in self.sidebar_items.items():
            n = self.counts.get(name)
            item.setText(1, f"{n:,}" if n else "")
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                         f"{VIEWS[name].title}, {n or 0:,}")
        self.counts_label.setText(" · ".join(
            plural(self.counts.get(key, 0), key[:-1])
            for key in ("contacts", "organizations", "proposals")))

    def _on_view_count(self, view: str, count: int) -> None:
        if view == "trash":  # the stats already count Trash; keep one source
            return
        self.view_counts[view] = count
        item = self.sidebar_items.get(view)
        if item is not None:
            item.setText(1, f"{count:,}" if count else "")

    # -- state ---------------------------------------------------------------------------------
    def restore_geometry(self) -> None:
        s = self.settings
        geometry = s.value("main/geometry")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(1280, 800)
        state = s.value("main/state")
        if isinstance(state, QByteArray | bytes) and state:
            self.restoreState(QByteArray(state))
        splitter = s.value("main/splitter")
        if isinstance(splitter, QByteArray | bytes) and splitter:
            self.splitter.restoreState(QByteArray(splitter))

    def restore_view(self) -> None:
        if self._should_welcome():
            self.show_welcome()
            return
        last = self.settings.value("main/view", DEFAULT_VIEW)
        self.show_view(last if last in VIEWS else DEFAULT_VIEW)

    def save_state(self) -> None:
        s = self.settings
        s.setValue("main/geometry", self.saveGeometry())
        s.setValue("main/state", self.saveState())
        s.setValue("main/splitter", self.splitter.saveState())
        if self.current_view:
            s.setValue("main/view", self.current_view)
        for widget in self.pages.values():
            saver = getattr(widget, "save_state", None)
            if saver is not None:
                saver()
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ctx is not None:
            if self.hub_hooks is not None:
                self.hub_hooks.finish()  # the last push, bounded to a few seconds
            self.save_state()
        self.search.hide_popup()
        super().closeEvent(event)
