"""Contact import: a preview that saves nothing, then one all-or-nothing transaction.

    result = parse_file("contacts.csv")            # formats.reader: no database
    preview = importer.preview(db, result)          # N new / updated / duplicates / errors
    report = importer.apply(db, result, progress=..., cancelled=...)  # one transaction

Both run the same planning (`plan`) against the database: `apply` plans again inside its
write transaction, so what it saves matches the data as it is at that moment. Rows are
matched to existing contacts by our own id (Coordinator CSV, vCard UID), then by any
email address (those update it); a row with the same full name at the same
organization as an existing contact or an earlier row is a probable duplicate, left out
unless asked (`known.KnownRecords.probable_duplicate`). A shared phone or a similar name
alone never leaves a row out: Find Duplicates shows such pairs after the import.
Organizations are matched by name (case, accents, word order and "Plano, City of"
inversions ignored) or created, with a sector guessed from the name (one in Trash is
not matched, and its contacts count as having no organization); a label or category
that names a consortium links a new organization to it (and is not kept as a tag).
Matched contacts are updated: the file's non-empty values win, and emails, phones,
addresses and tags are added, never removed. Every apply is an `ImportBatch`.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.errors import CoordinatorError
from coordinator.formats import bulk
from coordinator.formats.combine import combine, snapshot
from coordinator.formats.known import KnownRecords, guess_sector, org_match_key
from coordinator.formats.loading import load_contacts
from coordinator.formats.parsed import (
    CancelCheck,
    ImportProblem,
    ParsedContact,
    ParseResult,
    ProgressCallback,
    check_cancel,
    gc_paused,
)
from coordinator.models import utcnow
from coordinator.models.imports import ImportBatch
from coordinator.services import indexing
from coordinator.services.base import record_change
from coordinator.services.contacts import ContactService

DUPLICATE_POLICIES = ("skip", "create")


@dataclass
class ImportOptions:
    duplicates: str = "skip"  # probable duplicates: "skip" or "create" anyway
    update_existing: bool = True  # rows matched by email/id update that contact
    source: str = ""  # file name, recorded on the batch
    # The user's choice per row (index in ParseResult.contacts): "skip" leaves the row
    # out, "create" creates it even when it looks like a duplicate.
    row_choices: dict[int, str] = field(default_factory=dict)


@dataclass
class PlannedRow:
    parsed: ParsedContact
    action: str  # create, update, unchanged, duplicate, merged, organization, known-org,
    # skipped (the user's choice)
    contact_id: str | None = None  # the existing contact (update/unchanged/duplicate)
    reason: str = ""  # why it matched
    changes: list[str] = field(default_factory=list)
    score: int = 0  # for duplicates: how alike (0-100)
    index: int = -1  # position in ParseResult.contacts
    own_copy: bool = False  # `parsed` was copied because later rows were merged into it


@dataclass
class ImportPreview:
    format: str
    encoding: str
    rows: list[PlannedRow]
    errors: list[ImportProblem]
    warnings: list[ImportProblem]
    new_organizations: list[str]
    records_read: int = 0
    duplicates_policy: str = "skip"

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def new(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def duplicates(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.action in ("duplicate", "merged")]

    @property
    def nothing_to_import(self) -> bool:
        dups = self.count("duplicate") if self.duplicates_policy == "create" else 0
        return not (self.new or self.updated or self.new_organizations or dups)

    def summary_lines(self, *, limit: int = 50) -> list[str]:
        lines = [
            f"{self.records_read} records read ({self.format}, {self.encoding})",
            f"{self.new} new contacts",
            f"{self.updated} updated (matched by email or id)",
            f"{self.unchanged} already up to date",
            f"{len(self.duplicates)} probable duplicates",
            f"{len(self.new_organizations)} new organizations",
            f"{len(self.errors)} rows with errors",
        ]
        if self.count("skipped"):
            lines.append(f"{self.count('skipped')} left out by choice")
        for row in self.duplicates[:limit]:
            lines.append(f"  duplicate {row.parsed.where}: {row.parsed.display} — {row.reason}")
        for problem in self.errors[:limit]:
            lines.append(f"  error {problem}")
        for problem in self.warnings[:limit]:
            lines.append(f"  warning {problem}")
        hidden = max(0, len(self.errors) - limit) + max(0, len(self.warnings) - limit)
        if hidden:
            lines.append(f"  ... and {hidden} more")
        return lines


@dataclass
class ImportReport:
    batch_id: str
    created: int
    updated: int
    organizations_created: int
    skipped_duplicates: int
    errors: list[ImportProblem]


def plan(session: Session, parsed: ParseResult, options: ImportOptions | None = None,
         *, progress: ProgressCallback | None = None,
         cancelled: CancelCheck | None = None) -> ImportPreview:
    """Compare `parsed` with the database; changes nothing. `PlannedRow.index` is the
    row's position in `parsed.contacts` (what `ImportOptions.row_choices` refers to)."""
    return _plan(session, parsed, options or ImportOptions(), KnownRecords.load(session),
                 progress=progress, cancelled=cancelled)


def _plan(session: Session, parsed: ParseResult, options: ImportOptions,
          known: KnownRecords, *, progress: ProgressCallback | None = None,
          cancelled: CancelCheck | None = None) -> ImportPreview:
    """`plan` with the database's records already loaded: `apply` uses the same
    `known` afterwards (organizations and consortia), instead of loading them twice."""
    if options.duplicates not in DUPLICATE_POLICIES:
        raise CoordinatorError(f"Duplicates must be one of {DUPLICATE_POLICIES}.")
    rows: list[PlannedRow] = []
    first_by_email: dict[str, PlannedRow] = {}
    update_by_id: dict[str, PlannedRow] = {}
    new_orgs: dict[str, str] = {}
    by_email, live_ids, organizations = known.by_email, known.live_ids, known.organizations
    total = len(parsed.contacts)
    for i, pc in enumerate(parsed.contacts):
        if i % 1000 == 0:
            check_cancel(cancelled)
            if progress is not None:
                progress(i, total)
        choice = options.row_choices.get(i)
        if choice == "skip":
            rows.append(PlannedRow(pc, "skipped", index=i, reason="left out"))
            continue
        org_key = org_match_key(pc.organization)
        if org_key and org_key not in organizations and org_key not in new_orgs:
            is_new_org = True
            new_orgs[org_key] = pc.organization
        else:
            is_new_org = False
        if pc.is_organization:
            rows.append(PlannedRow(pc, "organization" if is_new_org else "known-org",
                                   index=i))
            continue
        keys = [e.address.casefold() for e in pc.data.emails]
        earlier = next((first_by_email[k] for k in keys if k in first_by_email), None)
        existing = None
        if pc.source_id and pc.source_id in live_ids:
            existing, reason = pc.source_id, "same id"
        else:
            existing = next((by_email[k] for k in keys if k in by_email), None)
            reason = "same email" if existing else ""
        if existing and not options.update_existing:
            rows.append(PlannedRow(pc, "duplicate", existing, f"{reason} as "
                                   f"{known.name(existing)}", score=100, index=i))
            continue
        if existing or earlier:
            target = update_by_id.get(existing) if existing else earlier
            if target is not None:  # a second row for the same contact: merge the rows
                if not target.own_copy:  # never change the caller's ParseResult
                    target.parsed, target.own_copy = copy.deepcopy(target.parsed), True
                combine(target.parsed.data, pc.data, other_wins=False)
                rows.append(PlannedRow(pc, "merged", target.contact_id,
                                       f"same contact as {target.parsed.where}", score=100,
                                       index=i))
                continue
            row = PlannedRow(pc, "update", existing, f"{reason} as {known.name(existing)}",
                             index=i)
            update_by_id[existing] = row
        else:
            key = known.name_key(pc.data.given_name, pc.data.family_name)
            dup = None if choice == "create" else known.probable_duplicate(pc, key, org_key)
            if dup is not None:
                contact_id, why, score = dup
                rows.append(PlannedRow(pc, "duplicate", contact_id, why, score=score, index=i))
                continue
            row = PlannedRow(pc, "create", index=i)
        rows.append(row)
        for k in keys:
            first_by_email.setdefault(k, row)
        if row.action == "create":
            known.remember(pc, key, org_key)
    _compute_updates(session, known, rows, cancelled)
    return ImportPreview(parsed.format, parsed.encoding, rows, list(parsed.errors),
                         parsed.warnings, list(new_orgs.values()), parsed.records_read,
                         options.duplicates)


def _compute_updates(session: Session, known: KnownRecords, rows: list[PlannedRow],
                     cancelled: CancelCheck | None = None) -> None:
    updates = [r for r in rows if r.action == "update"]
    current = {c.id: c for c in load_contacts(session, [r.contact_id for r in updates
                                                         if r.contact_id],
                                              cancelled=cancelled)}
    for row in updates:
        before = current[row.contact_id]  # type: ignore[index]
        after = dataclasses.replace(before, emails=list(before.emails),
                                    phones=list(before.phones),
                                    addresses=list(before.addresses), tags=list(before.tags))
        row.changes = combine(after, _without_consortium_tags(known, row.parsed),
                              other_wins=True)
        org_key = org_match_key(row.parsed.organization)
        if org_key and org_match_key(before.organization_name) != org_key:
            row.changes.append("organization")
        if not row.changes:
            row.action = "unchanged"


def _clean_tags(known: KnownRecords, pc: ParsedContact) -> list[str]:
    """The row's labels without those that name a consortium (they link it instead)."""
    if not pc.organization:
        return pc.data.tags
    return known.without_consortia(pc.data.tags)


def _without_consortium_tags(known: KnownRecords, pc: ParsedContact):  # type: ignore[no-untyped-def]
    tags = _clean_tags(known, pc)
    return pc.data if len(tags) == len(pc.data.tags) else dataclasses.replace(pc.data, tags=tags)


def preview(db: Database, parsed: ParseResult, options: ImportOptions | None = None,
            *, progress: ProgressCallback | None = None,
            cancelled: CancelCheck | None = None) -> ImportPreview:
    """What `apply` would do, saving nothing (the dry run). The collector is paused as
    in `apply`: planning allocates on every row, and each collection would walk the
    whole parsed file again (a 100,000-row preview took a third longer with it)."""
    with gc_paused(), db.read() as session:
        return plan(session, parsed, options, progress=progress, cancelled=cancelled)


def apply(db: Database, parsed: ParseResult, options: ImportOptions | None = None, *,
          progress: ProgressCallback | None = None,
          cancelled: CancelCheck | None = None) -> ImportReport:
    """Save the import in one transaction as an undoable batch (all or nothing).

    The plan is made inside the write transaction (what is saved matches the data as it
    is at that moment) and only there; the database's records are loaded once for both.
    New contacts are written in chunks of `bulk.CHUNK`, with ids in increasing order
    (`bulk.SortedIds`, `bulk.Ids`) so that inserts append to the indexes, indexed for
    search in two statements, and recorded for undo thousands of ids per row
    (`bulk.record_created`). The cyclic garbage collector is paused meanwhile (the
    parsed file is a large heap of live objects it would walk again and again).
    """
    options = options or ImportOptions()
    contacts = ContactService(db)
    with gc_paused(), db.write() as session, bulk.bulk_cache(session, len(parsed.contacts)):
        known = KnownRecords.load(session)
        p = _plan(session, parsed, options, known, cancelled=cancelled)
        if p.nothing_to_import:
            reasons = "; ".join(str(e) for e in p.errors[:10]) or "every record is already here"
            raise NothingToImport(f"Nothing to import: {reasons}", p)
        now = utcnow()
        batch = ImportBatch(source=Path(options.source).name[:500] if options.source else "",
                            format=p.format, created_at=now, updated_at=now)
        session.add(batch)
        session.flush()
        org_ids = _create_organizations(session, known, p, batch.id, now)
        creates = [r for r in p.rows if r.action == "create" or (
            r.action == "duplicate" and options.duplicates == "create")]
        tagged = [*creates, *(r for r in p.rows if r.action == "update")]
        cleaned = {id(r): _clean_tags(known, r.parsed) for r in tagged}
        tag_ids, new_tags = bulk.ensure_tags(
            session, {t: None for tags in cleaned.values() for t in tags})
        bulk.record_created(session, batch.id, "tag", new_tags, now)
        total = len(creates) + p.updated
        pending = bulk.NewContacts(now=now, folds=known.folds, expected=len(creates))
        new_ids: list[str] = []
        indexed = 0
        org_consortium = known.org_consortium
        for i, row in enumerate(creates):
            if i % 1000 == 0:
                check_cancel(cancelled)
                if progress is not None:
                    progress(i, total)
            org_id = org_ids.get(org_match_key(row.parsed.organization))
            new_ids.append(pending.add(row.parsed.data, org_id,
                                       org_consortium.get(org_id) if org_id else None,
                                       tag_ids, cleaned[id(row)]))
            if len(pending.contacts) >= bulk.CHUNK:
                pending.flush_into(session)
                indexing.index_new(session, "contact", new_ids[indexed:])
                indexed = len(new_ids)
        pending.flush_into(session)
        indexing.index_new(session, "contact", new_ids[indexed:])
        bulk.record_created(session, batch.id, "contact", new_ids, now)
        updated_ids = _apply_updates(session, contacts, known, p, org_ids, batch.id,
                                     progress, cancelled, len(creates), total)
        check_cancel(cancelled)  # last chance: the commit follows
        batch.created_count, batch.updated_count = len(new_ids), len(updated_ids)
        batch.organizations_created = len(p.new_organizations)
        session.add(batch)
        if new_ids:
            record_change(session, "contact", ChangeKind.CREATED, *new_ids)
        if progress is not None:
            progress(total, total)
    skipped = sum(1 for r in p.rows if r.action == "duplicate") if (
        options.duplicates == "skip") else 0
    return ImportReport(batch.id, len(new_ids), len(updated_ids), len(p.new_organizations),
                        skipped, p.errors)


class NothingToImport(CoordinatorError):
    def __init__(self, message: str, preview: ImportPreview) -> None:
        super().__init__(message)
        self.preview = preview


def _create_organizations(session: Session, known: KnownRecords, p: ImportPreview,
                          batch_id: str, now: datetime) -> dict[str, str]:
    """{folded name: id} for every organization the import refers to (creating new ones)."""
    org_ids = dict(known.organizations)
    consortium_of: dict[str, str | None] = {}
    cards = {org_match_key(r.parsed.organization): r.parsed for r in p.rows
             if r.parsed.is_organization}
    for row in p.rows:  # the first label naming a consortium links the new organization
        key = org_match_key(row.parsed.organization)
        if key and key not in known.organizations and not consortium_of.get(key):
            named = [known.consortium_for(t) for t in (row.parsed.consortium,
                                                       *row.parsed.data.tags)]
            consortium_of[key] = next((c for c in named if c), None)
    new = []
    make_id = bulk.SortedIds(len(p.new_organizations))
    for name in p.new_organizations:
        key = org_match_key(name)
        org = {"id": make_id(), "name": name[:300], "sector": guess_sector(name),
               "consortium_id": consortium_of.get(key)}
        card = cards.get(key)
        if card is not None:
            org.update(organization_details(card))
        new.append(org)
        org_ids[key] = org["id"]
        known.org_consortium[org["id"]] = org["consortium_id"]
    bulk.insert_organizations(session, new, now)
    ids = [o["id"] for o in new]
    bulk.record_created(session, batch_id, "organization", ids, now)
    indexing.index_new(session, "organization", ids)
    if ids:
        record_change(session, "organization", ChangeKind.CREATED, *ids)
    return org_ids


def organization_details(pc: ParsedContact) -> dict[str, str]:
    """What an organization keeps of a company card: its website, the city and state of
    its first address, and its emails, phones and addresses as lines of its notes."""
    d = pc.data
    lines = [d.notes] if d.notes else []
    lines += [f"E-mail ({e.label}): {e.address}" for e in d.emails]
    lines += [f"Phone ({p.label}): {p.raw}" for p in d.phones]
    for a in d.addresses:
        parts = [a.street.replace("\n", ", "), a.city, a.region, a.postal_code, a.country]
        lines.append(f"Address ({a.label}): " + ", ".join(x for x in parts if x))
    first = d.addresses[0] if d.addresses else None
    return {"website": d.website, "notes": "\n".join(lines),
            "city": first.city[:120] if first else "",
            "state": first.region[:40] if first else ""}


def _apply_updates(session: Session, contacts: ContactService, known: KnownRecords,
                   p: ImportPreview, org_ids: dict[str, str], batch_id: str,
                   progress: ProgressCallback | None, cancelled: CancelCheck | None,
                   done: int, total: int) -> list[str]:
    rows = [r for r in p.rows if r.action == "update"]
    current = {c.id: c for c in load_contacts(session, [r.contact_id for r in rows
                                                         if r.contact_id],
                                              cancelled=cancelled)}
    ids, snapshots = [], []
    for i, row in enumerate(rows):
        if i % 200 == 0:
            check_cancel(cancelled)
            if progress is not None:
                progress(done + i, total)
        before = current[row.contact_id]  # type: ignore[index]
        ids.append(before.id)
        snapshots.append(snapshot(before))
        after = dataclasses.replace(before, emails=list(before.emails),
                                    phones=list(before.phones),
                                    addresses=list(before.addresses), tags=list(before.tags))
        combine(after, _without_consortium_tags(known, row.parsed), other_wins=True)
        if row.parsed.organization:
            after.organization_id = org_ids.get(org_match_key(row.parsed.organization))
        contacts.update(before.id, after)  # joins this transaction; validates and indexes
    bulk.record_items(session, batch_id, "contact", "updated", ids, snapshots)
    return ids
