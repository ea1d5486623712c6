"""One proposal as a print-ready document: title page, summary, partners with their
roles and consortia, budget lines and every text section (Markdown), with the same
fonts, running header/footer and PDF outline as the briefing packet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO

from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Spacer

from coordinator.briefing import fonts
from coordinator.briefing import formatting as f
from coordinator.briefing.collect import STILL_DUE, ProposalDocData
from coordinator.briefing.document import (
    ACCENT,
    BAND_BG,
    TITLE_MAX_CHARS,
    CellParagraph,
    DocumentInfo,
    Heading,
    LongTable,
    PdfDocument,
    cells,
    empty_note,
    header_cells,
    key_value_table,
    shorten,
    styles,
    widths,
)
from coordinator.briefing.markdown_flowables import markdown_flowables
from coordinator.briefing.markup import bold, capped_text, text

# A proposal document prints its sections in full up to this many characters each
# (about 60 pages); layout stays linear, but a longer section is surely pasted by mistake.
SECTION_LIMIT = 200_000


def proposal_filename(data: ProposalDocData) -> str:
    """`Proposal Smart intersections for safer streets.pdf`."""
    return f.safe_filename(f"Proposal {data.proposal.title}") + ".pdf"


class _ProposalDoc:
    def __init__(self, data: ProposalDocData, width: float, today: date,
                 prepared_on: datetime) -> None:
        self.d = data
        self.p = data.proposal
        self.w = width
        self.today = today
        self.prepared_on = prepared_on
        self.st = styles()

    def story(self) -> list[Flowable]:
        out = self.title_page()
        for part in (self.summary(), self.partners(), self.budget()):
            out.append(CondPageBreak(120))
            out.extend(part)
        for section in self.d.sections:
            out.append(CondPageBreak(120))
            out.append(Heading(section.heading or "Untitled section", 0))
            out.extend(markdown_flowables(section.body, self.w, limit=SECTION_LIMIT)
                       or [empty_note("This section is empty.")])
        return out

    # The cover lists at most this many partners; the Partners section has them all.
    COVER_PARTNERS = 12

    def title_page(self) -> list[Flowable]:
        p, st = self.p, self.st
        title = Heading(p.title or "Untitled proposal", 0, st.title, max_chars=TITLE_MAX_CHARS,
                        outline_title=f"Title page: {p.title or 'Untitled proposal'}")
        subtitle = " — ".join(x for x in (p.funder, p.funder_call) if x)
        out: list[Flowable] = [
            Spacer(1, 24),
            Paragraph(text("Joint research proposal").upper(), st.kicker),
            title,
        ]
        if title.shortened:
            out.append(Paragraph(f"{bold('Full title:')} {capped_text(p.title)}", st.body))
        out.append(Paragraph(text(subtitle), st.subtitle) if subtitle else Spacer(1, 12))
        out.append(self._facts())
        out.append(Spacer(1, 14))
        if p.summary:
            out.append(Paragraph(text(shorten(p.summary, 700)), st.body))
            out.append(Spacer(1, 8))
        pairs = [
            ("Funder", text(p.funder) or text("Not set")),
            ("Call", text(p.funder_call) or text("Not set")),
            ("Lead organization", text(p.lead) or text("Not set")),
            ("Partner organizations", self._cover_partners()),
            ("Consortia involved", "<br/>".join(text(c) for c in self.d.consortia)
             or text("None yet")),
            ("Owner", text(p.owner) or text("Not set")),
        ]
        if self.d.tags:
            pairs.append(("Tags", text(", ".join(self.d.tags))))
        if self.d.prepared_by:
            pairs.append(("Coordinator", text(self.d.prepared_by)))
        pairs.append(("Prepared on", text(f"{f.long_day(self.prepared_on.date())}")))
        out += [key_value_table(pairs, self.w), PageBreak()]
        return out

    def _facts(self) -> Flowable:
        """Amount, due date and status side by side, large, under the title."""
        p, st = self.p, self.st
        amount = text(f.money(p.amount_minor, p.currency)) if p.amount_minor else "Not set"
        due: list[Flowable] | Paragraph = CellParagraph("Not set", st.h2)
        if p.due_date:
            left = f.deadline(p.due_date, self.today, p.status_code in STILL_DUE)
            due = [CellParagraph(bold(text(f.day(p.due_date))), st.h2),
                   CellParagraph(text(left), st.small)]
        labels = [CellParagraph(text(x).upper(), st.kicker)
                  for x in ("Amount requested", "Due date", "Status")]
        values = [CellParagraph(bold(amount), st.h2), due,
                  CellParagraph(bold(text(p.status) or "Not set"), st.h2)]
        return LongTable(None, [labels, values], widths(self.w, [0.3, 0.42, 0.28]), [
            ("FONTNAME", (0, 0), (-1, -1), fonts.SANS),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, -1), BAND_BG),
            ("LINEABOVE", (0, 0), (-1, 0), 1.5, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, 0), 8),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
        ])

    def _cover_partners(self) -> str:
        partners = self.p.partners
        if not partners:
            return text("None yet")
        shown = [text(pp.organization) + (f" <font color=\"#5f6b76\">({text(pp.consortium)}"
                                          f" · {text(pp.role)})</font>" if pp.consortium
                                          else f" <font color=\"#5f6b76\">({text(pp.role)})"
                                          "</font>")
                 for pp in partners[: self.COVER_PARTNERS]]
        more = len(partners) - self.COVER_PARTNERS
        if more > 0:
            shown.append(text(f"and {more} more (see Partners)"))
        return "<br/>".join(shown)

    def summary(self) -> list[Flowable]:
        return [Heading("Summary", 0),
                *(markdown_flowables(self.p.summary, self.w, limit=SECTION_LIMIT)
                  or [empty_note("No summary yet.")])]

    def partners(self) -> list[Flowable]:
        out: list[Flowable] = [Heading("Partners", 0)]
        if not self.p.partners:
            return [*out, empty_note("No partners yet.")]
        rows = [cells([text(pp.organization), text(pp.role), text(pp.consortium) or "—",
                       text(f.money(pp.commitment_minor, self.p.currency))
                       if pp.commitment_minor else "—"], self.st.cell, right=(3,))
                for pp in self.p.partners]
        out.append(LongTable(header_cells(["Organization", "Role", "Consortium", "Commitment"],
                                          right=(3,)),
                             rows, widths(self.w, [0.38, 0.16, 0.28, 0.18])))
        return out

    def budget(self) -> list[Flowable]:
        out: list[Flowable] = [Heading("Budget", 0)]
        if not self.d.budget:
            return [*out, empty_note("No budget lines yet.")]
        cur = self.p.currency
        rows = [cells([text(b.description), text(f.money(b.amount_minor, cur))], self.st.cell,
                      right=(1,)) for b in self.d.budget]
        total = sum(b.amount_minor for b in self.d.budget)
        rows.append(cells([bold("Total"), bold(text(f.money(total, cur)))], self.st.cell,
                          right=(1,)))
        out.append(LongTable(header_cells(["Budget line", "Amount"], right=(1,)), rows,
                             widths(self.w, [0.75, 0.25])))
        if self.p.amount_minor and total != self.p.amount_minor:
            out.append(Spacer(1, 4))
            out.append(Paragraph(text(
                f"The budget lines add up to {f.money(total, cur)}; the amount requested is "
                f"{f.money(self.p.amount_minor, cur)}."), self.st.small))
        return out


def proposal_info(data: ProposalDocData, paper: str) -> DocumentInfo:
    p = data.proposal
    return DocumentInfo(
        title=p.title or "Untitled proposal",
        subject=f"Joint research proposal for {p.funder}".strip() if p.funder
        else "Joint research proposal",
        author=data.prepared_by or p.owner or p.lead,
        header_right=f"Proposal · {p.status}",
        footer_left=" · ".join(x for x in (p.lead, p.funder) if x),
        paper=paper,
        keywords=", ".join(["proposal", *data.tags]),
    )


def build_proposal_pdf(data: ProposalDocData, target: str | Path | IO[bytes],
                       paper: str = "letter", *, today: date | None = None,
                       prepared_on: datetime | None = None,
                       progress: Callable[[int], None] | None = None) -> int:
    """Lay the proposal document out into `target`; returns the page count."""
    doc = PdfDocument(target, proposal_info(data, paper), progress=progress)
    prepared_on = prepared_on or datetime.now().astimezone()
    story = _ProposalDoc(data, doc.width, today or prepared_on.date(), prepared_on).story()
    doc.render(story)
    return doc.page
