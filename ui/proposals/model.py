"""The proposals table (the kit's lazy model over `services.proposals`, its columns
declared in `COLUMNS`), plus the formatting shared by the view, the board and the editor
(status labels, due dates).

Roles: ROW_ROLE -> the ProposalData; COVERAGE_ROLE -> the set of consortium ids covered
(painted compactly by `CoverageDelegate`); DUE_STATE_ROLE -> "overdue" | "soon" | "".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from coordinator.models.enums import PartnerRole, ProposalStatus
from coordinator.services import ProposalFilter, Services
from coordinator.services.records import ProposalData
from ui.kit.formatting import (
    CONSORTIUM_NAMES,
    CONSORTIUM_ORDER,
    OVERDUE_BG,
    OVERDUE_FG,
    SOON_BG,
    SOON_DAYS,
    SOON_FG,
    enum_label,
    format_money,
)
from ui.kit.lazy_table import RIGHT, Clock, Column, TableSpec
from ui.kit.planning_table import PlanningTableModel, coverage_text
from ui.kit.roles import COVERAGE_ROLE, DUE_STATE_ROLE
from ui.tasks import TaskRunner

STATUS_COLORS = {
    "idea": "#6d7b88", "drafting": "#1f6f8b", "internal_review": "#7a5cb8",
    "submitted": "#b26a00", "awarded": "#2e7d32", "declined": "#9e3b3b", "withdrawn": "#7d7d7d",
}


def status_label(status: str) -> str:
    return enum_label(ProposalStatus, status)


def role_label(role: str) -> str:
    return enum_label(PartnerRole, role)


def due_state(due: date | None, status: str, today: date | None = None) -> str:
    """"overdue" or "soon" (within 14 days) for proposals not yet submitted or closed."""
    if due is None or status in ("submitted", "awarded", "declined", "withdrawn"):
        return ""
    today = today or date.today()
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=SOON_DAYS):
        return "soon"
    return ""


def due_text(due: date | None, today: date | None = None, status: str = "idea") -> str:
    """"Mar 28, 2027 (in 5 d)"; relative days only while the proposal is being worked on."""
    if due is None:
        return ""
    today = today or date.today()
    days = (due - today).days
    when = f"{due:%b} {due.day}, {due.year}"
    if status in ("submitted", "awarded", "declined", "withdrawn"):
        return when
    if days == 0:
        return f"{when} (today)"
    if 0 < days <= SOON_DAYS:
        return f"{when} (in {days} d)"
    if -60 < days < 0:
        return f"{when} ({-days} d ago)"
    return when


def _tooltip_partners(p: ProposalData, _c: Clock) -> str | None:
    return "\n".join(f"{x.organization_name} — {role_label(x.role)}"
                     + (f" ({x.consortium_short_name})" if x.consortium_short_name else "")
                     for x in p.partners) or None


def _tooltip_consortia(p: ProposalData, _c: Clock) -> str:
    covered = [CONSORTIUM_NAMES[c] for c, _ in CONSORTIUM_ORDER if c in p.consortium_ids]
    partners = "\n".join(f"  {x.organization_name} ({x.consortium_short_name or '—'})"
                         for x in p.partners)
    return (("Consortia covered by the partners:\n" + "\n".join(covered)) if covered
            else "No partner organization belongs to a consortium yet.") + (
        f"\n\nPartners:\n{partners}" if partners else "")


def _tooltip_due(p: ProposalData, c: Clock) -> str | None:
    return {"overdue": "Past due and not submitted",
            "soon": f"Due within {SOON_DAYS} days"}.get(due_state(p.due_date, p.status, c.today))


def _due_style(role: int) -> Callable[[ProposalData, Clock], object]:
    def style(p: ProposalData, c: Clock) -> object:
        state = due_state(p.due_date, p.status, c.today)
        if not state:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(OVERDUE_FG if state == "overdue" else SOON_FG)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(OVERDUE_BG if state == "overdue" else SOON_BG)
        font = QFont()
        font.setBold(True)
        return font

    return style


_DUE_ROLES = (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
              Qt.ItemDataRole.FontRole)

COLUMNS: list[Column[ProposalData]] = [
    Column("Status", lambda p, _c: status_label(p.status), "stage", roles={
        Qt.ItemDataRole.ForegroundRole: lambda p, _c: QBrush(QColor(
            STATUS_COLORS.get(p.status, "#444")))}),
    Column("Title", lambda p, _c: p.title, "title",
           tooltip=lambda p, _c: "\n".join(x for x in (p.title, p.summary[:400]) if x)),
    Column("Lead organization", lambda p, _c: p.lead_organization_name, "lead"),
    Column("Partners", lambda p, _c: str(len(p.partners)) if p.partners else "", "partners",
           align=RIGHT, tooltip=_tooltip_partners),
    Column("Consortia", lambda p, _c: coverage_text(p.consortium_ids), "consortia",
           tooltip=_tooltip_consortia),
    Column("Funder", lambda p, _c: p.funder, "funder",
           tooltip=lambda p, _c: "\n".join(x for x in (p.funder, p.funder_call) if x) or None),
    Column("Requested", lambda p, _c: format_money(p.amount_minor, p.currency)
           if p.amount_minor else "", "amount", align=RIGHT),
    Column("Due", lambda p, c: due_text(p.due_date, c.today, p.status), "due",
           tooltip=_tooltip_due, roles={role: _due_style(role) for role in _DUE_ROLES}),
    Column("Owner", lambda p, _c: p.owner_name, "owner"),
]


def proposal_spec(services: Services) -> TableSpec[ProposalData]:
    proposals = services.proposals
    return TableSpec(
        columns=COLUMNS,
        list_ids=lambda f, sort, desc: proposals.ids(f, sort=sort, descending=desc),
        fetch=proposals.rows, entities=("proposal",), related=("organization", "contact"),
        default_sort=7,  # due first
        row_roles={COVERAGE_ROLE: lambda p, _c: p.consortium_ids,
                   DUE_STATE_ROLE: lambda p, c: due_state(p.due_date, p.status, c.today)})


class ProposalTableModel(PlanningTableModel[ProposalData]):
    STATUS, TITLE, LEAD, PARTNERS, CONSORTIA, FUNDER, AMOUNT, DUE, OWNER = range(9)

    def __init__(self, services: Services, tasks: TaskRunner | None = None,
                 parent: object = None) -> None:
        super().__init__(proposal_spec(services), tasks, parent, filter=ProposalFilter())


__all__ = [
    "ProposalTableModel",
    "due_state",
    "due_text",
    "role_label",
    "status_label",
]
