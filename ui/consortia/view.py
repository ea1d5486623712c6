"""The Consortia view: the seven consortia with their counts by sector, each one's
organizations, and a way to see its contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coordinator.models.enums import SECTOR_LABELS, Sector
from coordinator.services import OrganizationFilter
from coordinator.services.records import ConsortiumData
from coordinator.wording import plural
from ui.kit.member_view import RecordTable
from ui.kit.roles import ID_ROLE
from ui.kit.views import FeatureView
from ui.organizations.model import OrganizationTableModel
from ui.widgets.detail import DetailPane, esc, link, rows_table, web_url
from ui.widgets.forms import SPACING

if TYPE_CHECKING:
    from ui.context import AppContext



def consortium_html(c: ConsortiumData) -> str:
    facts = rows_table([
        ("Short name", esc(c.short_name)), ("Region", esc(c.region)),
        ("States", esc(c.states)), ("Time zone", esc(c.time_zone)),
        ("Website", link(web_url(c.website), c.website) if c.website else ""),
        ("Organizations", f"{c.organization_count:,}"), ("Contacts", f"{c.contact_count:,}"),
    ])
    sectors = rows_table([(SECTOR_LABELS[s], f"{c.sector_counts[s.value]:,}")
                          for s in Sector if c.sector_counts.get(s.value)])
    by_sector = (f"<h4 style='margin:0 0 2px 0;'>Organizations by sector</h4>{sectors}"
                 if sectors else "<p><i>No organizations in this consortium yet.</i></p>")
    return (f"<h2 style='margin-bottom:4px;'>{esc(c.name)}</h2>"
            f"<table cellspacing='0'><tr><td style='vertical-align:top; padding-right:36px;'>"
            f"{facts}</td><td style='vertical-align:top;'>{by_sector}</td></tr></table>")


class ConsortiaView(QWidget, FeatureView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Consortia")
        self.list = QListWidget()
        self.list.setAccessibleName("Consortia")
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setMinimumWidth(200)
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail = DetailPane("Select a consortium to see its members.")
        self.detail.record_link.connect(self._follow_link)
        self.orgs = OrganizationTableModel(ctx.services, parent=self)
        self.table = RecordTable("Organizations in this consortium")
        self.table.setModel(self.orgs)
        self.table.setColumnHidden(2, True)  # the consortium itself
        for column, width in enumerate([280, 150, 0, 130, 50, 80]):
            if width:
                self.table.horizontalHeader().resizeSection(column, width)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._open_organization)
        self.orgs_label = QLabel("Organizations")
        self.show_contacts = QPushButton("Show contacts")
        self.show_contacts.setAccessibleName("Show this consortium's contacts")
        self.show_contacts.clicked.connect(self._show_contacts)
        self.show_orgs = QPushButton("Open in Organizations")
        self.show_orgs.clicked.connect(self._show_organizations)
        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.detail, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.orgs_label, 1)
        bar.addWidget(self.show_orgs)
        bar.addWidget(self.show_contacts)
        col.addLayout(bar)
        col.addWidget(self.table, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(right)
        self.splitter.setSizes([320, 780])
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACING, SPACING, SPACING, 0)
        layout.addWidget(self.splitter)
        self.list.currentItemChanged.connect(self._on_current)
        ctx.changed.connect(self._on_changed)
        self._consortia: dict[str, ConsortiumData] = {}
        self._pending_open: str | None = None
        self.refresh()

    def refresh(self) -> None:
        """Reload the consortia and their counts in the background (counting members
        reads the whole contact table: seconds on a cold 100,000-contact file)."""
        consortia = self.ctx.services.consortia
        self.ctx.tasks.run(consortia.list, on_done=self._fill, key=f"consortia-view-{id(self)}")

    def _fill(self, items: list[ConsortiumData]) -> None:
        current = self.current_id()
        self._consortia = {c.id: c for c in items if c.id}
        self.list.blockSignals(True)
        self.list.clear()
        for c in self._consortia.values():
            item = QListWidgetItem(f"{c.short_name} — {c.name}\n"
                                   f"{plural(c.organization_count, 'organization')} · "
                                   f"{plural(c.contact_count, 'contact')}")
            item.setData(ID_ROLE, c.id)
            item.setToolTip(c.name)
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = list(self._consortia)
        if self._pending_open in ids:
            current, self._pending_open = self._pending_open, None
        row = ids.index(current) if current in ids else 0
        if ids:
            self.list.setCurrentRow(row)
            self._on_current(self.list.currentItem(), None)

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item else None

    def _on_current(self, item: QListWidgetItem | None, _prev: object) -> None:
        if item is None:
            return
        c = self._consortia.get(item.data(ID_ROLE))
        if c is None:
            return
        self.detail.show_html(consortium_html(c))
        self.orgs.set_filter(OrganizationFilter(consortium_id=c.id))
        self.orgs_label.setText(f"Organizations in {c.short_name} ({c.organization_count:,})")
        self.show_contacts.setText(f"Show {plural(c.contact_count, 'contact')}")
        self.show_contacts.setEnabled(c.contact_count > 0)

    def _on_changed(self, changes) -> None:
        if changes.touches("organization", "contact", "consortium"):
            self.refresh()

    def _open_organization(self, index) -> None:
        org_id = self.orgs.id_at(index.row())
        if org_id:
            self._follow_link("organization", org_id)

    def _follow_link(self, entity: str, record_id: str) -> None:
        opener = self.ctx.open_record
        if opener is not None:
            opener(entity, record_id)

    def _show_contacts(self) -> None:
        show = self.ctx.show_view
        view = show("contacts") if show else None
        if isinstance(view, FeatureView):
            view.set_filter(consortium_id=self.current_id())

    def _show_organizations(self) -> None:
        show = self.ctx.show_view
        view = show("organizations") if show else None
        if isinstance(view, FeatureView):
            view.set_filter(consortium_id=self.current_id())

    def open_record(self, record_id: str) -> None:
        self._pending_open = record_id  # used if the list is still loading
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == record_id:
                self.list.setCurrentRow(row)
                self.list.setFocus()
                self._pending_open = None
                return

    def selected_ids(self) -> list[str]:
        current = self.current_id()
        return [current] if current else []
