"""Reading vCard 2.1, 3.0 and 4.0 from hand-written fixtures with every quirk."""

from __future__ import annotations

import socket
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordinator.formats.parsed import UnreadableFile
from coordinator.formats.vcard_import import parse_vcards


def by_name(result, given):  # type: ignore[no-untyped-def]
    return next(c for c in result.contacts if c.data.given_name == given)


def test_apple_30_grouped_labels_and_company_card(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_vcards(fixture_bytes("apple.vcf"))
    assert result.errors == []
    isabel = by_name(result, "Isabel")
    d = isabel.data
    assert (d.middle_name, d.family_name) == ("María", "Hernández")
    assert isabel.organization == "City of Chandler"
    # lowercase repeated type= parameters, pref, and item1.X-ABLabel custom labels
    assert [(e.address, e.label, e.is_primary) for e in d.emails] == [
        ("isabel.hernandez@chandler.example.org", "work", True),
        ("isabel@example.org", "home", False),
        ("ihernandez.board@example.org", "Board", False)]
    assert [(p.label, p.is_primary) for p in d.phones] == [
        ("mobile", True), ("assistant", False), ("work fax", False)]
    assert d.website == "http://www.chandler.example.org/innovation"  # 'http\://' unescaped
    assert d.birthday == "--04-14"  # X-APPLE-OMIT-YEAR=1604
    assert d.addresses[0].street == "175 S Arizona Ave\nSuite 500"
    assert d.notes.startswith("Met at Connective Summit, Phoenix.\nFollow up")
    assert d.tags == ["The Connective", "Curb management"]
    assert isabel.source_id == "8A3C5F0E-7B1D-4E2A-9C6F-1234567890AB"
    company = next(c for c in result.contacts if c.is_organization)
    assert company.organization == "Maricopa Association of Governments"
    assert company.data.website == "https://azmag.example.org"


def test_android_21_quoted_printable_split_inside_a_character(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    raw = fixture_bytes("android_21.vcf")
    assert b"Mart=C3=\r\n=ADnez" in raw  # the soft break falls inside 'í'
    result = parse_vcards(raw)
    assert result.errors == []
    zoe = by_name(result, "Zoë")
    assert zoe.data.family_name == "Martínez"
    assert zoe.data.notes == "Café meeting every first Tuesday\nBring the curb data — printed."
    assert [(p.label, p.is_primary) for p in zoe.data.phones] == [("mobile", False),
                                                                  ("work", True)]
    assert zoe.data.emails[0].label == "home"
    # the second card has a blank line inside it and still reads
    terrence = by_name(result, "Terrence")
    assert terrence.organization == "City of Jacksonville"


def test_outlook_21_windows_code_page(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_vcards(fixture_bytes("outlook_21.vcf"))
    assert result.errors == []
    renee = result.contacts[0]
    assert (renee.data.given_name, renee.data.family_name) == ("Renée", "Côté")
    # quoted-printable bytes in cp1252 without a CHARSET parameter
    assert renee.data.notes == ("Pilot lead for the “RAPID” shuttle.\n"
                                "Budget owner – ask before March.")
    assert renee.data.addresses[0].street == "101 W Abram St\nFloor 3"
    assert renee.data.emails[0].is_primary


def test_vcard_40(fixture_bytes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a photo URL must never be fetched")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    result = parse_vcards(fixture_bytes("v4.vcf"))
    assert result.errors == []
    kwame = by_name(result, "Kwame")
    d = kwame.data
    assert (d.prefix, d.nickname, d.pronouns) == ("Dr.", "Kwam", "he/him")
    assert [(p.raw, p.label, p.is_primary) for p in d.phones] == [
        ("+1-520-555-0188", "mobile", True), ("+1-520-555-0100 ext. 12", "work", False)]
    assert d.emails[0].is_primary and d.emails[0].label == "work"
    assert d.birthday == "--04-14"
    assert d.tags == ["SASR", "Research"]
    assert d.notes.startswith("Leads the regional data-sharing agreement, v2.")
    assert kwame.source_id == "0e7b6c52-3a1f-4c55-8d6e-6b9f1b7a9c01"
    assert by_name(result, "Grace").data.emails[0].address == "grace.liu@example.org"


def test_unreadable_line_is_left_out_with_its_line_and_the_card_imports(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_vcards(fixture_bytes("broken_card.vcf"))
    assert [c.data.given_name for c in result.contacts] == ["Kenji", "Card", "Folake"]
    assert result.errors == []
    [warning] = result.warnings
    assert (warning.where, warning.line) == ("line 11", 11)
    assert warning.reason.startswith("'this line is not a property at all'")


def test_card_without_end_is_read_up_to_the_next_card(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    result = parse_vcards(fixture_bytes("no_end.vcf"))
    assert [c.data.given_name for c in result.contacts] == ["Kenji", "Folake", "Card"]
    assert [c.data.emails[0].address for c in result.contacts[:2]] == [
        "kenji.ito@example.org", "folake.adeyemi@example.org"]
    assert [(w.where, "END:VCARD" in w.reason) for w in result.warnings] == [
        ("line 1", True), ("line 12", True)]


@pytest.mark.parametrize("raw, message", [
    (b"", "empty"),
    (b"\r\n  \r\n", "empty"),
    (b"Name,Email\nAda,ada@example.org\n", "no BEGIN:VCARD"),
])
def test_not_a_vcard(raw: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        parse_vcards(raw)


def test_binary_junk(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableFile, match="not a text file"):
        parse_vcards(fixture_bytes("binary_junk.vcf"))


def test_long_unfolded_and_folded_lines() -> None:
    card = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ito;Kenji;;;\r\nFN:Kenji Ito\r\n"
            b"NOTE:A long note that was folded by the writer at seventy-five octets and \r\n"
            b" continues here.\r\nEND:VCARD\r\n")
    note = parse_vcards(card).contacts[0].data.notes
    assert note == ("A long note that was folded by the writer at seventy-five octets and "
                    "continues here.")


def test_google_vcard_system_categories(fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    [aiyana] = parse_vcards(fixture_bytes("google.vcf")).contacts
    assert aiyana.data.tags == ["SASR"]  # 'myContacts' and 'starred' are Google's own
    assert [e.label for e in aiyana.data.emails] == ["work", "Board"]
    assert aiyana.data.phones[0].label == "mobile"


def test_display_name_that_is_an_email_is_not_a_name() -> None:
    raw = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:maria.schmidt@example.org\r\n"
           b"EMAIL:maria.schmidt@example.org\r\nEND:VCARD\r\n")
    [maria] = parse_vcards(raw).contacts
    assert (maria.data.given_name, maria.data.family_name) == ("Maria", "Schmidt")
    assert "check it" in maria.warnings[0]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.text(max_size=40),
    st.sampled_from(["NOTE;ENCODING=QUOTED-PRINTABLE:a=", "=C3=", " folded", "\tfolded",
                     "ADR;HOME;PREF;:", "PROFILE:VCard", "N;CHARSET=foo:x", "TEL;;:",
                     "EMAIL:not an address", "BDAY:soon", "item1.X-ABLabel:x",
                     "PHOTO;ENCODING=b:AAAA", "NOTE;ENCODING=BASE64:!!!", "BEGIN:VCARD",
                     "URL:http\\://x", "ORG:a\\;b;c", "N:\\", "N:a\\"])), max_size=25))
def test_any_lines_inside_a_card_never_raise(lines: list[str]) -> None:
    """Whatever a card holds, the parse reports problems (or refuses a binary file with
    a message), never raises anything else."""
    raw = "\r\n".join(["BEGIN:VCARD", "VERSION:2.1", "N:Ito;Kenji", *lines, "END:VCARD"])
    try:
        result = parse_vcards(raw.encode("utf-8"))
    except UnreadableFile as exc:
        assert "not a text file" in str(exc)
        return
    assert len(result.contacts) + len(result.errors) >= 1
