"""A web address that breaks URL parsing (unbalanced IPv6 brackets) in one row of an
import: that row keeps the text in its notes with a warning, and the whole file imports."""

from __future__ import annotations

import pytest

from coordinator.formats import importer
from coordinator.formats.reader import parse_contacts
from coordinator.services import Services

BAD = ["http://[", "]", "https://[::1", "http://a.example.org:99999"]


def _csv(bad: str) -> bytes:
    return ("Given Name,Family Name,Website,E-mail 1 - Value\n"
            f"Ada,Lovelace,{bad},ada@example.org\n"
            "Grace,Hopper,https://navy.example.org,grace@example.org\n"
            "Alan,Turing,,alan@example.org\n").encode()


def _vcard(bad: str) -> bytes:
    cards = [("Lovelace", "Ada", bad), ("Hopper", "Grace", "https://navy.example.org"),
             ("Turing", "Alan", "")]
    return "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{given} {family}\r\nN:{family};{given};;;\r\n"
        + (f"URL:{url}\r\n" if url else "") + "END:VCARD\r\n"
        for family, given, url in cards).encode()


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize(("make", "filename"), [(_csv, "people.csv"), (_vcard, "people.vcf")])
def test_a_broken_web_address_does_not_stop_the_import(db, services: Services, make, filename,
                                                       bad: str) -> None:  # type: ignore[no-untyped-def]
    parsed = parse_contacts(make(bad), filename=filename)
    assert parsed.errors == []
    assert [str(w) for w in parsed.warnings] == [
        f"{parsed.contacts[0].where}: Web address {bad!r} is not valid; kept in the notes."]
    report = importer.apply(db, parsed)
    assert report.created == 3 and report.errors == []
    people = {r.full_name: services.contacts.get(r.id) for r in services.contacts.list().rows}
    assert set(people) == {"Ada Lovelace", "Grace Hopper", "Alan Turing"}
    ada = people["Ada Lovelace"]
    assert ada.website == "" and bad in ada.notes  # nothing typed is lost
    assert people["Grace Hopper"].website == "https://navy.example.org"
