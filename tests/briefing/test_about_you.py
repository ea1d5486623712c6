""""Prepared by" is the coordinator from the About you settings, never the login name;
the proposal document's cover. Real files, real PDFs parsed back with pypdf."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from coordinator import about_you
from coordinator.briefing import (
    BriefingOptions,
    build_briefing_pdf,
    collect_briefing,
    write_briefing,
    write_proposal,
)
from coordinator.briefing.collect import default_author
from coordinator.cli import main
from coordinator.errors import CoordinatorError

ADA = about_you.AboutYou("Ada Lovelace", "Coalition coordinator", "NSCP")


def test_saved_once_read_back_private(coordinator_home):
    assert about_you.load() == about_you.AboutYou()
    about_you.save(about_you.AboutYou("  Ada   Lovelace ", "Coalition coordinator", "NSCP"))
    assert about_you.load() == ADA
    path = coordinator_home / "config" / about_you.FILENAME
    assert path.stat().st_mode & 0o777 == 0o600
    assert ADA.signature() == "Ada Lovelace, Coalition coordinator, NSCP"


def test_bad_values_are_refused_with_a_message_and_nothing_saved():
    about_you.save(ADA)
    with pytest.raises(CoordinatorError, match="name to 120 characters"):
        about_you.save(about_you.AboutYou("x" * 121))
    with pytest.raises(CoordinatorError, match="Enter your name"):
        about_you.save(about_you.AboutYou("", "Coordinator"))
    assert about_you.load() == ADA


def test_unreadable_file_means_not_set(coordinator_home):
    path = coordinator_home / "config" / about_you.FILENAME
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    assert about_you.load() == about_you.AboutYou()
    assert default_author() == ""


def test_login_name_is_never_printed(services, coalition, parse, monkeypatch, tmp_path):
    for var in ("USER", "USERNAME", "LOGNAME", "COORDINATOR_USER"):
        monkeypatch.setenv(var, "rootlogin")
    assert default_author() == ""
    path = write_briefing(services, coalition.meeting_id, tmp_path / "a.pdf",
                          BriefingOptions(prepared_by=default_author()))
    parsed = parse(path)
    assert "rootlogin" not in parsed.text
    assert "Prepared by" not in parsed.pages[0]
    assert (parsed.reader.metadata.author or "") == ""


def test_packet_and_metadata_name_the_coordinator(services, coalition, parse):
    about_you.save(ADA)
    options = BriefingOptions(prepared_by=default_author())
    out = io.BytesIO()
    build_briefing_pdf(collect_briefing(services, coalition.meeting_id, options), out, options)
    parsed = parse(out.getvalue())
    assert re.search(r"Prepared by\s+Ada Lovelace, Coalition coordinator, NSCP", parsed.pages[0])
    assert parsed.reader.metadata.author == "Ada Lovelace, Coalition coordinator, NSCP"


def test_cli_about_you_then_briefing(coalition, db_path, tmp_path, parse, capsys):
    assert main(["about-you"]) == 0
    assert "Not set yet" in capsys.readouterr().out
    assert main(["about-you", "--name", "Ada Lovelace", "--title", "Coalition coordinator",
                 "--organization", "NSCP"]) == 0
    assert "Prepared by Ada Lovelace, Coalition coordinator, NSCP" in capsys.readouterr().out
    assert main(["about-you", "--title", "Lead coordinator"]) == 0  # one field at a time
    assert about_you.load().title == "Lead coordinator"
    out = tmp_path / "p.pdf"
    assert main(["--db", str(db_path), "briefing", coalition.meeting_id, "-o", str(out)]) == 0
    assert parse(out).reader.metadata.author == "Ada Lovelace, Lead coordinator, NSCP"
    assert main(["about-you", "--name", "x" * 200]) == 1
    assert "120 characters" in capsys.readouterr().err
    assert main(["about-you", "--name", ""]) == 0
    assert not about_you.load().is_set


def test_proposal_cover_has_the_facts_partners_and_coordinator(services, coalition, parse,
                                                                tmp_path, hostile):
    about_you.save(ADA)
    path = write_proposal(services, coalition.proposal_ids[0], tmp_path / "p.pdf")
    parsed = parse(Path(path))
    cover = parsed.pages[0]
    squashed = re.sub(r"\s+", " ", cover)
    for expected in ("Smart intersections for safer streets", "NSF — Civic Innovation Challenge",
                     "$1,250,000.50", "20 days left", "Drafting", "City of Plano",
                     "City of Plano (NTXIA · Lead)", "Denver Digital Works (CSCA · Co-lead)",
                     f"{hostile[0]} {hostile[1]} (ISCRA · Partner)",
                     "Coordinator Ada Lovelace, Coalition coordinator, NSCP",
                     "Sensors at 40 intersections."):
        assert expected in squashed, expected
    assert parsed.reader.metadata.author == "Ada Lovelace, Coalition coordinator, NSCP"


def test_proposal_cover_lists_at_most_twelve_partners(services, parse, tmp_path):
    from coordinator.reference import CONSORTIA
    from coordinator.services.records import OrganizationData, PartnerData, ProposalData

    orgs = [services.organizations.create(OrganizationData(
        name=f"Partner org {i:02d}", consortium_id=CONSORTIA[i % 7].id)).id for i in range(30)]
    p = services.proposals.create(ProposalData(
        title="Big consortium bid", partners=[PartnerData(o) for o in orgs]))
    parsed = parse(write_proposal(services, p.id, tmp_path / "big.pdf"))
    assert "Partner org 11" in parsed.pages[0] and "Partner org 12" not in parsed.pages[0]
    assert "and 18 more (see Partners)" in parsed.pages[0]
    assert "Partner org 29" in parsed.text  # the Partners section has them all
