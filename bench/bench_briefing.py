"""Benchmark: how long the briefing packet takes to build (not a test).

    python bench/bench_briefing.py [--contacts 600] [--repeat 3]

Two meetings: the sample coalition's busiest meeting (most attendees) and a synthetic
large meeting (300 attendees, 100 relevant proposals, 500 open action items), both
built through the services in a temporary database. For each it prints:

- collect: reading the data through the services;
- build:   laying the packet out and writing the PDF (best of --repeat runs);
- bare:    a bare reportlab document (SimpleDocTemplate, no header/footer/outline)
           with the same paragraphs and table rows, each in the same markup and the
           same face as in the packet (so the same fonts are embedded), built in the
           same run;
- ratio:   build / bare (target <= 1.5x), pages and file size.
Wall and CPU time are both shown (best of --repeat): on a busy machine the CPU time of
this process is the steadier figure.
Target for the large meeting: build under 2 s. Target for the busiest sample meeting,
at any --contacts (run it once with --contacts 100000): under 25 pages, collect + build
under 1.5 s (the packet holds the call's own proposals and the rest as totals).

Then long notes: a packet with 100 kB and with 1 MB of meeting notes (one paragraph
and many), and the same notes laid out uncut; the ratios time(1 MB)/time(100 kB) show
that layout grows linearly with the text printed (10x text: about 10x time uncut, about
1x for the packet, which prints at most a fixed amount of any one field).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    Flowable,
    KeepTogether,
    ListFlowable,
    Paragraph,
    SimpleDocTemplate,
    Table,
)

from coordinator.briefing import BriefingOptions, collect_briefing, fonts  # noqa: E402
from coordinator.briefing.document import LongTable, PdfDocument  # noqa: E402
from coordinator.briefing.packet import _Packet, briefing_info  # noqa: E402


@dataclass
class Shape:
    """What a story holds: paragraphs outside tables and each table's rows, each text as
    (markup, font name) so that the bare document sets it in the same faces."""

    paragraphs: list[tuple[str, str]]
    tables: list[list[list[tuple[str, str]]]]

    @property
    def rows(self) -> int:
        return sum(len(t) for t in self.tables)


def _cell_text(cell: object) -> tuple[str, str]:
    if isinstance(cell, list):
        parts = [_cell_text(c) for c in cell]
        return " ".join(t for t, _ in parts), parts[0][1] if parts else fonts.SANS
    if isinstance(cell, Paragraph):
        return cell.text, cell.style.fontName
    return escape(str(cell or "")), fonts.SANS


def shape_of(story: list[Flowable]) -> Shape:
    shape = Shape([], [])

    def walk(items: list) -> None:
        for f in items:
            if isinstance(f, LongTable):
                rows = [f.header, *f.rows] if f.header is not None else f.rows
                shape.tables.append([[_cell_text(c) for c in r] for r in rows])
            elif isinstance(f, Table):
                shape.tables.append([[_cell_text(c) for c in r] for r in f._cellvalues])
            elif isinstance(f, KeepTogether):
                walk(f._content)
            elif isinstance(f, ListFlowable):
                walk([getattr(i, "_flowables", [i]) for i in f._flowables])
            elif isinstance(f, list):
                walk(f)
            elif isinstance(f, Paragraph):
                shape.paragraphs.append((f.text, f.style.fontName))

    walk(story)
    return shape


def bare_document(shape: Shape, paper: tuple[float, float]) -> bytes:
    """The same paragraphs and table rows in a plain reportlab document."""
    fonts.register_fonts()
    styles: dict[tuple[str, str], ParagraphStyle] = {}

    def style(kind: str, font: str) -> ParagraphStyle:
        if (kind, font) not in styles:
            size, leading = (9.5, 13) if kind == "body" else (8.5, 10.5)
            styles[kind, font] = ParagraphStyle(f"{kind}-{font}", fontName=font,
                                                fontSize=size, leading=leading)
        return styles[kind, font]

    story: list[Flowable] = [Paragraph(t, style("body", f)) for t, f in shape.paragraphs]
    for rows in shape.tables:
        ncols = max(len(r) for r in rows)
        data = [[Paragraph(t, style("cell", f)) for t, f in r] + [""] * (ncols - len(r))
                for r in rows]
        story.append(Table(data, colWidths=[6.5 * 72 / ncols] * ncols, repeatRows=1))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=paper).build(story)
    return out.getvalue()


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result)."""
    w, c = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - w, time.process_time() - c, result


def measure(label: str, services, meeting_id: str, repeat: int, target_pages: int = 0,
            target_s: float = 0.0) -> None:
    options = BriefingOptions(prepared_by="Benchmark")
    t = time.perf_counter()
    data = collect_briefing(services, meeting_id, options)
    collect_s = time.perf_counter() - t

    def ours() -> tuple[bytes, int]:
        out = io.BytesIO()
        doc = PdfDocument(out, briefing_info(data, options))
        packet = _Packet(data, options, doc.width)
        doc.render(packet.story(), cover=True)
        return out.getvalue(), doc.page

    probe = PdfDocument(io.BytesIO(), briefing_info(data, options))
    shape = shape_of(_Packet(data, options, probe.width).story())
    build = [float("inf")] * 2
    bare = [float("inf")] * 2
    for _ in range(repeat):  # interleaved, so that load from elsewhere hits both alike
        w, c, (pdf, pages) = timed(ours)  # type: ignore[misc]
        build = [min(build[0], w), min(build[1], c)]
        w, c, bare_pdf = timed(lambda: bare_document(shape, probe.pagesize))
        bare = [min(bare[0], w), min(bare[1], c)]
    print(f"{label}")
    print(f"  data        {len(data.attendees)} attendees, {len(data.proposals)} proposals, "
          f"{len(data.action_items)} open action items, {len(data.agenda)} agenda items")
    print(f"  content     {len(shape.paragraphs)} paragraphs, {len(shape.tables)} tables, "
          f"{shape.rows} table rows")
    print(f"  collect     {collect_s * 1000:8.0f} ms  (services)")
    print(f"  build       {build[0] * 1000:8.0f} ms  (CPU {build[1] * 1000:.0f} ms; {pages} pages, "
          f"{len(pdf) / 1024:.0f} KiB)")
    print(f"  bare        {bare[0] * 1000:8.0f} ms  (CPU {bare[1] * 1000:.0f} ms; "
          f"{len(bare_pdf) / 1024:.0f} KiB)")  # type: ignore[arg-type]
    print(f"  ratio       {build[0] / bare[0]:8.2f} x  wall, {build[1] / bare[1]:.2f} x CPU "
          f"(target <= 1.5x)")
    print(f"  total       {(collect_s + build[0]) * 1000:8.0f} ms  (collect + build)")
    if target_pages:
        ok = pages < target_pages and collect_s + build[0] < target_s
        print(f"  target      under {target_pages} pages and {target_s:.1f} s: "
              f"{'met' if ok else 'NOT met'} ({pages} pages, {collect_s + build[0]:.2f} s)")


def busiest_meeting(services, contacts: int) -> str | None:
    try:
        from coordinator.demo import build_demo
    except ImportError:
        return None
    build_demo(services, contacts=contacts)
    meetings = services.meetings.list().rows
    if not meetings:
        return None
    return max(meetings, key=lambda m: (len(m.attendees), len(m.agenda))).id


def large_meeting(services) -> str:
    from coordinator.reference import CONSORTIA
    from coordinator.services.records import (
        ActionItemData,
        AttendeeData,
        ContactData,
        EmailData,
        MeetingData,
        OrganizationData,
        PartnerData,
        PhoneData,
        ProposalData,
    )

    orgs = [services.organizations.create(OrganizationData(
        name=f"Bench City {i:02d}", sector="local_government",
        consortium_id=CONSORTIA[i % 7].id, city=f"Town {i}", state="TX")).id for i in range(40)]
    contacts = [services.contacts.create(ContactData(
        given_name=f"Attendee{i:03d}", family_name="Benchmark", title="Smart city lead",
        organization_id=orgs[i % 40], emails=[EmailData(f"attendee{i:03d}@example.org")],
        phones=[PhoneData(f"+1 214 555 {i:04d}")])).id for i in range(300)]
    today = date.today()
    for i in range(100):
        services.proposals.create(ProposalData(
            title=f"Joint proposal {i:03d} on connected corridors", status="drafting",
            funder="NSF", funder_call="Civic Innovation Challenge", amount_minor=i * 1_000_000,
            due_date=today + timedelta(days=i - 10), lead_organization_id=orgs[i % 40],
            summary="Pilot sensors and shared data across partner cities.",
            partners=[PartnerData(orgs[(i + k) % 40], "partner") for k in range(4)]))
    items = [ActionItemData(f"Follow-up task {i:03d} for the coalition",
                            owner_id=contacts[i % 12], due_date=today + timedelta(days=i % 60 - 30))
             for i in range(500)]
    return services.meetings.create(MeetingData(
        title="Large synthetic summit", starts_at=datetime.now(UTC) + timedelta(days=3),
        series_name="Bench summits", attendees=[AttendeeData(c) for c in contacts],
        action_items=items)).id


def _notes(size: int, paragraphs: bool) -> str:
    import random

    rnd = random.Random(5)
    vocab = ["alpha", "beta", "gamma", "delta", "coalition", "proposal", "partner", "sensor",
             "corridor", "data"]
    parts, n = [], 0
    while n < size:
        parts.append(" ".join(rnd.choice(vocab) for _ in range(150)) + ".")
        n += len(parts[-1]) + 2
    return ("\n\n" if paragraphs else " ").join(parts)[:size]


def measure_long_notes(repeat: int) -> None:
    from coordinator.briefing import BriefingData, build_briefing_pdf
    from coordinator.briefing.document import DocumentInfo
    from coordinator.briefing.markdown_flowables import markdown_flowables

    def packet(notes: str) -> object:
        data = BriefingData("Long notes", datetime(2027, 1, 5, 15, tzinfo=UTC), "UTC",
                            notes=notes)
        return build_briefing_pdf(data, io.BytesIO(), BriefingOptions(prepared_by="Bench"))

    def uncut(notes: str) -> object:
        doc = PdfDocument(io.BytesIO(), DocumentInfo("Long notes", "", ""))
        doc.render(markdown_flowables(notes, doc.width, limit=len(notes) + 1))
        return doc.page

    print("Long notes (best of --repeat; time(1 MB) / time(100 kB), 10x the text)")
    for paragraphs in (False, True):
        shape = "many paragraphs" if paragraphs else "one paragraph"
        small, big = _notes(100_000, paragraphs), _notes(1_000_000, paragraphs)
        for label, fn in (("packet", packet), ("uncut ", uncut)):
            t_small = min(timed(partial(fn, small))[1] for _ in range(repeat))
            t_big = min(timed(partial(fn, big))[1] for _ in range(repeat))
            print(f"  {label} {shape:16} 100 kB {t_small * 1000:7.0f} ms, 1 MB "
                  f"{t_big * 1000:7.0f} ms CPU: ratio {t_big / t_small:5.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--contacts", type=int, default=600, help="size of the sample coalition")
    parser.add_argument("--only-notes", action="store_true", help="only the long-notes ratios")
    args = parser.parse_args(argv)
    fonts.register_fonts()
    measure_long_notes(args.repeat)
    if args.only_notes:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["COORDINATOR_HOME"] = tmp
        from coordinator.db import Database
        from coordinator.services import Services

        fonts.register_fonts()
        db = Database.open(Path(tmp) / "demo.db")
        try:
            services = Services(db)
            busiest = busiest_meeting(services, args.contacts)
            if busiest:
                measure(f"Sample coalition ({args.contacts:,} contacts), busiest meeting",
                        services, busiest, args.repeat, target_pages=25, target_s=1.5)
            else:
                print("Sample coalition: coordinator.demo not available, skipped")
        finally:
            db.close()
        db = Database.open(Path(tmp) / "large.db")
        try:
            services = Services(db)
            t = time.perf_counter()
            meeting = large_meeting(services)
            print(f"(large meeting written through the services in "
                  f"{time.perf_counter() - t:.1f} s)")
            measure("Synthetic large meeting (300 attendees, 100 proposals, 500 open items)",
                    services, meeting, args.repeat)
        finally:
            db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
