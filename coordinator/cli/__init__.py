"""`coordinator` command line: global `--db PATH`; one module per group of commands.

Each command module exposes `register(subparsers)`, adding its sub-command(s) with
`set_defaults(func=...)`. A function receives `(args, ctx)` and returns an exit code.
User mistakes raise `CoordinatorError` (or `UsageError`) and print one line on stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from coordinator import __version__
from coordinator.cli import briefing_commands, core_commands, safety_commands
from coordinator.cli.context import CliContext
from coordinator.errors import CoordinatorError

# Command modules, in help order. Add new modules here.
COMMAND_MODULES = [
    core_commands,
    briefing_commands,
    safety_commands,
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
    ctx = CliContext(args.db)
    try:
        return int(args.func(args, ctx) or 0)
    except CoordinatorError as exc:
        print(f"coordinator: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("coordinator: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        ctx.close()
