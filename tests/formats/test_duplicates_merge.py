"""Finding probable duplicates and merging them without losing anything (and undoing)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coordinator.errors import Conflict
from coordinator.formats import batches, duplicates, merge
from coordinator.formats.duplicates import organization_key
from coordinator.services.records import (
    ActionItemData,
    AddressData,
    AgendaItemData,
    AttendeeData,
    ContactData,
    EmailData,
    MeetingData,
    OrganizationData,
    PartnerData,
    PhoneData,
    ProposalData,
)


@pytest.fixture
def twins(services):  # type: ignore[no-untyped-def]
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    a = services.contacts.create(ContactData(
        given_name="Zoë", family_name="Martínez", organization_id=plano.id, notes="Met in Austin",
        emails=[EmailData("zoe@plano.example.org", "work", True)],
        phones=[PhoneData("972-555-0142", "mobile")],
        addresses=[AddressData("work", "1520 K Ave", "Plano", "TX", "75074")], tags=["Mobility"]))
    b = services.contacts.create(ContactData(
        given_name="ZOE", family_name="Martinez", organization_id=plano.id,
        notes="Prefers phone", title="Program Manager",
        emails=[EmailData("zoe.m@example.org", "home")],
        phones=[PhoneData("(972) 555-0199", "work")],
        addresses=[AddressData("home", "9 Elm St", "Allen", "TX", "75002")],
        tags=["Broadband"]))
    other = services.contacts.create(ContactData(given_name="Kwame", family_name="Mensah"))
    meeting = services.meetings.create(MeetingData(
        title="Call", starts_at=datetime(2026, 12, 3, 16, tzinfo=UTC),
        agenda=[AgendaItemData("Curb data", b.id)],
        attendees=[AttendeeData(a.id, "chair", "yes"), AttendeeData(b.id), AttendeeData(other.id)],
        action_items=[ActionItemData("Send the data", owner_id=b.id)]))
    second = services.meetings.create(MeetingData(
        title="Workshop", starts_at=datetime(2026, 12, 10, 16, tzinfo=UTC),
        attendees=[AttendeeData(b.id, rsvp="yes")]))
    proposal = services.proposals.create(ProposalData(title="Curb pilot", owner_id=b.id))
    return {"a": a.id, "b": b.id, "other": other.id, "meeting": meeting.id,
            "second": second.id, "proposal": proposal.id, "plano": plano.id}


def test_contact_duplicates_with_scores(db, services, twins) -> None:  # type: ignore[no-untyped-def]
    pairs = duplicates.find_duplicate_contacts(db)
    assert len(pairs) == 1
    pair = pairs[0]
    assert (pair.first_id, pair.second_id) == (twins["a"], twins["b"])  # older first
    assert pair.reasons == ["same name at City of Plano"] and pair.score == 95
    same_mail = services.contacts.create(ContactData(
        given_name="Kwamé", family_name="M.", emails=[EmailData("ZOE@plano.example.org")]))
    same_phone = services.contacts.create(ContactData(
        given_name="Front", family_name="Desk", phones=[PhoneData("+1 (972) 555-0199")]))
    same_phone_and_name = services.contacts.create(ContactData(
        given_name="Zoe", family_name="Martinez", phones=[PhoneData("+1 (972) 555-0199")]))
    found = {(p.first_id, p.second_id): p for p in duplicates.find_duplicate_contacts(db)}
    assert found[(twins["a"], same_mail.id)].score == 100
    assert found[(twins["a"], same_mail.id)].reasons == ["same email"]
    # A shared number between different names is a switchboard, not a duplicate...
    assert not any(same_phone.id in key for key in found)
    # ...but with the same name it backs the name up.
    assert found[(twins["b"], same_phone_and_name.id)].reasons == [
        "same name and phone", "same name, one without an organization"]
    assert found[(twins["b"], same_phone_and_name.id)].score == 95


def test_similar_names_only_at_the_same_organization(db, services) -> None:  # type: ignore[no-untyped-def]
    one = services.organizations.create(OrganizationData(name="Denton County"))
    two = services.organizations.create(OrganizationData(name="City of Denton"))
    services.contacts.create(ContactData(given_name="Marcus", family_name="Okafor",
                                         organization_id=one.id))
    services.contacts.create(ContactData(given_name="Marcos", family_name="Okafor",
                                         organization_id=one.id))
    services.contacts.create(ContactData(given_name="Marcus", family_name="Okafor",
                                         organization_id=two.id))
    pairs = duplicates.find_duplicate_contacts(db)
    assert [p.reasons for p in pairs] == [["similar name at Denton County"]]
    assert 80 <= pairs[0].score < 95


def test_organization_duplicates(db, services) -> None:  # type: ignore[no-untyped-def]
    for name in ("City of Plano", "Plano, City of", "CITY OF PLANÓ", "City of Plano Parks",
                 "Denton County", "County of Denton", "University of North Texas",
                 "Univ. of North Texas"):
        services.organizations.create(OrganizationData(name=name))
    pairs = duplicates.find_duplicate_organizations(db)
    labels = {frozenset((p.first_label, p.second_label)): p.score for p in pairs}
    assert labels[frozenset(("City of Plano", "Plano, City of"))] == 100
    assert labels[frozenset(("City of Plano", "CITY OF PLANÓ"))] == 100
    assert labels[frozenset(("Denton County", "County of Denton"))] == 100
    assert labels[frozenset(("University of North Texas", "Univ. of North Texas"))] >= 80
    assert organization_key("Plano, City of") == "city of plano"


def test_merge_keeps_everything_and_repoints_links(db, services, twins) -> None:  # type: ignore[no-untyped-def]
    report = merge.merge_contacts(db, twins["a"], twins["b"])
    survivor = services.contacts.get(twins["a"])
    assert [e.address for e in survivor.emails] == ["zoe@plano.example.org", "zoe.m@example.org"]
    assert survivor.emails[0].is_primary
    assert sorted(p.e164 for p in survivor.phones) == ["+19725550142", "+19725550199"]
    assert [a.city for a in survivor.addresses] == ["Plano", "Allen"]
    assert survivor.tags == ["Broadband", "Mobility"]
    assert survivor.notes == "Met in Austin\n\nPrefers phone"
    assert survivor.title == "Program Manager"  # filled a gap
    assert survivor.given_name == "Zoë"  # the survivor's own values win
    meeting = services.meetings.get(twins["meeting"])
    # both attended the same meeting: the survivor's attendance (chair) is kept
    assert [(x.contact_id, x.role) for x in meeting.attendees] == [
        (twins["other"], "attendee"), (twins["a"], "chair")] or [
        (x.contact_id, x.role) for x in meeting.attendees] == [
        (twins["a"], "chair"), (twins["other"], "attendee")]
    assert meeting.agenda[0].presenter_id == twins["a"]
    assert meeting.action_items[0].owner_id == twins["a"]
    assert [x.contact_id for x in services.meetings.get(twins["second"]).attendees] == [
        twins["a"]]
    assert services.proposals.get(twins["proposal"]).owner_id == twins["a"]
    assert services.contacts.get(twins["b"], include_deleted=True).deleted_at is not None
    assert report.repointed == 5
    assert [h.id for h in services.search.search("Martinez").hits] == [twins["a"]]


def test_undo_merge_puts_everything_back(db, services, twins) -> None:  # type: ignore[no-untyped-def]
    before_a = services.contacts.get(twins["a"])
    before_meeting = services.meetings.get(twins["meeting"])
    report = merge.merge_contacts(db, twins["a"], twins["b"])
    batches.undo_batch(db, report.batch_id)
    after_a = services.contacts.get(twins["a"])
    assert (after_a.emails, after_a.phones, after_a.tags, after_a.notes) == (
        before_a.emails, before_a.phones, before_a.tags, before_a.notes)
    assert services.contacts.get(twins["b"]).deleted_at is None
    meeting = services.meetings.get(twins["meeting"])
    assert sorted((x.contact_id, x.role) for x in meeting.attendees) == sorted(
        (x.contact_id, x.role) for x in before_meeting.attendees)
    assert meeting.action_items[0].owner_id == twins["b"]
    assert meeting.agenda[0].presenter_id == twins["b"]
    assert services.proposals.get(twins["proposal"]).owner_id == twins["b"]
    with pytest.raises(Conflict):
        merge.merge_contacts(db, twins["a"], twins["a"])


def test_merge_organizations(db, services, twins) -> None:  # type: ignore[no-untyped-def]
    dup = services.organizations.create(OrganizationData(
        name="Plano, City of", website="https://plano.example.org", tags=["NTXIA member"]))
    kwame = services.contacts.get(twins["other"])
    kwame.organization_id = dup.id
    services.contacts.update(kwame.id, kwame)
    proposal = services.proposals.create(ProposalData(
        title="Joint", lead_organization_id=dup.id,
        partners=[PartnerData(dup.id), PartnerData(twins["plano"], "lead")]))
    report = merge.merge_organizations(db, twins["plano"], dup.id)
    org = services.organizations.get(twins["plano"])
    assert (org.website, org.tags, org.contact_count) == (
        "https://plano.example.org", ["NTXIA member"], 3)
    after = services.proposals.get(proposal.id)
    assert after.lead_organization_id == twins["plano"]
    assert [(p.organization_id, p.role) for p in after.partners] == [(twins["plano"], "lead")]
    batches.undo_batch(db, report.batch_id)
    assert services.contacts.get(kwame.id).organization_id == dup.id
    assert services.organizations.get(twins["plano"]).website == ""
    assert sorted(p.organization_id for p in services.proposals.get(proposal.id).partners) == (
        sorted([dup.id, twins["plano"]]))
