"""The shared page layout of every Coordinator PDF.

- `PdfDocument` (a Platypus `BaseDocTemplate`): paper size (Letter or A4), a cover
  page template without header and a body template with a header (the document's
  title) and a footer ("Page N of M" plus a note such as the audience); PDF metadata.
- "Page N of M" in one pass: each footer draws "Page N of " and then a PDF form
  XObject holding the total, which the canvas defines when the document is saved.
- `Heading`: a paragraph that also adds a PDF outline (bookmark) entry. The outline
  gets the *plain* text; the paragraph gets escaped markup.
- `LongTable`: a table of any length that measures each row once and then cuts
  page-sized plain tables (fast for thousands of rows), repeating its header row and
  naming its group ("… (continued)") on every later page.
- `CellParagraph`: a table-cell paragraph that breaks its lines once per width and
  skips the markup parser when its text has no tag or entity.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

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
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
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
        self.quote = ParagraphStyle(
            "quote", base, fontName=fonts.SANS_ITALIC, textColor=MUTED, backColor=BAND_BG,
            borderPadding=(2, 4, 3, 6), spaceBefore=2, spaceAfter=6,
        )
        self.code = ParagraphStyle(
            "code", base, fontName=fonts.MONO, fontSize=8, leading=10, spaceBefore=2,
            spaceAfter=6, backColor=BAND_BG, borderPadding=3, leftIndent=3, rightIndent=3,
        )
        self.empty = ParagraphStyle("empty", base, fontName=fonts.SANS_ITALIC, textColor=MUTED)
        self.caption = ParagraphStyle(
            "caption", base, fontName=fonts.SANS_BOLD, fontSize=8.5, leading=11,
            textColor=ACCENT, spaceAfter=3,
        )
        self.alert = ParagraphStyle(
            "alert", self.cell, fontName=fonts.SANS_BOLD, textColor=ALERT
        )
        self.alert_plain = ParagraphStyle("alert_plain", self.cell, textColor=ALERT)
        self.cell_bold = ParagraphStyle("cell_bold", self.cell, fontName=fonts.SANS_BOLD)
        self.cell_note = ParagraphStyle(
            "cell_note", self.cell, fontSize=7.5, leading=9.5, textColor=MUTED
        )


_styles: Styles | None = None


def styles() -> Styles:
    global _styles
    if _styles is None:
        _styles = Styles()
    return _styles


HEADING_MAX_CHARS = 300  # a heading longer than this is shown shortened ("…")
TITLE_MAX_CHARS = 140  # the same for a cover's big title


def shorten(value: str, limit: int) -> str:
    """Plain text cut at a word boundary to at most `limit` characters, with "…"."""
    value = plain(value)
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


class Heading(Paragraph):
    """A section heading that is also a PDF outline entry (bookmark).

    A heading shows at most `HEADING_MAX_CHARS` characters of its title (the rest is
    elided; callers that must print a long title in full add it as body text), and the
    outline entry at most 200. Should a heading still not fit its frame it splits like
    any paragraph: the first part carries the bookmark, the rest are plain paragraphs.
    """

    _keys = itertools.count(1)

    def __init__(self, title: str, level: int = 0, style: ParagraphStyle | None = None,
                 outline: bool = True, outline_title: str | None = None,
                 keep_with_next: bool = True, max_chars: int = HEADING_MAX_CHARS) -> None:
        st = styles()
        style = style or (st.h1 if level == 0 else st.h2 if level == 1 else st.h3)
        self.full_title = plain(title)
        self.shortened = len(self.full_title) > max_chars
        super().__init__(text(shorten(title, max_chars)) or "&nbsp;", style)
        if not keep_with_next:  # e.g. before a long table, which places itself
            self.keepWithNext = 0
        self.outline_title = shorten(outline_title or title, 200) or "(untitled)"
        self.outline_level = level
        self.outline = outline
        self.outline_key = f"h{next(self._keys)}"

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        # Paragraph.split rebuilds its parts through self.__class__ with arguments of
        # Paragraph's own signature: split a plain Paragraph twin instead.
        twin = Paragraph.__new__(Paragraph)
        twin.__dict__.update(self.__dict__)
        parts = twin.split(avail_width, avail_height)
        if parts and parts[0] is not twin:
            first = parts[0]
            first.outline = self.outline  # type: ignore[attr-defined]
            first.outline_title = self.outline_title  # type: ignore[attr-defined]
            first.outline_level = self.outline_level  # type: ignore[attr-defined]
            first.outline_key = self.outline_key  # type: ignore[attr-defined]
        elif parts:
            return [self]
        return parts


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
    """Defines the page-total form just before saving, when the total is known.

    Starts in the embedded family: reportlab's default initial font (Helvetica) would
    otherwise be referenced, unembedded, by every page, which print shops and archival
    (PDF/A) checks reject."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fonts.register_fonts()
        kwargs["initialFontName"] = kwargs.get("initialFontName") or fonts.SANS
        super().__init__(*args, **kwargs)

    def save(self) -> None:
        # After the last showPage the counter is one past the last page; a page still
        # being drawn (code not yet shown) is shown by Canvas.save itself.
        total = self.getPageNumber() - 1 if not self._code else self.getPageNumber()
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


class KeepHeadings(KeepTogether):
    """What reportlab groups for `keepWithNext`: headings and the flowable after them.

    When the group fits where it stands, or only on a fresh page, it behaves like
    `KeepTogether`. When it is taller than a page (a heading over a long table or text)
    it is split in place only if the flowable after the headings can put a first part
    (some table rows, a few lines) under them on this page; otherwise the headings move
    to the next page with it. Either way no heading ends a page.
    """

    def split(self, aW: float, aH: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        content = self._content
        if aH >= self._H or len(content) < 2:
            return super().split(aW, aH)
        heads, last = content[:-1], content[-1]
        frame = getattr(self, "_frame", None)
        page_height = frame._height if frame is not None else aH
        # A long table repeats its header on the next page, and a group taller than a
        # page must be split somewhere: those start under their headings right here.
        in_place = (isinstance(last, LongTable) or page_height < self._H) and all(
            isinstance(f, Paragraph | Spacer) for f in heads)
        if in_place and not isinstance(last, KeepTogether):
            room = aH - sum(f.wrap(aW, aH)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                            for f in heads) - last.getSpaceBefore() - 2
            parts = last.split(aW, room) if room > 0 else []
            if parts and parts[0] is not last and 0 < parts[0].wrap(aW, room)[1] <= room:
                return [*heads, *parts]
        if frame is not None and not getattr(frame, "_atTop", False):
            from reportlab.platypus.doctemplate import FrameBreak
            return [FrameBreak(), *content]
        return super().split(aW, aH)


class PdfDocument(BaseDocTemplate):
    """Letter/A4 page template with header, footer, outline and metadata."""

    def handle_keepWithNext(self, flowables: list[Flowable]) -> None:
        # reportlab leaves a heading alone when the next flowable is itself a
        # KeepTogether (a proposal's or organization's block): it cannot nest them,
        # and the heading could end a page. Keep the heading with the block's content.
        i = 0
        while (i < len(flowables) and flowables[i].getKeepWithNext()
               and not isinstance(flowables[i], KeepTogether)):
            i += 1
        if i and i < len(flowables) and type(flowables[i]) in (KeepTogether, KeepHeadings):
            heads = flowables[:i]
            for f in heads:
                f.__dict__["keepWithNext"] = 0
            merged = KeepHeadings([*heads, *flowables[i]._content])
            del flowables[: i + 1]
            flowables.insert(0, merged)
            return
        super().handle_keepWithNext(flowables)

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
            title=shorten(info.title, 500), author=shorten(info.author, 200),
            subject=shorten(info.subject, 500), creator="Coordinator",
            keywords=shorten(info.keywords, 500), lang="en",
        )
        self.keepTogetherClass = KeepHeadings  # BaseDocTemplate sets its own per instance
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
        if getattr(flowable, "outline", False) and hasattr(flowable, "outline_key"):
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
        # A cell's own font even where it holds paragraphs: reportlab sets it on the
        # canvas for every cell, and its default (Helvetica) would not be embedded.
        ("FONTNAME", (0, 0), (-1, -1), fonts.SANS),
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
    """A table (with an optional header row) that may run over many pages.

    Every row is measured once (cell paragraphs cache their line breaks); a page's part
    is then a plain `Table` built with those row heights, so splitting costs O(rows)
    instead of re-laying the whole remainder out on every page (reportlab's own split).
    The header row heads every page, and with `continued` (the group's title) each later
    page starts with "<title> (continued)". A row taller than `MAX_ROW_HEIGHT` (which
    could never fit a page) has its longest cells shortened instead of failing the build.
    """

    MAX_ROW_HEIGHT = 480.0

    def __init__(self, header: list[Any] | None, rows: list[list[Any]],
                 col_widths: list[float], style: Sequence[tuple] | None = None,
                 continued: str | None = None, _caption: str | None = None,
                 _heights: tuple[float, list[float]] | None = None) -> None:
        super().__init__()
        self.header = header
        self.rows = rows
        self.col_widths = col_widths
        self.style_cmds = list(style) if style is not None else list(table_style().getCommands())
        self.continued = continued
        self._caption = Paragraph(text(_caption), styles().caption) if _caption else None
        self._heights = _heights

    def _table(self, rows: list[list[Any]], heights: list[float] | None) -> Table:
        data = [self.header, *rows] if self.header is not None else list(rows)
        return Table(data, colWidths=self.col_widths, rowHeights=heights,
                     repeatRows=1 if self.header is not None else 0,
                     style=TableStyle(self.style_cmds), hAlign="LEFT")

    def _measure(self, avail_width: float, avail_height: float) -> tuple[float, list[float]]:
        if self._heights is None:
            t = self._table(self.rows, None)
            t.wrap(avail_width, avail_height)
            hs = list(t._rowHeights)
            head = hs.pop(0) if self.header is not None else 0.0
            for i, h in enumerate(hs):
                if h > self.MAX_ROW_HEIGHT:
                    self.rows[i] = [_shorten(c, h) for c in self.rows[i]]
                    one = Table([self.rows[i]], colWidths=self.col_widths,
                                style=TableStyle(self.style_cmds))
                    one.wrap(avail_width, avail_height)
                    hs[i] = one._rowHeights[0]
            self._heights = (head, hs)
        return self._heights

    def _caption_height(self) -> float:
        if self._caption is None:
            return 0.0
        _w, h = self._caption.wrap(sum(self.col_widths), 1e6)
        return h + self._caption.getSpaceAfter()

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        head, hs = self._measure(avail_width, avail_height)
        self.width = sum(self.col_widths)
        self.height = self._caption_height() + head + sum(hs)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        head, hs = self._measure(avail_width, avail_height)
        used, k = self._caption_height() + head, 0
        while k < len(hs) and used + hs[k] <= avail_height + 1e-6:
            used += hs[k]
            k += 1
        if k == 0:
            return []
        heights = ([head] if self.header is not None else []) + hs[:k]
        out: list[Flowable] = [self._caption] if self._caption is not None else []
        out.append(self._table(self.rows[:k], heights))
        if k < len(self.rows):
            out.append(LongTable(
                self.header, self.rows[k:], self.col_widths, self.style_cmds,
                continued=self.continued,
                _caption=f"{self.continued} (continued)" if self.continued else None,
                _heights=(head, hs[k:])))
        return out

    def draw(self) -> None:
        head, hs = self._measure(self.width, self.height)
        t = self._table(self.rows, ([head] if self.header is not None else []) + hs)
        t.wrapOn(self.canv, self.width, self.height)
        t.drawOn(self.canv, 0, 0)
        if self._caption is not None:
            _w, h = self._caption.wrapOn(self.canv, self.width, self.height)
            self._caption.drawOn(self.canv, 0, self.height - h)


def _shorten(cell: Any, row_height: float) -> Any:
    """A cell's paragraphs cut down (plain text) so that the row fits on a page."""
    items = cell if isinstance(cell, list) else [cell]
    out = []
    for item in items:
        if isinstance(item, Paragraph):
            plain_text = item.getPlainText()
            keep = max(int(len(plain_text) * LongTable.MAX_ROW_HEIGHT / row_height * 0.8), 40)
            if keep < len(plain_text):
                item = CellParagraph(text(plain_text[:keep]) + " … [shortened]", item.style)
        out.append(item)
    return out if isinstance(cell, list) else out[0]


class CellParagraph(Paragraph):
    """A paragraph in a table cell: remembers its line breaks for a given width.

    Table layout wraps every cell several times (measuring, splitting at a page end,
    drawing), always at the column's width; breaking the lines once instead of on every
    call is most of the speed of a long table.
    """

    _cache_key: tuple[float, float] | None = None
    _cache_value: tuple[float, float] = (0.0, 0.0)
    _templates: ClassVar[dict[int, tuple[ParagraphStyle, Any]]] = {}

    def __init__(self, markup: str | None, style: ParagraphStyle, **kwargs: Any) -> None:
        if kwargs or markup is None:  # Paragraph.split building a part
            super().__init__(markup or "", style, **kwargs)
            return
        if "<" in markup or "&" in markup or not markup.strip():
            super().__init__(markup, style)
            return
        # No tag and no entity: the parser would yield this very text as one fragment,
        # so skip parsing (most cells are like this).
        known = self._templates.get(id(style))
        if known is None or known[0] is not style:
            known = (style, Paragraph("x", style).frags[0])
            self._templates[id(style)] = known
        super().__init__(markup, style, frags=[known[1].clone(text=markup.strip())])

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        key = (avail_width, self.style.leading)
        if self._cache_key != key:
            self._cache_value = super().wrap(avail_width, avail_height)
            self._cache_key = key
        self.width, self.height = self._cache_value
        return self._cache_value


def widths(total: float, fractions: Sequence[float]) -> list[float]:
    """Column widths from fractions of the frame width (normalised to sum 1)."""
    s = sum(fractions)
    return [total * f / s for f in fractions]


def cells(row: Sequence[str | list[Flowable]], style: ParagraphStyle,
          right: Sequence[int] = ()) -> list[Any]:
    """A table row: markup strings become paragraphs; lists (from `stack`) stay."""
    st = styles()
    out: list[Any] = []
    for i, markup in enumerate(row):
        if isinstance(markup, list):
            out.append(markup)
            continue
        s = st.cell_right if i in right and style is st.cell else style
        out.append(CellParagraph(markup, s))
    return out


def stack(*parts: tuple[str, ParagraphStyle]) -> list[Flowable]:
    """Several one-style paragraphs in one cell (cheaper to lay out than one paragraph
    mixing fonts and `<br/>`); empty parts are left out."""
    return [CellParagraph(markup, style) for markup, style in parts if markup]


def header_cells(labels: Sequence[str], right: Sequence[int] = ()) -> list[Paragraph]:
    st = styles()
    return [CellParagraph(text(label), st.cell_head_right if i in right else st.cell_head)
            for i, label in enumerate(labels)]


KV_STYLE = (
    ("FONTNAME", (0, 0), (-1, -1), fonts.SANS),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
)


def key_value_table(pairs: Sequence[tuple[str, str]], width: float,
                    label_fraction: float = 0.24) -> LongTable:
    """Label / value rows (values are markup) without a header row."""
    st = styles()
    data = [[CellParagraph(text(k), st.label), CellParagraph(v, st.cell)] for k, v in pairs]
    return LongTable(None, data, [width * label_fraction, width * (1 - label_fraction)],
                     KV_STYLE)


def table_group(title: str, table: Flowable, first: bool, level: int = 1) -> list[Flowable]:
    """A sub-heading and its table: the heading moves to the next page only when no row
    fits under it (see `KeepHeadings`), or fewer than about three when it is not first."""
    out: list[Flowable] = [] if first else [CondPageBreak(110)]
    if isinstance(table, LongTable):
        table.continued = title
    return [*out, Heading(title, level), table]


def empty_note(message: str) -> Paragraph:
    return Paragraph(text(message), styles().empty)


def build_pdf(target: str | Path | IO[bytes], info: DocumentInfo,
              story_factory: Callable[[float], list[Flowable]]) -> PdfDocument:
    """Create the document, ask `story_factory(frame_width)` for the story, build it."""
    doc = PdfDocument(target, info)
    doc.render(story_factory(doc.width))
    return doc
