"""`coordinator` command line: global `--db PATH`; one module per group of commands.

Each command module exposes `register(subparsers)`, adding its sub-command(s) with
`set_defaults(func=...)`. A function receives `(args, ctx)` and returns an exit code.
User mistakes raise `CoordinatorError` (or `UsageError`) and print one line on stderr
(exit 1; a usage error, or an argument that is not valid text, exits 2). Ctrl+C, SIGTERM
or a closed terminal cancel the command (`interrupts.py`): one line, exit 130.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from coordinator import __version__
from coordinator.cli import (
    arguments,
    briefing_commands,
    core_commands,
    io_commands,
    safety_commands,
)
from coordinator.cli.arguments import shown
from coordinator.cli.context import CliContext
from coordinator.cli.interrupts import EXIT_CANCELLED, Interrupts
from coordinator.errors import CoordinatorError
from coordinator.formats.parsed import ImportCancelled
from coordinator.leftovers import clean_leftovers

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
    problem = arguments.undecodable(parser, args)
    if problem is not None:
        _say(f"coordinator: {problem}")
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        with arguments.printable_output(), Interrupts() as signals:
            return _run(args, signals)
    except KeyboardInterrupt:  # a signal between the command's end and this line
        _say(_cancel_message(args))
        return EXIT_CANCELLED


def _cancel_message(args: argparse.Namespace) -> str:
    return str(getattr(args, "cancel_message", "Cancelled."))


def _say(message: str) -> None:
    """One line on stderr; a closed terminal (SIGHUP) must not turn it into a traceback."""
    with contextlib.suppress(OSError, ValueError):
        print(message, file=sys.stderr)


def _run(args: argparse.Namespace, signals: Interrupts) -> int:
    ctx: CliContext | None = None
    try:
        ctx = CliContext(args.db, creates_db=getattr(args, "creates_db", False),
                         interrupts=signals)
        clean_leftovers(ctx.db_path)
        return int(args.func(args, ctx) or 0)
    except (KeyboardInterrupt, ImportCancelled):
        _say(_cancel_message(args))
        return EXIT_CANCELLED
    except CoordinatorError as exc:
        _say(f"coordinator: {ctx.describe_error(exc) if ctx is not None else exc}")
        return 1
    except BrokenPipeError:
        return 0
    except UnicodeError as exc:  # a path or value with bytes that are not UTF-8
        _say("coordinator: a file name or value holds bytes that are not UTF-8 and cannot "
             f"be used here ({shown(str(exc))}); rename it or type it again in UTF-8.")
        return 1
    except OSError as exc:  # a file we were told to read or write
        where = f" ({shown(exc.filename)})" if isinstance(exc.filename, str) else ""
        _say(f"coordinator: {exc.strerror or exc}{where}")
        return 1
    except SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        _say(f"coordinator: the database could not be used: {reason}")
        return 1
    finally:
        # A signal while closing is only noted: closing ends a read or a committed
        # write and must not be cut short.
        with signals.deferred(), contextlib.suppress(SQLAlchemyError, OSError):
            if ctx is not None:
                ctx.close()
