"""The draft store: private file, atomic rewrite, survives a restart, tolerates a
damaged file."""

from __future__ import annotations

import json

from ui.kit.drafts import DraftKey, DraftStore, views_with_recovered_drafts


def test_drafts_survive_a_restart_and_are_private(tmp_path):
    path = tmp_path / "drafts" / "drafts.json"
    store = DraftStore(path)
    key = DraftKey("proposal", "p1", "section:s1")
    store.put(key, "Ünïcode text ✓", label="Approach", record_title="Curb data")
    store.put(DraftKey("meeting", "m1", "notes"), "notes")
    store.wait()
    assert path.stat().st_mode & 0o777 == 0o600
    assert not list(path.parent.glob("*.tmp"))  # the temp file was renamed into place
    again = DraftStore(path)
    assert views_with_recovered_drafts(again) == {"proposals": 1, "meetings": 1}
    draft = again.get(key)
    assert draft is not None and draft.text == "Ünïcode text ✓"
    assert draft.label == "Approach" and draft.record_title == "Curb data"
    again.discard_record("proposal", "p1")
    again.wait()
    assert [d.entity for d in DraftStore(path).all()] == ["meeting"]


def test_damaged_store_is_set_aside(tmp_path):
    path = tmp_path / "drafts.json"
    path.write_text("{not json", encoding="utf-8")
    store = DraftStore(path)
    assert store.all() == []
    assert (tmp_path / "drafts.corrupt.json").exists()
    store.put(DraftKey("meeting", "m1", "notes"), "x")
    store.wait()
    assert json.loads(path.read_text(encoding="utf-8"))["drafts"][0]["text"] == "x"
