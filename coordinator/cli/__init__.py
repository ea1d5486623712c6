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
import sys
from collections.abc import Sequence
from importlib import import_module
from types import ModuleType

from coordinator import __version__
from coordinator.cli import arguments
from coordinator.cli.arguments import shown
from coordinator.cli.interrupts import EXIT_CANCELLED, Interrupts
from coordinator.errors import CoordinatorError

# Command modules, in help order. Add new modules here, and their commands to COMMANDS.
COMMAND_MODULE_NAMES = ["core_commands", "briefing_commands", "safety_commands", "io_commands",
                        "hub_commands", "sync_commands", "day_commands"]

# Every command, the module that registers it and its one-line help. A command imports
# only its own module (the others would cost a second of imports: SQLAlchemy, the
# models, reportlab); `--version` and `--help` import none. A test checks this table
# against what the modules register.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("core_commands", "fill the database with the sample coalition"),
    "stats": ("core_commands", "counts per entity and per consortium"),
    "list": ("core_commands", "list records with filters"),
    "search": ("core_commands", "search everything"),
    "trash": ("core_commands", "list, restore or empty the Trash"),
    "reindex": ("core_commands", "rebuild the search index"),
    "briefing": ("briefing_commands", "print the briefing packet (PDF) for a meeting"),
    "about-you": ("briefing_commands",
                  "show or set your name, title and organization for documents"),
    "proposal-pdf": ("briefing_commands", "print a proposal as a document (PDF)"),
    "backup": ("safety_commands", "back up the database (verified; optionally encrypted)"),
    "restore": ("safety_commands", "restore the database from a backup file"),
    "backups": ("safety_commands", "backups in the backups folder"),
    "import": ("io_commands", "import contacts (CSV, vCard); list or undo imports"),
    "export": ("io_commands", "export records to CSV, vCard or iCalendar"),
    "duplicates": ("io_commands", "find (and merge) probable duplicates; mark pairs as "
                                  "not duplicates"),
    "hub": ("hub_commands", "set up the team hub and manage its users"),
    "sync": ("sync_commands", "sync with the team hub: push yours, pull everyone's"),
    "conflicts": ("sync_commands", "list, show and resolve sync conflicts"),
    "agenda": ("day_commands",
               "what is overdue and what falls due soon (action items, deadlines)"),
    "mail-merge": ("day_commands", "write a CSV for Word or Outlook mail merge"),
}


def command_module(name: str) -> ModuleType:
    return import_module(f"coordinator.cli.{name}")


def __getattr__(name: str) -> object:
    if name == "COMMAND_MODULES":  # every command module, imported (tests, tools)
        return [command_module(n) for n in COMMAND_MODULE_NAMES]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def command_named(argv: Sequence[str]) -> str | None:
    """The sub-command `argv` names after the global options, or None (`--help`,
    `--version`, nothing: the parser decides)."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--db":
            i += 2
        elif word.startswith("--db="):
            i += 1
        elif word.startswith("-"):
            return None
        else:
            return word
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser; given `argv`, only the command it names is fully registered
    (the others appear in the help with their one line, and are not imported)."""
    parser = argparse.ArgumentParser(
        prog="coordinator",
        description="Coordinator: members, proposals, meetings and briefings of the coalition.",
    )
    parser.add_argument("--version", action="version", version=f"coordinator {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="database file (default: $COORDINATOR_DB or the data folder)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    wanted = None
    if argv is not None:
        named = command_named(argv)
        wanted = COMMANDS[named][0] if named in COMMANDS else ""
    for name in COMMAND_MODULE_NAMES:
        if wanted is None or wanted == name:
            command_module(name).register(sub)
        else:
            for command, (module, summary) in COMMANDS.items():
                if module == name:
                    sub.add_parser(command, help=summary)
    return parser


def _is_instance(exc: BaseException, module: str, name: str) -> bool:
    """`isinstance(exc, module.name)` without importing `module`: an exception of a
    module that was never imported cannot have been raised."""
    loaded = sys.modules.get(module)
    kind = getattr(loaded, name, None) if loaded is not None else None
    return isinstance(kind, type) and isinstance(exc, kind)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    problem = arguments.undecodable(parser, args)
    if problem is not None:
        _say(f"coordinator: {problem}")
        return 2
    import logging  # here, and the context below: `--version` and `--help` need neither

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        with arguments.printable_output(), Interrupts() as signals:
            code = _run(args, signals)
            if code == 0 and signals.cancelled():  # it came while the command closed
                _say("coordinator: interrupted as the command ended; what it did is saved.")
                return EXIT_CANCELLED
            return code
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
    from coordinator.cli.context import CliContext
    from coordinator.leftovers import clean_leftovers

    ctx: CliContext | None = None
    try:
        ctx = CliContext(args.db, creates_db=getattr(args, "creates_db", False),
                         interrupts=signals)
        clean_leftovers(ctx.db_path)
        return int(args.func(args, ctx) or 0)
    except KeyboardInterrupt:
        _say(_cancel_message(args))
        return EXIT_CANCELLED
    except CoordinatorError as exc:
        if _is_instance(exc, "coordinator.formats.parsed", "ImportCancelled") or \
                _is_instance(exc, "coordinator.demo", "DemoCancelled"):
            _say(_cancel_message(args))
            return EXIT_CANCELLED
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
    except Exception as exc:
        if not _is_instance(exc, "sqlalchemy.exc", "SQLAlchemyError"):
            raise
        reason = getattr(exc, "orig", None) or exc
        _say(f"coordinator: the database could not be used: {reason}")
        return 1
    finally:
        # A signal while closing is only noted: closing ends a read or a committed
        # write and must not be cut short.
        with signals.deferred():
            try:
                if ctx is not None:
                    ctx.close()
            except Exception as exc:
                if not (isinstance(exc, OSError)
                        or _is_instance(exc, "sqlalchemy.exc", "SQLAlchemyError")):
                    raise
