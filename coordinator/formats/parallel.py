"""Parsing a large CSV file in several processes, with the same result as in one.

Parsing and validating 100,000 contacts is CPU-bound Python; threads do not help, but
processes do. The decoded text is cut into parts at line ends, each part is parsed
(csv.reader, then `csv_import.row_parser`) in a worker process or in this one, and the
parts are put back together in order, with their rows numbered as the whole file would
be. This process takes parts itself whenever the workers have enough queued, so a pool
that is slow to start (or never starts) costs little: this process simply does more.

Why the result is the same as the single-process parse:

- A part starts where the previous part ends, after a line break. It is cut there
  only if an even number of quote characters come before it (outside a quoted field).
  That guess can be wrong (a stray quote in an unquoted field); but a part whose last
  line ends inside a quoted field makes csv.reader (strict) raise "unexpected end of
  data". So when every part parses without error, every cut was between records, and
  each part yields exactly the records the whole-file reader yields there. On any
  error, `parse_text` returns None and the caller parses the file in one process
  (which then reports the error exactly as before, or succeeds).
- Row numbers count non-blank records, which is only known once the earlier parts are
  read: a part numbers its rows from 0 and they are renumbered when merged, in order.
  Line numbers are known up front (line breaks before the part).
- Results come back from workers pickled as (class, field values) (`_dumps`), which
  costs about half of pickling the dataclasses the default way, both ways.

Progress is reported in lines of the file (known up front), as parts complete;
cancelling stops handing out parts and terminates the workers.

Workers are started with "forkserver" (a clean server process forks them; the Qt
process itself is never forked) where available, else "spawn". Both import this
module, not the caller's script; a spawned worker does import the caller's `__main__`
module (as `__mp_main__`), so scripts must keep their work under
`if __name__ == "__main__":` (main.py, `python -m coordinator` and bench/ do). A frozen
build never uses the pool unless its entry point calls
`multiprocessing.freeze_support()` first (see `pool_enabled`).
"""

from __future__ import annotations

import csv
import dataclasses
import gc
import io
import multiprocessing
import os
import pickle
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from operator import attrgetter
from typing import Any

from coordinator.formats import preamble
from coordinator.formats.parsed import (
    CancelCheck,
    ImportProblem,
    ParsedContact,
    ProgressCallback,
    check_cancel,
)
from coordinator.services.records import AddressData, ContactData, EmailData, PhoneData

# Below this many characters (about 20,000 Google rows) one process is as fast: a
# worker takes about a second to start (importing the app's modules).
MIN_CHARS = 6_000_000
# A part of about this many characters (2,000 Google rows): small enough for smooth
# progress, quick cancel and even load, large enough that sending it costs little.
PART_CHARS = 600_000
MAX_WORKERS = 8
# With one worker (two CPUs) the pool was no faster than one process, measured on a
# 2-CPU VM: the worker re-reads its part's CSV and pickles its results, and this
# process unpickles them, which eats what a second CPU gives. From two workers on,
# this process mostly merges and the workers do the parsing.
MIN_WORKERS = 2
ENV_WORKERS = "COORDINATOR_PARSE_WORKERS"  # "0" turns the pool off; "3" asks for 3
# A pool not up after this long is given up (this process parses alone); the process
# never waits longer than this at exit for a pool still starting.
START_TIMEOUT_S = 60.0
# Set by the app's entry point of a frozen build after `multiprocessing.freeze_support()`.
FROZEN_POOL_OK = False

Parsed = ParsedContact | ImportProblem


@dataclasses.dataclass(frozen=True)
class Part:
    """One part of the text: characters [start, end), and the number of line breaks
    before it (so its first line is `lines_before + 1`) and inside it."""

    start: int
    end: int
    lines_before: int
    lines: int


@dataclasses.dataclass(frozen=True)
class Job:
    """Everything a worker needs to parse one part (pickled to it)."""

    text: str
    delimiter: str
    headers: tuple[str, ...]
    layout: str
    mapping: tuple[tuple[str, str], ...]
    lines_before: int


def pool_enabled() -> bool:
    """Whether this process may start parse workers at all.

    Not in a worker itself (no pools of pools), not in a frozen build whose entry
    point has not said it calls `multiprocessing.freeze_support()` (a spawned worker
    would start the whole app again), and not when the environment turns it off.
    """
    if os.environ.get(ENV_WORKERS, "").strip() == "0":
        return False
    if multiprocessing.parent_process() is not None:
        return False
    return not (getattr(sys, "frozen", False) and not FROZEN_POOL_OK)


def cpus() -> int:
    """CPUs this process may run on (a container or `taskset` may allow fewer than
    the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def worker_count(parts: int) -> int:
    """Workers besides this process: `min(cpus(), MAX_WORKERS) - 1` (this process
    parses too), at most one per part after the first; or as the environment asks."""
    wanted = os.environ.get(ENV_WORKERS, "").strip()
    count = int(wanted) if wanted.isdigit() else min(cpus(), MAX_WORKERS) - 1
    return max(0, min(count, parts - 1))


def worth_a_pool(text: str) -> bool:
    """A pool pays only on large files (MIN_CHARS) with CPUs for MIN_WORKERS workers
    (the environment variable overrides the count)."""
    if len(text) < MIN_CHARS or not pool_enabled():
        return False
    wanted = os.environ.get(ENV_WORKERS, "").strip()
    return worker_count(MAX_WORKERS + 1) >= (1 if wanted.isdigit() else MIN_WORKERS)


def _line_breaks(text: str, start: int, end: int) -> int:
    """Line breaks in text[start:end] as csv.reader counts lines: \\r\\n, \\r or \\n."""
    return (text.count("\n", start, end) + text.count("\r", start, end)
            - text.count("\r\n", start, end))


def split_parts(text: str, start: int, lines_before: int,
                part_chars: int | None = None) -> list[Part]:
    """Cut text[start:] after line feeds that follow an even number of quotes (counted
    from `start`, which must be a record boundary), every `part_chars` or so."""
    size = part_chars or PART_CHARS
    parts: list[Part] = []
    end = len(text)
    lines = lines_before
    quotes_even = True
    cut = start
    while cut < end:
        target = cut + size
        if target >= end:
            nxt = end
        else:
            nxt = text.find("\n", target)
            nxt = end if nxt < 0 else nxt + 1
            # Move on line by line until the quotes before the cut are balanced.
            even = quotes_even ^ (text.count('"', cut, nxt) % 2 == 1)
            while not even and nxt < end:
                after = text.find("\n", nxt)
                after = end if after < 0 else after + 1
                even ^= text.count('"', nxt, after) % 2 == 1
                nxt = after
            quotes_even = even
        count = _line_breaks(text, cut, nxt)
        parts.append(Part(cut, nxt, lines, count))
        lines += count
        cut = nxt
    return parts


# -- parsing one part (in a worker or here) ------------------------------------------

_parsers: dict[tuple[Any, ...], Callable[[int, int, list[str]], Parsed]] = {}


def _row_parser(job: Job) -> Callable[[int, int, list[str]], Parsed]:
    from coordinator.formats.csv_import import row_parser

    key = (job.headers, job.layout, job.mapping)
    parser = _parsers.get(key)
    if parser is None:
        _parsers.clear()
        parser = _parsers[key] = row_parser(list(job.headers), job.layout,
                                            dict(job.mapping) or None)
    return parser


def parse_part(job: Job) -> tuple[int, list[tuple[int, int, Parsed]]] | None:
    """(records, [(row index in the part, line, result)]) for one part; None when
    csv.reader raises (a cut inside a quoted field, or a broken file).

    The results carry a placeholder `where`: rows are numbered when merged."""
    parse_row = _row_parser(job)
    reader = csv.reader(io.StringIO(job.text, newline=""), delimiter=job.delimiter,
                        strict=True)
    out: list[tuple[int, int, Parsed]] = []
    line = job.lines_before + 1
    index = 0
    try:
        for cells in reader:
            first, line = line, job.lines_before + reader.line_num + 1
            if not (cells and cells[0].strip()) and not any(c.strip() for c in cells):
                continue
            out.append((index, first, parse_row(0, first, cells)))
            index += 1
    except csv.Error:
        return None
    return index, out


def _pickled_part(job: Job) -> bytes | None:
    """`parse_part` in a worker, pickled compactly here (see `_dumps`)."""
    parsed = parse_part(job)
    return None if parsed is None else _dumps(parsed)


# -- results, pickled compactly ---------------------------------------------------------

def _reducers() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    """How to pickle each result dataclass: its class and its field values in order,
    so that unpickling calls the class with them. The default pickling of a dataclass
    (an empty instance, then its attribute dict) costs twice as much both ways. A class
    with a field outside __init__ keeps the default."""
    table: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
    for cls in (ParsedContact, ContactData, EmailData, PhoneData, AddressData, ImportProblem):
        fields = dataclasses.fields(cls)
        if all(f.init for f in fields):
            values = attrgetter(*(f.name for f in fields))
            table[cls] = (lambda c, v: lambda obj: (c, v(obj)))(cls, values)
    return table


_REDUCERS = _reducers()


def _dumps(value: Any) -> bytes:
    """Pickle `value` with `_REDUCERS` for the result dataclasses (this pickler only:
    nothing changes how these classes pickle or copy anywhere else)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS  # type: ignore[assignment]
    pickler.dump(value)
    return buffer.getvalue()


def _where(number: int, line: int) -> str:
    return f"row {number}" if number == line else f"row {number} (line {line})"


def _renumbered(result: Parsed, where: str) -> Parsed:
    if isinstance(result, ImportProblem):
        return ImportProblem(where, result.reason, result.line)
    result.where = where
    return result


# -- the pool --------------------------------------------------------------------------


def _context() -> Any:
    """forkserver (with this module and the row parser's preloaded, so each worker
    starts warm: importing the parser's modules in each worker on its first part
    took most of a second) or spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__, "coordinator.formats.csv_import"])
        return ctx
    return multiprocessing.get_context("spawn")


def _ready() -> bool:
    """Run in a worker to know that the pool is up."""
    return True


def _worker_start(parent_pid: int) -> None:
    """Ready a worker: it ends with the process that started the pool, ignores Ctrl+C,
    and keeps the collector off the modules it starts with.

    Ctrl+C reaches every process of the terminal's foreground group: the worker leaves
    it to this process, which stops the pool (a worker that died of it would break the
    pool and print its own traceback). A worker whose parent is gone (killed: no pool
    shutdown ever reaches it) would wait on its queue forever, and keep the fork server
    and the resource tracker alive with it (`_exit_with_parent`).

    A worker holds the whole app's modules (hundreds of thousands of objects) and
    makes tens of thousands of objects per part: without `gc.freeze`, the collector's
    full passes walk all of them again and again, and a part takes twice as long.
    Frozen objects are never walked; what the parts make is still collected as usual.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent_pid)
    gc.freeze()


def _exit_with_parent(pid: int) -> None:
    """End this process as soon as process `pid` (the one that started the pool) dies,
    even in the middle of a part. A thread waits on a pidfd of it (Linux), or looks
    every second. (`multiprocessing.parent_process()` cannot tell: under the fork
    server its sentinel is a pipe that the parent closes once the worker has started.)
    """

    def gone() -> None:
        os._exit(1)

    def watch() -> None:
        try:
            handle = os.pidfd_open(pid)  # type: ignore[attr-defined]
        except ProcessLookupError:
            gone()
        except (AttributeError, OSError):  # not Linux 5.3+: look now and then
            while True:
                time.sleep(1.0)
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    gone()
                except OSError:
                    pass
        select.select([handle], [], [])  # readable once the process has ended
        gone()

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class _Pool:
    """A process pool started in a thread, so that this process parses meanwhile.

    Starting workers takes about a second (a spawned worker, or the forkserver the
    first time, imports the app's modules), and `ProcessPoolExecutor.submit` blocks
    while it does. `executor` is None until a worker has answered; `failed` says the
    pool could not start (then this process does everything). `stop` may come first:
    the starting thread then shuts the pool down itself when it gets that far.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self.executor: ProcessPoolExecutor | None = None
        self.failed = False
        self._stopped = False
        self._lock = threading.Lock()
        _start_fork_server_ignoring_ctrl_c()
        # Not a daemon: the process waits for a pool still starting when it exits (the
        # thread then shuts it down), instead of leaving a worker half started, which
        # would find its queues gone and print a traceback on the terminal.
        threading.Thread(target=self._start, name="parse-pool-start").start()

    def _start(self) -> None:
        try:
            executor = ProcessPoolExecutor(self.count, mp_context=_context(),
                                           initializer=_worker_start,
                                           initargs=(os.getpid(),))
        except (OSError, ValueError, NotImplementedError):  # no semaphores, no processes
            self.failed = True
            return
        try:
            # Every worker is started here (a submit finding no idle worker starts one),
            # never later by a submit in the parsing thread: a Ctrl+C landing there
            # between a worker's start and its registration would orphan it.
            for future in [executor.submit(_ready) for _ in range(self.count)]:
                future.result(timeout=START_TIMEOUT_S)
        except Exception:  # BrokenProcessPool, OSError...: parse here instead
            self.failed = True
            _shutdown(executor, terminate=True)
            return
        with self._lock:
            if not self._stopped:
                self.executor = executor
                return
        _shutdown(executor, terminate=False)

    def stop(self, *, terminate: bool) -> None:
        with self._lock:
            self._stopped = True
            executor, self.executor = self.executor, None
        if executor is not None:
            _shutdown(executor, terminate=terminate)


def _start_fork_server_ignoring_ctrl_c() -> None:
    """Start the fork server (if not running) with Ctrl+C ignored from its first moment.

    It ignores Ctrl+C itself, but only after importing the app (a second or so), and a
    Ctrl+C to the terminal meanwhile would print its traceback; an ignored signal stays
    ignored across exec. Only the main thread may change signal handlers (elsewhere,
    as in the app, there is no terminal to press Ctrl+C in). For the few milliseconds
    of the start, a Ctrl+C is ignored by this process too.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver

    _context()  # sets what the server preloads
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):
        return
    try:
        forkserver.ensure_running()
    except OSError:
        pass  # the pool's own start fails the same way and this process parses alone
    finally:
        signal.signal(signal.SIGINT, previous)


def _shutdown(executor: ProcessPoolExecutor, *, terminate: bool) -> None:
    """Shut the pool down; with `terminate`, kill workers still busy on a part."""
    if terminate:
        # ProcessPoolExecutor (3.11) has no public way to stop running work.
        processes = list((getattr(executor, "_processes", None) or {}).values())
        for process in processes:
            if process.is_alive():
                process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)


def parse_text(text: str, delimiter: str, headers: list[str], layout: str,
               mapping: dict[str, str] | None, data_start: int, header_lines: int, *,
               progress: ProgressCallback | None = None,
               cancelled: CancelCheck | None = None,
               workers: int | None = None,
               part_chars: int | None = None) -> tuple[int, list[Parsed]] | None:
    """(records read, results in file order) for the rows in text[data_start:], which
    starts after the header record (`header_lines` lines); None when the text cannot
    be cut between records (or a worker broke): then parse it in one process instead.

    This process parses a part itself whenever the workers have two parts each
    queued (or are still starting), so the work is shared without guessing speeds.
    """
    parts = split_parts(text, data_start, header_lines, part_chars)
    count = worker_count(len(parts)) if workers is None else min(workers, len(parts) - 1)
    if count < 1:
        return None
    total_lines = sum(p.lines for p in parts)
    head = (tuple(headers), layout, tuple((mapping or {}).items()))

    def job(part: Part) -> Job:
        return Job(text[part.start:part.end], delimiter, *head, part.lines_before)

    pool = _Pool(count)
    finished = False
    try:
        done: list[tuple[int, list[tuple[int, int, Parsed]]] | None] = [None] * len(parts)
        running: dict[Future[Any], int] = {}
        results: list[Parsed] = []
        merged = rows = lines_done = 0
        following = 0
        if progress is not None:
            progress(0, total_lines)
        while merged < len(parts):
            check_cancel(cancelled)
            executor = pool.executor
            while executor is not None and following < len(parts) and len(running) < 2 * count:
                running[executor.submit(_pickled_part, job(parts[following]))] = following
                following += 1
            finished_now = [f for f in running if f.done()]
            if not finished_now and following < len(parts):
                own = parse_part(job(parts[following]))  # the pool is busy: do one here
                if own is None:
                    return None
                done[following] = own
                lines_done += parts[following].lines
                following += 1
            elif not finished_now:
                finished_now = list(wait(running, timeout=0.1,
                                         return_when=FIRST_COMPLETED).done)
            for future in finished_now:
                index = running.pop(future)
                outcome = future.result()  # BrokenProcessPool: handled below
                if outcome is None:
                    return None
                done[index] = pickle.loads(outcome)
                lines_done += parts[index].lines
            if progress is not None:
                progress(lines_done, total_lines)
            while merged < len(parts) and done[merged] is not None:
                records, items = done[merged]  # type: ignore[misc]
                done[merged] = None
                for index, line, result in items:
                    results.append(_renumbered(result, _where(rows + index + 2, line)))
                rows += records
                merged += 1
        finished = True
        return rows, results
    except (OSError, RuntimeError, EOFError) as exc:  # BrokenProcessPool is a RuntimeError
        if isinstance(exc, RuntimeError) and not _broken(exc):
            raise
        return None
    finally:
        pool.stop(terminate=not finished)


def _broken(exc: BaseException) -> bool:
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(exc, BrokenProcessPool) or "bootstrapping phase" in str(exc)


def read_header(text: str, delimiter: str, sample: int = 0
                ) -> tuple[list[str], int, int, list[list[str]]] | None:
    """(header cells, offset of the first data character, lines up to the header, the
    first `sample` data rows) of decoded CSV text, as `csv_import.read_table` reads them
    (lines of a preamble above the header passed over alike); None when there is no
    header or csv.reader fails (the one-process path then reports it)."""
    consumed = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in io.StringIO(text, newline=""):
            consumed += len(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    lead: list[tuple[list[str], int, int]] = []
    blank: list[bool] = []  # a blank line right before each row of `lead`
    after_blank = False
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                lead.append((cells, consumed, reader.line_num))
                blank.append(after_blank)
                after_blank = False
                if len(lead) == preamble.PREAMBLE_ROWS + 2 + sample:
                    break
            else:
                after_blank = True
    except csv.Error:
        return None
    if not lead:
        return None
    at = preamble.header_index([(r[0], b) for r, b in zip(lead, blank, strict=True)])
    cells, offset, line = lead[at]
    return cells, offset, line, [r[0] for r in lead[at + 1:at + 1 + sample]]
