"""Markdown (meeting notes, proposal sections) into Platypus flowables.

The text is parsed with markdown-it-py (CommonMark, `html` off, plus tables and
strikethrough) and the syntax tree is walked into paragraphs, lists, quotes, code
blocks and tables. We never feed HTML to reportlab: every text node is escaped, raw
HTML prints as the literal text, images print as their alt text (no file or URL is
ever opened) and only http(s)/mailto links become clickable.
"""

from __future__ import annotations

import re

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    Indenter,
    ListFlowable,
    ListItem,
    Paragraph,
    Preformatted,
    Spacer,
)
from reportlab.platypus.flowables import HRFlowable

from coordinator.briefing import fonts
from coordinator.briefing.document import RULE, CellParagraph, LongTable, styles
from coordinator.briefing.markup import (
    LONG_FIELD,
    TRUNCATED_NOTE,
    anchor,
    cap,
    clean,
    fragment,
    lines,
    text,
)

try:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode
except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
    raise ImportError("markdown-it-py is required for the briefing PDF") from exc

_MAX_INDENT_DEPTH = 6
# Narrower columns than this wrap every word: wider tables are folded (see _table).
MIN_COLUMN_WIDTH = 52.0
PARAGRAPH_CHUNK = 3_000  # characters of one printed paragraph (see inline_chunks)
CODE_CHUNK_LINES = 60
_INDENT = 14.0
_QUOTE_INDENT = 20.0
_md: MarkdownIt | None = None
# Quote/list markers at the start of a line: more than _MAX_MARKERS nest no further.
_MAX_MARKERS = 16
_MARKER_RE = r"[ \t]{0,3}(?:>|[-+*]|\d{1,9}[.)])[ \t]*"
_MARKER = re.compile(_MARKER_RE)
_DEEP_MARKERS = re.compile(f"^(?:{_MARKER_RE}){{{_MAX_MARKERS + 1},}}", re.MULTILINE)


def _parser() -> MarkdownIt:
    global _md
    if _md is None:
        _md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                        "maxNesting": 100})
        _md.enable(["table", "strikethrough"])
    return _md


class _Styles:
    """Heading styles for headings inside Markdown (below the document's own)."""

    def __init__(self) -> None:
        st = styles()
        self.h = {
            1: ParagraphStyle("md_h1", st.h2, fontSize=11.5, leading=15),
            2: ParagraphStyle("md_h2", st.h3, fontSize=10.5, leading=14),
            3: ParagraphStyle("md_h3", st.h3, fontSize=9.5, leading=13),
        }


_md_styles: _Styles | None = None


def _heading_style(level: int) -> ParagraphStyle:
    global _md_styles
    if _md_styles is None:
        _md_styles = _Styles()
    return _md_styles.h[min(max(level, 1), 3)]


def inline_markup(node: SyntaxTreeNode) -> str:
    """Paragraph markup for an `inline` node's children (all text escaped)."""
    return "".join(_inline_child(child) for child in node.children)


def _inline_child(child: SyntaxTreeNode) -> str:
    t = child.type
    if t == "text":
        return fragment(child.content)
    if t == "softbreak":
        return " "
    if t == "hardbreak":
        return "<br/>"
    if t == "strong":
        return f"<b>{inline_markup(child)}</b>"
    if t == "em":
        return f"<i>{inline_markup(child)}</i>"
    if t == "s":
        return f"<strike>{inline_markup(child)}</strike>"
    if t == "code_inline":
        code = fragment(child.content)
        return f'<font face="{fonts.MONO}" color="#7a2e0e">{code}</font>'
    if t == "link":
        return anchor(child.attrs.get("href", ""), inline_markup(child), bare_domains=False)
    if t == "image":
        alt = "".join(c.content for c in child.children if c.type == "text")
        return f"<i>[image: {text(alt or 'no description')}]</i>"
    # html_inline (not produced with html off) or anything new: literal text
    return fragment(child.content)


def split_text(value: str, size: int = PARAGRAPH_CHUNK) -> list[str]:
    """Plain text in pieces of at most about `size` characters, each ending after a
    sentence or at least a word where possible (joined again they give `value`)."""
    out: list[str] = []
    rest = value
    while len(rest) > size:
        cut = size
        for sep in (". ", " "):
            at = rest.rfind(sep, size // 2, size)
            if at > 0:
                cut = at + len(sep)
                break
        out.append(rest[:cut])
        rest = rest[cut:]
    if rest or not out:
        out.append(rest)
    return out


def inline_chunks(node: SyntaxTreeNode, size: int = PARAGRAPH_CHUNK) -> list[str]:
    """An `inline` node's markup in well-formed pieces of about `size` characters.

    reportlab breaks a paragraph's lines anew each time it splits it at a page end, so
    one huge paragraph costs time quadratic in its length; several paragraphs of
    bounded size keep a long text linear. Pieces end only between top-level children
    or inside a plain text child (never inside a tag)."""
    chunks: list[str] = []
    current: list[str] = []
    length = 0
    for child in node.children:
        if child.type == "text" and len(child.content) > size:
            pieces = [fragment(p) for p in split_text(child.content, size)]
        else:
            pieces = [_inline_child(child)]
        for piece in pieces:
            current.append(piece)
            length += len(piece)
            if length >= size:
                chunks.append("".join(current))
                current, length = [], 0
    if current or not chunks:
        chunks.append("".join(current))
    return chunks


class _Converter:
    def __init__(self, width: float, base: ParagraphStyle) -> None:
        self.width = width
        self.base = base
        self.st = styles()

    def blocks(self, nodes: list[SyntaxTreeNode], depth: int = 0,
               style: ParagraphStyle | None = None) -> list[Flowable]:
        out: list[Flowable] = []
        for node in nodes:
            out.extend(self.block(node, depth, style or self.base))
        return out

    def block(self, node: SyntaxTreeNode, depth: int, style: ParagraphStyle) -> list[Flowable]:
        t = node.type
        if t == "paragraph":
            return self._paragraphs(node, style)
        if t == "heading":
            level = int(node.tag[1:]) if node.tag[1:].isdigit() else 3
            chunks = [c for inl in node.children if inl.type == "inline"
                      for c in inline_chunks(inl)]
            return chunked_paragraphs(chunks or [""], _heading_style(level))
        if t in ("bullet_list", "ordered_list"):
            return [self._list(node, depth, style)]
        if t == "blockquote":
            indent = _QUOTE_INDENT if depth < _MAX_INDENT_DEPTH else 0.0
            inner = self.blocks(node.children, depth + 1, self.st.quote)
            return [Spacer(1, 2), Indenter(left=indent), *inner, Indenter(left=-indent)]
        if t in ("fence", "code_block"):
            return self._code(node.content, depth)
        if t == "hr":
            return [HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=4,
                               spaceAfter=6)]
        if t == "table":
            return self._table(node, depth)
        if t == "html_block":  # not produced with html off; print literally if it is
            return [Paragraph(text(node.content), style)]
        if node.children:
            return self.blocks(node.children, depth, style)
        return []

    def _inline(self, node: SyntaxTreeNode) -> str:
        inl = [c for c in node.children if c.type == "inline"]
        return "".join(inline_markup(c) for c in inl)

    def _paragraphs(self, node: SyntaxTreeNode, style: ParagraphStyle) -> list[Flowable]:
        chunks = [c for inl in node.children if inl.type == "inline"
                  for c in inline_chunks(inl)]
        return chunked_paragraphs(chunks or [""], style)

    def _list(self, node: SyntaxTreeNode, depth: int, style: ParagraphStyle) -> Flowable:
        ordered = node.type == "ordered_list"
        items = []
        for item in node.children:
            content = self.blocks(item.children, depth + 1, style) or [Spacer(1, 0)]
            items.append(ListItem(content))
        kwargs: dict = {
            "bulletFontName": fonts.SANS, "bulletFontSize": style.fontSize,
            "leftIndent": _INDENT if depth < _MAX_INDENT_DEPTH else 0.0,
            "spaceBefore": 0, "spaceAfter": 2,
        }
        if ordered:
            start = node.attrs.get("start", 1)
            try:
                kwargs["start"] = int(start)
            except (TypeError, ValueError):
                kwargs["start"] = 1
            return ListFlowable(items, bulletType="1", bulletFormat="%s.", **kwargs)
        return ListFlowable(items, bulletType="bullet", start="•", **kwargs)

    def _code(self, content: str, depth: int) -> list[Flowable]:
        st = self.st.code
        avail = self.width - depth * _INDENT - 12
        char_w = stringWidth("M", st.fontName, st.fontSize)
        max_len = max(int(avail / char_w), 10)
        body = (clean(content).rstrip("\n") or " ").split("\n")
        # Blocks of bounded length: splitting one long block at every page end would
        # re-read all of its remaining lines each time.
        return [Preformatted("\n".join(body[i:i + CODE_CHUNK_LINES]) or " ", st,
                             maxLineLength=max_len, newLineChars="")
                for i in range(0, len(body), CODE_CHUNK_LINES)]

    def _table(self, node: SyntaxTreeNode, depth: int) -> list[Flowable]:
        rows: list[list[Flowable]] = []
        for section in node.children:  # thead, tbody
            for tr in section.children:
                head = section.type == "thead"
                row = []
                for cell in tr.children:
                    markup = "".join(inline_markup(c) for c in cell.children)
                    row.append(CellParagraph(markup, self.st.cell_head if head else self.st.cell))
                rows.append(row)
        if not rows:
            return [Spacer(1, 0)]
        ncols = max(len(r) for r in rows)
        for r in rows:
            r.extend(CellParagraph("", self.st.cell) for _ in range(ncols - len(r)))
        avail = self.width - min(depth, _MAX_INDENT_DEPTH) * _INDENT
        fit = max(int(avail // MIN_COLUMN_WIDTH), 2)
        if ncols <= fit:
            return [self._long_table(rows, [avail / ncols] * ncols)]
        # Too wide for the page: fold the columns into several tables, each repeating
        # the first column so that every row can still be told apart.
        out: list[Flowable] = []
        per = fit - 1
        key_width = avail / fit
        for start in range(1, ncols, per):
            stop = min(start + per, ncols)
            label = f"Columns {start + 1}–{stop} of {ncols}" if stop - start > 1 \
                else f"Column {start + 1} of {ncols}"
            part = [[r[0] if start == 1 else _copy_cell(r[0]), *r[start:stop]] for r in rows]
            width = (avail - key_width) / (stop - start)
            out.append(Paragraph(text(label), self.st.caption))
            table = self._long_table(part, [key_width] + [width] * (stop - start))
            table.continued = label
            out.append(table)
        return out

    @staticmethod
    def _long_table(rows: list[list[Flowable]], col_widths: list[float]) -> LongTable:
        t = LongTable(rows[0], rows[1:], col_widths)
        t.spaceAfter = 6
        return t


def _copy_cell(cell: Flowable) -> Flowable:
    """A cell paragraph again (a flowable is drawn in one place only)."""
    if isinstance(cell, Paragraph):
        return CellParagraph(cell.text, cell.style)
    return cell


def chunked_paragraphs(chunks: list[str], style: ParagraphStyle) -> list[Flowable]:
    """Consecutive paragraphs that read as one: no space between the pieces."""
    if len(chunks) == 1:
        return [Paragraph(chunks[0], style)]
    inner = _tight(style)
    return [Paragraph(c, inner if i < len(chunks) - 1 else style) for i, c in enumerate(chunks)]


_tight_styles: dict[int, tuple[ParagraphStyle, ParagraphStyle]] = {}


def _tight(style: ParagraphStyle) -> ParagraphStyle:
    known = _tight_styles.get(id(style))
    if known is None or known[0] is not style:
        known = (style, ParagraphStyle(f"{style.name}_tight", style, spaceAfter=0))
        _tight_styles[id(style)] = known
    return known[1]


def text_flowables(value: str | None, style: ParagraphStyle,
                   limit: int = LONG_FIELD) -> list[Flowable]:
    """Plain multi-line text (not Markdown) as paragraphs of bounded size; cut at
    `limit` characters with the truncation note."""
    src, cut = cap(value or "", limit)
    out: list[Flowable] = []
    for para in src.split("\n\n"):
        if para.strip():
            out.extend(chunked_paragraphs([lines(p) for p in split_text(para)], style))
    if cut:
        out.append(Paragraph(text(TRUNCATED_NOTE), styles().empty))
    return out


def markdown_flowables(source: str | None, width: float,
                       style: ParagraphStyle | None = None,
                       limit: int = LONG_FIELD) -> list[Flowable]:
    """Flowables for a Markdown text, to be placed in a frame `width` points wide.

    At most `limit` characters of the text are printed; a longer text is cut at a line
    boundary and ends with a visible note that the full text is in Coordinator."""
    src, truncated = cap(source or "", limit)
    if not src.strip():
        return [Paragraph(text(TRUNCATED_NOTE), styles().empty)] if truncated else []
    src = _DEEP_MARKERS.sub(lambda m: "".join(_MARKER.findall(m.group(0))[:_MAX_MARKERS]), src)
    tree = SyntaxTreeNode(_parser().parse(src))
    conv = _Converter(width, style or styles().body)
    lines_ = src.split("\n")
    out: list[Flowable] = []
    done = 0
    for node in tree.children:
        start, end = node.map if node.map else (done, done)
        out.extend(_literal(lines_[done:start], conv))  # anything the parser skipped
        out.extend(conv.block(node, 0, conv.base))
        done = max(done, end)
    out.extend(_literal(lines_[done:], conv))
    if truncated:
        out.append(Paragraph(text(TRUNCATED_NOTE), styles().empty))
    return out


def _literal(lines_: list[str], conv: _Converter) -> list[Flowable]:
    """Source lines the parser dropped (e.g. nesting deeper than it allows), as text."""
    out: list[Flowable] = []
    for line in lines_:
        if line.strip():
            out.extend(chunked_paragraphs([text(p) for p in split_text(line)], conv.base))
    return out
