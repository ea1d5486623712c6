"""Coverage of the consortia: for each consortium, its member organizations by sector,
contacts, open and awarded proposals with their amounts, meetings attended lately and
the share of members contacted lately; proposals by status over time; and the gaps.

A proposal belongs to every consortium one of its organizations (lead or partner) is a
member of, so a proposal with partners in two consortia counts in both. "Contacted"
follows the Home page's rule: the members not going quiet
(`coordinator.services.home.QUIET_SQL`).

The funding cycle is the US federal fiscal year (October 1 to September 30), the one
most of the coalition's funders run on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from coordinator.db import Database
from coordinator.models import sql_time
from coordinator.models.enums import CLOSED_STATUSES, SECTOR_LABELS, ProposalStatus
from coordinator.reference import CONSORTIA
from coordinator.services.home import QUIET_MONTHS, QUIET_SQL, moment_of, months_before

MEETING_DAYS = 90
GAPS_SHOWN = 50  # organizations never in a proposal listed (the total is said)
SECTORS = tuple(str(s) for s in SECTOR_LABELS)
# "Other" is what an organization is when none fits: never a gap to fill.
GAP_SECTORS = tuple(s for s in SECTORS if s != "other")
STATUSES = tuple(s.value for s in ProposalStatus)
_CLOSED = ", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES))
_REFERENCE_ORDER = {c.id: i for i, c in enumerate(CONSORTIA)}

# Each live proposal once per consortium one of its organizations belongs to.
_PROPOSAL_CONSORTIA = """
SELECT DISTINCT o.consortium_id AS cid, q.pid FROM (
  SELECT id AS pid, lead_organization_id AS org FROM proposal
   WHERE lead_organization_id IS NOT NULL
  UNION ALL SELECT proposal_id, organization_id FROM proposal_partner) q
JOIN organization o ON o.id = q.org
WHERE o.consortium_id IS NOT NULL AND o.deleted_at IS NULL
"""


def funding_cycle(day: date) -> tuple[date, date]:
    """The federal fiscal year holding `day`: October 1 to September 30."""
    start = date(day.year if day.month >= 10 else day.year - 1, 10, 1)
    return start, date(start.year + 1, 9, 30)


def cycle_label(day: date) -> str:
    start, end = funding_cycle(day)
    return f"FY{end.year} ({start:%b %-d, %Y} – {end:%b %-d, %Y})"


def quarter(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class ConsortiumCoverage:
    id: str
    short_name: str
    name: str
    sectors: dict[str, int]  # member organizations by sector
    contacts: int
    open_proposals: int
    open_requested: dict[str, int]  # currency -> amount requested (minor units)
    awarded_proposals: int
    awarded_amount: dict[str, int]  # currency -> amount (minor units)
    meetings_attended: int  # meetings a member's contact attended, last MEETING_DAYS days
    contacted: int  # member organizations contacted in the last `months` months

    @property
    def organizations(self) -> int:
        return sum(self.sectors.values())

    @property
    def contacted_share(self) -> float | None:
        """Contacted members / members; None without members."""
        return self.contacted / self.organizations if self.organizations else None


@dataclass(frozen=True)
class NamedOrganization:
    id: str
    name: str
    consortium: str


@dataclass(frozen=True)
class CoverageGaps:
    never_in_proposal: list[NamedOrganization]  # the first GAPS_SHOWN, by name
    never_in_proposal_total: int
    without_proposal_this_cycle: list[str]  # consortium short names
    missing_sectors: dict[str, list[str]]  # consortium short name -> sectors (values)


@dataclass(frozen=True)
class CoverageReport:
    today: date
    months: int
    cycle: tuple[date, date]
    consortia: list[ConsortiumCoverage]
    by_status: dict[str, dict[str, int]]  # quarter ("2026 Q1") -> status -> proposals due
    gaps: CoverageGaps = field(default_factory=lambda: CoverageGaps([], 0, [], {}))

    @property
    def quarters(self) -> list[str]:
        return sorted(self.by_status)


class CoverageService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def report(self, today: date, months: int = QUIET_MONTHS,
               now: datetime | None = None) -> CoverageReport:
        now = now or moment_of(today)
        since = months_before(today, months)
        start, end = funding_cycle(today)
        with self.db.raw() as conn:
            consortia = conn.execute("SELECT id, short_name, name FROM consortium"
                                     " WHERE deleted_at IS NULL").fetchall()
            sectors: dict[str, dict[str, int]] = defaultdict(dict)
            for cid, sector, n in conn.execute(
                    "SELECT consortium_id, sector, count(*) FROM organization"
                    " WHERE deleted_at IS NULL AND consortium_id IS NOT NULL GROUP BY 1, 2"):
                sectors[cid][sector] = n
            contacts = dict(conn.execute(
                "SELECT consortium_id, count(*) FROM contact WHERE deleted_at IS NULL"
                " AND consortium_id IS NOT NULL GROUP BY consortium_id").fetchall())
            proposals = conn.execute(
                f"SELECT x.cid, p.status = 'awarded', p.currency, count(*),"
                f" sum(p.amount_minor) FROM ({_PROPOSAL_CONSORTIA}) x"
                f" JOIN proposal p ON p.id = x.pid WHERE p.deleted_at IS NULL AND"
                f" (p.status = 'awarded' OR p.status NOT IN ({_CLOSED}))"
                " GROUP BY 1, 2, 3").fetchall()
            meetings = dict(conn.execute(
                "SELECT c.consortium_id, count(DISTINCT a.meeting_id) FROM attendee a"
                " JOIN meeting m ON m.id = a.meeting_id JOIN contact c ON c.id = a.contact_id"
                " WHERE a.attended = 1 AND m.deleted_at IS NULL AND c.deleted_at IS NULL"
                " AND m.starts_at >= :from AND m.starts_at <= :now"
                " AND c.consortium_id IS NOT NULL GROUP BY c.consortium_id",
                {"from": sql_time(now - timedelta(days=MEETING_DAYS)),
                 "now": sql_time(now)}).fetchall())
            # Members contacted: all but the quiet ones, a range of the last-contact
            # table (every member's latest contact took 450 ms at 100,000 contacts).
            stamp = sql_time(now)
            quiet = dict(conn.execute(
                f"SELECT consortium_id, count(*) FROM ({QUIET_SQL}) GROUP BY consortium_id",
                {"since": since.isoformat(), "now": stamp, "now_day": stamp[:10]}
            ).fetchall())
            by_status: dict[str, dict[str, int]] = defaultdict(dict)
            for year, q, status, n in conn.execute(
                    "SELECT substr(due_date, 1, 4), (CAST(substr(due_date, 6, 2) AS INTEGER)"
                    " + 2) / 3, status, count(*) FROM proposal WHERE deleted_at IS NULL"
                    " AND due_date IS NOT NULL GROUP BY 1, 2, 3"):
                by_status[f"{year} Q{q}"][status] = n
            never = conn.execute(
                "SELECT o.id, o.name, coalesce(cs.short_name, ''), count(*) OVER ()"
                " FROM organization o LEFT JOIN consortium cs ON cs.id = o.consortium_id"
                " WHERE o.deleted_at IS NULL AND o.id NOT IN ("
                "  SELECT pp.organization_id FROM proposal_partner pp JOIN proposal p"
                "  ON p.id = pp.proposal_id WHERE p.deleted_at IS NULL"
                "  UNION SELECT lead_organization_id FROM proposal WHERE deleted_at IS NULL"
                "  AND lead_organization_id IS NOT NULL)"
                " ORDER BY o.name_key LIMIT :limit", {"limit": GAPS_SHOWN}).fetchall()
            this_cycle = {r[0] for r in conn.execute(
                f"SELECT DISTINCT x.cid FROM ({_PROPOSAL_CONSORTIA}) x JOIN proposal p"
                " ON p.id = x.pid WHERE p.deleted_at IS NULL"
                " AND p.due_date BETWEEN :start AND :end",
                {"start": start.isoformat(), "end": end.isoformat()})}

        money: dict[tuple[str, bool], dict[str, list[int]]] = defaultdict(dict)
        for cid, awarded, currency, n, amount in proposals:
            money[(cid, bool(awarded))][currency] = [int(n), int(amount or 0)]
        rows = []
        for cid, short, name in sorted(consortia, key=lambda r: (
                _REFERENCE_ORDER.get(r[0], len(_REFERENCE_ORDER)), r[2].casefold())):
            open_, won = money.get((cid, False), {}), money.get((cid, True), {})
            rows.append(ConsortiumCoverage(
                id=cid, short_name=short, name=name, sectors=dict(sectors.get(cid, {})),
                contacts=int(contacts.get(cid, 0)),
                open_proposals=sum(v[0] for v in open_.values()),
                open_requested={c: v[1] for c, v in open_.items()},
                awarded_proposals=sum(v[0] for v in won.values()),
                awarded_amount={c: v[1] for c, v in won.items()},
                meetings_attended=int(meetings.get(cid, 0)),
                contacted=sum(sectors.get(cid, {}).values()) - int(quiet.get(cid, 0))))
        gaps = CoverageGaps(
            never_in_proposal=[NamedOrganization(r[0], r[1], r[2]) for r in never],
            never_in_proposal_total=int(never[0][3]) if never else 0,
            without_proposal_this_cycle=[r.short_name for r in rows if r.id not in this_cycle],
            missing_sectors={r.short_name: [s for s in GAP_SECTORS if not r.sectors.get(s)]
                             for r in rows if any(not r.sectors.get(s) for s in GAP_SECTORS)})
        return CoverageReport(today=today, months=months, cycle=(start, end), consortia=rows,
                              by_status=dict(by_status), gaps=gaps)


def money_text(amounts: dict[str, int]) -> str:
    """"USD 1,250,000.00; EUR 30,000.00" — plain text for CSV cells."""
    return "; ".join(f"{currency} {minor / 100:,.2f}"
                     for currency, minor in sorted(amounts.items()) if minor)


CSV_HEADER = (
    ["Consortium", "Name", "Organizations"]
    + [f"Organizations: {SECTOR_LABELS[s]}" for s in SECTOR_LABELS]  # type: ignore[index]
    + ["Contacts", "Open proposals", "Amount requested (open)", "Awarded proposals",
       "Amount awarded", f"Meetings attended (last {MEETING_DAYS} days)",
       "Members contacted", "Share of members contacted"]
)


def coverage_csv(report: CoverageReport) -> bytes:
    """One row per consortium, in the app's CSV form (UTF-8 with BOM, CRLF, no formulas)."""
    from coordinator.formats.csv_export import write_csv

    rows = []
    for c in report.consortia:
        share = c.contacted_share
        rows.append([
            c.short_name, c.name, c.organizations, *(c.sectors.get(s, 0) for s in SECTORS),
            c.contacts, c.open_proposals, money_text(c.open_requested), c.awarded_proposals,
            money_text(c.awarded_amount), c.meetings_attended, c.contacted,
            "" if share is None else f"{share:.0%}"])
    header = [*CSV_HEADER]
    header[-2] = f"Members contacted (last {report.months} months)"
    return write_csv(header, rows)


__all__ = [
    "CSV_HEADER",
    "MEETING_DAYS",
    "ConsortiumCoverage",
    "CoverageGaps",
    "CoverageReport",
    "CoverageService",
    "NamedOrganization",
    "coverage_csv",
    "cycle_label",
    "funding_cycle",
    "money_text",
    "quarter",
]
