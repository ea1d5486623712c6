"""Services: the only API the UI and the CLI use to read and change data.

    services = Services(Database.open(path))
    services.contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))

Every write runs in one unit of work (`Database.write`), validates first (raising
`ValidationError` with every field problem), keeps the search index in step and
reports what changed to `Database.subscribe` listeners.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from coordinator.changes import ChangeKind, ChangeSet

if TYPE_CHECKING:
    from coordinator.db import Database
    from coordinator.services.actions import ActionFilter
    from coordinator.services.contacts import ContactFilter, ContactRow
    from coordinator.services.meetings import MeetingFilter, SeriesData
    from coordinator.services.organizations import OrganizationFilter
    from coordinator.services.proposals import ProposalFilter
    from coordinator.services.search import SearchHit, SearchResults
    from coordinator.services.trash import TrashItem

# The names this package offers, and the module each comes from: imported on first use,
# so that `coordinator.services.search` alone (the CLI's search) does not load every
# service, the models and SQLAlchemy.
_LAZY = {
    "ActionFilter": "actions", "ActionService": "actions",
    "ContactFilter": "contacts", "ContactRow": "contacts", "ContactService": "contacts",
    "MeetingFilter": "meetings", "MeetingService": "meetings", "SeriesData": "meetings",
    "ConsortiumService": "organizations", "OrganizationFilter": "organizations",
    "OrganizationService": "organizations", "ProposalFilter": "proposals",
    "ProposalService": "proposals", "SearchHit": "search", "SearchResults": "search",
    "SearchService": "search", "TagService": "tags", "TrashItem": "trash",
    "TrashService": "trash",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"coordinator.services.{module}"), name)
    globals()[name] = value
    return value


EMPTY_TABLES = ("contact", "organization", "proposal", "meeting", "tag", "meeting_series")


class Services:
    def __init__(self, db: Database) -> None:
        from coordinator.services.actions import ActionService
        from coordinator.services.contacts import ContactService
        from coordinator.services.meetings import MeetingService
        from coordinator.services.organizations import ConsortiumService, OrganizationService
        from coordinator.services.proposals import ProposalService
        from coordinator.services.search import SearchService
        from coordinator.services.tags import TagService
        from coordinator.services.trash import TrashService

        self.db = db
        self.consortia = ConsortiumService(db)
        self.organizations = OrganizationService(db)
        self.contacts = ContactService(db)
        self.proposals = ProposalService(db)
        self.actions = ActionService(db)
        self.meetings = MeetingService(db, self.actions)
        self.search = SearchService(db)
        self.tags = TagService(db)
        from coordinator.services.data_io import DuplicateService, ExportService, ImportService

        self.imports = ImportService(db)
        self.duplicates = DuplicateService(db)
        self.exports = ExportService(db, self)
        self.trash = TrashService(db, {
            "contact": self.contacts, "organization": self.organizations,
            "proposal": self.proposals, "meeting": self.meetings,
        })
        from coordinator.services.coverage import CoverageService
        from coordinator.services.home import HomeService

        self.home = HomeService(db)
        self.coverage = CoverageService(db)
        from coordinator.services.timeline import TimelineService

        self.timeline = TimelineService(db)
        from coordinator.services.mailing import MailingService

        self.mailing = MailingService(db)
        from coordinator.services.reminders import ReminderService

        self.reminders = ReminderService(db)

    def stats(self) -> dict[str, object]:
        """Live record counts per entity, and per consortium."""
        from coordinator.services.stats import stats

        with self.db.raw() as conn:
            return stats(conn)

    def is_empty(self) -> bool:
        """True when the database holds no records at all: none live, none in Trash, and
        no tags or meeting series left behind (the sample coalition may be written then)."""
        from sqlalchemy import text

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
