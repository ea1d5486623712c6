"""Core commands: demo, stats, list, search, trash, reindex."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from coordinator.cli.choices import SECTORS
from coordinator.cli.context import CliContext
from coordinator.cli.interrupts import EXIT_CANCELLED
from coordinator.cli.output import print_rows, to_plain
from coordinator.errors import CoordinatorError, NotFound
from coordinator.wording import plural

if TYPE_CHECKING:
    from coordinator.services.trash import TrashItem

# The models, services and SQLAlchemy are imported inside the commands that use them:
# `stats` and `search` read through a plain sqlite3 connection and never load them.

FORMATS = ("table", "csv", "json")
ENTITIES = ("contacts", "organizations", "proposals", "meetings", "actions")
RESTORED_NAMED = 20  # `trash restore` names up to this many records, then counts them


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="fill the database with the sample coalition")
    p.add_argument("--contacts", type=int, default=600, metavar="N",
                   help="number of contacts (everything else scales with it; default 600)")
    p.add_argument("--force", action="store_true",
                   help="replace what the database holds (a backup is taken first)")
    p.set_defaults(func=cmd_demo, creates_db=True,
                   cancel_message="Cancelled: nothing was changed.")

    p = sub.add_parser("stats", help="counts per entity and per consortium")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("list", help="list records with filters")
    p.add_argument("entity", choices=ENTITIES)
    p.add_argument("--consortium", help="consortium short name or id")
    p.add_argument("--sector", choices=SECTORS)
    p.add_argument("--tag")
    p.add_argument("--organization", help="organization name or id")
    p.add_argument("--status", help="proposal status or action item status")
    p.add_argument("--owner", help="owner contact id (proposals, actions)")
    p.add_argument("--funder")
    p.add_argument("--series", help="meeting series name")
    p.add_argument("--overdue", action="store_true", help="only overdue action items")
    p.add_argument("--open", action="store_true", help="only open proposals / action items")
    p.add_argument("--from", dest="date_from", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--text", help="words to match (prefixes, accents ignored)")
    p.add_argument("--sort", help="sort key (contacts: name, organization, consortium, title, "
                                  "email, updated)")
    p.add_argument("--limit", type=int, metavar="N")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--include-private", action="store_true",
                   help="include private notes in JSON output (left out unless asked)")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("search", help="search everything")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=8, metavar="N", help="results per type")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("trash", help="list, restore or empty the Trash")
    tsub = p.add_subparsers(dest="trash_command", required=True, metavar="ACTION")
    tsub.add_parser("list", help="what is in the Trash").set_defaults(func=cmd_trash_list)
    r = tsub.add_parser("restore", help="restore records (all of them or none)")
    r.add_argument("id", nargs="+", help="record id (a unique prefix is enough)")
    r.set_defaults(func=cmd_trash_restore)
    e = tsub.add_parser("empty", help="delete everything in the Trash for good")
    e.add_argument("--yes", action="store_true", help="do not ask")
    e.set_defaults(func=cmd_trash_empty)

    p = sub.add_parser("reindex", help="rebuild the search index")
    p.set_defaults(func=cmd_reindex)


def cmd_demo(args: argparse.Namespace, ctx: CliContext) -> int:
    from coordinator.backups import BackupManager
    from coordinator.demo import generate, refuse_to_replace, write_demo

    if args.contacts < 1:
        raise CoordinatorError("--contacts must be at least 1.")
    ctx.require_writable()
    refuse_to_replace(ctx.services, args.force)
    rows = generate(args.contacts)  # no database involved: a signal may stop it anywhere
    interrupts = ctx.interrupts
    saved_message = ("coordinator: interrupted after the sample coalition was saved; it is "
                     f"in {ctx.db_path}.")

    def write() -> dict[str, int]:
        # In the transaction a signal is only noted: write_demo checks it between steps
        # and rolls back (DemoCancelled). One that comes after its last check is answered
        # once the commit is done, with what was saved, never with "Cancelled".
        with interrupts.deferred():
            counts = write_demo(ctx.services, rows, force=args.force,
                                cancelled=interrupts.cancelled)
            args.cancel_message = saved_message
        return counts

    if ctx.services.is_empty():
        counts = write()
    else:
        # Replacing everything: never under a running app, and no other process's
        # write may land between the safety backup and the replacement.
        from coordinator import writegate
        from coordinator.lock import DatabaseLock

        holder = DatabaseLock(ctx.db_path).holder()
        if holder is not None and not holder.is_this_process():
            raise CoordinatorError(
                f"Coordinator is open on this database ({holder.describe()}). Close it "
                "before replacing its data with the sample coalition; nothing was changed.")
        with writegate.replacing(ctx.db_path, 30.0, "replacement by the sample coalition"):
            saved = BackupManager(ctx.db_path).backup_now("before-demo")
            print(f"Backed up the previous data to {saved.path}", file=sys.stderr)
            counts = write()
    print(f"Sample coalition written to {ctx.db_path}: "
          f"{plural(counts['organization'], 'organization')}, "
          f"{plural(counts['contact'], 'contact')}, {plural(counts['proposal'], 'proposal')}, "
          f"{plural(counts['meeting'], 'meeting')}, "
          f"{plural(counts['action_item'], 'action item')}.")
    if interrupts.cancelled():  # the signal came after the last check: the data is saved
        print(saved_message, file=sys.stderr)
        return EXIT_CANCELLED
    return 0


def cmd_stats(args: argparse.Namespace, ctx: CliContext) -> int:
    from coordinator.services.stats import stats as read_stats

    with ctx.reader().raw() as conn:
        stats = read_stats(conn)
    if args.format == "json":
        print_rows([stats], [], "json")
        return 0
    counts: dict[str, int] = stats["counts"]  # type: ignore[assignment]
    print_rows([{"entity": k, "count": v} for k, v in counts.items()], ["entity", "count"],
               "table")
    print()
    per: dict[str, dict[str, int]] = stats["consortia"]  # type: ignore[assignment]
    print_rows([{"consortium": k, **v} for k, v in per.items()],
               ["consortium", "organizations", "contacts"], "table")
    return 0


def _consortium_id(ctx: CliContext, value: str | None) -> str | None:
    if not value:
        return None
    found = ctx.services.consortia.by_short_name(value)
    if found is not None:
        return found.id
    consortia = ctx.services.consortia.list(counts=False)
    if any(c.id == value for c in consortia):
        return value
    names = ", ".join(c.short_name for c in consortia)
    raise CoordinatorError(f"No consortium {value!r}; choose one of {names}.")


def _organization_id(ctx: CliContext, value: str | None) -> str | None:
    if not value:
        return None
    if ctx.services.organizations.exists(value):
        return value
    found = ctx.services.organizations.find_by_name(value)
    if found is None:
        raise CoordinatorError(f"No organization named {value!r}.")
    return found.id


def _series_id(ctx: CliContext, name: str | None) -> str | None:
    if not name:
        return None
    from coordinator.models import fold

    for s in ctx.services.meetings.series():
        if fold(s.name) == fold(name) or s.id == name:
            return s.id
    raise CoordinatorError(f"No meeting series named {name!r}.")


# The options of `list` that each entity understands; any other is refused rather than
# silently ignored (a filter that does nothing gives a wrong answer).
FILTER_FLAGS = {"consortium": "--consortium", "sector": "--sector", "tag": "--tag",
                "organization": "--organization", "status": "--status", "owner": "--owner",
                "funder": "--funder", "series": "--series", "overdue": "--overdue",
                "open": "--open", "date_from": "--from", "date_to": "--to", "text": "--text",
                "sort": "--sort"}
FILTERS = {
    "contacts": {"consortium", "sector", "tag", "organization", "text", "sort"},
    "organizations": {"consortium", "sector", "tag", "text", "sort"},
    "proposals": {"consortium", "tag", "organization", "status", "owner", "funder", "open",
                  "date_from", "date_to", "text", "sort"},
    "meetings": {"consortium", "series", "date_from", "date_to", "text"},
    "actions": {"status", "owner", "series", "overdue", "open", "sort"},
}


def _check_list_options(args: argparse.Namespace) -> None:
    if args.limit is not None and args.limit < 0:
        raise CoordinatorError("--limit must be 0 or more.")
    unused = [flag for dest, flag in FILTER_FLAGS.items()
              if getattr(args, dest) and dest not in FILTERS[args.entity]]
    if unused:
        raise CoordinatorError(f"{', '.join(unused)} cannot be used with list {args.entity}.")


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    _check_list_options(args)
    if args.entity == "contacts" and args.format == "json":
        _stream_contacts_json(args, ctx)
        return 0
    rows, columns = _LISTERS[args.entity](args, ctx)
    if args.limit is not None:
        rows = rows[: args.limit]
    plain = [to_plain(r) for r in rows]
    if args.format == "json" and not args.include_private:
        for row in plain:  # private notes are never printed unless asked
            row.pop("private_notes", None)
    print_rows(plain, columns, args.format)
    return 0


def _list_contacts(args: argparse.Namespace, ctx: CliContext) -> tuple[list[Any], list[str]]:
    ids = _list_contacts_ids(args, ctx)
    if args.limit is not None:
        ids = ids[: args.limit]
    rows = ctx.services.contacts.rows(ids)
    return rows, ["id", "full_name", "title", "organization_name", "consortium_short_name",
                  "email", "phone"]


def _stream_contacts_json(args: argparse.Namespace, ctx: CliContext) -> None:
    """Full contact records as a JSON array, one record per line, written as they are
    read: 100,000 contacts never sit in memory twice, and the first arrive at once."""
    import json

    from coordinator.db.first_page import NAME_ORDER_ALL_IDS
    from coordinator.services.contact_records import iter_contact_records

    filtered = any(getattr(args, key) for key in
                   ("consortium", "organization", "sector", "tag", "text"))
    if filtered or (args.sort or "name") != "name":
        source = ctx.db  # filters and other orders: the service chooses the ids
        ids = _list_contacts_ids(args, ctx)
    else:
        source = ctx.reader()  # type: ignore[assignment]
        with source.raw() as conn:
            ids = [r[0] for r in conn.execute(NAME_ORDER_ALL_IDS)]
    if args.limit is not None:
        ids = ids[: args.limit]
    out = sys.stdout
    first = True
    with source.raw() as conn:
        for record in iter_contact_records(conn, ids):
            if not args.include_private:  # private notes are never printed unless asked
                record.pop("private_notes", None)
            out.write("[\n" if first else ",\n")
            out.write(json.dumps(record, ensure_ascii=False))
            first = False
    out.write("[]\n" if first else "\n]\n")


def _list_contacts_ids(args: argparse.Namespace, ctx: CliContext) -> list[str]:
    from coordinator.services import ContactFilter

    f = ContactFilter(consortium_id=_consortium_id(ctx, args.consortium),
                      organization_id=_organization_id(ctx, args.organization),
                      sector=args.sector, tag=args.tag, text=args.text)
    return ctx.services.contacts.ids(f, sort=args.sort or "name")


def _list_organizations(args: argparse.Namespace, ctx: CliContext) -> tuple[list[Any], list[str]]:
    from coordinator.services import OrganizationFilter

    f = OrganizationFilter(consortium_id=_consortium_id(ctx, args.consortium),
                           sector=args.sector, tag=args.tag, text=args.text)
    page = ctx.services.organizations.list(f, sort=args.sort or "name", limit=args.limit)
    return page.rows, ["id", "name", "sector", "consortium_short_name", "city", "state",
                       "contact_count"]


def _list_proposals(args: argparse.Namespace, ctx: CliContext) -> tuple[list[Any], list[str]]:
    from coordinator.models import ProposalStatus
    from coordinator.money import format_money
    from coordinator.services import ProposalFilter

    if args.status and args.status not in {s.value for s in ProposalStatus}:
        raise CoordinatorError(f"No proposal status {args.status!r}; use one of "
                               f"{', '.join(s.value for s in ProposalStatus)}.")
    f = ProposalFilter(status=args.status, consortium_id=_consortium_id(ctx, args.consortium),
                       organization_id=_organization_id(ctx, args.organization),
                       funder=args.funder, owner_id=args.owner, tag=args.tag, text=args.text,
                       due_after=args.date_from, due_before=args.date_to, open_only=args.open)
    page = ctx.services.proposals.list(f, sort=args.sort or "due", limit=args.limit)
    if args.format != "json":
        return [{**to_plain(p), "amount": format_money(p.amount_minor, p.currency)}
                for p in page.rows], ["id", "status", "title", "lead_organization_name",
                                      "funder", "amount", "due_date"]
    return page.rows, []


def _list_meetings(args: argparse.Namespace, ctx: CliContext) -> tuple[list[Any], list[str]]:
    from datetime import UTC, datetime, time

    from coordinator.services import MeetingFilter

    f = MeetingFilter(series_id=_series_id(ctx, args.series),
                      consortium_id=_consortium_id(ctx, args.consortium), text=args.text,
                      starts_after=datetime.combine(args.date_from, time(), UTC)
                      if args.date_from else None,
                      starts_before=datetime.combine(args.date_to, time.max, UTC)
                      if args.date_to else None)
    page = ctx.services.meetings.list(f, limit=args.limit)
    return page.rows, ["id", "starts_at", "time_zone", "title", "series_name", "kind"]


def _list_actions(args: argparse.Namespace, ctx: CliContext) -> tuple[list[Any], list[str]]:
    from coordinator.models import ActionStatus
    from coordinator.services import ActionFilter

    if args.status and args.status not in {s.value for s in ActionStatus}:
        raise CoordinatorError(f"No action item status {args.status!r}; use one of "
                               f"{', '.join(s.value for s in ActionStatus)}.")
    f = ActionFilter(owner_id=args.owner, status=args.status, open_only=args.open,
                     overdue_on=date.today() if args.overdue else None,
                     series_id=_series_id(ctx, args.series))
    rows = ctx.services.actions.list(f, sort=args.sort or "due", limit=args.limit)
    return rows, ["id", "status", "due_date", "owner_name", "text", "meeting_title"]


_LISTERS = {"contacts": _list_contacts, "organizations": _list_organizations,
            "proposals": _list_proposals, "meetings": _list_meetings, "actions": _list_actions}


def cmd_search(args: argparse.Namespace, ctx: CliContext) -> int:
    from coordinator.services.search import SearchService

    results = SearchService(ctx.reader()).search(  # type: ignore[arg-type]
        args.query, limit_per_group=max(1, args.limit))
    rows = [{"type": h.entity, "id": h.id, "title": h.title, "snippet": h.snippet}
            for h in results.hits]
    if args.format == "json":
        print_rows(rows, [], "json")
    elif not rows:
        print(f"Nothing matches {args.query!r}.")
    else:
        print_rows(rows, ["type", "title", "snippet", "id"], "table")
    return 0


def cmd_trash_list(args: argparse.Namespace, ctx: CliContext) -> int:
    items = ctx.services.trash.list()
    if not items:
        print("The Trash is empty.")
        return 0
    print_rows([to_plain(i) for i in items], ["entity", "title", "deleted_at", "id"], "table")
    return 0


def cmd_trash_restore(args: argparse.Namespace, ctx: CliContext) -> int:
    items = ctx.services.trash.list()
    chosen: dict[str, TrashItem] = {}
    for prefix in args.id:
        matches = [i for i in items if i.id.startswith(prefix)]
        if not matches:
            raise NotFound("record in the Trash", prefix)
        if len(matches) > 1:
            raise CoordinatorError(
                f"{prefix!r} matches {plural(len(matches), 'record')}; give more of the id.")
        chosen[matches[0].id] = matches[0]
    selection: dict[str, list[str]] = {}
    for item in chosen.values():
        selection.setdefault(item.entity, []).append(item.id)
    ctx.services.trash.restore_many(selection)  # in one go: all of them, or none
    if len(chosen) > RESTORED_NAMED:
        print(f"Restored {plural(len(chosen), 'record')}.")
    for item in list(chosen.values()) if len(chosen) <= RESTORED_NAMED else []:
        print(f"Restored {item.entity} {item.title!r}.")
    return 0


def cmd_trash_empty(args: argparse.Namespace, ctx: CliContext) -> int:
    count = ctx.services.trash.count()
    if count == 0:
        print("The Trash is already empty.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise CoordinatorError("Refusing to empty the Trash without --yes "
                                   "(no terminal to ask).")
        answer = input(f"Delete {plural(count, 'record')} for good? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 1
    purged = ctx.services.trash.empty()
    print(f"Deleted {plural(purged, 'record')} for good.")
    return 0


def cmd_reindex(args: argparse.Namespace, ctx: CliContext) -> int:
    count = ctx.services.search.reindex()
    print(f"Search index rebuilt: {plural(count, 'record')}.")
    return 0
