"""Search stays bounded on repetitive text and can always be stopped.

A record repeating one word thousands of times and a query repeating it a dozen times
used to cost time quadratic in both (FTS5's snippet() scores every window against
every phrase instance, in one uninterruptible step). Repeated query words now count
once, snippets are built from a bounded scan, and every statement checks a cancel
flag every few thousand SQLite steps.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordinator.services import Services
from coordinator.services.records import MeetingData
from coordinator.services.search import (
    SNIPPET_MAX_HITS,
    SNIPPET_SCAN_CHARS,
    SNIPPET_TOKENS,
    SearchCancelled,
    SearchWork,
    cancellable,
    fts_query,
    make_snippet,
    terms_of,
)

WORD = "walrus"
REPEATS = 20_000


def meeting(services: Services, title: str, notes: str) -> str:
    created = services.meetings.create(MeetingData(
        title=title, starts_at=datetime(2026, 5, 1, 15, tzinfo=UTC), notes=notes))
    assert created.id is not None
    return created.id


@pytest.fixture
def repetitive(services: Services) -> dict[str, str]:
    """One huge repetitive record, one short one, one that does not match."""
    return {
        "huge": meeting(services, "Marine survey", " ".join([WORD] * REPEATS)),
        "short": meeting(services, "Zoo board", f"The {WORD} enclosure needs a new pool"),
        "other": meeting(services, "Budget review", "Nothing about animals"),
    }


class Gate(threading.Event):
    """A cancel flag that, the first time the search looks at it, says so and waits
    until the test lets it go on: the search is then certainly in progress."""

    def __init__(self) -> None:
        super().__init__()
        self.reached = threading.Event()
        self.release = threading.Event()
        self.looks = 0
        self.looks_after_set = 0

    def is_set(self) -> bool:
        self.looks += 1
        if not self.reached.is_set():
            self.reached.set()
            self.release.wait(10)
        flag = super().is_set()
        if flag:
            self.looks_after_set += 1
        return flag


# -- query terms ---------------------------------------------------------------------------

def test_repeated_query_words_count_once() -> None:
    assert fts_query(" ".join([WORD] * 12)) == f'"{WORD}"*'
    assert fts_query("Walrus walrus WALRUS") == '"Walrus"*'
    # A word that is a prefix of another adds nothing to "every word must match".
    assert fts_query("zo zoe odeg") == '"zoe"* "odeg"*'
    # Repeats do not push later words out of the twelve-word limit.
    assert terms_of(" ".join([WORD] * 30 + ["narwhal"])) == [WORD, "narwhal"]


# -- bounded work --------------------------------------------------------------------------

def test_repetitive_record_and_query_give_right_results_with_bounded_work(
        services: Services, repetitive: dict[str, str]) -> None:
    query = " ".join([WORD] * 12)
    results = services.search.search(query)
    hits = results.groups["meeting"]
    assert {h.id for h in hits} == {repetitive["huge"], repetitive["short"]}
    for hit in hits:
        assert f"[{WORD}]" in hit.snippet
        assert len(hit.snippet.replace("…", " ").split()) <= SNIPPET_TOKENS
    huge = next(h for h in hits if h.id == repetitive["huge"])
    assert huge.snippet.endswith("…")
    assert len(huge.snippet) < 200  # ten words, not the twenty thousand behind them

    # Snippets read a few dozen words of the record, not twenty thousand.
    assert results.work.snippet_tokens <= (SNIPPET_MAX_HITS + SNIPPET_TOKENS) * len(hits)
    # Twelve repeats run the very same statements as the word typed once.
    once = services.search.search(WORD)
    assert [h.snippet for h in once.hits] == [h.snippet for h in results.hits]
    assert results.work.statement_steps == once.work.statement_steps
    assert results.work.snippet_tokens == once.work.snippet_tokens


def test_snippet_scans_a_bounded_stretch_of_text() -> None:
    work = SearchWork()
    text = "lorem " * 50_000 + WORD  # the only match lies far beyond the scan window
    snippet = make_snippet(text, [WORD], work)
    assert "[" not in snippet  # not found within the bound: the opening words instead
    assert snippet.startswith("lorem") and snippet.endswith("…")
    assert work.snippet_tokens <= SNIPPET_SCAN_CHARS // 2

    work = SearchWork()
    snippet = make_snippet("alpha beta " * 500 + "gamma walrus delta", ["walr", "gam"], work)
    assert snippet.startswith("…") and "[gamma] [walrus] delta" in snippet
    assert make_snippet("", [WORD], SearchWork()) == ""
    assert make_snippet("Zoë Ødegård at Plano", ["odeg", "plano"], SearchWork()) == \
        "Zoë [Ødegård] at [Plano]"


@settings(max_examples=300, deadline=None)
@given(body=st.text(max_size=400), query=st.text(max_size=40))
def test_any_text_gives_a_short_snippet(body: str, query: str) -> None:
    work = SearchWork()
    snippet = make_snippet(body, terms_of(query), work)
    shown = snippet.replace("[", " ").replace("]", " ").replace("…", " ")
    words = [w for w in shown.split() if any(ch.isalnum() for ch in w)]
    assert len(words) <= 2 * SNIPPET_TOKENS  # punctuation can glue or split words
    assert work.snippet_tokens <= len(body)


# -- cancelling ----------------------------------------------------------------------------

def test_a_search_cancelled_from_another_thread_stops_with_cancelled(
        services: Services, repetitive: dict[str, str]) -> None:
    gate = Gate()
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(services.search.search(" ".join([WORD] * 12), cancel=gate))
        except SearchCancelled as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert gate.reached.wait(10)  # the search is under way
    gate.set()
    gate.release.set()
    worker.join(30)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], SearchCancelled)
    assert gate.looks_after_set == 1  # it stopped at the first look after the cancel


def test_an_already_cancelled_search_does_nothing(services: Services,
                                                  repetitive: dict[str, str]) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SearchCancelled):
        services.search.search(WORD, cancel=cancel)


def endless(conn: sqlite3.Connection) -> None:
    """A statement that only ends when it is interrupted."""
    conn.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
                 "SELECT count(*) FROM n").fetchone()


def test_cancel_interrupts_a_running_statement(services: Services) -> None:
    gate = Gate()
    outcome: list[object] = []
    work = SearchWork()

    def run() -> None:
        with services.db.raw() as conn:
            try:
                with cancellable(conn, gate, work):
                    endless(conn)
            except SearchCancelled as exc:
                outcome.append(exc)
            # The pooled connection works again afterwards, with no handler left on it.
            outcome.append(conn.execute("SELECT 41 + 1").fetchone()[0])

    worker = threading.Thread(target=run)
    worker.start()
    assert gate.reached.wait(10)
    gate.set()
    gate.release.set()
    worker.join(30)
    assert not worker.is_alive()
    assert isinstance(outcome[0], SearchCancelled) and outcome[1] == 42
    assert work.statement_steps >= 1


def test_ctrl_c_interrupts_a_running_statement(services: Services) -> None:
    """In the CLI the search runs on the main thread: Ctrl+C arrives while SQLite is
    busy, Python runs the signal handler inside the progress callback, and the sqlite3
    module swallows its KeyboardInterrupt; it must come out again."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")

    class CtrlC(threading.Event):
        pressed = False

        def is_set(self) -> bool:
            if not self.pressed:  # the user presses Ctrl+C once
                self.pressed = True
                signal.raise_signal(signal.SIGINT)
            return False

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with services.db.raw() as conn, pytest.raises(KeyboardInterrupt), \
                cancellable(conn, CtrlC(), SearchWork()):
            endless(conn)
    finally:
        signal.signal(signal.SIGINT, previous)
