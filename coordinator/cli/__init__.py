"""`coordinator` command line: global `--db PATH`; one module per group of commands.

Each command module exposes `register(subparsers)`, adding its sub-command(s) with
`set_defaults(func=...)`. A function receives `(args, ctx)` and returns an exit code.
User mistakes raise `CoordinatorError` (or `UsageError`) and print one line on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from coordinator import __version__
from coordinator.cli import briefing_commands, core_commands, io_commands, safety_commands
from coordinator.cli.context import CliContext
from coordinator.errors import CoordinatorError

# Command modules, in help order. Add new modules here.
COMMAND_MODULES = [
    core_commands,
    briefing_commands,
    safety_commands,
    io_commands,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coordinator",
        description="Coordinator: members, proposals, meetings and briefings of the coalition.",
    )
    parser.add_argument("--version", action="version", version=f"coordinator {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="database file (default: $COORDINATOR_DB or the data folder)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ctx = CliContext(args.db, creates_db=getattr(args, "creates_db", False))
    try:
        return int(args.func(args, ctx) or 0)
    except CoordinatorError as exc:
        print(f"coordinator: {ctx.describe_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("coordinator: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file we were told to read or write
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"coordinator: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        print(f"coordinator: the database could not be used: {reason}", file=sys.stderr)
        return 1
    finally:
        with contextlib.suppress(SQLAlchemyError):
            ctx.close()
