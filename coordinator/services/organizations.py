"""Organizations and the consortia they belong to."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlmodel import Session, select

from coordinator.changes import ChangeKind
from coordinator.errors import Conflict, FieldProblem, NotFound, ValidationError
from coordinator.models import (
    Consortium,
    Contact,
    Organization,
    OrganizationTag,
    Sector,
    fold,
    parse_sql_time,
)
from coordinator.services import validation as v
from coordinator.services.base import (
    IN_JSON_IDS,
    MOVE_CHUNK,
    EntityService,
    record_change,
    set_tags,
    tag_names,
)
from coordinator.services.records import ConsortiumData, OrganizationData, Page
from coordinator.services.search import fts_query


@dataclass
class OrganizationFilter:
    consortium_id: str | None = None
    sector: str | None = None
    tag: str | None = None
    text: str | None = None


SORTS = {
    "name": "o.name_key",
    "sector": "o.sector",
    "consortium": "coalesce(cs.short_name, '')",
    "city": "o.city",
    "contacts": "contact_count",
    "updated": "o.updated_at",
}

_SELECT = """
SELECT o.id, o.name, o.sector, o.consortium_id, o.city, o.state, o.website, o.notes,
       coalesce(cs.short_name, ''),
       (SELECT count(*) FROM contact c WHERE c.organization_id = o.id
        AND c.deleted_at IS NULL) AS contact_count,
       o.created_at, o.updated_at, o.deleted_at
FROM organization o LEFT JOIN consortium cs ON cs.id = o.consortium_id
"""


def _row_to_data(r: tuple) -> OrganizationData:
    return OrganizationData(
        id=r[0], name=r[1], sector=r[2], consortium_id=r[3], city=r[4], state=r[5],
        website=r[6], notes=r[7], consortium_short_name=r[8], contact_count=r[9],
        created_at=parse_sql_time(r[10]), updated_at=parse_sql_time(r[11]),
        deleted_at=parse_sql_time(r[12]),
    )


class OrganizationService(EntityService):
    entity = "organization"
    model = Organization
    label = "organization"

    def validate(self, data: OrganizationData) -> list[FieldProblem]:
        problems = v.Problems()
        problems.require("name", data.name, "Name")
        if data.sector not in {s.value for s in Sector}:
            problems.add("sector", f"Choose a sector; {data.sector!r} is not one.")
        problems.add("website", v.url_problem(data.website))
        problems.limit("name", data.name, v.ORGANIZATION_NAME_MAX_CHARS, "name")
        v.unsavable_text(problems, data)
        return problems.items

    def _check(self, session: Session, data: OrganizationData) -> None:
        problems = self.validate(data)
        if data.consortium_id and session.get(Consortium, data.consortium_id) is None:
            problems.append(FieldProblem("consortium_id", "Choose one of the consortia."))
        if problems:
            raise ValidationError(problems)

    def create(self, data: OrganizationData) -> OrganizationData:
        with self.db.write() as session:
            self._check(session, data)
            row = Organization(name=data.name.strip())
            self._apply(session, row, data)
            record_change(session, self.entity, ChangeKind.CREATED, row.id)
        return self.get(row.id)

    def update(self, organization_id: str, data: OrganizationData) -> OrganizationData:
        with self.db.write() as session:
            row = self._load(session, organization_id)
            self._check(session, data)
            renamed = row.name != data.name.strip()
            moved = row.consortium_id != (data.consortium_id or None)
            self._touch(row)
            self._apply(session, row, data)
            contact_ids = session.exec(
                select(Contact.id).where(Contact.organization_id == row.id)).all()
            if moved:  # contacts carry their organization's consortium
                session.execute(text("UPDATE contact SET consortium_id = :c "
                                     "WHERE organization_id = :o"),
                                {"c": row.consortium_id, "o": row.id})
            if (renamed or moved) and contact_ids:
                from coordinator.services import indexing
                indexing.refresh(session, "contact", contact_ids)
                record_change(session, "contact", ChangeKind.UPDATED, *contact_ids)
            record_change(session, self.entity, ChangeKind.UPDATED, row.id)
        return self.get(organization_id)

    def contact_count(self, organization_id: str) -> int:
        """Live contacts linked to the organization, whether it is live or in Trash."""
        with self.db.read() as session:
            return session.execute(text(
                "SELECT count(*) FROM contact WHERE organization_id = :o "
                "AND deleted_at IS NULL"), {"o": organization_id}).scalar_one()

    def contact_counts(self, organization_ids: Sequence[str]) -> int:
        """Live contacts linked to any of the organizations (one query per chunk)."""
        total = 0
        with self.db.read() as session:
            for start in range(0, len(organization_ids), MOVE_CHUNK):
                total += session.execute(text(
                    f"SELECT count(*) FROM contact WHERE organization_id {IN_JSON_IDS} "
                    "AND deleted_at IS NULL"),
                    {"ids": json.dumps(list(organization_ids[start:start + MOVE_CHUNK]))}
                ).scalar_one()
        return total

    def move_chunk(self, session: Session, record_ids: list[str], to_trash: bool,
                   now: datetime) -> None:
        """Moved to Trash, organizations' contacts stay and keep the link underneath,
        but show no organization (lists, records, search, exports) until restored;
        back from Trash, they show it again. Their live contacts are re-indexed and
        reported as changed."""
        super().move_chunk(session, record_ids, to_trash, now)
        contact_ids = session.execute(text(
            f"SELECT id FROM contact WHERE organization_id {IN_JSON_IDS} "
            "AND deleted_at IS NULL"), {"ids": json.dumps(record_ids)}).scalars().all()
        if contact_ids:
            from coordinator.services import indexing
            indexing.remove_ids(session, contact_ids)
            indexing.index_new(session, "contact", contact_ids)
            record_change(session, "contact", ChangeKind.UPDATED, *contact_ids)

    def purge_chunk(self, session: Session, record_ids: list[str]) -> None:
        """Delete for good; their contacts stay, without the organization and the
        consortium they had through it (and are re-indexed without its name)."""
        param = {"ids": json.dumps(record_ids)}
        contact_ids = session.execute(text(
            f"SELECT id FROM contact WHERE organization_id {IN_JSON_IDS}"), param
        ).scalars().all()
        if contact_ids:
            session.execute(text(
                "UPDATE contact SET organization_id = NULL, consortium_id = NULL "
                f"WHERE organization_id {IN_JSON_IDS}"), param)
        super().purge_chunk(session, record_ids)
        if contact_ids:
            from coordinator.services import indexing
            indexing.remove_ids(session, contact_ids)
            indexing.index_new(session, "contact", contact_ids)
            record_change(session, "contact", ChangeKind.UPDATED, *contact_ids)

    def _apply(self, session: Session, row: Organization, d: OrganizationData) -> None:
        row.name = d.name.strip()
        row.name_key = fold(row.name)
        row.sector = d.sector
        row.consortium_id = d.consortium_id or None
        row.city, row.state = d.city.strip(), d.state.strip()
        row.website, row.notes = d.website.strip(), d.notes
        session.add(row)
        session.flush()
        set_tags(session, OrganizationTag, "organization_id", row.id, d.tags)
        self._reindex(session, row.id)

    def get(self, organization_id: str, *, include_deleted: bool = False) -> OrganizationData:
        with self.db.read() as session:
            self._load(session, organization_id, deleted=None if include_deleted else False)
            r = session.execute(text(_SELECT + " WHERE o.id = :id"), {"id": organization_id}
                                ).one()
            data = _row_to_data(tuple(r))
            data.tags = tag_names(session, OrganizationTag, "organization_id", organization_id)
            return data

    @staticmethod
    def _where(f: OrganizationFilter | None) -> tuple[str, dict]:
        f = f or OrganizationFilter()
        clauses, params = ["o.deleted_at IS NULL"], {}
        if f.consortium_id:
            clauses.append("o.consortium_id = :cid")
            params["cid"] = f.consortium_id
        if f.sector:
            clauses.append("o.sector = :sector")
            params["sector"] = f.sector
        if f.tag:
            clauses.append("o.id IN (SELECT ot.organization_id FROM organization_tag ot "
                           "JOIN tag t ON t.id = ot.tag_id WHERE t.name_key = :tag)")
            params["tag"] = fold(f.tag)
        if f.text and (match := fts_query(f.text)):
            clauses.append("o.id IN (SELECT d.entity_id FROM search_fts JOIN search_doc d "
                           "ON d.rowid = search_fts.rowid WHERE search_fts MATCH :match "
                           "AND d.entity = 'organization')")
            params["match"] = match
        return " WHERE " + " AND ".join(clauses), params

    @staticmethod
    def _order(sort: str, descending: bool) -> str:
        if sort not in SORTS:
            raise ValidationError([FieldProblem("sort", f"Cannot sort by {sort!r}.")])
        direction = "DESC" if descending else "ASC"
        return f" ORDER BY {SORTS[sort]} {direction}, o.name_key, o.id"

    def list(self, f: OrganizationFilter | None = None, sort: str = "name",
             descending: bool = False, offset: int = 0,
             limit: int | None = None) -> Page[OrganizationData]:
        where, params = self._where(f)
        sql = _SELECT + where + self._order(sort, descending)
        with self.db.read() as session:
            total = session.execute(
                text(f"SELECT count(*) FROM organization o{where}"), params).scalar_one()
            if limit is not None:
                sql += " LIMIT :limit OFFSET :offset"
                params.update(limit=limit, offset=offset)
            rows = [_row_to_data(tuple(r)) for r in session.execute(text(sql), params)]
        return Page(rows=rows, total=total, offset=offset)

    def ids(self, f: OrganizationFilter | None = None, sort: str = "name",
            descending: bool = False) -> list[str]:
        """Every matching id in display order: what a lazily fetching table holds (the
        contact count is computed only when it is the sort)."""
        where, params = self._where(f)
        order = self._order(sort, descending)
        count = (", (SELECT count(*) FROM contact c WHERE c.organization_id = o.id AND "
                 "c.deleted_at IS NULL) AS contact_count") if sort == "contacts" else ""
        join = " LEFT JOIN consortium cs ON cs.id = o.consortium_id" if "cs." in order else ""
        sql = f"SELECT o.id{count} FROM organization o{join}{where}{order}"
        with self.db.read() as session:
            return [r[0] for r in session.execute(text(sql), params)]

    def rows(self, ids: list[str]) -> list[OrganizationData]:
        """Rows (without tags) for `ids`, in the order given; missing ids are skipped."""
        found: dict[str, OrganizationData] = {}
        with self.db.read() as session:
            for start in range(0, len(ids), 500):
                stmt = text(_SELECT + " WHERE o.id IN :ids").bindparams(
                    bindparam("ids", expanding=True))
                found.update((r[0], _row_to_data(tuple(r))) for r in session.execute(
                    stmt, {"ids": ids[start:start + 500]}))
        return [found[i] for i in ids if i in found]

    def find_by_name(self, name: str) -> OrganizationData | None:
        """The live organization whose name matches, ignoring case and accents."""
        key = fold(name)
        with self.db.read() as session:
            found = session.exec(select(Organization.id).where(
                Organization.name_key == key, Organization.deleted_at.is_(None))).first()  # type: ignore[union-attr]
        return self.get(found) if found else None


class ConsortiumService(EntityService):
    entity = "consortium"
    model = Consortium
    label = "consortium"

    def check_movable(self, session: Session, record_ids: Sequence[str],
                      to_trash: bool) -> None:
        super().check_movable(session, record_ids, to_trash)
        if to_trash:
            for start in range(0, len(record_ids), MOVE_CHUNK):
                founding = session.execute(text(
                    f"SELECT name FROM consortium WHERE builtin AND id {IN_JSON_IDS}"),
                    {"ids": json.dumps(list(record_ids[start:start + MOVE_CHUNK]))}).first()
                if founding is not None:
                    raise Conflict(f"{founding[0]} is one of the founding consortia and "
                                   "cannot be deleted.")

    def list(self, *, counts: bool = True) -> list[ConsortiumData]:
        """Every consortium with its organization and contact counts and sectors;
        `counts=False` skips the counting (a scan of every contact) for look-ups."""
        with self.db.read() as session:
            rows = session.exec(select(Consortium).where(Consortium.deleted_at.is_(None))  # type: ignore[union-attr]
                                .order_by(Consortium.name)).all()
            if not counts:
                return [self._data(r) for r in rows]
            orgs = dict(session.execute(text(
                "SELECT consortium_id, count(*) FROM organization WHERE deleted_at IS NULL "
                "GROUP BY consortium_id")).all())
            contacts = dict(session.execute(text(
                "SELECT consortium_id, count(*) FROM contact WHERE deleted_at IS NULL "
                "GROUP BY consortium_id")).all())
            sectors: dict[str, dict[str, int]] = {}
            for cid, sector, n in session.execute(text(
                    "SELECT consortium_id, sector, count(*) FROM organization "
                    "WHERE deleted_at IS NULL GROUP BY consortium_id, sector")):
                sectors.setdefault(cid, {})[sector] = n
        return [self._data(r, orgs.get(r.id, 0), contacts.get(r.id, 0), sectors.get(r.id, {}))
                for r in rows]

    @staticmethod
    def _data(r: Consortium, orgs: int = 0, contacts: int = 0,
              sectors: dict[str, int] | None = None) -> ConsortiumData:
        return ConsortiumData(
            id=r.id, name=r.name, short_name=r.short_name, states=r.states, region=r.region,
            website=r.website, time_zone=r.time_zone, builtin=r.builtin,
            organization_count=orgs, contact_count=contacts, sector_counts=sectors or {},
        )

    def get(self, consortium_id: str) -> ConsortiumData:
        for c in self.list():
            if c.id == consortium_id:
                return c
        raise NotFound("consortium", consortium_id)

    def by_short_name(self, short_name: str) -> ConsortiumData | None:
        key = fold(short_name)
        return next((c for c in self.list(counts=False)
                     if fold(c.short_name) == key or fold(c.name) == key), None)
