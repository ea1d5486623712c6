"""Escaping, formatting and layout building blocks, each checked in a real PDF."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from reportlab.platypus import Paragraph

from coordinator.briefing import formatting as f
from coordinator.briefing import markup
from coordinator.briefing.collect import BriefingData, BriefingOptions, Person
from coordinator.briefing.document import (
    CellParagraph,
    DocumentInfo,
    LongTable,
    PdfDocument,
    header_cells,
    styles,
)
from coordinator.briefing.markdown_flowables import markdown_flowables
from coordinator.briefing.packet import briefing_filename, build_briefing_pdf


def _render(story, paper="letter") -> bytes:
    out = io.BytesIO()
    PdfDocument(out, DocumentInfo("T", "S", "A", paper=paper)).render(story)
    return out.getvalue()


@pytest.mark.parametrize("hostile_text", [
    '<b>Bob & "Co"</b>', "R&D", "a<b", "<font size=99>", '<img src="/etc/passwd">',
    "&amp; stays &amp;", "</para>", "<br/>", "x]]>y", "<a href='javascript:x'>y</a>",
])
def test_escaped_text_survives_the_paragraph_parser(hostile_text, parse):
    st = styles()
    story = [Paragraph(markup.text(hostile_text), st.body),
             CellParagraph(markup.text(hostile_text), st.cell),
             Paragraph(markup.lines(hostile_text + "\n" + hostile_text), st.body)]
    parsed = parse(_render(story))
    assert parsed.text.count(hostile_text) == 4


def test_clean_strips_control_characters():
    assert markup.clean("a\x00b\x07c\x1b[0m\x7f\x85d\ufeff") == "abc[0md"
    assert markup.clean("one\r\ntwo\rthree\tfour") == "one\ntwo\nthree    four"
    assert markup.clean("e\u0301") == "é"  # NFC, so that text extracts as typed
    assert markup.clean(None) == ""
    assert markup.plain("  many \n  spaces\t") == "many spaces"


def test_links_only_for_web_and_mail():
    assert markup.safe_href("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&c=2"
    assert markup.safe_href("mailto:a@example.org") == "mailto:a@example.org"
    assert markup.safe_href("zoom.us/j/123") == "https://zoom.us/j/123"
    assert markup.safe_href("zoom.us/j/123", bare_domains=False) is None
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "/etc/passwd", "data:x",
                "https://a b.org", ""):
        assert markup.safe_href(bad) is None, bad
    assert markup.link("javascript:alert(1)") == "javascript:alert(1)"
    assert 'href="https://example.org/?a=1&amp;b=&quot;2&quot;"' in markup.link(
        'https://example.org/?a=1&b="2"')


def test_money_dates_and_deadlines():
    assert f.money(125_000_050, "USD") == "$1,250,000.50"
    assert f.money(9_900_000, "EUR") == "€99,000"
    assert f.money(5, "GBP") == "£0.05"
    assert f.money(-250, "CAD") == "-CA$2.50"
    assert f.money(100, "XYZ") == "XYZ 1"
    today = date(2026, 11, 24)
    assert f.days_left(date(2026, 12, 4), today) == "10 days left"
    assert f.days_left(today, today) == "due today"
    assert f.days_left(date(2026, 11, 25), today) == "tomorrow"
    assert f.days_left(date(2026, 11, 23), today) == "1 day overdue"
    assert f.deadline(date(2026, 11, 20), today, still_due=False) == "4 days ago"
    start = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    assert f.time_range(start, 90, f.zone("America/Chicago")) == \
        "Thursday 3 December 2026, 10:00–11:30 CST"
    assert f.time_range(start, 60, f.zone("Asia/Tokyo")) == \
        "Friday 4 December 2026, 01:00–02:00 JST"
    assert f.time_range(start, 600, f.zone("UTC")).endswith("(Fri 4 Dec 2026) UTC")
    assert f.zone("Not/AZone") is UTC
    assert f.duration(90) == "1 h 30 min" and f.duration(45) == "45 min"


def test_file_names_are_portable():
    data = BriefingData('Q1: "R&D" <call>/plan?*|\\', datetime(2026, 12, 3, 3, tzinfo=UTC),
                        "America/Chicago")
    assert briefing_filename(data) == "Briefing 2026-12-02 Q1 R&D call plan.pdf"
    assert f.safe_filename("...") == "document"
    assert len(f.safe_filename("x" * 500)) == 120


def test_long_table_repeats_header_and_keeps_every_row(parse):
    st = styles()
    rows = [[CellParagraph(f"row {i:04d}", st.cell), CellParagraph("x " * (i % 30), st.cell)]
            for i in range(1500)]
    table = LongTable(header_cells(["Row header", "Text header"]), rows, [100, 300])
    parsed = parse(_render([table]))
    assert len(parsed.pages) > 20
    for page in parsed.pages:
        assert "Row header" in page and "Text header" in page
    for i in range(1500):
        assert f"row {i:04d}" in parsed.text


def test_rows_taller_than_a_page_are_shortened_not_fatal(parse):
    st = styles()
    huge = "word " * 20000
    rows = [[CellParagraph("before", st.cell), CellParagraph("ok", st.cell)],
            [CellParagraph(huge, st.cell), CellParagraph("short", st.cell)],
            [CellParagraph("after", st.cell), CellParagraph("ok", st.cell)]]
    parsed = parse(_render([LongTable(header_cells(["A", "B"]), rows, [80, 300])]))
    assert "before" in parsed.text and "after" in parsed.text
    assert "[shortened]" in parsed.text


def test_markdown_hostile_and_deep_input_builds(parse):
    source = "\n".join([
        "> " * 60 + "deep quote",
        "- " * 60 + "deep list",
        "```", "x" * 2000, "```",
        "| a |", "|---|", "| " + "y" * 3000 + " |",
        "<div>html block</div>",
        "[local](file:///etc/passwd) ![img](/etc/passwd) [rel](notes.md)",
        "# " + "z" * 500,
        "\x00\x1b nasty \ufffe",
    ])
    flowables = markdown_flowables(source, 468)
    raw = _render(flowables)
    parsed = parse(raw)
    assert parsed.contains("deep quote") and parsed.contains("deep list")
    assert parsed.contains("<div>html block</div>")
    assert "[image: img]" in parsed.text
    assert b"/Subtype /Image" not in raw and b"passwd" not in raw.split(b"stream")[0]
    uris = [str(a.get_object()["/A"]["/URI"]) for p in parsed.reader.pages
            for a in (p.get("/Annots") or []) if "/A" in a.get_object()]
    assert uris == []


def test_empty_and_missing_fields(parse):
    data = BriefingData("", None, "Bad/Zone", attendees=[Person("")])
    out = io.BytesIO()
    build_briefing_pdf(data, out, BriefingOptions())
    parsed = parse(out.getvalue())
    assert "Untitled meeting" in parsed.pages[0]
    assert "Date to be decided" in parsed.pages[0]
