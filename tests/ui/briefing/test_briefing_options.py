"""The options dialogs: remembered choices, the Partners rule for private notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from coordinator.briefing import Profile
from ui.briefing.options import (
    SECTION_LABELS,
    BriefingOptionsDialog,
    ProposalOptionsDialog,
    remembered_sections,
)


def _settings(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "options.ini"


def test_first_dialog_offers_internal_letter_every_section_and_no_private(
        qtbot, settings_file: Path) -> None:
    dialog = BriefingOptionsDialog(_settings(settings_file), "Partnership call")
    qtbot.addWidget(dialog)
    options = dialog.options()
    assert options.profile is Profile.INTERNAL
    assert options.paper == "letter"
    # every section but the opt-in Coverage page
    assert options.sections == tuple(s for s in SECTION_LABELS if s != "coverage")
    assert not options.include_private and "private" not in options.sections
    assert dialog.build_button.isEnabled()


def test_coverage_is_off_until_ticked_then_remembered(qtbot, settings_file: Path) -> None:
    first = BriefingOptionsDialog(_settings(settings_file))
    qtbot.addWidget(first)
    assert not first.section_boxes["coverage"].isChecked()
    first.section_boxes["coverage"].setChecked(True)
    first.accept()
    second = BriefingOptionsDialog(_settings(settings_file))
    qtbot.addWidget(second)
    assert "coverage" in second.options().sections
    second.section_boxes["coverage"].setChecked(False)
    second.accept()
    third = BriefingOptionsDialog(_settings(settings_file))
    qtbot.addWidget(third)
    assert "coverage" not in third.options().sections


def test_options_are_remembered_across_instances(qtbot, settings_file: Path) -> None:
    first = BriefingOptionsDialog(_settings(settings_file))
    qtbot.addWidget(first)
    first.set_profile(Profile.PARTNERS)
    first.paper.setCurrentIndex(first.paper.findData("a4"))
    first.section_boxes["notes"].setChecked(False)
    first.section_boxes["organizations"].setChecked(False)
    first.accept()

    # A new dialog over a *new* QSettings object on the same file (as after a restart).
    second = BriefingOptionsDialog(_settings(settings_file))
    qtbot.addWidget(second)
    options = second.options()
    assert options.profile is Profile.PARTNERS
    assert options.paper == "a4"
    assert "notes" not in options.sections and "organizations" not in options.sections
    assert {"cover", "agenda", "attendees", "actions"} <= set(options.sections)
    assert not second.section_boxes["notes"].isChecked()

    # The proposal dialog shares the paper size.
    proposal = ProposalOptionsDialog(_settings(settings_file), "A proposal")
    qtbot.addWidget(proposal)
    assert proposal.paper_size() == "a4"
    proposal.paper.setCurrentIndex(proposal.paper.findData("letter"))
    proposal.accept()
    third = BriefingOptionsDialog(_settings(settings_file))
    qtbot.addWidget(third)
    assert third.options().paper == "letter"


def test_cancel_does_not_remember(qtbot, settings_file: Path) -> None:
    dialog = BriefingOptionsDialog(_settings(settings_file))
    qtbot.addWidget(dialog)
    dialog.set_profile(Profile.PARTNERS)
    dialog.reject()
    assert BriefingOptionsDialog(_settings(settings_file)).profile() is Profile.INTERNAL


def test_partners_profile_disables_and_clears_private_notes(
        qtbot, settings_file: Path) -> None:
    dialog = BriefingOptionsDialog(_settings(settings_file))
    qtbot.addWidget(dialog)
    dialog.private.setChecked(True)
    options = dialog.options()
    assert options.include_private and "private" in options.sections

    dialog.set_profile(Profile.PARTNERS)
    assert not dialog.private.isEnabled()
    assert not dialog.private.isChecked()
    options = dialog.options()
    assert not options.include_private and "private" not in options.sections
    assert "never" in dialog.private_hint.text()

    dialog.set_profile(Profile.INTERNAL)
    assert dialog.private.isEnabled()
    assert not dialog.private.isChecked()  # switching back never re-ticks it


def test_private_tick_is_never_remembered(qtbot, settings_file: Path) -> None:
    dialog = BriefingOptionsDialog(_settings(settings_file))
    qtbot.addWidget(dialog)
    dialog.private.setChecked(True)
    dialog.accept()
    again = BriefingOptionsDialog(_settings(settings_file))
    qtbot.addWidget(again)
    assert again.private.isEnabled() and not again.private.isChecked()


def test_no_section_means_no_build(qtbot, settings_file: Path) -> None:
    settings = _settings(settings_file)
    dialog = BriefingOptionsDialog(settings)
    qtbot.addWidget(dialog)
    for box in dialog.section_boxes.values():
        box.setChecked(False)
    assert not dialog.build_button.isEnabled()
    dialog.accept()  # refused: nothing remembered, dialog not accepted
    assert dialog.result() != dialog.DialogCode.Accepted
    assert remembered_sections(settings) == tuple(s for s in SECTION_LABELS if s != "coverage")


def test_garbage_in_settings_falls_back_to_defaults(qtbot, settings_file: Path) -> None:
    settings = _settings(settings_file)
    settings.setValue("briefing/profile", "press")
    settings.setValue("documents/paper", "tabloid")
    settings.setValue("briefing/excluded_sections", "nonsense,agenda")
    dialog = BriefingOptionsDialog(settings)
    qtbot.addWidget(dialog)
    options = dialog.options()
    assert options.profile is Profile.INTERNAL and options.paper == "letter"
    assert "agenda" not in options.sections and "attendees" in options.sections
