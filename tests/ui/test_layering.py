"""The UI reaches data only through the services: no window, view, dialog or command
touches the database or opens a transaction itself. Only the application shell does,
to open, watch, back up and restore the database file (ui/app.py, ui/context.py and
ui/safety/)."""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
SHELL = {UI / "app.py", UI / "context.py"}
DATABASE = re.compile(r"\bctx\.db\b(?!_path)|\.db\.(write|read|raw)\(|\bDatabase\(")


def test_only_the_shell_touches_the_database() -> None:
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        if path in SHELL or path.parent.name == "safety":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DATABASE.search(line):
                offenders.append(f"{path.relative_to(UI.parent)}:{n}: {line.strip()}")
    assert offenders == []
