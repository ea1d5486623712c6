"""`coordinator briefing MEETING_ID|DATE|next`, `coordinator proposal-pdf PROPOSAL_ID`
and `coordinator about-you` (the name, title and organization printed as "Prepared by").

Without `-o FILE` the PDF goes to the documents folder under a clear name such as
"Briefing 2026-12-03 NSCP partnership call.pdf"; the path is printed either way.
Files are readable by their owner only (they can hold contact details).
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from coordinator import about_you
from coordinator.briefing import BriefingOptions, Profile, write_briefing, write_proposal
from coordinator.briefing.collect import (
    DEFAULT_SECTIONS,
    PAPERS,
    SECTIONS,
    default_author,
)
from coordinator.briefing.formatting import zone
from coordinator.errors import CoordinatorError

# What --sections accepts: the dialog's checkboxes ("private" follows --include-private).
SECTION_CHOICES = tuple(s for s in SECTIONS if s != "private")


def register(sub: Any) -> None:
    b = sub.add_parser(
        "briefing", help="print the briefing packet (PDF) for a meeting",
        description="Build the briefing packet for a meeting as a PDF.",
    )
    b.add_argument("meeting", metavar="MEETING_ID|DATE|next",
                   help="a meeting id, a date (YYYY-MM-DD: the meeting that day), or 'next' "
                        "for the next upcoming meeting")
    b.add_argument("-o", "--output", metavar="FILE",
                   help="where to write the PDF (default: the documents folder)")
    b.add_argument("--profile", choices=[p.value for p in Profile], default="internal",
                   help="internal (contact details) or partners (shareable); default internal")
    b.add_argument("--paper", choices=PAPERS, default="letter", help="paper size (default letter)")
    b.add_argument("--include-private", action="store_true",
                   help="include private notes (internal profile only)")
    b.add_argument("--sections", metavar="LIST",
                   help="comma-separated sections to include, in any order: "
                        f"{','.join(SECTION_CHOICES)} (default: all but coverage)")
    b.add_argument("--prepared-by", metavar="NAME",
                   help="name printed on the cover (default: the About you settings)")
    b.set_defaults(func=cmd_briefing)

    a = sub.add_parser(
        "about-you", help="show or set your name, title and organization for documents",
        description="Your name, title and organization, printed as 'Prepared by' on "
                    "briefing packets and proposal documents. Without options: show them.",
    )
    a.add_argument("--name", help="your name (an empty string clears all three)")
    a.add_argument("--title", help="your job title")
    a.add_argument("--organization", help="your organization")
    a.set_defaults(func=cmd_about_you)

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


def parse_sections(value: str | None) -> tuple[str, ...]:
    """`agenda,actions` -> the sections in packet order; a clear message otherwise."""
    if value is None:
        return tuple(s for s in SECTION_CHOICES if s in DEFAULT_SECTIONS)
    wanted = [w.strip().lower() for w in value.split(",") if w.strip()]
    unknown = [w for w in wanted if w not in SECTION_CHOICES]
    if unknown:
        raise CoordinatorError(f"Unknown section {unknown[0]!r} in --sections; choose from "
                               f"{', '.join(SECTION_CHOICES)}.")
    if not wanted:
        raise CoordinatorError("--sections needs at least one section, e.g. agenda,actions.")
    return tuple(s for s in SECTION_CHOICES if s in wanted)


def find_meeting(services: Any, value: str) -> str:
    """The meeting id for `next`, a date (the one meeting that day, in its own zone) or
    an id (checked by the build)."""
    if value == "next":
        upcoming = services.meetings.next_upcoming()
        if upcoming is None:
            raise CoordinatorError("There is no upcoming meeting.")
        return upcoming.id
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    from coordinator.services import MeetingFilter

    around = services.meetings.list(MeetingFilter(
        starts_after=datetime.combine(day, time(), UTC) - timedelta(hours=15),
        starts_before=datetime.combine(day, time(), UTC) + timedelta(hours=39))).rows
    same_day = [m for m in around if m.starts_at is not None
                and m.starts_at.astimezone(zone(m.time_zone)).date() == day]
    if not same_day:
        raise CoordinatorError(f"There is no meeting on {day.isoformat()}.")
    if len(same_day) > 1:
        listed = "; ".join(f"{m.id} ({m.title})" for m in same_day[:10])
        raise CoordinatorError(f"{len(same_day)} meetings on {day.isoformat()}: {listed}. "
                               "Give the meeting id instead.")
    return same_day[0].id


def cmd_briefing(args: argparse.Namespace, ctx: Any) -> int:
    if args.include_private and args.profile != Profile.INTERNAL.value:
        raise CoordinatorError("--include-private works only with --profile internal.")
    sections = parse_sections(args.sections)
    meeting_id = find_meeting(ctx.services, args.meeting)
    options = BriefingOptions(
        profile=Profile(args.profile), paper=args.paper, include_private=args.include_private,
        prepared_by=args.prepared_by if args.prepared_by is not None else default_author(),
        sections=sections + (("private",) if args.include_private else ()),
    )
    path = write_briefing(ctx.services, meeting_id, _output(args.output), options)
    print(path)
    return 0


def cmd_about_you(args: argparse.Namespace, ctx: Any = None) -> int:
    current = about_you.load()
    if args.name is None and args.title is None and args.organization is None:
        if not current.is_set:
            print("Not set yet. Set it with: coordinator about-you --name 'Your Name' "
                  "--title 'Your title' --organization 'Your organization'")
            return 0
        print(f"Name:         {current.name}\nTitle:        {current.title}\n"
              f"Organization: {current.organization}")
        return 0
    if args.name == "":
        saved = about_you.save(about_you.AboutYou())
    else:
        saved = about_you.save(about_you.AboutYou(
            args.name if args.name is not None else current.name,
            args.title if args.title is not None else current.title,
            args.organization if args.organization is not None else current.organization))
    print(f"Documents will say: Prepared by {saved.signature()}" if saved.is_set
          else "Cleared: documents print no 'Prepared by' line.")
    return 0


def cmd_proposal_pdf(args: argparse.Namespace, ctx: Any) -> int:
    path = write_proposal(ctx.services, args.proposal, _output(args.output), args.paper)
    print(path)
    return 0
