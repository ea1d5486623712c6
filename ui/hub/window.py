"""The team hub's place in the main window: File > Team Hub…, View > Sync Now (F9), the
sync entry of the status bar, the Conflicts entry of the sidebar with its count (shown
only while the database syncs with a hub), and the bounded sync at quit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence

from ui.hub.status import SyncStatusButton
from ui.hub.syncer import HubSync, SyncState

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.main_window import MainWindow

SYNC_SHORTCUT = QKeySequence(Qt.Key.Key_F9)
# The first status read and sync wait until the window has shown its data: they import
# the hub's driver, which would compete with the views loading at start.
START_DELAY_MS = 1500
VIEW = "conflicts"


class HubHooks(QObject):
    """Built with the window (actions, menus); `attach(ctx)` starts the sync."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.syncer: HubSync | None = None
        self.button: SyncStatusButton | None = None
        self.team_hub_action = QAction("Team &Hub…", window)
        self.team_hub_action.setStatusTip("Join a team hub, test the connection, manage users")
        self.team_hub_action.triggered.connect(lambda _c=False: self.open_dialog())
        self.sync_action = QAction("&Sync Now", window)
        self.sync_action.setShortcut(SYNC_SHORTCUT)
        self.sync_action.setStatusTip("Pull the team hub's changes and push yours")
        self.sync_action.triggered.connect(lambda _c=False: self.sync_now())
        window.addActions([self.team_hub_action, self.sync_action])
        for action in (self.team_hub_action, self.sync_action):
            action.setEnabled(False)
        menus = {a.text(): a.menu() for a in window.menuBar().actions() if a.menu()}
        file, view = menus.get("&File"), menus.get("&View")
        if file is not None:
            file.insertAction(window.quit_action, self.team_hub_action)
            file.insertSeparator(window.quit_action)
        if view is not None:
            view.insertAction(window.refresh_action, self.sync_action)
        self._show_sidebar_entry(False)

    def attach(self, ctx: AppContext) -> None:
        window = self.window
        self.syncer = HubSync(ctx, self)
        ctx.hub_sync = self.syncer
        self.button = SyncStatusButton(self.syncer)
        window.statusBar().insertPermanentWidget(0, self.button)
        self.button.open_conflicts.connect(lambda: window.show_view(VIEW))
        self.button.open_dialog.connect(self.open_dialog)
        self.syncer.changed.connect(self._on_state)
        from ui.hub.editors import EditorWatcher, install_detail_sections

        self.editors = EditorWatcher(ctx, self)
        self.syncer.remote_changes.connect(self.editors.remote_changes)
        install_detail_sections()
        self.team_hub_action.setEnabled(True)
        self.sync_action.setEnabled(False)
        QTimer.singleShot(START_DELAY_MS, self.syncer, self.syncer.start)

    def _on_state(self, state: SyncState) -> None:
        self.sync_action.setEnabled(state.joined and not state.syncing)
        self._show_sidebar_entry(state.joined or bool(state.conflicts))
        window = self.window
        window.view_counts[VIEW] = state.conflicts
        item = window.sidebar_items.get(VIEW)
        if item is not None:
            item.setText(1, f"{state.conflicts:,}" if state.conflicts else "")
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                         f"Conflicts, {state.conflicts:,}")

    def _show_sidebar_entry(self, shown: bool) -> None:
        item = self.window.sidebar_items.get(VIEW)
        if item is not None:
            item.setHidden(not shown)
        action = self.window.view_actions.get(VIEW)
        if action is not None:
            action.setVisible(shown)

    def sync_now(self) -> None:
        if self.syncer is None:
            return
        if not self.syncer.sync_now():
            self.window.statusBar().showMessage(
                "This database does not sync with a team hub: join one in File > Team Hub….",
                8000)

    def open_dialog(self) -> None:
        if self.syncer is None:
            return
        from ui.hub.dialog import open_team_hub

        open_team_hub(self.syncer.ctx, self.syncer, self.window)

    def finish(self) -> None:
        """At quit or when the window closes: the bounded last push."""
        if self.syncer is not None:
            self.syncer.finish()
