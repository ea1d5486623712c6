"""Arguments with bytes that are not UTF-8, as a shell passes them (`--tag $'a\\xff'`).

The commands run as real child processes with byte arguments, so that Python decodes
them exactly as it does for a user; each must print one line and exit 1 or 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coordinator.cli import main
from coordinator.db import Database
from coordinator.services import Services

pytestmark = pytest.mark.skipif(os.name != "posix", reason="byte file names are POSIX")

BAD = b"a\xff"
CSV = "First Name,Last Name,E-mail 1 - Value\nAda,Lovelace,ada@example.org\n"


def run(*args: bytes | str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    return subprocess.run([sys.executable, "-m", "coordinator", *args], capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    db_path = tmp_path / "coordinator.db"
    source = tmp_path / "seed.csv"
    source.write_text(CSV)
    assert main(["--db", str(db_path), "import", "contacts", str(source)]) == 0
    return db_path


def one_clear_line(done: subprocess.CompletedProcess) -> str:  # type: ignore[type-arg]
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    steps = ("Reading ", "Comparing ", "Saving")  # where an import is, not messages
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith(steps)]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("args", [
    [b"list", b"contacts", b"--tag", BAD],
    [b"search", BAD],
    [b"list", b"contacts", b"--consortium", BAD],
    [b"export", b"contacts", b"--tag", BAD],
    [b"import", b"undo", BAD],
    [b"proposal-pdf", BAD],
    [b"duplicates", b"--not-duplicates", BAD, b"b"],
])
def test_a_value_that_is_not_utf8_is_refused_in_one_line(db_file: Path, args: list[bytes]) -> None:
    done = run(b"--db", os.fsencode(db_file), *args)
    assert done.returncode == 2
    line = one_clear_line(done)
    assert "is not valid text" in line and "not UTF-8" in line


def test_an_existing_file_with_a_non_utf8_name_imports(db_file: Path, tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9-contacts.csv"  # Latin-1 file name
    with open(name, "w", encoding="utf-8") as fh:
        fh.write("First Name,Last Name,E-mail 1 - Value\nGrace,Hopper,grace@example.org\n")
    done = run(b"--db", os.fsencode(db_file), b"import", b"contacts", name)
    assert done.returncode == 0, done.stderr
    assert b"Imported: 1 created" in done.stdout
    listing = run(b"--db", os.fsencode(db_file), b"import", b"list")
    assert "caf\ufffd-contacts.csv" in listing.stdout.decode("utf-8")  # stored as text
    db = Database.open(db_file)
    assert Services(db).contacts.count() == 2
    db.close()


def test_a_missing_file_with_a_non_utf8_name_says_so(db_file: Path, tmp_path: Path) -> None:
    done = run(b"--db", os.fsencode(db_file), b"import", b"contacts",
               os.fsencode(tmp_path) + b"/gone\xff.csv")
    assert done.returncode == 1
    assert "Cannot read" in one_clear_line(done)


@pytest.mark.parametrize("args", [
    [b"backup", b"-o", b"OUT/b\xff.db"],
    [b"export", b"contacts", b"-o", b"OUT/c\xff.csv"],
])
def test_an_output_file_with_a_non_utf8_name(db_file: Path, tmp_path: Path,
                                             args: list[bytes]) -> None:
    args = [a.replace(b"OUT", os.fsencode(tmp_path)) for a in args]
    done = run(b"--db", os.fsencode(db_file), *args)
    assert done.returncode in (0, 1)
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    if done.returncode == 1:
        assert "not UTF-8" in one_clear_line(done)


def test_a_database_path_with_non_utf8_bytes_is_refused_untouched(tmp_path: Path) -> None:
    path = os.fsencode(tmp_path) + b"/db\xff.db"
    for args in ([b"stats"], [b"demo", b"--contacts", b"5"]):
        done = run(b"--db", path, *args)
        assert done.returncode == 1
        line = one_clear_line(done)
        assert "No database at" in line or "bytes that are not UTF-8" in line
    assert os.listdir(tmp_path) == []  # nothing created beside it


def test_in_process_main_refuses_a_surrogate_escaped_value(db_file: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", str(db_file), "search", os.fsdecode(BAD)]) == 2
    assert "'a\ufffd' is not valid text" in capsys.readouterr().err
