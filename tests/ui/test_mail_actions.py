"""Writing to members from the lists' right-click menus: the mail links built (never
opened: QDesktopServices.openUrl is recorded), the copied addresses, the mail-merge file
written or a clear message, for contacts, an organization's people, a meeting's
attendees and a proposal's partners."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import pytest
from PySide6.QtCore import QPoint, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu

from coordinator.services.contacts import ContactFilter
from coordinator.services.mailing import MailingSelection
from ui.app import settle
from ui.mailing.actions import email_people, export_mail_merge


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: urls.append(url.toString(
                            QUrl.ComponentFormattingOption.FullyEncoded)) or True))
    return urls


@pytest.fixture
def menus(monkeypatch) -> list[QMenu]:
    """Right-click menus are recorded instead of shown."""
    seen: list[QMenu] = []

    class Recording(QMenu):
        def popup(self, *_args: object) -> None:
            seen.append(self)

        def exec(self, *_args: object) -> None:
            seen.append(self)

    for module in ("contacts", "organizations", "meetings", "proposals"):
        monkeypatch.setattr(f"ui.{module}.view.QMenu", Recording)
    return seen


def _action(menu: QMenu, text: str):
    for action in menu.actions():
        if action.menu() is not None:
            found = _action(action.menu(), text)
            if found is not None:
                return found
        elif action.text().startswith(text):
            return action
    return None


def _bcc(link: str) -> list[str]:
    assert link.startswith("mailto:?bcc=") or "bcc=" in link
    query = link.split("?", 1)[1]
    params = dict(p.split("=", 1) for p in query.split("&"))
    return unquote(params["bcc"]).split(",")


def test_email_selected_contacts_from_the_contacts_menu(sample_ctx, make_window, qtbot,
                                                        opened, menus) -> None:
    window = make_window(sample_ctx)
    view = window.show_view("contacts")
    qtbot.waitUntil(lambda: view.model.rowCount() > 5, timeout=10_000)
    view.select_row(0)
    ids = view.selected_ids()
    view._context_menu(QPoint(5, 5))
    _action(menus[-1], "Email these people").trigger()
    expected = sample_ctx.services.mailing.audience(MailingSelection(contact_ids=ids))
    assert len(opened) == 1 and _bcc(opened[0]) == expected.addresses


def test_copy_addresses_puts_them_on_the_clipboard(sample_ctx, make_window, qtbot,
                                                   menus) -> None:
    window = make_window(sample_ctx)
    view = window.show_view("organizations")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10_000)
    view.select_row(0)
    org_id = view.selected_ids()[0]
    view._context_menu(QPoint(5, 5))
    _action(menus[-1], "Copy addresses").trigger()
    text, audience = sample_ctx.services.mailing.copy_text(
        MailingSelection(organization_id=org_id))
    assert audience.recipients and QGuiApplication.clipboard().text() == text


def test_email_a_meetings_attendees(sample_ctx, make_window, qtbot, opened, menus) -> None:
    window = make_window(sample_ctx)
    view = window.show_view("meetings")
    qtbot.waitUntil(lambda: view.selected_meeting() is not None or view.table.model()
                    .rowCount() > 0, timeout=10_000)
    view.table.selectRow(0)
    meeting = view.selected_meeting()
    view._table_menu(QPoint(5, 5))
    _action(menus[-1], "Email the attendees").trigger()
    attendees = {a.contact_id for a in sample_ctx.services.meetings.get(meeting.id).attendees}
    expected = sample_ctx.services.mailing.audience(
        MailingSelection(contact_ids=list(attendees)))
    assert opened and sorted(_bcc(opened[0])) == sorted(expected.addresses)


def test_mail_merge_of_a_proposals_partners(sample_ctx, make_window, qtbot, menus, tmp_path,
                                            monkeypatch) -> None:
    window = make_window(sample_ctx)
    view = window.show_view("proposals")
    qtbot.waitUntil(lambda: view.table.model().rowCount() > 0, timeout=10_000)
    view.table.selectRow(0)
    proposal = sample_ctx.services.proposals.get(view.selected_ids()[0])
    target = tmp_path / "merge.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    view._table_menu(QPoint(5, 5))
    _action(menus[-1], "Export for mail merge").trigger()
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    orgs = {proposal.lead_organization_id, *(p.organization_id for p in proposal.partners)}
    people = [i for o in orgs if o
              for i in sample_ctx.services.contacts.ids(ContactFilter(organization_id=o))]
    expected = sample_ctx.services.mailing.audience(MailingSelection(contact_ids=people))
    assert sorted(r["Email"] for r in rows) == sorted(expected.addresses)
    assert rows


def test_many_people_make_several_drafts_after_asking(sample_ctx, qtbot, opened,
                                                      messages, monkeypatch) -> None:
    from coordinator.services import mailing

    monkeypatch.setattr(mailing, "mailto_limit", lambda platform=None: 2000)
    everyone = MailingSelection()
    messages.answer = messages.answer.No
    assert email_people(sample_ctx, None, everyone) == [] and opened == []
    assert "drafts" in messages.texts("question")[-1]
    messages.answer = messages.answer.Yes
    links = email_people(sample_ctx, None, everyone)
    assert len(links) > 1 and opened == links
    assert all(len(link) <= 2000 for link in links)
    sent = [a for link in links for a in _bcc(link)]
    assert sent == sample_ctx.services.mailing.audience(everyone).addresses


def test_no_one_to_email_is_said(ctx, qtbot, opened, messages) -> None:
    assert email_people(ctx, None, MailingSelection(contact_ids=[])) == []
    assert opened == [] and "No one to email" in messages.texts("information")[-1]


def test_mail_merge_into_a_missing_folder_says_so(sample_ctx, qtbot, messages,
                                                  tmp_path) -> None:
    target = tmp_path / "gone" / "merge.csv"
    assert export_mail_merge(sample_ctx, None, MailingSelection(), target) is None
    settle(sample_ctx)
    assert not target.exists()
    assert str(target) in messages.texts("warning")[-1]
