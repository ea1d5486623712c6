"""A page drawn from one report read in the background: Home and Coverage.

The report is read off the GUI thread when the page is shown after something changed
while it was hidden, a moment after each committed change while it is shown, and when
the shared "months without contact" setting moves (on this page, or on the other one:
it is checked again on show). A result that arrives after the page was closed is
dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QScrollArea, QWidget
from shiboken6 import isValid

from coordinator.changes import ChangeSet
from ui.kit.quiet_months import months_box, quiet_months, sync_box
from ui.kit.views import FeatureView

if TYPE_CHECKING:
    from ui.context import AppContext


class ReportPage(QScrollArea, FeatureView):
    loaded = Signal()  # the page shows the latest report

    refresh_delay_ms = 150  # changes come in bursts: read once after the last

    def __init__(self, ctx: AppContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName(name)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        # The day and the moment the page is about; tests set fixed ones.
        self.today: Callable[[], date] = date.today
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._stale = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.refresh_delay_ms)
        self._timer.timeout.connect(self.refresh)
        self.months = months_box(ctx.settings)
        self.months.valueChanged.connect(lambda _v: self._timer.start())
        ctx.changed.connect(self._on_changed)

    # -- what a page says ------------------------------------------------------------------
    def reader(self) -> Callable[[date, datetime, int], Any]:
        """What reads the report for (today, now, months): asked on the GUI thread, run
        in a worker (a service call, no widgets)."""
        raise NotImplementedError

    def show_report(self, report: Any) -> None:
        raise NotImplementedError

    # Shows a failed read on the page itself; None: the usual error dialog.
    report_failed: Callable[[BaseException], None] | None = None

    # -- loading ---------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if sync_box(self.months, self.ctx.settings) or self._stale:
            self.refresh()

    def _on_changed(self, _changes: ChangeSet) -> None:
        self._stale = True
        if self.isVisible():
            self._timer.start()

    def refresh(self) -> None:
        """Read the report again, in the background."""
        self._stale = False
        today, now, months = self.today(), self.now(), quiet_months(self.ctx.settings)
        read = self.reader()
        options: dict[str, Any] = {}
        if self.report_failed is not None:
            options["on_error"] = self._failed
        self.ctx.tasks.run(lambda: read(today, now, months), on_done=self._deliver,
                           key=f"{type(self).__name__}-{id(self)}", context=self, **options)

    def _failed(self, exc: BaseException) -> None:
        if isValid(self) and self.report_failed is not None:
            self.report_failed(exc)

    def _deliver(self, report: Any) -> None:
        if not isValid(self):
            return
        self.show_report(report)
        self.loaded.emit()
