"""Saving a record keeps the child rows that did not change, with their ids.

On a team hub, rows are matched by id: a save that re-created every email would make
two coordinators' edits of different fields of one contact duplicate its emails.
"""

from __future__ import annotations

import dataclasses

from sqlmodel import select

from coordinator.models import ContactEmail, MeetingSeries, Tag, natural_id
from coordinator.services.records import EmailData, PhoneData, SectionData


def _email_ids(services, contact_id: str) -> dict[str, str]:
    with services.contacts.db.read() as session:
        return {e.address: e.id for e in session.exec(
            select(ContactEmail).where(ContactEmail.contact_id == contact_id)).all()}


def test_an_edit_of_the_title_keeps_every_child_row(services, build) -> None:
    ada = build.contact(emails=["ada@example.org", "a.l@example.org"], phones=["+1 214 555 0101"],
                        tags=["mobility"])
    before = _email_ids(services, ada.id)
    updated = services.contacts.update(ada.id, dataclasses.replace(
        services.contacts.get(ada.id), title="Director"))
    assert updated.title == "Director"
    assert _email_ids(services, ada.id) == before


def test_changing_one_email_replaces_only_that_row_and_keeps_order(services, build) -> None:
    ada = build.contact(emails=["ada@example.org", "old@example.org"])
    before = _email_ids(services, ada.id)
    data = services.contacts.get(ada.id)
    data.emails = [EmailData("new@example.org"), data.emails[0]]
    data.phones = [PhoneData("+1 214 555 0101")]
    services.contacts.update(ada.id, data)
    after = _email_ids(services, ada.id)
    assert after["ada@example.org"] == before["ada@example.org"]
    assert "old@example.org" not in after and "new@example.org" in after
    assert [e.address for e in services.contacts.get(ada.id).emails] == [
        "new@example.org", "ada@example.org"]


def test_sections_keep_their_ids_and_tags_get_natural_ids(services, build) -> None:
    proposal = build.proposal(sections=[SectionData(heading="Aims", body="one"),
                                        SectionData(heading="Plan", body="two")],
                              tags=["Mobility"])
    saved = services.proposals.get(proposal.id)
    ids = [s.id for s in saved.sections]
    saved.sections[1] = dataclasses.replace(saved.sections[1], body="two, longer")
    services.proposals.update(proposal.id, saved)
    again = services.proposals.get(proposal.id)
    assert [s.id for s in again.sections] == ids
    assert again.sections[1].body == "two, longer"
    with services.contacts.db.read() as session:
        tag = session.exec(select(Tag)).one()
    assert tag.id == natural_id("tag", "mobility")


def test_a_renamed_tag_does_not_block_a_new_tag_of_its_old_name(services, build) -> None:
    build.contact(tags=["mobility"])
    with services.contacts.db.write() as session:
        tag = session.exec(select(Tag)).one()
        tag.name, tag.name_key = "Transport", "transport"
        session.add(tag)
    build.contact(given="Grace", family="Hopper", tags=["mobility"])
    with services.contacts.db.read() as session:
        assert len(session.exec(select(Tag)).all()) == 2


def test_meeting_series_get_natural_ids(services, build) -> None:
    build.meeting(series="NSCP Partnership Call")
    with services.contacts.db.read() as session:
        series = session.exec(select(MeetingSeries)).one()
    assert series.id == natural_id("meeting_series", "nscp partnership call")
