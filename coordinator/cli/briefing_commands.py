"""`coordinator briefing MEETING_ID|next` and `coordinator proposal-pdf PROPOSAL_ID`.

Without `-o FILE` the PDF goes to the documents folder under a clear name such as
"Briefing 2026-12-03 NSCP partnership call.pdf"; the path is printed either way.
Files are readable by their owner only (they can hold contact details).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from coordinator.briefing import BriefingOptions, Profile, write_briefing, write_proposal
from coordinator.briefing.collect import PAPERS, default_author
from coordinator.errors import CoordinatorError


def register(sub: Any) -> None:
    b = sub.add_parser(
        "briefing", help="print the briefing packet (PDF) for a meeting",
        description="Build the briefing packet for a meeting as a PDF.",
    )
    b.add_argument("meeting", metavar="MEETING_ID|next",
                   help="a meeting id, or 'next' for the next upcoming meeting")
    b.add_argument("-o", "--output", metavar="FILE",
                   help="where to write the PDF (default: the documents folder)")
    b.add_argument("--profile", choices=[p.value for p in Profile], default="internal",
                   help="internal (contact details) or partners (shareable); default internal")
    b.add_argument("--paper", choices=PAPERS, default="letter", help="paper size (default letter)")
    b.add_argument("--include-private", action="store_true",
                   help="include private notes (internal profile only)")
    b.add_argument("--prepared-by", metavar="NAME", help="name printed on the cover")
    b.set_defaults(func=cmd_briefing)

    p = sub.add_parser(
        "proposal-pdf", help="print a proposal as a document (PDF)",
        description="Build the proposal document (title page, partners, budget, text) as a PDF.",
    )
    p.add_argument("proposal", metavar="PROPOSAL_ID")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write the PDF (default: the documents folder)")
    p.add_argument("--paper", choices=PAPERS, default="letter", help="paper size (default letter)")
    p.set_defaults(func=cmd_proposal_pdf)


def _output(value: str | None) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    if path.is_dir():
        raise CoordinatorError(f"{path} is a folder; give a file name such as {path}/briefing.pdf")
    return path


def cmd_briefing(args: argparse.Namespace, ctx: Any) -> int:
    if args.include_private and args.profile != Profile.INTERNAL.value:
        raise CoordinatorError("--include-private works only with --profile internal.")
    meeting_id = args.meeting
    if meeting_id == "next":
        upcoming = ctx.services.meetings.next_upcoming()
        if upcoming is None:
            raise CoordinatorError("There is no upcoming meeting.")
        meeting_id = upcoming.id
    options = BriefingOptions(
        profile=Profile(args.profile), paper=args.paper, include_private=args.include_private,
        prepared_by=args.prepared_by if args.prepared_by is not None else default_author(),
    )
    path = write_briefing(ctx.services, meeting_id, _output(args.output), options)
    print(path)
    return 0


def cmd_proposal_pdf(args: argparse.Namespace, ctx: Any) -> int:
    path = write_proposal(ctx.services, args.proposal, _output(args.output), args.paper)
    print(path)
    return 0
