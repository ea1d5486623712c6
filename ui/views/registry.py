"""The views the main window shows, in sidebar order.

    VIEWS: dict[str, ViewSpec]  # name -> ViewSpec(name, title, factory, group)

A factory takes the AppContext and returns the view's QWidget. To add a view, edit ONE
line below (replace a placeholder factory, or add an entry). Factories import their
module lazily so that start-up only pays for the view actually shown.

A view widget derives from `ui.kit.views.FeatureView` (after its Qt base class) and
declares with `can_create` / `can_delete` what the main window's New and Delete do on
it; it may also have a `count_changed(int)` signal for the sidebar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext

ViewFactory = Callable[["AppContext"], "QWidget"]


@dataclass(frozen=True)
class ViewSpec:
    name: str
    title: str
    factory: ViewFactory
    group: str = ""  # sidebar group ("Members") or "" for a top-level entry


def _lazy(module: str, attr: str) -> ViewFactory:
    """A factory that imports `module` and calls `attr(ctx)` only when first shown."""

    def factory(ctx: AppContext) -> QWidget:
        import importlib

        return getattr(importlib.import_module(module), attr)(ctx)

    factory.__qualname__ = f"{module}.{attr}"
    return factory


def placeholder(title: str, hint: str) -> ViewFactory:
    """A factory for a clear placeholder page (used until a real view is registered)."""

    def factory(ctx: AppContext) -> QWidget:
        from ui.views.placeholder import PlaceholderView

        return PlaceholderView(title, hint)

    return factory


# Entity name (as used by search and ChangeSet) -> view that opens it.
ENTITY_VIEWS: dict[str, str] = {
    "contact": "contacts", "organization": "organizations", "consortium": "consortia",
    "proposal": "proposals", "meeting": "meetings", "action_item": "actions",
}

_SOON = "This view arrives in a later update."

# One line per view, in sidebar order. To register a real view, replace its factory
# with _lazy("ui.package.module", "ClassOrFunction") — called as factory(ctx).
_SPECS: list[ViewSpec] = [
    ViewSpec("home", "Home", _lazy("ui.home.view", "HomeView")),
    ViewSpec("consortia", "Consortia", _lazy("ui.consortia.view", "ConsortiaView"), "Members"),
    ViewSpec("organizations", "Organizations", _lazy("ui.organizations.view", "OrganizationsView"), "Members"),  # noqa: E501
    ViewSpec("contacts", "Contacts", _lazy("ui.contacts.view", "ContactsView"), "Members"),
    ViewSpec("proposals", "Proposals", _lazy("ui.proposals.view", "ProposalsView")),
    ViewSpec("meetings", "Meetings", _lazy("ui.meetings.view", "MeetingsView")),
    ViewSpec("actions", "Action items", _lazy("ui.actions.view", "ActionItemsView")),
    ViewSpec("coverage", "Coverage", _lazy("ui.coverage.view", "CoverageView")),
    ViewSpec("trash", "Trash", _lazy("ui.trash.view", "TrashView")),
    ViewSpec("conflicts", "Conflicts", _lazy("ui.hub.conflicts", "ConflictsView")),
]

VIEWS: dict[str, ViewSpec] = {spec.name: spec for spec in _SPECS}
# Shown at start on a database with data (the welcome page stands in for an empty one),
# until the user has left the app on another view.
DEFAULT_VIEW = "home"

__all__ = ["DEFAULT_VIEW", "ENTITY_VIEWS", "VIEWS", "ViewSpec", "placeholder"]
