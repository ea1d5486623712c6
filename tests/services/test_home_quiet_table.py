"""Home's "going quiet" reads a last-contact table that triggers keep: after every kind
of change to contacts, meetings, proposals and organizations (Trash, undo, restore,
purge, moves, merges, imports and their undo) the panel lists exactly the organizations,
order, dates and contact counts worked out here in plain Python from the records the
services read back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest

from coordinator.db import Database, last_touch
from coordinator.folding import fold
from coordinator.formats.reader import parse_contacts
from coordinator.models.enums import CLOSED_STATUSES
from coordinator.services import Services
from coordinator.services.home import months_before
from coordinator.services.records import AttendeeData, PartnerData
from tests.services.conftest import Build

TODAY = date(2026, 3, 4)
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
SINCE = months_before(TODAY, 6)  # 2025-09-04
OLD = date(2025, 1, 10)  # before SINCE
RECENT = date(2026, 1, 20)  # after SINCE


def at(day: date, hour: int = 14) -> datetime:
    return datetime.combine(day, time(hour), UTC)


Row = tuple[str, date | None, int]  # organization id, latest contact, live contacts


def expected(s: Services, today: date = TODAY, now: datetime = NOW, months: int = 6
             ) -> list[Row]:
    """The quiet members, from the records as the services read them back."""
    since = months_before(today, months)
    latest: dict[str, date] = {}

    def seen(org: str | None, day: date | None) -> None:
        if org and day and (org not in latest or day > latest[org]):
            latest[org] = day

    people = s.contacts.get_many(s.contacts.ids())
    org_of = {c.id: c.organization_id for c in people}
    count: dict[str, int] = {}
    for c in people:
        seen(c.organization_id, c.last_contacted_on)
        if c.organization_id:
            count[c.organization_id] = count.get(c.organization_id, 0) + 1
    for m in s.meetings.list().rows:
        if m.starts_at is not None and m.starts_at <= now:
            for a in m.attendees:
                if a.attended:
                    seen(org_of.get(a.contact_id), m.starts_at.astimezone(UTC).date())
    for p in s.proposals.list().rows:
        day = p.due_date if p.status in CLOSED_STATUSES else today
        for org in {p.lead_organization_id, *(pp.organization_id for pp in p.partners)}:
            seen(org, day)
    members = [o for o in s.organizations.list().rows if o.consortium_id]
    quiet = [o for o in members if latest.get(o.id) is None or latest[o.id] < since]
    quiet.sort(key=lambda o: (o.id in latest, latest.get(o.id) or date.min, fold(o.name),
                              o.id))
    return [(o.id, latest.get(o.id), count.get(o.id, 0)) for o in quiet]


def shown(s: Services, today: date = TODAY, now: datetime = NOW, months: int = 6
          ) -> list[Row]:
    quiet = s.home.going_quiet(today, months, now=now, limit=10_000)
    rows = [(q.id, q.last_contact, q.contact_count) for q in quiet.rows]
    assert quiet.total == len(rows)
    return rows


def stale_rows(db: Database) -> list[tuple]:
    """Rows of the last-contact table that differ from the same figures computed
    afresh from the records (none when the triggers kept it right)."""
    fresh = (f"SELECT o.id, {last_touch.contacted('o.id')}, {last_touch.met('o.id')},"
             f" {last_touch.proposed('o.id')} FROM organization o")
    kept = "SELECT organization_id, contacted_on, met_on, proposed_on FROM organization_touch"
    with db.raw() as conn:
        return conn.execute(f"SELECT 'missing', * FROM ({fresh} EXCEPT {kept})"
                            f" UNION ALL SELECT 'wrong', * FROM ({kept} EXCEPT {fresh})"
                            ).fetchall()


def members_and_quiet(s: Services) -> dict[str, tuple[int, int]]:
    """Per consortium: its member organizations, and how many are quiet (expected)."""
    quiet = {r[0] for r in expected(s)}
    found: dict[str, tuple[int, int]] = {}
    for o in s.organizations.list().rows:
        if o.consortium_id:
            members, silent = found.get(o.consortium_id, (0, 0))
            found[o.consortium_id] = (members + 1, silent + (o.id in quiet))
    return found


def contacted_by_consortium(s: Services) -> dict[str, int]:
    """Coverage's members contacted, for the consortia with members."""
    report = s.coverage.report(TODAY, 6, now=NOW)
    return {c.id: c.contacted for c in report.consortia if c.organizations}


class Coalition:
    """Members with every kind of contact, named for what they have."""

    def __init__(self, build: Build) -> None:
        b = self.b = build
        self.never = b.org("Never Met Co")
        self.old = b.org("Old Friends")
        self.busy = b.org("Busy Works")
        self.met_old = b.org("Met Long Ago")
        self.met_new = b.org("Met Lately", consortium="CSCA")
        self.open_p = b.org("Open Proposal Inc")
        self.closed_p = b.org("Closed Proposal Inc")
        self.partner = b.org("Partner Ltd")
        self.outsider = b.org("Not A Member", consortium=None)
        self.ada = b.contact("Ada", "Old", self.old, last_contacted_on=OLD)
        self.bea = b.contact("Bea", "Old", self.old, last_contacted_on=date(2024, 5, 1))
        self.cy = b.contact("Cy", "Busy", self.busy, last_contacted_on=RECENT)
        self.di = b.contact("Di", "Busy", self.busy, last_contacted_on=OLD)
        self.ed = b.contact("Ed", "Never", self.never)
        self.flo = b.contact("Flo", "Met", self.met_old, last_contacted_on=date(2024, 2, 2))
        self.gus = b.contact("Gus", "Met", self.met_new)
        self.hal = b.contact("Hal", "Open", self.open_p)
        self.ivy = b.contact("Ivy", "Closed", self.closed_p, last_contacted_on=OLD)
        self.jo = b.contact("Jo", "Partner", self.partner)
        self.kit = b.contact("Kit", "Outside", self.outsider)
        self.long_ago = b.meeting("Kick-off", starts_at=at(date(2025, 3, 3)),
                                  attendees=[self.flo, self.gus, self.jo])
        self.lately = b.meeting("Workshop", starts_at=at(date(2025, 12, 1)),
                                attendees=[self.gus, self.jo])
        self.ahead = b.meeting("Summit", starts_at=at(date(2026, 5, 5)), attendees=[self.flo])
        self.missed = b.meeting("Missed call", starts_at=at(date(2026, 2, 2)),
                                attendees=[self.ivy])
        for m, who in ((self.long_ago, {self.flo.id, self.gus.id, self.jo.id}),
                       (self.lately, {self.gus.id}), (self.ahead, {self.flo.id}),
                       (self.missed, set())):
            self.attendance(m.id, who)
        self.drafting = b.proposal("Open call", partners=[self.open_p, self.partner])
        self.declined = b.proposal("Old bid", status="declined", due_date=date(2025, 6, 1),
                                   partners=[self.closed_p])
        self.awarded = b.proposal("Won bid", status="awarded", due_date=date(2025, 4, 1),
                                  lead_organization_id=self.met_old.id)

    def attendance(self, meeting_id: str, attended: set[str]) -> None:
        s = self.b.s
        m = s.meetings.get(meeting_id)
        m.attendees = [AttendeeData(a.contact_id, attended=a.contact_id in attended)
                       for a in m.attendees]
        s.meetings.update(meeting_id, m)


@pytest.fixture
def co(build: Build) -> Coalition:
    return Coalition(build)


def test_the_sample_members_in_order(services: Services, co: Coalition) -> None:
    got = shown(services)
    assert got == expected(services)
    assert [r[0] for r in got] == [
        co.never.id,  # never contacted: first
        co.old.id,  # 2025-01-10
        co.met_old.id,  # contacted 2024-02-02, met 2025-03-03, awarded 2025-04-01
        co.closed_p.id,  # contacted 2025-01-10, declined proposal due 2025-06-01
    ]
    assert [r[1] for r in got] == [None, OLD, date(2025, 4, 1), date(2025, 6, 1)]
    assert [r[2] for r in got] == [1, 2, 1, 1]


STEPS: list[tuple[str, Callable[[Services, Coalition], None]]] = []


def step(name: str) -> Callable[[Callable[[Services, Coalition], None]],
                                Callable[[Services, Coalition], None]]:
    def add(fn: Callable[[Services, Coalition], None]) -> Callable[[Services, Coalition], None]:
        STEPS.append((name, fn))
        return fn
    return add


@step("mark contacted today, then its undo")
def _mark(s: Services, co: Coalition) -> None:
    previous = s.home.mark_contacted(co.old.id, TODAY)
    assert co.old.id not in [r[0] for r in shown(s)]
    assert shown(s) == expected(s)
    s.home.restore_contacted(previous)


@step("the busy member's recent contact to Trash, then restored")
def _trash_contact(s: Services, co: Coalition) -> None:
    s.contacts.delete(co.cy.id)
    assert co.busy.id in [r[0] for r in shown(s)]
    assert shown(s) == expected(s)
    s.contacts.restore(co.cy.id)


@step("an edit moves a last-contacted date back, then forward")
def _date_back(s: Services, co: Coalition) -> None:
    cy = s.contacts.get(co.cy.id)
    cy.last_contacted_on = date(2024, 12, 24)
    s.contacts.update(co.cy.id, cy)
    assert shown(s) == expected(s)
    cy.last_contacted_on = RECENT
    s.contacts.update(co.cy.id, cy)


@step("a contact who attended moves to another organization, and back")
def _move(s: Services, co: Coalition) -> None:
    gus = s.contacts.get(co.gus.id)
    gus.organization_id = co.never.id
    s.contacts.update(co.gus.id, gus)
    assert co.met_new.id in [r[0] for r in shown(s)]  # its only attendee left
    assert co.never.id not in [r[0] for r in shown(s)]
    assert shown(s) == expected(s)
    gus.organization_id = co.met_new.id
    s.contacts.update(co.gus.id, gus)


@step("the recent meeting to Trash, then restored")
def _trash_meeting(s: Services, co: Coalition) -> None:
    s.meetings.delete(co.lately.id)
    assert co.met_new.id in [r[0] for r in shown(s)]
    assert shown(s) == expected(s)
    s.meetings.restore(co.lately.id)


@step("the recent meeting moved before the cut-off, and back")
def _move_meeting(s: Services, co: Coalition) -> None:
    m = s.meetings.get(co.lately.id)
    m.starts_at = at(date(2025, 5, 5))
    s.meetings.update(co.lately.id, m)
    assert shown(s) == expected(s)
    m = s.meetings.get(co.lately.id)
    m.starts_at = at(date(2025, 12, 1))
    s.meetings.update(co.lately.id, m)


@step("attendance unticked, an attendee removed, then ticked again")
def _attendance(s: Services, co: Coalition) -> None:
    co.attendance(co.lately.id, set())
    assert shown(s) == expected(s)
    co.attendance(co.missed.id, {co.ivy.id})  # attended after all: Closed Proposal met
    assert co.closed_p.id not in [r[0] for r in shown(s)]
    assert shown(s) == expected(s)
    m = s.meetings.get(co.long_ago.id)
    m.attendees = [a for a in m.attendees if a.contact_id != co.flo.id]
    s.meetings.update(co.long_ago.id, m)
    assert shown(s) == expected(s)
    co.attendance(co.lately.id, {co.gus.id})
    co.attendance(co.missed.id, set())


@step("a new meeting Old Friends attended, then that attendance removed")
def _new_meeting(s: Services, co: Coalition) -> None:
    m = co.b.meeting("Catch-up", starts_at=at(RECENT), attendees=[])
    m.attendees = [AttendeeData(co.ada.id, attended=True)]
    s.meetings.update(m.id, m)  # attendance saved as attended from the start
    assert co.old.id not in [r[0] for r in shown(s)]
    assert shown(s) == expected(s)
    m.attendees = []
    s.meetings.update(m.id, m)


@step("an open proposal closed long ago and reopened")
def _status(s: Services, co: Coalition) -> None:
    p = s.proposals.get(co.drafting.id)
    p.due_date = date(2025, 2, 2)
    s.proposals.update(co.drafting.id, p)
    s.proposals.set_status(co.drafting.id, "withdrawn")
    assert co.open_p.id in [r[0] for r in shown(s)]
    assert shown(s) == expected(s)
    s.proposals.set_status(co.drafting.id, "drafting")


@step("a partner removed from the open proposal, and put back")
def _partner(s: Services, co: Coalition) -> None:
    p = s.proposals.get(co.drafting.id)
    p.partners = [pp for pp in p.partners if pp.organization_id != co.partner.id]
    s.proposals.update(co.drafting.id, p)
    assert shown(s) == expected(s)
    p.partners.append(PartnerData(co.partner.id))
    s.proposals.update(co.drafting.id, p)


@step("the lead organization changed, proposals to Trash and restored")
def _lead(s: Services, co: Coalition) -> None:
    p = s.proposals.get(co.awarded.id)
    p.lead_organization_id = co.old.id
    s.proposals.update(co.awarded.id, p)
    assert shown(s) == expected(s)
    s.proposals.delete(co.drafting.id)
    s.proposals.delete(co.awarded.id)
    assert shown(s) == expected(s)
    s.proposals.restore(co.drafting.id)
    s.proposals.restore(co.awarded.id)


@step("a member leaves its consortium, goes to Trash, comes back")
def _member(s: Services, co: Coalition) -> None:
    o = s.organizations.get(co.old.id)
    o.consortium_id = None
    s.organizations.update(co.old.id, o)
    assert shown(s) == expected(s)
    o.consortium_id = co.never.consortium_id
    s.organizations.update(co.old.id, o)
    s.organizations.delete(co.never.id)
    assert shown(s) == expected(s)
    s.organizations.restore(co.never.id)


@step("contacts merged (attendance moves), then the merge undone")
def _merge(s: Services, co: Coalition) -> None:
    report = s.duplicates.merge("contact", co.ed.id, co.gus.id)
    assert shown(s) == expected(s)
    s.duplicates.undo_merge(report.batch_id)


@step("organizations merged, then the merge undone")
def _merge_orgs(s: Services, co: Coalition) -> None:
    report = s.duplicates.merge("organization", co.old.id, co.met_new.id)
    assert shown(s) == expected(s)
    s.duplicates.undo_merge(report.batch_id)
    assert shown(s) == expected(s)
    # The partner's place in the open proposal moves to the survivor, which stops
    # being quiet.
    report = s.duplicates.merge("organization", co.closed_p.id, co.partner.id)
    assert co.closed_p.id not in [r[0] for r in shown(s)]
    assert shown(s) == expected(s)
    s.duplicates.undo_merge(report.batch_id)


@step("contacts imported into a member, then the import undone")
def _import(s: Services, co: Coalition) -> None:
    csv = (b"First Name,Last Name,Organization Name\n"
           b"Lee,Newcomer,Never Met Co\nMo,Newcomer,Never Met Co\n")
    report = s.imports.apply(parse_contacts(csv))
    assert [r[2] for r in shown(s) if r[0] == co.never.id] == [3]
    assert shown(s) == expected(s)
    s.imports.undo(report.batch_id)


@step("records purged from Trash")
def _purge(s: Services, co: Coalition) -> None:
    s.contacts.delete(co.cy.id)
    s.trash.purge("contact", co.cy.id)
    assert shown(s) == expected(s)
    s.meetings.delete(co.lately.id)
    s.trash.purge("meeting", co.lately.id)
    assert shown(s) == expected(s)
    s.proposals.delete(co.declined.id)
    s.trash.purge("proposal", co.declined.id)
    assert shown(s) == expected(s)
    s.proposals.delete(co.awarded.id)  # led by Old Friends since an earlier step
    s.trash.purge("proposal", co.awarded.id)
    assert shown(s) == expected(s)
    s.organizations.delete(co.met_old.id)
    s.trash.purge("organization", co.met_old.id)


def test_each_change_keeps_the_panel_exact(db: Database, services: Services,
                                           co: Coalition) -> None:
    for name, change in STEPS:
        change(services, co)
        assert shown(services) == expected(services), name
        assert stale_rows(db) == [], name
        assert contacted_by_consortium(services) == {
            cid: members - quiet for cid, (members, quiet) in
            members_and_quiet(services).items()}, name


def test_a_meeting_counts_once_it_has_started(services: Services, co: Coalition) -> None:
    """An attended meeting ahead of "now" is no contact yet, even though it is the
    organization's latest; the next day's report, after it, sees it."""
    assert co.met_old.id in [r[0] for r in shown(services)]
    later = date(2026, 5, 6)
    after = datetime.combine(later, time(12), UTC)
    assert co.met_old.id not in [r[0] for r in shown(services, later, after)]
    assert shown(services, later, after) == expected(services, later, after)
    # The day itself: before and after the meeting's start.
    day, start = date(2026, 5, 5), at(date(2026, 5, 5))
    for now in (start - timedelta(minutes=1), start + timedelta(minutes=1)):
        assert shown(services, day, now) == expected(services, day, now)


def test_other_windows_match(services: Services, co: Coalition) -> None:
    for months in (1, 3, 12, 24):
        assert shown(services, months=months) == expected(services, months=months)


def test_live_rows_deleted_for_good_by_plain_sql(db: Database, services: Services,
                                                co: Coalition) -> None:
    """A team-hub pull deletes live rows with plain SQL: the cascade removes their
    attendance and partners before the parent's own triggers run."""
    for table, row_id in (("contact", co.gus.id), ("meeting", co.long_ago.id),
                          ("proposal", co.drafting.id), ("proposal", co.awarded.id),
                          ("contact", co.cy.id)):
        with db.write() as session:
            session.connection().exec_driver_sql(f"DELETE FROM {table} WHERE id = ?",
                                                 (row_id,))
        assert shown(services) == expected(services), (table, row_id)
        assert stale_rows(db) == [], (table, row_id)


STAMP = "'2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000', NULL"
PULLED = {
    "attendee": "INSERT INTO attendee (id, created_at, updated_at, deleted_at, meeting_id,"
    f" contact_id, role, rsvp, attended) VALUES ('a1', {STAMP}, 'm1', 'c1', 'attendee',"
    " 'yes', 1)",
    "partner": "INSERT INTO proposal_partner (id, created_at, updated_at, deleted_at,"
    " proposal_id, organization_id, role, commitment_minor, position)"
    f" VALUES ('pp1', {STAMP}, 'p1', 'o2', 'partner', 0, 0)",
    "contact": "INSERT INTO contact (id, created_at, updated_at, deleted_at, prefix,"
    " given_name, middle_name, family_name, suffix, nickname, full_name, sort_key, title,"
    " organization_id, website, notes, private_notes, birthday, pronouns, do_not_contact)"
    f" VALUES ('c1', {STAMP}, '', 'Pia', '', 'Pull', '', '', 'Pia Pull', 'pull pia', '',"
    " 'o1', '', '', '', '', '', 0)",
    "meeting": "INSERT INTO meeting (id, created_at, updated_at, deleted_at, title, kind,"
    " starts_at, time_zone, duration_minutes, location, link, notes, private_notes)"
    f" VALUES ('m1', {STAMP}, 'Pulled', 'workshop', '2025-02-03 15:00:00.000000', 'UTC',"
    " 60, '', '', '', '')",
    "proposal": "INSERT INTO proposal (id, created_at, updated_at, deleted_at, title,"
    " summary, status, funder, funder_call, amount_minor, currency, due_date,"
    f" internal_notes) VALUES ('p1', {STAMP}, 'Pulled bid', '', 'declined', '', '', 0,"
    " 'USD', '2025-03-03', '')",
}


@pytest.mark.parametrize("order", [
    ("attendee", "partner", "contact", "meeting", "proposal", "organizations"),
    ("organizations", "attendee", "partner", "meeting", "proposal", "contact"),
    ("organizations", "contact", "attendee", "partner", "meeting", "proposal"),
])
def test_rows_pulled_children_first(db: Database, services: Services, build: Build,
                                    order: tuple[str, ...]) -> None:
    """A team-hub pull defers foreign keys and writes with plain SQL: attendance and
    partners may come before the contact, meeting, proposal and organization they point
    at."""
    consortium = build.org("Placeholder").consortium_id
    organizations = [
        "INSERT INTO organization (id, created_at, updated_at, deleted_at, name, name_key,"
        f" sector, consortium_id, city, state, website, notes) VALUES ('{oid}', {STAMP},"
        f" '{name}', '{fold(name)}', 'other', '{consortium}', '', '', '', '')"
        for oid, name in (("o1", "Pulled One"), ("o2", "Pulled Two"))]
    with db.write() as session:
        conn = session.connection()
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for kind in order:
            for sql in organizations if kind == "organizations" else [PULLED[kind]]:
                conn.exec_driver_sql(sql)
    got = {r[0]: r for r in shown(services)}
    assert got["o1"] == ("o1", date(2025, 2, 3), 1)
    assert got["o2"] == ("o2", date(2025, 3, 3), 0)
    assert shown(services) == expected(services)
    assert stale_rows(db) == []


def _triggers(db: Database) -> set[str]:
    with db.raw() as conn:
        return {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'touch_%'")}


def test_the_sample_coalition_computes_the_table_once(db: Database,
                                                      services: Services) -> None:
    """The sample coalition is written without the triggers, then the table computed
    whole: right, and the triggers back, after a first build and a replacing one; a
    cancelled build leaves the triggers as they were."""
    from coordinator.demo import DemoCancelled, build_demo

    wanted = {last_touch.TRIGGER_PREFIX + t for t in last_touch.TRIGGERS}
    for force in (False, True):
        build_demo(services, today=TODAY, force=force)
        assert stale_rows(db) == [] and _triggers(db) == wanted
        assert shown(services) == expected(services)
    calls = iter(range(100))
    with pytest.raises(DemoCancelled):
        build_demo(services, today=TODAY, force=True,
                   cancelled=lambda: next(calls) > 3)  # after the triggers went
    assert _triggers(db) == wanted and stale_rows(db) == []
