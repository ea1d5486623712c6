"""A coordinator's day from the terminal or cron.

    coordinator agenda [--days 14] [--format text|json] [--today YYYY-MM-DD] [--ics FILE]
    coordinator mail-merge [--tag T] [--organization O] [--consortium C]
                           [--meeting ID|DATE|next] -o FILE

`agenda` prints what is overdue and what falls due in the next days (action items and
proposal deadlines) and exits 0 either way; with `--ics FILE` it writes them to an
iCalendar file instead (all-day events whose UIDs follow the records, so importing a
newer file updates the calendar). `mail-merge` writes a CSV for Word's or Outlook's
mail merge; contacts who asked not to be contacted, contacts without an email address
and repeated addresses are left out, and the command says how many on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from coordinator.errors import CoordinatorError

FORMATS = ("text", "json")


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days") from None
    if not 0 <= days <= 3660:
        raise argparse.ArgumentTypeError(f"{days} is not between 0 and 3660 days")
    return days


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-12-03") from None


def register(sub: Any) -> None:
    a = sub.add_parser(
        "agenda", help="what is overdue and what falls due soon (action items, deadlines)",
        description="Overdue action items and proposal deadlines, then those due in the "
                    "next days. Plain text for a terminal or a cron email (exit 0 either "
                    "way), JSON, or an iCalendar file.")
    a.add_argument("--days", type=_days, default=14, metavar="N",
                   help="how many days ahead to look (default 14)")
    a.add_argument("--format", choices=FORMATS, default="text",
                   help="text (default) or json")
    a.add_argument("--today", type=_day, metavar="YYYY-MM-DD",
                   help="the day to look from (default: today)")
    a.add_argument("--ics", dest="output", metavar="FILE",
                   help="write the entries to this iCalendar (.ics) file instead of printing")
    a.set_defaults(func=cmd_agenda)

    m = sub.add_parser(
        "mail-merge", help="write a CSV for Word or Outlook mail merge",
        description="Write name, salutation, organization, consortium and email of the "
                    "chosen contacts to a CSV for a mail merge. Every option given must "
                    "hold (none: every contact). Contacts who asked not to be contacted "
                    "are left out and counted.")
    m.add_argument("--tag", metavar="T", help="contacts with this tag")
    m.add_argument("--organization", metavar="O", help="contacts of this organization "
                                                       "(name or id)")
    m.add_argument("--consortium", metavar="C", help="contacts in this consortium "
                                                     "(short name, name or id)")
    m.add_argument("--meeting", metavar="ID|DATE|next",
                   help="the attendees of this meeting: an id, a date (the meeting that "
                        "day) or 'next'")
    m.add_argument("-o", "--output", metavar="FILE", required=True,
                   help="the CSV file to write")
    m.set_defaults(func=cmd_mail_merge)


def cmd_agenda(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.services.agenda import agenda, agenda_ics, as_plain, as_text

    today = args.today or date.today()
    day = agenda(ctx.reader(), today, args.days)
    if args.output:
        from coordinator.files import write_private_atomic

        path = _file(args.output)
        write_private_atomic(path, agenda_ics(day))
        print(f"Wrote {path}: {len(day.entries):,} event{'s' if len(day.entries) != 1 else ''}"
              f" ({len(day.overdue):,} overdue).", file=sys.stderr)
        return 0
    if args.format == "json":
        json.dump(as_plain(day), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(as_text(day))
    return 0


def cmd_mail_merge(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.services.mailing import MailingSelection

    path = _file(args.output)
    services = ctx.services
    selection = MailingSelection(
        tag=args.tag or None,
        organization_id=_organization_id(ctx, args.organization),
        consortium_id=_consortium_id(services, args.consortium),
        meeting_id=_meeting_id(services, args.meeting))
    data, audience = services.mailing.mail_merge(selection)
    if not audience.recipients:
        raise CoordinatorError(f"Nothing written: no one to write to ({audience.summary()}).")
    from coordinator.files import write_private_atomic

    write_private_atomic(path, data)
    print(f"Wrote {path}: {audience.summary()}.", file=sys.stderr)
    return 0


def _file(value: str) -> Path:
    path = Path(value).expanduser()
    if path.is_dir():
        raise CoordinatorError(f"{path} is a folder; give a file name inside it.")
    return path


def _organization_id(ctx: Any, value: str | None) -> str | None:
    if not value:
        return None
    from coordinator.folding import fold

    with ctx.db.raw() as conn:
        rows = conn.execute("SELECT id FROM organization WHERE (id = ? OR name_key = ?)"
                            " AND deleted_at IS NULL", (value, fold(value))).fetchall()
    if not rows:
        raise CoordinatorError(f"No organization {value!r}.")
    if len(rows) > 1:
        raise CoordinatorError(f"{len(rows)} organizations are named {value!r}; give the "
                               "organization's id instead.")
    return str(rows[0][0])


def _consortium_id(services: Any, value: str | None) -> str | None:
    if not value:
        return None
    from coordinator.folding import fold

    for c in services.consortia.list():
        if value in (c.id, c.short_name) or fold(value) in (fold(c.short_name), fold(c.name)):
            return str(c.id)
    raise CoordinatorError(f"No consortium {value!r}.")


def _meeting_id(services: Any, value: str | None) -> str | None:
    """A meeting id; `next` for the next upcoming meeting; a date for the one meeting
    that day (in the meeting's own time zone), as `briefing` reads its argument."""
    if not value:
        return None
    from coordinator.cli.briefing_commands import find_meeting

    return find_meeting(services, value)
