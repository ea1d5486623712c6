"""Counts and articles: one helper for every count shown to a person."""

from __future__ import annotations

import pytest

from coordinator.wording import a_or_an, count_noun, plural


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 contacts"), (1, "1 contact"), (2, "2 contacts"), (1200, "1,200 contacts"),
    (-1, "-1 contact")])
def test_plural_agrees_with_the_count(n: int, text: str) -> None:
    assert plural(n, "contact") == text


def test_irregular_plurals() -> None:
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"
    assert plural(2, "consortium", "consortia") == "2 consortia"
    assert count_noun(1, "section") == "section"
    assert count_noun(4, "section") == "sections"


@pytest.mark.parametrize(("noun", "text"), [
    ("organization", "an organization"), ("contact", "a contact"),
    ("action item", "an action item"), ("meeting", "a meeting"),
    ("hour", "an hour"), ("user", "a user"), ("one-off", "a one-off"),
    ("Organization", "an Organization")])
def test_article(noun: str, text: str) -> None:
    assert a_or_an(noun) == text
