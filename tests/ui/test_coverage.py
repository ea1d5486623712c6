"""The Coverage view in a real main window on the sample coalition: the table and charts
show the service's figures, rows open their records, the CSV is written whole (or a
clear message when it cannot be), and a change refreshes the page."""

from __future__ import annotations

import csv
import io
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from coordinator.services.records import OrganizationData
from ui.app import settle
from ui.kit.roles import ID_ROLE


def _coverage(window, qtbot):
    view = window.show_view("coverage")
    qtbot.waitUntil(lambda: view.report is not None, timeout=10_000)
    settle(window.ctx)
    return view


def test_table_and_charts_show_the_figures(sample_ctx, make_window, qtbot) -> None:
    window = make_window(sample_ctx)
    view = _coverage(window, qtbot)
    report = sample_ctx.services.coverage.report(date.today(), 6)
    assert view.table.rowCount() == len(report.consortia) == 7
    for row, c in enumerate(report.consortia):
        assert view.table.item(row, 0).text() == c.short_name
        assert view.table.item(row, 1).text() == f"{c.organizations:,}"
        assert view.table.item(row, 2).text() == f"{c.contacts:,}"
        assert view.table.item(row, 3).text() == str(c.open_proposals)
    open_bars, won_bars = view.proposals_chart.series
    assert open_bars.values == [c.open_proposals for c in report.consortia]
    assert won_bars.values == [c.awarded_proposals for c in report.consortia]
    assert view.sector_map.rows == [c.short_name for c in report.consortia]
    assert sum(map(sum, view.sector_map.values)) == sum(c.organizations for c in report.consortia)
    assert view.status_chart.categories == report.quarters
    total = sum(sum(s.values) for s in view.status_chart.series)
    assert total == sum(sum(v.values()) for v in report.by_status.values())
    assert view.never.ids() == [o.id for o in report.gaps.never_in_proposal]
    image = view.grab().toImage()  # the charts paint (not a blank page)
    assert len({image.pixel(x, y) for x in range(0, image.width(), 9)
                for y in range(0, image.height(), 9)}) > 20


def test_a_row_opens_its_consortium_and_a_gap_its_organization(sample_ctx, make_window,
                                                                qtbot) -> None:
    window = make_window(sample_ctx)
    view = _coverage(window, qtbot)
    item = view.table.item(2, 0)
    rect = view.table.visualItemRect(item)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_view == "consortia"
    consortia = window.pages["consortia"]
    qtbot.waitUntil(lambda: consortia.current_id() == item.data(ID_ROLE), timeout=5000)

    window.show_view("coverage")
    gap = view.never.topLevelItem(0)
    view.never.setFocus()
    view.never.setCurrentItem(gap)
    qtbot.keyClick(view.never, Qt.Key.Key_Return)
    assert window.current_view == "organizations"
    organizations = window.pages["organizations"]
    qtbot.waitUntil(lambda: organizations.selected_ids() == [gap.data(0, ID_ROLE)],
                    timeout=10_000)


def test_export_csv_writes_the_table(sample_ctx, make_window, qtbot, tmp_path,
                                     monkeypatch) -> None:
    window = make_window(sample_ctx)
    view = _coverage(window, qtbot)
    target = tmp_path / "coverage.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert [r["Consortium"] for r in rows] == [c.short_name for c in view.report.consortia]
    assert [int(r["Contacts"]) for r in rows] == [c.contacts for c in view.report.consortia]


def test_export_to_a_missing_folder_says_so_and_writes_nothing(sample_ctx, make_window, qtbot,
                                                               tmp_path) -> None:
    window = make_window(sample_ctx)
    view = _coverage(window, qtbot)
    said: list[str] = []
    sample_ctx.status_message.connect(lambda text, _ms: said.append(text))
    target = tmp_path / "no such folder" / "coverage.csv"
    assert not view.export_csv(target)
    assert not target.exists() and not target.parent.exists()
    assert said and str(target) in said[-1] and "Nothing was written" in said[-1]


def test_a_new_member_refreshes_the_page(sample_ctx, make_window, qtbot) -> None:
    window = make_window(sample_ctx)
    view = _coverage(window, qtbot)
    first = view.report.consortia[0]
    before = first.organizations
    sample_ctx.services.organizations.create(OrganizationData(
        name="Prairie Water Utility", sector="utility", consortium_id=first.id))
    qtbot.waitUntil(lambda: view.report.consortia[0].organizations == before + 1, timeout=5000)
    assert view.table.item(0, 1).text() == f"{before + 1:,}"


def test_the_months_setting_is_shared_with_home(sample_ctx, make_window, qtbot) -> None:
    window = make_window(sample_ctx)
    home = window.pages["home"]
    qtbot.waitUntil(lambda: home.data is not None, timeout=10_000)
    home.months.setValue(3)
    view = _coverage(window, qtbot)
    assert view.months.value() == 3
    qtbot.waitUntil(lambda: view.report.months == 3, timeout=5000)
    view.months.setValue(9)
    window.show_view("home")
    assert home.months.value() == 9
    qtbot.waitUntil(lambda: home.data.quiet.months == 9, timeout=5000)
