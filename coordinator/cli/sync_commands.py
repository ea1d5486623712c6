"""`coordinator sync` and `coordinator conflicts`: the laptop's side of the team hub.

- `sync` pushes local changes, pulls everyone else's and prints what moved;
  `--dry-run` shows what would move and changes nothing.
- `sync status`: the hub, the last sync, what waits to be pushed, open conflicts.
- `sync join URL` joins a hub (pushing this database, pulling the hub's);
  `sync leave` stops syncing and keeps all local data.
- `conflicts list`, `conflicts show ID`, `conflicts resolve ID --keep mine|theirs`.

The password comes from the OS keyring (asked once in a terminal, then kept there).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from coordinator.errors import CoordinatorError


def register(sub: Any) -> None:
    p = sub.add_parser("sync", help="sync with the team hub: push yours, pull everyone's")
    p.add_argument("action", nargs="?", default="now",
                   choices=("now", "status", "join", "leave"),
                   help="now (default), status, join URL, leave")
    p.add_argument("url", nargs="?", metavar="URL",
                   help="for join: postgresql://USER@HOST[:PORT]/DATABASE (no password)")
    p.add_argument("--dry-run", action="store_true",
                   help="show what would be pulled and pushed; change nothing")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_sync)

    c = sub.add_parser("conflicts", help="list, show and resolve sync conflicts")
    csub = c.add_subparsers(dest="conflicts_command", metavar="ACTION", required=True)
    listing = csub.add_parser("list", help="open conflicts")
    listing.add_argument("--all", action="store_true", help="resolved ones too")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(func=cmd_conflicts_list)
    show = csub.add_parser("show", help="one conflict: base, mine and theirs")
    show.add_argument("id", metavar="ID", help="the conflict's id (its first letters do)")
    show.set_defaults(func=cmd_conflicts_show)
    resolve = csub.add_parser("resolve", help="keep mine or theirs")
    resolve.add_argument("id", metavar="ID")
    resolve.add_argument("--keep", required=True, choices=("mine", "theirs"))
    resolve.set_defaults(func=cmd_conflicts_resolve)


def cmd_sync(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.cli.hub_commands import open_hub
    from coordinator.hub.connect import parse_hub_url
    from coordinator.sync import api

    db = ctx.db
    if args.action == "status":
        return _print_status(api.status(db), args.format)
    if args.action == "leave":
        api.leave(db)
        print("This database no longer syncs with a team hub; all its data stays here.")
        return 0
    if args.action == "join":
        if not args.url:
            raise CoordinatorError("Give the hub's address: coordinator sync join "
                                   "postgresql://USER@HOST/DATABASE")
        address = parse_hub_url(args.url)
        with open_hub(address) as hub:
            report = api.join_connected(db, hub, address)
        print(f"Joined the team hub at {address.display()}: {report.summary()}.")
        return _after(report)
    if args.url:
        raise CoordinatorError("A hub address is only given to `sync join`.")
    address = api.address_of(db)
    if address is None:
        raise api.NotJoined("This database does not sync with a team hub (join one with "
                            "`coordinator sync join URL`).")
    with open_hub(address) as hub:
        report = api.run(db, hub, dry_run=args.dry_run)
    if args.format == "json":
        print(json.dumps({"pulled": report.pulled, "pushed": report.pushed,
                          "merged": report.merged, "conflicts": report.conflicts,
                          "deleted": report.deleted, "waiting": report.waiting,
                          "open_conflicts": report.open_conflicts,
                          "dry_run": report.dry_run, "read_only": report.read_only}))
    else:
        print(report.summary().capitalize() + ".")
    return _after(report, quiet=args.format == "json")


def _after(report: Any, *, quiet: bool = False) -> int:
    if quiet:
        return 0
    if report.read_only and report.waiting:
        print(f"Your hub login can read but not change the shared data: {report.waiting} "
              "local changes stay on this laptop.")
    if report.open_conflicts:
        print(f"{report.open_conflicts} conflicts are open: `coordinator conflicts list`.")
    return 0


def _print_status(state: Any, fmt: str) -> int:
    if fmt == "json":
        print(json.dumps({"joined": state.joined, "hub": state.address,
                          "coalition": state.coalition, "last_sync_at": state.last_sync_at,
                          "waiting": state.waiting, "open_conflicts": state.open_conflicts}))
        return 0
    if not state.joined:
        print("This database does not sync with a team hub.")
        return 0
    waiting = sum(state.waiting.values())
    print(f"Hub: {state.address} ({state.coalition})")
    print(f"Last sync: {state.last_sync_at + ' UTC' if state.last_sync_at else 'never'}")
    detail = ", ".join(f"{n} {kind}" for kind, n in sorted(state.waiting.items()))
    print(f"Waiting to be pushed: {waiting}" + (f" ({detail})" if detail else ""))
    print(f"Open conflicts: {state.open_conflicts}")
    return 0


def _shown(value: Any, absent: bool) -> str:
    if absent:
        return "(deleted for good)"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "(empty)" if value in (None, "") else str(value)


def cmd_conflicts_list(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.sync import api

    found = api.list_conflicts(ctx.db, include_resolved=args.all)
    if args.format == "json":
        print(json.dumps([{"id": c.id, "kind": c.kind, "record": c.row_id, "field": c.field,
                           "mine": c.mine, "theirs": c.theirs, "by": c.theirs_by,
                           "resolved": c.resolution} for c in found], ensure_ascii=False))
        return 0
    if not found:
        print("No open conflicts." if not args.all else "No conflicts.")
        return 0
    for c in found:
        mine = _shown(c.mine, c.mine_absent).splitlines()[0][:40]
        theirs = _shown(c.theirs, c.theirs_absent).splitlines()[0][:40]
        state = f" [{c.resolution}]" if c.resolution else ""
        print(f"{c.id[:8]}  {c.kind} {c.row_id[:8]}  {c.field}: mine {mine!r}, "
              f"theirs {theirs!r} ({c.theirs_by or 'hub'}){state}")
    return 0


def cmd_conflicts_show(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.sync import api

    c = api.get_conflict(ctx.db, args.id)
    print(f"Conflict {c.id}")
    print(f"Record: {c.kind} {c.row_id}, field {c.field}")
    print(f"Changed on the hub by {c.theirs_by or 'someone'}; seen here {c.created_at} UTC")
    print(f"Base (last synced):\n{_shown(c.base, False)}")
    print(f"Mine:\n{_shown(c.mine, c.mine_absent)}")
    print(f"Theirs (the record shows this):\n{_shown(c.theirs, c.theirs_absent)}")
    if c.resolution:
        print(f"Resolved: kept {c.resolution} at {c.resolved_at} UTC")
    return 0


def cmd_conflicts_resolve(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.sync import api

    c = api.get_conflict(ctx.db, args.id)
    api.resolve(ctx.db, c.id, args.keep)
    where = "pushed at the next sync" if args.keep == "mine" else "as the record shows it"
    print(f"Kept {args.keep} for {c.kind} {c.row_id[:8]} {c.field} ({where}).")
    return 0
