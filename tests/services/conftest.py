"""Fixtures for the service tests: a builder that makes records through the services,
a recorder of the ChangeSets every write reports, and one read-only sample coalition
per module for the tests that only read."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from coordinator.changes import ChangeSet
from coordinator.db import Database
from coordinator.demo import build_demo
from coordinator.reference import CONSORTIA
from coordinator.services import Services
from coordinator.services.records import (
    ActionItemData,
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

CONS = {c.short_name: c.id for c in CONSORTIA}
NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = date.today()


class Build:
    """Makes valid records through the services with as little typing as possible."""

    def __init__(self, services: Services) -> None:
        self.s = services
        self._n = 0

    def org(self, name: str = "Acme Mobility", consortium: str | None = "NTXIA",
            sector: str = "company", **kw: object) -> OrganizationData:
        return self.s.organizations.create(OrganizationData(
            name=name, sector=sector, consortium_id=CONS[consortium] if consortium else None,
            **kw))  # type: ignore[arg-type]

    def contact(self, given: str = "Ada", family: str = "Lovelace",
                org: OrganizationData | None = None, emails: Iterable[str] = (),
                phones: Iterable[str] = (), **kw: object) -> ContactData:
        return self.s.contacts.create(ContactData(
            given_name=given, family_name=family, organization_id=org.id if org else None,
            emails=[EmailData(e) for e in emails], phones=[PhoneData(p) for p in phones],
            **kw))  # type: ignore[arg-type]

    def proposal(self, title: str = "Smart Corridors", status: str = "drafting",
                 partners: Iterable[OrganizationData] = (), **kw: object) -> ProposalData:
        return self.s.proposals.create(ProposalData(
            title=title, status=status,
            partners=[PartnerData(o.id, role="lead" if i == 0 else "partner")
                      for i, o in enumerate(partners)], **kw))  # type: ignore[arg-type]

    def meeting(self, title: str = "Partnership call", starts_at: datetime | None = None,
                series: str = "", attendees: Iterable[ContactData] = (),
                consortia: Iterable[str] = (), actions: Iterable[ActionItemData] = (),
                agenda: Iterable[str] = (), **kw: object) -> MeetingData:
        return self.s.meetings.create(MeetingData(
            title=title, starts_at=starts_at or NOW + timedelta(days=7), series_name=series,
            attendees=[AttendeeData(c.id) for c in attendees],  # type: ignore[union-attr]
            consortium_ids=[CONS[c] for c in consortia], action_items=list(actions),
            agenda=[AgendaItemData(a) for a in agenda], **kw))  # type: ignore[arg-type]


def copy_database(src: Path, dest: Path) -> None:
    """Copy with SQLite's backup API (never copy the file of a WAL database)."""
    with sqlite3.connect(src) as source, sqlite3.connect(dest) as target:
        source.backup(target)
    source.close()
    target.close()


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly migrated empty database, made once: copying it is faster than migrating."""
    folder = tmp_path_factory.mktemp("template")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COORDINATOR_HOME", str(folder / "home"))
        Database.open(folder / "empty.db").close()
    return folder / "empty.db"


@pytest.fixture
def db(db_path: Path, empty_template: Path) -> Iterator[Database]:
    """Overrides the shared fixture: the same empty database, copied from the template."""
    copy_database(empty_template, db_path)
    database = Database.open(db_path)
    yield database
    database.close()


@pytest.fixture
def build(services: Services) -> Build:
    return Build(services)


@pytest.fixture
def changes(db: Database) -> Iterator[list[ChangeSet]]:
    """Every ChangeSet reported to Database.subscribe listeners, in order."""
    seen: list[ChangeSet] = []
    unsubscribe = db.subscribe(seen.append)
    yield seen
    unsubscribe()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The sample coalition, built once per module: for tests that only read."""
    folder: Path = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COORDINATOR_HOME", str(folder / "home"))
        database = Database.open(folder / "demo.db")
        services = Services(database)
        build_demo(services, today=TODAY)
        yield services
        database.close()
