"""Joint-research proposals in the desktop app: the Proposals view (table and pipeline
board), the proposal editor, and cross-links used by detail panes
(`ui.proposals.links.linked_records`)."""

from __future__ import annotations


def ProposalsView(ctx):  # type: ignore[no-untyped-def]
    """Registry factory: build the Proposals view (imports the Qt code lazily)."""
    from ui.proposals.view import ProposalsView as View

    return View(ctx)
