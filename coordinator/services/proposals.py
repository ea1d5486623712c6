"""Joint-research proposals: partners with roles, ordered sections, budget lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from coordinator.changes import ChangeKind
from coordinator.errors import FieldProblem, ValidationError
from coordinator.models import (
    Consortium,
    Contact,
    Organization,
    PartnerRole,
    Proposal,
    ProposalBudgetLine,
    ProposalPartner,
    ProposalSection,
    ProposalStatus,
    ProposalTag,
    fold,
)
from coordinator.services import validation as v
from coordinator.services.base import EntityService, record_change, set_tags
from coordinator.services.children import save_children
from coordinator.services.records import (
    BudgetLineData,
    Page,
    PartnerData,
    ProposalData,
    SectionData,
)
from coordinator.services.search import fts_query

CURRENCY_CODES = {"USD", "CAD", "EUR", "GBP", "MXN"}


@dataclass
class ProposalFilter:
    status: str | None = None
    statuses: tuple[str, ...] | None = None
    consortium_id: str | None = None
    organization_id: str | None = None  # lead or partner
    funder: str | None = None
    owner_id: str | None = None
    tag: str | None = None
    text: str | None = None
    due_after: date | None = None
    due_before: date | None = None
    open_only: bool = False


# "stage" sorts by the statuses' order in a proposal's life (idea first), "status" by name.
_STATUS_ORDER = "CASE p.status " + " ".join(
    f"WHEN '{s.value}' THEN {i}" for i, s in enumerate(ProposalStatus)) + " ELSE 99 END"
SORTS = {"due": "coalesce(p.due_date, '9999-12-31')", "title": "p.title COLLATE NOCASE",
         "status": "p.status", "stage": _STATUS_ORDER, "amount": "p.amount_minor",
         "updated": "p.updated_at",
         "funder": "p.funder COLLATE NOCASE",
         "lead": "coalesce((SELECT o.name FROM organization o WHERE o.id = "
                 "p.lead_organization_id), '') COLLATE NOCASE",
         "partners": "(SELECT count(*) FROM proposal_partner pp WHERE pp.proposal_id = p.id)",
         "consortia": "(SELECT count(DISTINCT o.consortium_id) FROM proposal_partner pp JOIN "
                      "organization o ON o.id = pp.organization_id WHERE pp.proposal_id = p.id)",
         "owner": "coalesce((SELECT c.full_name FROM contact c WHERE c.id = p.owner_id), '') "
                  "COLLATE NOCASE"}


class ProposalService(EntityService):
    entity = "proposal"
    model = Proposal
    label = "proposal"

    def validate(self, d: ProposalData) -> list[FieldProblem]:
        problems = v.Problems()
        problems.require("title", d.title, "Title")
        problems.limit("title", d.title, v.TITLE_MAX_CHARS, "title")
        if d.status not in {s.value for s in ProposalStatus}:
            problems.add("status", f"Unknown status {d.status!r}.")
        if d.amount_minor < 0:
            problems.add("amount_minor", "The amount cannot be negative.")
        if d.currency.upper() not in CURRENCY_CODES:
            problems.add("currency", f"Use one of {', '.join(sorted(CURRENCY_CODES))}.")
        seen: set[str] = set()
        for i, p in enumerate(d.partners):
            if p.role not in {r.value for r in PartnerRole}:
                problems.add(f"partners[{i}]", f"Unknown role {p.role!r}.")
            if p.commitment_minor < 0:
                problems.add(f"partners[{i}]", "A commitment cannot be negative.")
            if p.organization_id in seen:
                problems.add(f"partners[{i}]", "This organization is already a partner.")
            seen.add(p.organization_id)
        for i, b in enumerate(d.budget_lines):
            if b.amount_minor < 0:
                problems.add(f"budget_lines[{i}]", "A budget line cannot be negative.")
        if d.due_date and d.due_date.year < 2000:
            problems.add("due_date", "Enter a due date after the year 2000.")
        v.unsavable_text(problems, d)
        return problems.items

    def _check(self, session: Session, d: ProposalData) -> None:
        problems = self.validate(d)
        for i, p in enumerate(d.partners):
            if session.get(Organization, p.organization_id) is None:
                problems.append(FieldProblem(f"partners[{i}]", "Choose an existing organization."))
        if d.lead_organization_id and session.get(Organization, d.lead_organization_id) is None:
            problems.append(
                FieldProblem("lead_organization_id", "Choose an existing organization."))
        if d.owner_id and session.get(Contact, d.owner_id) is None:
            problems.append(FieldProblem("owner_id", "Choose an existing contact."))
        if problems:
            raise ValidationError(problems)

    def create(self, d: ProposalData) -> ProposalData:
        with self.db.write() as session:
            self._check(session, d)
            row = Proposal(title=d.title.strip())
            self._apply(session, row, d)
            record_change(session, self.entity, ChangeKind.CREATED, row.id)
        return self.get(row.id)

    def update(self, proposal_id: str, d: ProposalData) -> ProposalData:
        with self.db.write() as session:
            row = self._load(session, proposal_id)
            self._check(session, d)
            self._touch(row)
            self._apply(session, row, d)
            record_change(session, self.entity, ChangeKind.UPDATED, row.id)
        return self.get(proposal_id)

    def set_status(self, proposal_id: str, status: str) -> None:
        if status not in {s.value for s in ProposalStatus}:
            raise ValidationError([FieldProblem("status", f"Unknown status {status!r}.")])
        with self.db.write() as session:
            row = self._load(session, proposal_id)
            row.status = status
            self._touch(row)
            session.add(row)
            record_change(session, self.entity, ChangeKind.UPDATED, row.id)

    def _apply(self, session: Session, row: Proposal, d: ProposalData) -> None:
        row.title, row.summary, row.status = d.title.strip(), d.summary, d.status
        row.funder, row.funder_call = d.funder.strip(), d.funder_call.strip()
        row.amount_minor, row.currency = d.amount_minor, d.currency.upper()
        row.due_date, row.internal_notes = d.due_date, d.internal_notes
        row.lead_organization_id = d.lead_organization_id or None
        row.owner_id = d.owner_id or None
        session.add(row)
        session.flush()
        save_children(session, ProposalPartner, "proposal_id", row.id, [
            {"organization_id": p.organization_id, "role": p.role,
             "commitment_minor": p.commitment_minor, "position": i}
            for i, p in enumerate(d.partners)], key=("organization_id",))
        save_children(session, ProposalSection, "proposal_id", row.id, [
            {**({"id": s.id} if s.id else {}), "position": i, "heading": s.heading,
             "body": s.body} for i, s in enumerate(d.sections)])
        save_children(session, ProposalBudgetLine, "proposal_id", row.id, [
            {"position": i, "description": b.description, "amount_minor": b.amount_minor}
            for i, b in enumerate(d.budget_lines)])
        set_tags(session, ProposalTag, "proposal_id", row.id, d.tags)
        session.flush()
        self._reindex(session, row.id)

    def get(self, proposal_id: str, *, include_deleted: bool = False) -> ProposalData:
        with self.db.read() as session:
            row = self._load(session, proposal_id, deleted=None if include_deleted else False)
            return self._read_many(session, [row])[0]

    def get_many(self, ids: list[str]) -> list[ProposalData]:
        """Live proposals for `ids`, in that order, read in bulk."""
        with self.db.read() as session:
            rows = {r.id: r for r in session.exec(select(Proposal).where(
                Proposal.id.in_(ids), Proposal.deleted_at.is_(None))).all()}  # type: ignore[attr-defined, union-attr]
            return self._read_many(session, [rows[i] for i in ids if i in rows])

    def _read_many(self, session: Session, rows: list[Proposal]) -> list[ProposalData]:
        """Full records with children fetched by a handful of queries for all `rows`."""
        out: list[ProposalData] = []
        for start in range(0, len(rows), 500):
            out.extend(self._read_chunk(session, rows[start : start + 500]))
        return out

    def _read_chunk(self, session: Session, rows: list[Proposal]) -> list[ProposalData]:
        ids = [r.id for r in rows]

        def grouped(model: type, order: object) -> dict[str, list]:
            found: dict[str, list] = {}
            for child in session.exec(select(model).where(model.proposal_id.in_(ids))  # type: ignore[attr-defined]
                                      .order_by(order)).all():
                found.setdefault(child.proposal_id, []).append(child)
            return found

        partners: dict[str, list[PartnerData]] = {}
        for pp, name, cid, short in session.execute(
                select(ProposalPartner, Organization.name, Organization.consortium_id,
                       Consortium.short_name)
                .join(Organization, Organization.id == ProposalPartner.organization_id)
                .outerjoin(Consortium, Consortium.id == Organization.consortium_id)
                .where(ProposalPartner.proposal_id.in_(ids))  # type: ignore[attr-defined]
                .order_by(ProposalPartner.position)).all():
            partners.setdefault(pp.proposal_id, []).append(
                PartnerData(pp.organization_id, pp.role, pp.commitment_minor, name, cid,
                            short or ""))
        sections = grouped(ProposalSection, ProposalSection.position)
        budget = grouped(ProposalBudgetLine, ProposalBudgetLine.position)
        tags: dict[str, list[str]] = {}
        for pid, name in session.execute(text(
                "SELECT pt.proposal_id, t.name FROM proposal_tag pt JOIN tag t ON t.id = pt.tag_id"
                " WHERE pt.proposal_id IN :ids").bindparams(bindparam("ids", expanding=True)),
                {"ids": ids}):
            tags.setdefault(pid, []).append(name)
        org_ids = {r.lead_organization_id for r in rows if r.lead_organization_id}
        orgs = dict(session.execute(select(Organization.id, Organization.name).where(
            Organization.id.in_(org_ids))).all())  # type: ignore[attr-defined]
        owner_ids = {r.owner_id for r in rows if r.owner_id}
        owners = dict(session.execute(select(Contact.id, Contact.full_name).where(
            Contact.id.in_(owner_ids))).all())  # type: ignore[attr-defined]
        return [ProposalData(
            id=row.id, title=row.title, summary=row.summary, status=row.status,
            funder=row.funder, funder_call=row.funder_call, amount_minor=row.amount_minor,
            currency=row.currency, due_date=row.due_date,
            lead_organization_id=row.lead_organization_id, owner_id=row.owner_id,
            internal_notes=row.internal_notes, partners=partners.get(row.id, []),
            sections=[SectionData(s.heading, s.body, s.id) for s in sections.get(row.id, [])],
            budget_lines=[BudgetLineData(b.description, b.amount_minor)
                          for b in budget.get(row.id, [])],
            tags=sorted(tags.get(row.id, []), key=fold),
            lead_organization_name=orgs.get(row.lead_organization_id or "", ""),
            owner_name=owners.get(row.owner_id or "", ""),
            created_at=row.created_at, updated_at=row.updated_at, deleted_at=row.deleted_at,
        ) for row in rows]

    def list(self, f: ProposalFilter | None = None, sort: str = "due", descending: bool = False,
             offset: int = 0, limit: int | None = None) -> Page[ProposalData]:
        ids, total = self._ids(f, sort, descending, offset, limit)
        return Page(rows=self.get_many(ids), total=total, offset=offset)

    def ids(self, f: ProposalFilter | None = None, sort: str = "due",
            descending: bool = False) -> list[str]:
        """Every matching id in display order: what a lazily fetching table holds."""
        return self._ids(f, sort, descending, 0, None, count=False)[0]

    def rows(self, ids: list[str]) -> list[ProposalData]:
        """The live proposals of `ids`, in that order (missing ones skipped)."""
        out: list[ProposalData] = []
        for start in range(0, len(ids), 500):
            out.extend(self.get_many(ids[start:start + 500]))
        return out

    def _ids(self, f: ProposalFilter | None, sort: str, descending: bool, offset: int,
             limit: int | None, *, count: bool = True) -> tuple[list[str], int]:
        f = f or ProposalFilter()
        clauses, params = ["p.deleted_at IS NULL"], {}
        statuses = f.statuses or ((f.status,) if f.status else None)
        if statuses:
            names = [f"st{i}" for i in range(len(statuses))]
            clauses.append(f"p.status IN ({', '.join(':' + n for n in names)})")
            params.update(zip(names, statuses, strict=True))
        if f.open_only:
            closed = [s.value for s in ProposalStatus if s.is_closed]
            clauses.append("p.status NOT IN ('" + "', '".join(closed) + "')")
        if f.consortium_id:
            clauses.append("p.id IN (SELECT pp.proposal_id FROM proposal_partner pp JOIN "
                           "organization o ON o.id = pp.organization_id WHERE "
                           "o.consortium_id = :cid)")
            params["cid"] = f.consortium_id
        if f.organization_id:
            clauses.append("(p.lead_organization_id = :oid OR p.id IN (SELECT proposal_id "
                           "FROM proposal_partner WHERE organization_id = :oid))")
            params["oid"] = f.organization_id
        if f.funder:
            clauses.append("lower(p.funder) = lower(:funder)")
            params["funder"] = f.funder
        if f.owner_id:
            clauses.append("p.owner_id = :owner")
            params["owner"] = f.owner_id
        if f.tag:
            clauses.append("p.id IN (SELECT pt.proposal_id FROM proposal_tag pt JOIN tag t "
                           "ON t.id = pt.tag_id WHERE t.name_key = :tag)")
            params["tag"] = fold(f.tag)
        if f.due_after:
            clauses.append("p.due_date >= :after")
            params["after"] = f.due_after.isoformat()
        if f.due_before:
            clauses.append("p.due_date <= :before")
            params["before"] = f.due_before.isoformat()
        if f.text and (match := fts_query(f.text)):
            clauses.append("p.id IN (SELECT d.entity_id FROM search_fts JOIN search_doc d "
                           "ON d.rowid = search_fts.rowid WHERE search_fts MATCH :match "
                           "AND d.entity = 'proposal')")
            params["match"] = match
        if sort not in SORTS:
            raise ValidationError([FieldProblem("sort", f"Cannot sort by {sort!r}.")])
        where = " WHERE " + " AND ".join(clauses)
        direction = "DESC" if descending else "ASC"
        sql = f"SELECT p.id FROM proposal p{where} ORDER BY {SORTS[sort]} {direction}, p.id"
        with self.db.read() as session:
            total = session.execute(text(f"SELECT count(*) FROM proposal p{where}"), params
                                    ).scalar_one() if count else -1
            if limit is not None:
                sql += " LIMIT :limit OFFSET :offset"
                params.update(limit=limit, offset=offset)
            ids = list(session.execute(text(sql), params).scalars())
        return ids, total if count else len(ids)

    def funders(self) -> list[str]:
        with self.db.read() as session:
            return list(session.execute(text(
                "SELECT DISTINCT funder FROM proposal WHERE funder <> '' AND deleted_at IS NULL "
                "ORDER BY funder")).scalars())
