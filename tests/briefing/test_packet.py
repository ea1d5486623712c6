"""The briefing packet, built from a real database and parsed back with pypdf."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coordinator.briefing import (
    BriefingOptions,
    Profile,
    build_briefing_pdf,
    collect_briefing,
    write_briefing,
)
from coordinator.briefing import formatting as f
from coordinator.errors import CoordinatorError
from coordinator.services.records import MeetingData

SECTION_OUTLINE = ["Agenda", "Attendees", "Organizations", "Proposals",
                   "Decisions from the last meeting", "Open action items", "Notes"]


def _build(services, meeting_id, **opts) -> bytes:
    options = BriefingOptions(prepared_by="Ada Coordinator", **opts)
    buffer = io.BytesIO()
    build_briefing_pdf(collect_briefing(services, meeting_id, options), buffer, options)
    return buffer.getvalue()


@pytest.fixture
def internal(services, coalition, parse):
    return parse(_build(services, coalition.meeting_id))


@pytest.fixture
def partners(services, coalition, parse):
    return parse(_build(services, coalition.meeting_id, profile=Profile.PARTNERS))


def test_internal_packet_lists_people_proposals_actions_and_decisions(internal, coalition):
    for person in coalition.people:
        assert internal.contains(person.full_name), person.full_name
        assert internal.contains(person.primary_email)
        # as the app shows it, never the stored E.164 form
        assert internal.contains(f.phone(person.primary_phone))
        assert not internal.contains(person.primary_phone)
    for item in coalition.open_actions:
        assert internal.contains(item), item
    for item in coalition.done_actions:
        assert not internal.contains(item)
    for title in coalition.proposal_titles:
        assert internal.contains(title), title
    assert not internal.contains(coalition.closed_proposal_title)
    for decision in coalition.decisions:
        assert internal.contains(decision)
    for note in coalition.internal_notes:
        assert internal.contains(note)
    for note in coalition.private_notes:  # private notes need an explicit tick
        assert not internal.contains(note)


def test_cover_agenda_and_organizations(internal, coalition):
    cover = internal.pages[0]
    assert "NSCP partnership call — December" in cover
    assert "NSCP partnership calls" in cover  # series
    assert "Prepared by" in cover and "Ada Coordinator" in cover
    assert "Prepared on" in cover
    assert "(America/Chicago)" in cover and "Your time" in cover
    assert "https://zoom.example.org/j/123" in cover and "Zoom" in cover
    assert "North Texas Innovation Alliance (NTXIA)" in cover
    assert "Colorado Smart Cities Alliance (CSCA)" in cover
    assert "Illinois Smart City & Region Association (ISCRA)" in cover  # from an attendee
    assert internal.contains("Welcome and introductions")
    assert internal.contains("Each lead gives two minutes.")
    assert internal.contains("José Álvarez")  # presenter
    agenda_page = next(p for p in internal.pages if "Welcome and introductions" in p)
    assert re.search(r"Total\s*55", agenda_page)
    # organization profiles: sector, consortium, city/state, active proposals
    assert internal.contains("Denver Digital Works — Company; Colorado Smart Cities Alliance "
                             "(CSCA); Denver, CO.")
    assert internal.contains("Active proposals: Smart intersections for safer streets.")
    assert internal.contains("Universidad de Tucsón — University")


def test_proposal_block_shows_status_lead_partners_funder_amount_and_days_left(internal):
    assert internal.contains("$1,250,000.50")
    assert internal.contains("€99,000")
    assert internal.contains("NSF — Civic Innovation Challenge")
    assert internal.contains("20 days left")
    assert internal.contains("2 days ago")  # submitted: the deadline passed, nothing is late
    assert internal.contains("Drafting") and internal.contains("Submitted")
    assert internal.contains("Denver Digital Works")
    assert internal.contains("Co-lead") and internal.contains("Letter of support")
    assert internal.contains("CSCA") and internal.contains("SASR")


def test_action_items_grouped_by_owner_with_overdue_marked(internal, coalition):
    outline = internal.outline()
    top = [t for lvl, t, _ in outline if lvl == 0]
    i = top.index("Open action items")
    owners = [t for lvl, t, _ in outline[[x[1] for x in outline].index("Open action items") + 1:]
              if lvl == 1]
    assert i >= 0
    assert owners[0].startswith("José Álvarez (1 open")
    assert "Zoë Ødegård (1 open, 1 overdue)" in owners
    assert owners[-1] == "No owner (1 open)"
    assert internal.contains("5 days overdue")


def test_page_numbers_outline_and_metadata(internal, coalition):
    total = len(internal.pages)
    for n, page in enumerate(internal.pages, 1):
        m = re.search(r"Page (\d+) of\s*(\d+)", page)
        assert m, f"no page number on page {n}"
        assert (int(m.group(1)), int(m.group(2))) == (n, total)
    titles = internal.outline_titles()
    assert titles[0] == "Cover: NSCP partnership call — December"
    for section in SECTION_OUTLINE:
        assert section in titles
    assert "Smart intersections for safer streets" in titles  # level-1 entries
    assert 'Digital equity hubs a<b' in titles  # outline text is literal, not markup
    assert "Private notes" not in titles
    # each bookmark points at the page where its section starts
    for _lvl, title, page in internal.outline():
        if title in SECTION_OUTLINE:
            assert title in internal.pages[page]
    meta = internal.reader.metadata
    assert meta.title == "NSCP partnership call — December"
    assert meta.author == "Ada Coordinator"
    assert "Briefing packet (Internal)" in meta.subject


def test_header_repeats_meeting_title(internal):
    for page in internal.pages[1:]:
        assert "NSCP partnership call — December" in page


def test_font_family_is_embedded(internal):
    used: set[str] = set()

    def visit(text, _cm, _tm, font, _size):
        if text.strip() and font:
            used.add(str(font["/BaseFont"]).split("+")[-1])

    embedded = set()
    for page in internal.reader.pages:
        page.extract_text(visitor_text=visit)
        for font in page["/Resources"]["/Font"].values():
            desc = font.get_object()
            if "/DescendantFonts" in desc or "/FontDescriptor" in desc:
                embedded.add(str(desc["/BaseFont"]).split("+")[-1])
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"} <= used
    assert used <= embedded | {"DejaVuSansMono"}, used - embedded  # every face shown is embedded
    assert not any("Helvetica" in f or "Times" in f for f in used)


def test_partners_profile_leaves_out_personal_details_and_notes(partners, coalition):
    assert partners.contains(coalition.people[0].full_name)
    for email in coalition.emails:
        assert not partners.contains(email), email
        assert email.split("@")[0] not in partners.squashed
    for phone in coalition.phones:
        assert not partners.contains(phone), phone
        digits = re.sub(r"\D", "", phone)
        assert digits not in re.sub(r"\D", "", partners.text), phone
    for note in coalition.private_notes + coalition.internal_notes:
        assert not partners.contains(note), note
    assert "Partners" in partners.pages[0]


def test_partners_profile_refuses_private_notes(services, coalition):
    with pytest.raises(CoordinatorError):
        BriefingOptions(profile=Profile.PARTNERS, include_private=True)


def test_include_private_adds_private_notes(services, coalition, parse):
    parsed = parse(_build(services, coalition.meeting_id, include_private=True))
    for note in coalition.private_notes:
        assert parsed.contains(note), note
    assert "Private notes" in parsed.outline_titles()


def test_hostile_strings_print_literally(internal, partners, hostile, coalition, services,
                                         parse):
    for parsed in (internal, partners):
        for s in hostile:
            assert parsed.contains(s), s
        assert parsed.contains('<b>Bob & "Co"</b> a<b')  # the contact's name
        assert parsed.contains("Draft the letter of support for R&D")
    raw = _build(services, coalition.meeting_id)
    assert b"/Subtype /Image" not in raw  # no <img> was ever loaded
    assert b"root:" not in raw


def test_unicode_names_extract_exactly(internal, partners, unicode_names):
    for parsed in (internal, partners):
        for name in unicode_names:
            assert name in parsed.text, name


def test_notes_render_markdown_without_raw_html(internal):
    notes_page = next(i for lvl, t, i in internal.outline() if t == "Notes")
    text = "\n".join(internal.pages[notes_page:])
    assert "Call summary" in text and "Next steps" in text
    assert "three priorities" in text and "one open question" in text
    assert "**" not in text and "# Call" not in text
    assert "January workshop" in text and "March summit" in text
    assert "Quote from the chair: keep it simple." in text
    assert "select * from partners where state = 'TX';" in text
    assert internal.contains('Raw HTML stays text: <img src="/etc/passwd"> and '
                             "<script>alert(1)</script>.")
    uris = []
    for page in internal.reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object().get("/A")
            if a and "/URI" in a:
                uris.append(str(a["/URI"]))
    assert "https://nscp.example.org/portal?a=1&b=2" in uris
    assert "https://zoom.example.org/j/123" in uris
    assert not any(u.startswith("javascript") for u in uris)


def test_reader_zone_shows_both_times(services, coalition, parse):
    m = services.meetings.get(coalition.meeting_id)
    parsed = parse(_build(services, coalition.meeting_id, reader_zone=ZoneInfo("Asia/Tokyo")))
    chicago = m.starts_at.astimezone(ZoneInfo("America/Chicago"))
    tokyo = m.starts_at.astimezone(ZoneInfo("Asia/Tokyo"))
    cover = parsed.pages[0]
    assert f"{chicago:%H:%M}–" in cover and "(America/Chicago)" in cover
    assert f"{tokyo:%H:%M}–" in cover and "JST (Asia/Tokyo)" in cover


@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_paper_sizes(services, coalition, parse, paper, size):
    parsed = parse(_build(services, coalition.meeting_id, paper=paper))
    box = parsed.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_empty_meeting_gives_short_packet(services, parse):
    m = services.meetings.create(MeetingData(
        title="Kick-off", starts_at=datetime(2027, 1, 5, 15, tzinfo=UTC)))
    parsed = parse(_build(services, m.id))
    assert 1 < len(parsed.pages) <= 3
    for note in ("No agenda items yet.", "No attendees yet.", "No open action items.",
                 "This is the first meeting of its series.", "No notes yet."):
        assert parsed.contains(note), note
    assert "Page 1 of" in parsed.pages[0]
    assert parsed.outline_titles()[0] == "Cover: Kick-off"


def test_long_words_and_control_characters(services, parse):
    word = "Donaudampfschifffahrtsgesellschaftskapitän" * 8
    m = services.meetings.create(MeetingData(
        title="Ctl\x00\x07\x1b[31m call\u2028x", starts_at=datetime(2027, 1, 5, 15, tzinfo=UTC),
        notes=f"{word}\n\n- \x0b{word}\n\n| {word} | b |\n|---|---|\n| {word} | c |\n",
        decisions=[]))
    parsed = parse(_build(services, m.id))
    assert parsed.contains(word)
    assert "\x1b" not in parsed.text and "\x00" not in parsed.text
    assert parsed.outline_titles()[0].startswith("Cover: Ctl[31m call")


def test_sections_option_and_progress(services, coalition, parse):
    seen: list[int] = []
    options = BriefingOptions(sections=("agenda", "actions"))
    buffer = io.BytesIO()
    pages = build_briefing_pdf(collect_briefing(services, coalition.meeting_id, options),
                               buffer, options, progress=seen.append)
    parsed = parse(buffer.getvalue())
    assert parsed.outline_titles()[:2] == ["Agenda", "Open action items"]
    assert "Attendees" not in parsed.outline_titles()
    assert seen == list(range(1, pages + 1)) and len(parsed.pages) == pages


def test_progress_can_cancel(services, coalition, tmp_path):
    class Cancelled(Exception):
        pass

    def stop(page: int) -> None:
        raise Cancelled

    target = tmp_path / "out" / "out.pdf"
    with pytest.raises(Cancelled):
        write_briefing(services, coalition.meeting_id, target, progress=stop)
    assert not target.exists()
    assert not target.parent.exists() or list(target.parent.iterdir()) == []


def test_write_briefing_default_name_and_private_mode(services, coalition):
    path = write_briefing(services, coalition.meeting_id)
    m = services.meetings.get(coalition.meeting_id)
    day = m.starts_at.astimezone(ZoneInfo("America/Chicago")).date().isoformat()
    assert path.name == f"Briefing {day} NSCP partnership call — December.pdf"
    assert path.parent.name == "documents"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_bytes().startswith(b"%PDF-")


def test_days_left_uses_today_option(services, coalition, parse):
    today = date.today() + timedelta(days=21)  # the first proposal is now a day late
    parsed = parse(_build(services, coalition.meeting_id, today=today))
    assert parsed.contains("1 day overdue")


def test_reader_zone_defaults_to_this_computer(services, coalition, parse, monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    parsed = parse(_build(services, coalition.meeting_id))
    assert "(Pacific/Auckland)" in parsed.pages[0] and "(America/Chicago)" in parsed.pages[0]
