"""Print-ready PDFs: the briefing packet for a meeting and the proposal document.

    from coordinator.briefing import BriefingOptions, write_briefing, write_proposal
    path = write_briefing(services, meeting_id, options=BriefingOptions(profile="partners"))

Collecting (`collect`) reads through the services into plain dataclasses; laying out
(`packet`, `proposal_doc`) uses reportlab Platypus with the shipped DejaVu fonts.
Files are written atomically and readable by the owner only (they hold contact data).
Nothing here imports Qt; the UI runs `write_*` in a worker and passes `progress`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from coordinator import paths
from coordinator.briefing.collect import (
    SECTIONS,
    BriefingData,
    BriefingOptions,
    Profile,
    ProposalDocData,
    collect_briefing,
    collect_proposal,
    default_author,
)
from coordinator.briefing.packet import briefing_filename, build_briefing_pdf
from coordinator.briefing.proposal_doc import build_proposal_pdf, proposal_filename
from coordinator.files import write_private_atomic

if TYPE_CHECKING:
    from coordinator.services import Services

Progress = Callable[[int], None]


def write_private(path: Path, content: bytes) -> Path:
    """Write `content` to `path` atomically with mode 0600 (POSIX)."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_private_atomic(path, content)


def write_briefing(services: Services, meeting_id: str, path: Path | None = None,
                   options: BriefingOptions | None = None,
                   progress: Progress | None = None) -> Path:
    """Collect, lay out and save the packet; without `path`, into the documents folder."""
    options = options or BriefingOptions()
    data = collect_briefing(services, meeting_id, options)
    buffer = io.BytesIO()
    build_briefing_pdf(data, buffer, options, progress=progress)
    target = path or paths.documents_dir() / briefing_filename(data)
    return write_private(target, buffer.getvalue())


def write_proposal(services: Services, proposal_id: str, path: Path | None = None,
                   paper: str = "letter", progress: Progress | None = None,
                   prepared_by: str | None = None) -> Path:
    """Collect, lay out and save the proposal document; `prepared_by` defaults to the
    About you settings."""
    data = collect_proposal(services, proposal_id)
    data.prepared_by = default_author() if prepared_by is None else prepared_by
    buffer = io.BytesIO()
    build_proposal_pdf(data, buffer, paper, progress=progress)
    target = path or paths.documents_dir() / proposal_filename(data)
    return write_private(target, buffer.getvalue())


__all__ = [
    "SECTIONS",
    "BriefingData",
    "BriefingOptions",
    "Profile",
    "ProposalDocData",
    "briefing_filename",
    "build_briefing_pdf",
    "build_proposal_pdf",
    "collect_briefing",
    "collect_proposal",
    "proposal_filename",
    "write_briefing",
    "write_private",
    "write_proposal",
]
