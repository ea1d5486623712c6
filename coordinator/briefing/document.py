"""The shared page layout of every Coordinator PDF.

- `PdfDocument` (a Platypus `BaseDocTemplate`): paper size (Letter or A4), a cover
  page template without header and a body template with a header (the document's
  title) and a footer ("Page N of M" plus a note such as the audience); PDF metadata.
- "Page N of M" in one pass: each footer draws "Page N of " and then a PDF form
  XObject holding the total, which the canvas defines when the document is saved.
- `Heading`: a paragraph that also adds a PDF outline (bookmark) entry. The outline
  gets the *plain* text; the paragraph gets escaped markup.
- `LongTable`: a table of any length that lays out one page at a time (fast for
  thousands of rows) and repeats its header row on every page.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from coordinator.briefing import fonts
from coordinator.briefing.markup import plain, text

PAPERS: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}
MARGIN = 0.75 * inch
ACCENT = colors.HexColor("#1f4e79")
MUTED = colors.HexColor("#5f6b76")
RULE = colors.HexColor("#b8c4cf")
HEADER_BG = colors.HexColor("#e4ebf2")
BAND_BG = colors.HexColor("#f5f7f9")
ALERT = colors.HexColor("#b00020")
_TOTAL_FORM = "coordinatorPageTotal"


def paper_size(paper: str) -> tuple[float, float]:
    try:
        return PAPERS[paper.lower()]
    except KeyError:
        raise ValueError(f"Unknown paper size {paper!r}; use letter or a4.") from None


class Styles:
    """Paragraph styles of the house look (DejaVu Sans, navy headings)."""

    def __init__(self) -> None:
        fonts.register_fonts()
        base = ParagraphStyle(
            "body", fontName=fonts.SANS, fontSize=9.5, leading=13, spaceAfter=4,
            splitLongWords=1, allowWidows=0, allowOrphans=0,
        )
        self.body = base
        self.small = ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor=MUTED)
        self.cell = ParagraphStyle("cell", base, fontSize=8.5, leading=10.5, spaceAfter=0)
        self.cell_right = ParagraphStyle("cell_right", self.cell, alignment=TA_RIGHT)
        self.cell_head = ParagraphStyle(
            "cell_head", self.cell, fontName=fonts.SANS_BOLD, textColor=ACCENT
        )
        self.cell_head_right = ParagraphStyle("cell_head_right", self.cell_head, alignment=TA_RIGHT)
        self.label = ParagraphStyle(
            "label", self.cell, fontName=fonts.SANS_BOLD, textColor=MUTED
        )
        self.h1 = ParagraphStyle(
            "h1", base, fontName=fonts.SANS_BOLD, fontSize=15, leading=19, textColor=ACCENT,
            spaceBefore=6, spaceAfter=8, keepWithNext=1,
        )
        self.h2 = ParagraphStyle(
            "h2", base, fontName=fonts.SANS_BOLD, fontSize=11.5, leading=15, textColor=ACCENT,
            spaceBefore=10, spaceAfter=4, keepWithNext=1,
        )
        self.h3 = ParagraphStyle(
            "h3", base, fontName=fonts.SANS_BOLD, fontSize=10, leading=13,
            spaceBefore=6, spaceAfter=3, keepWithNext=1,
        )
        self.title = ParagraphStyle(
            "title", base, fontName=fonts.SANS_BOLD, fontSize=24, leading=30, textColor=ACCENT,
            spaceAfter=6, alignment=TA_LEFT,
        )
        self.subtitle = ParagraphStyle(
            "subtitle", base, fontSize=13, leading=17, textColor=MUTED, spaceAfter=18
        )
        self.kicker = ParagraphStyle(
            "kicker", base, fontName=fonts.SANS_BOLD, fontSize=9, leading=12, textColor=MUTED,
            spaceAfter=6,
        )
        self.quote = ParagraphStyle("quote", base, fontName=fonts.SANS_ITALIC, textColor=MUTED)
        self.code = ParagraphStyle(
            "code", base, fontName=fonts.MONO, fontSize=8, leading=10, spaceBefore=2,
            spaceAfter=6, backColor=BAND_BG, borderPadding=3, leftIndent=3, rightIndent=3,
        )
        self.empty = ParagraphStyle("empty", base, fontName=fonts.SANS_ITALIC, textColor=MUTED)
        self.alert = ParagraphStyle(
            "alert", self.cell, fontName=fonts.SANS_BOLD, textColor=ALERT
        )


_styles: Styles | None = None


def styles() -> Styles:
    global _styles
    if _styles is None:
        _styles = Styles()
    return _styles


class Heading(Paragraph):
    """A section heading that is also a PDF outline entry (bookmark)."""

    _keys = itertools.count(1)

    def __init__(self, title: str, level: int = 0, style: ParagraphStyle | None = None,
                 outline: bool = True, outline_title: str | None = None,
                 keep_with_next: bool = True) -> None:
        st = styles()
        style = style or (st.h1 if level == 0 else st.h2 if level == 1 else st.h3)
        super().__init__(text(title) or "&nbsp;", style)
        if not keep_with_next:  # e.g. before a long table, which places itself
            self.keepWithNext = 0
        self.outline_title = plain(outline_title or title)[:200] or "(untitled)"
        self.outline_level = level
        self.outline = outline
        self.outline_key = f"h{next(self._keys)}"


@dataclass
class DocumentInfo:
    """Metadata and running header/footer text (all plain user text; cleaned here)."""

    title: str
    subject: str
    author: str
    header_right: str = ""
    footer_left: str = ""
    paper: str = "letter"
    keywords: str = ""


class _Canvas(Canvas):
    """Defines the page-total form just before saving, when the total is known."""

    def save(self) -> None:
        total = self.getPageNumber() - 1 if self._code == [] else self.getPageNumber()
        self.beginForm(_TOTAL_FORM, 0, 0, 60, 20)
        self.setFont(fonts.SANS, 7.5)
        self.setFillColor(MUTED)
        self.drawString(0, 0, str(max(total, 1)))
        self.endForm()
        super().save()


def _fit(s: str, font: str, size: float, width: float) -> str:
    """Shorten a plain string with an ellipsis so that it fits `width`."""
    if stringWidth(s, font, size) <= width:
        return s
    while s and stringWidth(s + "…", font, size) > width:
        s = s[: max(len(s) - max(len(s) // 8, 1), 0)]
    return s.rstrip() + "…"


class PdfDocument(BaseDocTemplate):
    """Letter/A4 page template with header, footer, outline and metadata."""

    def __init__(self, target: str | Path | IO[bytes], info: DocumentInfo,
                 progress: Callable[[int], None] | None = None) -> None:
        fonts.register_fonts()
        self.info = info
        self.progress = progress
        size = paper_size(info.paper)
        super().__init__(
            str(target) if isinstance(target, Path) else target,
            pagesize=size,
            leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 12, bottomMargin=MARGIN,
            title=plain(info.title), author=plain(info.author), subject=plain(info.subject),
            creator="Coordinator", keywords=plain(info.keywords), lang="en",
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover = Frame(self.leftMargin, self.bottomMargin, self.width, self.height + 12,
                      id="cover", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate("cover", [cover], onPage=self._draw_footer, autoNextPageTemplate="body"),
            PageTemplate("body", [frame], onPage=self._draw_page),
        ])
        self._last_level = -1

    # running header and footer -------------------------------------------------
    def _draw_page(self, canvas: Canvas, doc: Any) -> None:
        self._draw_header(canvas)
        self._draw_footer(canvas, doc)

    def _draw_header(self, canvas: Canvas) -> None:
        w, h = self.pagesize
        y = h - MARGIN + 4
        canvas.saveState()
        right = _fit(plain(self.info.header_right), fonts.SANS, 7.5, w / 3)
        right_w = stringWidth(right, fonts.SANS, 7.5)
        title = _fit(plain(self.info.title), fonts.SANS_BOLD, 8,
                     w - 2 * MARGIN - right_w - 18)
        canvas.setFont(fonts.SANS_BOLD, 8)
        canvas.setFillColor(ACCENT)
        canvas.drawString(MARGIN, y, title)
        canvas.setFont(fonts.SANS, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(w - MARGIN, y, right)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, y - 5, w - MARGIN, y - 5)
        canvas.restoreState()

    def _draw_footer(self, canvas: Canvas, doc: Any) -> None:
        w, _h = self.pagesize
        y = MARGIN - 22
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, y + 11, w - MARGIN, y + 11)
        canvas.setFont(fonts.SANS, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, y, _fit(plain(self.info.footer_left), fonts.SANS, 7.5,
                                          w - 2 * MARGIN - 90))
        label = f"Page {canvas.getPageNumber()} of "
        digits = stringWidth("00", fonts.SANS, 7.5)
        x = w - MARGIN - digits - stringWidth(label, fonts.SANS, 7.5)
        canvas.drawString(x, y, label)
        canvas.translate(x + stringWidth(label, fonts.SANS, 7.5), y)
        canvas.doForm(_TOTAL_FORM)
        canvas.restoreState()

    # outline ---------------------------------------------------------------------
    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading) and flowable.outline:
            # PDF outlines cannot skip a level: clamp to one below the previous entry.
            level = min(flowable.outline_level, self._last_level + 1)
            self._last_level = level
            self.canv.bookmarkPage(flowable.outline_key, fit="XYZ",
                                   top=self.frame._y + flowable.height + 12 if self.frame
                                   else None)
            self.canv.addOutlineEntry(flowable.outline_title, flowable.outline_key,
                                      level=level, closed=level > 0)

    def afterPage(self) -> None:
        if self.progress is not None:
            self.progress(self.page)

    def render(self, story: list[Flowable], cover: bool = True) -> None:
        """Build the document; with `cover` the first page has no running header."""
        self._last_level = -1
        self._firstPageTemplateIndex = 0 if cover else 1
        self.build([NextPageTemplate("body"), *story], canvasmaker=_Canvas)


# tables ------------------------------------------------------------------------------

def table_style(extra: Sequence[tuple] = ()) -> TableStyle:
    return TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, ACCENT),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, BAND_BG]),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
        *extra,
    ])


class LongTable(Flowable):
    """A table with a header row that may run over many pages.

    Only the rows that can fit on the current page (plus a margin) are laid out at a
    time, so splitting costs O(rows) instead of re-laying the whole remainder out on
    every page; the header row is repeated at the top of every page.
    """

    CHUNK = 60

    def __init__(self, header: list[Any], rows: list[list[Any]], col_widths: list[float],
                 extra_style: Sequence[tuple] = ()) -> None:
        super().__init__()
        self.header = header
        self.rows = rows
        self.col_widths = col_widths
        self.extra_style = tuple(extra_style)
        self._table: Table | None = None

    def _make(self, rows: list[list[Any]]) -> Table:
        return Table([self.header, *rows], colWidths=self.col_widths, repeatRows=1,
                     style=table_style(self.extra_style), hAlign="LEFT", splitByRow=1)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if len(self.rows) <= self.CHUNK:
            self._table = self._make(self.rows)
            self.width, self.height = self._table.wrap(avail_width, avail_height)
        else:
            self._table = None
            # More than a page (rows are at least ~16 pt high): the frame will split it.
            self.width = sum(self.col_widths)
            self.height = max(avail_height + 1, 16.0 * len(self.rows))
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        n = min(self.CHUNK, len(self.rows))
        while True:
            table = self._make(self.rows[:n])
            _w, h = table.wrap(avail_width, avail_height)
            if h <= avail_height and n < len(self.rows):
                n = min(n * 2, len(self.rows))
                continue
            break
        if h <= avail_height:
            return [table]
        parts = table.split(avail_width, avail_height)
        if not parts:
            return []
        first = parts[0]
        used = len(first._cellvalues) - 1
        if used <= 0:
            return []
        rest = self.rows[used:]
        if not rest:
            return [first]
        return [first, LongTable(self.header, rest, self.col_widths, self.extra_style)]

    def draw(self) -> None:  # only reached when the whole table fits
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


def widths(total: float, fractions: Sequence[float]) -> list[float]:
    """Column widths from fractions of the frame width (normalised to sum 1)."""
    s = sum(fractions)
    return [total * f / s for f in fractions]


def cells(row: Sequence[str], style: ParagraphStyle,
          right: Sequence[int] = ()) -> list[Paragraph]:
    """A table row of markup strings as paragraphs."""
    st = styles()
    out = []
    for i, markup in enumerate(row):
        s = st.cell_right if i in right and style is st.cell else style
        out.append(Paragraph(markup, s))
    return out


def header_cells(labels: Sequence[str], right: Sequence[int] = ()) -> list[Paragraph]:
    st = styles()
    return [Paragraph(text(label), st.cell_head_right if i in right else st.cell_head)
            for i, label in enumerate(labels)]


def key_value_table(pairs: Sequence[tuple[str, str]], width: float,
                    label_fraction: float = 0.24) -> Table:
    """Label / value rows (values are markup) without a header row."""
    st = styles()
    data = [[Paragraph(text(k), st.label), Paragraph(v, st.cell)] for k, v in pairs]
    t = Table(data, colWidths=[width * label_fraction, width * (1 - label_fraction)],
              hAlign="LEFT")
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ]))
    return t


def table_group(title: str, table: Flowable, first: bool, level: int = 1) -> list[Flowable]:
    """A sub-heading and its table: the heading moves to the next page only when fewer
    than about three rows would fit under it (not the whole table, as keepWithNext does)."""
    out: list[Flowable] = [] if first else [CondPageBreak(110)]
    return [*out, Heading(title, level, keep_with_next=False), table]


def empty_note(message: str) -> Paragraph:
    return Paragraph(text(message), styles().empty)


def build_pdf(target: str | Path | IO[bytes], info: DocumentInfo,
              story_factory: Callable[[float], list[Flowable]]) -> PdfDocument:
    """Create the document, ask `story_factory(frame_width)` for the story, build it."""
    doc = PdfDocument(target, info)
    doc.render(story_factory(doc.width))
    return doc
