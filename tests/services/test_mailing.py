"""Writing to members: Bcc mail links split on exact length limits, copied addresses
and the mail-merge CSV; do-not-contact people are left out and counted in every path."""

from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import unquote

import pytest

from coordinator.demo import build_demo
from coordinator.errors import CoordinatorError, NotFound
from coordinator.services import ContactFilter, Services
from coordinator.services.mailing import (
    MAIL_MERGE_HEADER,
    OTHER_MAILTO_MAX,
    WINDOWS_MAILTO_MAX,
    MailingSelection,
    MailLinkTooLong,
    address_text,
    display_address,
    mailto_limit,
    mailto_links,
    salutation,
)
from coordinator.services.records import ContactData, EmailData

TODAY = date(2026, 11, 24)
HEAD = len("mailto:?bcc=")


def _bcc(link: str) -> list[str]:
    query = link.split("?", 1)[1]
    bcc = next(p for p in query.split("&") if p.startswith("bcc="))[4:]
    return [unquote(a) for a in bcc.split(",")]


# -- mailto_links: a pure function, tested on exact boundaries ---------------------------
def test_platform_limits() -> None:
    assert mailto_limit("win32") == WINDOWS_MAILTO_MAX == 2000
    assert mailto_limit("cygwin") == 2000
    assert mailto_limit("darwin") == mailto_limit("linux") == OTHER_MAILTO_MAX == 8000


def test_no_addresses_no_links() -> None:
    assert mailto_links([], limit=2000) == []


@pytest.mark.parametrize("limit", [WINDOWS_MAILTO_MAX, OTHER_MAILTO_MAX])
def test_a_link_of_exactly_the_limit_is_one_link_one_more_character_is_two(limit: int) -> None:
    # n addresses of 20 characters and a last one that fills the link to `limit` exactly
    n = (limit - HEAD) // 21 - 2
    addresses = [f"m{i:06d}@example.org" for i in range(n)]
    assert {len(a) for a in addresses} == {19}
    used = HEAD + sum(len(a) + 1 for a in addresses)  # each address and the comma after
    last_local = "x" * (limit - used - len("@example.org"))
    exact = [*addresses, f"{last_local}@example.org"]
    links = mailto_links(exact, limit=limit)
    assert len(links) == 1 and len(links[0]) == limit
    assert _bcc(links[0]) == exact

    longer = [*addresses, f"{last_local}y@example.org"]
    links = mailto_links(longer, limit=limit)
    assert len(links) == 2
    assert len(links[0]) == limit - len(last_local) - len("@example.org") - 1
    assert _bcc(links[0]) == addresses and _bcc(links[1]) == [longer[-1]]
    assert all(len(link) <= limit for link in links)


def test_every_address_once_in_order_and_encoding_counted() -> None:
    addresses = [f"first+{i}@example.org" for i in range(300)]  # '+' is written %2B
    links = mailto_links(addresses, limit=WINDOWS_MAILTO_MAX, subject="NSCP call, Dec 3")
    assert len(links) > 1
    assert all(len(link) <= WINDOWS_MAILTO_MAX for link in links)
    assert [a for link in links for a in _bcc(link)] == addresses
    assert all("first%2B" in link and "subject=NSCP%20call%2C%20Dec%203" in link
               for link in links)


def test_to_and_subject_count_and_a_subject_too_long_is_refused() -> None:
    one = mailto_links(["a@example.org"], limit=100, to="me@example.org", subject="Hi")
    assert one == ["mailto:me@example.org?bcc=a@example.org&subject=Hi"]
    exact = len(one[0])
    assert len(mailto_links(["a@example.org", "b@example.org"], limit=exact,
                            to="me@example.org", subject="Hi")) == 2
    with pytest.raises(MailLinkTooLong, match="shorten the subject"):
        mailto_links(["a@example.org"], limit=exact - 1, to="me@example.org", subject="Hi")


def test_addresses_and_salutations() -> None:
    assert display_address("Ana Ruiz", "ana@x.org") == "Ana Ruiz <ana@x.org>"
    assert display_address("Ruiz, Ana", "ana@x.org") == '"Ruiz, Ana" <ana@x.org>'
    assert display_address('Dr. "Bo" Li', "bo@x.org") == '"Dr. \\"Bo\\" Li" <bo@x.org>'
    assert salutation("Dr.", "Zoë", "Martínez", "", "Dr. Zoë Martínez") == "Dr. Martínez"
    assert salutation("", "Kwame", "Mensah", "Kwa", "Kwame Mensah") == "Kwame"
    assert salutation("", "", "", "", "Søren") == "Søren"


# -- the audience, on the sample coalition ------------------------------------------------
@pytest.fixture
def sample(services: Services) -> Services:
    build_demo(services, today=TODAY)
    return services


def _flag(services: Services, contact_id: str) -> str:
    c = services.contacts.get(contact_id)
    c.do_not_contact = True
    services.contacts.update(contact_id, c)
    return c.primary_email


def test_tag_audience_leaves_out_and_counts_in_every_path(sample: Services) -> None:
    tag = sample.tags.in_use("contact")[0]
    tagged = sample.contacts.ids(ContactFilter(tag=tag))
    assert len(tagged) > 5
    flagged = {_flag(sample, cid) for cid in tagged[:3]}
    selection = MailingSelection(tag=tag)

    audience = sample.mailing.audience(selection)
    assert len(audience.recipients) == len(tagged) - 3
    assert len(audience.do_not_contact) == 3 and audience.left_out == 3
    assert "3 who asked not to be contacted" in audience.summary()

    links, linked = sample.mailing.mailto_links(selection, limit=WINDOWS_MAILTO_MAX)
    sent = [a for link in links for a in _bcc(link)]
    assert sorted(sent) == sorted(audience.addresses) and not flagged & set(sent)
    assert len(linked.do_not_contact) == 3

    text, copied = sample.mailing.copy_text(selection)
    assert not any(a in text for a in flagged)
    assert text.count("@") == len(audience.recipients) and len(copied.do_not_contact) == 3

    data, merged = sample.mailing.mail_merge(selection)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == MAIL_MERGE_HEADER
    assert len(rows) - 1 == len(audience.recipients)
    assert not flagged & {r[-1] for r in rows[1:]}
    assert len(merged.do_not_contact) == 3


def test_meeting_and_organization_audiences(sample: Services) -> None:
    from coordinator.services import MeetingFilter

    meeting = sample.meetings.list(MeetingFilter()).rows[0]
    attendees = [a.contact_id for a in sample.meetings.get(meeting.id).attendees]
    flagged = _flag(sample, attendees[0])
    audience = sample.mailing.audience(MailingSelection(meeting_id=meeting.id))
    assert len(audience.recipients) == len(attendees) - 1
    assert flagged not in audience.addresses and len(audience.do_not_contact) == 1

    org = sample.contacts.get(attendees[1]).organization_id
    assert org
    members = sample.contacts.ids(ContactFilter(organization_id=org))
    both = sample.mailing.audience(MailingSelection(meeting_id=meeting.id,
                                                    organization_id=org))
    assert {r.contact_id for r in both.recipients} == (set(attendees) & set(members)) - {
        attendees[0]}


def test_no_email_shared_address_trash_and_salutation_in_the_csv(services: Services) -> None:
    c = services.contacts
    ids = [
        c.create(ContactData(prefix="Dr.", given_name="Zoë", family_name="Martínez-López",
                             tags=["Board"], emails=[EmailData("zoe@example.org")])).id,
        c.create(ContactData(given_name="Kwame", family_name="Mensah", tags=["Board"],
                             emails=[EmailData("kwame@example.org")])).id,
        c.create(ContactData(given_name="Søren", family_name="Østergaard",
                             tags=["Board"])).id,  # no email
        c.create(ContactData(given_name="Zed", family_name="Zimmer", tags=["Board"],
                             emails=[EmailData("ZOE@example.org")])).id,  # the same address
        c.create(ContactData(given_name="Gone", family_name="Away", tags=["Board"],
                             emails=[EmailData("gone@example.org")])).id,
    ]
    c.delete(ids[4])
    audience = services.mailing.audience(MailingSelection(tag="board"))
    assert [r.email for r in audience.recipients] == ["zoe@example.org", "kwame@example.org"]
    assert (audience.without_email, audience.shared_address, audience.do_not_contact) == (
        1, 1, [])
    assert audience.summary() == ("2 recipients; left out: 1 without an email address, "
                                  "1 sharing an address with another")
    data, _ = services.mailing.mail_merge(MailingSelection(tag="Board"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == {"First Name": "Zoë", "Last Name": "Martínez-López",
                       "Full Name": "Dr. Zoë Martínez-López", "Salutation": "Dr. Martínez-López",
                       "Organization": "", "Consortium": "", "Email": "zoe@example.org"}
    assert address_text(audience.recipients, separator="; ") == (
        '"Dr. Zoë Martínez-López" <zoe@example.org>; Kwame Mensah <kwame@example.org>')
    chosen = services.mailing.audience(MailingSelection(contact_ids=[ids[1], ids[4]]))
    assert [r.full_name for r in chosen.recipients] == ["Kwame Mensah"]


def test_unknown_tag_and_meeting_are_named(services: Services) -> None:
    with pytest.raises(CoordinatorError, match="No tag 'nope'"):
        services.mailing.audience(MailingSelection(tag="nope"))
    with pytest.raises(NotFound, match="meeting"):
        services.mailing.audience(MailingSelection(meeting_id="missing"))
