"""Export through the dialog: every format writes a private file that parses back."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import icalendar
import pytest
from PySide6.QtWidgets import QFileDialog

from coordinator.formats import reader
from coordinator.services.contacts import ContactFilter
from ui.io import export_records
from ui.io.export_dialog import ExportDialog


def save_to(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def run_export(qtbot, modal, **choose) -> None:  # type: ignore[no-untyped-def]
    def drive(dialog: ExportDialog) -> None:
        if "format" in choose:
            dialog.format_combo.setCurrentIndex(dialog.format_combo.findData(choose["format"]))
        if choose.get("series"):
            dialog.scope_series.setChecked(True)
        dialog.choose_and_export()
        qtbot.waitUntil(lambda: dialog.result() != 0 or not dialog.job.running,
                        timeout=20_000)

    modal.drivers["ExportDialog"] = drive


@pytest.mark.parametrize("fmt", ["csv", "outlook-csv", "vcard3", "vcard4"])
def test_contacts_export_of_the_selection_parses_back(sample_ctx, qtbot, modal, monkeypatch,
                                                      tmp_path, fmt) -> None:
    # GIVEN five selected contacts of the sample coalition
    rows = sample_ctx.services.contacts.list(ContactFilter(), limit=5).rows
    ids = [r.id for r in rows]
    dest = tmp_path / f"out-{fmt}"
    save_to(monkeypatch, dest)
    run_export(qtbot, modal, format=fmt)
    # WHEN they are exported in this format
    written = export_records(sample_ctx, None, "contacts", ids=ids, filter_ids=[])
    # THEN a private file holds exactly them, and it parses back
    assert written == dest
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    parsed = reader.parse_contacts(dest.read_bytes(), "vcard" if "vcard" in fmt else "csv")
    assert not parsed.errors
    assert sorted(p.data.emails[0].address for p in parsed.contacts if p.data.emails) == \
        sorted(r.email for r in rows if r.email)
    assert len(parsed.contacts) == 5


def test_contacts_export_of_the_current_filter(sample_ctx, qtbot, modal, monkeypatch,
                                               tmp_path, shot) -> None:
    shown = sample_ctx.services.contacts.ids(ContactFilter(text="a"))[:40]
    dest = tmp_path / "filtered.csv"
    save_to(monkeypatch, dest)

    def drive(dialog: ExportDialog) -> None:
        shot(dialog, "export")
        assert dialog.scope_filter.isChecked() and dialog.scope_filter.isVisible()
        assert not dialog.scope_selection.isVisible()
        dialog.choose_and_export()
        qtbot.waitUntil(lambda: not dialog.job.running, timeout=20_000)

    modal.drivers["ExportDialog"] = drive
    assert export_records(sample_ctx, None, "contacts", filter_ids=shown) == dest
    body = dest.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel
    assert len(list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))) == len(shown)


@pytest.mark.parametrize("kind", ["organizations", "proposals"])
def test_organizations_and_proposals_csv(sample_ctx, qtbot, modal, monkeypatch, tmp_path,
                                         kind) -> None:
    dest = tmp_path / f"{kind}.csv"
    save_to(monkeypatch, dest)
    run_export(qtbot, modal)
    assert export_records(sample_ctx, None, kind) == dest
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    table = list(csv.DictReader(io.StringIO(dest.read_bytes().decode("utf-8-sig"))))
    expected = sample_ctx.services.stats()["counts"][kind[:-1]]
    assert len(table) == expected > 0


def test_meetings_ics_one_series_and_one_meeting(sample_ctx, qtbot, modal, monkeypatch,
                                                 tmp_path) -> None:
    # GIVEN the sample coalition's meeting series
    series = sample_ctx.services.meetings.series()[0]
    dest = tmp_path / "series.ics"
    save_to(monkeypatch, dest)
    run_export(qtbot, modal, series=True)
    # WHEN the first series is exported
    assert export_records(sample_ctx, None, "meetings") == dest
    # THEN the calendar holds one event per meeting of the series, each with a UID
    cal = icalendar.Calendar.from_ical(dest.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == series.meeting_count
    assert len({str(e["UID"]) for e in events}) == len(events)
    # AND one selected meeting exports alone
    one = sample_ctx.services.meetings.list().rows[0]
    dest_one = tmp_path / "one.ics"
    save_to(monkeypatch, dest_one)
    run_export(qtbot, modal)
    assert export_records(sample_ctx, None, "meetings", ids=[one.id]) == dest_one
    events = list(icalendar.Calendar.from_ical(dest_one.read_bytes()).walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == [one.title]


def test_cancelled_save_dialog_writes_nothing(ctx, qtbot, modal, monkeypatch) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))

    def drive(dialog: ExportDialog) -> None:
        dialog.choose_and_export()
        assert not dialog.job.running
        dialog.reject()

    modal.drivers["ExportDialog"] = drive
    assert export_records(ctx, None, "contacts") is None
