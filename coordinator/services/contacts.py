"""Contacts: validation, create/update with labelled emails, phones and addresses,
and listing with filters, sorting and paging done in SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from coordinator.changes import ChangeKind
from coordinator.db import Database
from coordinator.db.first_page import ROW_SELECT
from coordinator.errors import FieldProblem, ValidationError
from coordinator.models import (
    Consortium,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactPhone,
    ContactTag,
    Organization,
    fold,
    parse_sql_time,
    utcnow,
)
from coordinator.services import duplicate_rule as rule
from coordinator.services import validation as v
from coordinator.services.base import EntityService, record_change, set_tags
from coordinator.services.children import save_children
from coordinator.services.phones import e164 as phone_e164
from coordinator.services.records import AddressData, ContactData, EmailData, Page, PhoneData
from coordinator.services.search import fts_query

BIRTHDAY = re.compile(r"^(\d{4}|--)-?(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class ContactRow:
    """One line of the contacts table."""

    id: str
    full_name: str
    title: str
    organization_id: str | None
    organization_name: str
    consortium_short_name: str
    email: str
    phone: str
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ProbableDuplicate:
    """A saved contact that a contact about to be saved probably duplicates."""

    contact: ContactRow
    score: int
    reasons: tuple[str, ...]
    emails: tuple[str, ...]  # the addresses both have


# An organization in Trash is none: its contacts show none until it is restored.
_DUPLICATE_CANDIDATES = text("""
SELECT c.id, c.given_name, c.family_name, coalesce(o.id, '') FROM contact c
LEFT JOIN organization o ON o.id = c.organization_id AND o.deleted_at IS NULL
WHERE c.deleted_at IS NULL AND (
    c.id IN (SELECT contact_id FROM contact_email WHERE address_key IN :emails)
    OR c.id IN (SELECT contact_id FROM contact_phone WHERE e164 IN :phones)
    OR c.organization_id = :org
    OR (c.sort_key >= :name AND c.sort_key < :name || char(1114111)))
""").bindparams(bindparam("emails", expanding=True), bindparam("phones", expanding=True))
_SHARED_EMAILS = text("SELECT contact_id, address_key FROM contact_email "
                      "WHERE address_key IN :keys").bindparams(bindparam("keys", expanding=True))
_NOT_DUPLICATES = text("SELECT first_id, second_id FROM not_duplicate_contact "
                       "WHERE deleted_at IS NULL AND (first_id = :r OR second_id = :r)")
_SHARED_PHONES = text("SELECT contact_id, e164 FROM contact_phone "
                      "WHERE e164 IN :keys").bindparams(bindparam("keys", expanding=True))


@dataclass
class ContactFilter:
    consortium_id: str | None = None
    organization_id: str | None = None
    sector: str | None = None
    tag: str | None = None
    text: str | None = None  # type-to-filter: prefix words over names, emails, organization


SORTS = {
    "name": "c.sort_key",
    "organization": "coalesce(o.name_key, '')",
    "consortium": "coalesce(cs.short_name, '')",
    "title": "c.title",
    "email": "email",
    "updated": "c.updated_at",
}

_ROW_SELECT = ROW_SELECT  # the first frame at start-up reads the same rows


def _row(r: tuple) -> ContactRow:
    return ContactRow(*r[:8], updated_at=parse_sql_time(r[8]))


def full_name_of(d: ContactData) -> str:
    return " ".join(
        p.strip() for p in (d.prefix, d.given_name, d.middle_name, d.family_name, d.suffix)
        if p and p.strip()
    )


def sort_key_of(d: ContactData) -> str:
    return fold(" ".join(p for p in (d.family_name, d.given_name, d.middle_name) if p))


def child_rows(d: ContactData) -> tuple[list[dict], list[dict], list[dict]]:
    """The email, phone and address rows a save writes for `d` (column -> value, with
    their position): addresses normalised, one primary email and phone at most, empty
    phones left out. The batch merge and its undo write the same rows in bulk."""
    emails: list[dict] = []
    primary_seen = False
    for i, e in enumerate(d.emails):
        address = v.normalize_email(e.address)
        primary = e.is_primary and not primary_seen
        primary_seen |= primary
        emails.append({"label": e.label or "work", "address": address,
                       "address_key": address.casefold(), "is_primary": primary,
                       "position": i})
    phones: list[dict] = []
    primary_seen = False
    for i, p in enumerate(d.phones):
        if not p.raw.strip():
            continue
        primary = p.is_primary and not primary_seen
        primary_seen |= primary
        phones.append({"label": p.label or "work", "raw": p.raw.strip(),
                       "e164": phone_e164(p.raw), "is_primary": primary, "position": i})
    addresses = [{"label": a.label or "work", "street": a.street, "city": a.city,
                  "region": a.region, "postal_code": a.postal_code, "country": a.country,
                  "position": i} for i, a in enumerate(d.addresses)]
    return emails, phones, addresses


class ContactService(EntityService):
    entity = "contact"
    model = Contact
    label = "contact"

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._counts: dict[tuple, tuple[int, int]] = {}  # query -> (data version, count)

    # -- validation ------------------------------------------------------------------
    def validate(self, data: ContactData) -> list[FieldProblem]:
        """Every problem with `data`, without saving (used by forms for live checks)."""
        problems = v.Problems()
        if not (data.given_name.strip() or data.family_name.strip()):
            problems.add("name", "Enter a first or last name.")
        for i, email in enumerate(data.emails):
            problems.add(f"emails[{i}]", v.email_problem(email.address))
        problems.add("website", v.url_problem(data.website))
        if data.birthday and not BIRTHDAY.match(data.birthday.strip()):
            problems.add("birthday", "Use YYYY-MM-DD, or --MM-DD when the year is unknown.")
        for field_name, value, limit, label in (
            ("prefix", data.prefix, v.NAME_AFFIX_MAX_CHARS, "prefix"),
            ("given_name", data.given_name, v.PERSON_NAME_MAX_CHARS, "first name"),
            ("middle_name", data.middle_name, v.PERSON_NAME_MAX_CHARS, "middle name"),
            ("family_name", data.family_name, v.PERSON_NAME_MAX_CHARS, "last name"),
            ("suffix", data.suffix, v.NAME_AFFIX_MAX_CHARS, "suffix"),
            ("nickname", data.nickname, v.PERSON_NAME_MAX_CHARS, "nickname"),
            ("pronouns", data.pronouns, v.NAME_AFFIX_MAX_CHARS, "pronouns"),
            ("title", data.title, v.JOB_TITLE_MAX_CHARS, "job title"),
        ):
            problems.limit(field_name, value, limit, label)
        v.unsavable_text(problems, data)
        return problems.items

    def _check(self, session: Session, data: ContactData, current_org: str | None = None) -> None:
        problems = self.validate(data)
        if data.organization_id:
            org = session.get(Organization, data.organization_id)
            # Keeping an organization that went to Trash is fine: the contact stays editable.
            if org is None or (org.deleted_at is not None and org.id != current_org):
                problems.append(FieldProblem("organization_id", "Choose an existing organization."))
        if problems:
            raise ValidationError(problems)

    # -- writes --------------------------------------------------------------------------
    def create(self, data: ContactData) -> ContactData:
        with self.db.write() as session:
            self._check(session, data)
            row = Contact()
            self._apply(session, row, data)
            record_change(session, self.entity, ChangeKind.CREATED, row.id)
            return self._read(session, row)

    def update(self, contact_id: str, data: ContactData) -> ContactData:
        with self.db.write() as session:
            row = self._load(session, contact_id)
            self._check(session, data, current_org=row.organization_id)
            self._touch(row)
            self._apply(session, row, data)
            record_change(session, self.entity, ChangeKind.UPDATED, row.id)
            return self._read(session, row)

    def _apply(self, session: Session, row: Contact, d: ContactData) -> None:
        for name in ("prefix", "given_name", "middle_name", "family_name", "suffix",
                     "nickname", "pronouns", "title", "website", "notes", "private_notes"):
            setattr(row, name, (getattr(d, name) or "").strip())
        row.birthday = d.birthday.strip()
        row.last_contacted_on = d.last_contacted_on
        row.do_not_contact = bool(d.do_not_contact)
        row.organization_id = d.organization_id or None
        row.full_name = full_name_of(d)
        row.sort_key = sort_key_of(d)
        org = session.get(Organization, row.organization_id) if row.organization_id else None
        row.consortium_id = org.consortium_id if org else None
        session.add(row)
        session.flush()
        self._replace_children(session, row.id, d)
        set_tags(session, ContactTag, "contact_id", row.id, d.tags)
        session.flush()
        self._reindex(session, row.id)

    def _replace_children(self, session: Session, contact_id: str, d: ContactData) -> None:
        emails, phones, addresses = child_rows(d)
        save_children(session, ContactEmail, "contact_id", contact_id, emails)
        save_children(session, ContactPhone, "contact_id", contact_id, phones)
        save_children(session, ContactAddress, "contact_id", contact_id, addresses)

    def set_last_contacted(self, contact_id: str) -> None:
        with self.db.write() as session:
            row = self._load(session, contact_id)
            row.last_contacted_on = utcnow().date()
            self._touch(row)
            session.add(row)
            record_change(session, self.entity, ChangeKind.UPDATED, contact_id)

    # -- reads ---------------------------------------------------------------------------
    def get(self, contact_id: str, *, include_deleted: bool = False) -> ContactData:
        with self.db.read() as session:
            row = self._load(session, contact_id, deleted=None if include_deleted else False)
            return self._read(session, row)

    def get_many(self, ids: list[str]) -> list[ContactData]:
        """Full records for `ids` (in that order), children fetched in bulk: for lists,
        exports and JSON output where `get()` per record would be too slow."""
        result: list[ContactData] = []
        with self.db.read() as session:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                result.extend(self._read_many(session, chunk))
        return result

    def _read_many(self, session: Session, ids: list[str]) -> list[ContactData]:
        def children(model: type, order: object) -> dict[str, list]:
            grouped: dict[str, list] = {}
            for child in session.exec(select(model).where(model.contact_id.in_(ids))  # type: ignore[attr-defined]
                                      .order_by(order)).all():
                grouped.setdefault(child.contact_id, []).append(child)
            return grouped

        emails = children(ContactEmail, ContactEmail.position)
        phones = children(ContactPhone, ContactPhone.position)
        addresses = children(ContactAddress, ContactAddress.position)
        tags: dict[str, list[str]] = {}
        for cid, name in session.execute(text(
                "SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id "
                "WHERE ct.contact_id IN :ids").bindparams(bindparam("ids", expanding=True)),
                {"ids": ids}):
            tags.setdefault(cid, []).append(name)
        rows = {r.id: r for r in session.exec(select(Contact).where(Contact.id.in_(ids))).all()}  # type: ignore[attr-defined]
        org_ids = {r.organization_id for r in rows.values() if r.organization_id}
        # An organization in Trash is not shown on its contacts (they keep the link).
        orgs = {o.id: o.name for o in session.exec(
            select(Organization).where(Organization.id.in_(org_ids),  # type: ignore[attr-defined]
                                       Organization.deleted_at.is_(None))).all()}  # type: ignore[union-attr]
        consortia = {c.id: c.short_name for c in session.exec(select(Consortium)).all()}
        out = []
        for cid in ids:
            row = rows.get(cid)
            if row is None:
                continue
            out.append(ContactData(
                id=row.id, prefix=row.prefix, given_name=row.given_name,
                middle_name=row.middle_name, family_name=row.family_name, suffix=row.suffix,
                nickname=row.nickname, pronouns=row.pronouns, title=row.title,
                organization_id=row.organization_id, website=row.website, notes=row.notes,
                private_notes=row.private_notes, birthday=row.birthday,
                last_contacted_on=row.last_contacted_on, do_not_contact=row.do_not_contact,
                emails=[EmailData(e.address, e.label, e.is_primary) for e in emails.get(cid, [])],
                phones=[PhoneData(p.raw, p.label, p.is_primary, p.e164)
                        for p in phones.get(cid, [])],
                addresses=[AddressData(a.label, a.street, a.city, a.region, a.postal_code,
                                       a.country) for a in addresses.get(cid, [])],
                tags=sorted(tags.get(cid, []), key=fold), full_name=row.full_name,
                organization_name=orgs.get(row.organization_id or "", ""),
                consortium_id=row.consortium_id,
                consortium_short_name=consortia.get(row.consortium_id or "", ""),
                created_at=row.created_at, updated_at=row.updated_at, deleted_at=row.deleted_at,
            ))
        return out

    def _read(self, session: Session, row: Contact) -> ContactData:
        return self._read_many(session, [row.id])[0]

    def _where(self, f: ContactFilter | None) -> tuple[str, dict]:
        clauses, params = ["c.deleted_at IS NULL"], {}
        f = f or ContactFilter()
        if f.consortium_id:
            clauses.append("c.consortium_id = :consortium_id")
            params["consortium_id"] = f.consortium_id
        if f.organization_id:
            clauses.append("c.organization_id = :organization_id")
            params["organization_id"] = f.organization_id
        if f.sector:
            clauses.append("o.sector = :sector")
            params["sector"] = f.sector
        if f.tag:
            clauses.append("c.id IN (SELECT ct.contact_id FROM contact_tag ct JOIN tag t "
                           "ON t.id = ct.tag_id WHERE t.name_key = :tag)")
            params["tag"] = fold(f.tag)
        if f.text and (match := fts_query(f.text)):
            clauses.append("c.id IN (SELECT d.entity_id FROM search_fts JOIN search_doc d "
                           "ON d.rowid = search_fts.rowid WHERE search_fts MATCH :match "
                           "AND d.entity = 'contact')")
            params["match"] = match
        return " WHERE " + " AND ".join(clauses), params

    def _order(self, sort: str, descending: bool) -> str:
        if sort not in SORTS:
            raise ValidationError([FieldProblem("sort", f"Cannot sort contacts by {sort!r}.")])
        direction = "DESC" if descending else "ASC"
        keys = [SORTS[sort], "c.sort_key", "c.id"] if sort != "name" else ["c.sort_key", "c.id"]
        return " ORDER BY " + ", ".join(f"{k} {direction}" for k in keys)

    def _id_query(self, f: ContactFilter | None, sort: str, descending: bool) -> tuple[str, dict]:
        """SQL for matching ids in display order, joining only what the query needs, so
        that name order (optionally per consortium) is one index range."""
        where, params = self._where(f)
        order = self._order(sort, descending)
        if sort == "email":  # the only sort key computed per row
            return _ROW_SELECT + where + order, params
        sql = "SELECT c.id FROM contact c"
        if "o." in where or "o." in order:
            sql += (" LEFT JOIN organization o ON o.id = c.organization_id"
                    " AND o.deleted_at IS NULL")
        if "cs." in order:
            sql += " LEFT JOIN consortium cs ON cs.id = c.consortium_id"
        return sql + where + order, params

    def list(self, f: ContactFilter | None = None, sort: str = "name", descending: bool = False,
             offset: int = 0, limit: int | None = None) -> Page[ContactRow]:
        """One page of rows: ids are chosen in SQL (index order), then their rows fetched."""
        sql, params = self._id_query(f, sort, descending)
        if limit is not None:
            sql += " LIMIT :limit OFFSET :offset"
            params = {**params, "limit": limit, "offset": offset}
        with self.db.read() as session:
            ids = [r[0] for r in session.execute(text(sql), params)]
        rows = self.rows(ids)
        total = self.count(f) if limit is not None else len(rows)
        return Page(rows=rows, total=total, offset=offset)

    def count(self, f: ContactFilter | None = None) -> int:
        """Matching live contacts. Remembered until anyone commits a change, because
        counting 100,000 rows costs more than fetching a page."""
        where, params = self._where(f)
        key = (where, tuple(sorted(params.items())))
        version = self.db.data_version()
        cached = self._counts.get(key)
        if version is not None and cached is not None and cached[0] == version:
            return cached[1]
        join = (" LEFT JOIN organization o ON o.id = c.organization_id"
                " AND o.deleted_at IS NULL") if "o." in where else ""
        with self.db.read() as session:
            total = session.execute(text(f"SELECT count(*) FROM contact c{join}{where}"),
                                    params).scalar_one()
        if version is not None:
            if len(self._counts) > 64:
                self._counts.clear()
            self._counts[key] = (version, total)
        return total

    def ids(self, f: ContactFilter | None = None, sort: str = "name",
            descending: bool = False) -> list[str]:
        """Every matching id in display order: what a lazily fetching table holds."""
        sql, params = self._id_query(f, sort, descending)
        with self.db.read() as session:
            return [r[0] for r in session.execute(text(sql), params)]

    def rows(self, ids: list[str]) -> list[ContactRow]:
        """Rows for `ids`, in the order given (missing ids are skipped)."""
        if not ids:
            return []
        sql = text(_ROW_SELECT + " WHERE c.id IN :ids").bindparams(
            bindparam("ids", expanding=True))
        with self.db.read() as session:
            found = {r[0]: _row(r) for r in session.execute(sql, {"ids": list(ids)})}
        return [found[i] for i in ids if i in found]

    def table_rows(self, ids: list[str]) -> list[ContactRow]:
        """`rows(ids)` read on a pooled plain sqlite3 connection: for the contacts table
        as it scrolls (latency-bound; it sees committed data only, so it is never used
        inside a write unit)."""
        found: dict[str, ContactRow] = {}
        with self.db.raw() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                found.update((r[0], _row(r)) for r in conn.execute(
                    _ROW_SELECT + f" WHERE c.id IN ({', '.join('?' * len(chunk))})", chunk))
        return [found[i] for i in ids if i in found]

    def probable_duplicates(self, data: ContactData, *, exclude_id: str | None = None
                            ) -> list[ProbableDuplicate]:
        """Saved contacts that `data` (about to be saved) probably duplicates, most alike
        first, by `duplicate_rule`: the same email, the same or a similar name at the same
        organization, the same name and phone, the same name where one has no
        organization. A shared phone between different names is not one."""
        mine = rule.ContactFacts.of(data)
        if not (mine.name or mine.emails):
            return []
        with self.db.read() as session:
            found = session.execute(_DUPLICATE_CANDIDATES, {
                "emails": sorted(mine.emails), "phones": sorted(mine.phones),
                "org": mine.organization or None,
                "name": fold(f"{data.family_name} {data.given_name}")}).all()
            emails: dict[str, set[str]] = {}
            phones: dict[str, set[str]] = {}
            for cid, key in session.execute(_SHARED_EMAILS, {"keys": sorted(mine.emails)}):
                emails.setdefault(cid, set()).add(key)
            for cid, number in session.execute(_SHARED_PHONES, {"keys": sorted(mine.phones)}):
                phones.setdefault(cid, set()).add(number)
            # Records the user already said are someone else are not asked about again.
            distinct = {a if b == exclude_id else b for a, b in session.execute(
                _NOT_DUPLICATES, {"r": exclude_id})} if exclude_id else set()
        judged: dict[str, tuple[rule.Likeness, tuple[str, ...]]] = {}
        for cid, given, family, org in found:
            if cid == exclude_id or cid in distinct:
                continue
            # Only what the two share matters to the rule: the other's shared emails and
            # phones stand for all of them.
            theirs = rule.ContactFacts(rule.name_key(given, family), org,
                                       frozenset(emails.get(cid, ())),
                                       frozenset(phones.get(cid, ())))
            likeness = rule.likeness(mine, theirs)
            if likeness is not None and likeness.score >= rule.PROBABLE:
                judged[cid] = likeness, tuple(sorted(emails.get(cid, ())))
        rows = {r.id: r for r in self.rows(list(judged))}
        out = []
        for cid, (likeness, shared) in judged.items():
            row = rows.get(cid)
            if row is None:
                continue
            at = f" at {row.organization_name}" if row.organization_name else ""
            reasons = tuple(r.replace(" at the same organization", at)
                            for r in likeness.reasons)
            out.append(ProbableDuplicate(row, likeness.score, reasons, shared))
        out.sort(key=lambda d: (-d.score, d.contact.full_name.casefold()))
        return out

    def find_by_email(self, address: str, *, exclude_id: str | None = None) -> list[ContactRow]:
        key = v.normalize_email(address).casefold()
        with self.db.read() as session:
            ids = session.execute(
                text("SELECT DISTINCT e.contact_id FROM contact_email e JOIN contact c "
                     "ON c.id = e.contact_id WHERE e.address_key = :k AND c.deleted_at IS NULL"),
                {"k": key}).scalars().all()
        return self.rows([i for i in ids if i != exclude_id])
