"""Writing to members: who gets the email, mail links, copied addresses, mail merge.

Everything starts from an `Audience`: the live contacts a `MailingSelection` names
(chosen ids, a tag, an organization, a consortium, a meeting's attendees; every
criterion given must hold), each with their primary (else first) email address, in
name order. Three kinds of people are left out, and counted, in every path (mail
links, copied addresses, the mail-merge file):

* contacts flagged do-not-contact (they asked not to be emailed),
* contacts without an email address,
* a second contact with an address already in the list (one email per address).

Mail links (`mailto:`) put every address in Bcc, so members do not see each other's
addresses. A link longer than the platform opens is cut off or refused without a
word, so the addresses are split over several links (drafts), each at most:

* Windows: 2,000 characters. The shell hands a `mailto:` link to the mail program
  through an API limited to about 2,048 characters (the old 2,083-character URL limit
  of Internet Explorer is the often-quoted figure); 2,000 leaves room to spare.
* macOS and Linux: 8,000 characters. Their launchers pass much longer links, but
  mail programs (Apple Mail, Thunderbird, Evolution, web mail behind a browser)
  become unreliable past about 8,000.

`mailto_links` is a pure function: addresses in their given order, packed greedily,
each link at most `limit` characters as written (after percent-encoding).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from coordinator.db import Database
from coordinator.errors import CoordinatorError, NotFound
from coordinator.files import write_private_atomic
from coordinator.models import fold
from coordinator.wording import plural

WINDOWS_MAILTO_MAX = 2000
OTHER_MAILTO_MAX = 8000
MAIL_MERGE_HEADER = ("First Name", "Last Name", "Full Name", "Salutation", "Organization",
                     "Consortium", "Email")
_CHUNK = 500  # ids per query
# Characters that make a display name need quotes in an address list (RFC 5322 specials).
_SPECIALS = frozenset('()<>[]:;@\\,."')


class MailLinkTooLong(CoordinatorError):
    """Even one address does not fit in a mail link of the given length."""


def mailto_limit(platform: str | None = None) -> int:
    """The longest mail link to hand to the system on `platform` (`sys.platform`)."""
    platform = sys.platform if platform is None else platform
    return WINDOWS_MAILTO_MAX if platform.startswith(("win", "cygwin", "msys")) else (
        OTHER_MAILTO_MAX)


def _link(to: str, addresses: Sequence[str], subject: str) -> str:
    fields = []
    if addresses:
        fields.append("bcc=" + ",".join(quote(a, safe="@") for a in addresses))
    if subject:
        fields.append("subject=" + quote(subject, safe=""))
    return f"mailto:{quote(to, safe='@')}" + ("?" + "&".join(fields) if fields else "")


def mailto_links(addresses: Sequence[str], *, limit: int, subject: str = "",
                 to: str = "") -> list[str]:
    """`mailto:` links with `addresses` in Bcc (and `subject`, and `to` when given),
    split so that no link is longer than `limit` characters. Every address is in
    exactly one link, in the order given; no addresses, no links. Raises
    `MailLinkTooLong` when a single address with the subject does not fit."""
    links: list[str] = []
    start = 0
    while start < len(addresses):
        if len(_link(to, addresses[start:start + 1], subject)) > limit:
            raise MailLinkTooLong(
                f"The address {addresses[start]} with the subject does not fit in a mail link "
                f"of {limit:,} characters; shorten the subject or copy the addresses instead.")
        # The link grows by the encoded address plus one comma per address added.
        length = len(_link(to, addresses[start:start + 1], subject))
        end = start + 1
        while end < len(addresses):
            grown = length + 1 + len(quote(addresses[end], safe="@"))
            if grown > limit:
                break
            length, end = grown, end + 1
        links.append(_link(to, addresses[start:end], subject))
        start = end
    return links


@dataclass(frozen=True)
class MailingSelection:
    """Who to write to: every criterion given must hold (none given: every contact)."""

    contact_ids: Sequence[str] | None = None
    tag: str | None = None
    organization_id: str | None = None
    consortium_id: str | None = None
    meeting_id: str | None = None


@dataclass(frozen=True)
class Recipient:
    contact_id: str
    first_name: str
    last_name: str
    full_name: str
    salutation: str
    organization: str
    consortium: str
    email: str


@dataclass(frozen=True)
class Audience:
    recipients: list[Recipient]
    do_not_contact: list[str] = field(default_factory=list)  # names of those left out
    without_email: int = 0
    shared_address: int = 0  # a second contact with an address already listed

    @property
    def addresses(self) -> list[str]:
        return [r.email for r in self.recipients]

    @property
    def left_out(self) -> int:
        return len(self.do_not_contact) + self.without_email + self.shared_address

    def summary(self) -> str:
        """One line: who gets it and who was left out, e.g. "12 recipients; left out:
        2 who asked not to be contacted, 1 without an email address"."""
        line = plural(len(self.recipients), "recipient")
        parts = []
        if self.do_not_contact:
            parts.append(f"{len(self.do_not_contact):,} who asked not to be contacted")
        if self.without_email:
            parts.append(f"{self.without_email:,} without an email address")
        if self.shared_address:
            parts.append(f"{self.shared_address:,} sharing an address with another")
        return line + ("; left out: " + ", ".join(parts) if parts else "")


def salutation(prefix: str, given: str, family: str, nickname: str, full_name: str) -> str:
    """How a letter greets the person: "Dr. Martínez-López" when there is a prefix
    (Dr., Ms., Hon.) and a last name, else the first name (or the nickname, else the
    whole name): what follows "Dear" in a mail merge."""
    if prefix and family:
        return f"{prefix} {family}"
    return given or nickname or full_name


def display_address(name: str, address: str) -> str:
    """`Name <address>` as an address list holds it (quoted when the name has a comma,
    a period or another special character)."""
    name = " ".join(name.split())
    if not name:
        return address
    if any(ch in _SPECIALS for ch in name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def address_text(recipients: Sequence[Recipient], *, with_names: bool = True,
                 separator: str = ", ") -> str:
    """The addresses to paste into a mail program's To or Bcc field. A comma separates
    them (RFC 5322); Outlook on Windows wants `separator="; "` unless commas are
    switched on in its settings."""
    return separator.join(display_address(r.full_name, r.email) if with_names else r.email
                          for r in recipients)


def mail_merge_csv(recipients: Sequence[Recipient]) -> bytes:
    """CSV for Word's or Outlook's mail merge: UTF-8 with a byte-order mark (so Word and
    Excel read accents), one row per recipient, cells safe from formula injection."""
    from coordinator.formats.csv_export import write_csv

    return write_csv(MAIL_MERGE_HEADER, (
        (r.first_name, r.last_name, r.full_name, r.salutation, r.organization, r.consortium,
         r.email) for r in recipients))


_ROWS = """
SELECT c.id, c.prefix, c.given_name, c.family_name, c.nickname, c.full_name,
       coalesce(o.name, ''), coalesce(cs.short_name, ''), c.do_not_contact,
       (SELECT e.address FROM contact_email e WHERE e.contact_id = c.id
         ORDER BY e.is_primary DESC, e.position LIMIT 1)
FROM contact c
LEFT JOIN organization o ON o.id = c.organization_id AND o.deleted_at IS NULL
LEFT JOIN consortium cs ON cs.id = c.consortium_id
WHERE c.deleted_at IS NULL AND c.id IN ({marks})
"""


class MailingService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def audience(self, selection: MailingSelection | None = None) -> Audience:
        """The recipients `selection` names, with those left out counted."""
        ids = self._ids(selection or MailingSelection())
        rows: dict[str, tuple] = {}
        with self.db.raw() as conn:
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start:start + _CHUNK]
                rows.update((r[0], r) for r in conn.execute(
                    _ROWS.format(marks=", ".join("?" * len(chunk))), chunk))
        recipients: list[Recipient] = []
        flagged: list[str] = []
        without = shared = 0
        seen: set[str] = set()
        for cid in ids:  # name order
            row = rows.get(cid)
            if row is None:
                continue
            _, prefix, given, family, nickname, full, org, cons, dnc, email = row
            if dnc:
                flagged.append(full)
                continue
            if not email:
                without += 1
                continue
            if email.casefold() in seen:
                shared += 1
                continue
            seen.add(email.casefold())
            recipients.append(Recipient(cid, given, family, full,
                                        salutation(prefix, given, family, nickname, full),
                                        org, cons, email))
        return Audience(recipients, flagged, without, shared)

    def mailto_links(self, selection: MailingSelection | None = None, *, subject: str = "",
                     to: str = "", limit: int | None = None) -> tuple[list[str], Audience]:
        """Mail links (Bcc) for the selection, split for this platform (`limit`)."""
        audience = self.audience(selection)
        links = mailto_links(audience.addresses, subject=subject, to=to,
                             limit=mailto_limit() if limit is None else limit)
        return links, audience

    def copy_text(self, selection: MailingSelection | None = None, *,
                  with_names: bool = True, separator: str = ", ") -> tuple[str, Audience]:
        """The addresses to paste into a mail program, and who was left out."""
        audience = self.audience(selection)
        return address_text(audience.recipients, with_names=with_names,
                            separator=separator), audience

    def mail_merge(self, selection: MailingSelection | None = None) -> tuple[bytes, Audience]:
        audience = self.audience(selection)
        return mail_merge_csv(audience.recipients), audience

    def write_mail_merge(self, path: Path | str,
                         selection: MailingSelection | None = None) -> Audience:
        """Write the mail-merge CSV to `path` (whole or not at all, readable by the
        user only: it holds names and addresses)."""
        data, audience = self.mail_merge(selection)
        write_private_atomic(path, data)
        return audience

    # -- selection -----------------------------------------------------------------------
    def _ids(self, s: MailingSelection) -> list[str]:
        from coordinator.services.contacts import ContactFilter, ContactService

        contacts = ContactService(self.db)
        if s.tag is not None:
            self._check_tag(s.tag)
        if s.meeting_id is not None:
            attending = self._attendees(s.meeting_id)
        ids = contacts.ids(ContactFilter(consortium_id=s.consortium_id,
                                         organization_id=s.organization_id, tag=s.tag))
        if s.meeting_id is not None:
            ids = [i for i in ids if i in attending]
        if s.contact_ids is not None:
            chosen = set(s.contact_ids)
            ids = [i for i in ids if i in chosen]
        return ids

    def _check_tag(self, tag: str) -> None:
        with self.db.raw() as conn:
            found = conn.execute("SELECT 1 FROM tag WHERE name_key = ? AND deleted_at IS NULL",
                                 (fold(tag),)).fetchone()
        if found is None:
            raise CoordinatorError(f"No tag {tag!r}.")

    def _attendees(self, meeting_id: str) -> set[str]:
        with self.db.raw() as conn:
            found = conn.execute("SELECT 1 FROM meeting WHERE id = ? AND deleted_at IS NULL",
                                 (meeting_id,)).fetchone()
            if found is None:
                raise NotFound("meeting", meeting_id)
            return {r[0] for r in conn.execute(
                "SELECT contact_id FROM attendee WHERE meeting_id = ?", (meeting_id,))}


__all__ = [
    "MAIL_MERGE_HEADER",
    "OTHER_MAILTO_MAX",
    "WINDOWS_MAILTO_MAX",
    "Audience",
    "MailLinkTooLong",
    "MailingSelection",
    "MailingService",
    "Recipient",
    "address_text",
    "display_address",
    "mail_merge_csv",
    "mailto_limit",
    "mailto_links",
    "salutation",
]
