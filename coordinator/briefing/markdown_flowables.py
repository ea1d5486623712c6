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
from coordinator.briefing.markup import anchor, clean, fragment, text

try:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode
except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
    raise ImportError("markdown-it-py is required for the briefing PDF") from exc

_MAX_INDENT_DEPTH = 6
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
    out: list[str] = []
    for child in node.children:
        t = child.type
        if t == "text":
            out.append(fragment(child.content))
        elif t == "softbreak":
            out.append(" ")
        elif t == "hardbreak":
            out.append("<br/>")
        elif t == "strong":
            out.append(f"<b>{inline_markup(child)}</b>")
        elif t == "em":
            out.append(f"<i>{inline_markup(child)}</i>")
        elif t == "s":
            out.append(f"<strike>{inline_markup(child)}</strike>")
        elif t == "code_inline":
            code = fragment(child.content)
            out.append(f'<font face="{fonts.MONO}" color="#7a2e0e">{code}</font>')
        elif t == "link":
            out.append(anchor(child.attrs.get("href", ""), inline_markup(child),
                              bare_domains=False))
        elif t == "image":
            alt = "".join(c.content for c in child.children if c.type == "text")
            out.append(f"<i>[image: {text(alt or 'no description')}]</i>")
        else:  # html_inline (not produced with html off) or anything new: literal text
            out.append(fragment(child.content))
    return "".join(out)


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
            return [Paragraph(self._inline(node), style)]
        if t == "heading":
            level = int(node.tag[1:]) if node.tag[1:].isdigit() else 3
            return [Paragraph(self._inline(node), _heading_style(level))]
        if t in ("bullet_list", "ordered_list"):
            return [self._list(node, depth, style)]
        if t == "blockquote":
            indent = _QUOTE_INDENT if depth < _MAX_INDENT_DEPTH else 0.0
            inner = self.blocks(node.children, depth + 1, self.st.quote)
            return [Spacer(1, 2), Indenter(left=indent), *inner, Indenter(left=-indent)]
        if t in ("fence", "code_block"):
            return [self._code(node.content, depth)]
        if t == "hr":
            return [HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=4,
                               spaceAfter=6)]
        if t == "table":
            return [self._table(node, depth)]
        if t == "html_block":  # not produced with html off; print literally if it is
            return [Paragraph(text(node.content), style)]
        if node.children:
            return self.blocks(node.children, depth, style)
        return []

    def _inline(self, node: SyntaxTreeNode) -> str:
        inl = [c for c in node.children if c.type == "inline"]
        return "".join(inline_markup(c) for c in inl)

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

    def _code(self, content: str, depth: int) -> Flowable:
        st = self.st.code
        avail = self.width - depth * _INDENT - 12
        char_w = stringWidth("M", st.fontName, st.fontSize)
        max_len = max(int(avail / char_w), 10)
        body = clean(content).rstrip("\n") or " "
        return Preformatted(body, st, maxLineLength=max_len, newLineChars="")

    def _table(self, node: SyntaxTreeNode, depth: int) -> Flowable:
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
            return Spacer(1, 0)
        ncols = max(len(r) for r in rows)
        for r in rows:
            r.extend(CellParagraph("", self.st.cell) for _ in range(ncols - len(r)))
        avail = self.width - min(depth, _MAX_INDENT_DEPTH) * _INDENT
        t = LongTable(rows[0], rows[1:], [avail / ncols] * ncols)
        t.spaceAfter = 6
        return t


def markdown_flowables(source: str | None, width: float,
                       style: ParagraphStyle | None = None) -> list[Flowable]:
    """Flowables for a Markdown text, to be placed in a frame `width` points wide."""
    src = clean(source or "")
    if not src.strip():
        return []
    src = _DEEP_MARKERS.sub(lambda m: "".join(_MARKER.findall(m.group(0))[:_MAX_MARKERS]), src)
    tree = SyntaxTreeNode(_parser().parse(src))
    conv = _Converter(width, style or styles().body)
    lines = src.split("\n")
    out: list[Flowable] = []
    done = 0
    for node in tree.children:
        start, end = node.map if node.map else (done, done)
        out.extend(_literal(lines[done:start], conv))  # anything the parser skipped
        out.extend(conv.block(node, 0, conv.base))
        done = max(done, end)
    out.extend(_literal(lines[done:], conv))
    return out


def _literal(lines: list[str], conv: _Converter) -> list[Flowable]:
    """Source lines the parser dropped (e.g. nesting deeper than it allows), as text."""
    text_lines = [line for line in lines if line.strip()]
    return [Paragraph(text(line), conv.base) for line in text_lines]
