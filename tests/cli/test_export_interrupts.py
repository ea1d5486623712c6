"""Ctrl+C while an export's file is being written: the file is whole and the command says
it was written (exit 130), never "Cancelled" about a file that exists."""

from __future__ import annotations

import signal
from pathlib import Path

from coordinator.cli import main
from coordinator.formats import exports
from coordinator.services import Services
from coordinator.services.records import ContactData


def test_a_signal_during_the_write_of_an_export_says_the_file_was_written(
        db, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    Services(db).contacts.create(ContactData(given_name="Ada", family_name="Lovelace"))
    path = db.path
    db.close()
    original = exports.write_export

    def write_then_signal(target, data):  # type: ignore[no-untyped-def]
        written = original(target, data)
        signal.raise_signal(signal.SIGINT)  # Ctrl+C right after the rename
        return written

    monkeypatch.setattr(exports, "write_export", write_then_signal)
    out = tmp_path / "people.csv"
    # After a signal the command leaves its cancel signals ignored for its exit; the test process
    # goes on, and its later subprocesses would inherit that: put the handler back.
    watched = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.getsignal(sig) for sig in watched}
    try:
        code = main(["--db", str(path), "export", "contacts", "-o", str(out)])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    err = capsys.readouterr().err
    assert code == 130
    assert "interrupted after" in err and "was written" in err
    assert "Cancelled" not in err
    assert "Lovelace" in out.read_text()
