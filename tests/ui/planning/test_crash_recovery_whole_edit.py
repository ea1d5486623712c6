"""An editor killed mid-edit gives back the whole edit at the next start: every field
and every child row of a meeting or a proposal, not only its long texts.

The editing process is really killed (SIGKILL, no clean-up runs); the test process then
opens the view as the app does at start and takes the recovered edit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from coordinator.services.records import MeetingData, ProposalData
from ui.kit.drafts import DraftStore
from ui.meetings.view import MeetingsView
from ui.proposals.view import ProposalsView

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL of a child process")

PRELUDE = """
import os, signal, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QDate, QSettings, QTime
from PySide6.QtWidgets import QApplication
from coordinator.db import Database
from coordinator.services import Services
from coordinator.services.records import ActionItemData, AgendaItemData, BudgetLineData
from ui.context import AppContext
from ui.kit.drafts import DraftStore
app = QApplication([])
db = Database.open(sys.argv[1])
ctx = AppContext(db, QSettings(sys.argv[2], QSettings.Format.IniFormat))
ids = sys.argv[3].split(",")

def crash(editor):
    editor.state_saver.flush()
    DraftStore.shared().wait()
    os.kill(os.getpid(), signal.SIGKILL)
"""

MEETING_EDIT = """
from ui.meetings.editor import MeetingEditor
editor = MeetingEditor(ctx)
editor.show()
editor.title_edit.setText("Freight curb pilot")
editor.series_box.setCurrentText("Freight WG")
editor.zone_box.setCurrentText("America/Denver")
editor.date_edit.setDate(QDate(2027, 5, 4))
editor.time_edit.setTime(QTime(9, 30))
editor.duration_spin.setValue(90)
editor.location_edit.setText("Denver City Hall, room 4")
editor.link_edit.setText("https://meet.example.org/freight")
list(editor.consortium_checks.values())[1].setChecked(True)
editor.attendees.add_contact(ids[0], "note_taker")
editor.agenda.set_values([AgendaItemData("Curb sensors", ids[0], 25)])
editor.decisions_edit.setPlainText("Pilot in two cities")
editor.action_items.set_values([ActionItemData("Send the data sheet", ids[0],
                                               __import__("datetime").date(2027, 5, 20))])
editor.notes.set_text("Notes so far")
crash(editor)
"""

PROPOSAL_EDIT = """
from ui.proposals.editor import ProposalEditor
editor = ProposalEditor(ctx)
editor.show()
editor.title_edit.setText("Heat resilience sensors")
editor.funder_edit.setText("NSF")
editor.call_edit.setText("Smart and Connected Communities")
editor.amount_spin.setValue(750000)
editor.due_edit.setDate(QDate(2027, 3, 1))
editor.tags_edit.setText("heat, sensors")
editor.summary_edit.setPlainText("Street-level heat data for three cities.")
editor.partners.add_partner(ids[1], "lead")
editor.budget.set_values([BudgetLineData("Sensors", 12_500_00)], "Ask about match")
editor.sections.add_section("Approach", "We will deploy sensors.")
editor._mark_dirty()
crash(editor)
"""


def run_and_kill(script: str, db_path: Path, tmp_path: Path, ids: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PRELUDE) + textwrap.dedent(script),
         str(db_path), str(tmp_path / "child-settings.ini"), ",".join(ids)],
        capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def test_a_meeting_edit_killed_midway_comes_back_whole(qtbot, ctx, services, coalition,
                                                       db, tmp_path):
    person = coalition.people["CSCA"]
    run_and_kill(MEETING_EDIT, db.path, tmp_path, [person, coalition.orgs["CSCA"]])
    DraftStore.forget_shared()
    view = MeetingsView(ctx, drafts=DraftStore.shared())
    qtbot.addWidget(view)
    assert "Freight curb pilot" in view.recovery.label.text()
    [editor] = view.open_recovered()
    assert editor.save()
    saved: MeetingData = services.meetings.get(editor.meeting_id)
    assert saved.title == "Freight curb pilot"
    assert saved.series_name == "Freight WG"
    assert saved.time_zone == "America/Denver"
    assert saved.starts_at == datetime(2027, 5, 4, 15, 30, tzinfo=UTC)  # 09:30 MDT
    assert saved.duration_minutes == 90
    assert saved.location == "Denver City Hall, room 4"
    assert saved.link == "https://meet.example.org/freight"
    assert len(saved.consortium_ids) == 1
    assert [(a.contact_id, a.role) for a in saved.attendees] == [(person, "note_taker")]
    assert [(a.title, a.minutes) for a in saved.agenda] == [("Curb sensors", 25)]
    assert saved.decisions == ["Pilot in two cities"]
    assert [(a.text, a.due_date) for a in saved.action_items] == [
        ("Send the data sheet", date(2027, 5, 20))]
    assert saved.notes == "Notes so far"
    assert DraftStore.shared().all() == []
    editor.close()


def test_a_proposal_edit_killed_midway_comes_back_whole(qtbot, ctx, services, coalition,
                                                        db, tmp_path):
    run_and_kill(PROPOSAL_EDIT, db.path, tmp_path, ["", coalition.orgs["KCDD"]])
    DraftStore.forget_shared()
    view = ProposalsView(ctx, drafts=DraftStore.shared())
    qtbot.addWidget(view)
    assert "Heat resilience sensors" in view.recovery.label.text()
    [editor] = view.open_recovered()
    assert "every field" in editor.recovery.label.text() or editor.recovery.isHidden()
    assert editor.save()
    saved: ProposalData = services.proposals.get(editor.proposal_id)
    assert (saved.title, saved.funder, saved.funder_call) == (
        "Heat resilience sensors", "NSF", "Smart and Connected Communities")
    assert saved.amount_minor == 75_000_000
    assert saved.due_date == date(2027, 3, 1)
    assert saved.tags == ["heat", "sensors"]
    assert saved.summary == "Street-level heat data for three cities."
    assert [(p.organization_id, p.role) for p in saved.partners] == [
        (coalition.orgs["KCDD"], "lead")]
    assert [(b.description, b.amount_minor) for b in saved.budget_lines] == [
        ("Sensors", 12_500_00)]
    assert saved.internal_notes == "Ask about match"
    assert [(s.heading, s.body) for s in saved.sections] == [
        ("Approach", "We will deploy sensors.")]
    editor.close()
