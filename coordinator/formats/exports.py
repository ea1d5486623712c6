"""Export entry points for the CLI and the UI: choose records, return file bytes.

    data = export_contacts(db, "vcard3", contact_filter=ContactFilter(consortium_id=...))
    data = export_contacts(db, "csv", ids=selected_ids, progress=..., cancelled=...)
    data = export_meetings(db, series="NTXIA monthly")
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text

from coordinator.db import Database
from coordinator.errors import CoordinatorError
from coordinator.files import write_private_atomic
from coordinator.formats import csv_export, ical_export, vcard_export
from coordinator.formats.loading import load_contacts
from coordinator.formats.parsed import CancelCheck, ProgressCallback, check_cancel
from coordinator.models import fold
from coordinator.services.contacts import ContactFilter, ContactService
from coordinator.services.meetings import MeetingFilter
from coordinator.services.organizations import OrganizationFilter, OrganizationService
from coordinator.services.proposals import ProposalFilter, ProposalService

CONTACT_FORMATS = {"csv": ".csv", "outlook-csv": ".csv", "vcard3": ".vcf", "vcard4": ".vcf"}


def export_contacts(db: Database, format: str, *, ids: Sequence[str] | None = None,
                    contact_filter: ContactFilter | None = None,
                    include_private: bool = False,
                    progress: ProgressCallback | None = None,
                    cancelled: CancelCheck | None = None) -> bytes:
    """All contacts, those matching `contact_filter`, or the selection `ids`."""
    if format not in CONTACT_FORMATS:
        raise CoordinatorError(f"Unknown contact export format {format!r}; use one of "
                               f"{', '.join(CONTACT_FORMATS)}.")
    if ids is None:
        ids = ContactService(db).ids(contact_filter)
    with db.read() as session:
        contacts = load_contacts(session, ids, progress=progress, cancelled=cancelled)
    check_cancel(cancelled)
    if format == "csv":
        data = csv_export.contacts_csv(contacts, include_private=include_private)
    elif format == "outlook-csv":
        data = csv_export.outlook_csv(contacts)
    elif format == "vcard3":
        data = vcard_export.vcard30(contacts)
    else:
        data = vcard_export.vcard40(contacts)
    if progress is not None:
        progress(len(ids), len(ids))
    return data


def export_organizations(db: Database, organization_filter: OrganizationFilter | None = None
                         ) -> bytes:
    orgs = OrganizationService(db).list(organization_filter).rows
    tags: dict[str, list[str]] = {}
    with db.read() as session:
        for oid, name in session.execute(text(
                "SELECT ot.organization_id, t.name FROM organization_tag ot JOIN tag t "
                "ON t.id = ot.tag_id ORDER BY t.name_key")):
            tags.setdefault(oid, []).append(name)
    for o in orgs:
        o.tags = tags.get(o.id or "", [])
    return csv_export.organizations_csv(orgs)


def export_proposals(db: Database, proposal_filter: ProposalFilter | None = None) -> bytes:
    return csv_export.proposals_csv(ProposalService(db).list(proposal_filter).rows)


def export_meetings(db: Database, *, series: str | None = None,
                    meeting_id: str | None = None) -> bytes:
    """One meeting (`meeting_id`), one series (by name), or every meeting."""
    from coordinator.services import Services

    services = Services(db)
    if meeting_id:
        meetings = [services.meetings.get(meeting_id)]
    elif series:
        found = [s for s in services.meetings.series() if fold(s.name) == fold(series)]
        if not found:
            names = ", ".join(s.name for s in services.meetings.series()) or "none yet"
            raise CoordinatorError(f"No meeting series named {series!r} (series: {names}).")
        meetings = services.meetings.list(MeetingFilter(series_id=found[0].id)).rows
    else:
        meetings = services.meetings.list().rows
    data = ical_export.meetings_ics(db, meetings)
    problems = ical_export.validate_ics(data)
    if problems:
        raise CoordinatorError("The calendar file did not validate: " + "; ".join(problems))
    return data


def write_export(path: Path | str, data: bytes) -> Path:
    """Write an export the user asked for, readable by the user only (0600 on POSIX)
    from its first byte: an export holds people's names, emails and perhaps private
    notes. The bytes go to a temporary file (created 0600) in the same folder, renamed
    over `path` once complete, so a failed write leaves an earlier file as it was.
    A path that is not a regular file (a pipe, /dev/stdout) is written in place."""
    return write_private_atomic(path, data)
