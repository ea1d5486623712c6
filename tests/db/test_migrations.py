"""Migrations: from empty, from the first schema with data in every table, and the
models agreeing with the migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from coordinator.db import Database
from coordinator.db.engine import make_engine
from coordinator.db.migrate import head_revision, upgrade
from coordinator.services import Services

CHILD_TABLES = ["contact_email", "contact_phone", "contact_address", "contact_tag",
                "organization_tag", "proposal_partner", "proposal_section",
                "proposal_budget_line", "proposal_tag", "meeting_consortium", "agenda_item",
                "attendee", "decision", "action_item"]

NOW = "2026-01-05 10:00:00.000000"


def _fill_first_schema(path: Path) -> dict[str, int]:
    """One or more rows in every table of schema 0001, written with raw SQL (the
    services speak the newest schema)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=ON")
    ts = {"created_at": NOW, "updated_at": NOW}

    def ins(table: str, **values: object) -> None:
        values = {**ts, **values} if table not in (
            "contact_tag", "organization_tag", "proposal_tag", "meeting_consortium") else values
        cols = ", ".join(values)
        marks = ", ".join("?" * len(values))
        conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(values.values()))

    cons = conn.execute("SELECT id FROM consortium LIMIT 1").fetchone()[0]
    ins("tag", id="t1", name="Mobility", name_key="mobility")
    ins("organization", id="o1", name="City of Plano", name_key="city of plano",
        sector="local_government", consortium_id=cons, city="Plano", state="TX", website="",
        notes="")
    ins("organization_tag", organization_id="o1", tag_id="t1")
    for i in range(3):
        ins("contact", id=f"c{i}", prefix="", given_name=f"Ana{i}", middle_name="",
            family_name="Ruiz", suffix="", nickname="", full_name=f"Ana{i} Ruiz",
            sort_key=f"ruiz ana{i}", title="CIO", organization_id="o1", consortium_id=cons,
            website="", notes="", private_notes="", birthday="")
        ins("contact_email", id=f"e{i}", contact_id=f"c{i}", label="work",
            address=f"ana{i}@example.org", address_key=f"ana{i}@example.org", is_primary=1,
            position=0)
        ins("contact_phone", id=f"p{i}", contact_id=f"c{i}", label="work", raw="214-555-0100",
            e164="+12145550100", is_primary=1, position=0)
        ins("contact_address", id=f"a{i}", contact_id=f"c{i}", label="work", street="1 Main",
            city="Plano", region="TX", postal_code="75074", country="US", position=0)
        ins("contact_tag", contact_id=f"c{i}", tag_id="t1")
    ins("proposal", id="pr1", title="Curb data", summary="", status="drafting", funder="NSF",
        funder_call="", amount_minor=100, currency="USD", lead_organization_id="o1",
        owner_id="c0", internal_notes="")
    ins("proposal_partner", id="pp1", proposal_id="pr1", organization_id="o1", role="lead",
        commitment_minor=0, position=0)
    ins("proposal_section", id="ps1", proposal_id="pr1", position=0, heading="Need", body="x")
    ins("proposal_budget_line", id="pb1", proposal_id="pr1", position=0, description="Staff",
        amount_minor=100)
    ins("proposal_tag", proposal_id="pr1", tag_id="t1")
    ins("meeting_series", id="s1", name="Call", name_key="call")
    ins("meeting", id="m1", title="Call 1", series_id="s1", kind="partnership_call",
        starts_at=NOW, time_zone="America/Chicago", duration_minutes=60, location="",
        link="", notes="", private_notes="")
    ins("meeting_consortium", meeting_id="m1", consortium_id=cons)
    ins("agenda_item", id="ag1", meeting_id="m1", position=0, title="Welcome",
        presenter_id="c1", minutes=5, details="")
    ins("attendee", id="at1", meeting_id="m1", contact_id="c1", role="chair", rsvp="yes")
    ins("attendee", id="at2", meeting_id="m1", contact_id="c2", role="attendee", rsvp="no")
    ins("decision", id="d1", meeting_id="m1", position=0, text="Go")
    ins("action_item", id="ai1", meeting_id="m1", text="Send notes", owner_id="c2",
        status="open", proposal_id="pr1")
    conn.commit()
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ["contact", "organization", "proposal", "meeting", *CHILD_TABLES]}
    conn.close()
    return counts


def test_upgrade_from_first_schema_keeps_every_child_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    upgrade(path, "0001")
    before = _fill_first_schema(path)
    assert all(before.values()), before

    db = Database.open(path, backup_dir=tmp_path / "backups")
    try:
        with db.read() as session:
            after = {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                     for t in before}
            assert session.execute(text("SELECT version_num FROM alembic_version")
                                   ).scalar_one() == head_revision()
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
            assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert after == before
        # The new column arrived with its default and the data reads through services.
        contact = Services(db).contacts.get("c1")
        assert contact.pronouns == ""
        assert [e.address for e in contact.emails] == ["ana1@example.org"]
        # A timestamped backup of the old schema was taken with the backup API.
        assert db.last_backup is not None and db.last_backup.exists()
        backup = sqlite3.connect(db.last_backup)
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert backup.execute("SELECT count(*) FROM contact_email").fetchone()[0] == 3
        backup.close()
    finally:
        db.close()


def test_upgrade_from_empty_and_search_index_present(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "new.db")
    try:
        assert db.last_backup is None  # nothing to back up
        with db.read() as session:
            tables = set(session.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table'")).scalars())
        assert {"search_fts", "search_doc", "contact", "meeting"} <= tables
        assert Services(db).search.search("Colorado").groups["consortium"]
    finally:
        db.close()


def test_models_match_migrations(tmp_path: Path) -> None:
    """Autogenerate finds nothing to do: the migrations describe the models exactly."""
    path = tmp_path / "head.db"
    upgrade(path)
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={
                "include_object": lambda obj, name, type_, *_: not (
                    type_ == "table" and name and name.startswith(("search_", "sqlite_")))})
            diff = compare_metadata(ctx, SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == []
