"""`merge_all` merges contacts set-based (`formats.merge_batch`): the result must be the
one merging the same pairs one by one leaves, record by record, and one undo of the
batch must put back exactly what was there before.

The data is generated through the services: a few hundred groups of two to four
records of the same person (chains merged in every order, a survivor later merged
away), with shared and case-different tags, emails on both sides, conflicting titles
and organizations, meetings both attend, agenda presenters, action items, proposal
owners and "not duplicates" decisions that carry over; two organization merges sit
in the middle of the contact pairs.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from coordinator.db import Database
from coordinator.db.backup import backup_database
from coordinator.errors import NotFound, ValidationError
from coordinator.formats import batches, merge
from coordinator.services import Services
from coordinator.services import duplicate_decisions as decisions
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
from coordinator.services.snapshots import to_plain

GIVEN = ["Zoë", "Marcus", "Priya", "José", "Renée", "Wei", "Søren", "Kwame", "Grace"]
FAMILY = ["Martínez", "Okafor", "Raman", "Núñez", "Côté", "Zhang", "Østergaard", "Mensah"]
TAGS = ["Mobility", "mobility", "Water", "Research", "Broadband", "RESEARCH", "Energy"]
TITLES = ["CIO", "GIS Director", "Professor", "City Manager", ""]


def _variant(rng: random.Random, name: str) -> str:
    return rng.choice([name, name.upper(), name.lower(), f" {name} "])


def _person(rng: random.Random, i: int, member: int, orgs: list[str]) -> ContactData:
    given, family = GIVEN[i % len(GIVEN)], FAMILY[i // len(GIVEN) % len(FAMILY)]
    shared = f"p{i}@example.org"
    emails = [EmailData(rng.choice([shared, shared.upper()]), rng.choice(["work", "home"]),
                        rng.random() < 0.5)]
    if rng.random() < 0.6:
        emails.append(EmailData(f"p{i}.{member}@example.net", "home", rng.random() < 0.3))
    phones = [PhoneData(rng.choice(["(214) 555-0100", "+1 214 555 0100", "214.555.0100"])
                        if rng.random() < 0.5 else f"+1 972 555 {1000 + member:04d}",
                        rng.choice(["work", "mobile"]), rng.random() < 0.5)]
    addresses = ([AddressData(rng.choice(["work", "home"]), f"{member + 1} Elm St",
                              rng.choice(["Plano", "plano"]), "TX", "75074")]
                 if rng.random() < 0.5 else [])
    return ContactData(
        given_name=_variant(rng, given), family_name=_variant(rng, family),
        middle_name=rng.choice(["", "", "Ann"]), title=rng.choice(TITLES),
        nickname=rng.choice(["", "", "Z"]), website=rng.choice(["", "https://example.org"]),
        organization_id=rng.choice([None, *orgs]),
        birthday=rng.choice(["", "", "1980-02-03", "--04-05"]),
        notes=rng.choice(["", "Met in Austin", "met in austin", f"Note {member}"]),
        private_notes=rng.choice(["", "", "Owes us a call"]),
        last_contacted_on=rng.choice([None, date(2026, 1, 1 + member), date(2025, 5, 5)]),
        do_not_contact=rng.random() < 0.1,
        emails=emails, phones=phones, addresses=addresses,
        tags=rng.sample(TAGS, rng.randint(0, 3)))


def _group_pairs(rng: random.Random, ids: list[str]) -> list[tuple[str, str]]:
    """Pairs merging `ids` into one record, in one of several orders."""
    if len(ids) == 2:
        return [(ids[0], ids[1])] if rng.random() < 0.5 else [(ids[1], ids[0])]
    a, b, c, *rest = ids
    shape = rng.randrange(3)
    if shape == 0:  # a star: everything into a
        pairs = [(a, b), (a, c)]
    elif shape == 1:  # b absorbs c, then is merged away into a
        pairs = [(b, c), (a, b)]
    else:  # a absorbs b, then c absorbs a (the first survivor merged away)
        pairs = [(a, b), (c, a)]
    last = pairs[-1][0]
    return pairs + [(last, r) for r in rest]


def _organization(rng: random.Random, i: int, member: int,
                  consortia: list[str]) -> OrganizationData:
    return OrganizationData(
        name=rng.choice([f"Agency {i}", f"agency {i}", f"Agency {i} Inc"]),
        sector=rng.choice(["county", "university", "other"]),
        consortium_id=rng.choice([None, *consortia]),
        city=rng.choice(["", "Plano", "plano", "Denton"]), state=rng.choice(["", "TX"]),
        website=rng.choice(["", f"https://agency{i}.example.org"]),
        notes=rng.choice(["", "Water board", f"Note {member}", "water board"]),
        tags=rng.sample(TAGS, rng.randint(0, 3)))


def _build(path: Path, groups: int = 160, org_groups: int = 14) -> dict[str, Any]:
    rng = random.Random(16)
    db = Database.open(path)
    s = Services(db)
    consortia = [c.id for c in s.consortia.list()]
    orgs = [s.organizations.create(OrganizationData(name=f"Org {k}", city="Plano")).id
            for k in range(4)]
    twin = s.organizations.create(OrganizationData(name="Org 0 Inc", city="Plano",
                                                   notes="Same as Org 0")).id
    org_members = [[s.organizations.create(_organization(rng, i, m, consortia)).id
                    for m in range(rng.choice([2, 3, 3, 4]))] for i in range(org_groups)]
    every_org = [*orgs, twin, *(o for g in org_members for o in g)]
    members: list[list[str]] = []
    for i in range(groups):
        size = rng.choice([2, 2, 3, 3, 4])
        members.append([s.contacts.create(_person(rng, i, m, every_org)).id
                        for m in range(size)])
    everyone = [c for group in members for c in group]
    bystanders = [s.contacts.create(ContactData(given_name=f"Other{k}", family_name="Person"))
                  .id for k in range(10)]
    meetings = []
    for k in range(25):
        attendees = list(dict.fromkeys(rng.sample(everyone, 12) + rng.sample(bystanders, 2)))
        meetings.append(s.meetings.create(MeetingData(
            title=f"Call {k}", starts_at=datetime(2026, 3, 1 + k % 27, 15, tzinfo=UTC),
            attendees=[AttendeeData(contact_id=c, role=rng.choice(["attendee", "chair"]))
                       for c in attendees],
            agenda=[AgendaItemData(f"Item {j}", rng.choice(everyone), 5) for j in range(3)],
            action_items=[ActionItemData(f"Do {j}", rng.choice(everyone)) for j in range(3)],
        )).id)
    proposals = [s.proposals.create(ProposalData(
        title=f"Proposal {k}", owner_id=rng.choice(everyone),
        lead_organization_id=rng.choice([None, *every_org]),
        partners=[PartnerData(o) for o in rng.sample(every_org, 4)])).id
        for k in range(15)]
    for _ in range(6):  # organizations said to be different, some carried over
        group = rng.choice(org_members)
        other = rng.choice([*orgs, *rng.choice(org_members)])
        if other != group[-1]:
            decisions.mark_not_duplicates(db, "organization", group[-1], other)
    for _ in range(40):  # some carried over, some within a group (nothing to carry)
        group = rng.choice(members)
        other = rng.choice([*bystanders, *rng.choice(members), group[0]])
        if other != group[-1]:
            decisions.mark_not_duplicates(db, "contact", group[-1], other)
    per_group = [_group_pairs(rng, g) for g in members]
    per_org_group = [_group_pairs(rng, g) for g in org_members]
    pairs: list[tuple[str, str, str]] = []
    while any(per_group):  # interleaved, each group's pairs kept in their order
        group = rng.choice([g for g in per_group if g])
        pairs.append(("contact", *group.pop(0)))
        if len(pairs) in (90, 200):  # organization merges between contact runs
            pairs.append(("organization", *((orgs[0], twin) if len(pairs) < 100
                                            else (orgs[1], orgs[2]))))
        if len(pairs) % 40 == 0:  # and runs of several
            for _ in range(rng.randint(1, 4)):
                left = [g for g in per_org_group if g]
                if left:
                    pairs.append(("organization", *rng.choice(left).pop(0)))
    pairs.extend(("organization", *pair) for g in per_org_group for pair in g)
    db.close()
    return {"contacts": everyone + bystanders, "organizations": every_org,
            "meetings": meetings, "proposals": proposals, "pairs": pairs}


def _plain(record: Any) -> Any:
    """The record as plain values, without the times a write stamps."""
    value = to_plain(record)
    for key in ("created_at", "updated_at", "completed_at"):
        value.pop(key, None)
    if "deleted_at" in value:
        value["deleted_at"] = value["deleted_at"] is not None
    return value


def _records(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Every record of the data set, read through the services."""
    db = Database.open(path)
    s = Services(db)
    try:
        with db.read() as session:
            index = sorted(session.connection().exec_driver_sql(
                "SELECT d.entity, d.entity_id, f.title, f.body FROM search_doc d "
                "JOIN search_fts f ON f.rowid = d.rowid").all())
        return {
            "contacts": [_plain(s.contacts.get(c, include_deleted=True))
                         for c in data["contacts"]],
            "organizations": [_plain(s.organizations.get(o, include_deleted=True))
                              for o in data["organizations"]],
            "meetings": [_plain(s.meetings.get(m)) for m in data["meetings"]],
            "proposals": [_plain(s.proposals.get(p)) for p in data["proposals"]],
            "not duplicates": sorted((d.entity, d.first_id, d.second_id)
                                     for d in decisions.list_not_duplicates(db)),
            "search index": index,
        }
    finally:
        db.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("merge-batch")
    path = folder / "base.db"
    return path, _build(path)


def _copy(base: Path, dest: Path) -> Path:
    return backup_database(base, dest)


def test_the_batch_leaves_what_merging_one_by_one_leaves(generated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base, data = generated
    pairs = data["pairs"]
    assert len(pairs) > 300
    one_by_one = _copy(base, tmp_path / "one.db")
    db = Database.open(one_by_one)
    for entity, survivor, other in pairs:
        fn = merge.merge_contacts if entity == "contact" else merge.merge_organizations
        fn(db, survivor, other)
    db.close()
    batched = _copy(base, tmp_path / "batch.db")
    db = Database.open(batched)
    _batch_id, merged = merge.merge_all(db, pairs)
    db.close()
    assert merged == len(pairs)
    expected, found = _records(one_by_one, data), _records(batched, data)
    for kind in expected:
        for want, got in zip(expected[kind], found[kind], strict=True):
            assert got == want, kind
    # something really happened: merged-away records in Trash, notes with conflicts
    contacts = found["contacts"]
    assert sum(c["deleted_at"] for c in contacts) == sum(p[0] == "contact" for p in pairs)
    assert any("Also on the merged record" in c["notes"] for c in contacts)
    assert sum(p[0] == "organization" for p in pairs) > 20
    assert any("Also on the merged record" in o["notes"] for o in found["organizations"])


def test_one_undo_of_the_batch_puts_everything_back(generated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base, data = generated
    path = _copy(base, tmp_path / "undo.db")
    before = _records(path, data)
    db = Database.open(path)
    batch_id, _merged = merge.merge_all(db, data["pairs"])
    assert _records_open(db, data) != before
    report = Services(db).duplicates.undo_merge(batch_id)
    db.close()
    assert report.contacts_restored > 0
    after = _records(path, data)
    for kind in before:
        for want, got in zip(before[kind], after[kind], strict=True):
            assert got == want, kind


def _records_open(db: Database, data: dict[str, Any]) -> list[Any]:
    s = Services(db)
    return [_plain(s.contacts.get(c, include_deleted=True)) for c in data["contacts"]]


def test_a_pair_naming_a_record_already_merged_away_saves_nothing(services, db) -> None:  # type: ignore[no-untyped-def]
    a, b, c = (services.contacts.create(ContactData(given_name=n, family_name="Lovelace")).id
               for n in ("Ada", "ADA", "Adá"))
    with pytest.raises(NotFound):
        merge.merge_all(db, [("contact", a, b), ("contact", c, b)])
    assert services.contacts.count() == 3
    assert not batches.list_batches(db)


def test_a_merge_that_would_save_an_invalid_contact_saves_nothing(services, db) -> None:  # type: ignore[no-untyped-def]
    """The survivor would take the other's organization, which is in Trash: the
    single merge refuses that, and so does the batch, as a whole."""
    gone = services.organizations.create(OrganizationData(name="Gone Inc")).id
    a = services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace")).id
    b = services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace",
                                             organization_id=gone)).id
    c = services.contacts.create(ContactData(given_name="Ada", family_name="King")).id
    services.organizations.delete(gone)
    with pytest.raises(ValidationError):
        merge.merge_contacts(db, a, b)
    with pytest.raises(ValidationError, match="Merging Ada Lovelace into Ada King"):
        merge.merge_all(db, [("contact", c, a), ("contact", c, b)])
    assert services.contacts.count() == 3
    assert not services.contacts.get(c).notes


def _found(services, query: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {h.id for h in services.search.search(query).hits if h.entity == "contact"}


@pytest.mark.parametrize("batch", [False, True])
def test_contacts_of_a_merged_organization_are_found_under_the_survivors_name(
        services, db, batch: bool) -> None:  # type: ignore[no-untyped-def]
    """A contact moved to the surviving organization is searchable by its name, and no
    longer by the name of the organization now in Trash (before, the contacts kept the
    other's name in the search index until the next full re-index)."""
    acme = services.organizations.create(OrganizationData(name="Acme Widgets")).id
    other = services.organizations.create(OrganizationData(name="Acme Widgets Zebracorp")).id
    moved = services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace",
                                                 organization_id=other)).id
    assert _found(services, "zebracorp") == {moved}
    if batch:
        merge.merge_all(db, [("organization", acme, other)])
    else:
        merge.merge_organizations(db, acme, other)
    assert moved in _found(services, "acme widgets")
    assert _found(services, "zebracorp") == set()


def _pair(a: str, b: str, score: int = 100, dismissed: bool = False) -> Any:
    from coordinator.formats.duplicates import DuplicatePair

    return DuplicatePair("contact", a, b, score, dismissed=dismissed)


def test_the_plan_merges_each_group_into_one_survivor() -> None:
    from coordinator.formats.merge_batch import plan_merges

    pairs = [_pair("a", "b"), _pair("b", "c"), _pair("d", "a"), _pair("a", "c"),
             _pair("e", "f", score=80), _pair("g", "h", dismissed=True)]
    # b ~ c stands for a ~ c once b is in a; d ~ a merges a's whole group into d
    assert plan_merges(pairs, 90, set()) == [("contact", "a", "b"), ("contact", "a", "c"),
                                             ("contact", "d", "a")]
    assert plan_merges(pairs, 80, set())[-1] == ("contact", "e", "f")


def test_the_plan_never_puts_together_records_said_to_be_different() -> None:
    from coordinator.formats.merge_batch import plan_merges

    pairs = [_pair("a", "b"), _pair("c", "d"), _pair("b", "d"), _pair("a", "e")]
    # c is not b: once a holds b and c holds d, b ~ d would put b and c together
    assert plan_merges(pairs, 90, {("b", "c")}) == [
        ("contact", "a", "b"), ("contact", "c", "d"), ("contact", "a", "e")]
