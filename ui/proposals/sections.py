"""Ordered proposal sections: a list of headings (add, remove, reorder) and the
selected section's Markdown with a live preview beside it. The text being typed is
autosaved as a draft (see ui/drafts.py)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coordinator.services.records import SectionData
from coordinator.wording import plural
from ui.kit.drafts import DraftAutosaver, DraftKey, DraftStore
from ui.kit.markdown import MarkdownEditor


def section_field(section: SectionData) -> str:
    return f"section:{section.id}"


class SectionsEditor(QWidget):
    changed = Signal()

    def __init__(self, drafts: DraftStore, record_key: str,
                 title_fn: object = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drafts = drafts
        self.record_key = record_key  # proposal id, or "new:<uuid>"
        self.sections: list[SectionData] = []
        self._current = -1
        self.list = QListWidget()
        self.list.setAccessibleName("Sections")
        self.list.currentRowChanged.connect(self._show)
        self.add_button = QPushButton("Add")
        self.remove_button = QPushButton("Remove")
        self.up_button = QPushButton("↑")
        self.down_button = QPushButton("↓")
        self.up_button.setToolTip("Move the section up")
        self.down_button.setToolTip("Move the section down")
        for button in (self.up_button, self.down_button):
            button.setFixedWidth(32)
        self.add_button.clicked.connect(lambda: self.add_section())
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.heading = QLineEdit()
        self.heading.setPlaceholderText("Section heading")
        self.heading.textEdited.connect(self._on_heading)
        self.body = MarkdownEditor()
        self.body.text_changed.connect(self._on_body)
        self.empty_hint = QLabel("No sections yet. Add one: e.g. Problem statement, Approach, "
                                 "Partners and roles, Budget narrative.")
        self.empty_hint.setWordWrap(True)
        self.words_label = QLabel()
        self.words_label.setStyleSheet("color: #5a6570;")
        self.autosaver = DraftAutosaver(drafts, self.body.editor,
                                        DraftKey("proposal", record_key, "section:"),
                                        title=title_fn)  # type: ignore[arg-type]

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Sections (in order)"))
        left_layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        left_layout.addLayout(buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.body, 1)
        right_layout.addWidget(self.words_label)
        right_layout.addWidget(self.empty_hint)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._update_enabled()

    # -- data -------------------------------------------------------------------------
    def set_sections(self, sections: list[SectionData]) -> None:
        self.sections = [SectionData(s.heading, s.body, s.id or str(uuid.uuid4()))
                         for s in sections]
        self._current = -1
        self.list.clear()
        for s in self.sections:
            self.list.addItem(s.heading or "(untitled)")
        if self.sections:
            self.list.setCurrentRow(0)
        self._update_enabled()

    def value(self) -> list[SectionData]:
        return [SectionData(s.heading.strip(), s.body, s.id) for s in self.sections]

    def set_record_key(self, record_key: str) -> None:
        """After a new proposal is saved, its drafts are keyed by the real id."""
        self.record_key = record_key
        self._rekey()

    def add_section(self, heading: str = "", body: str = "") -> SectionData:
        section = SectionData(heading or f"Section {len(self.sections) + 1}", body,
                              str(uuid.uuid4()))
        self.sections.append(section)
        self.list.addItem(section.heading)
        self.list.setCurrentRow(len(self.sections) - 1)
        self._update_enabled()
        self.heading.setFocus()
        self.heading.selectAll()
        self.changed.emit()
        return section

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        gone = self.sections[row]
        self.drafts.discard(DraftKey("proposal", self.record_key, section_field(gone)))
        self._current = -1
        del self.sections[row]
        self.list.takeItem(row)
        self._show(self.list.currentRow())
        self._update_enabled()
        self.changed.emit()

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < len(self.sections):
            return
        self.sections[row], self.sections[target] = self.sections[target], self.sections[row]
        for i in (row, target):
            self.list.item(i).setText(self.sections[i].heading or "(untitled)")
        self._current = target
        self.list.blockSignals(True)
        self.list.setCurrentRow(target)
        self.list.blockSignals(False)
        self.changed.emit()

    def select_section(self, section_id: str) -> None:
        for i, s in enumerate(self.sections):
            if s.id == section_id:
                self.list.setCurrentRow(i)

    def apply_recovered(self, section_id: str, heading: str, text: str) -> None:
        """Put recovered draft text into its section (re-adding it if it was never saved)."""
        for s in self.sections:
            if s.id == section_id:
                s.body = text
                break
        else:
            self.sections.append(SectionData(heading or "Recovered section", text, section_id))
            self.list.addItem(heading or "Recovered section")
        self._current = -1
        self.select_section(section_id)
        self._show(self.list.currentRow())
        self.changed.emit()

    # -- internals --------------------------------------------------------------------
    def _show(self, row: int) -> None:
        if self.autosaver.pending():
            self.autosaver.flush()
        self._current = row
        section = self.sections[row] if 0 <= row < len(self.sections) else None
        self.heading.setText(section.heading if section else "")
        self.body.set_text(section.body if section else "")
        self._rekey()
        self._update_enabled()

    def _rekey(self) -> None:
        section = self.sections[self._current] if 0 <= self._current < len(self.sections) \
            else None
        field = section_field(section) if section else "section:"
        self.autosaver.set_key(DraftKey("proposal", self.record_key, field),
                               section.heading if section else "")

    def _on_heading(self, text: str) -> None:
        if 0 <= self._current < len(self.sections):
            self.sections[self._current].heading = text
            self.list.item(self._current).setText(text or "(untitled)")
            self.autosaver.label = text
            self.changed.emit()

    def _on_body(self) -> None:
        if 0 <= self._current < len(self.sections):
            self.sections[self._current].body = self.body.text()
            self._update_words()
            self.changed.emit()

    def _update_words(self) -> None:
        current = self.sections[self._current].body if 0 <= self._current < len(self.sections) \
            else ""
        total = sum(len(s.body.split()) for s in self.sections)
        count = len(self.sections)
        every = "the only section" if count == 1 else f"all {plural(count, 'section')}"
        self.words_label.setText(f"{plural(len(current.split()), 'word')} in this section · "
                                 f"{plural(total, 'word')} in {every} · Markdown: # heading, "
                                 "**bold**, *italic*, - list, [link](https://…)")

    def _update_enabled(self) -> None:
        self._update_words()
        has = 0 <= self._current < len(self.sections)
        for w in (self.heading, self.body, self.remove_button, self.up_button,
                  self.down_button):
            w.setEnabled(has)
        self.body.setVisible(bool(self.sections))
        self.heading.setVisible(bool(self.sections))
        self.empty_hint.setVisible(not self.sections)
        self.words_label.setVisible(bool(self.sections))
