"""Settings — About you: typed into, validated live, saved to the core's settings; shown
and changed from the document options dialogs."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from coordinator import about_you
from ui.briefing.about_you import AboutYouDialog
from ui.briefing.options import BriefingOptionsDialog, ProposalOptionsDialog


def test_typing_and_saving(qtbot):
    dialog = AboutYouDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    name, title, org = (dialog.fields[k] for k in ("name", "title", "organization"))
    qtbot.mouseClick(title, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(title, "Coalition coordinator")
    assert not dialog.save_button.isEnabled()  # a title without a name
    assert "Enter your name" in dialog.message.text()
    qtbot.mouseClick(name, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(name, "Ada Lovelace")
    qtbot.keyClicks(org, "NSCP")
    assert dialog.save_button.isEnabled() and dialog.message.isHidden()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert about_you.load() == about_you.AboutYou("Ada Lovelace", "Coalition coordinator",
                                                  "NSCP")
    again = AboutYouDialog()
    qtbot.addWidget(again)
    assert again.fields["name"].text() == "Ada Lovelace"  # shows what was saved


def test_options_dialog_shows_and_sets_who_prepares(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    options = BriefingOptionsDialog(settings, "NSCP call")
    qtbot.addWidget(options)
    options.show()
    row = options.prepared_by
    assert "Not set" in row.label.text() and row.button.text() == "Set…"
    assert options.options().prepared_by == ""

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AboutYouDialog)
        dialog.fields["name"].insert("Zoë Ødegård")  # non-ASCII: the widget's own insert
        dialog.fields["organization"].insert("NSCP")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert row.label.text() == "Zoë Ødegård, NSCP" and row.button.text() == "Change…"
    assert options.options().prepared_by == "Zoë Ødegård, NSCP"
    proposal = ProposalOptionsDialog(settings, "A proposal")
    qtbot.addWidget(proposal)
    assert proposal.prepared_by.label.text() == "Zoë Ødegård, NSCP"
