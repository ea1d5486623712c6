"""The Coverage page in a briefing packet: only when asked for, with the consortia's
figures as the service computes them, charts drawn in the packet's embedded fonts, and
the gaps; the PDF is parsed back with pypdf."""

from __future__ import annotations

import io
from datetime import date

import pytest

from coordinator.briefing import BriefingOptions, build_briefing_pdf, collect_briefing
from coordinator.briefing.collect import DEFAULT_SECTIONS, SECTIONS
from coordinator.cli.briefing_commands import parse_sections
from coordinator.demo import build_demo
from coordinator.services.meetings import MeetingFilter

DAY = date(2026, 3, 4)


@pytest.fixture
def sample(services):
    build_demo(services, today=DAY)
    return services


def _packet(services, sections):
    meeting = services.meetings.list(MeetingFilter(), limit=1).rows[0]
    options = BriefingOptions(sections=sections, today=DAY)
    data = collect_briefing(services, meeting.id, options)
    buffer = io.BytesIO()
    build_briefing_pdf(data, buffer, options)
    return data, buffer.getvalue()


def test_coverage_is_opt_in() -> None:
    assert "coverage" in SECTIONS and "coverage" not in DEFAULT_SECTIONS
    assert BriefingOptions().sections == DEFAULT_SECTIONS
    assert "coverage" not in parse_sections(None)
    assert parse_sections("coverage,agenda") == ("agenda", "coverage")


def test_the_page_shows_every_consortium_with_its_figures(sample, parse) -> None:
    data, pdf = _packet(sample, ("cover", "coverage"))
    report = data.coverage
    assert report is not None and report.today == DAY
    parsed = parse(pdf)
    assert "Coverage of the consortia" in parsed.outline_titles()
    assert "Gaps" in parsed.outline_titles()
    for c in report.consortia:
        # the table row: short name, members, contacts
        assert parsed.contains(f"{c.short_name}{c.organizations:,}{c.contacts:,}")
    assert parsed.contains("Proposals per consortium")
    assert parsed.contains("Proposals by status, by quarter due")
    first_gap = report.gaps.never_in_proposal[0].name
    assert parsed.contains(first_gap)
    assert parsed.contains(f"Organizations never in a proposal "
                           f"({report.gaps.never_in_proposal_total:,})")


def test_without_the_section_nothing_is_collected(sample, parse) -> None:
    data, pdf = _packet(sample, ("cover", "agenda"))
    assert data.coverage is None
    assert "Coverage of the consortia" not in parse(pdf).outline_titles()


def test_every_font_on_the_page_is_embedded(sample, parse) -> None:
    _data, pdf = _packet(sample, ("coverage",))
    reader = parse(pdf).reader
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            desc = font.get_object()
            name = str(desc["/BaseFont"])
            assert "/DescendantFonts" in desc or "/FontDescriptor" in desc, name
            assert "Helvetica" not in name and "Times" not in name


def test_hostile_organization_names_print_literally(services, build_org, parse) -> None:
    build_org('<b>R&D "Lab"</b>')
    _data, pdf = _packet_with_a_meeting(services)
    assert parse(pdf).contains('<b>R&D "Lab"</b>')


@pytest.fixture
def build_org(services):
    from coordinator.reference import CONSORTIA
    from coordinator.services.records import OrganizationData

    def make(name: str) -> None:
        services.organizations.create(OrganizationData(
            name=name, sector="company", consortium_id=CONSORTIA[0].id))

    return make


def _packet_with_a_meeting(services):
    from datetime import UTC, datetime

    from coordinator.services.records import MeetingData

    services.meetings.create(MeetingData(title="Call", starts_at=datetime(2026, 3, 10, 16,
                                                                          tzinfo=UTC)))
    return _packet(services, ("coverage",))
