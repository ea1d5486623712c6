"""A CSV parsed in a pool of processes gives exactly the one-process ParseResult.

The files here are small, so the tests lower `parallel.MIN_CHARS` and `PART_CHARS` to
cut them into many parts, and slow this process's own parsing down so that the
workers really take parts (this process parses whenever the workers are busy).
"""

from __future__ import annotations

import csv
import io
import itertools
import threading
import time

import pytest

from coordinator.formats import parallel
from coordinator.formats.csv_import import parse_csv
from coordinator.formats.parsed import ImportCancelled, ParseResult, UnreadableFile

HEADER = ["First Name", "Last Name", "Organization Name", "Notes", "Labels",
          "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Value", "Address 1 - Street",
          "Address 1 - City", "Birthday"]


def contacts_csv(rows: int = 700, *, stray_quote: bool = False) -> bytes:
    """Google rows with problems scattered through them: bad emails, rows without a
    name, rows with too many cells, blank lines, quoted multi-line notes, cells that
    were neutralised, bad birthdays, duplicates, company rows."""
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADER)
    for i in range(rows):
        email = f"p{i}@example.org" if i % 37 else f"p{i}@"
        given = "" if i % 53 == 0 else f"Ada{i}"
        family = "" if i % 53 == 0 else f"Lovelace-{i}"
        notes = f'Met "{i}" times,\nthen again.' if i % 5 == 0 else ""
        row = [given, family, f"Org {i % 40}", notes, "* myContacts ::: Water",
               "* Work", email, f"(214) 555-{i % 10000:04d}" if i % 3 else "'+12145550100",
               f"{i} Main St\nSuite {i % 9}" if i % 2 else "", "Plano",
               "--02-30" if i % 29 == 0 else "--03-07"]
        if i % 71 == 0:
            row.append("extra")
        if stray_quote and i == rows // 2:
            row[2] = 'Org "X'  # a quote in an unquoted cell: the quote count goes odd
        if i % 61 == 0:
            w.writerow([])
        if stray_quote and i == rows // 2:
            out.write(",".join(row) + "\r\n")
        else:
            w.writerow(row)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Pool on for any size, small parts, two workers, this process slowed down."""
    monkeypatch.setattr(parallel, "MIN_CHARS", 0)
    monkeypatch.setattr(parallel, "PART_CHARS", 2_000)
    monkeypatch.setenv(parallel.ENV_WORKERS, "2")
    counts = {"here": 0}
    parse_part = parallel.parse_part

    def slow_parse_part(job):  # type: ignore[no-untyped-def]
        counts["here"] += 1
        time.sleep(0.02)
        return parse_part(job)

    monkeypatch.setattr(parallel, "parse_part", slow_parse_part)

    class StartedPool(parallel._Pool):
        """Waits for the workers (starting them takes seconds on a busy machine)."""

        def __init__(self, count: int) -> None:
            super().__init__(count)
            deadline = time.monotonic() + 120
            while self.executor is None and not self.failed and time.monotonic() < deadline:
                time.sleep(0.01)

    monkeypatch.setattr(parallel, "_Pool", StartedPool)
    return counts


def one_process(raw: bytes) -> ParseResult:
    saved = parallel.MIN_CHARS
    parallel.MIN_CHARS = 10**12
    try:
        return parse_csv(raw)
    finally:
        parallel.MIN_CHARS = saved


def test_pooled_parse_equals_one_process(pool: dict[str, int]) -> None:
    raw = contacts_csv()
    expected = one_process(raw)
    assert expected.errors and expected.warnings  # the file has problems to report
    parts = len(parallel.split_parts(raw.decode(), 0, 0, 2_000))
    result = parse_csv(raw)
    assert 0 < pool["here"] < parts - 5  # workers did most of the parts
    assert result == expected
    assert result.warnings == expected.warnings
    assert [(p.where, p.reason, p.line) for p in result.errors] == [
        (p.where, p.reason, p.line) for p in expected.errors]
    assert [c.where for c in result.contacts] == [c.where for c in expected.contacts]


def test_a_cut_inside_a_quoted_field_falls_back_to_one_process(pool: dict[str, int]) -> None:
    """A stray quote makes the cut points guess wrong; the result is still exact."""
    raw = contacts_csv(stray_quote=True)
    assert parse_csv(raw) == one_process(raw)


def test_a_broken_file_reports_the_same_error(pool: dict[str, int]) -> None:
    raw = contacts_csv(300) + b'Ada,"Lovelace,never closed\r\n'
    with pytest.raises(UnreadableFile) as expected:
        one_process(raw)
    with pytest.raises(UnreadableFile) as pooled:
        parse_csv(raw)
    assert str(pooled.value) == str(expected.value)


def test_progress_goes_up_to_the_end(pool: dict[str, int]) -> None:
    seen: list[tuple[int, int]] = []
    result = parse_csv(contacts_csv(), progress=lambda d, t: seen.append((d, t)))
    assert seen[0][0] == 0 and len(seen) > 5
    done = [d / t for d, t in seen]
    assert done == sorted(done)
    assert seen[-1] == (result.records_read, result.records_read)


def test_cancelling_stops_the_workers(pool: dict[str, int],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    workers: list[object] = []

    class WatchedPool(parallel._Pool):  # the fixture's StartedPool
        def stop(self, *, terminate: bool) -> None:
            if self.executor is not None:
                workers.extend((getattr(self.executor, "_processes", None) or {}).values())
            super().stop(terminate=terminate)

    monkeypatch.setattr(parallel, "_Pool", WatchedPool)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 30

    with pytest.raises(ImportCancelled):
        parse_csv(contacts_csv(2000), cancelled=cancelled)
    assert workers, "the pool had started"
    assert not any(w.is_alive() for w in workers)  # type: ignore[attr-defined]


def test_pooled_parse_from_a_worker_thread(pool: dict[str, int]) -> None:
    """As the app runs it: in a QThreadPool worker, not the main thread."""
    raw = contacts_csv()
    out: list[ParseResult] = []
    thread = threading.Thread(target=lambda: out.append(parse_csv(raw)))
    thread.start()
    thread.join(60)
    assert out and out[0] == one_process(raw)


def test_parts_are_cut_between_records() -> None:
    text = contacts_csv(300).decode()
    header = parallel.read_header(text, ",")
    assert header is not None
    cells, start, lines, _sample = header
    assert cells == HEADER and text[start - 2:start] == "\r\n" and lines == 1
    parts = parallel.split_parts(text, start, lines, 1_000)
    assert len(parts) > 10
    assert parts[0].start == start and parts[-1].end == len(text)
    for before, after in itertools.pairwise(parts):
        assert before.end == after.start and text[before.end - 1] == "\n"
        assert text.count('"', start, before.end) % 2 == 0
        assert after.lines_before == before.lines_before + before.lines
    assert parts[-1].lines_before + parts[-1].lines == text.count("\n")  # incl. in quotes


def test_results_pickle_back_equal() -> None:
    import pickle

    result = one_process(contacts_csv(100))
    items = [(0, 1, c) for c in result.contacts] + [(0, 1, e) for e in result.errors]
    assert pickle.loads(parallel._dumps((len(items), items))) == (len(items), items)


def test_when_there_is_no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    big = "x" * parallel.MIN_CHARS
    monkeypatch.delenv(parallel.ENV_WORKERS, raising=False)
    monkeypatch.setattr(parallel, "cpus", lambda: 4)
    assert parallel.worker_count(100) == 3
    assert parallel.worth_a_pool(big)
    assert not parallel.worth_a_pool(big[:-1])  # small files: one process
    monkeypatch.setenv(parallel.ENV_WORKERS, "0")
    assert not parallel.worth_a_pool(big)
    monkeypatch.delenv(parallel.ENV_WORKERS)
    monkeypatch.setattr("sys.frozen", True, raising=False)
    assert not parallel.worth_a_pool(big)  # a frozen app must call freeze_support first
    monkeypatch.setattr(parallel, "FROZEN_POOL_OK", True)
    assert parallel.worth_a_pool(big)
    monkeypatch.setattr(parallel, "cpus", lambda: 2)
    assert not parallel.worth_a_pool(big)  # one worker does not pay (see MIN_WORKERS)
    monkeypatch.setenv(parallel.ENV_WORKERS, "1")
    assert parallel.worth_a_pool(big)  # unless asked for


def test_a_file_with_lines_above_its_header_parses_alike(pool: dict[str, int]) -> None:
    """LinkedIn's Connections.csv opens with notes above the header: the pooled parse
    finds the same header and numbers rows and lines alike."""
    notes = (b'Notes:\r\n"When exporting your connection data, you may notice that some of '
             b'the email addresses are missing."\r\n\r\n')
    raw = notes + contacts_csv()
    expected = one_process(raw)
    assert expected.headers[:2] == HEADER[:2] and expected.contacts
    result = parse_csv(raw)
    assert pool["here"] > 0
    assert result == expected
    assert [(p.where, p.reason, p.line) for p in result.errors] == [
        (p.where, p.reason, p.line) for p in expected.errors]
    assert [c.where for c in result.contacts] == [c.where for c in expected.contacts]
