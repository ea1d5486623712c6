"""Import, export and duplicate commands.

    coordinator import contacts FILE [--format auto|csv|vcard] [--dry-run] [--mapping NAME]
                                     [--duplicates import|skip]
    coordinator import list | coordinator import undo BATCH_ID
    coordinator export contacts|organizations|proposals --format csv|outlook-csv|vcard3|vcard4
    coordinator export meetings --format ics [--series NAME | --id ID] [-o FILE]
    coordinator duplicates [--merge-all-above SCORE] [--include-dismissed]
    coordinator duplicates --not-duplicates ID1 ID2 | --unmark ID1 ID2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import text

from coordinator.cli.arguments import shown
from coordinator.cli.context import CliContext
from coordinator.cli.interrupts import EXIT_CANCELLED
from coordinator.errors import CoordinatorError
from coordinator.formats import batches, duplicates, exports, importer, mappings
from coordinator.formats.reader import FORMATS, parse_file
from coordinator.models import Sector, fold
from coordinator.services import duplicate_decisions as decisions
from coordinator.services.contacts import ContactFilter
from coordinator.services.organizations import OrganizationFilter
from coordinator.services.proposals import ProposalFilter
from coordinator.wording import plural

# `import contacts` saved the file but left probable duplicates out, and the user did
# not choose that (`--duplicates skip`): a script must not take it for a whole import.
EXIT_LEFT_OUT = 3
# "create" is the older spelling of "import", still accepted
DUPLICATES_CHOICES = ("import", "skip", "create")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import contacts (CSV, vCard); list or undo imports")
    isub = p.add_subparsers(dest="import_command", required=True, metavar="ACTION")
    c = isub.add_parser("contacts", help="import contacts from a CSV or vCard file")
    c.add_argument("file", type=Path)
    c.add_argument("--format", choices=FORMATS, default="auto")
    c.add_argument("--dry-run", action="store_true", help="show what would happen; save nothing")
    c.add_argument("--mapping", metavar="NAME", help="saved column mapping for a generic CSV")
    c.add_argument("--save-mapping", metavar="NAME",
                   help="save the (guessed) column mapping of this CSV under NAME")
    c.add_argument("--duplicates", choices=DUPLICATES_CHOICES, default=None,
                   metavar="{import,skip}",
                   help="rows with the same full name at the same organization as an "
                        "existing contact (or an earlier row) and no known email: "
                        "'import' imports them anyway, 'skip' leaves them out. Without "
                        "this option they are left out, the rest is saved, and the "
                        f"command says so on stderr and exits with {EXIT_LEFT_OUT}")
    c.set_defaults(func=cmd_import, creates_db=True,  # an import may start a new database
                   cancel_message="Cancelled: nothing was imported.")
    u = isub.add_parser("undo", help="undo an import (or a merge)")
    u.add_argument("batch_id", help="batch id from `import list` (a unique prefix is enough)")
    u.set_defaults(func=cmd_undo)
    isub.add_parser("list", help="past imports and merges").set_defaults(func=cmd_list)

    p = sub.add_parser("export", help="export records to CSV, vCard or iCalendar")
    p.add_argument("entity", choices=("contacts", "organizations", "proposals", "meetings"))
    p.add_argument("--format", default=None,
                   help="contacts: csv, outlook-csv, vcard3, vcard4; organizations and "
                        "proposals: csv; meetings: ics")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    p.add_argument("--consortium", help="consortium short name or id")
    p.add_argument("--organization", help="organization name or id (contacts)")
    p.add_argument("--sector", choices=[s.value for s in Sector])
    p.add_argument("--tag")
    p.add_argument("--text", help="words to match")
    p.add_argument("--status", help="proposal status")
    p.add_argument("--include-private", action="store_true",
                   help="contacts CSV: include private notes")
    p.add_argument("--series", help="meetings: the series to export")
    p.add_argument("--id", dest="meeting_id", help="meetings: one meeting id")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("duplicates", help="find (and merge) probable duplicates; mark pairs "
                                          "as not duplicates")
    p.add_argument("--min-score", type=int, default=70, metavar="N",
                   help="list pairs scoring at least N (default 70)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--merge-all-above", type=int, metavar="SCORE",
                      help="merge every pair scoring SCORE or more into the older record "
                           "(never a pair marked as not duplicates), as one batch that "
                           "`import undo` takes back; where both hold different values of "
                           "a one-value field, the older record's stays and the other's "
                           "goes into its notes")
    what.add_argument("--not-duplicates", nargs=2, metavar=("ID1", "ID2"),
                      help="remember that two contacts (or organizations) are not "
                           "duplicates, so they are not listed again (ids as listed: a "
                           "unique prefix is enough)")
    what.add_argument("--unmark", nargs=2, metavar=("ID1", "ID2"),
                      help="take back a --not-duplicates decision")
    p.add_argument("--include-dismissed", action="store_true",
                   help="also list pairs marked as not duplicates")
    p.add_argument("--organizations", action="store_true", help="organizations only")
    p.add_argument("--contacts", action="store_true", help="contacts only")
    p.set_defaults(func=cmd_duplicates)


def _step(message: str) -> None:
    """Where a long import is, on stderr (stdout keeps the report)."""
    print(message, file=sys.stderr, flush=True)


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    mapping = mappings.load_mapping(args.mapping) if args.mapping else None
    cancelled = ctx.interrupts.cancelled
    _step(f"Reading {shown(args.file.name)}…")
    result = parse_file(args.file, args.format, mapping=mapping, cancelled=cancelled)
    if args.save_mapping:
        if not result.mapping:
            raise CoordinatorError(f"{shown(args.file.name)} is a {result.format} file; it "
                                   "needs no column mapping.")
        print(f"Saved column mapping {args.save_mapping!r} to "
              f"{mappings.save_mapping(args.save_mapping, result.mapping)}")
    if result.mapping:
        used = ", ".join(f"{k} → {v}" for k, v in result.mapping.items() if v != "ignore")
        print(f"Columns: {used}")
        ignored = [k for k, v in result.mapping.items() if v == "ignore"]
        if ignored:  # said, so that no column is left out unseen
            print(f"Not imported (no matching field; choose one with --mapping): "
                  f"{', '.join(shown(k) for k in ignored)}")
    chosen_skip = args.duplicates == "skip"
    policy = "create" if args.duplicates in ("import", "create") else "skip"
    options = importer.ImportOptions(duplicates=policy, source=shown(args.file))
    _step("Comparing with the database…")
    preview = importer.preview(ctx.db, result, options, cancelled=cancelled)
    for line in preview.summary_lines():
        print(line)
    left_out = preview.count("duplicate") if policy == "skip" else 0
    if preview.nothing_to_import:
        if preview.errors or not (preview.unchanged or left_out):
            reasons = [str(e) for e in preview.errors] or ["no records"]
            print("coordinator: nothing could be imported: " + "; ".join(reasons[:20]),
                  file=sys.stderr)
            _left_out(left_out, chosen_skip)
            return 1
        if left_out:
            print("Nothing new to save: the other records of this file are already up "
                  "to date." if preview.unchanged else "Nothing new to save.")
            return _left_out(left_out, chosen_skip)
        print("Everything in this file is already up to date; nothing to save.")
        return 0
    if args.dry_run:
        # A dry run ends with the real run's exit code, so a script that checks a file
        # first learns then what the import would meet: rows left out (3), or a
        # database that cannot be written (1, raised as the real run raises it).
        print("Dry run: nothing was saved.")
        code = _left_out(left_out, chosen_skip, would=True)
        ctx.require_writable()
        return code
    del preview  # apply plans again in its transaction; the preview's rows are not needed
    ctx.require_writable()  # before the backup: a read-only file is not copied for nothing
    if not ctx.services.is_empty():
        from coordinator.backups import BEFORE_IMPORT, BackupManager

        saved = BackupManager(ctx.db_path).backup_now(BEFORE_IMPORT)
        print(f"Backed up first to {saved.path}", file=sys.stderr)
    _step("Saving…")
    # In the transaction a signal is only noted; apply checks it between chunks and
    # rolls back (ImportCancelled), never cutting a statement or the commit short.
    with ctx.interrupts.deferred():
        report = importer.apply(ctx.db, result, options, cancelled=cancelled)
    print(f"Imported: {report.created:,} created, {report.updated:,} updated, "
          f"{plural(report.organizations_created, 'organization')} created, "
          f"{plural(report.skipped_duplicates, 'duplicate')} skipped, "
          f"{plural(len(report.errors), 'row')} with errors left out. "
          f"Undo with: coordinator import undo {report.batch_id[:8]}")
    if cancelled():  # the signal came after the last check: the import is saved
        print(f"coordinator: interrupted after the import was saved; undo it with "
              f"coordinator import undo {report.batch_id[:8]}", file=sys.stderr)
        return EXIT_CANCELLED
    return _left_out(report.skipped_duplicates, chosen_skip)


def _left_out(count: int, chosen: bool, *, would: bool = False) -> int:
    """Say on stderr how many rows are left out as probable duplicates, unless the user
    chose that (`--duplicates skip`); the exit code that goes with it."""
    if not count or chosen:
        return 0
    rows = "1 row" if count == 1 else f"{count:,} rows"
    verb = "would be" if would else ("was" if count == 1 else "were")
    what = "a probable duplicate" if count == 1 else "probable duplicates"
    print(f"coordinator: {rows} {verb} left out as {what} (same name at the same "
          "organization as an existing contact or an earlier row of the file); run with "
          "--duplicates import to import them anyway, or --duplicates skip to accept this",
          file=sys.stderr)
    return EXIT_LEFT_OUT


def _batch_id(ctx: CliContext, prefix: str) -> str:
    ids = [b.id for b in batches.list_batches(ctx.db) if b.id.startswith(prefix.strip())]
    if len(ids) != 1:
        raise CoordinatorError(f"No import {prefix!r}." if not ids else
                               f"{prefix!r} matches {plural(len(ids), 'import')}; "
                               "give more characters.")
    return ids[0]


def cmd_undo(args: argparse.Namespace, ctx: CliContext) -> int:
    report = ctx.services.imports.undo(_batch_id(ctx, args.batch_id))
    print(f"Undone: {plural(report.contacts_removed, 'contact')} removed, "
          f"{report.contacts_to_trash:,} moved to Trash (edited since, or used by other "
          f"records), {report.contacts_restored:,} restored to their earlier state, "
          f"{report.contacts_kept:,} left as edited since, "
          f"{plural(report.organizations_removed, 'organization')} removed.")
    return 0


def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = batches.list_batches(ctx.db)
    if not rows:
        print("No imports yet.")
    for b in rows:
        state = f"undone {b.undone_at:%Y-%m-%d %H:%M}" if b.undone_at else "active"
        print(f"{b.id[:8]}  {b.created_at:%Y-%m-%d %H:%M}  {b.format:<13} "
              f"{b.created_count:>6} created {b.updated_count:>6} updated  {state}  {b.source}")
    return 0


def _consortium_id(ctx: CliContext, value: str | None) -> str | None:
    if not value:
        return None
    for c in ctx.services.consortia.list():
        if value in (c.id, c.short_name) or fold(value) in (fold(c.short_name), fold(c.name)):
            return c.id
    raise CoordinatorError(f"No consortium {value!r}.")


def _organization_id(ctx: CliContext, value: str | None) -> str | None:
    if not value:
        return None
    with ctx.db.read() as session:
        row = session.execute(text("SELECT id FROM organization WHERE (id = :v OR name_key = "
                                   ":k) AND deleted_at IS NULL"),
                              {"v": value, "k": fold(value)}).first()
    if row is None:
        raise CoordinatorError(f"No organization {value!r}.")
    return row[0]


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    consortium = _consortium_id(ctx, args.consortium)
    if args.entity == "contacts":
        fmt = args.format or "csv"
        data = exports.export_contacts(ctx.db, fmt, include_private=args.include_private,
                                       contact_filter=ContactFilter(
                                           consortium_id=consortium, sector=args.sector,
                                           organization_id=_organization_id(
                                               ctx, args.organization),
                                           tag=args.tag, text=args.text))
    elif args.entity == "meetings":
        if (args.format or "ics") != "ics":
            raise CoordinatorError("Meetings export to iCalendar only: --format ics.")
        data = exports.export_meetings(ctx.db, series=args.series, meeting_id=args.meeting_id)
    else:
        if (args.format or "csv") != "csv":
            raise CoordinatorError(f"{args.entity.capitalize()} export to CSV only: --format csv.")
        if args.entity == "organizations":
            data = exports.export_organizations(ctx.db, OrganizationFilter(
                consortium_id=consortium, sector=args.sector, tag=args.tag, text=args.text))
        else:
            data = exports.export_proposals(ctx.db, ProposalFilter(
                status=args.status, consortium_id=consortium, tag=args.tag, text=args.text))
    if args.output:
        # A signal while the file is written is only noted, so that Ctrl+C landing
        # between the rename and the end never says "Cancelled" about a file written.
        with ctx.interrupts.deferred():
            exports.write_export(args.output, data)  # 0600: it holds personal data
        print(f"Wrote {args.output} ({plural(len(data), 'byte')})", file=sys.stderr)
        if ctx.interrupts.cancelled():
            print(f"coordinator: interrupted after {args.output} was written",
                  file=sys.stderr)
            return EXIT_CANCELLED
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def _mark_pair(args: argparse.Namespace, ctx: CliContext, kinds: list[str]) -> int:
    given = args.not_duplicates or args.unmark
    entity, a, b = decisions.resolve_pair(ctx.db, *given,
                                          entity=kinds[0] if len(kinds) == 1 else None)
    names = decisions.labels(ctx.db, entity, (a, b))
    short = decisions.short_ids(ctx.db, entity, (a, b))
    ids = f"{short[a]} {short[b]}"
    pair = f"{names.get(a, a)}  ~  {names.get(b, b)}  ({entity}s {ids})"
    if args.not_duplicates:
        if decisions.mark_not_duplicates(ctx.db, entity, a, b):
            print(f"Marked as not duplicates: {pair}. They will not be listed again; "
                  f"`coordinator duplicates --unmark {ids}` takes it back.")
        else:
            print(f"Already marked as not duplicates: {pair}.")
    elif decisions.unmark_not_duplicates(ctx.db, entity, a, b):
        print(f"No longer marked as not duplicates: {pair}. They may be listed again.")
    else:
        print(f"Not marked as not duplicates: {pair}; nothing to take back.")
    return 0


def cmd_duplicates(args: argparse.Namespace, ctx: CliContext) -> int:
    kinds = [k for k, flag in (("contact", args.contacts), ("organization", args.organizations))
             if flag] or ["contact", "organization"]
    if args.not_duplicates or args.unmark:
        return _mark_pair(args, ctx, kinds)
    threshold = args.merge_all_above
    floor = min(args.min_score, threshold) if threshold is not None else args.min_score
    plan: list[tuple[str, str, str]] = []  # (kind, survivor, other), merged as one batch
    for kind in kinds:
        find = (duplicates.find_duplicate_contacts if kind == "contact"
                else duplicates.find_duplicate_organizations)
        found = find(ctx.db, min_score=floor, include_dismissed=True)
        pairs = [p for p in found if args.include_dismissed or not p.dismissed]
        marked_count = sum(p.dismissed for p in found)
        if not marked_count:
            note = ""
        elif args.include_dismissed:
            note = f" (and {marked_count} marked as not duplicates)"
        else:
            note = (f" ({marked_count} marked as not duplicates left out; "
                    "--include-dismissed lists them)")
        print(f"{len(found) - marked_count} probable duplicate {kind}s{note}")
        short = decisions.short_ids(ctx.db, kind, [i for p in pairs
                                                   for i in (p.first_id, p.second_id)])
        for p in pairs:
            flag = "  (marked: not duplicates)" if p.dismissed else ""
            print(f"  {p.score:>3}  {p.first_label}  ~  {p.second_label}  "
                  f"[{', '.join(p.reasons)}]  {short[p.first_id]} {short[p.second_id]}{flag}")
        if threshold is not None:
            plan.extend(ctx.services.duplicates.plan_merge_all(kind, pairs, threshold))
    if threshold is not None and plan:
        args.cancel_message = "Cancelled: nothing was merged."
        # One unit of work and one undo record for all of them: a commit per pair
        # (each synced to disk) made a thousand merges take most of a minute. In the
        # transaction a signal is only noted: the merge checks it between steps and
        # rolls back, never cutting the commit short; one after the last check is
        # answered below, once the merges are saved.
        with ctx.interrupts.deferred():
            batch_id, merged = ctx.services.duplicates.merge_all(
                plan, cancelled=ctx.interrupts.cancelled)
        print(f"Merged {merged} pairs scoring {threshold} or more as one batch; undo them "
              f"all with `coordinator import undo {batch_id[:8]}`.")
        if ctx.interrupts.cancelled():
            print(f"coordinator: interrupted after the merges were saved; undo them with "
                  f"coordinator import undo {batch_id[:8]}", file=sys.stderr)
            return EXIT_CANCELLED
    elif threshold is not None:
        print(f"Merged 0 pairs scoring {threshold} or more.")
    return 0
