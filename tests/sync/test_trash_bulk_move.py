"""A bulk move to Trash and back on a laptop that joined a team hub: the change capture
marks every row it updates as moving one record at a time did (SQLite triggers follow
the plain UPDATE), and both moves reach a second laptop."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator.db import Database
from coordinator.services import Services, base
from tests.services.conftest import Build, copy_database
from tests.services.test_trash_bulk_move import MOMENT, build_live, move_one_at_a_time
from tests.sync.test_trash_bulk_purge import capture, records


def test_a_bulk_move_is_captured_as_before_and_reaches_the_other_laptop(
        laptops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(base, "MOVE_CHUNK", 2)  # several chunks per kind of record
    monkeypatch.setattr(base, "utcnow", lambda: MOMENT)  # both ways stamp the same time
    a, b = laptops("a"), laptops("b")
    live = build_live(a.services, Build(a.services))
    moved = {(e, i) for e, ids in live.items() for i in ids}
    a.join()
    b.join()
    assert b.services.trash.count() == 1  # Dee, in Trash before
    twin_path = tmp_path / "a-twin.db"
    copy_database(a.path, twin_path)
    twin = Database.open(twin_path)
    twin_services = Services(twin)

    try:
        for to_trash in (True, False):
            move_one_at_a_time(twin_services, live, to_trash)
            if to_trash:
                assert a.services.trash.move_to_trash(live) == 6
            else:
                assert a.services.trash.restore_many(live) == 6
            marks, bases = capture(a.path)
            assert (marks, bases) == capture(twin_path)
            dirty = {(kind, row_id) for kind, row_id, _synced, is_dirty, _gone in marks
                     if is_dirty}
            assert moved <= dirty
            a.sync()
            b.sync()
            in_trash = {(i.entity, i.id) for i in b.services.trash.list()}
            assert (moved <= in_trash) is to_trash
            assert not (moved & in_trash) or to_trash
            assert records(b.db) == records(a.db)
            twin.close()
            copy_database(a.path, twin_path)  # synced: the next reference starts here
            twin = Database.open(twin_path)
            twin_services = Services(twin)
    finally:
        twin.close()
    assert b.services.trash.count() == 1
