"""The NANP fast path (`services.phones.e164`) answers exactly as phonenumbers does.

`validation.phone_to_e164` (phonenumbers' parse + is_valid_number) is the reference;
the fast path must give the same E.164 string, or the same None, for every input:
every area code, every common way of writing a North American number, and anything
else (other countries, extensions, letters, other scripts' digits, junk), which must
simply fall through to the reference.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordinator.services import phones
from coordinator.services.validation import phone_to_e164

SHAPES = [
    "({a}) {x}-{n}", "{a}-{x}-{n}", "{a}.{x}.{n}", "{a} {x} {n}", "{a}{x}{n}",
    "+1 {a} {x} {n}", "+1-{a}-{x}-{n}", "+1 ({a}) {x}-{n}", "+1{a}{x}{n}",
    "1-{a}-{x}-{n}", "1 ({a}) {x}-{n}", "1{a}{x}{n}", "({a}){x}-{n}", "+1.{a}.{x}.{n}",
    " ({a}) {x}-{n} ", "({a})-{x}-{n}", "1 {a}.{x}.{n}",
]
# Close to a fast shape, but not one: phonenumbers decides these.
NEAR_SHAPES = [
    "{a}-{x}-{n} x12", "{a}-{x}-{n} ext. 5", "({a}) {x}-{n};ext=9", "+1 {a} {x} {n} #7",
    "+01 {a} {x} {n}", "011 1 {a} {x} {n}", "+1  {a} {x} {n}", "+ 1 {a} {x} {n}",
    "1+{a}{x}{n}", "{a}-{x}{n}0", "{a}-{x}-{n}-", "[{a}] {x}-{n}", "tel:+1-{a}-{x}-{n}",
    "({a} {x}-{n}", "{a}/{x}-{n}", "+1 ({a}) {x}-{n} (work)", "11{a}{x}{n}",
    "{x}-{n}", "{a}{x}{n}{n}",
]

digits3 = st.integers(0, 999).map(lambda v: f"{v:03d}")
digits4 = st.integers(0, 9999).map(lambda v: f"{v:04d}")


def same(text: str) -> None:
    assert phones.e164(text) == phone_to_e164(text), text


def test_the_fast_path_is_on_with_this_phonenumbers() -> None:
    """If the self-check against phonenumbers failed, everything would still be right
    but slow; this says so."""
    assert phones._checked_validator() is not None
    assert phones.nanp_fast("(214) 555-0134") == "+12145550134"
    assert phones.nanp_fast("(999) 555-0134") is None  # a fast shape, not a valid number
    assert phones.nanp_fast("214-555-0134 x12") is False  # not a fast shape


@pytest.mark.parametrize("shape", ["({a}) {x}-{n}", "+1 {a} {x} {n}", "1{a}{x}{n}"])
def test_every_area_code(shape: str) -> None:
    for area in range(200, 1000):
        for exchange, number in (("555", "0134"), ("200", "0000"), ("911", "4567"),
                                 (f"{area % 800 + 200:03d}", f"{area * 7 % 10000:04d}")):
            same(shape.format(a=area, x=exchange, n=number))


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(SHAPES), st.integers(200, 999), digits3, digits4)
def test_nanp_shapes(shape: str, area: int, exchange: str, number: str) -> None:
    text = shape.format(a=area, x=exchange, n=number)
    assert phones.nanp_fast(text.strip()) is not False, text
    same(text)


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(SHAPES + NEAR_SHAPES), digits3, digits3, digits4)
def test_near_shapes_and_impossible_area_codes(shape: str, area: str, exchange: str,
                                               number: str) -> None:
    same(shape.format(a=area, x=exchange, n=number))


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=string.digits + " +-().x#*;,/" + "ABCWXYZ" + "٢١٤۵" + "\u00a0\t",
               max_size=24))
def test_anything_else(text: str) -> None:
    same(text)


@pytest.mark.parametrize("text", [
    "+44 20 7946 0958", "+49 30 901820", "+52 55 1234 5678", "+61 2 9374 4000",
    "+33 1 42 68 53 00", "+1 242 357 1234", "+1 876 555 0100", "+1 416 555 0134",
    "+1 787 555 0134", "+1 340 642 1234", "1-800-FLOWERS", "1-800-555-0199",
    "(800) 555-0199", "(900) 555-0199", "(500) 555-0199", "(700) 555-0199",
    "(555) 555-5555", "(212) 555-01340", "ext. 4471 (front desk)", "", "  ", "+", "1",
    "２１４５５５０１３４", "(214) 555-0134\n", "214-555-0134\u00a0",
])
def test_examples(text: str) -> None:
    same(text)


def test_the_self_check_turns_a_wrong_fast_path_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """A phonenumbers release with other rules must not make the fast path lie."""
    phones._checked_validator.cache_clear()
    monkeypatch.setattr(phones, "_nanp_validator", lambda: (lambda nsn: True))
    try:
        assert phones._checked_validator() is None
        assert phones.nanp_fast("(999) 555-0134") is False
        same("(999) 555-0134")
    finally:
        phones._checked_validator.cache_clear()
    monkeypatch.undo()
    assert phones._checked_validator() is not None
