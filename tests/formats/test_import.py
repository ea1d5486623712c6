"""Preview, the all-or-nothing import, matching, duplicates and undo."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from coordinator.errors import Conflict
from coordinator.formats import batches, importer
from coordinator.formats.importer import ImportOptions, NothingToImport
from coordinator.formats.parsed import ImportCancelled
from coordinator.formats.reader import parse_contacts
from coordinator.reference import CONSORTIA
from coordinator.services import ContactFilter
from coordinator.services.contacts import ContactService
from coordinator.services.records import ContactData, EmailData, OrganizationData, PhoneData


def consortium_id(short: str) -> str:
    return next(c.id for c in CONSORTIA if c.short_name == short)


def table_counts(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with db.read() as session:
        return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("contact", "organization", "contact_email", "tag", "import_batch",
                          "search_doc")}


def test_preview_saves_nothing(db, fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    before = table_counts(db)
    preview = importer.preview(db, parse_contacts(fixture_bytes("google.csv")))
    assert (preview.new, preview.updated, len(preview.duplicates)) == (4, 0, 0)
    # row 5's invalid email is a warning (kept in the notes), not a lost contact
    assert preview.errors == []
    assert [w.where for w in preview.warnings] == ["row 5 (line 7)"]
    assert sorted(preview.new_organizations) == [
        "City of McKinney", "City of Plano", "Denton County", "Frisco Economic Development Corp",
        "University of North Texas"]
    assert table_counts(db) == before
    lines = preview.summary_lines()
    assert "4 new contacts" in lines and "0 rows with errors" in lines
    assert any(line.startswith("  warning row 5 (line 7): E-mail") for line in lines)


def test_apply_creates_contacts_organizations_and_search(db, services, fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    # an existing organization, spelled differently, is matched (case and accents folded)
    existing = services.organizations.create(OrganizationData(name="CITY OF PLANÓ"))
    report = importer.apply(db, parse_contacts(fixture_bytes("google.csv")),
                            ImportOptions(source="/home/me/google.csv"))
    assert (report.created, report.updated, report.organizations_created) == (4, 0, 4)
    zoe = services.contacts.list(ContactFilter(text="martinez")).rows
    assert [r.full_name for r in zoe] == ["Dr. Zoë Martínez-López"]
    assert zoe[0].organization_id == existing.id
    full = services.contacts.get(zoe[0].id)
    assert full.emails[0].address == "zoe.martinez@plano.example.org"
    assert full.emails[0].is_primary
    assert full.tags == ["Mobility"]  # 'NTXIA' links the consortium instead of tagging
    assert services.search.search("Frisco").groups["organization"]
    mckinney = services.organizations.find_by_name("city of mckinney")
    assert mckinney.consortium_id == consortium_id("NTXIA")  # from the row's label
    assert mckinney.sector == "local_government"
    # every imported contact passes the services' own validation
    for row in services.contacts.list().rows:
        assert ContactService(db).validate(services.contacts.get(row.id)) == []
    info = batches.list_batches(db)[0]
    assert (info.source, info.format, info.created_count) == ("google.csv", "google", 4)


def test_matching_by_email_updates_and_keeps_everything(db, services) -> None:  # type: ignore[no-untyped-def]
    mine = services.contacts.create(ContactData(
        given_name="Zoë", family_name="Martínez", title="Manager", notes="Met in Austin.",
        emails=[EmailData("zoe@plano.example.org", "work", True)],
        phones=[PhoneData("972-555-0142", "mobile")], tags=["Mobility"]))
    csv = ("First Name,Last Name,Organization Title,Notes,Labels,E-mail 1 - Label,"
           "E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n"
           "Zoë,Martínez,Director,Prefers email.,Broadband,Work,ZOE@plano.example.org "
           "::: zoe@example.org,Mobile,(972) 555-0142 ::: 972-555-0199\n").encode()
    parsed = parse_contacts(csv)
    preview = importer.preview(db, parsed)
    assert (preview.new, preview.updated) == (0, 1)
    row = preview.rows[0]
    assert row.contact_id == mine.id and "same email" in row.reason
    assert set(row.changes) >= {"title", "notes", "emails", "phones", "tags"}
    report = importer.apply(db, parsed)
    assert (report.created, report.updated) == (0, 1)
    after = services.contacts.get(mine.id)
    assert after.title == "Director"
    assert after.notes == "Met in Austin.\n\nPrefers email."
    assert [e.address for e in after.emails] == ["zoe@plano.example.org", "zoe@example.org"]
    assert [p.e164 for p in after.phones] == ["+19725550142", "+19725550199"]
    assert after.tags == ["Broadband", "Mobility"]
    # importing the same file again changes nothing
    again = importer.preview(db, parse_contacts(csv))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)


def test_probable_duplicates_skipped_or_created(db, services) -> None:  # type: ignore[no-untyped-def]
    org = services.organizations.create(OrganizationData(name="Denton County"))
    services.contacts.create(ContactData(given_name="Marcus", family_name="Okafor",
                                         organization_id=org.id))
    csv = (b"First Name,Last Name,Organization Name,Phone 1 - Value\n"
           b"MARCUS,Okafor,denton county,\n"
           b"Marcos,Okafor,Denton County,\n"
           b"Ann,Lee,City of Allen,\n")
    preview = importer.preview(db, parse_contacts(csv))
    # only the same name at the same organization: a similar name (Marcos) is not enough
    assert (preview.new, len(preview.duplicates)) == (2, 1)
    [exact] = preview.duplicates
    assert "same name at denton county" in exact.reason and exact.score == 95
    report = importer.apply(db, parse_contacts(csv))
    assert (report.created, report.skipped_duplicates) == (2, 1)
    forced = importer.apply(db, parse_contacts(csv), ImportOptions(duplicates="create"))
    assert forced.created == 3  # all three are duplicates now (Marcos, Ann of the first)


def test_rows_of_one_file_for_the_same_person_are_merged(db, services) -> None:  # type: ignore[no-untyped-def]
    csv = (b"First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\n"
           b"Ada,Lovelace,ada@example.org,\n"
           b"Ada,Lovelace,ADA@example.org,+44 20 7946 0018\n")
    preview = importer.preview(db, parse_contacts(csv))
    assert (preview.new, len(preview.duplicates)) == (1, 1)
    importer.apply(db, parse_contacts(csv))
    rows = services.contacts.list().rows
    assert len(rows) == 1
    assert services.contacts.get(rows[0].id).phones[0].e164 == "+442079460018"


def test_all_or_nothing(db, services, monkeypatch, fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    services.contacts.create(ContactData(given_name="Zoë", family_name="M",
                                         emails=[EmailData("zoe.ml@example.org")]))
    before = table_counts(db)

    def broken_update(self, contact_id, data):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(ContactService, "update", broken_update)
    parsed = parse_contacts(fixture_bytes("google.csv"))
    with pytest.raises(RuntimeError):
        importer.apply(db, parsed)  # the creates ran first; the failing update undoes them
    assert table_counts(db) == before


def test_cancel_saves_nothing_and_progress_is_reported(db, fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    before = table_counts(db)
    parsed = parse_contacts(fixture_bytes("google.csv"))
    calls: list[tuple[int, int]] = []
    with pytest.raises(ImportCancelled):
        importer.apply(db, parsed, progress=lambda d, t: calls.append((d, t)),
                       cancelled=lambda: len(calls) > 0)
    assert table_counts(db) == before
    calls.clear()
    importer.apply(db, parsed, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (4, 4)


def test_nothing_to_import(db) -> None:  # type: ignore[no-untyped-def]
    parsed = parse_contacts(b"First Name,Last Name,Notes\n,,only a note\n")
    with pytest.raises(NothingToImport, match="No name, organization, email or phone"):
        importer.apply(db, parsed)
    assert table_counts(db)["import_batch"] == 0


def test_undo_import(db, services, fixture_bytes) -> None:  # type: ignore[no-untyped-def]
    kept_org = services.organizations.create(OrganizationData(name="City of Plano"))
    existing = services.contacts.create(ContactData(
        given_name="Zoë", family_name="Martínez-López", organization_id=kept_org.id,
        emails=[EmailData("zoe.martinez@plano.example.org")], title="Manager"))
    before = table_counts(db)
    snapshot_before = services.contacts.get(existing.id)
    report = importer.apply(db, parse_contacts(fixture_bytes("google.csv")))
    assert (report.created, report.updated) == (3, 1)
    assert services.contacts.get(existing.id).title == "Smart City Program Manager"
    undo = batches.undo_batch(db, report.batch_id)
    assert (undo.contacts_removed, undo.contacts_restored) == (3, 1)
    restored = services.contacts.get(existing.id)
    assert (restored.title, restored.emails, restored.phones, restored.tags) == (
        snapshot_before.title, snapshot_before.emails, snapshot_before.phones,
        snapshot_before.tags)
    after = table_counts(db)
    assert {k: v for k, v in after.items() if k != "import_batch"} == {
        k: v for k, v in before.items() if k != "import_batch"}
    assert services.organizations.get(kept_org.id).name == "City of Plano"
    with pytest.raises(Conflict):
        batches.undo_batch(db, report.batch_id)


def test_undo_keeps_imported_contacts_now_used_elsewhere_in_trash(db, services) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from coordinator.services.records import AttendeeData, MeetingData

    report = importer.apply(db, parse_contacts(
        b"First Name,Last Name,E-mail 1 - Value\nAda,Lovelace,ada@example.org\n"))
    ada = services.contacts.list().rows[0]
    services.meetings.create(MeetingData(title="Call", starts_at=datetime(2026, 12, 1, tzinfo=UTC),
                                         attendees=[AttendeeData(ada.id)]))
    undo = batches.undo_batch(db, report.batch_id)
    assert (undo.contacts_removed, undo.contacts_to_trash) == (0, 1)
    assert services.contacts.count() == 0
    assert services.contacts.get(ada.id, include_deleted=True).deleted_at is not None


def test_vcard_uid_matches_existing_contact(db, services) -> None:  # type: ignore[no-untyped-def]
    mine = services.contacts.create(ContactData(given_name="Kenji", family_name="Ito"))
    card = (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{mine.id}\r\nN:Ito;Kenji;;;\r\nFN:Kenji Ito\r\n"
            "TITLE:Planner\r\nEND:VCARD\r\n").encode()
    preview = importer.preview(db, parse_contacts(card))
    assert preview.rows[0].action == "update" and preview.rows[0].contact_id == mine.id


def test_organization_spellings_match_one_organization(db, services) -> None:  # type: ignore[no-untyped-def]
    plano = services.organizations.create(OrganizationData(name="City of Plano"))
    csv = ("First Name,Last Name,Organization Name\n"
           "Ann,Lee,\"Plano, City of\"\n"
           "Bob,Ray,CITY OF PLANÓ\n"
           "Cy,Day,Denton County\n"
           "Di,Fay,County of Denton\n").encode()
    preview = importer.preview(db, parse_contacts(csv))
    assert preview.new_organizations == ["Denton County"]
    importer.apply(db, parse_contacts(csv))
    rows = {r.full_name: r.organization_id for r in services.contacts.list().rows}
    assert rows["Ann Lee"] == rows["Bob Ray"] == plano.id
    assert rows["Cy Day"] == rows["Di Fay"] is not None


def test_bulk_import_keeps_search_index_exactly_as_the_services_would(db, services) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f"Renée{i},Côté,City of Arlington {i % 3},renee{i}@example.org,NTXIA\n"
                   for i in range(120))
    raw = ("First Name,Last Name,Organization Name,E-mail 1 - Value,Labels\n" + rows).encode()
    importer.apply(db, parse_contacts(raw), ImportOptions(duplicates="create"))

    def index() -> set[tuple]:  # type: ignore[type-arg]
        with db.read() as session:
            return set(session.execute(text(
                "SELECT d.entity, d.entity_id, f.title, f.body FROM search_doc d "
                "JOIN search_fts f ON f.rowid = d.rowid "
                "WHERE d.entity IN ('contact', 'organization')")).all())

    ours = index()
    services.search.reindex()
    assert ours == index()
    assert len([r for r in ours if r[0] == "contact"]) == 120
    assert services.contacts.list(ContactFilter(text="cote renee57")).total == 1


def test_preview_does_not_change_the_parse_result(db) -> None:  # type: ignore[no-untyped-def]
    csv = (b"First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\n"
           b"Ada,Lovelace,ada@example.org,\n"
           b"Ada,Lovelace,ada@example.org,+44 20 7946 0018\n")
    parsed = parse_contacts(csv)
    importer.preview(db, parsed)
    importer.preview(db, parsed)
    assert parsed.contacts[0].data.phones == []
    report = importer.apply(db, parsed)
    assert report.created == 1


def test_row_choices_from_the_review(db, services) -> None:  # type: ignore[no-untyped-def]
    org = services.organizations.create(OrganizationData(name="Denton County"))
    services.contacts.create(ContactData(given_name="Marcus", family_name="Okafor",
                                         organization_id=org.id))
    csv = (b"First Name,Last Name,Organization Name\n"
           b"Marcus,Okafor,Denton County\n"
           b"Ann,Lee,Denton County\n"
           b"Bo,Ray,Denton County\n")
    parsed = parse_contacts(csv)
    seen: list[tuple[int, int]] = []
    preview = importer.preview(db, parsed, progress=lambda d, t: seen.append((d, t)))
    assert [(r.index, r.action) for r in preview.rows] == [
        (0, "duplicate"), (1, "create"), (2, "create")]
    assert seen[0] == (0, 3)
    options = ImportOptions(row_choices={0: "create", 2: "skip"})
    chosen = importer.preview(db, parsed, options)
    assert [r.action for r in chosen.rows] == ["create", "create", "skipped"]
    assert importer.apply(db, parsed, options).created == 2
    names = sorted(r.full_name for r in services.contacts.list().rows)
    assert names == ["Ann Lee", "Marcus Okafor", "Marcus Okafor"]


def test_undo_preview_counts_changes_made_since(db, services) -> None:  # type: ignore[no-untyped-def]
    report = importer.apply(db, parse_contacts(
        b"First Name,Last Name,E-mail 1 - Value\nAda,Lovelace,ada@example.org\n"
        b"Alan,Turing,alan@example.org\n"))
    info = batches.undo_preview(db, report.batch_id)
    assert (info.contacts_to_remove, info.contacts_to_trash, info.contacts_to_restore) == (
        2, 0, 0)
    ada = next(r for r in services.contacts.list().rows if r.full_name == "Ada Lovelace")
    data = services.contacts.get(ada.id)
    data.title = "Countess"
    services.contacts.update(ada.id, data)
    info = batches.undo_preview(db, report.batch_id)
    assert (info.contacts_to_remove, info.contacts_to_trash) == (1, 1)

    # Undo keeps the edit: Ada goes to Trash (restorable), Alan is removed for good.
    undo = batches.undo_batch(db, report.batch_id)
    assert (undo.contacts_removed, undo.contacts_to_trash) == (1, 1)
    assert services.contacts.count() == 0
    services.trash.restore("contact", ada.id)
    assert services.contacts.get(ada.id).title == "Countess"


def test_undo_leaves_contacts_edited_after_an_update_as_they_are(db, services) -> None:  # type: ignore[no-untyped-def]
    ada = services.contacts.create(ContactData(
        given_name="Ada", family_name="Lovelace", emails=[EmailData("ada@example.org")]))
    grace = services.contacts.create(ContactData(
        given_name="Grace", family_name="Hopper", emails=[EmailData("grace@example.org")]))
    report = importer.apply(db, parse_contacts(
        b"First Name,Last Name,Organization Title,E-mail 1 - Value\n"
        b"Ada,Lovelace,Analyst,ada@example.org\nGrace,Hopper,Admiral,grace@example.org\n"))
    assert report.updated == 2
    data = services.contacts.get(ada.id)
    data.notes = "Typed after the import"
    services.contacts.update(ada.id, data)
    preview = batches.undo_preview(db, report.batch_id)
    assert (preview.contacts_to_restore, preview.contacts_to_keep) == (1, 1)

    undo = batches.undo_batch(db, report.batch_id)
    assert (undo.contacts_restored, undo.contacts_kept) == (1, 1)
    assert services.contacts.get(grace.id).title == ""  # put back as before the import
    kept = services.contacts.get(ada.id)
    assert (kept.title, kept.notes) == ("Analyst", "Typed after the import")
