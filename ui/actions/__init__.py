"""Action items across every meeting: the Action items view with filters (owner,
status, overdue, series, proposal) and inline mark-done; the sidebar count is the
number overdue."""

from __future__ import annotations


def ActionItemsView(ctx):  # type: ignore[no-untyped-def]
    """Registry factory: build the Action items view (imports the Qt code lazily)."""
    from ui.actions.view import ActionItemsView as View

    return View(ctx)
