"""The proposal document: title page, summary, partners, budget, every section."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from coordinator.briefing import build_proposal_pdf, collect_proposal, write_proposal
from coordinator.errors import NotFound
from coordinator.services.records import ProposalData


def _pdf(services, proposal_id, paper="letter") -> bytes:
    out = io.BytesIO()
    build_proposal_pdf(collect_proposal(services, proposal_id), out, paper)
    return out.getvalue()


def test_proposal_document_has_every_part(services, coalition, parse, hostile):
    parsed = parse(_pdf(services, coalition.proposal_ids[0]))
    title_page = parsed.pages[0]
    assert "Smart intersections for safer streets" in title_page
    assert "NSF" in title_page and "Civic Innovation Challenge" in title_page
    assert "$1,250,000.50" in title_page and "City of Plano" in title_page
    assert "20 days left" in title_page
    assert "Zoë Ødegård" in title_page  # owner
    assert "Colorado Smart Cities Alliance (CSCA)" in title_page
    assert "Sensors at 40 intersections." in parsed.text  # summary
    # partners with roles and consortia
    assert parsed.contains("City of Plano Lead NTXIA")
    assert parsed.contains("Denver Digital Works Co-lead CSCA $50,000")
    assert parsed.contains(f"{hostile[0]} {hostile[1]} Partner ISCRA")
    # budget lines and their total
    assert parsed.contains("Sensors $800,000")
    assert parsed.contains("Staff R&D $450,000.50")
    assert parsed.contains("Total $1,250,000.50")
    # sections from Markdown
    assert "Reduce crashes by 30%" in parsed.text and "**" not in parsed.text
    assert parsed.contains('Data stays open. <img src="/etc/passwd">')
    assert "INTERNAL-PROPOSAL-NOTE-1" not in parsed.text
    titles = parsed.outline_titles()
    assert titles == ["Title page: Smart intersections for safer streets", "Summary", "Partners",
                      "Budget", "Project narrative", "Data management plan"]
    for n, page in enumerate(parsed.pages, 1):
        assert re.search(rf"Page {n} of\s*{len(parsed.pages)}", page)
    meta = parsed.reader.metadata
    assert meta.title == "Smart intersections for safer streets"
    assert meta.author == "Zoë Ødegård"
    assert "Joint research proposal" in meta.subject


def test_hostile_title_and_budget_mismatch(services, coalition, parse):
    parsed = parse(_pdf(services, coalition.proposal_ids[1], paper="a4"))
    assert parsed.outline_titles()[0] == "Title page: Digital equity hubs a<b"
    assert "Digital equity hubs a<b" in parsed.pages[0]
    assert "€99,000" in parsed.pages[0]
    assert "2 days ago" in parsed.pages[0]  # submitted: not overdue
    assert "No budget lines yet." in parsed.text
    box = parsed.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_empty_proposal(services, parse):
    p = services.proposals.create(ProposalData(title="Just an idea"))
    parsed = parse(_pdf(services, p.id))
    for note in ("No summary yet.", "No partners yet.", "No budget lines yet."):
        assert note in parsed.text
    assert "Not set" in parsed.pages[0]


def test_budget_total_differs_from_amount(services, coalition, parse):
    p = services.proposals.get(coalition.proposal_ids[0])
    p.amount_minor = 100_000_000
    services.proposals.update(p.id, p)
    parsed = parse(_pdf(services, p.id))
    assert parsed.contains("The budget lines add up to $1,250,000.50; the amount requested "
                           "is $1,000,000.")


def test_write_proposal_name_and_mode(services, coalition):
    path = write_proposal(services, coalition.proposal_ids[0])
    assert path.name == "Proposal Smart intersections for safer streets.pdf"
    assert path.stat().st_mode & 0o777 == 0o600


def test_unknown_proposal(services):
    with pytest.raises(NotFound):
        collect_proposal(services, "no-such-id")


def test_today_option(services, coalition, parse):
    out = io.BytesIO()
    build_proposal_pdf(collect_proposal(services, coalition.proposal_ids[0]), out,
                       today=date(2000, 1, 1))
    assert "days left" in parse(out.getvalue()).pages[0]
