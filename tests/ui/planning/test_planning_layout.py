"""The meeting editor holds still under the mouse: ticking consortia, which fills the
time list beside the form, never moves or resizes the checkboxes."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QPoint, Qt

from ui.meetings.editor import MeetingEditor


def _geometry(editor: MeetingEditor) -> dict[str, tuple[int, int, int, int]]:
    """Each checkbox's rectangle in editor coordinates."""
    out = {}
    for cid, check in editor.consortium_checks.items():
        top_left = check.mapTo(editor, QPoint(0, 0))
        out[cid] = (top_left.x(), top_left.y(), check.width(), check.height())
    return out


@pytest.mark.parametrize("size", [(1000, 700), (760, 560)])
def test_ticking_consortia_does_not_move_the_checkboxes(qtbot, ctx, size, tmp_path) -> None:
    editor = MeetingEditor(ctx)
    qtbot.addWidget(editor)
    editor.resize(*size)
    with qtbot.waitExposed(editor):
        editor.show()
    qtbot.wait(10)
    before = _geometry(editor)
    checks = list(editor.consortium_checks.values())
    for count, check in enumerate(checks, start=1):
        qtbot.mouseClick(check, Qt.MouseButton.LeftButton,
                         pos=QPoint(8, check.height() // 2))
        qtbot.wait(10)  # let the layouts settle
        assert check.isChecked()
        assert _geometry(editor) == before, f"moved after ticking {count}"
    # and unticking them all again
    for check in checks:
        qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
    qtbot.wait(10)
    assert _geometry(editor) == before
    if os.environ.get("COORDINATOR_SHOTS"):
        editor.grab().save(os.path.join(os.environ["COORDINATOR_SHOTS"],
                                        f"meeting-editor-{size[0]}.png"))
