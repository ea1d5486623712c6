"""Read-only commands import only what they use: `--version` and `--help` import no
command module, `stats` and `search` read through plain sqlite3 (no SQLAlchemy, no
models, no reportlab, no Qt) and answer as the services do."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coordinator import cli
from coordinator.cli import choices
from coordinator.db import Database
from coordinator.demo import build_demo
from coordinator.models import Sector
from coordinator.services import Services

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "reportlab", "PySide6", "coordinator.models",
         "coordinator.services.contacts", "coordinator.briefing")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lazy") / "sample.db"
    db = Database.open(path)
    try:
        build_demo(Services(db), 300)
    finally:
        db.close()
    return path


def _loaded_after(*argv: str) -> tuple[int, str, list[str]]:
    """Run `coordinator argv` in a fresh interpreter; exit code, output, heavy modules."""
    script = (
        "import json, sys\n"
        "from coordinator.cli import main\n"
        "try:\n"
        "    code = main(sys.argv[1:])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "sys.stdout.flush()\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('\\nLOADED ' + json.dumps(heavy), file=sys.stderr)\n"
        "sys.exit(code or 0)\n")
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)
    loaded = json.loads(done.stderr.rsplit("LOADED ", 1)[1])
    return done.returncode, done.stdout, loaded


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["stats", "--help"]])
def test_version_and_help_import_nothing_heavy(argv: list[str]) -> None:
    code, out, loaded = _loaded_after(*argv)
    assert code == 0 and out
    assert loaded == []


@pytest.mark.parametrize("argv", [["stats"], ["stats", "--format", "json"],
                                  ["search", "Denver"], ["search", "ma", "--format", "json"]])
def test_read_only_commands_do_not_load_the_orm(sample: Path, argv: list[str]) -> None:
    code, out, loaded = _loaded_after("--db", str(sample), *argv)
    assert code == 0, out
    assert loaded == []


def test_stats_and_search_answer_as_the_services_do(sample: Path) -> None:
    code, out, _ = _loaded_after("--db", str(sample), "stats", "--format", "json")
    db = Database.open(sample)
    try:
        services = Services(db)
        assert json.loads(out) == [json.loads(json.dumps(services.stats()))]
        expected = services.search.search("Denver", limit_per_group=8)
    finally:
        db.close()
    code, out, _ = _loaded_after("--db", str(sample), "search", "Denver", "--format", "json")
    assert code == 0
    assert [(h["type"], h["id"]) for h in json.loads(out)] == \
        [(h.entity, h.id) for h in expected.hits]
    assert expected.hits


def test_an_older_schema_still_goes_through_the_full_open(sample: Path, tmp_path: Path) -> None:
    """A file that needs a migration is migrated (after a backup), then answered."""
    import shutil

    from coordinator.db import migrate

    old = tmp_path / "old.db"
    shutil.copy(sample, old)
    migrate.downgrade(old, "0004")
    code, out, loaded = _loaded_after("--db", str(old), "stats", "--format", "json")
    assert code == 0 and json.loads(out)[0]["counts"]["contact"] == 300
    assert "sqlalchemy" in loaded  # the migration machinery ran
    code, out, loaded = _loaded_after("--db", str(old), "stats")
    assert code == 0 and loaded == []  # current now: read plainly


def test_a_foreign_file_is_refused_by_the_plain_reader_too(tmp_path: Path) -> None:
    bogus = tmp_path / "photo.db"
    bogus.write_bytes(b"\x89PNG not a database" * 50)
    code, _out, _ = _loaded_after("--db", str(bogus), "stats")
    assert code == 1
    assert bogus.read_bytes().startswith(b"\x89PNG") and sorted(tmp_path.iterdir()) == [bogus]


def test_the_command_table_matches_the_modules() -> None:
    registered: dict[str, tuple[str, str]] = {}
    for name in cli.COMMAND_MODULE_NAMES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        cli.command_module(name).register(sub)
        helps = {a.dest: a.help for a in sub._choices_actions}
        registered.update({command: (name, helps[command]) for command in sub.choices})
    assert registered == cli.COMMANDS
    assert list(registered) == list(cli.COMMANDS)  # the same order in --help
    assert cli.build_parser([]).format_help() == cli.build_parser().format_help()


def test_choices_mirror_the_models() -> None:
    assert tuple(s.value for s in Sector) == choices.SECTORS


def test_streamed_json_is_the_services_records(sample: Path, capsys: pytest.CaptureFixture[str]
                                               ) -> None:
    """`list contacts --format json` streams exactly what get_many gives, private notes
    left out unless asked, filtered or not."""
    from coordinator.cli import main
    from coordinator.cli.output import to_plain
    from coordinator.services import ContactFilter

    db = Database.open(sample)
    try:
        services = Services(db)
        every = [to_plain(r) for r in services.contacts.get_many(services.contacts.ids())]
        consortium = services.consortia.list()[0]
        some = [to_plain(r) for r in services.contacts.get_many(services.contacts.ids(
            ContactFilter(consortium_id=consortium.id), sort="email"))]
    finally:
        db.close()
    assert any(r["tags"] for r in every) and any(r["phones"] for r in every)

    assert main(["--db", str(sample), "list", "contacts", "--format", "json",
                 "--include-private"]) == 0
    assert json.loads(capsys.readouterr().out) == every
    assert main(["--db", str(sample), "list", "contacts", "--format", "json",
                 "--consortium", consortium.short_name, "--sort", "email", "--limit", "7"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 7 + 2  # one record per line between the brackets
    for record in some:
        record.pop("private_notes")
    assert json.loads(out) == some[:7]
    assert main(["--db", str(sample), "list", "contacts", "--format", "json",
                 "--text", "zzzznothing"]) == 0
    assert capsys.readouterr().out == "[]\n"
