"""Closed vocabularies, stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class Sector(StrEnum):
    LOCAL_GOVERNMENT = "local_government"
    COUNTY = "county"
    REGIONAL_AGENCY = "regional_agency"
    COMPANY = "company"
    UNIVERSITY = "university"
    NONPROFIT = "nonprofit"
    UTILITY = "utility"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SECTOR_LABELS[self]


SECTOR_LABELS = {
    Sector.LOCAL_GOVERNMENT: "Local government",
    Sector.COUNTY: "County",
    Sector.REGIONAL_AGENCY: "Regional/state agency",
    Sector.COMPANY: "Company",
    Sector.UNIVERSITY: "University",
    Sector.NONPROFIT: "Nonprofit",
    Sector.UTILITY: "Utility",
    Sector.OTHER: "Other",
}


class ProposalStatus(StrEnum):
    IDEA = "idea"
    DRAFTING = "drafting"
    INTERNAL_REVIEW = "internal_review"
    SUBMITTED = "submitted"
    AWARDED = "awarded"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATUSES


CLOSED_STATUSES = frozenset(
    {ProposalStatus.AWARDED, ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN}
)


class PartnerRole(StrEnum):
    LEAD = "lead"
    CO_LEAD = "co_lead"
    PARTNER = "partner"
    ADVISOR = "advisor"
    LETTER_OF_SUPPORT = "letter_of_support"

    @property
    def label(self) -> str:
        return {"co_lead": "Co-lead", "letter_of_support": "Letter of support"}.get(
            self.value, self.value.capitalize()
        )


class MeetingKind(StrEnum):
    PARTNERSHIP_CALL = "partnership_call"
    WORKSHOP = "workshop"
    CONFERENCE = "conference"
    ONE_TO_ONE = "one_to_one"

    @property
    def label(self) -> str:
        return {"one_to_one": "One-to-one"}.get(
            self.value, self.value.replace("_", " ").capitalize()
        )


class AttendeeRole(StrEnum):
    CHAIR = "chair"
    NOTE_TAKER = "note_taker"
    ATTENDEE = "attendee"


class Rsvp(StrEnum):
    PENDING = "pending"
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
