"""`coordinator hub init URL`, `hub add-user`, `hub remove-user`, `hub users`.

- `hub init postgresql://ADMIN@HOST/DATABASE [--name COALITION]` makes an empty
  PostgreSQL database the coalition's team hub (roles, schema, row-level security) with
  ADMIN as its administrator, then pushes this database as the hub's first content once
  this build can sync.
- `hub add-user NAME --role coordinator|viewer [--consortium X]` creates a login and
  prints its one-time password to hand over; `hub remove-user NAME` revokes it (their
  rows stay); `hub users` lists the members; `hub upgrade` brings the hub's schema up to
  this build's version.

The user commands act on the hub given with `--hub URL`, else the hub this database
syncs with. Passwords come from the OS keyring, or are asked once in a terminal and kept
there (this session only when there is no keyring); never from the command line.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from coordinator.errors import CoordinatorError

if TYPE_CHECKING:
    import psycopg

    from coordinator.hub.connect import HubAddress

ROLE_CHOICES = ("coordinator", "viewer")


def register(sub: Any) -> None:
    p = sub.add_parser("hub", help="set up the team hub and manage its users")
    hsub = p.add_subparsers(dest="hub_command", metavar="ACTION", required=True)

    init = hsub.add_parser("init", help="make an empty PostgreSQL database the team hub")
    init.add_argument("url", metavar="URL",
                      help="postgresql://ADMIN@HOST[:PORT]/DATABASE (no password in it)")
    init.add_argument("--name", metavar="COALITION",
                      help="the coalition's name (default: the database's name)")
    init.set_defaults(func=cmd_init)

    add = hsub.add_parser("add-user", help="create a login; prints its one-time password")
    add.add_argument("name", metavar="NAME", help="the login name (lowercase)")
    add.add_argument("--role", required=True, choices=ROLE_CHOICES,
                     help="coordinator (reads and writes) or viewer (reads the shared data)")
    add.add_argument("--consortium", metavar="X", help="the consortium the person works for")
    _hub_option(add)
    add.set_defaults(func=cmd_add_user)

    remove = hsub.add_parser("remove-user", help="revoke a login (what they wrote stays)")
    remove.add_argument("name", metavar="NAME")
    _hub_option(remove)
    remove.set_defaults(func=cmd_remove_user)

    upgrade = hsub.add_parser("upgrade", help="bring the hub's schema up to this version")
    _hub_option(upgrade)
    upgrade.set_defaults(func=cmd_upgrade)

    users = hsub.add_parser("users", help="list the hub's members")
    _hub_option(users)
    users.add_argument("--format", choices=("table", "csv", "json"), default="table")
    users.set_defaults(func=cmd_users)


def _hub_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hub", metavar="URL",
                        help="the hub, as postgresql://ADMIN@HOST/DATABASE (default: the hub "
                             "this database syncs with)")


def _joined_hub_url(ctx: Any) -> str | None:
    """The hub this database syncs with, when this build can sync and it has joined one."""
    try:
        from coordinator.sync import api
    except ImportError:
        return None
    lookup: Callable[[Any], Any] | None = getattr(api, "hub_url", None)
    if lookup is None or not ctx.db_path.exists():
        return None
    found = lookup(ctx.db)
    return str(found) if found else None


def _address(args: argparse.Namespace, ctx: Any) -> HubAddress:
    from coordinator.hub.connect import parse_hub_url

    url = getattr(args, "url", None) or args.hub or _joined_hub_url(ctx)
    if not url:
        raise CoordinatorError("Which hub? Give its address with --hub "
                               "postgresql://ADMIN@HOST/DATABASE.")
    return parse_hub_url(url)


def open_hub(address: HubAddress) -> psycopg.Connection[Any]:
    """Connect with the keyring's password, or ask once in a terminal and keep it there.
    A stored password the hub refuses is forgotten, so the next run asks again."""
    from coordinator.hub import credentials
    from coordinator.hub.connect import HubError, connect

    stored = credentials.get_password(address)
    password = stored
    if password is None:
        if not sys.stdin.isatty():
            raise HubError(f"No password is stored for {address.user} at "
                           f"{address.display()}: run this command in a terminal once to "
                           "enter it.")
        password = getpass.getpass(f"Password for {address.user} at {address.display()}: ")
    try:
        conn = connect(address, password)
    except HubError as exc:
        if stored is not None and "refused the password" in str(exc):
            credentials.forget_password(address)
            raise HubError(f"{exc} (The stored password was forgotten; run again to enter "
                           "it.)") from None
        raise
    if stored is None:
        result = credentials.store_password(address, password)
        if result.session_only:
            print(f"coordinator: {result.message}", file=sys.stderr)
    return conn


def cmd_init(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.hub.schema import init_hub

    address = _address(args, ctx)
    name = args.name or address.dbname
    join = _sync_join()
    local_db = ctx.db if join is not None else None  # refused before the hub is touched
    with open_hub(address) as conn:
        info = init_hub(conn, name)
    print(f"The team hub of {info.name} is set up at {address.display()} "
          f"(hub schema {info.hub_schema}); {address.user} is its administrator.")
    if join is None:
        print("Add people with `coordinator hub add-user NAME --role coordinator|viewer "
              f"--hub {address.url()}`.")
        return 0
    password = _password_for(address)
    try:
        join(local_db, address, password, first_push=True)
    except CoordinatorError as exc:
        raise CoordinatorError(f"The hub is set up, but this database was not pushed: {exc} "
                               f"Try again with `coordinator sync join {address.url()}`."
                               ) from None
    print("This database was pushed as the hub's first content.")
    return 0


def _sync_join() -> Callable[..., Any] | None:
    """The sync engine's join, when this build has it."""
    try:
        from coordinator.sync import api
    except ImportError:
        return None
    join: Callable[..., Any] | None = getattr(api, "join", None)
    return join


def _password_for(address: HubAddress) -> str:
    from coordinator.hub import credentials

    password = credentials.get_password(address)
    if password is None:  # kept for the session at least, right after a working login
        raise CoordinatorError(f"The password for {address.display()} was not kept.")
    return password


def cmd_add_user(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.hub.admin import add_user

    address = _address(args, ctx)
    with open_hub(address) as conn:
        password = add_user(conn, args.name, args.role, args.consortium)
    login = dataclasses.replace(address, user=args.name)
    print(f"{args.name} can now use the hub as {args.role}"
          + (f" ({' '.join(args.consortium.split())})" if args.consortium else "") + ".")
    print(f"Hub address: {login.url()}")
    print(f"One-time password: {password}")
    print("Hand both over privately; Coordinator asks for the password once and keeps it in "
          "their system keyring. It is not shown again.")
    return 0


def cmd_remove_user(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.hub.admin import remove_user

    address = _address(args, ctx)
    with open_hub(address) as conn:
        remove_user(conn, args.name)
    print(f"{args.name} can no longer use the hub; what they wrote stays.")
    return 0


def cmd_upgrade(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.hub.connect import read_hub_info
    from coordinator.hub.schema import upgrade_hub

    address = _address(args, ctx)
    with open_hub(address) as conn:
        info = read_hub_info(conn)
        conn.rollback()
        reached = upgrade_hub(conn)
    before = info.hub_schema if info else reached
    print(f"The hub's schema is at version {reached}"
          + (f" (was {before})." if before != reached else "; nothing to do."))
    return 0


def cmd_users(args: argparse.Namespace, ctx: Any) -> int:
    from coordinator.cli.output import print_rows
    from coordinator.hub.admin import list_users

    address = _address(args, ctx)
    with open_hub(address) as conn:
        users = list_users(conn)
    rows = [{"login": u.login, "role": u.role, "consortium": u.consortium,
             "status": "active" if u.active else "removed",
             "added": u.created_at.date() if u.created_at else None,
             "removed": u.removed_at.date() if u.removed_at else None,
             "last sync": u.last_sync_at.replace(microsecond=0) if u.last_sync_at else None}
            for u in users]
    print_rows(rows, ["login", "role", "consortium", "status", "added", "removed", "last sync"],
               args.format)
    return 0
