"""Members: consortia, organizations, contacts (with labelled emails, phones,
addresses) and tags."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from coordinator.models.base import Record


class Consortium(Record, table=True):
    name: str = Field(max_length=200)
    short_name: str = Field(max_length=40)
    states: str = Field(default="", max_length=100)  # comma-separated postal codes
    region: str = Field(default="", max_length=200)
    website: str = Field(default="", max_length=500)
    time_zone: str = Field(default="America/Chicago", max_length=64)
    builtin: bool = Field(default=False)


class Organization(Record, table=True):
    __table_args__ = (
        Index("ix_organization_consortium_name", "consortium_id", "name_key"),
        # Home's "recently changed": the last edited live rows, newest first.
        Index("ix_organization_recent", "updated_at", sqlite_where=text("deleted_at IS NULL")),
    )

    name: str = Field(max_length=300)
    name_key: str = Field(default="", max_length=300, index=True)  # folded name
    sector: str = Field(default="other", max_length=40, index=True)
    consortium_id: str | None = Field(
        default=None, foreign_key="consortium.id", ondelete="SET NULL", max_length=36
    )
    city: str = Field(default="", max_length=120)
    state: str = Field(default="", max_length=40)
    website: str = Field(default="", max_length=500)
    notes: str = Field(default="")


class Contact(Record, table=True):
    __table_args__ = (
        # Partial indexes: live contacts in name order (per consortium) are one range
        # scan, covering the id, even at page 2,000 of 100,000.
        Index("ix_contact_sort", "sort_key", "id", sqlite_where=text("deleted_at IS NULL")),
        Index("ix_contact_consortium_sort", "consortium_id", "sort_key", "id",
              sqlite_where=text("deleted_at IS NULL")),
        Index("ix_contact_organization", "organization_id"),
        # Each organization's latest "last contacted" and its live contacts, read from
        # the index alone (Home's "going quiet", Coverage).
        Index("ix_contact_org_contacted", "organization_id", "last_contacted_on",
              sqlite_where=text("deleted_at IS NULL")),
        # Home's "recently changed": the last edited live contacts, newest first.
        Index("ix_contact_recent", "updated_at", sqlite_where=text("deleted_at IS NULL")),
        CheckConstraint("full_name <> ''", name="ck_contact_has_name"),
    )

    prefix: str = Field(default="", max_length=40)
    given_name: str = Field(default="", max_length=120)
    middle_name: str = Field(default="", max_length=120)
    family_name: str = Field(default="", max_length=120)
    suffix: str = Field(default="", max_length=40)
    nickname: str = Field(default="", max_length=120)
    pronouns: str = Field(default="", max_length=40)
    full_name: str = Field(default="", max_length=400)  # display form, kept by services
    sort_key: str = Field(default="", max_length=400)  # folded "family given", kept by services
    title: str = Field(default="", max_length=200)
    organization_id: str | None = Field(
        default=None, foreign_key="organization.id", ondelete="SET NULL", max_length=36
    )
    # The organization's consortium, copied by the services so that filtering and
    # sorting by consortium is one index range at 100,000 contacts.
    consortium_id: str | None = Field(
        default=None, foreign_key="consortium.id", ondelete="SET NULL", max_length=36
    )
    website: str = Field(default="", max_length=500)
    notes: str = Field(default="")
    private_notes: str = Field(default="")
    birthday: str = Field(default="", max_length=10)  # YYYY-MM-DD or --MM-DD
    last_contacted_on: date | None = None
    # Asked not to be emailed: mailing links, copied addresses and mail merge skip them.
    do_not_contact: bool = Field(default=False)


class ContactEmail(Record, table=True):
    __tablename__ = "contact_email"
    contact_id: str = Field(foreign_key="contact.id", ondelete="CASCADE", index=True, max_length=36)
    label: str = Field(default="work", max_length=40)
    address: str = Field(max_length=320)
    address_key: str = Field(max_length=320, index=True)  # lower-cased for matching
    is_primary: bool = False
    position: int = 0


class ContactPhone(Record, table=True):
    __tablename__ = "contact_phone"
    contact_id: str = Field(foreign_key="contact.id", ondelete="CASCADE", index=True, max_length=36)
    label: str = Field(default="work", max_length=40)
    raw: str = Field(max_length=80)  # as typed or imported
    e164: str | None = Field(default=None, max_length=20, index=True)  # when it parses
    is_primary: bool = False
    position: int = 0


class ContactAddress(Record, table=True):
    __tablename__ = "contact_address"
    contact_id: str = Field(foreign_key="contact.id", ondelete="CASCADE", index=True, max_length=36)
    label: str = Field(default="work", max_length=40)
    street: str = Field(default="", max_length=300)
    city: str = Field(default="", max_length=120)
    region: str = Field(default="", max_length=120)
    postal_code: str = Field(default="", max_length=20)
    country: str = Field(default="", max_length=80)
    position: int = 0


class Tag(Record, table=True):
    __table_args__ = (UniqueConstraint("name_key"),)
    name: str = Field(max_length=80)
    name_key: str = Field(max_length=80)


class ContactTag(SQLModel, table=True):
    __tablename__ = "contact_tag"
    contact_id: str = Field(foreign_key="contact.id", ondelete="CASCADE", primary_key=True)
    tag_id: str = Field(foreign_key="tag.id", ondelete="CASCADE", primary_key=True, index=True)


class OrganizationTag(SQLModel, table=True):
    __tablename__ = "organization_tag"
    organization_id: str = Field(
        foreign_key="organization.id", ondelete="CASCADE", primary_key=True
    )
    tag_id: str = Field(foreign_key="tag.id", ondelete="CASCADE", primary_key=True, index=True)
