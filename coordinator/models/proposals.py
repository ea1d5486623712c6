"""Joint-research proposals with partners, ordered Markdown sections and budget lines."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from coordinator.models.base import Record


class Proposal(Record, table=True):
    # Home's "recently changed": the last edited live proposals, newest first.
    __table_args__ = (
        Index("ix_proposal_recent", "updated_at", sqlite_where=text("deleted_at IS NULL")),
    )

    title: str = Field(max_length=300)
    summary: str = Field(default="")
    status: str = Field(default="idea", max_length=30, index=True)
    funder: str = Field(default="", max_length=200)
    funder_call: str = Field(default="", max_length=300)
    amount_minor: int = 0  # requested amount in minor units (cents)
    currency: str = Field(default="USD", max_length=3)
    due_date: date | None = Field(default=None, index=True)
    # Indexed: an organization's proposals are found from it (Home's "going quiet").
    lead_organization_id: str | None = Field(
        default=None, foreign_key="organization.id", ondelete="SET NULL", max_length=36,
        index=True,
    )
    owner_id: str | None = Field(
        default=None, foreign_key="contact.id", ondelete="SET NULL", max_length=36
    )
    internal_notes: str = Field(default="")


class ProposalPartner(Record, table=True):
    __tablename__ = "proposal_partner"
    __table_args__ = (UniqueConstraint("proposal_id", "organization_id"),)
    proposal_id: str = Field(foreign_key="proposal.id", ondelete="CASCADE", max_length=36)
    organization_id: str = Field(
        foreign_key="organization.id", ondelete="CASCADE", index=True, max_length=36
    )
    role: str = Field(default="partner", max_length=30)
    commitment_minor: int = 0
    position: int = 0


class ProposalSection(Record, table=True):
    __tablename__ = "proposal_section"
    proposal_id: str = Field(foreign_key="proposal.id", ondelete="CASCADE", index=True)
    position: int = 0
    heading: str = Field(default="", max_length=300)
    body: str = Field(default="")  # Markdown


class ProposalBudgetLine(Record, table=True):
    __tablename__ = "proposal_budget_line"
    proposal_id: str = Field(foreign_key="proposal.id", ondelete="CASCADE", index=True)
    position: int = 0
    description: str = Field(default="", max_length=300)
    amount_minor: int = 0


class ProposalTag(SQLModel, table=True):
    __tablename__ = "proposal_tag"
    proposal_id: str = Field(foreign_key="proposal.id", ondelete="CASCADE", primary_key=True)
    tag_id: str = Field(foreign_key="tag.id", ondelete="CASCADE", primary_key=True, index=True)
