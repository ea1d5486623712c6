"""The briefing packet for one meeting, laid out with reportlab Platypus.

    data = collect_briefing(services, meeting_id, options)
    pages = build_briefing_pdf(data, "packet.pdf", options)

Sections (each a PDF outline entry): cover, agenda, attendees by consortium,
organization profiles, relevant proposals, decisions of the previous meeting in the
series, open action items by owner, notes (Markdown) and, only when asked for in the
Internal profile, private notes. Every piece of user text goes through `markup`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from itertools import groupby
from pathlib import Path
from typing import IO

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    Spacer,
)

from coordinator.briefing import formatting as f
from coordinator.briefing.collect import (
    SECTIONS,
    STILL_DUE,
    ActionRow,
    BriefingData,
    BriefingOptions,
    Person,
    Profile,
    ProposalSummary,
)
from coordinator.briefing.document import (
    TITLE_MAX_CHARS,
    DocumentInfo,
    Heading,
    LongTable,
    PdfDocument,
    cells,
    empty_note,
    header_cells,
    key_value_table,
    shorten,
    stack,
    styles,
    table_group,
    widths,
)
from coordinator.briefing.markdown_flowables import markdown_flowables
from coordinator.briefing.markup import bold, capped_lines, capped_text, link, plain, text
from coordinator.models.enums import ActionStatus, MeetingKind

SECTION_TITLES = {
    "agenda": "Agenda",
    "attendees": "Attendees",
    "organizations": "Organizations",
    "proposals": "Proposals",
    "decisions": "Decisions from the last meeting",
    "actions": "Open action items",
    "coverage": "Coverage of the consortia",
    "notes": "Notes",
    "private": "Private notes",
}
# A large call's packet details this many proposals (soonest due first) and lists the
# rest of the call's own proposals one row each.
FULL_PROPOSALS = 12
ORG_PROPOSALS = 5  # active proposals named in an organization's profile
_ROLE = {"chair": "Chair", "note_taker": "Note taker", "attendee": "Attendee"}
_RSVP = {"yes": "Attending", "no": "Declined", "maybe": "Maybe", "pending": "No reply yet"}


def _note_right() -> ParagraphStyle:
    global _NOTE_RIGHT
    if _NOTE_RIGHT is None:
        _NOTE_RIGHT = ParagraphStyle("cell_note_right", styles().cell_note, alignment=TA_RIGHT)
    return _NOTE_RIGHT


_NOTE_RIGHT: ParagraphStyle | None = None


def kind_label(kind: str) -> str:
    try:
        return MeetingKind(kind).label
    except ValueError:
        return kind.replace("_", " ").capitalize()


def briefing_filename(data: BriefingData) -> str:
    """`Briefing 2026-12-03 NSCP partnership call.pdf` (date in the meeting's zone)."""
    when = ""
    if data.starts_at is not None:
        when = data.starts_at.astimezone(f.zone(data.time_zone)).date().isoformat() + " "
    return f.safe_filename(f"Briefing {when}{data.title}") + ".pdf"


class _Packet:
    def __init__(self, data: BriefingData, options: BriefingOptions, width: float) -> None:
        self.d = data
        self.o = options
        self.w = width
        self.st = styles()
        self.reader_zone = options.reader_zone or f.local_zone()
        self.prepared_on = options.prepared_on or datetime.now(self.reader_zone)
        self.today = options.today or self.prepared_on.astimezone(self.reader_zone).date()
        self.internal = options.profile is Profile.INTERNAL

    def sections(self) -> list[str]:
        wanted = [s for s in SECTIONS if s in self.o.sections]
        if "private" in wanted and not (self.internal and self.o.include_private):
            wanted.remove("private")
        return wanted

    def story(self) -> list[Flowable]:
        out: list[Flowable] = []
        builders: dict[str, Callable[[], list[Flowable]]] = {
            "cover": self.cover, "agenda": self.agenda, "attendees": self.attendees,
            "organizations": self.organizations, "proposals": self.proposals,
            "decisions": self.decisions, "actions": self.actions, "notes": self.notes,
            "private": self.private, "coverage": self.coverage,
        }
        for name in self.sections():
            if name != "cover" and out and not isinstance(out[-1], PageBreak):
                out.append(CondPageBreak(150))
            out.extend(builders[name]())
        if not out:
            out.append(empty_note("No sections selected."))
        return out

    # cover -------------------------------------------------------------------------------
    def cover(self) -> list[Flowable]:
        d, st = self.d, self.st
        meeting_zone = f.zone(d.time_zone)
        audience = ("Internal: includes contact details and internal notes; do not forward."
                    if self.internal else
                    "Partners: shareable; no personal contact details or internal notes.")
        pairs = [
            ("Date and time", text(f"{f.time_range(d.starts_at, d.duration_minutes, meeting_zone)}"
                                   f" ({f.zone_label(meeting_zone)})")),
            ("Your time", text(f"{f.time_range(d.starts_at, d.duration_minutes, self.reader_zone)}"
                               f" ({f.zone_label(self.reader_zone)})")),
        ]
        if d.duration_minutes:
            pairs.append(("Duration", text(f.duration(d.duration_minutes))))
        if d.location:
            pairs.append(("Place", capped_lines(d.location)))
        if d.link:
            pairs.append(("Link", link(d.link)))
        if not d.location and not d.link:
            pairs.append(("Place", text("Not set yet")))
        pairs.append(("Consortia represented",
                      "<br/>".join(text(c) for c in d.consortia) or text("None recorded")))
        n_orgs = len({p.organization for p in d.attendees if p.organization})
        pairs.append(("Attendees", text(
            f"{len(d.attendees)} people from {n_orgs} organizations" if d.attendees
            else "None recorded yet")))
        if self.o.prepared_by:
            pairs.append(("Prepared by", text(self.o.prepared_by)))
        pairs += [
            ("Prepared on", text(f"{f.long_day(self.prepared_on.date())}, "
                                 f"{self.prepared_on:%H:%M} {self.prepared_on.tzname() or ''}")),
            ("Audience", text(audience)),
        ]
        subtitle = " · ".join(x for x in (d.series, kind_label(d.kind)) if x)
        title = Heading(d.title or "Untitled meeting", 0, st.title, max_chars=TITLE_MAX_CHARS,
                        outline_title=f"Cover: {d.title or 'Untitled meeting'}")
        out: list[Flowable] = [
            Spacer(1, 36),
            Paragraph(text(f"Briefing packet · {self.o.profile.label}").upper(), st.kicker),
            title,
        ]
        if title.shortened:
            out.append(Paragraph(f"{bold('Full title:')} {capped_text(d.title)}", st.body))
        if subtitle:
            out.append(Paragraph(text(subtitle), st.subtitle))
        else:
            out.append(Spacer(1, 12))
        out.append(key_value_table(pairs, self.w))
        out.append(Spacer(1, 24))
        out.append(Paragraph(text("In this packet"), st.h3))
        toc = [SECTION_TITLES[s] + self._count(s) for s in self.sections() if s != "cover"]
        out.append(ListFlowable([ListItem(Paragraph(text(t), st.body)) for t in toc],
                                bulletType="bullet", start="•", leftIndent=14,
                                bulletFontName=st.body.fontName))
        out.append(PageBreak())
        return out

    def _count(self, section: str) -> str:
        d = self.d
        n = {"agenda": len(d.agenda), "attendees": len(d.attendees),
             "organizations": len(d.organizations), "proposals": len(d.proposals),
             "actions": len(d.action_items),
             "decisions": len(d.previous.decisions) if d.previous else 0}.get(section)
        return f" ({n})" if n is not None else ""

    # coverage ----------------------------------------------------------------------------
    def coverage(self) -> list[Flowable]:
        if self.d.coverage is None:
            return [Heading(SECTION_TITLES["coverage"], 0),
                    empty_note("The coverage figures were not collected.")]
        from coordinator.briefing.coverage_page import coverage_flowables

        return coverage_flowables(self.d.coverage, self.w)

    # agenda ------------------------------------------------------------------------------
    def agenda(self) -> list[Flowable]:
        out: list[Flowable] = [Heading(SECTION_TITLES["agenda"], 0)]
        if not self.d.agenda:
            return [*out, empty_note("No agenda items yet.")]
        rows = []
        for i, a in enumerate(self.d.agenda, 1):
            item = stack((capped_text(a.title), self.st.cell_bold),
                         (capped_lines(a.details), self.st.cell_note))
            rows.append(cells([str(i), item, text(a.presenter) or "—",
                               str(a.minutes) if a.minutes else "—"], self.st.cell, right=(3,)))
        total = sum(a.minutes for a in self.d.agenda)
        rows.append(cells(["", bold("Total"), "", bold(str(total))], self.st.cell, right=(3,)))
        out.append(LongTable(header_cells(["#", "Item", "Presenter", "Minutes"], right=(3,)),
                             rows, widths(self.w, [0.05, 0.58, 0.25, 0.12])))
        return out

    # attendees ---------------------------------------------------------------------------
    def attendees(self) -> list[Flowable]:
        out: list[Flowable] = [Heading(SECTION_TITLES["attendees"], 0)]
        if not self.d.attendees:
            return [*out, empty_note("No attendees yet.")]
        if self.internal:
            labels = ["Name", "Title", "Organization", "Email", "Phone"]
            fractions = [0.23, 0.16, 0.19, 0.26, 0.16]
        else:
            labels = ["Name", "Title", "Organization", "Role"]
            fractions = [0.26, 0.26, 0.32, 0.16]
        groups = sorted(self.d.attendees, key=lambda p: (
            p.consortium == "", p.consortium.casefold(), p.name.casefold()))
        for i, (consortium, members) in enumerate(groupby(groups, key=lambda p: p.consortium)):
            people = list(members)
            rows = [self._person_row(p) for p in people]
            out += table_group(f"{consortium or 'No consortium'} ({len(people)})",
                               LongTable(header_cells(labels), rows, widths(self.w, fractions)),
                               first=i == 0)
        return out

    def _person_row(self, p: Person) -> list[Flowable]:
        st = self.st
        role = _ROLE.get(p.role, p.role.replace("_", " ").capitalize())
        if self.internal:  # whether someone replied is for the team only
            shown_role = role if p.role != "attendee" else ""
            note = text(" · ".join(x for x in (shown_role, _RSVP.get(p.rsvp, p.rsvp)) if x))
            name = stack((text(p.name), st.cell_bold), (note, st.cell_note))
            values = [name, text(p.title), text(p.organization), text(p.email),
                      text(f.phone(p.phone))]
        else:
            values = [stack((text(p.name), st.cell_bold)), text(p.title), text(p.organization),
                      text(role)]
        return cells(values, st.cell)

    # organizations -----------------------------------------------------------------------
    def organizations(self) -> list[Flowable]:
        out: list[Flowable] = [Heading(SECTION_TITLES["organizations"], 0)]
        if not self.d.organizations:
            return [*out, empty_note("No attending organizations yet.")]
        for o in self.d.organizations:
            place = ", ".join(x for x in (o.city, o.state) if x)
            facts = [x for x in (o.sector, o.consortium, place) if x]
            body = bold(text(o.name))
            if facts:
                body += " — " + text("; ".join(facts)) + "."
            if o.website:
                body += " " + link(o.website) + "."
            if o.active_proposals:
                shown = o.active_proposals[:ORG_PROPOSALS]
                more = len(o.active_proposals) - len(shown)
                body += " Active proposals: " + "; ".join(
                    f"<i>{text(shorten(t, 200))}</i>" for t in shown) + (
                    f"; and {more} more." if more > 0 else ".")
            else:
                body += " No active proposals."
            out.append(KeepTogether([Paragraph(body, self.st.body)]))
        return out

    # proposals ---------------------------------------------------------------------------
    def proposals(self) -> list[Flowable]:
        out: list[Flowable] = [Heading(SECTION_TITLES["proposals"], 0)]
        if not self.d.proposals:
            return [*out, empty_note("No open proposals involve these attendees or consortia.")]
        full, rest = self.d.proposals[:FULL_PROPOSALS], self.d.proposals[FULL_PROPOSALS:]
        for p in full:
            out.extend(self._proposal(p))
        if rest:
            out.extend(self._proposal_table(rest))
        out.extend(self._pipeline())
        return out

    def _proposal_table(self, rest: list[ProposalSummary]) -> list[Flowable]:
        """Proposals past the first FULL_PROPOSALS (a large call's): one row each."""
        st = self.st
        rows = []
        for p in rest:
            funder = " — ".join(x for x in (p.funder, p.funder_call) if x)
            rows.append(cells([
                stack((text(shorten(p.title, 200)) or "Untitled proposal", st.cell_bold),
                      (text(funder), st.cell_note)),
                text(p.status), text(p.lead) or "—", self._due(p.due_date, p.status_code),
                text(f.money(p.amount_minor, p.currency)) if p.amount_minor else "—",
            ], st.cell, right=(4,)))
        table = LongTable(header_cells(["Proposal", "Status", "Lead", "Due", "Amount"],
                                       right=(4,)),
                          rows, widths(self.w, [0.36, 0.13, 0.2, 0.17, 0.14]))
        title = f"More proposals of these organizations ({len(rest)})"
        return [CondPageBreak(120), Heading(title, 1), table]

    def _pipeline(self) -> list[Flowable]:
        """The rest of the consortia's open proposals, as totals only: one row per
        consortium, one column per status, each cell the count and the amounts."""
        rows = self.d.pipeline
        if not rows:
            return []
        st = self.st
        statuses = list(dict.fromkeys(r.status for r in rows))
        consortia = list(dict.fromkeys(r.consortium for r in rows))
        cell = {(r.consortium, r.status): r for r in rows}
        body = []
        for c in consortia:
            values: list[str | list[Flowable]] = [text(c) or "—"]
            for status in statuses:
                r = cell.get((c, status))
                values.append(stack((str(r.count), st.cell_right),
                                    ("<br/>".join(text(a) for a in r.amounts),
                                     _note_right())) if r else "—")
            body.append(cells(values, st.cell, right=tuple(range(1, len(statuses) + 1))))
        count = sum(r.count for r in rows)
        n = len(statuses)
        table = LongTable(header_cells(["Consortium", *statuses], right=tuple(range(1, n + 1))),
                          body, widths(self.w, [0.3] + [0.7 / n] * n))
        table.continued = "Rest of the pipeline"
        return [
            CondPageBreak(120),
            Heading("Rest of the pipeline", 1),
            Paragraph(text(f"{count} more open proposals with a partner in this meeting's "
                           "consortia, not detailed here: how many and their amounts, by "
                           "status (a proposal with partners in two consortia counts in "
                           "both)."), self.st.small),
            table,
        ]

    def _due(self, due: date | None, status: str) -> str:
        if due is None:
            return text("No due date")
        still_due = status in STILL_DUE
        s = text(f"{f.day(due)} · {f.deadline(due, self.today, still_due)}")
        if still_due and due < self.today:
            return f'<font color="#b00020"><b>{s}</b></font>'
        return s

    def _proposal(self, p: ProposalSummary) -> list[Flowable]:
        funder = " — ".join(x for x in (p.funder, p.funder_call) if x)
        pairs = [
            ("Status", bold(text(p.status))),
            ("Lead", text(p.lead) or text("Not set")),
            ("Funder", text(funder) or text("Not set")),
            ("Amount", text(f.money(p.amount_minor, p.currency)) if p.amount_minor
             else text("Not set")),
            ("Due", self._due(p.due_date, p.status_code)),
        ]
        if p.owner:
            pairs.append(("Owner", text(p.owner)))
        if p.summary:
            pairs.append(("Summary", capped_lines(p.summary)))
        if self.internal and p.internal_notes:
            pairs.append(("Internal notes", f"<i>{capped_lines(p.internal_notes)}</i>"))
        heading = Heading(p.title or "Untitled proposal", 1)
        if heading.shortened:
            pairs.insert(0, ("Full title", capped_text(p.title)))
        block: list[Flowable] = [heading, key_value_table(pairs, self.w)]
        if p.partners:
            rows = [cells([text(pp.organization), text(pp.role), text(pp.consortium) or "—"],
                          self.st.cell) for pp in p.partners]
            block.append(Spacer(1, 4))
            block.append(LongTable(header_cells(["Partner", "Role", "Consortium"]), rows,
                                   widths(self.w, [0.45, 0.2, 0.35])))
        else:
            block.append(Paragraph(text("No partners yet."), self.st.empty))
        block.append(Spacer(1, 6))
        return [KeepTogether(block)]

    # decisions ---------------------------------------------------------------------------
    def decisions(self) -> list[Flowable]:
        out: list[Flowable] = [Heading(SECTION_TITLES["decisions"], 0)]
        prev = self.d.previous
        if prev is None:
            return [*out, empty_note("This is the first meeting of its series.")]
        when = None
        if prev.starts_at is not None:
            when = prev.starts_at.astimezone(f.zone(prev.time_zone)).date()
        origin = f.meeting_origin(prev.title, when)
        title = plain(prev.title)
        rest = origin[len(title):] if origin.startswith(title) else ""
        out.append(Paragraph(f"From {bold(text(title))}{text(rest)}:", self.st.body))
        if not prev.decisions:
            return [*out, empty_note("No decisions were recorded at that meeting.")]
        out.append(ListFlowable(
            [ListItem(Paragraph(capped_lines(dec), self.st.body)) for dec in prev.decisions],
            bulletType="1", bulletFormat="%s.", leftIndent=18, bulletFontName=self.st.body.fontName,
            bulletFontSize=self.st.body.fontSize))
        return out

    # action items ------------------------------------------------------------------------
    def actions(self) -> list[Flowable]:
        out: list[Flowable] = [Heading(SECTION_TITLES["actions"], 0)]
        items = self.d.action_items
        if not items:
            return [*out, empty_note("No open action items.")]
        overdue = sum(1 for a in items if self._overdue(a))
        out.append(Paragraph(text(f"{len(items)} open, {overdue} overdue (as of "
                                  f"{f.day(self.today)})."), self.st.small))
        ordered = sorted(items, key=lambda a: (a.owner == "", a.owner.casefold()))
        for i, (owner, group) in enumerate(groupby(ordered, key=lambda a: a.owner)):
            rows_in = list(group)
            late = sum(1 for a in rows_in if self._overdue(a))
            title = f"{owner or 'No owner'} ({len(rows_in)} open" + (
                f", {late} overdue)" if late else ")")
            rows = [self._action_row(a) for a in rows_in]
            out += table_group(title, LongTable(
                header_cells(["Action", "Due", "Status", "From meeting"]), rows,
                widths(self.w, [0.44, 0.24, 0.1, 0.22])), first=i == 0)
        return out

    def _overdue(self, a: ActionRow) -> bool:
        return a.due_date is not None and a.due_date < self.today

    def _action_row(self, a: ActionRow) -> list[Flowable]:
        st = self.st
        action = stack((capped_lines(a.text), st.cell),
                       (text(f"Proposal: {a.proposal}") if a.proposal else "", st.cell_note))
        if a.due_date is None:
            due: str | list[Flowable] = text("No due date")
        else:  # two short lines: the day, then how long until (or since) it
            left = text(f.days_left(a.due_date, self.today))
            due = stack((text(f.day(a.due_date)), st.alert_plain), (left, st.alert)) \
                if self._overdue(a) else stack((text(f.day(a.due_date)), st.cell),
                                                (left, st.cell_note))
        try:
            status = ActionStatus(a.status).value.replace("_", " ").capitalize()
        except ValueError:
            status = a.status
        origin = text(f.meeting_origin(a.meeting, a.meeting_date))
        return cells([action, due, text(status), origin], st.cell)

    # notes -------------------------------------------------------------------------------
    def notes(self) -> list[Flowable]:
        out: list[Flowable] = [Heading(SECTION_TITLES["notes"], 0)]
        body = markdown_flowables(self.d.notes, self.w)
        return out + (body or [empty_note("No notes yet.")])

    def private(self) -> list[Flowable]:
        out: list[Flowable] = [
            Heading(SECTION_TITLES["private"], 0),
            Paragraph(text("Included on request. Keep this packet to yourself."),
                      self.st.small),
        ]
        body = markdown_flowables(self.d.private_notes, self.w)
        out.extend(body)
        people = [p for p in self.d.attendees if p.private_notes]
        for p in people:
            out.append(Paragraph(f"{bold(text(p.name))}: {capped_lines(p.private_notes)}",
                                 self.st.body))
        if not body and not people:
            out.append(empty_note("No private notes."))
        return out


def briefing_info(data: BriefingData, options: BriefingOptions) -> DocumentInfo:
    when = ""
    if data.starts_at is not None:
        when = f.day(data.starts_at.astimezone(f.zone(data.time_zone)).date())
    return DocumentInfo(
        title=data.title or "Untitled meeting",
        subject=f"Briefing packet ({options.profile.label}) for {data.title} {when}".strip(),
        author=options.prepared_by,
        header_right=f"Briefing · {when} · {options.profile.label}".replace(" ·  ·", " ·"),
        footer_left=("Internal: do not forward" if options.profile is Profile.INTERNAL
                     else "Prepared for coalition partners"),
        paper=options.paper,
        keywords="briefing, " + ", ".join(data.consortia),
    )


def build_briefing_pdf(data: BriefingData, target: str | Path | IO[bytes],
                       options: BriefingOptions | None = None,
                       progress: Callable[[int], None] | None = None) -> int:
    """Lay the packet out into `target`; returns the page count.

    `progress(page_number)` is called after each page; raising from it cancels.
    """
    options = options or BriefingOptions()
    doc = PdfDocument(target, briefing_info(data, options), progress=progress)
    packet = _Packet(data, options, doc.width)
    doc.render(packet.story(), cover="cover" in packet.sections())
    return doc.page
