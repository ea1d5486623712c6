"""The proposals table: a Qt item model over plain `ProposalData` rows, plus the
formatting shared by the view, the board and the editor (money, due dates, coverage)
and `PlanningTableModel`, the base of the proposals and meetings tables.

Roles: Qt.UserRole -> sort value; ROW_ROLE -> the ProposalData; COVERAGE_ROLE -> the
set of consortium ids covered (painted compactly by `CoverageDelegate`);
DUE_STATE_ROLE -> "overdue" | "soon" | "".
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from coordinator.models.enums import PartnerRole, ProposalStatus
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
from ui.kit.planning_table import PlanningTableModel, coverage_text
from ui.kit.roles import COVERAGE_ROLE, DUE_STATE_ROLE, ROW_ROLE, SORT_ROLE

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






class ProposalTableModel(PlanningTableModel[ProposalData]):
    STATUS, TITLE, LEAD, PARTNERS, CONSORTIA, FUNDER, AMOUNT, DUE, OWNER = range(9)
    HEADERS = ("Status", "Title", "Lead organization", "Partners", "Consortia", "Funder",
               "Requested", "Due", "Owner")

    def row_of(self, proposal_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == proposal_id), -1)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        p, col = self.rows[index.row()], index.column()
        if role == ROW_ROLE:
            return p
        if role == COVERAGE_ROLE:
            return p.consortium_ids
        if role == DUE_STATE_ROLE:
            return due_state(p.due_date, p.status, self.today)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(p, col)
        if role == SORT_ROLE:
            return self._sort_value(p, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(p, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.AMOUNT, self.PARTNERS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if col == self.DUE and role in (Qt.ItemDataRole.ForegroundRole,
                                        Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole):
            return self._due_style(due_state(p.due_date, p.status, self.today), role)
        if col == self.STATUS and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(STATUS_COLORS.get(p.status, "#444")))
        return None

    def _display(self, p: ProposalData, col: int) -> str:
        if col == self.STATUS:
            return status_label(p.status)
        if col == self.TITLE:
            return p.title
        if col == self.LEAD:
            return p.lead_organization_name
        if col == self.PARTNERS:
            return str(len(p.partners)) if p.partners else ""
        if col == self.CONSORTIA:
            return coverage_text(p.consortium_ids)
        if col == self.FUNDER:
            return p.funder
        if col == self.AMOUNT:
            return format_money(p.amount_minor, p.currency) if p.amount_minor else ""
        if col == self.DUE:
            return due_text(p.due_date, self.today, p.status)
        if col == self.OWNER:
            return p.owner_name
        return ""

    def _sort_value(self, p: ProposalData, col: int) -> object:
        if col == self.STATUS:
            return [s.value for s in ProposalStatus].index(p.status) if p.status in \
                {s.value for s in ProposalStatus} else 99
        if col == self.PARTNERS:
            return len(p.partners)
        if col == self.CONSORTIA:
            return len(p.consortium_ids)
        if col == self.AMOUNT:
            return p.amount_minor
        if col == self.DUE:
            return p.due_date.isoformat() if p.due_date else "9999-12-31"
        return self._display(p, col).casefold()

    def _tooltip(self, p: ProposalData, col: int) -> str | None:
        if col == self.PARTNERS and p.partners:
            return "\n".join(f"{x.organization_name} — {role_label(x.role)}"
                             + (f" ({x.consortium_short_name})" if x.consortium_short_name else "")
                             for x in p.partners)
        if col == self.CONSORTIA:
            covered = [CONSORTIUM_NAMES[c] for c, _ in CONSORTIUM_ORDER if c in p.consortium_ids]
            partners = "\n".join(f"  {x.organization_name} ({x.consortium_short_name or '—'})"
                                 for x in p.partners)
            return (("Consortia covered by the partners:\n" + "\n".join(covered)) if covered
                    else "No partner organization belongs to a consortium yet.") + (
                f"\n\nPartners:\n{partners}" if partners else "")
        if col == self.TITLE:
            return "\n".join(x for x in (p.title, p.summary[:400]) if x)
        if col == self.FUNDER and (p.funder or p.funder_call):
            return "\n".join(x for x in (p.funder, p.funder_call) if x)
        if col == self.DUE and p.due_date:
            state = due_state(p.due_date, p.status, self.today)
            return {"overdue": "Past due and not submitted",
                    "soon": f"Due within {SOON_DAYS} days"}.get(state)
        return None

    @staticmethod
    def _due_style(state: str, role: int) -> object:
        if not state:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(OVERDUE_FG if state == "overdue" else SOON_FG)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(OVERDUE_BG if state == "overdue" else SOON_BG)
        font = QFont()
        font.setBold(True)
        return font










__all__ = [
    "ProposalTableModel",
    "due_state",
    "due_text",
    "role_label",
    "status_label",
]
