"""Hostile text in every field: each validator answers with problems and never raises.

A form validates on every keystroke and an import validates every cell, so an exception
from a validator means an error dialog per key press or a whole import aborted. These
tests feed arbitrary text, and a list of strings known to break parsers, to every public
check in `coordinator.services.validation` and to every text field of the contact,
organization, meeting and proposal validation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordinator.errors import FieldProblem, ValidationError
from coordinator.services import Services
from coordinator.services import validation as v
from coordinator.services.records import (
    ActionItemData,
    AddressData,
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
    SectionData,
)

HOSTILE = [
    "http://[", "]", "[", "http://]", "https://[::1", "http://[::1]x", "//[", "[::1]:80",
    "\x00", "a\x00b", "\ud800", "http://\udfff.org", "\r", "\n", "\r\n", "a\rb",
    "\u202e", "https://example.org/\u202egpj.exe", "x" * 10_000, "http://" + "x" * 10_000,
    "%", "%00", "%zz", "{}", "{0}", "{name}", "%s%s%s", "http://a.b:99999", "http://a.b:x",
    "http://user@:80", "America", "America/", "/etc/passwd", "../../x", ".", "..", "",
    " ", "\t", "\x0b", "\x1b[31m", "\u2028", "\ufeff", "\uffff", "😀" * 500,
    "END:VCARD\r\nBEGIN:VCARD\r\nFN:Injected Person", "=cmd|' /C calc'!A0", "@", "a@b",
    "mailto:x@example.org", "http://example.org\x00.evil", "UTC\x00", "Etc/UTC/",
]
any_text = st.one_of(st.sampled_from(HOSTILE), st.text(), st.text(
    alphabet=st.characters(codec=None, categories=None), max_size=50))

CHECKS: list[Callable[[str], Any]] = [
    v.url_problem, v.email_problem, v.time_zone_problem, v.phone_to_e164, v.normalize_email]


def _str_fields(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.type in ("str", str)]


def _with(obj: Any, name: str, value: str) -> Any:
    return dataclasses.replace(obj, **{name: value})


def _variants(base: Any, value: str, children: dict[str, Any]) -> list[tuple[str, Any]]:
    """`base` with `value` in one text field at a time, children's fields included."""
    out = [(name, _with(base, name, value)) for name in _str_fields(type(base))]
    for list_name, child in children.items():
        for name in _str_fields(type(child)):
            out.append((f"{list_name}.{name}",
                        _with(base, list_name, [_with(child, name, value)])))
    return out


def contact_variants(value: str) -> list[tuple[str, Any]]:
    base = ContactData(given_name="Ada", family_name="Lovelace")
    children = {"emails": EmailData("ada@example.org"), "phones": PhoneData("214 555 0100"),
                "addresses": AddressData(street="1 Main St")}
    return [*_variants(base, value, children), ("tags", _with(base, "tags", [value]))]


def organization_variants(value: str) -> list[tuple[str, Any]]:
    base = OrganizationData(name="City of Plano")
    return [*_variants(base, value, {}), ("tags", _with(base, "tags", [value]))]


def meeting_variants(value: str) -> list[tuple[str, Any]]:
    base = MeetingData(title="Call", starts_at=datetime(2026, 1, 1, tzinfo=UTC))
    children = {"agenda": AgendaItemData("Item"), "attendees": AttendeeData("c1"),
                "action_items": ActionItemData("Do")}
    return [*_variants(base, value, children), ("decisions", _with(base, "decisions", [value])),
            ("consortium_ids", _with(base, "consortium_ids", [value]))]


def proposal_variants(value: str) -> list[tuple[str, Any]]:
    return _variants(ProposalData(title="Smart Corridors"), value, {
        "partners": PartnerData("o1"), "sections": SectionData("Heading", "Body"),
        "budget_lines": BudgetLineData("Staff", 10)})


def _all_validations(services: Services, value: str) -> None:
    for validate, variants in (
            (services.contacts.validate, contact_variants(value)),
            (services.organizations.validate, organization_variants(value)),
            (services.meetings.validate, meeting_variants(value)),
            (services.proposals.validate, proposal_variants(value))):
        for field, data in variants:
            try:
                problems = validate(data)
            except Exception as exc:
                pytest.fail(f"{type(data).__name__}.{field} = {value[:40]!r} raised {exc!r}")
            assert isinstance(problems, list)
            assert all(isinstance(p, FieldProblem) and p.message for p in problems)


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_field_checks_never_raise_on_hostile_strings(check: Callable[[str], Any],
                                                     value: str) -> None:
    result = check(value)
    assert result is None or isinstance(result, str)


@given(value=any_text)
@settings(max_examples=300, deadline=None)
def test_field_checks_never_raise_on_any_text(value: str) -> None:
    for check in CHECKS:
        result = check(value)
        assert result is None or isinstance(result, str)


def test_every_record_field_takes_hostile_strings(services: Services) -> None:
    for value in HOSTILE:
        _all_validations(services, value)


@given(value=any_text)
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_record_field_takes_any_text(services: Services, value: str) -> None:
    _all_validations(services, value)


@pytest.mark.parametrize("value", ["http://[", "]", "https://[::1", "http://a.b:99999x"])
def test_bad_web_address_is_a_problem_not_a_crash(services: Services, value: str) -> None:
    message = "Enter a web address such as https://example.org."
    assert v.url_problem(value) == message
    with pytest.raises(ValidationError) as err:
        services.organizations.create(OrganizationData(name="City of Plano", website=value))
    assert err.value.for_field("website") == [message]
    with pytest.raises(ValidationError) as err:
        services.contacts.create(ContactData(given_name="Ada", website=value))
    assert err.value.for_field("website") == [message]
    with pytest.raises(ValidationError) as err:
        services.meetings.create(MeetingData(title="Call", link=value,
                                             starts_at=datetime(2026, 1, 1, tzinfo=UTC)))
    assert err.value.for_field("link") == [message]
    assert services.organizations.list().total == 0 and services.contacts.count() == 0


@pytest.mark.parametrize("value", [
    "https://example.org/a\x00b", "https://example.org/\x1b[31m", "https://exa\u202emple.org",
    "https://example.org/\u2028x"])
def test_web_address_with_control_characters_is_a_problem(value: str) -> None:
    assert v.url_problem(value) is not None


@pytest.mark.parametrize("value", ["America", "America/", "x" * 10_000, "UTC\x00", "\ud800",
                                   "../../etc/passwd", ""])
def test_unknown_time_zone_is_a_problem(value: str) -> None:
    assert v.time_zone_problem(value) is not None


@pytest.mark.parametrize("value", ["https://[::1]/", "http://[2001:db8::1]:8080/x"])
def test_bracketed_ip_addresses_are_judged_not_raised(value: str) -> None:
    # an IP literal has no dot in the host part the check asks for, but either way it
    # comes back as an answer, not an exception
    assert v.url_problem(value) in (None, "Enter a web address such as https://example.org.")


def test_a_lone_surrogate_in_any_field_is_a_problem_not_a_crash(services: Services) -> None:
    # SQLite stores UTF-8: '\ud800' (left by a broken paste) would raise
    # UnicodeEncodeError on save, so validate() names the field instead.
    value = "Ada\ud800"
    for validate, variants in (
            (services.contacts.validate, contact_variants(value)),
            (services.organizations.validate, organization_variants(value)),
            (services.meetings.validate, meeting_variants(value)),
            (services.proposals.validate, proposal_variants(value))):
        for field, data in variants:
            problems = validate(data)
            assert v.UNSAVABLE_TEXT in [p.message for p in problems], field
            top = field.split(".")[0]
            assert any(p.field.split("[")[0] == top for p in problems
                       if p.message == v.UNSAVABLE_TEXT), field


def test_saving_a_lone_surrogate_raises_a_validation_error(services: Services) -> None:
    starts = datetime(2026, 1, 1, tzinfo=UTC)
    for create, data, field in (
            (services.contacts.create, ContactData(given_name="Ada", notes="x\ud800"),
             "notes"),
            (services.organizations.create, OrganizationData(name="Plano\udfff"), "name"),
            (services.proposals.create, ProposalData(title="Corridors", tags=["\ud800"]),
             "tags[0]"),
            (services.meetings.create, MeetingData(title="Call", starts_at=starts,
                                                   decisions=["ok", "\udc80"]),
             "decisions[1]")):
        with pytest.raises(ValidationError) as err:
            create(data)
        assert err.value.for_field(field) == [v.UNSAVABLE_TEXT]
    assert services.contacts.count() == 0 and services.organizations.list().total == 0
