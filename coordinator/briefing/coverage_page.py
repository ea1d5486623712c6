"""The Coverage page of a briefing packet: the consortia table, the same charts as the
Coverage view drawn with reportlab's graphics (in the packet's embedded DejaVu fonts),
and the gaps.

    story += coverage_flowables(report, frame_width)
"""

from __future__ import annotations

import threading

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer

from coordinator.briefing import fonts
from coordinator.briefing.document import (
    CellParagraph,
    Heading,
    LongTable,
    cells,
    header_cells,
    styles,
    table_style,
    widths,
)
from coordinator.briefing.formatting import money
from coordinator.briefing.markup import text
from coordinator.models.enums import SECTOR_LABELS, ProposalStatus
from coordinator.services.coverage import (
    GAP_SECTORS,
    MEETING_DAYS,
    SECTORS,
    STATUSES,
    CoverageReport,
    cycle_label,
)

TITLE = "Coverage of the consortia"
GAPS_LISTED = 30  # organizations never in a proposal named in the packet
STATUS_COLOURS = {
    "idea": "#b3cde3", "drafting": "#6baed6", "internal_review": "#3182bd",
    "submitted": "#08519c", "awarded": "#31a354", "declined": "#de2d26",
    "withdrawn": "#969696",
}
SHORT_SECTORS = {"local_government": "Local gov.", "regional_agency": "Regional",
                 "university": "Univ.", "nonprofit": "Nonprofit"}
HEAT_LOW, HEAT_HIGH = colors.HexColor("#f3f8fb"), colors.HexColor("#1f6f8b")


def _amounts(amounts: dict[str, int]) -> str:
    return ", ".join(money(v, c) for c, v in sorted(amounts.items()) if v) or "—"


def _legend(drawing: Drawing, items: list[tuple[str, str]], y: float) -> float:
    """Coloured keys, on as many lines as the width needs; returns the lowest line's y."""
    x = 0.0
    for label, colour in items:
        needed = 16 + stringWidth(label, fonts.SANS, 7)
        if x and x + needed > drawing.width:
            x, y = 0.0, y - 10
        drawing.add(Rect(x, y, 7, 7, fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(String(x + 10, y + 0.5, label, fontName=fonts.SANS, fontSize=7))
        x += needed
    return y


class _Drawing(Drawing):
    """A drawing whose renderer starts in the packet's font, not Helvetica: reportlab
    sets its default font on the canvas before any shape, which would put a font that
    is not embedded into the PDF."""

    _lock = threading.Lock()

    def draw(self, showBoundary: object = None) -> None:
        with self._lock:  # the default is module state; PDFs build in worker threads
            saved = STATE_DEFAULTS["fontName"]
            STATE_DEFAULTS["fontName"] = fonts.SANS
            try:
                super().draw()
            finally:
                STATE_DEFAULTS["fontName"] = saved


def _bars(title: str, categories: list[str], series: list[tuple[str, str, list[float]]],
          width: float, height: float = 150, stacked: bool = False) -> Flowable:
    """A bar chart with a title and a legend, in the packet's fonts."""
    if not categories or not series:
        return Paragraph(text(f"{title}: nothing to show yet."), styles().small)
    drawing = _Drawing(width, height)
    drawing.add(String(0, height - 10, title, fontName=fonts.SANS_BOLD, fontSize=8.5,
                       fillColor=colors.HexColor("#1f3a5f")))
    legend_y = _legend(drawing, [(label, colour) for label, colour, _v in series],
                       height - 24)
    chart = VerticalBarChart()
    chart.x, chart.y = 26, 26
    chart.width, chart.height = width - 32, legend_y - 8 - 26
    chart.data = [values for _l, _c, values in series] or [[0] * len(categories)]
    chart.categoryAxis.categoryNames = categories
    chart.categoryAxis.labels.fontName = fonts.SANS
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 25
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.dy = -2
    chart.valueAxis.labels.fontName = fonts.SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.bars.strokeColor = None
    if stacked:
        chart.categoryAxis.style = "stacked"
    for i, (_label, colour, _values) in enumerate(series):
        chart.bars[i].fillColor = colors.HexColor(colour)
    drawing.add(chart)
    return drawing


def _heat_table(report: CoverageReport, width: float) -> LongTable:
    """Members by consortium and sector: the darker, the more; empty cells in red."""
    st = styles()
    peak = max((n for c in report.consortia for n in c.sectors.values()), default=0) or 1
    small_head = ParagraphStyle("heat_head", st.cell_head_right, fontSize=7, leading=9)
    head = [*header_cells(["Consortium"]),
            *(CellParagraph(text(SHORT_SECTORS.get(s) or SECTOR_LABELS[s]), small_head)  # type: ignore[index]
              for s in SECTORS)]
    rows, commands = [], []
    for i, c in enumerate(report.consortia, start=1):
        values = [c.sectors.get(s, 0) for s in SECTORS]
        rows.append(cells([text(c.short_name), *(str(v) if v else "–" for v in values)],
                          st.cell, right=range(1, len(SECTORS) + 1)))
        for j, value in enumerate(values, start=1):
            if value:
                t = value / peak
                commands.append(("BACKGROUND", (j, i), (j, i), colors.linearlyInterpolatedColor(
                    HEAT_LOW, HEAT_HIGH, 0, 1, t)))
                if t > 0.55:
                    commands.append(("TEXTCOLOR", (j, i), (j, i), colors.white))
            elif SECTORS[j - 1] in GAP_SECTORS:
                commands.append(("BOX", (j, i), (j, i), 0.6, colors.HexColor("#de2d26")))
    return LongTable(head, rows, widths(width, [0.16] + [0.105] * len(SECTORS)),
                     table_style(commands).getCommands())


def coverage_flowables(report: CoverageReport, width: float) -> list[Flowable]:
    """The page (it may run onto a second one when there are many gaps)."""
    st = styles()
    out: list[Flowable] = [Heading(TITLE, 0), Paragraph(text(
        f"As of {report.today:%B} {report.today.day}, {report.today.year}. A proposal counts "
        "for every consortium one of its organizations belongs to. 'Contacted' means a "
        f"meeting attended, a 'last contacted' date or a proposal in the last "
        f"{report.months} months."), st.small)]
    right = tuple(range(1, 8))
    rows = []
    for c in report.consortia:
        share = c.contacted_share
        rows.append(cells([
            text(c.short_name), f"{c.organizations:,}", f"{c.contacts:,}",
            f"{c.open_proposals:,}<br/><font size='7'>{text(_amounts(c.open_requested))}</font>",
            f"{c.awarded_proposals:,}<br/><font size='7'>"
            f"{text(_amounts(c.awarded_amount))}</font>",
            f"{c.meetings_attended:,}",
            "—" if share is None else f"{share:.0%}",
        ], st.cell, right=right))
    out.append(LongTable(header_cells(
        ["Consortium", "Members", "Contacts", "Open (requested)", "Awarded (amount)",
         f"Meetings ({MEETING_DAYS} d)", f"Contacted ({report.months} mo)"], right=right),
        rows, widths(width, [0.16, 0.11, 0.11, 0.18, 0.18, 0.13, 0.13])))
    out.append(Spacer(1, 8))
    names = [c.short_name for c in report.consortia]
    half = (width - 12) / 2
    proposals = _bars("Proposals per consortium", names, [
        ("Open", "#3182bd", [c.open_proposals for c in report.consortia]),
        ("Awarded", "#31a354", [c.awarded_proposals for c in report.consortia])], half)
    quarters = report.quarters
    used = [s for s in STATUSES if any(report.by_status[q].get(s) for q in quarters)]
    by_status = _bars("Proposals by status, by quarter due", quarters, [
        (ProposalStatus(s).label, STATUS_COLOURS[s],
         [report.by_status[q].get(s, 0) for q in quarters]) for s in used], half,
        stacked=True)
    pair = LongTable(None, [[proposals, by_status]], [half + 6, half + 6],
                     [("FONTNAME", (0, 0), (-1, -1), fonts.SANS),
                      ("LEFTPADDING", (0, 0), (-1, -1), 0),
                      ("VALIGN", (0, 0), (-1, -1), "TOP")])
    out += [pair, Spacer(1, 6), Paragraph(text("Member organizations by sector"), st.h3),
            _heat_table(report, width)]

    gaps = report.gaps
    out += [CondPageBreak(120), Heading("Gaps", 1)]
    out.append(Paragraph(text(
        f"Consortia without a proposal due in {cycle_label(report.today)}: "
        + (", ".join(gaps.without_proposal_this_cycle) or "none.")), st.body))
    missing = "; ".join(
        f"{short}: {', '.join(SECTOR_LABELS[s].lower() for s in sectors)}"  # type: ignore[index]
        for short, sectors in gaps.missing_sectors.items())
    out.append(Paragraph(text("Sectors with no member: " + (missing or "none.")), st.body))
    listed = gaps.never_in_proposal[:GAPS_LISTED]
    if gaps.never_in_proposal_total:
        names_text = "; ".join(f"{o.name} ({o.consortium})" if o.consortium else o.name
                               for o in listed)
        more = gaps.never_in_proposal_total - len(listed)
        out.append(Paragraph(text(
            f"Organizations never in a proposal ({gaps.never_in_proposal_total:,}): "
            + names_text + (f"; and {more:,} more." if more > 0 else ".")), st.body))
    else:
        out.append(Paragraph(text("Every organization is in a proposal."), st.body))
    return out


__all__ = ["TITLE", "coverage_flowables"]
