"""Any length of user text lays out: huge titles, very wide Markdown tables and
megabytes of notes build a readable PDF (parsed back with pypdf) instead of crashing.

Titles longer than the services now accept still reach the renderers from older
databases, so the title cases build the collected dataclasses directly."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime

import pytest

from coordinator.briefing import (
    BriefingOptions,
    build_briefing_pdf,
    build_proposal_pdf,
    collect_briefing,
    collect_proposal,
)
from coordinator.briefing.collect import (
    BriefingData,
    ProposalDocData,
    ProposalSummary,
    SectionText,
)
from coordinator.briefing.markup import SHORT_FIELD, TRUNCATED_NOTE
from coordinator.services.records import MeetingData, ProposalData, SectionData


def _title(n: int) -> str:
    words = ["Regional", "smart", "corridor", "data", "sharing", "pilot", "for",
             "coalition", "partners"]
    out, i = [], 0
    while sum(len(w) + 1 for w in out) < n:
        out.append(f"{words[i % len(words)]}{i}")
        i += 1
    return " ".join(out)[:n]


def _printed_once(parsed, title: str) -> None:
    """The whole title is printed once in body text, or its first 1,500 characters and
    the truncation note when it is longer than a field may print."""
    if len(title) <= SHORT_FIELD:
        assert parsed.contains(title)
    else:
        assert parsed.contains(title[:1500]) and parsed.contains(TRUNCATED_NOTE)
        assert not parsed.contains(title[:SHORT_FIELD + 50])


def _packet(data: BriefingData) -> bytes:
    out = io.BytesIO()
    build_briefing_pdf(data, out, BriefingOptions(prepared_by="Ada"))
    return out.getvalue()


def _proposal(data: ProposalDocData) -> bytes:
    out = io.BytesIO()
    build_proposal_pdf(data, out)
    return out.getvalue()


def _table(columns: int, rows: int = 3) -> str:
    head = "| " + " | ".join(f"H{c}" for c in range(columns)) + " |"
    rule = "|" + "---|" * columns
    body = ["| " + " | ".join(f"r{r}c{c}" for c in range(columns)) + " |" for r in range(rows)]
    return "\n".join([head, rule, *body]) + "\n"


@pytest.mark.parametrize("length", [800, 5000])
def test_long_meeting_title_builds_and_prints_in_full(length, parse):
    title = _title(length)
    parsed = parse(_packet(BriefingData(title, datetime(2027, 1, 5, 15, tzinfo=UTC), "UTC")))
    assert parsed.contains(title[:250])
    _printed_once(parsed, title)
    outline = parsed.outline_titles()
    assert outline[0].startswith("Cover: Regional") and len(outline[0]) <= 200
    assert "Agenda" in outline
    for page in parsed.pages[1:]:  # the running header is shortened to one line
        assert "Page " in page
    assert len(parsed.reader.metadata.title) <= 500


@pytest.mark.parametrize("length", [800, 5000])
def test_long_proposal_title_builds(length, parse):
    title = _title(length)
    data = ProposalDocData(ProposalSummary(title, status="Drafting", funder="NSF"),
                           sections=[SectionText(title, "Body text.")])
    parsed = parse(_proposal(data))
    _printed_once(parsed, title)
    titles = parsed.outline_titles()
    assert titles[0].startswith("Title page: Regional") and len(titles[0]) <= 200
    assert titles[-1].startswith("Regional") and titles[-1].endswith("…")
    assert "Body text." in parsed.text


def test_long_proposal_title_in_a_packet(parse):
    title = _title(5000)
    data = BriefingData("Call", None, "UTC", proposals=[ProposalSummary(title, "Drafting")])
    parsed = parse(_packet(data))
    _printed_once(parsed, title)


@pytest.mark.parametrize("columns", [70, 200])
def test_wide_markdown_table_in_notes_is_folded(columns, services, parse):
    meeting = services.meetings.create(MeetingData(
        title="Wide table call", starts_at=datetime(2027, 1, 5, 15, tzinfo=UTC),
        notes="Before the table.\n\n" + _table(columns) + "\nAfter the table.\n"))
    options = BriefingOptions()
    out = io.BytesIO()
    build_briefing_pdf(collect_briefing(services, meeting.id, options), out, options)
    parsed = parse(out.getvalue())
    assert parsed.contains("Before the table.") and parsed.contains("After the table.")
    for c in range(columns):  # every cell is printed, whole (not one letter a line)
        assert f"r2c{c}" in parsed.text, c
        assert f"H{c}" in parsed.text, c
    assert f"of {columns}" in parsed.text  # "Columns 2–9 of 70"


@pytest.mark.parametrize("columns", [70, 200])
def test_wide_markdown_table_in_a_proposal_section(columns, services, parse):
    p = services.proposals.create(ProposalData(
        title="Wide budget", sections=[SectionData("Budget detail", _table(columns, 5))]))
    out = io.BytesIO()
    build_proposal_pdf(collect_proposal(services, p.id), out, "a4")
    parsed = parse(out.getvalue())
    for c in range(columns):
        assert f"r4c{c}" in parsed.text, c
    assert "Budget detail" in parsed.outline_titles()


def _words(n: int, paragraphs: bool) -> str:
    rnd = random.Random(7)
    vocab = ["alpha", "beta", "gamma", "delta", "coalition", "proposal", "partner", "sensor",
             "corridor", "data"]
    parts, size = [], 0
    while size < n:
        sentence = " ".join(rnd.choice(vocab) for _ in range(150)) + "."
        parts.append(sentence)
        size += len(sentence) + 2
    return ("\n\n" if paragraphs else " ").join(parts)[:n]


@pytest.mark.parametrize("paragraphs", [True, False])
def test_a_megabyte_of_notes_is_cut_with_a_note(paragraphs, services, parse):
    notes = _words(1_000_000, paragraphs)
    meeting = services.meetings.create(MeetingData(
        title="Verbose call", starts_at=datetime(2027, 1, 5, 15, tzinfo=UTC), notes=notes))
    options = BriefingOptions()
    out = io.BytesIO()
    pages = build_briefing_pdf(collect_briefing(services, meeting.id, options), out, options)
    parsed = parse(out.getvalue())
    assert pages == len(parsed.pages) <= 25
    assert parsed.contains(TRUNCATED_NOTE)
    assert parsed.contains(notes[:500])  # the start is printed as written
    assert "Notes" in parsed.outline_titles()


def test_huge_proposal_section_prints_in_bounded_paragraphs(services, parse):
    body = _words(150_000, paragraphs=False)  # one paragraph, under the section limit
    p = services.proposals.create(ProposalData(
        title="Long narrative", sections=[SectionData("Narrative", body)]))
    out = io.BytesIO()
    build_proposal_pdf(collect_proposal(services, p.id), out)
    parsed = parse(out.getvalue())
    assert parsed.contains(body[-300:])  # nothing lost under the limit
    assert not parsed.contains(TRUNCATED_NOTE)


def test_long_free_text_fields_are_cut_in_cells(services, parse):
    from coordinator.services.records import ActionItemData, AgendaItemData

    long = _words(50_000, paragraphs=False)
    meeting = services.meetings.create(MeetingData(
        title="Fields call", starts_at=datetime(2027, 1, 5, 15, tzinfo=UTC),
        agenda=[AgendaItemData("Item", details=long)],
        decisions=[], action_items=[ActionItemData(long)]))
    options = BriefingOptions()
    out = io.BytesIO()
    pages = build_briefing_pdf(collect_briefing(services, meeting.id, options), out, options)
    parsed = parse(out.getvalue())
    assert pages <= 6
    assert parsed.text.count("truncated; full text in") >= 2


def test_a_zone_name_that_is_a_folder_of_zones_falls_back_instead_of_raising(
    monkeypatch,
) -> None:
    from datetime import UTC

    from coordinator.briefing import formatting

    assert formatting.zone("America") is UTC  # IsADirectoryError inside zoneinfo
    monkeypatch.setenv("TZ", "America/")
    assert formatting.local_zone() is not None
