"""Unfolding and quoted-printable decoding take time in proportion to the file.

A card folded over hundreds of thousands of lines, or a quoted-printable value of
megabytes, once took minutes. The tests compare, best of three runs each, the parse
of a 4 MB file with that of a 1 MB one (linear work gives a ratio near 4, quadratic
work near 16), and the parse with a bare unfolding of the same bytes in plain Python
(decode, split into lines, join them: the parse takes a few times that; the reader it
replaced took over a hundred times that). Wall-clock figures are in bench/bench_io.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from coordinator.formats.vcard_import import parse_vcards

LINE = "abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789abcdefghij"


def folded(size: int) -> bytes:
    """One card whose note is folded over `size` bytes of continuation lines."""
    lines = size // (len(LINE) + 3)
    return ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Ito;Kenji;;;\r\nNOTE:start\r\n"
            + f" {LINE}\r\n" * lines + "END:VCARD\r\n").encode()


def quoted_printable(size: int) -> bytes:
    """One 2.1 card whose note is quoted-printable over `size` bytes of soft breaks."""
    piece = "=C3=A9t=C3=A9 " + LINE[:50] + "=\r\n"
    return ("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Ito;Kenji;;;\r\n"
            "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + piece * (size // len(piece))
            + "end\r\nEND:VCARD\r\n").encode()


def best_of_three(raw: bytes) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = parse_vcards(raw)
        times.append(time.perf_counter() - start)
        assert result.errors == [] and len(result.contacts) == 1
    return min(times)


def bare_unfolding(raw: bytes) -> float:
    """Best of three: decode, split into lines, join them (what unfolding must do)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        lines = raw.decode("utf-8").split("\n")
        "".join([line[1:] for line in lines])
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.parametrize("make", [folded, quoted_printable])
def test_parse_time_grows_in_proportion_to_the_file(make: Callable[[int], bytes]) -> None:
    small, large = make(1_000_000), make(4_000_000)
    note = parse_vcards(large).contacts[0].data.notes
    assert len(note) > 3_000_000  # every piece arrived
    ratio = best_of_three(large) / best_of_three(small)
    assert ratio < 8, f"4x the file took {ratio:.1f}x the time"


@pytest.mark.parametrize("make", [folded, quoted_printable])
def test_parse_costs_a_few_times_a_bare_unfolding(make: Callable[[int], bytes]) -> None:
    raw = make(1_000_000)
    ratio = best_of_three(raw) / bare_unfolding(raw)
    assert ratio < 30, f"the parse took {ratio:.0f}x a bare unfolding"
