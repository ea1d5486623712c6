""""Not duplicates" decisions in the database: marked, taken back, listed, honoured by
duplicate finding and `coordinator duplicates`, and gone with a purged record."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import text

from coordinator.cli import main
from coordinator.db import Database
from coordinator.errors import Conflict, CoordinatorError, NotFound
from coordinator.formats import batches, duplicates, importer, merge
from coordinator.formats.reader import parse_file
from coordinator.services import Services
from coordinator.services import duplicate_decisions as decisions
from coordinator.services.records import ContactData, EmailData, OrganizationData


def _twins(services: Services) -> tuple[str, str]:
    """Two contacts that look alike (same name at the same organization)."""
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    a = services.contacts.create(ContactData(given_name="Ana", family_name="Ruiz",
                                             organization_id=plano.id))
    b = services.contacts.create(ContactData(given_name="ANA", family_name="Ruiz",
                                             organization_id=plano.id))
    return a.id, b.id


def _stored(db: Database, table: str) -> list[tuple]:
    with db.read() as session:
        return [tuple(r) for r in session.execute(text(
            f"SELECT first_id, second_id, deleted_at IS NOT NULL FROM {table}"))]


def test_mark_unmark_and_list_in_canonical_order(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b = _twins(services)
    low, high = sorted((a, b))
    # Marked with the larger id first, stored smaller id first, once.
    assert decisions.mark_not_duplicates(db, "contact", high, low) is True
    assert decisions.mark_not_duplicates(db, "contact", low, high) is False
    assert _stored(db, "not_duplicate_contact") == [(low, high, 0)]
    assert decisions.is_marked(db, "contact", high, low)
    [listed] = decisions.list_not_duplicates(db)
    assert (listed.entity, listed.first_id, listed.second_id) == ("contact", low, high)
    assert {listed.first_label, listed.second_label} == {"Ana Ruiz (City of Plano)",
                                                         "ANA Ruiz (City of Plano)"}
    assert listed.decided_at is not None and not listed.in_trash
    assert decisions.list_not_duplicates(db, "organization") == []
    # Taken back: the row stays (soft), the decision is no longer in force.
    assert decisions.unmark_not_duplicates(db, "contact", low, high) is True
    assert decisions.unmark_not_duplicates(db, "contact", low, high) is False
    assert decisions.list_not_duplicates(db) == []
    assert _stored(db, "not_duplicate_contact") == [(low, high, 1)]
    # Marking again revives the same row (the pair is unique).
    assert decisions.mark_not_duplicates(db, "contact", a, b) is True
    assert _stored(db, "not_duplicate_contact") == [(low, high, 0)]


def test_marking_reports_changes(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b = _twins(services)
    seen = []
    db.subscribe(seen.append)
    decisions.mark_not_duplicates(db, "contact", a, b)
    decisions.unmark_not_duplicates(db, "contact", a, b)
    token = f"contact:{decisions.pair_key(a, b)}"
    assert [c.ids("not_duplicate", k) for c, k in zip(seen, ("created", "deleted"),
                                                      strict=True)] == [{token}, {token}]


def test_mark_refuses_bad_pairs(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b = _twins(services)
    org = services.organizations.create(OrganizationData(name="Town of Allen")).id
    with pytest.raises(Conflict):
        decisions.mark_not_duplicates(db, "contact", a, a)
    with pytest.raises(NotFound):
        decisions.mark_not_duplicates(db, "contact", a, "no-such-id")
    with pytest.raises(NotFound):  # an organization is not a contact
        decisions.mark_not_duplicates(db, "contact", a, org)
    with pytest.raises(CoordinatorError, match="Only contacts and organizations"):
        decisions.mark_not_duplicates(db, "meeting", a, b)
    assert decisions.list_not_duplicates(db) == []


def test_find_leaves_out_marked_pairs_unless_asked(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b = _twins(services)
    services.organizations.create(OrganizationData(name="Plano, City of"))
    assert len(duplicates.find_duplicate_contacts(db)) == 1
    [org_pair] = duplicates.find_duplicate_organizations(db)
    decisions.mark_not_duplicates(db, "contact", b, a)
    decisions.mark_not_duplicates(db, "organization", org_pair.second_id, org_pair.first_id)
    assert duplicates.find_duplicate_contacts(db) == []
    assert duplicates.find_duplicate_organizations(db) == []
    [again] = duplicates.find_duplicate_contacts(db, include_dismissed=True)
    assert {again.first_id, again.second_id} == {a, b} and again.dismissed
    [org_again] = duplicates.find_duplicate_organizations(db, include_dismissed=True)
    assert org_again.dismissed
    # A contact decision says nothing about other pairs.
    c = services.contacts.create(ContactData(given_name="Ana", family_name="Ruiz",
                                             organization_id=services.contacts.get(a)
                                             .organization_id)).id
    found = duplicates.find_duplicate_contacts(db)
    assert {frozenset((p.first_id, p.second_id)) for p in found} == {
        frozenset((a, c)), frozenset((b, c))}
    decisions.unmark_not_duplicates(db, "contact", a, b)
    assert len(duplicates.find_duplicate_contacts(db)) == 3


def test_purging_a_record_takes_its_decisions(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b = _twins(services)
    c = services.contacts.create(ContactData(given_name="Ana", family_name="Ruíz")).id
    org_a = services.organizations.create(OrganizationData(name="Tucson Water")).id
    org_b = services.organizations.create(OrganizationData(name="Tucson Water Dept")).id
    decisions.mark_not_duplicates(db, "contact", a, b)
    decisions.mark_not_duplicates(db, "contact", a, c)
    decisions.mark_not_duplicates(db, "organization", org_a, org_b)
    # In Trash the decision stays (a restore brings it back into force).
    services.contacts.delete(b)
    assert {(d.second_id if d.first_id == a else d.first_id, d.in_trash)
            for d in decisions.list_not_duplicates(db, "contact")} == {(b, True), (c, False)}
    services.trash.purge("contact", b)
    assert {frozenset((d.first_id, d.second_id))
            for d in decisions.list_not_duplicates(db)} == {frozenset((a, c)),
                                                            frozenset((org_a, org_b))}
    assert len(_stored(db, "not_duplicate_contact")) == 1
    services.organizations.delete(org_b)
    assert services.trash.empty() == 1
    assert _stored(db, "not_duplicate_organization") == []
    assert [d.entity for d in decisions.list_not_duplicates(db)] == ["contact"]


def test_undoing_an_import_takes_the_decisions_of_its_contacts(db, services,  # type: ignore[no-untyped-def]
                                                                tmp_path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text("First Name,Last Name,E-mail 1 - Value\n"
                     "Ana,Ruiz,ana.one@example.org\nAna,Ruiz,ana.two@example.org\n")
    options = importer.ImportOptions(duplicates="create", source=str(sheet))
    report = importer.apply(db, parse_file(sheet), options)
    [pair] = duplicates.find_duplicate_contacts(db)
    decisions.mark_not_duplicates(db, "contact", pair.first_id, pair.second_id)
    batches.undo_batch(db, report.batch_id)  # deletes the created contacts for good
    assert services.contacts.count() == 0
    assert _stored(db, "not_duplicate_contact") == []


def test_merging_still_works_and_undo_keeps_decisions(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b = _twins(services)
    c = services.contacts.create(ContactData(given_name="Ana", family_name="Ruiz",
                                             organization_id=services.contacts.get(a)
                                             .organization_id)).id
    decisions.mark_not_duplicates(db, "contact", b, c)
    report = merge.merge_contacts(db, a, b)
    assert not services.contacts.exists(b)
    batches.undo_batch(db, report.batch_id)
    assert services.contacts.exists(b)
    assert decisions.is_marked(db, "contact", c, b)


def test_short_ids_resolve_back(db, services) -> None:  # type: ignore[no-untyped-def]
    # 17 contacts: at least two share a first character (16 hex digits), whatever
    # the ids look like (random or time-ordered).
    ids = [services.contacts.create(ContactData(given_name="Ana", family_name=f"R{i}")).id
           for i in range(17)]
    org = services.organizations.create(OrganizationData(name="Town of Allen")).id
    short = decisions.short_ids(db, "contact", ids)
    assert all(len(v) >= 8 and k.startswith(v) for k, v in short.items())
    assert len(set(short.values())) == 17
    for x, y in itertools.pairwise(ids):
        assert decisions.resolve_pair(db, short[x], short[y]) == ("contact", x, y)
    assert decisions.resolve_pair(db, f" {ids[0]} ", ids[1]) == ("contact", ids[0], ids[1])
    # A prefix two contacts share is refused, not guessed.
    x, y = next((x, y) for x in ids for y in ids if x != y and x[0] == y[0])
    shared = next(x[:i] for i in range(len(x), 0, -1) if y.startswith(x[:i]))
    with pytest.raises(Conflict, match="more than one contact"):
        decisions.resolve_pair(db, shared, ids[0])
    with pytest.raises(NotFound):
        decisions.resolve_pair(db, ids[0], org)  # not the same kind of record
    with pytest.raises(NotFound):
        decisions.resolve_pair(db, ids[0], ids[1], entity="organization")
    with pytest.raises(NotFound):
        decisions.resolve_pair(db, ids[0], "")


def test_adopt_legacy_pairs(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b = _twins(services)
    org_a = services.organizations.create(OrganizationData(name="Tucson Water")).id
    org_b = services.organizations.create(OrganizationData(name="Tucson Water Dept")).id
    keys = ["|".join(sorted((a, b))), f"{org_b}|{org_a}", f"{a}|gone-for-good", "junk",
            f"{a}|{a}", f"{a}|{org_a}"]
    assert decisions.adopt_legacy_pairs(db, keys) == 2
    assert decisions.is_marked(db, "contact", a, b)
    assert decisions.is_marked(db, "organization", org_a, org_b)
    assert decisions.adopt_legacy_pairs(db, keys) == 0  # again: nothing new
    assert len(decisions.list_not_duplicates(db)) == 2


# -- the command line ---------------------------------------------------------------------
def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), *map(str, args)])


def _adas(db_path: Path) -> list[str]:
    db = Database.open(db_path)
    s = Services(db)
    ids = [s.contacts.create(ContactData(given_name=given, family_name="Lovelace",
                                         emails=[EmailData("ada@example.org")])).id
           for given in ("Ada", "ADA", "Adá")]
    s.contacts.create(ContactData(given_name="Alan", family_name="Turing"))
    db.close()
    return ids


def _printed_ids(out: str, name: str) -> list[str]:
    """The two ids `coordinator duplicates` printed on the line of the pair with `name`."""
    line = next(line for line in out.splitlines() if name in line)
    return line.split("]  ")[1].split()[:2]


def test_cli_mark_list_and_unmark(db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    ada, ada_caps, _ada_accent = _adas(db_path)
    assert run(db_path, "duplicates") == 0
    out = capsys.readouterr().out
    assert "2 probable duplicate contacts" in out
    first, second = _printed_ids(out, "ADA Lovelace")  # as the user would copy them
    assert all(any(i.startswith(p) for p in (first, second)) for i in (ada, ada_caps))
    assert run(db_path, "duplicates", "--not-duplicates", second, first) == 0
    out = capsys.readouterr().out
    assert out.startswith("Marked as not duplicates: ")
    assert "ADA Lovelace" in out and "Ada Lovelace" in out
    undo = out.split("`coordinator duplicates ")[1].split("`")[0]
    assert run(db_path, "duplicates", "--not-duplicates", ada, ada_caps) == 0
    assert "Already marked as not duplicates" in capsys.readouterr().out
    assert run(db_path, "duplicates", "--contacts") == 0
    out = capsys.readouterr().out
    assert "1 probable duplicate contacts (1 marked as not duplicates left out" in out
    assert "ADA Lovelace" not in out
    assert run(db_path, "duplicates", "--contacts", "--include-dismissed") == 0
    out = capsys.readouterr().out
    assert "1 probable duplicate contacts (and 1 marked as not duplicates)" in out
    assert "ADA Lovelace" in out and "(marked: not duplicates)" in out
    assert run(db_path, "duplicates", *undo.split()) == 0  # what the message said to run
    assert "No longer marked as not duplicates" in capsys.readouterr().out
    assert run(db_path, "duplicates", "--unmark", ada, ada_caps) == 0
    assert "nothing to take back" in capsys.readouterr().out
    assert run(db_path, "duplicates", "--contacts") == 0
    assert "2 probable duplicate contacts\n" in capsys.readouterr().out


def test_cli_mark_errors(db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    ada, *_ = _adas(db_path)
    assert run(db_path, "duplicates", "--not-duplicates", ada, "ffffffff") == 1
    assert "No contact or organization pair" in capsys.readouterr().err
    assert run(db_path, "duplicates", "--not-duplicates", ada, ada) == 1
    assert "Choose two different contacts" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # one action at a time
        run(db_path, "duplicates", "--not-duplicates", ada, ada, "--merge-all-above", "90")


def test_cli_merge_all_above_never_merges_a_marked_pair(db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    ada, ada_caps, ada_accent = _adas(db_path)
    # Listed pairs are each against the oldest (Ada~ADA, Ada~Adá). ADA and Adá are
    # marked: after ADA merges into Ada, merging Adá into Ada would join them anyway.
    assert run(db_path, "duplicates", "--not-duplicates", ada_accent, ada_caps) == 0
    assert run(db_path, "duplicates", "--merge-all-above", "90") == 0
    assert "Merged 1 pairs" in capsys.readouterr().out
    db = Database.open(db_path)
    try:
        s = Services(db)
        assert s.contacts.count() == 3
        assert s.contacts.exists(ada) and s.contacts.exists(ada_accent)
        assert not s.contacts.exists(ada_caps)
    finally:
        db.close()


def test_cli_merge_all_above_skips_a_directly_marked_pair(db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    ada, ada_caps, ada_accent = _adas(db_path)
    assert run(db_path, "duplicates", "--not-duplicates", ada, ada_accent) == 0
    assert run(db_path, "duplicates", "--merge-all-above", "90", "--include-dismissed") == 0
    assert "Merged 1 pairs" in capsys.readouterr().out
    db = Database.open(db_path)
    try:
        assert Services(db).contacts.exists(ada_accent)
        assert not Services(db).contacts.exists(ada_caps)
    finally:
        db.close()
