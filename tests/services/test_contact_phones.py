"""Saving a contact stores each phone's E.164 form through the shared NANP fast path
(`services.phones.e164`), with exactly the answer phonenumbers gives
(`validation.phone_to_e164`, what the contact service used before)."""

from __future__ import annotations

import phonenumbers
import pytest

from coordinator.services import Services, phones
from coordinator.services.records import ContactData, PhoneData
from coordinator.services.validation import phone_to_e164

# Fast NANP shapes (valid and not), near misses and other countries that phonenumbers
# decides, and text that is no number at all.
SHAPES = [
    "(214) 555-0134", "214-555-0134", "214.555.0134", "2145550134", "+1 214 555 0134",
    "1-214-555-0134", " (303) 555-0100 ", "+1 (416) 555-0134", "(268) 464-1234",
    "1-800-555-0199", "(999) 555-0134", "+1 555 555 5555", "(201) 200-0000",
    "214-555-0134 x12", "214-555-0134 ext. 5", "+1  214 555 0134", "555-0134",
    "+44 20 7946 0958", "+52 55 5555 1234", "tel:+1-214-555-0134", "(２１４) ５５５-０１３４",
    "call the front desk", "12",
]


def _create(services: Services, numbers: list[str]) -> list[PhoneData]:
    return services.contacts.create(ContactData(
        given_name="Grace", family_name="Hopper",
        phones=[PhoneData(raw, "work") for raw in numbers])).phones


def test_create_stores_the_same_e164_as_phonenumbers(services: Services) -> None:
    stored = _create(services, SHAPES)
    assert [p.raw for p in stored] == [raw.strip() for raw in SHAPES]
    assert [p.e164 for p in stored] == [phone_to_e164(raw) for raw in SHAPES]
    assert {p.e164 for p in stored} >= {"+12145550134", "+442079460958", None}


def test_create_skips_phonenumbers_for_common_nanp_shapes(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    assert phones.e164("(214) 555-0134") == "+12145550134"  # the self-check runs once, first
    parsed: list[str] = []
    real_parse = phonenumbers.parse

    def counting_parse(text: str, *args: object, **kwargs: object) -> object:
        parsed.append(text)
        return real_parse(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(phonenumbers, "parse", counting_parse)
    stored = _create(services, ["(214) 555-0134", "+1 303 555 0100", "214-555-0134 x12"])
    assert [p.e164 for p in stored] == ["+12145550134", "+13035550100", "+12145550134"]
    assert parsed == ["214-555-0134 x12"]  # only the shape the fast path does not know
