"""Property tests: any contact survives export and re-parsing in every format.

Hypothesis generates awkward text (separators, quotes, backslashes, formula starts,
non-Latin letters, line breaks in notes) to find escaping bugs no fixture thought of.
"""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordinator.formats import csv_export, vcard_export
from coordinator.formats.reader import parse_contacts
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

AWKWARD = ",;:\\\"'=+-@*()&/<>#%!?ßøłđ€“”éÜñ漢字"
word = st.text(alphabet=string.ascii_letters + AWKWARD, min_size=1, max_size=12).filter(
    lambda w: not w.startswith(("*", "-", "'")) or len(w) > 1)
line = st.lists(word, min_size=1, max_size=4).map(" ".join)
notes = st.lists(line, min_size=0, max_size=3).map("\n".join)
label = st.sampled_from(["work", "home", "mobile", "other", "work fax", "Board", "assistant"])


@st.composite
def contacts(draw) -> ContactData:  # type: ignore[no-untyped-def]
    n_emails = draw(st.integers(0, 3))
    locals_ = draw(st.lists(st.text(alphabet=string.ascii_lowercase + "._+", min_size=1,
                                    max_size=8).filter(lambda s: s[0] not in "._"
                                                       and s[-1] != "." and ".." not in s),
                            min_size=n_emails, max_size=n_emails, unique=True))
    emails = [EmailData(f"{loc}@example.org", draw(label), i == 0)
              for i, loc in enumerate(locals_)]
    numbers = draw(st.lists(st.integers(2000000, 9999999), max_size=3, unique=True))
    phones = [PhoneData(f"(972) {str(n)[:3]}-{str(n)[3:]}", draw(label), i == 0)
              for i, n in enumerate(numbers)]
    addresses = [AddressData(draw(st.sampled_from(["work", "home"])), draw(notes), draw(line),
                             draw(word), draw(st.text(string.digits, max_size=5)), draw(line))
                 for _ in range(draw(st.integers(0, 1)))]
    tags = draw(st.lists(line, max_size=3, unique_by=lambda t: t.casefold()))
    tags = [t for t in tags if ":::" not in t and not t.startswith("* ")
            and t.casefold() not in ("starred", "mycontacts")]
    return ContactData(
        given_name=draw(line), family_name=draw(line), middle_name=draw(st.just("") | word),
        nickname=draw(st.just("") | line), title=draw(st.just("") | line),
        notes=draw(notes), emails=emails, phones=phones, addresses=addresses, tags=tags,
        organization_name=draw(st.just("") | line),
        birthday=draw(st.sampled_from(["", "--02-29", "1975-03-07"])),
        id="0e7b6c52-3a1f-4c55-8d6e-6b9f1b7a9c01")


def same(a: ContactData, b: ContactData, fmt: str) -> None:
    for name in ("given_name", "family_name", "middle_name", "nickname", "title", "notes",
                 "birthday"):
        assert getattr(b, name) == getattr(a, name), (fmt, name)
    assert [(e.address, e.label, e.is_primary) for e in b.emails] == [
        (e.address, e.label, e.is_primary) for e in a.emails], fmt
    assert [(p.raw, p.label, p.is_primary) for p in b.phones] == [
        (p.raw, p.label, p.is_primary) for p in a.phones], fmt
    assert [(x.label, x.street, x.city, x.region, x.postal_code, x.country)
            for x in b.addresses] == [(x.label, x.street, x.city, x.region, x.postal_code,
                                       x.country) for x in a.addresses], fmt
    assert b.tags == a.tags, fmt


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contact=contacts())
def test_every_format_round_trips(contact: ContactData) -> None:
    for fmt, data, name in (("csv", csv_export.contacts_csv([contact]), "x.csv"),
                            ("vcard3", vcard_export.vcard30([contact]), "x.vcf"),
                            ("vcard4", vcard_export.vcard40([contact]), "x.vcf")):
        result = parse_contacts(data, filename=name)
        assert result.errors == [], (fmt, result.errors)
        [back] = result.contacts
        assert back.organization == contact.organization_name, fmt
        same(contact, back.data, fmt)


VCARD_BITS = ["BEGIN:VCARD\r\n", "END:VCARD\r\n", "VERSION:2.1\r\n", "VERSION:4.0\r\n",
              "N:a;b;;;\r\n", "FN:x\r\n", "EMAIL;TYPE=work:a@example.org\r\n", " folded\r\n",
              "NOTE;ENCODING=QUOTED-PRINTABLE:=C3=\r\n", "=A9\r\n", "ADR:;;;\r\n", "\r\n",
              "BDAY:--1399\r\n", "TEL;VALUE=uri:tel:\r\n", "item1.X-ABLabel:\r\n", "garbage\r\n",
              "PHOTO;ENCODING=b:AAAA\r\n", "ORG:\r\n", "CATEGORIES:,,\r\n", "N:;;;;\r\n"]
CSV_BITS = ["First Name,Last Name,E-mail 1 - Value\r\n", "Name;Email\n", "\"", ",", ";",
            "\t", "\n", "ada@example.org", "Ada", " ::: ", "* ", "'=x", "\x00", "é", "\r"]


@settings(max_examples=150, deadline=None)
@given(raw=st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(VCARD_BITS), max_size=25).map(lambda p: "".join(p).encode()),
    st.lists(st.sampled_from(CSV_BITS), max_size=40).map(lambda p: "".join(p).encode()),
))
def test_no_input_crashes_the_parsers(raw: bytes) -> None:
    from coordinator.errors import CoordinatorError

    for fmt in ("auto", "csv", "vcard"):
        try:
            result = parse_contacts(raw, fmt)
        except CoordinatorError as exc:
            assert str(exc)  # a message for the user
        else:
            for problem in result.errors:
                assert problem.where and problem.reason
