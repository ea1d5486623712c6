"""Services: the only API the UI and the CLI use to read and change data.

    services = Services(Database.open(path))
    services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))

Every write runs in one unit of work (`Database.write`), validates first (raising
`ValidationError` with every field problem), keeps the search index in step and
reports what changed to `Database.subscribe` listeners.
"""

from __future__ import annotations

from sqlalchemy import text

from coordinator.changes import ChangeKind, ChangeSet
from coordinator.db import Database
from coordinator.services.actions import ActionFilter, ActionService
from coordinator.services.contacts import ContactFilter, ContactRow, ContactService
from coordinator.services.meetings import MeetingFilter, MeetingService, SeriesData
from coordinator.services.organizations import (
    ConsortiumService,
    OrganizationFilter,
    OrganizationService,
)
from coordinator.services.proposals import ProposalFilter, ProposalService
from coordinator.services.search import SearchHit, SearchResults, SearchService
from coordinator.services.tags import TagService
from coordinator.services.trash import TrashItem, TrashService

STAT_TABLES = ("contact", "organization", "proposal", "meeting", "action_item")
EMPTY_TABLES = ("contact", "organization", "proposal", "meeting", "tag", "meeting_series")


class Services:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.consortia = ConsortiumService(db)
        self.organizations = OrganizationService(db)
        self.contacts = ContactService(db)
        self.proposals = ProposalService(db)
        self.actions = ActionService(db)
        self.meetings = MeetingService(db, self.actions)
        self.search = SearchService(db)
        self.tags = TagService(db)
        self.trash = TrashService(db, {
            "contact": self.contacts, "organization": self.organizations,
            "proposal": self.proposals, "meeting": self.meetings,
        })

    def stats(self) -> dict[str, object]:
        """Live record counts per entity, and per consortium."""
        with self.db.read() as session:
            counts = {}
            for table in STAT_TABLES:
                # Action items have no Trash of their own: they follow their meeting.
                where = "deleted_at IS NULL" if table != "action_item" else (
                    "meeting_id IN (SELECT id FROM meeting WHERE deleted_at IS NULL)")
                counts[table] = session.execute(
                    text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar_one()
        counts["trash"] = self.trash.count()
        per_consortium = {
            c.short_name: {"organizations": c.organization_count, "contacts": c.contact_count}
            for c in self.consortia.list()
        }
        return {"counts": counts, "consortia": per_consortium}

    def is_empty(self) -> bool:
        """True when the database holds no records at all: none live, none in Trash, and
        no tags or meeting series left behind (the sample coalition may be written then)."""
        with self.db.read() as session:
            return not any(
                session.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar_one()
                for table in EMPTY_TABLES)


__all__ = [
    "ActionFilter",
    "ChangeKind",
    "ChangeSet",
    "ContactFilter",
    "ContactRow",
    "MeetingFilter",
    "OrganizationFilter",
    "ProposalFilter",
    "SearchHit",
    "SearchResults",
    "SeriesData",
    "Services",
    "TrashItem",
]
