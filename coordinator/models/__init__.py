"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from coordinator.models.base import (
    Record,
    fold,
    natural_id,
    new_id,
    parse_sql_time,
    sql_time,
    utcnow,
)
from coordinator.models.duplicates import NotDuplicateContact, NotDuplicateOrganization
from coordinator.models.enums import (
    ActionStatus,
    AttendeeRole,
    MeetingKind,
    PartnerRole,
    ProposalStatus,
    Rsvp,
    Sector,
)
from coordinator.models.imports import ImportBatch, ImportBatchItem
from coordinator.models.last_touch import organization_touch
from coordinator.models.meetings import (
    ActionItem,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    MeetingConsortium,
    MeetingSeries,
)
from coordinator.models.members import (
    Consortium,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Organization,
    OrganizationTag,
    Tag,
)
from coordinator.models.proposals import (
    Proposal,
    ProposalBudgetLine,
    ProposalPartner,
    ProposalSection,
    ProposalTag,
)
from coordinator.models.sync import BOOKKEEPING_TABLES

__all__ = [
    "BOOKKEEPING_TABLES",
    "ActionItem",
    "ActionStatus",
    "AgendaItem",
    "Attendee",
    "AttendeeRole",
    "Consortium",
    "Contact",
    "ContactAddress",
    "ContactEmail",
    "ContactPhone",
    "ContactTag",
    "Decision",
    "ImportBatch",
    "ImportBatchItem",
    "Meeting",
    "MeetingConsortium",
    "MeetingKind",
    "MeetingSeries",
    "NotDuplicateContact",
    "NotDuplicateOrganization",
    "Organization",
    "OrganizationTag",
    "PartnerRole",
    "Proposal",
    "ProposalBudgetLine",
    "ProposalPartner",
    "ProposalSection",
    "ProposalStatus",
    "ProposalTag",
    "Record",
    "Rsvp",
    "Sector",
    "Tag",
    "fold",
    "natural_id",
    "new_id",
    "organization_touch",
    "parse_sql_time",
    "sql_time",
    "utcnow",
]
