"""Edit ▸ Undo right after an import takes the import back (ImportCommand)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFileDialog, QMessageBox

from coordinator.formats import batches, importer
from coordinator.formats.reader import parse_contacts
from coordinator.services.records import ContactData
from ui.io import import_contacts
from ui.io.import_dialog import ImportDialog
from ui.kit.undo import ImportCommand

CSV = (b"First Name,Last Name,E-mail 1 - Value\n"
       b"Ada,Quinn,ada@example.org\nBen,Ortiz,ben@example.org\n")


@pytest.fixture
def stack(ctx):  # type: ignore[no-untyped-def]
    ctx.undo_stack = QUndoStack()
    yield ctx.undo_stack
    del ctx.undo_stack


@pytest.fixture
def status(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    ctx.status_message.connect(lambda text, _ms: seen.append(text))
    return seen


def pushed_import(ctx, stack) -> str:  # type: ignore[no-untyped-def]
    """An earlier edit, then an import, both on the stack (as the app pushes them)."""
    ctx.services.contacts.create(ContactData(given_name="Cleo", family_name="Ng"))
    stack.push(ImportCommand(ctx, "placeholder", "earlier.csv"))  # something before
    report = importer.apply(ctx.db, parse_contacts(CSV))
    stack.push(ImportCommand(ctx, report.batch_id, "people.csv"))
    return report.batch_id


def test_the_dialog_pushes_the_import_and_says_so(ctx, stack, qtbot, modal, tmp_path,
                                                  monkeypatch) -> None:
    file = tmp_path / "people.csv"
    file.write_bytes(CSV)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(file), "")))
    seen: dict[str, str] = {}

    def drive(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.page_name == "preview"
                        and dialog.next_button.isEnabled(), timeout=10_000)
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.page_name == "done", timeout=10_000)
        seen["done"] = dialog.done_label.text()
        dialog.accept()

    modal.drivers["ImportDialog"] = drive
    import_contacts(ctx, None)
    assert stack.count() == 1 and stack.undoText() == "Import of people.csv"
    assert "Ctrl+Z or use Edit → Undo Import…" in seen["done"]


def test_undo_asks_then_removes_what_the_import_created(ctx, stack, messages,
                                                        status) -> None:
    batch_id = pushed_import(ctx, stack)
    assert ctx.services.contacts.count() == 3

    stack.undo()

    question = messages.texts("question")[-1]
    assert question.startswith("Undo the import of people.csv?")
    assert "2 contacts it created will be removed" in question
    assert ctx.services.contacts.count() == 1  # Cleo, made before the import, stays
    assert batches.list_batches(ctx.db)[0].undone_at is not None
    assert status[-1] == "Undone: 2 contacts removed."
    # an import cannot be redone from the stack: it is gone from it
    assert stack.count() == 1 and not stack.canRedo()
    assert stack.undoText() == "Import of earlier.csv"
    assert batches.list_batches(ctx.db)[0].id == batch_id


def test_saying_no_keeps_the_import_and_drops_the_step(ctx, stack, messages, status) -> None:
    pushed_import(ctx, stack)
    messages.answer = QMessageBox.StandardButton.No

    stack.undo()

    assert ctx.services.contacts.count() == 3
    assert batches.list_batches(ctx.db)[0].undone_at is None
    assert "The import stays" in status[-1]
    assert stack.count() == 1 and stack.undoText() == "Import of earlier.csv"


def test_an_import_already_undone_elsewhere_is_reported(ctx, stack, messages,
                                                        status) -> None:
    batch_id = pushed_import(ctx, stack)
    batches.undo_batch(ctx.db, batch_id)  # from Edit ▸ Undo Import… meanwhile

    stack.undo()

    assert status[-1].startswith("Could not undo the import: This import was already undone")
    assert ctx.services.contacts.count() == 1
    assert stack.count() == 1


def test_edits_made_after_the_import_are_not_lost(ctx, stack, messages, status,
                                                  tmp_path: Path) -> None:
    pushed_import(ctx, stack)
    ada = ctx.services.contacts.find_by_email("ada@example.org")[0]
    data = ctx.services.contacts.get(ada.id)
    data.notes = "Typed after the import"
    ctx.services.contacts.update(ada.id, data)

    stack.undo()

    assert "1 contact it created, edited or used since, will go to Trash" in (
        messages.texts("question")[-1])
    assert ctx.services.trash.count() == 1
    ctx.services.trash.restore("contact", ada.id)
    assert ctx.services.contacts.get(ada.id).notes == "Typed after the import"
