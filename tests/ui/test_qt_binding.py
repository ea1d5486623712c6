"""The Qt binding we install must not leak or over-release references.

PySide6 6.12 on Python 3.11 released one reference to None on every Qt call that
returns nothing, and the process aborted ("deallocating None") after a few thousand
calls; pyproject.toml therefore installs 6.11.3 on Python 3.11. This test fails on any
binding with that bug.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_keep_none_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("x")
        label.update()
    # A sound binding gives every reference back; the buggy one loses 40,000.
    assert sys.getrefcount(None) >= before - 100
