"""The sample coalition: deterministic fictional data for demos, screenshots and
benchmarks. `build_demo(services, contacts=600)` gives the seven consortia about 150
organizations, 600 contacts, 25 proposals and 40 meetings (with agendas, notes,
decisions and action items, some overdue), all dated relative to `today`; larger
`contacts` values scale everything in proportion. Rows are written in bulk in one
unit of work and indexed for search in the same transaction; with `force`, what the
database held is removed in that same transaction, so a failure or a cancel leaves it as
it was. `generate` and `write_demo` are the two halves of `build_demo`, for a caller that
lets the generation be interrupted anywhere but the write only at its checks.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from coordinator import models as m
from coordinator.db import last_touch
from coordinator.db.engine import BULK_CACHE_KIB, CACHE_KIB
from coordinator.errors import Conflict, CoordinatorError
from coordinator.models import fold, sql_time
from coordinator.reference import CONSORTIA
from coordinator.sample import words as w
from coordinator.services import Services, indexing

BASE_CONTACTS = 600
STREETS = ["Main", "Elm", "Civic Center", "Commerce", "University"]
Progress = Callable[[str, int], None]  # (stage, percent)
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class DemoSize:
    organizations: int
    contacts: int
    proposals: int
    meetings: int

    @classmethod
    def for_contacts(cls, contacts: int) -> DemoSize:
        scale = contacts / BASE_CONTACTS
        return cls(organizations=max(10, round(150 * scale)), contacts=contacts,
                   proposals=max(3, round(25 * scale)), meetings=max(4, round(40 * scale)))


def _slug(text_: str) -> str:
    ascii_ = fold(text_).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_ if ch.isalnum())


class _Builder:
    def __init__(self, size: DemoSize, today: date, seed: int) -> None:
        self.size, self.today, self.rng = size, today, random.Random(seed)
        self.now = datetime.now(UTC)
        self.rows: dict[str, list[dict]] = {}
        self.orgs: list[dict] = []
        self.contacts: list[dict] = []
        self.contacts_by_org: dict[str, list[str]] = {}
        self.emails_seen: set[str] = set()
        self.tag_ids: dict[str, str] = {}

    def new_id(self) -> str:
        """Random but reproducible: the same seed gives the same ids."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def add(self, table: str, **values: object) -> dict:
        values.setdefault("id", self.new_id())
        if table not in ("contact_tag", "organization_tag", "proposal_tag", "meeting_consortium"):
            values.setdefault("created_at", self.now)
            values.setdefault("updated_at", self.now)
            values.setdefault("deleted_at", None)
        else:
            values.pop("id")
        self.rows.setdefault(table, []).append(values)
        return values

    # -- organizations ---------------------------------------------------------------
    def organizations(self) -> None:
        rng, made = self.rng, 0
        names_seen: set[str] = set()
        sectors = (["local_government"] * 40 + ["county"] * 8 + ["regional_agency"] * 6 +
                   ["company"] * 20 + ["university"] * 12 + ["nonprofit"] * 10 +
                   ["utility"] * 4)
        while made < self.size.organizations:
            seed = CONSORTIA[made % len(CONSORTIA)]
            sector = sectors[made % len(sectors)] if made < len(sectors) * 2 else rng.choice(
                sectors)
            for _attempt in range(8):  # prefer a fresh city before numbering a duplicate
                city, state = rng.choice(w.CITIES[seed.short_name])
                name = self._org_name(sector, seed.short_name, city, state)
                if fold(name) not in names_seen:
                    break
            if fold(name) in names_seen and sector == "local_government":
                sector, name = "nonprofit", f"{city} Downtown Partnership"
            if fold(name) in names_seen and city not in name:
                name = f"{name}, {city}"
            if fold(name) in names_seen:
                name = f"{name} ({made})"
            names_seen.add(fold(name))
            org = self.add("organization", name=name, name_key=fold(name), sector=sector,
                           consortium_id=seed.id, city=city, state=state,
                           website=f"https://{_slug(name)[:40]}.example.org",
                           notes=f"{name} joined {seed.short_name} in {2016 + made % 9}.")
            org["_cons"] = seed.short_name
            self.orgs.append(org)
            for topic in rng.sample(w.TOPICS, 2):
                self.tag(topic, "organization_tag", organization_id=org["id"])
            made += 1

    def _org_name(self, sector: str, short: str, city: str, state: str) -> str:
        rng = self.rng
        if sector == "local_government":
            return f"City of {city}"
        if sector == "county":
            return f"{rng.choice(w.COUNTIES[short])} County"
        if sector == "regional_agency":
            return rng.choice(w.AGENCIES[short])
        if sector == "company":
            return f"{rng.choice(w.COMPANY_WORDS)} {rng.choice(w.COMPANY_SUFFIXES)}"
        if sector == "university":
            return rng.choice(w.UNIVERSITIES).format(city=city, state_name=w.STATE_NAMES[state])
        if sector == "nonprofit":
            return rng.choice(w.NONPROFITS).format(city=city)
        return f"{city} Water and Power"

    # -- tags ------------------------------------------------------------------------------
    def tag(self, name: str, table: str, **link: str) -> None:
        key = fold(name)
        if key not in self.tag_ids:
            self.tag_ids[key] = self.add("tag", name=name, name_key=key)["id"]
        self.add(table, tag_id=self.tag_ids[key], **link)

    # -- contacts ----------------------------------------------------------------------------
    def people(self) -> None:
        rng = self.rng
        for i in range(self.size.contacts):
            org = self.orgs[i % len(self.orgs)] if i < len(self.orgs) else rng.choice(self.orgs)
            given, family = rng.choice(w.GIVEN), rng.choice(w.FAMILY)
            full = f"{given} {family}"
            contact = self.add(
                "contact", prefix="", given_name=given, middle_name="", family_name=family,
                suffix="", nickname="", pronouns="", full_name=full,
                sort_key=fold(f"{family} {given}"),
                title=rng.choice(w.TITLES[org["sector"]]), organization_id=org["id"],
                consortium_id=org["consortium_id"], website="",
                notes=f"Met at the {org['_cons']} summit." if i % 3 == 0 else "",
                private_notes="Prefers calls after 3 pm; sensitive about the budget vote."
                if i % 7 == 0 else "",
                birthday=f"--{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if i % 5 == 0
                else "",
                last_contacted_on=self.today - timedelta(days=rng.randint(0, 400)),
            )
            self.contacts.append(contact)
            self.contacts_by_org.setdefault(org["id"], []).append(contact["id"])
            domain = f"{_slug(org['name'])[:24]}.example.org"
            local = f"{_slug(given)}.{_slug(family)}"
            address = f"{local}@{domain}"
            if address in self.emails_seen:
                address = f"{local}{i}@{domain}"
            self.emails_seen.add(address)
            self.add("contact_email", contact_id=contact["id"], label="work", address=address,
                     address_key=address.casefold(), is_primary=True, position=0)
            if i % 4 == 0:
                personal = f"{local}{i % 89}@mail.example.org"
                self.add("contact_email", contact_id=contact["id"], label="home",
                         address=personal, address_key=personal, is_primary=False, position=1)
            area = rng.choice(w.AREA_CODES[org["state"]])
            line = f"01{rng.randint(0, 99):02d}"
            self.add("contact_phone", contact_id=contact["id"], label="work",
                     raw=f"({area}) 555-{line}", e164=f"+1{area}555{line}", is_primary=True,
                     position=0)
            if i % 3 == 0:
                line2 = f"01{rng.randint(0, 99):02d}"
                self.add("contact_phone", contact_id=contact["id"], label="mobile",
                         raw=f"{area}-555-{line2}", e164=f"+1{area}555{line2}",
                         is_primary=False, position=1)
            if i % 2 == 0:
                self.add("contact_address", contact_id=contact["id"], label="work",
                         street=f"{rng.randint(100, 9999)} {rng.choice(STREETS)} St",
                         city=org["city"], region=org["state"],
                         postal_code=f"{rng.randint(10000, 99999)}", country="United States",
                         position=0)
            if i % 2 == 1:
                self.tag(rng.choice(w.TOPICS), "contact_tag", contact_id=contact["id"])

    # -- proposals ---------------------------------------------------------------------------
    def proposals(self) -> list[dict]:
        rng, made = self.rng, []
        statuses = [s.value for s in m.ProposalStatus]
        for i in range(self.size.proposals):
            status = statuses[i % len(statuses)]
            funder, call = w.FUNDERS[i % len(w.FUNDERS)]
            offset = {"idea": 120, "drafting": 30, "internal_review": 10, "submitted": -20,
                      "awarded": -120, "declined": -90, "withdrawn": -60}[status]
            due = self.today + timedelta(days=offset + rng.randint(-8, 25))
            partners = rng.sample(self.orgs, k=min(len(self.orgs), rng.randint(2, 5)))
            lead = partners[0]
            owner = rng.choice(self.contacts_by_org.get(lead["id"]) or [self.contacts[0]["id"]])
            title = w.PROPOSAL_TITLES[i % len(w.PROPOSAL_TITLES)]
            if i >= len(w.PROPOSAL_TITLES):
                title = f"{title} — phase {i // len(w.PROPOSAL_TITLES) + 1}"
            budget = [rng.randint(20, 400) * 1_000_00 for _ in range(4)]
            proposal = self.add(
                "proposal", title=title,
                summary=f"A {len(partners)}-partner proposal across "
                        f"{len({p['consortium_id'] for p in partners})} consortia: "
                        f"{title.lower()}.",
                status=status, funder=funder, funder_call=call, amount_minor=sum(budget),
                currency="USD", due_date=due, lead_organization_id=lead["id"], owner_id=owner,
                internal_notes="Internal: the match commitment from the lead is not final.")
            for pos, org in enumerate(partners):
                role = "lead" if pos == 0 else rng.choice(
                    ["co_lead", "partner", "partner", "advisor", "letter_of_support"])
                self.add("proposal_partner", proposal_id=proposal["id"],
                         organization_id=org["id"], role=role,
                         commitment_minor=rng.randint(0, 50) * 1_000_00, position=pos)
            for pos, heading in enumerate(w.SECTION_HEADINGS):
                self.add("proposal_section", proposal_id=proposal["id"], position=pos,
                         heading=heading, body=self._section(heading, title, partners))
            for pos, amount in enumerate(budget):
                self.add("proposal_budget_line", proposal_id=proposal["id"], position=pos,
                         description=w.BUDGET_ITEMS[pos], amount_minor=amount)
            self.tag(rng.choice(w.TOPICS), "proposal_tag", proposal_id=proposal["id"])
            made.append(proposal)
        return made

    def _section(self, heading: str, title: str, partners: list[dict]) -> str:
        names = ", ".join(p["name"] for p in partners[:3])
        return (f"## {heading}\n\nThe *{title}* project brings together {names}.\n\n"
                f"- Shared goals across **{len(partners)} partners**\n"
                f"- Open data published under a common licence\n"
                f"- Results reported to every consortium\n")

    # -- meetings ------------------------------------------------------------------------------
    def meetings(self, proposals: list[dict]) -> None:
        rng = self.rng
        series_rows = [self.add("meeting_series", name=n, name_key=fold(n))
                       for n, _, _ in w.SERIES]
        per_series = [self.size.meetings * 6 // 10, self.size.meetings * 2 // 10]
        per_series.append(self.size.meetings - sum(per_series))
        for (name, cadence, kind), series, count in zip(w.SERIES, series_rows, per_series,
                                                        strict=True):
            future = max(1, count // 6)
            for k in range(count):
                # The last `future` meetings lie ahead, from one cadence on, and the
                # rest behind, the latest one a cadence ago: none falls on today, so
                # "next upcoming" never depends on the hour the sample was built.
                steps = k - (count - future)
                day = self.today + timedelta(days=cadence * (steps + 1 if steps >= 0
                                                             else steps))
                zone = ZoneInfo("America/Chicago")
                local = datetime.combine(day, time(10 if k % 2 else 14, 0), tzinfo=zone)
                starts = local.astimezone(UTC)
                past = day < self.today
                meeting = self.add(
                    "meeting", title=f"{name} — {day:%b %-d, %Y}", series_id=series["id"],
                    kind=kind, starts_at=starts, time_zone="America/Chicago",
                    duration_minutes=60 if kind == "partnership_call" else 90,
                    location="" if kind == "partnership_call" else "Regional office, Room 2",
                    link="https://meet.example.org/nscp-" + _slug(name)[:12],
                    notes=self._notes(name) if past else "",
                    private_notes="Chair asked to keep the budget dispute off the record."
                    if past and k % 4 == 0 else "")
                consortia = rng.sample(CONSORTIA, k=7 if kind == "partnership_call" else 3)
                for c in consortia:
                    self.add("meeting_consortium", meeting_id=meeting["id"], consortium_id=c.id)
                cons_ids = {c.id for c in consortia}
                pool = [c for c in rng.sample(self.contacts, k=min(len(self.contacts), 60))
                        if c["consortium_id"] in cons_ids]
                attendees = pool[: rng.randint(6, 14)] or self.contacts[:3]
                for pos, person in enumerate(attendees):
                    self.add("attendee", meeting_id=meeting["id"], contact_id=person["id"],
                             role="chair" if pos == 0 else "note_taker" if pos == 1 else
                             "attendee", rsvp=rng.choice(["yes", "yes", "yes", "maybe", "no"]),
                             attended=(rng.random() > 0.15) if past else None)
                for pos, item in enumerate(rng.sample(w.AGENDA, k=4)):
                    self.add("agenda_item", meeting_id=meeting["id"], position=pos, title=item,
                             presenter_id=attendees[pos % len(attendees)]["id"],
                             minutes=rng.choice([5, 10, 15, 20]), details="")
                if past:
                    for pos, decision in enumerate(rng.sample(w.DECISIONS, k=2)):
                        self.add("decision", meeting_id=meeting["id"], position=pos,
                                 text=decision)
                    for _ in range(rng.randint(1, 3)):
                        due = day + timedelta(days=rng.randint(7, 30))
                        age = (self.today - day).days
                        status = "done" if age > 60 and rng.random() < 0.8 else rng.choice(
                            ["open", "open", "in_progress", "done"])
                        self.add("action_item", meeting_id=meeting["id"],
                                 text=rng.choice(w.ACTIONS),
                                 owner_id=rng.choice(attendees)["id"], due_date=due,
                                 status=status, proposal_id=rng.choice(proposals)["id"]
                                 if proposals and rng.random() < 0.5 else None,
                                 completed_at=self.now if status == "done" else None)

    def _notes(self, name: str) -> str:
        return (f"# {name}\n\nAttendance was strong across the regions.\n\n"
                "## Highlights\n\n- Pipeline reviewed proposal by proposal\n"
                "- *Two* new partners introduced\n\n> Keep the data dictionary simple.\n")


TABLE_ORDER = ["tag", "organization", "organization_tag", "contact", "contact_email",
               "contact_phone", "contact_address", "contact_tag", "proposal",
               "proposal_partner", "proposal_section", "proposal_budget_line", "proposal_tag",
               "meeting_series", "meeting", "meeting_consortium", "attendee", "agenda_item",
               "decision", "action_item"]


def generate(contacts: int = BASE_CONTACTS, today: date | None = None,
             seed: int = 2026) -> dict[str, list[dict]]:
    """All sample rows, table by table (no database involved)."""
    b = _Builder(DemoSize.for_contacts(contacts), today or date.today(), seed)
    b.organizations()
    b.people()
    b.meetings(b.proposals())
    for org in b.orgs:
        org.pop("_cons", None)
    return b.rows


class DemoCancelled(CoordinatorError):
    """The user cancelled the sample coalition before it was saved; nothing changed."""


def clear_all(services: Services) -> None:
    """Remove every record except the built-in consortia."""
    with services.db.write() as session:
        _clear(session)


def _clear(session: Session) -> None:
    for table in reversed(TABLE_ORDER):
        session.execute(text(f"DELETE FROM {table}"))
    session.execute(text("DELETE FROM consortium WHERE builtin = 0"))
    session.execute(text("DELETE FROM search_fts"))
    session.execute(text("DELETE FROM search_doc"))
    indexing.refresh(session, "consortium")


def refuse_to_replace(services: Services, force: bool) -> None:
    """Raise `Conflict` when the database holds data and `force` was not given."""
    if not force and not services.is_empty():
        raise Conflict("The database already holds data; use --force to replace it "
                       "with the sample coalition.")


def _sql_value(value: object) -> object:
    """Values as SQLAlchemy would store them in SQLite (rows are written in bulk)."""
    if isinstance(value, datetime):
        return sql_time(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def build_demo(services: Services, contacts: int = BASE_CONTACTS, *, today: date | None = None,
               force: bool = False, progress: Progress | None = None,
               cancelled: CancelCheck | None = None) -> dict[str, int]:
    """Fill the database with the sample coalition; returns rows written per table."""
    refuse_to_replace(services, force)
    report = progress or (lambda _stage, _pct: None)
    report("Generating", 0)
    rows = generate(contacts, today)
    return write_demo(services, rows, force=force, progress=report, cancelled=cancelled)


def write_demo(services: Services, rows: dict[str, list[dict]], *, force: bool = False,
               progress: Progress | None = None,
               cancelled: CancelCheck | None = None) -> dict[str, int]:
    """Write generated rows in one transaction (replacing what is there with `force`);
    returns rows written per table. `cancelled` is asked between steps: when it says
    so, `DemoCancelled` rolls everything back, the data `force` was replacing included."""
    refuse_to_replace(services, force)
    report = progress or (lambda _stage, _pct: None)
    stop = cancelled or (lambda: False)

    def check() -> None:
        if stop():
            raise DemoCancelled("Cancelled: nothing was changed.")

    check()
    counts: dict[str, int] = {}
    with services.db.write() as session:
        # Home's last-contact table is computed once at the end, not by its triggers
        # row by row (a rollback puts the triggers back).
        driver = session.connection().connection.driver_connection
        last_touch.remove(driver)  # type: ignore[arg-type]
        if force:
            _clear(session)
        conn = session.connection()
        # Random UUID keys touch pages all over each index: a big cache for the load.
        conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        for n, table in enumerate(TABLE_ORDER):
            check()
            batch = rows.get(table, [])
            if batch:
                columns = list(batch[0])
                sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
                       f"VALUES ({', '.join('?' * len(columns))})")
                conn.exec_driver_sql(sql, [tuple(_sql_value(r[c]) for c in columns)
                                           for r in batch])
            counts[table] = len(batch)
            report(f"Writing {table}", 10 + 70 * n // len(TABLE_ORDER))
        report("Indexing for search", 85)
        last_touch.refresh(driver)  # type: ignore[arg-type]
        for entity in ("contact", "organization", "proposal", "meeting"):
            check()
            indexing.refresh(session, entity)
        from coordinator.changes import ChangeKind
        from coordinator.services.base import record_change
        for entity in ("contact", "organization", "proposal", "meeting", "action_item"):
            record_change(session, entity, ChangeKind.CREATED)
        conn.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")
        check()  # the last chance to roll back: after this the commit stands
    services.db.analyze()
    report("Done", 100)
    return counts
