"""Entry points for "Prepare briefing…" (a meeting) and "Prepare document…" (a proposal).

    from ui.briefing.actions import prepare_briefing, prepare_proposal_document
    action.triggered.connect(lambda: prepare_briefing(ctx, meeting_id, self))

Each asks for the options (remembered in `ctx.settings`), builds the PDF in a worker
with a progress dialog (the window stays responsive; Cancel stops the build), then
opens the modeless preview (Save as…, Print…, Open in system viewer). Problems are
shown as message boxes; nothing is raised to the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from coordinator.errors import CoordinatorError
from ui.briefing.build import (
    BuiltDocument,
    build_briefing_file,
    build_proposal_file,
    start_build,
)
from ui.briefing.options import BriefingOptionsDialog, ProposalOptionsDialog
from ui.briefing.preview import show_preview

if TYPE_CHECKING:
    from ui.context import AppContext

D = TypeVar("D", bound=QDialog)
T = TypeVar("T")


def _title(get: object, record_id: str, parent: QWidget | None, what: str) -> str | None:
    try:
        return get(record_id).title  # type: ignore[operator]
    except CoordinatorError as exc:
        QMessageBox.warning(parent, f"Cannot prepare the {what}", str(exc))
        return None


def _ask(dialog: D, answer: Callable[[D], T]) -> T | None:
    """Run an options dialog; its answer when accepted, None when cancelled."""
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return answer(dialog)
    finally:
        dialog.deleteLater()


def prepare_briefing(ctx: AppContext, meeting_id: str, parent: QWidget | None) -> None:
    """Options → build in a worker → preview, for one meeting's briefing packet."""
    title = _title(ctx.services.meetings.get, meeting_id, parent, "briefing")
    if title is None:
        return
    options = _ask(BriefingOptionsDialog(ctx.settings, title, parent),
                   BriefingOptionsDialog.options)
    if options is None:
        return
    start_build(ctx, parent, "Preparing the briefing…",
                partial(build_briefing_file, ctx.services, meeting_id, options),
                on_built=partial(_show, ctx), key=f"briefing:{meeting_id}")


def prepare_proposal_document(ctx: AppContext, proposal_id: str, parent: QWidget | None) -> None:
    """Options (paper) → build in a worker → preview, for one proposal as a document."""
    title = _title(ctx.services.proposals.get, proposal_id, parent, "proposal document")
    if title is None:
        return
    paper = _ask(ProposalOptionsDialog(ctx.settings, title, parent),
                 ProposalOptionsDialog.paper_size)
    if paper is None:
        return
    start_build(ctx, parent, "Preparing the proposal document…",
                partial(build_proposal_file, ctx.services, proposal_id, paper),
                on_built=partial(_show, ctx), key=f"proposal:{proposal_id}")


def _show(ctx: AppContext, built: BuiltDocument, parent: QWidget | None) -> None:
    show_preview(ctx, built, parent)
