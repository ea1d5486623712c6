"""Validation: every problem of one input reported at once, with field names and
messages a person can act on; nothing is saved when validation fails."""

from __future__ import annotations

from datetime import date

import pytest

from coordinator.errors import FieldProblem, ValidationError
from coordinator.services import Services, validation
from coordinator.services.records import (
    ActionItemData,
    AgendaItemData,
    AttendeeData,
    BudgetLineData,
    ContactData,
    EmailData,
    MeetingData,
    OrganizationData,
    PartnerData,
    PhoneData,
    ProposalData,
)
from coordinator.services.validation import phone_to_e164, url_problem

from .conftest import NOW, Build


def _problems(err: pytest.ExceptionInfo[ValidationError]) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in err.value.problems]


def test_contact_reports_every_problem_at_once(services: Services) -> None:
    data = ContactData(
        given_name=" ", family_name="", title="x" * 201, website="not a url",
        birthday="12/04/1990", organization_id="ghost",
        emails=[EmailData("not-an-email"), EmailData(" "), EmailData("ok@example.org"),
                EmailData("a@b")],
        phones=[PhoneData("whenever, ask reception")])
    with pytest.raises(ValidationError) as err:
        services.contacts.create(data)
    assert _problems(err) == [
        ("name", "Enter a first or last name."),
        ("emails[0]", "An email address must have an @-sign."),
        ("emails[1]", "Enter an email address or remove the empty row."),
        ("emails[3]", "The part after the @-sign is not valid. It should have a period."),
        ("website", "Enter a web address such as https://example.org."),
        ("birthday", "Use YYYY-MM-DD, or --MM-DD when the year is unknown."),
        ("title", "Keep the job title to 200 characters or fewer (it has 201)."),
        ("organization_id", "Choose an existing organization."),
    ]
    assert "name: Enter a first or last name." in str(err.value)
    assert services.contacts.count() == 0
    # validate() gives the same field problems without saving (no database check).
    assert [p.field for p in services.contacts.validate(data)] == [
        "name", "emails[0]", "emails[1]", "emails[3]", "website", "birthday", "title"]


def test_a_failed_update_changes_nothing(services: Services, build: Build) -> None:
    c = build.contact("Ada", "Lovelace", emails=["ada@example.org"])
    bad = services.contacts.get(c.id)
    bad.family_name, bad.emails = "Byron", [EmailData("broken@")]
    with pytest.raises(ValidationError) as err:
        services.contacts.update(c.id, bad)
    assert err.value.for_field("emails[0]") == ["There must be something after the @-sign."]
    assert services.contacts.get(c.id) == c


@pytest.mark.parametrize(("given", "family"), [("Ada", ""), ("", "Lovelace")])
def test_one_name_is_enough(services: Services, given: str, family: str) -> None:
    c = services.contacts.create(ContactData(given_name=given, family_name=family))
    assert c.full_name == (given or family)


@pytest.mark.parametrize(("address", "message"), [
    ("ada@example.org", None),
    ("Ada.Lovelace+nscp@sub.example.org", None),
    ("zoë@exämple.org", None),
    ("ada", "An email address must have an @-sign."),
    ("ada@", "There must be something after the @-sign."),
    ("a@@example.org", "The part after the @-sign contains invalid characters: '@'."),
    ("ada@exa mple.org", "The part after the @-sign contains invalid characters: SPACE."),
])
def test_email_syntax(services: Services, address: str, message: str | None) -> None:
    problems = services.contacts.validate(ContactData(given_name="A", emails=[EmailData(address)]))
    assert problems == ([FieldProblem("emails[0]", message)] if message else [])


@pytest.mark.parametrize(("raw", "e164"), [
    ("(214) 555-0100", "+12145550100"),
    ("214.555.0100", "+12145550100"),
    ("+1 720 555 0199", "+17205550199"),
    ("+44 20 7946 0958", "+442079460958"),
    ("+33 1 42 68 53 00", "+33142685300"),
    ("ext. 12", None),
    ("555", None),
    ("call the front desk", None),
    ("+999 123", None),
])
def test_phone_stored_as_e164_when_it_parses(services: Services, raw: str,
                                             e164: str | None) -> None:
    assert phone_to_e164(raw) == e164
    c = services.contacts.create(ContactData(given_name="A", phones=[PhoneData(raw)]))
    assert [(p.raw, p.e164) for p in c.phones] == [(raw, e164)]  # never rejected


@pytest.mark.parametrize(("url", "message"), [
    ("", None),
    ("https://nscp.example.org/portal?a=1&b=2", None),
    ("http://example.org", None),
    ("example.org", None),
    ("ftp://example.org", "Enter a web address such as https://example.org."),
    ("not a url", "Enter a web address such as https://example.org."),
    ("http://localhost", "Enter a web address such as https://example.org."),
    ("https://exa mple.org", "A web address cannot contain spaces."),
])
def test_urls(url: str, message: str | None) -> None:
    assert url_problem(url) == message


def test_organization_problems(services: Services) -> None:
    with pytest.raises(ValidationError) as err:
        services.organizations.create(OrganizationData(
            name="", sector="spaceport", website="ftp://x.example.org", consortium_id="ghost"))
    assert _problems(err) == [
        ("name", "Name is required."),
        ("sector", "Choose a sector; 'spaceport' is not one."),
        ("website", "Enter a web address such as https://example.org."),
        ("consortium_id", "Choose one of the consortia."),
    ]
    with pytest.raises(ValidationError) as err:
        services.organizations.create(OrganizationData(name="x" * 301))
    assert _problems(err) == [("name", "Keep the name to 300 characters or fewer (it has 301).")]
    assert services.organizations.list().total == 0


def test_proposal_problems(services: Services, build: Build) -> None:
    org = build.org()
    with pytest.raises(ValidationError) as err:
        services.proposals.create(ProposalData(
            title="  ", status="won", amount_minor=-1, currency="XYZ",
            due_date=date(1999, 12, 31), lead_organization_id="ghost", owner_id="ghost",
            partners=[PartnerData(org.id, role="boss", commitment_minor=-5),
                      PartnerData(org.id), PartnerData("ghost")],
            budget_lines=[BudgetLineData("Staff", 10), BudgetLineData("Refund", -10)]))
    assert _problems(err) == [
        ("title", "Title is required."),
        ("status", "Unknown status 'won'."),
        ("amount_minor", "The amount cannot be negative."),
        ("currency", "Use one of CAD, EUR, GBP, MXN, USD."),
        ("partners[0]", "Unknown role 'boss'."),
        ("partners[0]", "A commitment cannot be negative."),
        ("partners[1]", "This organization is already a partner."),
        ("budget_lines[1]", "A budget line cannot be negative."),
        ("due_date", "Enter a due date after the year 2000."),
        ("partners[2]", "Choose an existing organization."),
        ("lead_organization_id", "Choose an existing organization."),
        ("owner_id", "Choose an existing contact."),
    ]
    assert services.proposals.list().total == 0
    ok = services.proposals.create(ProposalData(title="Zero", amount_minor=0, currency="eur"))
    assert ok.amount_minor == 0


def test_meeting_problems(services: Services, build: Build) -> None:
    ada = build.contact()
    with pytest.raises(ValidationError) as err:
        services.meetings.create(MeetingData(
            title="", starts_at=None, time_zone="Mars/Olympus", kind="party",
            duration_minutes=-1, link="not a url",
            agenda=[AgendaItemData(" ", minutes=-5)],
            attendees=[AttendeeData(ada.id, role="boss"), AttendeeData(ada.id, rsvp="perhaps")],
            action_items=[ActionItemData(" "), ActionItemData("Do", status="someday")]))
    assert _problems(err) == [
        ("title", "Title is required."),
        ("starts_at", "Enter the date and time the meeting starts."),
        ("time_zone",
         "Unknown time zone 'Mars/Olympus'; use an IANA name such as America/Chicago."),
        ("kind", "Unknown kind 'party'."),
        ("duration_minutes", "Enter a duration between 0 minutes and a week."),
        ("link", "Enter a web address such as https://example.org."),
        ("agenda[0]", "An agenda item needs a title."),
        ("agenda[0]", "Minutes cannot be negative."),
        ("attendees[0]", "Unknown role 'boss'."),
        ("attendees[1]", "This person is already an attendee."),
        ("attendees[1]", "Unknown RSVP 'perhaps'."),
        ("action_items[0]", "An action item needs a text."),
        ("action_items[1]", "Unknown status 'someday'."),
    ]
    assert services.meetings.list().total == 0


def test_failed_meeting_update_keeps_the_meeting(services: Services, build: Build) -> None:
    m = build.meeting("Call", starts_at=NOW, series="NSCP Call",
                      actions=[ActionItemData("Send slides")])
    bad = services.meetings.get(m.id)
    bad.title, bad.kind = "Renamed", "party"
    with pytest.raises(ValidationError):
        services.meetings.update(m.id, bad)
    assert services.meetings.get(m.id) == m


# -- length limits: the same validate() the forms call live, and create() refuses ------
def _at_and_over(limit: int) -> tuple[str, str]:
    return "T" * limit, "T" * (limit + 1)


def test_proposal_title_limit(services: Services) -> None:
    ok, too_long = _at_and_over(validation.TITLE_MAX_CHARS)
    assert services.proposals.validate(ProposalData(title=ok)) == []
    message = (f"Keep the title to {validation.TITLE_MAX_CHARS} characters or fewer "
               f"(it has {validation.TITLE_MAX_CHARS + 1}).")
    assert services.proposals.validate(ProposalData(title=too_long)) == [
        FieldProblem("title", message)]
    assert services.proposals.validate(ProposalData(title="x" * 100_000))[0].field == "title"
    with pytest.raises(ValidationError) as err:
        services.proposals.create(ProposalData(title=too_long))
    assert err.value.for_field("title") == [message]
    assert services.proposals.create(ProposalData(title=ok)).title == ok
    assert services.proposals.list().total == 1


def test_meeting_title_and_agenda_title_limits(services: Services) -> None:
    ok, too_long = _at_and_over(validation.TITLE_MAX_CHARS)
    base = MeetingData(title=ok, starts_at=NOW, agenda=[AgendaItemData(ok)])
    assert services.meetings.validate(base) == []
    bad = MeetingData(title=too_long, starts_at=NOW, agenda=[AgendaItemData(too_long)])
    assert [p.field for p in services.meetings.validate(bad)] == ["title", "agenda[0]"]
    with pytest.raises(ValidationError) as err:
        services.meetings.create(bad)
    assert "title to 300 characters" in err.value.for_field("title")[0]
    assert services.meetings.list().total == 0


def test_organization_and_contact_name_limits(services: Services) -> None:
    ok, too_long = _at_and_over(validation.ORGANIZATION_NAME_MAX_CHARS)
    assert services.organizations.validate(OrganizationData(name=ok)) == []
    assert [p.field for p in services.organizations.validate(
        OrganizationData(name=too_long))] == ["name"]
    person_ok, person_long = _at_and_over(validation.PERSON_NAME_MAX_CHARS)
    affix_long = "T" * (validation.NAME_AFFIX_MAX_CHARS + 1)
    assert services.contacts.validate(ContactData(
        given_name=person_ok, family_name=person_ok, middle_name=person_ok)) == []
    problems = services.contacts.validate(ContactData(
        given_name=person_long, family_name=person_long, middle_name=person_long,
        nickname=person_long, prefix=affix_long, suffix=affix_long, pronouns=affix_long))
    assert [p.field for p in problems] == [
        "prefix", "given_name", "middle_name", "family_name", "suffix", "nickname",
        "pronouns"]
    assert problems[1].message == (f"Keep the first name to {validation.PERSON_NAME_MAX_CHARS}"
                                   f" characters or fewer (it has {len(person_long)}).")
    # surrounding spaces are not counted: they are stripped on save
    assert services.organizations.validate(OrganizationData(name=f"  {ok}  ")) == []
