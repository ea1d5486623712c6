"""The core commands end to end, through `coordinator.cli.main([...])`, each in its own
temporary database: demo, stats, list, search, trash, reindex; user mistakes (one line
on stderr, exit 1) and usage errors (exit 2). Also: the core never imports Qt."""

from __future__ import annotations

import ast
import csv
import io
import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.demo import build_demo
from coordinator.services import Services

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> object:
        return json.loads(self.out)

    def table(self) -> list[str]:
        """The table's data lines (without header and rule)."""
        lines = self.out.splitlines()
        assert len(lines) >= 2 and set(lines[1].replace(" ", "")) <= {"-"}, self.out
        return lines[2:]

    def csv(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.out)))


Run = Callable[..., Result]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample coalition, built once per module; tests work on copies."""
    folder = tmp_path_factory.mktemp("cli-demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COORDINATOR_HOME", str(folder / "home"))
        database = Database.open(folder / "demo.db")
        build_demo(Services(database))
        database.close()
    return folder / "demo.db"


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "demo.db"
    with sqlite3.connect(demo_template) as src, sqlite3.connect(path) as dest:
        src.backup(dest)
    src.close()
    dest.close()
    return path


def _runner(capsys: pytest.CaptureFixture[str], db: Path) -> Run:
    def run(*argv: str) -> Result:
        capsys.readouterr()
        code = main(["--db", str(db), *argv])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return Result(code, out, err)
    return run


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], demo_db: Path) -> Run:
    """Runs a command on a copy of the sample coalition."""
    return _runner(capsys, demo_db)


@pytest.fixture
def services_on(demo_db: Path) -> Iterator[Services]:
    """Services over the same database file the commands use (opened in turn)."""
    database = Database.open(demo_db)
    yield Services(database)
    database.close()


def assert_user_mistake(result: Result, *fragments: str) -> None:
    assert result.code == 1
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("coordinator: ")
    for fragment in fragments:
        assert fragment in lines[0]


# -- demo -----------------------------------------------------------------------------------

def test_demo_fills_a_new_database_and_refuses_a_second_time(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, coordinator_home: Path) -> None:
    db = tmp_path / "coalition.db"
    run = _runner(capsys, db)
    first = run("demo")
    assert first.code == 0
    assert first.out.strip() == (
        f"Sample coalition written to {db}: 150 organizations, 600 contacts, 25 proposals, "
        f"40 meetings, {first.out.split(', ')[-1].split()[0]} action items.")
    assert int(first.out.split(", ")[-1].split()[0]) > 20
    assert json.loads(run("stats", "--format", "json").out)[0]["counts"]["contact"] == 600

    again = run("demo")
    assert_user_mistake(again, "--force")
    assert json.loads(run("stats", "--format", "json").out)[0]["counts"]["contact"] == 600

    forced = run("demo", "--force", "--contacts", "60")
    assert forced.code == 0
    assert "60 contacts" in forced.out
    assert forced.err.startswith("Backed up the previous data to ")
    backup = Path(forced.err.split(" to ", 1)[1].strip())
    assert backup.exists() and backup.is_relative_to(coordinator_home)
    assert json.loads(run("stats", "--format", "json").out)[0]["counts"]["contact"] == 60


def test_demo_rejects_a_silly_size(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert_user_mistake(_runner(capsys, tmp_path / "x.db")("demo", "--contacts", "0"),
                        "--contacts")


def test_demo_into_a_missing_folder_is_a_user_mistake(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    result = _runner(capsys, tmp_path / "no" / "such" / "x.db")("demo")
    assert_user_mistake(result, "does not exist")
    assert not (tmp_path / "no").exists()


# -- stats ------------------------------------------------------------------------------

def test_stats(run: Run) -> None:
    table = run("stats")
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].split() == ["entity", "count"]
    counts = dict(line.split() for line in lines[2:8])
    assert counts == {"contact": "600", "organization": "150", "proposal": "25",
                      "meeting": "40", "action_item": counts["action_item"], "trash": "0"}
    assert "consortium" in lines[9] and "organizations" in lines[9]
    assert sum(1 for line in lines[11:] if line.strip()) == 7

    data = run("stats", "--format", "json").json()
    assert isinstance(data, list) and len(data) == 1
    assert data[0]["counts"]["organization"] == 150
    assert sum(c["contacts"] for c in data[0]["consortia"].values()) == 600


# -- list ---------------------------------------------------------------------------------

def test_list_contacts_in_every_format(run: Run) -> None:
    table = run("list", "contacts")
    assert table.code == 0
    assert table.out.splitlines()[0].split() == [
        "id", "full_name", "title", "organization_name", "consortium_short_name", "email",
        "phone"]
    assert len(table.table()) == 600  # all rows unless --limit

    limited = run("list", "contacts", "--limit", "5", "--format", "csv").csv()
    assert len(limited) == 5
    assert list(limited[0]) == ["id", "full_name", "title", "organization_name",
                                "consortium_short_name", "email", "phone"]
    # a phone number is not a formula: written as is, no apostrophe for spreadsheets to keep
    assert all(r["phone"].startswith("+1") for r in limited)

    data = run("list", "contacts", "--limit", "3", "--format", "json").json()
    assert isinstance(data, list) and len(data) == 3
    for contact in data:
        assert contact["id"] and contact["full_name"] and contact["organization_name"]
        assert contact["emails"] and "@" in contact["emails"][0]["address"]
        assert contact["phones"][0]["e164"].startswith("+1")
        assert {"raw", "label", "is_primary"} <= set(contact["phones"][0])
        assert "private_notes" not in contact
    names = [r["full_name"] for r in run("list", "contacts", "--format", "csv").csv()]
    assert names[:3] == [c["full_name"] for c in data]  # the same order


def test_private_notes_only_when_asked(run: Run) -> None:
    plain = run("list", "contacts", "--format", "json").json()
    assert not any("private_notes" in c for c in plain)  # type: ignore[union-attr]
    asked = run("list", "contacts", "--format", "json", "--include-private").json()
    assert any(c["private_notes"] for c in asked)  # type: ignore[union-attr]
    meetings = run("list", "meetings", "--format", "json").json()
    assert not any("private_notes" in m for m in meetings)  # type: ignore[union-attr]


def test_list_contacts_filters(run: Run, services_on: Services) -> None:
    ntxia = run("list", "contacts", "--consortium", "ntxia", "--format", "csv").csv()
    expected = services_on.stats()["consortia"]["NTXIA"]["contacts"]  # type: ignore[index]
    assert len(ntxia) == expected
    assert {r["consortium_short_name"] for r in ntxia} == {"NTXIA"}

    universities = run("list", "contacts", "--sector", "university", "--format", "json").json()
    orgs = {o.id: o.sector for o in services_on.organizations.list().rows}
    assert universities and {orgs[c["organization_id"]] for c in universities} == {  # type: ignore[union-attr]
        "university"}

    tagged = run("list", "contacts", "--tag", "Broadband", "--format", "json").json()
    assert tagged and all("broadband" in c["tags"] for c in tagged)  # type: ignore[union-attr]

    zoe = run("list", "contacts", "--text", "zoe", "--format", "csv").csv()
    assert zoe and all(r["full_name"].startswith("Zoë") for r in zoe)

    org = services_on.organizations.list(limit=1).rows[0]
    by_org = run("list", "contacts", "--organization", org.name.upper(), "--format", "csv")
    assert {r["organization_name"] for r in by_org.csv()} == {org.name}
    assert len(by_org.csv()) == org.contact_count

    by_title = run("list", "contacts", "--sort", "title", "--format", "csv").csv()
    titles = [r["title"] for r in by_title]
    assert titles == sorted(titles)


def test_list_organizations(run: Run) -> None:
    rows = run("list", "organizations", "--consortium", "CSCA", "--sector",
               "local_government", "--format", "json").json()
    assert rows and all(o["consortium_short_name"] == "CSCA" and
                        o["sector"] == "local_government" and o["id"]
                        for o in rows)  # type: ignore[union-attr]
    table = run("list", "organizations", "--limit", "4")
    assert len(table.table()) == 4
    assert table.out.split()[:3] == ["id", "name", "sector"]
    assert len(run("list", "organizations", "--format", "csv").csv()) == 150


def test_list_proposals(run: Run) -> None:
    submitted = run("list", "proposals", "--status", "submitted", "--format", "json").json()
    assert submitted and {p["status"] for p in submitted} == {"submitted"}  # type: ignore[union-attr]
    assert all(p["id"] and len(p["partners"]) >= 2 for p in submitted)  # type: ignore[union-attr]

    open_ = run("list", "proposals", "--open", "--format", "csv").csv()
    assert open_ and not {r["status"] for r in open_} & {"awarded", "declined", "withdrawn"}
    assert all(r["amount"].startswith("$") for r in open_)

    start, end = TODAY, TODAY + timedelta(days=60)
    window = run("list", "proposals", "--from", start.isoformat(), "--to", end.isoformat(),
                 "--format", "csv").csv()
    assert window and all(start.isoformat() <= r["due_date"] <= end.isoformat()
                          for r in window)
    dues = [r["due_date"] for r in run("list", "proposals", "--format", "csv").csv()]
    assert dues == sorted(dues) and len(dues) == 25
    assert len(run("list", "proposals", "--limit", "2").table()) == 2


def test_list_meetings(run: Run) -> None:
    series = run("list", "meetings", "--series", "nscp partnership call", "--format",
                 "json").json()
    assert len(series) == 24  # type: ignore[arg-type]
    assert all(m["series_name"] == "NSCP Partnership Call" and m["id"] and m["starts_at"]
               for m in series)  # type: ignore[union-attr]
    start, end = TODAY - timedelta(days=30), TODAY
    window = run("list", "meetings", "--from", start.isoformat(), "--to", end.isoformat(),
                 "--format", "csv").csv()
    assert window and all(start.isoformat() <= r["starts_at"][:10] <= end.isoformat()
                          for r in window)
    assert len(run("list", "meetings", "--limit", "3", "--format", "csv").csv()) == 3


def test_list_actions(run: Run, services_on: Services) -> None:
    overdue = run("list", "actions", "--overdue", "--format", "json").json()
    assert overdue
    assert all(a["status"] in ("open", "in_progress") and a["due_date"] < TODAY.isoformat()
               for a in overdue)  # type: ignore[union-attr]
    owner = overdue[0]["owner_id"]  # type: ignore[index]
    mine = run("list", "actions", "--owner", owner, "--format", "json").json()
    assert mine and {a["owner_id"] for a in mine} == {owner}  # type: ignore[union-attr]
    done = run("list", "actions", "--status", "done", "--format", "csv").csv()
    assert done and {r["status"] for r in done} == {"done"}
    every = run("list", "actions", "--format", "csv").csv()
    assert len(every) == services_on.stats()["counts"]["action_item"]  # type: ignore[index]
    assert len(run("list", "actions", "--open", "--limit", "2").table()) == 2


# -- search -----------------------------------------------------------------------------

def test_search(run: Run, services_on: Services) -> None:
    table = run("search", "zoe")
    assert table.code == 0
    assert table.out.split()[:4] == ["type", "title", "snippet", "id"]
    assert all(line.startswith("contact") for line in table.table())
    assert len(table.table()) == 8  # --limit per type defaults to 8

    hits = run("search", "odegard", "--format", "json", "--limit", "3").json()
    assert len(hits) == 3  # type: ignore[arg-type]
    for hit in hits:  # type: ignore[union-attr]
        assert set(hit) == {"type", "id", "title", "snippet"}
        assert hit["type"] == "contact" and "Ødegård" in hit["title"]

    order = ["contact", "organization", "proposal", "meeting", "consortium"]
    grouped = run("search", "city", "--format", "json").json()
    types = [h["type"] for h in grouped]  # type: ignore[union-attr]
    assert {"contact", "organization"} <= set(types)
    assert types == sorted(types, key=order.index)  # grouped by type
    proposal = services_on.proposals.list(limit=1).rows[0]
    hits = run("search", proposal.title, "--format", "json").json()
    assert {"type": "proposal", "id": proposal.id} in [
        {"type": h["type"], "id": h["id"]} for h in hits]  # type: ignore[union-attr]
    meetings = run("search", "partnership call", "--format", "json").json()
    assert [h["type"] for h in meetings] == ["meeting"] * 8  # type: ignore[union-attr]

    nothing = run("search", "qqqxxyz")
    assert (nothing.code, nothing.out.strip()) == (0, "Nothing matches 'qqqxxyz'.")
    for hostile in ('"NEAR(', "C++ AND (", "col:x -y ^", "\x00😀"):
        assert run("search", hostile, "--format", "json").code == 0


# -- trash and reindex --------------------------------------------------------------------

def test_trash_list_restore_empty(run: Run, demo_db: Path) -> None:
    assert run("trash", "list").out.strip() == "The Trash is empty."
    database = Database.open(demo_db)
    services = Services(database)
    contacts = services.contacts.list(limit=2).rows
    meeting = services.meetings.list(limit=1).rows[0]
    for c in contacts:
        services.contacts.delete(c.id)
    services.meetings.delete(meeting.id)  # type: ignore[arg-type]
    database.close()

    listed = run("trash", "list")
    assert listed.code == 0
    lines = listed.table()
    assert len(lines) == 3
    assert {line.split()[0] for line in lines} == {"contact", "meeting"}
    assert all(c.full_name in listed.out for c in contacts)

    restored = run("trash", "restore", contacts[0].id[:12])
    assert restored.code == 0
    assert restored.out.strip() == f"Restored contact {contacts[0].full_name!r}."
    assert len(run("trash", "list").table()) == 2
    assert_user_mistake(run("trash", "restore", contacts[0].id), "No record in the Trash")

    refused = run("trash", "empty")  # stdin is not a terminal under pytest
    assert_user_mistake(refused, "--yes")
    assert len(run("trash", "list").table()) == 2

    emptied = run("trash", "empty", "--yes")
    assert (emptied.code, emptied.out.strip()) == (0, "Deleted 2 records for good.")
    assert run("trash", "list").out.strip() == "The Trash is empty."
    assert run("trash", "empty", "--yes").out.strip() == "The Trash is already empty."
    stats = run("stats", "--format", "json").json()[0]["counts"]  # type: ignore[index]
    assert (stats["contact"], stats["meeting"], stats["trash"]) == (599, 39, 0)


def test_reindex_keeps_results(run: Run) -> None:
    queries = ["zo", "city of", "broadband", "partnership"]
    before = [run("search", q, "--format", "json").json() for q in queries]
    result = run("reindex")
    assert result.code == 0
    assert result.out.strip() == f"Search index rebuilt: {600 + 150 + 25 + 40 + 7} records."
    assert [run("search", q, "--format", "json").json() for q in queries] == before
    assert all(before)


# -- mistakes -------------------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "fragment"), [
    (["list", "contacts", "--consortium", "Atlantis"], "No consortium 'Atlantis'; choose one"),
    (["list", "proposals", "--organization", "No Such Org"], "No organization named"),
    (["list", "proposals", "--status", "won"], "No proposal status 'won'"),
    (["list", "actions", "--status", "someday"], "No action item status 'someday'"),
    (["list", "meetings", "--series", "Tea club"], "No meeting series named 'Tea club'"),
    (["list", "contacts", "--sort", "shoe"], "Cannot sort contacts by 'shoe'"),
    (["list", "contacts", "--limit", "-1"], "--limit must be 0 or more"),
    (["list", "meetings", "--owner", "x"], "--owner cannot be used with list meetings"),
    (["list", "actions", "--consortium", "NTXIA", "--tag", "x"],
     "--consortium, --tag cannot be used with list actions"),
    (["trash", "restore", "00000000-dead"], "No record in the Trash with id 00000000-dead"),
])
def test_user_mistakes_print_one_line(run: Run, argv: list[str], fragment: str) -> None:
    assert_user_mistake(run(*argv), fragment)


def test_missing_database_is_a_user_mistake(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    assert_user_mistake(_runner(capsys, missing)("list", "contacts"), "No database at")
    assert not missing.exists()


@pytest.mark.parametrize("argv", [
    [],
    ["list"],
    ["list", "spaceships"],
    ["list", "contacts", "--limit", "many"],
    ["list", "contacts", "--format", "xml"],
    ["list", "contacts", "--sector", "spaceport"],
    ["list", "proposals", "--from", "2026-13-45"],
    ["search"],
    ["trash"],
    ["trash", "restore"],
    ["stats", "--bogus"],
    ["demo", "--contacts", "lots"],
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                             argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(tmp_path / "x.db"), *argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "usage: coordinator" in err and "Traceback" not in err
    assert not (tmp_path / "x.db").exists()


# -- the core is headless ---------------------------------------------------------------

def _core_modules() -> list[Path]:
    return sorted((ROOT / "coordinator").rglob("*.py"))


def test_no_core_module_imports_qt() -> None:
    offenders = []
    for path in _core_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                    node.func, "id", "")) in ("import_module", "__import__") and node.args
                    and isinstance(node.args[0], ast.Constant)):
                names = [str(node.args[0].value)]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6")]
    assert len(_core_modules()) > 30  # the walk found the package
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = []
    for path in _core_modules():
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "migrations" in parts:  # Alembic scripts run inside Alembic, not imported
            continue
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'))\n"
        "print(len(sys.modules), qt)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    count, qt = done.stdout.strip().split(" ", 1)
    assert qt == "[]"
    assert int(count) > 100 and "coordinator.cli" in modules
