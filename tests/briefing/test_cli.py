"""`coordinator briefing` and `coordinator proposal-pdf`, end to end."""

from __future__ import annotations

from pathlib import Path

from coordinator.cli import main


def test_briefing_to_file(coalition, db_path, tmp_path, parse, capsys):
    out = tmp_path / "out" / "packet.pdf"
    code = main(["--db", str(db_path), "briefing", coalition.meeting_id, "-o", str(out),
                 "--prepared-by", "Ada Coordinator"])
    assert code == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.stat().st_mode & 0o777 == 0o600
    parsed = parse(out)
    assert "Ada Coordinator" in parsed.pages[0]
    assert "Page 1 of" in parsed.pages[0]
    for person in coalition.people:
        assert parsed.contains(person.primary_email)
    box = parsed.reader.pages[0].mediabox
    assert round(float(box.width)) == 612  # Letter by default


def test_briefing_next_goes_to_documents_folder(coalition, db_path, coordinator_home, parse,
                                                capsys):
    code = main(["--db", str(db_path), "briefing", "next", "--profile", "partners",
                 "--paper", "a4"])
    assert code == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.parent == coordinator_home / "documents"
    assert printed.name.startswith("Briefing ")
    assert printed.name.endswith(" NSCP partnership call — December.pdf")
    parsed = parse(printed)
    for email in coalition.emails:
        assert not parsed.contains(email)
    box = parsed.reader.pages[0].mediabox
    assert round(float(box.width)) == 595


def test_briefing_include_private(coalition, db_path, tmp_path, parse):
    out = tmp_path / "private.pdf"
    assert main(["--db", str(db_path), "briefing", coalition.meeting_id, "-o", str(out),
                 "--include-private"]) == 0
    assert parse(out).contains("PRIVATE-MEETING-NOTE")


def test_briefing_mistakes_print_one_line(coalition, db_path, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert main(["--db", str(db_path), "briefing", coalition.meeting_id, "-o", str(out),
                 "--profile", "partners", "--include-private"]) == 1
    err = capsys.readouterr().err
    assert "--include-private" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
    assert main(["--db", str(db_path), "briefing", "no-such-meeting", "-o", str(out)]) == 1
    assert "No meeting with id no-such-meeting" in capsys.readouterr().err
    assert main(["--db", str(db_path), "briefing", coalition.meeting_id, "-o",
                 str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_briefing_next_without_upcoming_meeting(services, db_path, capsys):
    assert main(["--db", str(db_path), "briefing", "next"]) == 1
    assert "no upcoming meeting" in capsys.readouterr().err


def test_proposal_pdf(coalition, db_path, tmp_path, parse, capsys):
    out = tmp_path / "proposal.pdf"
    assert main(["--db", str(db_path), "proposal-pdf", coalition.proposal_ids[0], "-o",
                 str(out), "--paper", "a4"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    parsed = parse(out)
    assert parsed.contains("Smart intersections for safer streets")
    assert parsed.outline_titles()[0] == "Title page: Smart intersections for safer streets"
    assert out.stat().st_mode & 0o777 == 0o600
    assert main(["--db", str(db_path), "proposal-pdf", coalition.proposal_ids[0]]) == 0
    default = Path(capsys.readouterr().out.strip())
    assert default.name == "Proposal Smart intersections for safer streets.pdf"
    assert default.exists()


def test_briefing_by_date_and_sections(coalition, services, db_path, tmp_path, parse, capsys):
    from zoneinfo import ZoneInfo

    m = services.meetings.get(coalition.meeting_id)
    day = m.starts_at.astimezone(ZoneInfo("America/Chicago")).date().isoformat()
    out = tmp_path / "by-date.pdf"
    assert main(["--db", str(db_path), "briefing", day, "-o", str(out),
                 "--sections", "actions, agenda"]) == 0
    parsed = parse(out)
    assert parsed.outline_titles()[:2] == ["Agenda", "Open action items"]
    assert "Attendees" not in parsed.outline_titles()
    assert "Cover: NSCP partnership call — December" not in parsed.outline_titles()
    assert main(["--db", str(db_path), "briefing", "2001-01-01", "-o", str(out)]) == 1
    assert "no meeting on 2001-01-01" in capsys.readouterr().err
    assert main(["--db", str(db_path), "briefing", day, "-o", str(out),
                 "--sections", "agenda,minutes"]) == 1
    err = capsys.readouterr().err
    assert "Unknown section 'minutes'" in err and "attendees" in err


def test_briefing_date_with_two_meetings_asks_for_the_id(services, db_path, tmp_path, capsys):
    from datetime import UTC, datetime

    from coordinator.services.records import MeetingData

    a = services.meetings.create(MeetingData(title="Morning call",
                                             starts_at=datetime(2027, 3, 2, 15, tzinfo=UTC)))
    services.meetings.create(MeetingData(title="Afternoon call",
                                         starts_at=datetime(2027, 3, 2, 20, tzinfo=UTC)))
    assert main(["--db", str(db_path), "briefing", "2027-03-02", "-o",
                 str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert "2 meetings on 2027-03-02" in err and a.id in err
    assert not (tmp_path / "x.pdf").exists()
