"""Money: integer minor units shown with a currency symbol and parsed back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordinator.money import SYMBOLS, format_money, parse_money


@pytest.mark.parametrize(("minor", "currency", "text"), [
    (123456, "USD", "$1,234.56"),
    (120000, "USD", "$1,200"),
    (5, "USD", "$0.05"),
    (0, "USD", "$0"),
    (-250, "USD", "-$2.50"),
    (100_000_000_00, "USD", "$100,000,000"),
    (99, "EUR", "€0.99"),
    (150000, "GBP", "£1,500"),
    (150050, "cad", "CA$1,500.50"),
    (100, "MXN", "MX$1"),
    (123456, "CHF", "CHF 1,234.56"),
])
def test_format_money(minor: int, currency: str, text: str) -> None:
    assert format_money(minor, currency) == text


def test_format_defaults_to_dollars() -> None:
    assert format_money(1999) == "$19.99"


@pytest.mark.parametrize(("text", "minor"), [
    ("$1,234.56", 123456),
    ("1234.56", 123456),
    ("  $ 1 234.5 ", 123450),
    ("€0.99", 99),
    ("CA$1,500.50", 150050),
    ("MX$1", 100),
    ("£1,500", 150000),
    ("-$2.50", -250),
    ("0", 0),
    ("", 0),
    ("   ", 0),
    ("$", 0),
])
def test_parse_money(text: str, minor: int) -> None:
    assert parse_money(text) == minor


@pytest.mark.parametrize(("text", "message"), [
    ("12.345", "Use at most two decimals."),
    ("1.001", "Use at most two decimals."),
    ("abc", "'abc' is not an amount of money."),
    ("$1.2.3", "'$1.2.3' is not an amount of money."),
    ("-", "'-' is not an amount of money."),
    ("NaN", "'NaN' is not an amount of money."),
    ("Infinity", "'Infinity' is not an amount of money."),
    ("-inf", "'-inf' is not an amount of money."),
    ("sNaN", "'sNaN' is not an amount of money."),
])
def test_parse_money_rejects_with_a_readable_message(text: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_money(text)
    assert str(err.value) == message


@settings(max_examples=300, deadline=None)
@given(minor=st.integers(min_value=-(10**15), max_value=10**15),
       currency=st.sampled_from(sorted(SYMBOLS)))
def test_round_trip(minor: int, currency: str) -> None:
    assert parse_money(format_money(minor, currency)) == minor
