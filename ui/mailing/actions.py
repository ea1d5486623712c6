"""Writing to members from any list: Email these people (the mail program opens with
the addresses in Bcc, split into several drafts when one link would be too long), Copy
addresses, and Export for mail merge (CSV). Who is left out (asked not to be contacted,
no email address, an address already listed) is said every time.

    add_mail_actions(menu, ctx, view, lambda: MailingSelection(contact_ids=ids))
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from coordinator.errors import CoordinatorError
from coordinator.services.contacts import ContactFilter
from coordinator.services.mailing import MailingSelection
from ui.kit.background import wait_for

if TYPE_CHECKING:
    from ui.context import AppContext

Selector = Callable[[], "MailingSelection | None"]


def add_mail_actions(menu: QMenu, ctx: AppContext, parent: QWidget, selector: Selector,
                     who: str = "these people") -> QMenu:
    """A "Write to …" submenu with the three ways, each asking `selector` for the people
    when chosen."""
    sub = menu.addMenu(f"Write to {who}")
    sub.addAction(f"Email {who}…", lambda: email_people(ctx, parent, selector()))
    sub.addAction("Copy addresses", lambda: copy_addresses(ctx, parent, selector()))
    sub.addAction("Export for mail merge…", lambda: export_mail_merge(ctx, parent, selector()))
    return sub


def _gather(ctx: AppContext, parent: QWidget, fn: Callable[[], object]) -> object:
    try:
        return wait_for(ctx, fn, parent, "Gathering the addresses…")
    except CoordinatorError as exc:
        QMessageBox.warning(parent, "Cannot write to these people", str(exc))
        return None


def email_people(ctx: AppContext, parent: QWidget, selection: MailingSelection | None,
                 subject: str = "") -> list[str]:
    """Open the mail program on a draft with the addresses in Bcc (several drafts when
    the addresses do not fit one link); returns the links opened."""
    if selection is None:
        return []
    mailing = ctx.services.mailing
    found = _gather(ctx, parent, lambda: mailing.mailto_links(selection, subject=subject))
    if found is None:
        return []
    links, audience = found  # type: ignore[misc]
    if not links:
        QMessageBox.information(parent, "No one to email",
                                f"No one to email: {audience.summary()}.")
        return []
    if len(links) > 1:
        answer = QMessageBox.question(
            parent, "Several drafts",
            f"{audience.summary()}.\n\nA mail program takes only so many addresses in one "
            f"link, so they are split over {len(links)} drafts, all in Bcc. Open "
            f"{len(links)} drafts?")
        if answer != QMessageBox.StandardButton.Yes:
            return []
    for link in links:
        QDesktopServices.openUrl(QUrl.fromEncoded(link.encode("ascii")))
    ctx.status_message.emit(f"Email: {audience.summary()}.", 10000)
    return links


def copy_addresses(ctx: AppContext, parent: QWidget,
                   selection: MailingSelection | None) -> str:
    """Put the addresses (`Name <address>`, comma-separated) on the clipboard."""
    if selection is None:
        return ""
    mailing = ctx.services.mailing
    found = _gather(ctx, parent, lambda: mailing.copy_text(selection))
    if found is None:
        return ""
    text, audience = found  # type: ignore[misc]
    QGuiApplication.clipboard().setText(text)
    ctx.status_message.emit(f"Copied the addresses: {audience.summary()}.", 10000)
    return text


def export_mail_merge(ctx: AppContext, parent: QWidget, selection: MailingSelection | None,
                      path: Path | None = None) -> Path | None:
    """Write the mail-merge CSV (asking where when `path` is None); None if not written."""
    if selection is None:
        return None
    if path is None:
        name, _ = QFileDialog.getSaveFileName(parent, "Export for mail merge",
                                              str(Path.home() / "Mail merge.csv"),
                                              "CSV files (*.csv)")
        if not name:
            return None
        path = Path(name)
    mailing = ctx.services.mailing
    try:
        audience = wait_for(ctx, lambda: mailing.write_mail_merge(path, selection), parent,
                            "Writing the mail-merge file…")
    except (OSError, CoordinatorError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        QMessageBox.warning(parent, "Mail merge not written",
                            f"Could not write {path}: {reason}. Nothing was written.")
        return None
    ctx.status_message.emit(f"Mail merge written to {path}: {audience.summary()}.", 10000)
    return path


def organization_people(ctx: AppContext, organization_ids: list[str]) -> MailingSelection:
    """The contacts of the organizations."""
    if len(organization_ids) == 1:
        return MailingSelection(organization_id=organization_ids[0])
    contacts = ctx.services.contacts
    people: list[str] = []
    for org in organization_ids:
        people += contacts.ids(ContactFilter(organization_id=org))
    return MailingSelection(contact_ids=list(dict.fromkeys(people)))


def proposal_partner_people(ctx: AppContext, proposal_ids: list[str]) -> MailingSelection:
    """The contacts of every partner organization (lead included) of the proposals."""
    services = ctx.services
    people: list[str] = []
    for proposal in services.proposals.get_many(proposal_ids):
        orgs = {proposal.lead_organization_id, *(p.organization_id for p in proposal.partners)}
        for org in sorted(o for o in orgs if o):
            people += services.contacts.ids(ContactFilter(organization_id=org))
    return MailingSelection(contact_ids=list(dict.fromkeys(people)))


__all__ = ["add_mail_actions", "copy_addresses", "email_people", "export_mail_merge",
           "organization_people", "proposal_partner_people"]
