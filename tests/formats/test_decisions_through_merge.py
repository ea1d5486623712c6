""""Not duplicates" decisions through merges: B is not C and B is merged into A, so A is
not C either; undoing the merge leaves the decisions as they were before it. And the
importer does not propose a contact the user marked "not duplicates" with the contact a
file row carries the id of."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from coordinator.cli import main
from coordinator.db import Database
from coordinator.formats import batches, duplicates, importer, merge
from coordinator.formats.parsed import ParsedContact, ParseResult
from coordinator.services import Services
from coordinator.services import duplicate_decisions as decisions
from coordinator.services.records import ContactData, EmailData, OrganizationData, PhoneData


def _anas(services: Services, count: int = 3) -> list[str]:
    """`count` contacts named alike at one organization: every pair is proposed."""
    plano = services.organizations.create(OrganizationData(name="City of Plano")).id
    return [services.contacts.create(ContactData(given_name=given, family_name="Ruiz",
                                                 organization_id=plano)).id
            for given in ("Ana", "ANA", "Aña", "ana")[:count]]


def _proposed(db: Database) -> set[frozenset[str]]:
    return {frozenset((p.first_id, p.second_id))
            for p in duplicates.find_duplicate_contacts(db)}


def _rows(db: Database, table: str = "not_duplicate_contact") -> list[tuple]:
    """Every stored decision row (taken back or not), as (first, second, in force)."""
    with db.read() as session:
        return sorted(tuple(r) for r in session.execute(text(
            f"SELECT first_id, second_id, deleted_at IS NULL FROM {table}")))


def _row(a: str, b: str, in_force: bool = True) -> tuple[str, str, int]:
    return (*decisions.canonical(a, b), int(in_force))


def test_merge_carries_decisions_and_undo_takes_them_back(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b, c = _anas(services)
    decisions.mark_not_duplicates(db, "contact", b, c)
    assert _proposed(db) == {frozenset((a, b)), frozenset((a, c))}
    report = merge.merge_contacts(db, a, b)
    assert _proposed(db) == set()  # A–C is no longer offered: A is B, and B is not C
    assert decisions.is_marked(db, "contact", a, c)
    assert decisions.is_marked(db, "contact", b, c)  # B's own decision stays (in Trash)
    batches.undo_batch(db, report.batch_id)
    assert not decisions.is_marked(db, "contact", a, c)
    assert decisions.is_marked(db, "contact", b, c)
    assert _rows(db) == [_row(b, c)]  # the carried row is gone, not left taken back
    assert _proposed(db) == {frozenset((a, b)), frozenset((a, c))}


def test_undo_keeps_what_the_survivor_had_before(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b, c, d = _anas(services, 4)
    decisions.mark_not_duplicates(db, "contact", a, c)  # already marked: kept as is
    decisions.mark_not_duplicates(db, "contact", a, d)  # marked once, then taken back
    decisions.unmark_not_duplicates(db, "contact", a, d)
    for x in (c, d):
        decisions.mark_not_duplicates(db, "contact", b, x)
    before = _rows(db)
    report = merge.merge_contacts(db, a, b)
    # One row per pair: A–C untouched, A–D's old row revived.
    assert _rows(db) == sorted([_row(a, c), _row(a, d), _row(b, c), _row(b, d)])
    batches.undo_batch(db, report.batch_id)
    assert _rows(db) == before
    assert decisions.is_marked(db, "contact", a, c)
    assert not decisions.is_marked(db, "contact", a, d)


def test_a_decision_about_the_merged_pair_is_not_carried_onto_the_survivor(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b, c = _anas(services)
    decisions.mark_not_duplicates(db, "contact", a, b)
    decisions.mark_not_duplicates(db, "contact", b, c)
    report = merge.merge_contacts(db, a, b)  # merged all the same: the user chose to
    assert _rows(db) == sorted([_row(a, b), _row(a, c), _row(b, c)])
    batches.undo_batch(db, report.batch_id)
    assert _rows(db) == sorted([_row(a, b), _row(b, c)])


def test_what_the_user_decides_after_the_merge_survives_its_undo(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b, c, d = _anas(services, 4)
    decisions.mark_not_duplicates(db, "contact", b, c)
    decisions.mark_not_duplicates(db, "contact", b, d)
    report = merge.merge_contacts(db, a, b)
    decisions.unmark_not_duplicates(db, "contact", a, c)  # taken back, then said again
    decisions.mark_not_duplicates(db, "contact", a, c)
    decisions.unmark_not_duplicates(db, "contact", a, d)  # taken back for good
    batches.undo_batch(db, report.batch_id)
    assert decisions.is_marked(db, "contact", a, c)
    assert not decisions.is_marked(db, "contact", a, d)


def test_chained_merges_carry_and_undo_one_step_at_a_time(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b, c, d = _anas(services, 4)
    decisions.mark_not_duplicates(db, "contact", c, d)
    first = merge.merge_contacts(db, b, c)  # B gets B–D
    second = merge.merge_contacts(db, a, b)  # A gets A–D
    assert _proposed(db) == set()
    batches.undo_batch(db, second.batch_id)
    assert not decisions.is_marked(db, "contact", a, d)
    assert decisions.is_marked(db, "contact", b, d)
    batches.undo_batch(db, first.batch_id)
    assert _rows(db) == [_row(c, d)]


def test_merge_and_undo_report_the_decisions(db, services) -> None:  # type: ignore[no-untyped-def]
    """The duplicates dialog hides and brings back pairs from these change reports."""
    a, b, c = _anas(services)
    decisions.mark_not_duplicates(db, "contact", b, c)
    seen = []
    db.subscribe(seen.append)
    report = merge.merge_contacts(db, a, b)
    batches.undo_batch(db, report.batch_id)
    token = f"contact:{decisions.pair_key(a, c)}"
    merged, undone = seen
    assert merged.ids(decisions.CHANGE_ENTITY, "created") == {token}
    assert undone.ids(decisions.CHANGE_ENTITY, "deleted") == {token}


def test_organization_merge_carries_decisions(db, services) -> None:  # type: ignore[no-untyped-def]
    a, b, c = (services.organizations.create(OrganizationData(name=name)).id
               for name in ("City of Plano", "Plano, City of", "CITY OF PLANO"))
    decisions.mark_not_duplicates(db, "organization", b, c)

    def proposed() -> set[frozenset[str]]:
        return {frozenset((p.first_id, p.second_id))
                for p in duplicates.find_duplicate_organizations(db)}

    report = merge.merge_organizations(db, a, b)
    assert proposed() == set()
    assert decisions.is_marked(db, "organization", a, c)
    batches.undo_batch(db, report.batch_id)
    assert _rows(db, "not_duplicate_organization") == [_row(b, c)]
    assert proposed() == {frozenset((a, b)), frozenset((a, c))}


# -- the command line ---------------------------------------------------------------------
def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), *map(str, args)])


def test_cli_merge_all_above_carries_decisions(db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = Database.open(db_path)
    s = Services(db)
    ada, ada_caps, ada_accent = (
        s.contacts.create(ContactData(given_name=given, family_name="Lovelace",
                                      emails=[EmailData("ada@example.org")])).id
        for given in ("Ada", "ADA", "Adá"))
    db.close()
    assert run(db_path, "duplicates", "--not-duplicates", ada_caps, ada_accent) == 0
    assert run(db_path, "duplicates", "--merge-all-above", "90") == 0
    assert "Merged 1 pairs" in capsys.readouterr().out
    assert run(db_path, "duplicates", "--contacts") == 0
    out = capsys.readouterr().out
    assert out.startswith("0 probable duplicate contacts (1 marked as not duplicates")
    db = Database.open(db_path)
    try:
        assert decisions.is_marked(db, "contact", ada, ada_accent)
        [batch] = batches.list_batches(db)
    finally:
        db.close()
    assert run(db_path, "import", "undo", batch.id) == 0
    capsys.readouterr()
    db = Database.open(db_path)
    try:
        assert not decisions.is_marked(db, "contact", ada, ada_accent)
        assert decisions.is_marked(db, "contact", ada_caps, ada_accent)
    finally:
        db.close()


# -- the importer -------------------------------------------------------------------------
def _row_of(source_id: str, given: str, family: str, organization: str = "City of Plano",
            phone: str = "") -> ParsedContact:
    data = ContactData(given_name=given, family_name=family,
                       phones=[PhoneData(phone, e164=phone)] if phone else [])
    return ParsedContact("row 2 (line 3)", 3, data, organization=organization,
                         source_id=source_id)


def test_import_of_a_row_with_the_id_of_a_live_contact(db, services) -> None:  # type: ignore[no-untyped-def]
    """End to end: a row carrying S's id is matched to S by id, never to D."""
    plano = services.organizations.create(OrganizationData(name="City of Plano")).id
    s = services.contacts.create(ContactData(given_name="Ana", family_name="Torres",
                                             organization_id=plano)).id
    services.contacts.create(ContactData(given_name="Ana", family_name="Ruiz",
                                         organization_id=plano))
    parsed = ParseResult("coordinator", [_row_of(s, "Ana", "Ruiz")])
    for update in (True, False):
        [row] = importer.preview(db, parsed,
                                 importer.ImportOptions(update_existing=update)).rows
        assert (row.contact_id, row.reason.split(" as ")[0]) == (s, "same id")
