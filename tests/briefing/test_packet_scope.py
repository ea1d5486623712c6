"""What a packet holds: the call's own proposals and series items in full, the rest of
the consortia's pipeline as totals; partner-safe roles; phones as the app shows them;
no stranded headings; only embedded fonts. Built from a real database, read back with
pypdf."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from coordinator.briefing import (
    BriefingOptions,
    Profile,
    build_briefing_pdf,
    build_proposal_pdf,
    collect_briefing,
    collect_proposal,
)
from coordinator.reference import CONSORTIA
from coordinator.services import Services
from coordinator.services.records import (
    ActionItemData,
    AgendaItemData,
    AttendeeData,
    ContactData,
    EmailData,
    MeetingData,
    OrganizationData,
    PartnerData,
    PhoneData,
    ProposalData,
)

CONS = {c.short_name: c.id for c in CONSORTIA}
TODAY = date(2027, 2, 1)
START = datetime(2027, 2, 10, 16, tzinfo=UTC)


def _pdf(services: Services, meeting_id: str, **opts) -> bytes:
    options = BriefingOptions(prepared_by="Ada", today=TODAY, **opts)
    out = io.BytesIO()
    build_briefing_pdf(collect_briefing(services, meeting_id, options), out, options)
    return out.getvalue()


@dataclass
class Scene:
    meeting_id: str
    other_series_meeting_id: str
    org_ntx: str  # in NTXIA, no attendee


@pytest.fixture
def scene(services: Services) -> Scene:
    def org(name: str, cons: str) -> str:
        return services.organizations.create(OrganizationData(
            name=name, sector="local_government", consortium_id=CONS[cons])).id

    plano, frisco, denver = org("City of Plano", "NTXIA"), org("City of Frisco", "NTXIA"), \
        org("Denver Digital Works", "CSCA")
    people = [
        services.contacts.create(ContactData(
            given_name="Chair", family_name="Person", organization_id=plano,
            emails=[EmailData("chair@example.org")], phones=[PhoneData("303-555-0115")])),
        services.contacts.create(ContactData(
            given_name="Note", family_name="Taker", organization_id=plano,
            emails=[EmailData("notes@example.org")], phones=[PhoneData("+44 20 7946 0958")])),
        services.contacts.create(ContactData(
            given_name="Quiet", family_name="Guest", organization_id=denver,
            emails=[EmailData("guest@example.org")])),
    ]
    chair, taker, guest = people

    def proposal(title: str, lead: str, status: str = "drafting", amount: int = 0) -> str:
        return services.proposals.create(ProposalData(
            title=title, status=status, lead_organization_id=lead, amount_minor=amount,
            partners=[PartnerData(lead, "lead")], due_date=TODAY + timedelta(days=30))).id

    proposal("Plano attendee proposal", plano)
    linked = proposal("Frisco proposal linked from the series", frisco)
    proposal("Frisco sensors named in the agenda", frisco)
    proposal("Frisco pipeline only one", frisco, amount=100_000_00)
    proposal("Frisco pipeline only two", frisco, "submitted", amount=250_000_00)
    proposal("Frisco closed one", frisco, "awarded", amount=999_00)

    series = "NTX partnership calls"
    services.meetings.create(MeetingData(
        title="NTX call — Jan 13, 2027", starts_at=datetime(2027, 1, 13, 16, tzinfo=UTC),
        series_name=series, attendees=[AttendeeData(chair.id)],
        action_items=[ActionItemData("Series item about the Frisco proposal", chair.id,
                                     proposal_id=linked),
                      ActionItemData("Series item done already", chair.id, status="done")]))
    other = services.meetings.create(MeetingData(
        title="Unrelated budget committee", starts_at=datetime(2027, 1, 20, 16, tzinfo=UTC),
        series_name="Budget committee", attendees=[AttendeeData(guest.id)],
        action_items=[ActionItemData("OTHER-SERIES-ITEM for the guest", guest.id)]))
    meeting = services.meetings.create(MeetingData(
        title="NTX call — Feb 10, 2027", starts_at=START, series_name=series,
        consortium_ids=[CONS["NTXIA"]],
        agenda=[AgendaItemData("Status of Frisco sensors named in the agenda", chair.id, 10)],
        attendees=[AttendeeData(chair.id, role="chair", rsvp="yes"),
                   AttendeeData(taker.id, role="note_taker", rsvp="no"),
                   AttendeeData(guest.id, rsvp="pending")],
        action_items=[ActionItemData("Item of this very call", taker.id)]))
    return Scene(meeting.id, other.id, frisco)  # type: ignore[arg-type]


@pytest.mark.parametrize("profile", [Profile.INTERNAL, Profile.PARTNERS])
def test_packet_holds_the_calls_proposals_in_full_and_the_rest_as_totals(
        services, scene, parse, profile):
    parsed = parse(_pdf(services, scene.meeting_id, profile=profile))
    titles = parsed.outline_titles()
    for full in ("Plano attendee proposal", "Frisco proposal linked from the series",
                 "Frisco sensors named in the agenda"):
        assert full in titles, full
    for other in ("Frisco pipeline only one", "Frisco pipeline only two", "Frisco closed one"):
        assert not parsed.contains(other), other
    assert "Rest of the pipeline" in titles
    assert parsed.contains("2 more open proposals")
    # one row per consortium, a column per status: count and amount
    words = ["Consortium", "Drafting", "Submitted", "North Texas Innovation Alliance (NTXIA)",
             "1", "$100,000", "1", "$250,000"]
    assert re.search(r"\s+".join(re.escape(w).replace("\\ ", r"\s+") for w in words),
                     parsed.text)
    assert "$999" not in parsed.text  # closed proposals are not in the pipeline


@pytest.mark.parametrize("profile", [Profile.INTERNAL, Profile.PARTNERS])
def test_only_this_series_action_items_each_date_once(services, scene, parse, profile):
    parsed = parse(_pdf(services, scene.meeting_id, profile=profile))
    assert parsed.contains("Series item about the Frisco proposal")
    assert re.search(r"Item of this very call\s+No due date\s+Open\s+This meeting", parsed.text)
    assert not parsed.contains("OTHER-SERIES-ITEM")
    assert not parsed.contains("Series item done already")
    assert parsed.contains("NTX call — Jan 13, 2027")
    assert "Wed 13 Jan 2027" not in parsed.text  # the title already says the date


def test_date_is_added_when_the_title_has_none(services, parse):
    from coordinator.briefing import formatting as f

    assert f.meeting_origin("Planning call", date(2026, 7, 31)) == "Planning call, Fri 31 Jul 2026"
    assert f.meeting_origin("Call — Jul 31, 2026", date(2026, 7, 31)) == "Call — Jul 31, 2026"
    assert f.meeting_origin("Call 2026-07-31", date(2026, 7, 31)) == "Call 2026-07-31"
    assert f.meeting_origin("Call — Jul 30, 2026", date(2026, 7, 31)) == \
        "Call — Jul 30, 2026, Fri 31 Jul 2026"


def test_partner_roles_not_rsvp(services, scene, parse):
    partners = parse(_pdf(services, scene.meeting_id, profile=Profile.PARTNERS))
    for rsvp in ("No reply yet", "Declined", "Attending", "Maybe"):
        assert rsvp not in partners.text, rsvp
    assert re.search(r"Chair Person\s+City of Plano\s+Chair\b", partners.text)
    assert re.search(r"Note Taker\s+City of Plano\s+Note taker", partners.text)
    assert re.search(r"Quiet Guest\s+Denver Digital Works\s+Attendee", partners.text)
    internal = parse(_pdf(services, scene.meeting_id))
    assert "Declined" in internal.text and "No reply yet" in internal.text


def test_partners_see_no_contact_details_rsvp_or_other_series(services, scene, parse):
    raw = _pdf(services, scene.meeting_id, profile=Profile.PARTNERS)
    partners = parse(raw)
    digits = re.sub(r"\D", "", partners.text)
    for secret in ("chair@example.org", "notes@example.org", "guest@example.org"):
        assert not partners.contains(secret) and secret.split("@")[0] + "@" not in raw.decode(
            "latin-1"), secret
    for phone in ("3035550115", "442079460958"):
        assert phone not in digits, phone
    for word in ("No reply yet", "Declined", "Attending", "Maybe", "OTHER-SERIES-ITEM",
                 "Unrelated budget committee"):
        assert word not in partners.text, word
    internal = parse(_pdf(services, scene.meeting_id))
    assert internal.contains("chair@example.org")  # the check can see them when present
    assert "OTHER-SERIES-ITEM" not in internal.text


def test_phones_print_as_the_app_shows_them(services, scene, parse):
    internal = parse(_pdf(services, scene.meeting_id))
    assert "(303) 555-0115" in internal.text
    assert "+13035550115" not in internal.text
    assert re.search(r"\+44 20 7946\s0958", internal.text)  # others: international


def test_packet_size_follows_the_meeting_not_the_database(services, scene, parse):
    before = parse(_pdf(services, scene.meeting_id, profile=Profile.PARTNERS))
    for i in range(60):  # sixty more proposals in the ticked consortium, none of the call's
        services.proposals.create(ProposalData(
            title=f"Unrelated NTXIA proposal {i:02d}", status="drafting",
            lead_organization_id=scene.org_ntx, amount_minor=1_000_00,
            partners=[PartnerData(scene.org_ntx, "lead")]))
    after = parse(_pdf(services, scene.meeting_id, profile=Profile.PARTNERS))
    assert len(after.pages) == len(before.pages)
    assert "Unrelated NTXIA proposal" not in after.text
    assert after.contains("62 more open proposals")


def _stranded(parsed) -> list[tuple[str, int]]:
    """Outline entries whose heading is the last text on its page."""
    out = []
    for _level, title, page in parsed.outline():
        squashed_page = re.sub(r"\s+", "", parsed.pages[page])
        squashed_title = re.sub(r"\s+", "", title)
        if squashed_page.endswith(squashed_title):
            out.append((title, page))
    return out


def test_no_heading_ends_a_page(services, parse):
    orgs = [services.organizations.create(OrganizationData(
        name=f"Org {i:02d} with a fairly long name for wrapping", sector="company",
        consortium_id=CONSORTIA[i % 3].id, city="Austin", state="TX")).id for i in range(9)]
    contacts = [services.contacts.create(ContactData(
        given_name=f"Person{i:02d}", family_name="Example", organization_id=orgs[i % 9],
        title="Program manager")).id for i in range(40)]
    for i in range(18):
        services.proposals.create(ProposalData(
            title=f"Proposal {i:02d} on shared corridors", status="drafting",
            lead_organization_id=orgs[i % 9], summary="A summary line. " * (i % 7 + 1),
            partners=[PartnerData(orgs[(i + k) % 9], "partner") for k in range(1 + i % 5)]))
    items = [ActionItemData(f"Task {i:03d}", owner_id=contacts[i % 7],
                            due_date=TODAY + timedelta(days=i % 20)) for i in range(60)]
    meeting = services.meetings.create(MeetingData(
        title="Layout call", starts_at=START, attendees=[AttendeeData(c) for c in contacts],
        action_items=items, notes="\n\n".join(f"## Topic {i}\n\nText " * 3 for i in range(30))))
    stranded = []
    # Agendas of different lengths move every later section down by a few lines, so
    # that headings meet page ends at many different points.
    for paper, n in [("letter", 0), ("letter", 4), ("letter", 8), ("a4", 0), ("a4", 6)]:
        m = services.meetings.get(meeting.id)
        m.agenda = [AgendaItemData(f"Agenda point {i}", None, 5) for i in range(n)]
        services.meetings.update(m.id, m)
        for profile in (Profile.INTERNAL, Profile.PARTNERS):
            parsed = parse(_pdf(services, meeting.id, profile=profile, paper=paper))
            assert len(parsed.pages) > 6
            stranded += [(paper, n, profile.value, *s) for s in _stranded(parsed)]
    assert stranded == []


def test_stranded_heading_check_can_fail(parse):
    """The check above sees a heading that ends a page."""
    from reportlab.platypus import PageBreak, Paragraph

    from coordinator.briefing.document import DocumentInfo, Heading, PdfDocument, styles

    out = io.BytesIO()
    PdfDocument(out, DocumentInfo("T", "S", "A")).render(
        [Paragraph("x", styles().body), Heading("Lonely heading", 0, keep_with_next=False),
         PageBreak(), Paragraph("after", styles().body)], cover=False)
    assert _stranded(parse(out.getvalue())) == [("Lonely heading", 0)]


def _fonts(parsed) -> list[dict]:
    found: list[dict] = []

    def visit(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            found.append(font.get_object())
        for xobj in (resources.get("/XObject") or {}).values():
            xobj = xobj.get_object()
            if "/Resources" in xobj:
                visit(xobj["/Resources"])

    for page in parsed.reader.pages:
        visit(page.get("/Resources"))
    return found


def _embedded(font) -> bool:
    desc = font.get("/FontDescriptor")
    if desc is None and "/DescendantFonts" in font:
        desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
    desc = desc.get_object() if desc is not None else {}
    return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_every_font_referenced_is_embedded(services, scene, parse):
    p = services.proposals.list().rows[0]
    out = io.BytesIO()
    build_proposal_pdf(collect_proposal(services, p.id), out)
    for raw in (_pdf(services, scene.meeting_id), _pdf(services, scene.meeting_id,
                                                       profile=Profile.PARTNERS),
                out.getvalue()):
        parsed = parse(raw)
        fonts = _fonts(parsed)
        assert fonts
        assert [str(f["/BaseFont"]) for f in fonts if not _embedded(f)] == []
        assert b"/Helvetica" not in raw and b"/Times" not in raw
