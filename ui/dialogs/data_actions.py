"""The main window's data commands, delegated to the import/export and safety dialogs:
File ▸ Import… / Export… / Back Up Now / Restore from Backup… / Encrypted Backup…,
Edit ▸ Undo Import… / Find Duplicates…

Each takes the main window (for its context, current view and as dialog parent) and
imports its dialog module only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMenu

from ui.kit.views import FeatureView

if TYPE_CHECKING:
    from ui.main_window import MainWindow

# view name -> export kind (ui.io.export_dialog.KINDS)
EXPORT_KINDS = {"contacts": "contacts", "organizations": "organizations",
                "proposals": "proposals", "meetings": "meetings"}


def import_contacts(window: MainWindow) -> None:
    from ui.io import import_contacts as run

    if run(window.ctx, window) is not None:
        window.show_view("contacts")


def export_records(window: MainWindow) -> None:
    """Export what the current view lists (its selection when more than one is selected)."""
    from ui.io import export_records as run

    kind = EXPORT_KINDS.get(window.current_view, "contacts")
    page = window.pages.get(kind) if window.current_view == kind else None
    selected = list(page.selected_ids()) if isinstance(page, FeatureView) else []
    run(window.ctx, window, kind=kind, ids=selected if len(selected) > 1 else None)


def undo_import(window: MainWindow) -> None:
    from ui.io import undo_import as run

    run(window.ctx, window)


def review_duplicates(window: MainWindow) -> None:
    from ui.io import review_duplicates as run

    run(window.ctx, window)


def back_up_now(window: MainWindow) -> None:
    from ui.safety import back_up_now as run

    if run(window.ctx, window) is not None:
        window.ctx.status_message.emit("Backed up.", 4000)


def encrypted_backup(window: MainWindow) -> None:
    from ui.safety import encrypted_backup as run

    run(window.ctx, window)


def restore_from_backup(window: MainWindow) -> None:
    from ui.safety import restore_from_backup as run

    if run(window.ctx, window):
        window.undo_stack.clear()  # the old history no longer matches the data
        for page in window.pages.values():
            refresh = getattr(page, "refresh", None)
            if refresh is not None:
                refresh()
        window.refresh_counts()


def choose_database(window: MainWindow, *, new: bool) -> None:
    """File ▸ New Database… / Open Database…: ask for a file, then switch to it."""
    folder = window.ctx.db_path.parent
    if new:
        path, _ = QFileDialog.getSaveFileName(window, "New database", str(folder / "coalition.db"),
                                              "Coordinator database (*.db)")
    else:
        path, _ = QFileDialog.getOpenFileName(window, "Open database", str(folder),
                                              "Coordinator database (*.db);;All files (*)")
    if path:
        window.database_requested.emit(path)


def fill_recent(window: MainWindow, menu: QMenu) -> None:
    """File ▸ Open Recent: the other databases opened lately."""
    menu.clear()
    others = [p for p in window.recent_databases() if p != str(window.ctx.db_path)]
    for path in others:
        action = menu.addAction(path)
        action.triggered.connect(lambda _c=False, p=path: window.database_requested.emit(p))
    if not others:
        menu.addAction("No other databases yet").setEnabled(False)
