"""The detail pane: everything about one record, as rich text with clickable links.

`mailto:`, `tel:` and `http(s):` links open in the system's handlers; internal links
`coordinator://<entity>/<id>` are emitted as `record_link(entity, id)`.

Later issues add sections (meetings attended, proposals, open action items) by
appending a function to `CONTACT_SECTIONS` / `ORGANIZATION_SECTIONS`:

    def meetings_section(services, contact: ContactData) -> str | None: ...  # HTML or None
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from coordinator.services.records import ContactData, OrganizationData

log = logging.getLogger(__name__)

SectionFn = Callable[[Any, Any], "str | None"]
CONTACT_SECTIONS: list[SectionFn] = []
ORGANIZATION_SECTIONS: list[SectionFn] = []
EXTERNAL_SCHEMES = {"mailto", "tel", "http", "https"}


def esc(value: object) -> str:
    return html.escape(str(value or ""), quote=True)


def link(url: str, label: str | None = None) -> str:
    return f'<a href="{esc(url)}">{esc(label or url)}</a>'


def record_link(entity: str, record_id: str | None, label: str) -> str:
    if not record_id:
        return esc(label)
    return link(f"coordinator://{entity}/{record_id}", label)


def web_url(value: str) -> str:
    value = value.strip()
    return value if "://" in value else f"https://{value}"


def rows_table(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column label/value table; values are HTML already."""
    body = "".join(
        f'<tr><td style="padding-right:12px; vertical-align:top;"><i>{esc(k)}</i></td>'
        f"<td>{v}</td></tr>" for k, v in rows if v)
    return f"<table cellspacing='2'>{body}</table>" if body else ""


def section(title: str, content: str) -> str:
    return f"<h4 style='margin-bottom:2px;'>{esc(title)}</h4>{content}" if content else ""


def paragraphs(text: str) -> str:
    return "".join(f"<p>{esc(p)}</p>" for p in text.split("\n\n") if p.strip()).replace(
        "\n", "<br>")


def contact_html(c: ContactData, services: Any = None) -> str:
    subtitle = " · ".join(x for x in (c.title, c.pronouns) if x)
    org_line = record_link("organization", c.organization_id, c.organization_name)
    if c.consortium_short_name:
        cons = record_link("consortium", c.consortium_id, c.consortium_short_name)
        org_line = f"{org_line} ({cons})" if c.organization_name else cons
    # Someone who asked not to be emailed gets no one-click mail link, and it says why.
    emails = "<br>".join(
        f"{esc(e.address) if c.do_not_contact else link('mailto:' + e.address, e.address)}"
        f" <small>{esc(e.label)}</small>" for e in c.emails)
    phones = "<br>".join(
        f"{link('tel:' + (p.e164 or p.raw).replace(' ', ''), p.raw)} <small>{esc(p.label)}</small>"
        for p in c.phones)
    addresses = "<br><br>".join(
        "<br>".join(esc(x) for x in (a.street, " ".join(y for y in (a.city, a.region,
                                                                    a.postal_code) if y),
                                     a.country) if x) + f" <small>{esc(a.label)}</small>"
        for a in c.addresses)
    facts = rows_table([
        ("Do not contact", "<b>Asked not to be emailed</b>" if c.do_not_contact else ""),
        ("Organization", org_line if (c.organization_name or c.consortium_short_name) else ""),
        ("Email", emails), ("Phone", phones), ("Address", addresses),
        ("Website", link(web_url(c.website), c.website) if c.website else ""),
        ("Tags", esc(", ".join(c.tags))),
        ("Birthday", esc(c.birthday)),
        ("Last contacted", esc(c.last_contacted_on.isoformat() if c.last_contacted_on else "")),
    ])
    parts = [f"<h2 style='margin-bottom:0;'>{esc(c.full_name)}</h2>",
             f"<p style='margin-top:2px;'>{esc(subtitle)}</p>" if subtitle else "", facts,
             section("Notes", paragraphs(c.notes)),
             section("Private notes", paragraphs(c.private_notes))]
    parts += _extra(CONTACT_SECTIONS, services, c)
    return "".join(parts)


def organization_html(o: OrganizationData, contacts: list[Any] | None = None,
                      services: Any = None, sector: str = "") -> str:
    place = ", ".join(x for x in (o.city, o.state) if x)
    facts = rows_table([
        ("Sector", esc(sector or o.sector)),
        ("Consortium", record_link("consortium", o.consortium_id, o.consortium_short_name)
         if o.consortium_short_name else ""),
        ("Place", esc(place)),
        ("Website", link(web_url(o.website), o.website) if o.website else ""),
        ("Tags", esc(", ".join(o.tags))),
        ("Contacts", f"{o.contact_count:,}"),
    ])
    people = ""
    if contacts:
        people = "<br>".join(
            record_link("contact", r.id, r.full_name)
            + (f" <small>{esc(r.title)}</small>" if r.title else "") for r in contacts)
        if o.contact_count > len(contacts):
            people += f"<br><small>and {o.contact_count - len(contacts):,} more</small>"
    parts = [f"<h2 style='margin-bottom:4px;'>{esc(o.name)}</h2>", facts,
             section("People", people), section("Notes", paragraphs(o.notes))]
    parts += _extra(ORGANIZATION_SECTIONS, services, o)
    return "".join(parts)


def _extra(fns: list[SectionFn], services: Any, record: Any) -> list[str]:
    out = []
    for fn in fns:
        try:
            piece = fn(services, record)
        except Exception:  # a broken add-on section must not hide the record
            log.exception("detail section %r failed", fn)
            continue
        if piece:
            out.append(piece)
    return out


class DetailPane(QTextBrowser):
    """Read-only rich text for the selected record, with an empty-state hint."""

    record_link = Signal(str, str)  # entity, id

    def __init__(self, empty_hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_hint = empty_hint
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.setAccessibleName("Details")
        self.setMinimumWidth(160)
        self.clear_record()

    def clear_record(self) -> None:
        self.setHtml(f"<p style='margin-top:24px;' align='center'><i>{esc(self.empty_hint)}"
                     "</i></p>")

    def show_html(self, body: str) -> None:
        self.setHtml(body)

    def _on_anchor(self, url: QUrl) -> None:
        scheme = url.scheme()
        if scheme == "coordinator":
            self.record_link.emit(url.host(), url.path().strip("/"))
        elif scheme in EXTERNAL_SCHEMES:
            QDesktopServices.openUrl(url)
