"""Typing a time zone into the meeting editor, letter by letter: every prefix ("A",
"America", "America/") is simply not a zone yet. "America" names a folder of the zone
database, and ZoneInfo raised IsADirectoryError for it, which reached the error dialog
(pytest-qt fails a test on any exception raised inside Qt's event handling)."""

from __future__ import annotations

import pytest

from ui.meetings.editor import MeetingEditor
from ui.timezones import is_valid_zone


@pytest.mark.parametrize("name", ["America", "America/", "Europe", "Asia", "Etc", "",
                                  "America/Ch", "../America", "/usr", " UTC", "Nowhere/City"])
def test_prefixes_and_nonsense_are_not_zones(name):
    assert is_valid_zone(name) is False


@pytest.mark.parametrize("name", ["America/Chicago", "Europe/Paris", "UTC", "Etc/UTC",
                                  "America/Argentina/Buenos_Aires"])
def test_zones_are_zones(name):
    assert is_valid_zone(name) is True


def test_typing_a_zone_letter_by_letter(qtbot, ctx):
    editor = MeetingEditor(ctx)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.keyClicks(editor.title_edit, "Zone check")
    line = editor.zone_box.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, "America/")
    assert editor.zone_times.text() == "Pick a time zone from the list."
    assert not editor.save()
    # the service's own rule, shown live while typing, and Save stays off
    assert "Unknown time zone 'America/'" in editor.problems_label.text()
    assert not editor.save_button.isEnabled()
    for prefix in ("Europe", "Asia"):
        line.selectAll()
        qtbot.keyClicks(line, prefix)
        assert editor.starts_at() is None
    line.selectAll()
    qtbot.keyClicks(line, "America/Denver")
    assert editor.starts_at() is not None
    assert "M" in editor.end_label.text()  # "ends 11:00 MST"
