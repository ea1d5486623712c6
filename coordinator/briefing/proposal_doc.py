"""One proposal as a print-ready document: title page, summary, partners with their
roles and consortia, budget lines and every text section (Markdown), with the same
fonts, running header/footer and PDF outline as the briefing packet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO

from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Spacer

from coordinator.briefing import formatting as f
from coordinator.briefing.collect import STILL_DUE, ProposalDocData
from coordinator.briefing.document import (
    DocumentInfo,
    Heading,
    LongTable,
    PdfDocument,
    cells,
    empty_note,
    header_cells,
    key_value_table,
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

    def title_page(self) -> list[Flowable]:
        p, st = self.p, self.st
        due = text("Not set")
        if p.due_date:
            left = f.deadline(p.due_date, self.today, p.status_code in STILL_DUE)
            due = text(f"{f.long_day(p.due_date)} ({left})")
        pairs = [
            ("Status", bold(text(p.status))),
            ("Funder", text(p.funder) or text("Not set")),
            ("Call", text(p.funder_call) or text("Not set")),
            ("Amount requested", text(f.money(p.amount_minor, p.currency)) if p.amount_minor
             else text("Not set")),
            ("Due date", due),
            ("Lead organization", text(p.lead) or text("Not set")),
            ("Owner", text(p.owner) or text("Not set")),
            ("Consortia involved", "<br/>".join(text(c) for c in self.d.consortia)
             or text("None yet")),
            ("Partners", text(str(len(p.partners)))),
        ]
        if self.d.tags:
            pairs.append(("Tags", text(", ".join(self.d.tags))))
        pairs.append(("Prepared on", text(f"{f.long_day(self.prepared_on.date())}")))
        subtitle = " — ".join(x for x in (p.funder, p.funder_call) if x)
        title = Heading(p.title or "Untitled proposal", 0, st.title,
                        outline_title=f"Title page: {p.title or 'Untitled proposal'}")
        out: list[Flowable] = [
            Spacer(1, 36),
            Paragraph(text("Joint research proposal").upper(), st.kicker),
            title,
        ]
        if title.shortened:
            out.append(Paragraph(f"{bold('Full title:')} {capped_text(p.title)}", st.body))
        out += [
            Paragraph(text(subtitle), st.subtitle) if subtitle else Spacer(1, 12),
            key_value_table(pairs, self.w),
            PageBreak(),
        ]
        return out

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
        author=p.owner or p.lead,
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
