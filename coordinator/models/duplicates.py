""""Not duplicates" decisions: pairs of records the user said are different people or
organizations, so duplicate finding never proposes them again.

One table per entity, so that each id is a real foreign key: purging either record by
any path (Trash, undoing an import, clearing the sample data) deletes the decision
with it (`ON DELETE CASCADE`). A pair is stored once, smaller id first.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field

from coordinator.models.base import Record


class NotDuplicateContact(Record, table=True):
    """Two contacts that are not the same person. `deleted_at` is set when the user
    takes the decision back (the pair may be proposed again)."""

    __tablename__ = "not_duplicate_contact"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id", name="uq_not_duplicate_contact_pair"),
        CheckConstraint("first_id < second_id", name="ck_not_duplicate_contact_order"),
    )
    first_id: str = Field(foreign_key="contact.id", ondelete="CASCADE", max_length=36)
    second_id: str = Field(foreign_key="contact.id", ondelete="CASCADE", index=True,
                           max_length=36)


class NotDuplicateOrganization(Record, table=True):
    """Two organizations that are not the same one (see `NotDuplicateContact`)."""

    __tablename__ = "not_duplicate_organization"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id", name="uq_not_duplicate_organization_pair"),
        CheckConstraint("first_id < second_id", name="ck_not_duplicate_organization_order"),
    )
    first_id: str = Field(foreign_key="organization.id", ondelete="CASCADE", max_length=36)
    second_id: str = Field(foreign_key="organization.id", ondelete="CASCADE", index=True,
                           max_length=36)
