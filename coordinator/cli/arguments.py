"""Command-line values that are not valid text.

On POSIX an argument is bytes; Python hands over bytes that are not UTF-8 as lone
surrogates ("a\\udcff"), which SQLite, JSON and a UTF-8 terminal all refuse. A file
name may be such bytes and still name a real file (the file system takes bytes), so
paths are kept as given; any other value (a tag, a search, an id, a name) cannot
match anything in the database and is refused with one line (`undecodable`).
`shown` turns any value into text that can be printed or stored.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

PATH_DESTS = frozenset(("db", "file", "output"))  # arguments that name files


def is_text(value: str) -> bool:
    """False when `value` holds bytes that were not UTF-8 (lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(value: str | os.PathLike[str]) -> str:
    """`value` with any undecodable byte as U+FFFD: safe to print and to store."""
    text = os.fspath(value)
    if is_text(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    for action in parser._actions:
        yield action
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _actions(sub)


def _label(parser: argparse.ArgumentParser, dest: str) -> str:
    for action in _actions(parser):
        if action.dest == dest:
            if action.option_strings:
                return max(action.option_strings, key=len)
            metavar = action.metavar if isinstance(action.metavar, str) else None
            return metavar or dest.upper()
    return dest


def undecodable(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | None:
    """The one-line complaint about the first non-path argument that is not valid
    text, or None when every argument is usable."""
    for dest, value in vars(args).items():
        if dest in PATH_DESTS or isinstance(value, os.PathLike):
            continue
        values: list[Any] = list(value) if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if isinstance(item, str) and not is_text(item):
                return (f"{_label(parser, dest)} {shown(item)!r} is not valid text: it holds "
                        "bytes that are not UTF-8. Type it again in UTF-8.")
    return None


@contextlib.contextmanager
def printable_output() -> Iterator[None]:
    """Standard output and error never fail on an undecodable file name: on a UTF-8
    stream its bytes are written back as they were (as `ls` would), elsewhere escaped."""
    changed = []
    for stream in (sys.stdout, sys.stderr):
        errors = getattr(stream, "errors", None)
        reconfigure = getattr(stream, "reconfigure", None)
        if errors != "strict" or reconfigure is None:
            continue
        utf8 = (getattr(stream, "encoding", "") or "").lower().replace("-", "") == "utf8"
        try:
            reconfigure(errors="surrogateescape" if utf8 else "backslashreplace")
        except (ValueError, OSError):
            continue
        changed.append((stream, errors))
    try:
        yield
    finally:
        for stream, errors in changed:
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors=errors)
