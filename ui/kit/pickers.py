"""Choosing an organization or a contact by typing part of its name.

`RecordPicker` is a line edit whose suggestions come from the services' full-text
filters, searched off the GUI thread; `value()` is the chosen id (None while the text
does not name a chosen record). `search_organizations` / `search_contacts` are the
plain functions behind it (also used by the attendee and partner search lists).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget
from shiboken6 import isValid

from coordinator.services import ContactFilter, OrganizationFilter, Services
from ui.context import AppContext

SEARCH_LIMIT = 25
_ids = itertools.count(1)

Choice = tuple[str, str, str]  # id, label shown, detail (organization, consortium)


def search_organizations(services: Services, text: str, limit: int = SEARCH_LIMIT) -> list[Choice]:
    page = services.organizations.list(OrganizationFilter(text=text or None), limit=limit)
    return [(o.id or "", o.name, o.consortium_short_name) for o in page.rows]


def search_contacts(services: Services, text: str, limit: int = SEARCH_LIMIT) -> list[Choice]:
    page = services.contacts.list(ContactFilter(text=text or None), limit=limit)
    return [
        (
            c.id,
            c.full_name,
            " · ".join(x for x in (c.organization_name, c.consortium_short_name) if x),
        )
        for c in page.rows
    ]


def choice_text(choice: Choice) -> str:
    return f"{choice[1]} — {choice[2]}" if choice[2] else choice[1]


SEARCHERS: dict[str, Callable[[Services, str], list[Choice]]] = {
    "organization": search_organizations,
    "contact": search_contacts,
}


class RecordPicker(QLineEdit):
    """Type to search; pick a suggestion to choose the record."""

    value_changed = Signal(object)  # id or None

    def __init__(
        self, ctx: AppContext, kind: str, placeholder: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.kind = ctx, kind
        self._search = SEARCHERS[kind]
        self._key = f"picker-{kind}-{next(_ids)}"
        self._value: str | None = None
        self._name = ""
        self._choices: dict[str, Choice] = {}
        self.setPlaceholderText(
            placeholder or f"Type to find a{'n' if kind[0] in 'aeio' else ''} {kind}…"
        )
        self.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setMaxVisibleItems(12)
        self.setCompleter(self._completer)
        self._completer.activated[str].connect(self._on_activated)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._run_search)
        self.textEdited.connect(self._on_edited)
        self.editingFinished.connect(self._on_editing_finished)

    # -- public -----------------------------------------------------------------------
    def value(self) -> str | None:
        return self._value

    def set_value(self, record_id: str | None, name: str = "") -> None:
        changed = record_id != self._value
        self._value, self._name = record_id, name if record_id else ""
        blocked = self.blockSignals(True)
        self.setText(self._name)
        self.blockSignals(blocked)
        self._update_look()
        if changed:
            self.value_changed.emit(record_id)

    def choices(self) -> list[Choice]:
        return list(self._choices.values())

    # -- searching --------------------------------------------------------------------
    def _on_edited(self, text: str) -> None:
        if self._value and text != self._name:
            self._value = None
            self.value_changed.emit(None)
        self._update_look()
        if text.strip():
            self._timer.start()

    def _run_search(self) -> None:
        text, services, search = self.text().strip(), self.ctx.services, self._search
        self.ctx.tasks.run(
            lambda: search(services, text), on_done=self._show_choices, key=self._key
        )

    def _show_choices(self, choices: list[Choice]) -> None:
        if not isValid(self):
            return
        self._choices = {choice_text(c): c for c in choices}
        self._model.setStringList(list(self._choices))
        if self.hasFocus() and choices:
            self._completer.complete()

    def _on_activated(self, text: str) -> None:
        choice = self._choices.get(text)
        if choice is not None:
            self.set_value(choice[0], choice[1])

    def _on_editing_finished(self) -> None:
        if not self.text().strip() and self._value is not None:
            self.set_value(None)
        elif self._value is None and self.text().strip():
            exact = [
                c
                for c in self._choices.values()
                if c[1].casefold() == self.text().strip().casefold()
            ]
            if len(exact) == 1:
                self.set_value(exact[0][0], exact[0][1])

    def _update_look(self) -> None:
        unmatched = bool(self.text().strip()) and self._value is None
        self.setToolTip(
            f"No {self.kind} chosen yet: pick one from the suggestions." if unmatched else ""
        )
        self.setStyleSheet("QLineEdit { color: #a15c00; }" if unmatched else "")


__all__ = ["Choice", "RecordPicker", "choice_text", "search_contacts", "search_organizations"]
