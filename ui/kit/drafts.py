"""Draft autosave: an edit in progress survives a crash.

While a proposal section or meeting notes field is being typed, `DraftAutosaver` saves
its text to the `DraftStore` at most ~2 s after the first unsaved keystroke (so a
crash loses at most the last few seconds). `StateAutosaver` does the same for the whole
state of every record editor (`ui/kit/editor.py`: contact, organization, proposal,
meeting) — every field and child row (emails, attendees, agenda, action items, partners,
budget...) as the JSON of its record dataclass — after any change, so that recovery
after a crash brings back the whole edit, not only the long texts; `read_state` reads it
back. Saving the record clears its drafts. At the next start the store file is read
back: the planning views offer their recovered edits at once, and a contact or
organization form offers its own (a new record's, in the next new form) when opened.

The store is one JSON file under ``data_dir()/drafts``, private to the user (0600),
rewritten atomically (temp file, fsync, rename, fsync of the folder) on a background
thread so that typing never waits for the disk.

    store = DraftStore.shared()
    saver = DraftAutosaver(store, editor_widget, DraftKey("proposal", pid, "section:…"),
                           label="Budget narrative")
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QPlainTextEdit

from coordinator import files, paths
from coordinator.services.snapshots import SnapshotError, from_plain, to_plain

log = logging.getLogger(__name__)
T = TypeVar("T")

STORE_FILENAME = "drafts.json"
AUTOSAVE_MS = 2000
FORMAT_VERSION = 1
STATE_FIELD = "state"  # the draft holding an editor's whole state
STATE_LABEL = "all fields"


@dataclass(frozen=True)
class DraftKey:
    entity: str  # "proposal" or "meeting"
    record_id: str  # a saved record's id, or "new:<uuid>" for one never saved
    field: str  # "section:<section id>", "notes"...

    def __str__(self) -> str:
        return f"{self.entity}/{self.record_id}/{self.field}"

    @property
    def is_new_record(self) -> bool:
        return self.record_id.startswith("new:")


@dataclass
class Draft:
    entity: str
    record_id: str
    field: str
    text: str
    label: str = ""  # what the user calls it: "Section “Budget”", "Notes"
    record_title: str = ""
    saved_at: str = ""  # ISO UTC

    @property
    def key(self) -> DraftKey:
        return DraftKey(self.entity, self.record_id, self.field)


def default_store_path() -> Path:
    return paths.data_dir() / "drafts" / STORE_FILENAME


def write_private_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, privately and whole (`coordinator.files`)."""
    paths.ensure_private_dir(path.parent)
    files.write_private_atomic(path, data)


class DraftStore:
    """Unsaved text by field, mirrored to one private JSON file."""

    _shared: dict[Path, DraftStore] = {}

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_store_path()
        self._lock = threading.Lock()
        self._drafts: dict[str, Draft] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drafts")
        self._pending: Future | None = None
        self._load()

    @classmethod
    def shared(cls, path: Path | None = None) -> DraftStore:
        """The store for `path` (default: the user's data folder), one per process."""
        key = (path or default_store_path()).resolve()
        if key not in cls._shared:
            cls._shared[key] = DraftStore(key)
        return cls._shared[key]

    @classmethod
    def forget_shared(cls) -> None:
        """Drop cached stores (tests: the next `shared()` re-reads the file, as at start)."""
        for store in cls._shared.values():
            store.wait()
        cls._shared.clear()

    # -- reading ----------------------------------------------------------------------
    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("cannot read drafts file %s: %s", self.path, exc)
            return
        try:
            payload = json.loads(raw.decode("utf-8"))
            items = payload["drafts"]
            self._drafts = {str(Draft(**d).key): Draft(**d) for d in items}
        except (ValueError, KeyError, TypeError) as exc:
            bad = self.path.with_suffix(".corrupt.json")
            log.warning("drafts file %s unreadable (%s); kept as %s", self.path, exc, bad)
            os.replace(self.path, bad)

    def all(self) -> list[Draft]:
        with self._lock:
            return sorted(self._drafts.values(), key=lambda d: d.saved_at, reverse=True)

    def get(self, key: DraftKey) -> Draft | None:
        with self._lock:
            return self._drafts.get(str(key))

    def for_record(self, entity: str, record_id: str) -> list[Draft]:
        return [d for d in self.all() if d.entity == entity and d.record_id == record_id]

    def for_entity(self, entity: str) -> list[Draft]:
        return [d for d in self.all() if d.entity == entity]

    # -- writing ----------------------------------------------------------------------
    def put(self, key: DraftKey, text: str, *, label: str = "", record_title: str = "") -> None:
        draft = Draft(
            key.entity,
            key.record_id,
            key.field,
            text,
            label,
            record_title,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with self._lock:
            self._drafts[str(key)] = draft
        self._schedule()

    def discard(self, key: DraftKey) -> None:
        with self._lock:
            found = self._drafts.pop(str(key), None)
        if found is not None:
            self._schedule()

    def discard_record(self, entity: str, record_id: str) -> None:
        prefix = f"{entity}/{record_id}/"
        with self._lock:
            gone = [k for k in self._drafts if k.startswith(prefix)]
            for k in gone:
                del self._drafts[k]
        if gone:
            self._schedule()

    def _schedule(self) -> None:
        self._pending = self._executor.submit(self._write)

    def _write(self) -> None:
        with self._lock:
            payload = {
                "version": FORMAT_VERSION,
                "drafts": [asdict(d) for d in self._drafts.values()],
            }
        data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
        try:
            if payload["drafts"] or self.path.exists():
                write_private_atomic(self.path, data)
        except OSError as exc:
            log.error("cannot save drafts to %s: %s", self.path, exc)

    def wait(self) -> None:
        """Block until the last scheduled write is on disk (tests, shutdown)."""
        pending = self._pending
        if pending is not None:
            pending.result()


# Which view offers the recovered text of each entity (names from ui/views/registry.py).
RECOVERY_VIEWS = {"proposal": "proposals", "meeting": "meetings"}


def views_with_recovered_drafts(store: DraftStore | None = None) -> dict[str, int]:
    """View name -> number of recovered drafts, for the shell to call once at start
    (e.g. show those views, whose bars offer the text, or a status-bar message)."""
    out: dict[str, int] = {}
    for draft in (store or DraftStore.shared()).all():
        view = RECOVERY_VIEWS.get(draft.entity)
        if view:
            out[view] = out.get(view, 0) + 1
    return out


class _Autosaver(QObject):
    """Calls `flush` within `interval_ms` of the first change (`touch`), and again for
    changes after that: steady typing still saves every interval, never postponed."""

    def __init__(self, interval_ms: int, parent: QObject | None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self._active = True

    def touch(self) -> None:
        if self._active and not self._timer.isActive():
            self._timer.start()

    def pending(self) -> bool:
        """True while a change waits for its autosave."""
        return self._timer.isActive()

    def cancel(self) -> None:
        """Forget a pending save (the record was just saved; its drafts are gone)."""
        self._timer.stop()

    def stop(self) -> None:
        """No more saving (the field is gone, or the editor closed)."""
        self._active = False
        self._timer.stop()

    def flush(self) -> None:
        raise NotImplementedError


class DraftAutosaver(_Autosaver):
    """Saves one text widget to the store ~2 s after typing starts, while it changes."""

    def __init__(
        self,
        store: DraftStore,
        widget: QPlainTextEdit,
        key: DraftKey,
        label: str = "",
        title: Callable[[], str] | None = None,
        interval_ms: int = AUTOSAVE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(interval_ms, parent or widget)
        self.store, self.widget, self.key, self.label = store, widget, key, label
        self._title = title
        widget.textChanged.connect(self.touch)

    def flush(self) -> None:
        if not self._active or self.key.field.endswith(":"):  # no field to save into
            self._timer.stop()
            return
        self._timer.stop()
        self.store.put(
            self.key,
            self.widget.toPlainText(),
            label=self.label,
            record_title=self._title() if self._title else "",
        )

    def set_key(self, key: DraftKey, label: str | None = None) -> None:
        self.key = key
        if label is not None:
            self.label = label


class StateAutosaver(_Autosaver):
    """Saves an editor's whole state to the store ~2 s after a change (`touch`), while
    it keeps changing; `snapshot` gives the record dataclass of the editor as it is."""

    def __init__(
        self,
        store: DraftStore,
        key: Callable[[], DraftKey],
        snapshot: Callable[[], object],
        title: Callable[[], str],
        interval_ms: int = AUTOSAVE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(interval_ms, parent)
        self.store, self._key, self._snapshot, self._title = store, key, snapshot, title

    def flush(self) -> None:
        self._timer.stop()
        if not self._active:
            return
        try:
            text = json.dumps(to_plain(self._snapshot()), ensure_ascii=False)
        except (TypeError, ValueError):  # never lose the editor over its draft
            log.exception("could not snapshot an editor for its draft")
            return
        self.store.put(self._key(), text, label=STATE_LABEL, record_title=self._title())


def read_state(store: DraftStore, entity: str, record_id: str, cls: type[T]) -> T | None:
    """The whole-state draft of a record as a `cls` record, or None when there is none
    or it cannot be read (then it is dropped, and logged without its content)."""
    found = store.get(DraftKey(entity, record_id, STATE_FIELD))
    if found is None:
        return None
    try:
        return from_plain(cls, json.loads(found.text))
    except (ValueError, SnapshotError):
        log.warning("an unreadable editor draft of a %s was dropped", entity)
        store.discard(DraftKey(entity, record_id, STATE_FIELD))
        return None


__all__ = [
    "AUTOSAVE_MS",
    "STATE_FIELD",
    "Draft",
    "DraftAutosaver",
    "DraftKey",
    "DraftStore",
    "StateAutosaver",
    "read_state",
    "views_with_recovered_drafts",
    "write_private_atomic",
]
