"""The first frame lists the first contacts, read with plain sqlite3 before the core
(SQLAlchemy, models, services) is imported; the full contacts view then takes over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from coordinator.db import Database
from coordinator.db.first_page import read_first_page
from coordinator.services import Services
from ui.app import Controller

ROOT = Path(__file__).resolve().parents[2]


def test_first_frame_lists_the_same_first_page(sample_db_path, ui_settings, qtbot) -> None:
    db = Database.open(sample_db_path)
    try:
        expected = Services(db).contacts.list(limit=50)
    finally:
        db.close()
    ui_settings.setValue("main/view", "contacts")  # left on Contacts: its rows paint first
    controller = Controller(Path(sample_db_path), settings=ui_settings)
    window = controller.window
    qtbot.addWidget(window)
    controller._show_first_page()
    preview = window.first_page_view
    assert preview is not None and window.stack.currentWidget() is preview
    model = preview.model()
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert names == [r.full_name for r in expected.rows]
    assert window.sidebar_items["contacts"].text(1) == f"{expected.total:,}"

    controller.start()  # then the full view replaces the first frame, with the same rows
    qtbot.waitUntil(lambda: controller.ctx is not None, timeout=20_000)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.pages.get("contacts"),
                    timeout=20_000)
    real = window.pages["contacts"].model
    assert [real.index(r, 0).data() for r in range(len(names))] == names
    assert window.first_page_view is None
    window.close()
    controller.ctx.tasks.wait()
    controller.close()


def test_no_first_page_for_an_older_or_foreign_file(sample_db_path, tmp_path) -> None:
    from coordinator.db import migrate

    assert read_first_page(tmp_path / "missing.db") is None
    (tmp_path / "photo.db").write_bytes(b"\x89PNG" * 100)
    assert read_first_page(tmp_path / "photo.db") is None
    migrate.downgrade(Path(sample_db_path), "0004")
    assert read_first_page(sample_db_path) is None  # the full open migrates it first


def test_the_first_page_is_read_without_the_core(sample_db_path, tmp_path) -> None:
    """Reading and showing the first page imports neither SQLAlchemy nor Alembic."""
    script = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from pathlib import Path\n"
        "from PySide6.QtCore import QSettings\n"
        "from ui.app import Controller, make_application\n"
        "make_application([])\n"
        f"settings = QSettings({str(tmp_path / 'ui.ini')!r}, QSettings.Format.IniFormat)\n"
        "settings.setValue('main/view', 'contacts')\n"
        f"c = Controller(Path({str(sample_db_path)!r}), settings=settings)\n"
        "c._show_first_page()\n"
        "rows = c.window.first_page_view.model().rowCount()\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic', "
        "'coordinator.services') if m in sys.modules)\n"
        "print(rows, heavy)\n"
        "sys.stdout.flush()\n"
        "os._exit(0)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False)
    assert done.stdout.strip() == "50 []", done.stderr[-2000:]


def test_migration_machinery_is_not_imported_for_a_current_schema() -> None:
    from coordinator.db import migrate

    script = ("import sys\nfrom coordinator.db import migrate\n"
              "print(migrate.head_revision(), sorted(migrate.known_revisions()), "
              "'alembic' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=True)
    head, *_ = done.stdout.split()
    assert done.stdout.strip().endswith("False")
    # the same answers Alembic gives from the same files
    assert head == migrate._script().get_current_head()
    assert migrate.known_revisions() == {r.revision for r in migrate._script().walk_revisions()}
