"""The options asked before a briefing packet or proposal document is built.

    dialog = BriefingOptionsDialog(ctx.settings, meeting_title, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        options = dialog.options()          # a core BriefingOptions; also remembered

Audience (profile), paper and the sections to include are remembered in the app's
QSettings (the single owner of UI settings) and come back in the next dialog. The
private-notes tick is deliberately *not* remembered: the issue asks for an explicit tick
every time, so a packet never carries private notes because of an earlier choice. The
tick is disabled (and cleared) for the Partners audience.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coordinator.briefing import BriefingOptions, Profile
from coordinator.briefing.collect import OPT_IN_SECTIONS, PAPERS, default_author
from ui.briefing.about_you import PreparedByRow
from ui.widgets.forms import MARGIN, SPACING

PAPER_KEY = "documents/paper"  # shared by briefings and proposal documents
PROFILE_KEY = "briefing/profile"
EXCLUDED_KEY = "briefing/excluded_sections"  # excluded, so that new sections default on
OPTED_IN_KEY = "briefing/opted_in_sections"  # opt-in sections the user ticked

PAPER_LABELS = {"letter": "US Letter (8.5 × 11 in)", "a4": "A4 (210 × 297 mm)"}
# The sections a user picks with a checkbox; "private" follows the private-notes tick.
SECTION_LABELS = {
    "cover": "Cover page",
    "agenda": "Agenda",
    "attendees": "Attendee roster",
    "organizations": "Organization profiles",
    "proposals": "Relevant proposals",
    "decisions": "Decisions from the last meeting",
    "actions": "Open action items",
    "coverage": "Coverage of the consortia",
    "notes": "Meeting notes",
}
PROFILE_HINTS = {
    Profile.INTERNAL: "For the coordinators' own team: names with emails and phones, "
                      "internal proposal notes.",
    Profile.PARTNERS: "To share outside the team: no personal emails or phones, "
                      "no internal or private notes.",
}


# -- remembered values -------------------------------------------------------------------
def _text(settings: QSettings, key: str, default: str) -> str:
    value = settings.value(key, default)
    return value if isinstance(value, str) else default


def remembered_paper(settings: QSettings) -> str:
    paper = _text(settings, PAPER_KEY, "letter").lower()
    return paper if paper in PAPERS else "letter"


def remembered_profile(settings: QSettings) -> Profile:
    try:
        return Profile(_text(settings, PROFILE_KEY, Profile.INTERNAL.value))
    except ValueError:
        return Profile.INTERNAL


def remembered_sections(settings: QSettings) -> tuple[str, ...]:
    """The checkbox sections that were included last time (all of them at first, but
    the opt-in ones, such as Coverage, only once the user ticked them)."""
    excluded = {s for s in _text(settings, EXCLUDED_KEY, "").split(",") if s}
    opted = {s for s in _text(settings, OPTED_IN_KEY, "").split(",") if s}
    return tuple(s for s in SECTION_LABELS if s not in excluded
                 and (s not in OPT_IN_SECTIONS or s in opted))


def remember(settings: QSettings, options: BriefingOptions) -> None:
    settings.setValue(PAPER_KEY, options.paper)
    settings.setValue(PROFILE_KEY, options.profile.value)
    settings.setValue(EXCLUDED_KEY,
                      ",".join(s for s in SECTION_LABELS if s not in options.sections))
    settings.setValue(OPTED_IN_KEY,
                      ",".join(s for s in OPT_IN_SECTIONS if s in options.sections))
    settings.sync()


def _paper_combo(current: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName("Paper size")
    for key in PAPERS:
        combo.addItem(PAPER_LABELS.get(key, key), key)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


def _muted(label: QLabel) -> QLabel:
    """Secondary text in the palette's muted colour (light and dark modes)."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _heading(caption: str, title: str) -> QWidget:
    """A muted caption ("Briefing packet for") over the record's title in bold."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(_muted(QLabel(caption)))
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # user text: never rich text
    label.setText(title)
    label.setWordWrap(True)
    label.setAccessibleName("Title")
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    column.addWidget(label)
    return box


# -- briefing ----------------------------------------------------------------------------
class BriefingOptionsDialog(QDialog):
    """Audience, paper, sections and private notes for one meeting's packet."""

    def __init__(self, settings: QSettings, meeting_title: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Prepare briefing")
        self.setAccessibleName("Briefing options")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        outer.setSpacing(MARGIN)
        if meeting_title:
            outer.addWidget(_heading("Briefing packet for", meeting_title))

        # audience and paper
        form = QFormLayout()
        form.setHorizontalSpacing(MARGIN)
        form.setVerticalSpacing(SPACING)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        audience = QWidget()
        column = QVBoxLayout(audience)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.profile_group = QButtonGroup(self)
        self.profile_buttons: dict[Profile, QRadioButton] = {}
        for profile in Profile:
            button = QRadioButton(profile.label)
            button.setAccessibleName(f"{profile.label} audience")
            hint = QLabel(PROFILE_HINTS[profile])
            hint.setWordWrap(True)
            hint.setIndent(22)
            _muted(hint)
            self.profile_group.addButton(button)
            self.profile_buttons[profile] = button
            column.addWidget(button)
            column.addWidget(hint)
        form.addRow("Audience:", audience)
        self.paper = _paper_combo(remembered_paper(settings))
        form.addRow("Paper:", self.paper)
        self.prepared_by = PreparedByRow()
        form.addRow("Prepared by:", self.prepared_by)
        outer.addLayout(form)

        # sections
        box = QGroupBox("Sections to include")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(MARGIN * 2)
        grid.setVerticalSpacing(SPACING)
        included = set(remembered_sections(settings))
        self.section_boxes: dict[str, QCheckBox] = {}
        half = (len(SECTION_LABELS) + 1) // 2
        for i, (key, label) in enumerate(SECTION_LABELS.items()):
            check = QCheckBox(label)
            check.setAccessibleName(label)
            check.setChecked(key in included)
            check.toggled.connect(self._update_ok)
            self.section_boxes[key] = check
            grid.addWidget(check, i % half, i // half)
        links = QDialogButtonBox(Qt.Orientation.Horizontal)
        every = QPushButton("Select all")
        none = QPushButton("Clear")
        for button in (every, none):
            button.setAutoDefault(False)
        links.addButton(every, QDialogButtonBox.ButtonRole.ActionRole)
        links.addButton(none, QDialogButtonBox.ButtonRole.ActionRole)
        every.clicked.connect(lambda: self._check_all(True))
        none.clicked.connect(lambda: self._check_all(False))
        grid.addWidget(links, half, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
        outer.addWidget(box)

        # private notes
        self.private = QCheckBox("Include private notes (the meeting's and attendees')")
        self.private.setAccessibleName("Include private notes")
        self.private_hint = QLabel()
        self.private_hint.setWordWrap(True)
        self.private_hint.setIndent(22)
        _muted(self.private_hint)
        outer.addWidget(self.private)
        outer.addWidget(self.private_hint)

        outer.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.build_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.build_button.setText("Build briefing")
        self.build_button.setAccessibleName("Build briefing")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        start = self.profile_buttons[remembered_profile(settings)]
        start.setChecked(True)
        start.setFocus()
        self.profile_group.buttonToggled.connect(self._update_private)
        self._update_private()
        self._update_ok()
        self.setMinimumWidth(480)

    # -- state -----------------------------------------------------------------------
    def profile(self) -> Profile:
        for profile, button in self.profile_buttons.items():
            if button.isChecked():
                return profile
        return Profile.INTERNAL

    def set_profile(self, profile: Profile | str) -> None:
        self.profile_buttons[Profile(profile)].setChecked(True)

    def selected_sections(self) -> tuple[str, ...]:
        return tuple(k for k, box in self.section_boxes.items() if box.isChecked())

    def _check_all(self, on: bool) -> None:
        for box in self.section_boxes.values():
            box.setChecked(on)

    def _update_private(self, *_args: object) -> None:
        internal = self.profile() is Profile.INTERNAL
        if not internal:
            self.private.setChecked(False)
        self.private.setEnabled(internal)
        self.private_hint.setText(
            "Private notes stay out of the packet unless you tick this, every time."
            if internal else "Private notes are never part of a Partners briefing.")

    def _update_ok(self, *_args: object) -> None:
        any_section = bool(self.selected_sections())
        self.build_button.setEnabled(any_section)
        self.build_button.setToolTip("" if any_section else "Choose at least one section.")

    def options(self) -> BriefingOptions:
        """The chosen options as the core takes them."""
        include_private = self.private.isChecked() and self.profile() is Profile.INTERNAL
        sections = self.selected_sections() + (("private",) if include_private else ())
        return BriefingOptions(profile=self.profile(), paper=self.paper.currentData(),
                               include_private=include_private, sections=sections,
                               prepared_by=default_author())

    def accept(self) -> None:
        if not self.selected_sections():
            return
        remember(self.settings, self.options())
        super().accept()


# -- proposal ----------------------------------------------------------------------------
class ProposalOptionsDialog(QDialog):
    """The paper size for a proposal document (shared with the briefing's)."""

    def __init__(self, settings: QSettings, proposal_title: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Prepare proposal document")
        self.setAccessibleName("Proposal document options")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        outer.setSpacing(MARGIN)
        if proposal_title:
            outer.addWidget(_heading("Proposal document for", proposal_title))
        form = QFormLayout()
        form.setHorizontalSpacing(MARGIN)
        self.paper = _paper_combo(remembered_paper(settings))
        form.addRow("Paper:", self.paper)
        self.prepared_by = PreparedByRow()
        form.addRow("Prepared by:", self.prepared_by)
        outer.addLayout(form)
        note = QLabel("The document has a title page, the summary, partners, budget and "
                      "every section. Internal notes are never part of it.")
        note.setWordWrap(True)
        _muted(note)
        outer.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.build_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.build_button.setText("Build document")
        self.build_button.setAccessibleName("Build document")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.setMinimumWidth(420)

    def paper_size(self) -> str:
        return str(self.paper.currentData())

    def accept(self) -> None:
        self.settings.setValue(PAPER_KEY, self.paper_size())
        self.settings.sync()
        super().accept()
