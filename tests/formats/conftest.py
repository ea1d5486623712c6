"""Fixtures for the import/export tests: the fixture folder and a small coalition."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from coordinator.reference import CONSORTIA
from coordinator.services import Services
from coordinator.services.records import (
    ActionItemData,
    AddressData,
    AgendaItemData,
    AttendeeData,
    ContactData,
    EmailData,
    MeetingData,
    OrganizationData,
    PhoneData,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def consortium_id(short: str) -> str:
    return next(c.id for c in CONSORTIA if c.short_name == short)


@pytest.fixture
def fixture_bytes():  # type: ignore[no-untyped-def]
    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read


@pytest.fixture
def coalition(services: Services) -> dict[str, str]:
    """Two organizations, three contacts with every field, a meeting that uses them."""
    plano = services.organizations.create(OrganizationData(
        name="City of Plano", sector="local_government", consortium_id=consortium_id("NTXIA")))
    tucson = services.organizations.create(OrganizationData(
        name="City of Tucson", sector="local_government", consortium_id=consortium_id("SASR")))
    zoe = services.contacts.create(ContactData(
        prefix="Dr.", given_name="Zoë", middle_name="Ana", family_name="Martínez-López",
        suffix="PhD", nickname="@zoe", pronouns="she/her", title="-Program Manager, Mobility",
        organization_id=plano.id, website="https://plano.example.org/smart",
        notes="=SUM(A1:A9) is not a formula here.\nSecond line; with, punctuation",
        birthday="--03-07", last_contacted_on=date(2026, 10, 1),
        emails=[EmailData("zoe.martinez@plano.example.org", "work", True),
                EmailData("zoe@example.org", "home")],
        phones=[PhoneData("+1 972-555-0142", "mobile", True), PhoneData("(972) 555-0100", "work"),
                PhoneData("(972) 555-0109", "work fax")],
        addresses=[AddressData("work", "1520 K Ave\nSuite 300", "Plano", "TX", "75074",
                               "United States")],
        tags=["Mobility", "Curb data"]))
    kwame = services.contacts.create(ContactData(
        given_name="Kwame", family_name="Mensah", title="CIO", organization_id=tucson.id,
        birthday="1979-11-23",
        emails=[EmailData("kwame.mensah@tucson.example.org", "work", True)],
        phones=[PhoneData("520-555-0188", "work")],
        addresses=[AddressData("home", "12 Saguaro Rd", "Tucson", "AZ", "85701", "USA")],
        tags=["Water"]))
    solo = services.contacts.create(ContactData(
        given_name="Søren", family_name="Østergaard", notes="No email, no organization.",
        phones=[PhoneData("ext. 4471 (front desk)", "work")]))
    meeting = services.meetings.create(MeetingData(
        title="NTXIA partnership call", starts_at=datetime(2026, 12, 3, 16, 0, tzinfo=UTC),
        time_zone="America/Chicago", series_name="NTXIA monthly",
        link="https://meet.example.org/ntxia", location="Plano City Hall",
        agenda=[AgendaItemData("Curb data pilot", zoe.id, 15, "Status and next steps")],
        attendees=[AttendeeData(zoe.id, "chair", "yes"), AttendeeData(kwame.id, "attendee"),
                   AttendeeData(solo.id)],
        action_items=[ActionItemData("Send curb data", owner_id=zoe.id)]))
    return {"plano": plano.id, "tucson": tucson.id, "zoe": zoe.id, "kwame": kwame.id,
            "solo": solo.id, "meeting": meeting.id}
