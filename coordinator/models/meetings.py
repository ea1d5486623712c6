"""Meetings: series, agenda, attendees, decisions and action items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from coordinator.models.base import Record


class MeetingSeries(Record, table=True):
    __tablename__ = "meeting_series"
    __table_args__ = (UniqueConstraint("name_key"),)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)


class Meeting(Record, table=True):
    # Home's "recently changed": the last edited live meetings, newest first.
    __table_args__ = (
        Index("ix_meeting_recent", "updated_at", sqlite_where=text("deleted_at IS NULL")),
    )

    title: str = Field(max_length=300)
    series_id: str | None = Field(
        default=None, foreign_key="meeting_series.id", ondelete="SET NULL", index=True
    )
    kind: str = Field(default="partnership_call", max_length=30)
    starts_at: datetime = Field(index=True)  # aware; stored as UTC
    time_zone: str = Field(default="America/Chicago", max_length=64)  # IANA zone
    duration_minutes: int = 60
    location: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=500)
    notes: str = Field(default="")  # Markdown
    private_notes: str = Field(default="")


class MeetingConsortium(SQLModel, table=True):
    __tablename__ = "meeting_consortium"
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", primary_key=True)
    consortium_id: str = Field(
        foreign_key="consortium.id", ondelete="CASCADE", primary_key=True, index=True
    )


class AgendaItem(Record, table=True):
    __tablename__ = "agenda_item"
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    position: int = 0
    title: str = Field(max_length=300)
    presenter_id: str | None = Field(default=None, foreign_key="contact.id", ondelete="SET NULL")
    minutes: int = 0
    details: str = Field(default="")


class Attendee(Record, table=True):
    __table_args__ = (UniqueConstraint("meeting_id", "contact_id"),)
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE")
    contact_id: str = Field(foreign_key="contact.id", ondelete="CASCADE", index=True)
    role: str = Field(default="attendee", max_length=20)
    rsvp: str = Field(default="pending", max_length=20)
    attended: bool | None = None


class Decision(Record, table=True):
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    position: int = 0
    text: str


class ActionItem(Record, table=True):
    __tablename__ = "action_item"
    __table_args__ = (Index("ix_action_item_status_due", "status", "due_date"),)
    meeting_id: str = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    text: str
    owner_id: str | None = Field(
        default=None, foreign_key="contact.id", ondelete="SET NULL", index=True
    )
    due_date: date | None = None
    status: str = Field(default="open", max_length=20)
    proposal_id: str | None = Field(
        default=None, foreign_key="proposal.id", ondelete="SET NULL", index=True
    )
    completed_at: datetime | None = None
