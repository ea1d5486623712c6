"""Merging every pair above a score is one unit of work and one batch: one undo puts
every record, link and field back as it was, even when a record is merged twice."""

from __future__ import annotations

import sqlite3

from coordinator.cli import main
from coordinator.db import Database
from coordinator.formats import batches, merge
from coordinator.models import utcnow
from coordinator.services import Services
from coordinator.services.records import (
    AttendeeData,
    ContactData,
    EmailData,
    MeetingData,
    OrganizationData,
    PhoneData,
)

TABLES = ("contact", "contact_email", "contact_phone", "organization", "attendee",
          "not_duplicate_contact")


def _state(path) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    """Every row that matters, without timestamps that an undo rewrites (and without
    the ids of emails and phones, which a contact's update writes anew)."""
    conn = sqlite3.connect(path)
    out = {}
    for table in TABLES:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                if r[1] not in ("updated_at", "created_at")
                and not (r[1] == "id" and table.startswith("contact_"))]
        out[table] = sorted(conn.execute(f"SELECT {', '.join(cols)} FROM {table}"),
                            key=repr)
    conn.close()
    return out


def test_merge_all_is_one_batch_and_one_undo_restores_everything(db_path) -> None:  # type: ignore[no-untyped-def]
    db = Database.open(db_path)
    s = Services(db)
    org = s.organizations.create(OrganizationData(name="Lovelace Labs")).id
    twin = s.organizations.create(OrganizationData(name="Lovelace Labs Inc",
                                                     city="London")).id
    a = s.contacts.create(ContactData(given_name="Ada", family_name="Lovelace",
                                      emails=[EmailData("ada@example.org")])).id
    b = s.contacts.create(ContactData(given_name="ADA", family_name="Lovelace", title="Countess",
                                      emails=[EmailData("ada@example.org")],
                                      phones=[PhoneData("+44 20 7946 0000")])).id
    c = s.contacts.create(ContactData(given_name="Adá", family_name="Lovelace",
                                      organization_id=twin,
                                      emails=[EmailData("countess@example.org")])).id
    meeting = s.meetings.create(MeetingData(
        title="Engines", starts_at=utcnow(),
        attendees=[AttendeeData(contact_id=b), AttendeeData(contact_id=c)])).id
    db.close()
    before = _state(db_path)

    db = Database.open(db_path)
    # b into a, then a (holding b) absorbed by c: b's attendance is re-pointed twice.
    batch_id, merged = merge.merge_all(db, [("contact", a, b), ("contact", c, a),
                                            ("organization", org, twin)])
    assert merged == 3
    s = Services(db)
    assert s.contacts.count() == 1
    assert [x.format for x in batches.list_batches(db)].count("merge") == 1
    assert {x.contact_id for x in s.meetings.get(meeting).attendees} == {c}
    batches.undo_batch(db, batch_id)
    db.close()
    assert _state(db_path) == before


def test_merge_all_above_from_the_command_line_is_one_batch(db_path, capsys) -> None:  # type: ignore[no-untyped-def]
    db = Database.open(db_path)
    s = Services(db)
    for given in ("Ada", "ADA", "Adá", "ada"):
        s.contacts.create(ContactData(given_name=given, family_name="Lovelace",
                                      emails=[EmailData("ada@example.org")]))
    db.close()
    before = _state(db_path)
    assert main(["--db", str(db_path), "duplicates", "--merge-all-above", "90"]) == 0
    out = capsys.readouterr().out
    assert "Merged 3 pairs" in out and "as one batch" in out
    db = Database.open(db_path)
    merges = [x for x in batches.list_batches(db) if x.format == "merge"]
    db.close()
    assert len(merges) == 1
    assert main(["--db", str(db_path), "import", "undo", merges[0].id]) == 0
    assert _state(db_path) == before
