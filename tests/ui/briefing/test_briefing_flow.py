"""prepare_briefing / prepare_proposal_document end to end on the sample coalition:
options dialog (exec patched) → build in a worker → preview; cancel; errors."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from coordinator.briefing import Profile
from coordinator.errors import CoordinatorError
from ui.briefing import actions, build
from ui.briefing.build import BuildJob, BuiltDocument, start_build
from ui.briefing.options import BriefingOptionsDialog, ProposalOptionsDialog
from ui.briefing.preview import open_previews


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[threading.Thread]]:
    """Which threads ran the work and received the progress reports."""
    seen: dict[str, list[threading.Thread]] = {"work": [], "progress": []}
    original_work = actions.build_briefing_file
    original_progress = BuildJob._on_progress

    def work(*args, **kwargs):
        seen["work"].append(threading.current_thread())
        return original_work(*args, **kwargs)

    def on_progress(self: BuildJob, page: int) -> None:
        seen["progress"].append(threading.current_thread())
        original_progress(self, page)

    monkeypatch.setattr(actions, "build_briefing_file", work)
    monkeypatch.setattr(BuildJob, "_on_progress", on_progress)
    return seen


def _accept_with(monkeypatch: pytest.MonkeyPatch, cls: type[QDialog], setup=None) -> list:
    shown: list[QDialog] = []

    def fake_exec(self: QDialog) -> int:
        shown.append(self)
        if setup is not None:
            setup(self)
        self.accept()
        return self.result()

    monkeypatch.setattr(cls, "exec", fake_exec)
    return shown


def test_prepare_briefing_builds_in_a_worker_and_shows_the_preview(
        qtbot, bctx, meeting_id: str, threads, message_boxes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = QWidget()
    qtbot.addWidget(window)

    def partners(dialog: BriefingOptionsDialog) -> None:
        dialog.set_profile(Profile.PARTNERS)
        dialog.paper.setCurrentIndex(dialog.paper.findData("a4"))

    shown = _accept_with(monkeypatch, BriefingOptionsDialog, partners)
    actions.prepare_briefing(bctx, meeting_id, window)
    assert len(shown) == 1

    qtbot.waitUntil(lambda: len(open_previews()) == 1, timeout=15_000)
    preview = open_previews()[0]
    assert preview.parent() is window
    assert preview.isVisible() and preview.page_count() > 0
    assert preview.built.kind == "briefing" and preview.built.paper == "a4"
    assert message_boxes.calls == []

    # The work ran off the GUI thread; its progress arrived on the GUI thread.
    main = threading.main_thread()
    assert threads["work"] and all(t is not main for t in threads["work"])
    assert threads["progress"] and all(t is main for t in threads["progress"])

    # The PDF is the Partners packet on A4, in a private temporary file.
    pdf = preview.built.path
    assert pdf.exists() and oct(pdf.stat().st_mode & 0o777) == "0o600"
    reader = PdfReader(pdf)
    assert len(reader.pages) == preview.page_count()
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    text = _pdf_text(pdf)
    assert "Page 1 of" in text and "Partners" in text
    for person in bctx.services.meetings.get(meeting_id).attendees:
        row = bctx.services.contacts.get(person.contact_id)
        for email in row.emails:
            assert email.address not in text  # Partners: no personal emails

    # The choices were remembered for next time.
    assert BriefingOptionsDialog(bctx.settings).options().profile is Profile.PARTNERS
    preview.close()
    assert not pdf.exists()


def test_parent_closed_during_the_build_still_shows_the_preview(
        qtbot, bctx, meeting_id: str, message_boxes, monkeypatch: pytest.MonkeyPatch) -> None:
    window = QWidget()
    _accept_with(monkeypatch, BriefingOptionsDialog)
    actions.prepare_briefing(bctx, meeting_id, window)
    window.deleteLater()  # the meeting editor closes while the packet is being built
    qtbot.waitUntil(lambda: len(open_previews()) == 1, timeout=15_000)
    preview = open_previews()[0]
    assert preview.parent() is None and preview.page_count() > 0
    assert message_boxes.calls == []


def test_prepare_proposal_document_end_to_end(qtbot, bctx, proposal_id: str, message_boxes,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _accept_with(monkeypatch, ProposalOptionsDialog)
    actions.prepare_proposal_document(bctx, proposal_id, None)
    assert len(shown) == 1
    qtbot.waitUntil(lambda: len(open_previews()) == 1, timeout=15_000)
    preview = open_previews()[0]
    title = bctx.services.proposals.get(proposal_id).title
    assert preview.built.kind == "proposal"
    assert preview.built.suggested_name.startswith("Proposal ")
    assert preview.windowTitle() == f"Proposal — {title}"
    assert preview.page_count() == len(PdfReader(preview.built.path).pages) > 0
    assert message_boxes.calls == []


def test_cancelled_options_build_nothing(qtbot, bctx, meeting_id: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BriefingOptionsDialog, "exec",
                        lambda self: QDialog.DialogCode.Rejected)
    actions.prepare_briefing(bctx, meeting_id, None)
    qtbot.wait(50)
    assert bctx.tasks.pending() == 0 and open_previews() == []


def test_unknown_meeting_is_a_clear_message_not_a_crash(bctx, message_boxes,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BriefingOptionsDialog, "exec",
                        lambda self: pytest.fail("no options for a missing meeting"))
    actions.prepare_briefing(bctx, "no-such-meeting", None)
    actions.prepare_proposal_document(bctx, "no-such-proposal", None)
    assert message_boxes.kinds() == ["warning", "warning"]
    assert message_boxes.calls[0][1] == "Cannot prepare the briefing"


def test_cancel_stops_the_build_and_removes_the_folder(qtbot, bctx, message_boxes) -> None:
    started = threading.Event()
    folders: list[Path] = []
    built: list[BuiltDocument] = []

    def slow(folder: Path, progress) -> BuiltDocument:
        folders.append(folder)
        (folder / "partial.pdf").write_bytes(b"%PDF-")
        for page in range(1, 500):
            progress(page)  # raises BuildCancelled once Cancel was pressed
            started.set()
            time.sleep(0.01)
        raise AssertionError("the build was not cancelled")

    job = start_build(bctx, None, "Preparing…", slow, lambda b, _p: built.append(b), key="t")
    qtbot.waitUntil(started.is_set, timeout=5_000)
    # A second request for the same key does not start a second build.
    assert start_build(bctx, None, "Preparing…", slow, lambda b, _p: None, key="t") is job
    job.dialog.findChild(QPushButton).click()  # the Cancel button
    qtbot.waitUntil(lambda: bctx.tasks.pending() == 0, timeout=5_000)
    qtbot.wait(20)
    assert isinstance(job.error, build.BuildCancelled)
    assert built == [] and open_previews() == [] and message_boxes.calls == []
    assert not folders[0].exists()


def test_a_failing_build_shows_a_message(qtbot, bctx, message_boxes) -> None:
    def failing(folder: Path, progress) -> BuiltDocument:
        raise CoordinatorError("Meeting not found.")

    def unwritable(folder: Path, progress) -> BuiltDocument:
        raise PermissionError(13, "Permission denied", str(folder / "x.pdf"))

    start_build(bctx, None, "Preparing…", failing, lambda b, _p: None, key="a")
    start_build(bctx, None, "Preparing…", unwritable, lambda b, _p: None, key="b")
    qtbot.waitUntil(lambda: len(message_boxes.calls) == 2, timeout=5_000)
    by_kind = {kind: text for kind, _title, text in message_boxes.calls}
    assert by_kind["warning"] == "Meeting not found."
    assert "Permission denied" in by_kind["critical"] and "x.pdf" in by_kind["critical"]
    assert open_previews() == []
