"""`coordinator agenda` and `coordinator mail-merge` through the CLI's main(), on real
files of the sample coalition with a fixed day."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from coordinator.cli import main
from coordinator.db import Database
from coordinator.demo import build_demo
from coordinator.services import ContactFilter, Services
from coordinator.services.agenda import agenda

TODAY = date(2026, 11, 24)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    db = Database.open(path)
    try:
        build_demo(Services(db), today=TODAY)
    finally:
        db.close()
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_agenda_text_json_and_ics(sample: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.open(sample)
    try:
        expected = agenda(db, TODAY, 10)
    finally:
        db.close()
    assert expected.overdue and expected.upcoming

    code, out, err = _run(capsys, "--db", str(sample), "agenda", "--days", "10",
                          "--today", "2026-11-24")
    assert (code, err) == (0, "")
    assert out.startswith("Agenda for Tuesday November 24, 2026 (next 10 days)\n")
    assert out.count("overdue") >= len(expected.overdue)
    for e in expected.entries:
        assert f"  {e.due_date.isoformat()}  " in out and e.title in out

    code, out, _ = _run(capsys, "--db", str(sample), "agenda", "--days", "10",
                        "--today", "2026-11-24", "--format", "json")
    plain = json.loads(out)
    assert code == 0
    assert [e["id"] for e in plain["overdue"]] == [e.id for e in expected.overdue]
    assert [e["id"] for e in plain["upcoming"]] == [e.id for e in expected.upcoming]

    ics = tmp_path / "agenda.ics"
    code, out, err = _run(capsys, "--db", str(sample), "agenda", "--days", "10",
                          "--today", "2026-11-24", "--ics", str(ics))
    assert (code, out) == (0, "")
    assert f"{len(expected.entries)} events" in err
    events = list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert len(events) == len(expected.entries)
    assert len({str(e["uid"]) for e in events}) == len(events)
    assert ics.stat().st_mode & 0o077 == 0  # private: it names owners


def test_agenda_bad_input_and_no_database(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(tmp_path / "x.db"), "agenda", "--days", "-1"])
    assert exit_.value.code == 2
    assert "between 0 and 3660" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--db", str(tmp_path / "x.db"), "agenda", "--today", "24/11/2026"])
    assert "not a date like 2026-12-03" in capsys.readouterr().err
    code, _, err = _run(capsys, "--db", str(tmp_path / "missing.db"), "agenda")
    assert code == 1 and "No database at" in err and "Traceback" not in err


def test_agenda_reads_without_the_orm(sample: Path) -> None:
    script = ("import sys\nfrom coordinator.cli import main\ncode = main(sys.argv[1:])\n"
              "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'coordinator.models') "
              "if m in sys.modules]\nprint('HEAVY', heavy)\nsys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", script, "--db", str(sample), "agenda",
                           "--today", "2026-11-24"], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout and "Agenda for" in done.stdout


def test_mail_merge_leaves_out_and_counts_do_not_contact(
        sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.open(sample)
    try:
        services = Services(db)
        tag = services.tags.in_use("contact")[0]
        tagged = services.contacts.ids(ContactFilter(tag=tag))
        flagged = []
        for cid in tagged[:2]:
            c = services.contacts.get(cid)
            c.do_not_contact = True
            services.contacts.update(cid, c)
            flagged.append(c.primary_email)
    finally:
        db.close()

    out_file = tmp_path / "merge.csv"
    code, out, err = _run(capsys, "--db", str(sample), "mail-merge", "--tag", tag,
                          "-o", str(out_file))
    assert (code, out) == (0, "")
    assert f"{len(tagged) - 2} recipients; left out: 2 who asked not to be contacted" in err
    rows = list(csv.DictReader(io.StringIO(out_file.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == len(tagged) - 2
    assert not set(flagged) & {r["Email"] for r in rows}
    assert set(rows[0]) == {"First Name", "Last Name", "Full Name", "Salutation",
                            "Organization", "Consortium", "Email"}
    assert out_file.stat().st_mode & 0o077 == 0


def test_mail_merge_by_meeting_and_organization(sample: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = Database.open(sample)
    try:
        services = Services(db)
        upcoming = services.meetings.next_upcoming()
        assert upcoming is not None and upcoming.id
        meeting = services.meetings.get(upcoming.id)
        org = services.contacts.get(meeting.attendees[0].contact_id)
        org_name = org.organization_name
        day = meeting.starts_at.astimezone(  # type: ignore[union-attr]
            __import__("zoneinfo").ZoneInfo(meeting.time_zone)).date()
    finally:
        db.close()
    out_file = tmp_path / "call.csv"
    code, _, err = _run(capsys, "--db", str(sample), "mail-merge", "--meeting", "next",
                        "-o", str(out_file))
    assert code == 0 and f"{len(meeting.attendees)} recipients" in err
    by_day = tmp_path / "day.csv"
    code, _, _ = _run(capsys, "--db", str(sample), "mail-merge", "--meeting", day.isoformat(),
                      "-o", str(by_day))
    assert code == 0 and by_day.read_bytes() == out_file.read_bytes()

    both = tmp_path / "both.csv"
    code, _, err = _run(capsys, "--db", str(sample), "mail-merge", "--meeting", "next",
                        "--organization", org_name.upper(), "-o", str(both))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(both.read_bytes().decode("utf-8-sig"))))
    assert rows and all(r["Organization"] == org_name for r in rows)


def test_mail_merge_mistakes_write_nothing(sample: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "merge.csv"
    for argv, message in (
        (["--tag", "no such tag"], "No tag 'no such tag'"),
        (["--organization", "Nowhere Inc"], "No organization 'Nowhere Inc'"),
        (["--meeting", "missing-id"], "No meeting with id missing-id"),
        (["--meeting", (TODAY + timedelta(days=1)).isoformat()], "There is no meeting on"),
        (["--consortium", "XX"], "No consortium 'XX'"),
    ):
        code, _, err = _run(capsys, "--db", str(sample), "mail-merge", *argv,
                            "-o", str(out_file))
        assert code == 1 and message in err, (argv, err)
        assert not out_file.exists()
    code, _, err = _run(capsys, "--db", str(sample), "mail-merge", "-o", str(tmp_path))
    assert code == 1 and "is a folder" in err
