"""Open editors and the team hub: who last changed the record, and a bar when a sync
pulled a change to the record being edited.

`notify_editors(touched)` (connected to the syncer's `remote_changes`) finds every open
editor (`RecordEditor`) on a record the pull changed and shows a bar in it: "Changed by
ana on the hub while you were editing", with Reload (the hub's version, with your unsaved
changes kept on top of it) and Keep editing (saving then keeps your version of every
field). `changed_line(ctx, kind, id)` is the "changed by NAME, 2 hours ago" line of
record detail panes and editors, for records that came from the hub.
"""

from __future__ import annotations

import dataclasses
import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from coordinator.errors import CoordinatorError
from ui.hub.status import ago

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.kit.editor import RecordEditor

NOUNS = {"contact": "contact", "organization": "organization", "proposal": "proposal",
         "meeting": "meeting"}


def changed_line(ctx: AppContext, kind: str, record_id: str) -> str:
    """'Changed by ana, 2 hours ago' for a record that came from the hub ('by you' for
    this login's own pushes); '' for one that never travelled or on errors."""
    try:
        who = ctx.hub.changed_by(kind, record_id)
        address = ctx.hub.address() if who is not None else None
    except CoordinatorError:
        return ""
    if who is None:
        return ""
    if who.pending:
        return "Changed by you here, not synced yet"
    name = "you" if address is not None and who.login == address.user else who.login
    return f"Changed by {name}, {ago(who.at)}" if who.at else f"Changed by {name}"


def deleted_by(ctx: AppContext) -> Any:
    """`names(entity, ids) -> {id: who}` for the Trash's "Deleted by": the hub's login
    that deleted each record ("you" for this login, or for a delete not pushed yet)."""
    hub = ctx.hub

    def names(entity: str, ids: list[str]) -> dict[str, str]:
        try:
            found = hub.changed_by_many(entity, ids)
            address = hub.address() if found else None
        except CoordinatorError:
            return {}
        me = address.user if address is not None else None
        return {rid: "you" if who.pending or who.login == me else who.login
                for rid, who in found.items()}

    return names


class RemoteChangeBar(QFrame):
    """The bar an editor shows after a sync changed its record."""

    def __init__(self, editor: RecordEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.setObjectName("remoteChangeBar")
        self.setAccessibleName("Changed on the hub")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#remoteChangeBar { background: #fff4d6; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.reload_button = QPushButton("&Reload")
        self.reload_button.setAccessibleName("Reload")
        self.reload_button.clicked.connect(self.reload)
        self.keep_button = QPushButton("&Keep editing")
        self.keep_button.setAccessibleName("Keep editing")
        self.keep_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.reload_button)
        row.addWidget(self.keep_button)
        self.hide()

    def show_change(self) -> None:
        editor = self.editor
        who = changed_line(editor.ctx, editor.noun, editor.record_id or "")
        noun = NOUNS.get(editor.noun, "record")
        by = f" ({html.escape(who[0].lower() + who[1:])})" if who else ""
        keep = (" Reload shows it with your unsaved changes kept; saving without "
                "reloading keeps your version of every field." if editor.dirty else "")
        self.label.setText(f"This {noun} was changed on the team hub{by} while you were "
                           f"editing it.{keep}")
        self.show()

    def reload(self) -> None:
        """The hub's version, with the fields changed here and not yet saved on top."""
        editor = self.editor
        if editor.record_id is None:
            self.hide()
            return
        try:
            fresh = editor.service.get(editor.record_id)
        except CoordinatorError as exc:
            self.label.setText(f"The {NOUNS.get(editor.noun, 'record')} could not be "
                               f"reloaded: {html.escape(str(exc))}")
            return
        mine: dict[str, Any] = {}
        if editor.dirty:
            current = editor.value()
            mine = {name: getattr(current, name) for name in editor.changed_fields()
                    if hasattr(current, name)}
        editor.load(fresh)
        if mine:
            editor.fill(dataclasses.replace(fresh, **mine))  # marks the editor dirty
        self.hide()


def bar_of(editor: RecordEditor) -> RemoteChangeBar:
    bar = editor.findChild(RemoteChangeBar)
    if bar is None:
        bar = RemoteChangeBar(editor)
        layout = editor.layout()
        recovery = getattr(editor, "recovery", None)
        index = layout.indexOf(recovery) + 1 if recovery is not None else 0
        layout.insertWidget(max(index, 0), bar)  # type: ignore[attr-defined]
    return bar


def open_editors() -> list[RecordEditor]:
    from ui.kit.editor import RecordEditor

    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, RecordEditor) and w.isVisible()]


def notify_editors(ctx: AppContext, touched: dict[str, set[str]]) -> list[QWidget]:
    """Show the bar in every open editor of `ctx` whose record the pull changed."""
    shown: list[QWidget] = []
    for editor in open_editors():
        if editor.ctx is ctx and editor.record_id and \
                editor.record_id in touched.get(editor.noun, ()):
            bar_of(editor).show_change()
            shown.append(editor)
    return shown


WHO_NAME = "hubChangedBy"


def show_who(editor: RecordEditor) -> QLabel | None:
    """The 'Changed by NAME, 2 hours ago' line at the top of an editor whose record came
    from the hub (hidden for one that never travelled)."""
    if not editor.record_id:
        return None
    label = editor.findChild(QLabel, WHO_NAME)
    text = changed_line(editor.ctx, editor.noun, editor.record_id)
    if label is None:
        if not text:
            return None
        label = QLabel()
        label.setObjectName(WHO_NAME)
        label.setAccessibleName("Changed by")
        label.setStyleSheet("color: palette(mid);")
        layout = editor.layout()
        if layout is None:
            return None
        layout.insertWidget(0, label)  # type: ignore[attr-defined]
    label.setText(text)
    label.setVisible(bool(text))
    return label


class EditorWatcher(QObject):
    """Puts the who-line into the editors of `ctx` as they open (the application's focus
    window changes then: nothing is moved, no focus event is filtered), and the
    remote-change bar after a pull."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self._focus_window)

    def _focus_window(self, _window: object) -> None:
        from ui.kit.editor import RecordEditor

        widget = QApplication.activeWindow()
        if isinstance(widget, RecordEditor) and widget.ctx is self.ctx:
            show_who(widget)

    def remote_changes(self, touched: dict[str, set[str]]) -> None:
        for editor in notify_editors(self.ctx, touched):
            show_who(editor)  # type: ignore[arg-type]


def who_section(kind: str) -> Any:
    """A detail-pane section (ui.widgets.detail's extension lists) with the who-line."""

    def section(services: Any, record: Any) -> str | None:
        from ui.hub.service import HubService

        record_id = getattr(record, "id", None)
        if services is None or not record_id:
            return None
        line = changed_line(_Hub(HubService(services.db)), kind, record_id)
        return f"<p style='color:gray'><small>{html.escape(line)}</small></p>" if line else None

    section.__qualname__ = f"who_section.{kind}"
    return section


@dataclasses.dataclass
class _Hub:
    """Enough of a context for `changed_line` where only the services are at hand."""

    hub: Any


def install_detail_sections() -> None:
    """Once per process: the contact and organization detail panes show the who-line."""
    from ui.widgets import detail

    for sections, kind in ((detail.CONTACT_SECTIONS, "contact"),
                           (detail.ORGANIZATION_SECTIONS, "organization")):
        if not any(getattr(f, "__qualname__", "") == f"who_section.{kind}" for f in sections):
            sections.append(who_section(kind))
