"""The toolbar search box stops a search whose text the user has typed past."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from PySide6.QtCore import Qt

from coordinator.services.records import MeetingData
from ui.app import settle

WORD = "walrus"


class Gate(threading.Event):
    """The cancel flag of one query. When `hold`, the first look at it waits until the
    test lets go: the query is then certainly still working when the user types on."""

    def __init__(self, hold: bool) -> None:
        super().__init__()
        self.hold = hold
        self.reached = threading.Event()
        self.release = threading.Event()
        self.looks_after_set = 0

    def is_set(self) -> bool:
        if not self.reached.is_set():
            self.reached.set()
            if self.hold:
                self.release.wait(10)
        flag = super().is_set()
        self.looks_after_set += flag
        return flag


def test_typing_on_interrupts_the_search_in_flight(ctx, make_window, qtbot) -> None:
    ctx.services.meetings.create(MeetingData(
        title="Marine survey", starts_at=datetime(2026, 5, 1, 15, tzinfo=UTC),
        notes=" ".join([WORD] * 20_000)))
    ctx.services.meetings.create(MeetingData(
        title="Walrus pool", starts_at=datetime(2026, 5, 2, 15, tzinfo=UTC)))
    window = make_window(ctx)
    box = window.search
    gates: list[Gate] = []

    def new_gate() -> Gate:
        gates.append(Gate(hold=not gates))  # only the first query is held
        return gates[-1]

    box.cancel_factory = new_gate
    cancelled: list[str] = []
    shown: list[str] = []
    box.search_cancelled.connect(cancelled.append)
    box.results_shown.connect(shown.append)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert box.hasFocus()
    try:
        qtbot.keyClicks(box, " ".join([WORD] * 3))
        qtbot.waitUntil(lambda: bool(gates) and gates[0].reached.is_set(), timeout=5000)
        first = box._in_flight
        assert first
        with qtbot.waitSignal(box.results_shown, timeout=10_000):
            qtbot.keyClicks(box, " pool")  # the user types on while it works
            assert threading.Event.is_set(gates[0])  # typing cancelled the query in flight
            gates[0].release.set()
    finally:
        for gate in gates:
            gate.release.set()
    settle(ctx)
    assert cancelled == [first]  # the first query stopped with "cancelled"...
    assert gates[0].looks_after_set == 1  # ...at its first look after the keystroke
    assert shown == [box.text().strip()]  # only the current text's results appear
    titles = [item.text(0) for item in box.popup.hit_items()]
    assert titles == ["Walrus pool"]
