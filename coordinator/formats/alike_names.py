"""Which names in a list are alike (rapidfuzz token-sort ratio of SIMILAR or more),
found without comparing every two, and exactly the pairs comparing every two finds.

Names are compared with their words in order (what token-sort ratio compares), each
distinct ordering once: equal names are all alike. The ratio is
100 * (1 - d / (la + lb)), d the insertions and deletions that turn one name into the
other, so two names of lengths la <= lb are alike only if d <= K = 12% of (la + lb)
(for SIMILAR 88), which needs lb - la <= K.

A short list (up to a few thousand names) is compared name by name, in C, each name
only with names of a length that can still reach SIMILAR. A long one goes through a
pigeonhole filter (after PassJoin, Li et al. 2011): the shorter name of a pair is cut
into K + INTACT pieces. Each edit breaks at most one piece, so at least INTACT come
through intact; and counting from the left, some k-th intact piece (k = 1..INTACT),
number i, has exactly i - (k - 1) edits before it, so it sits in the longer name that
many places (in steps of two) from where it was, and no further from its place
counted from the end than the edits left allow. Pieces are indexed by name length,
number of edits, piece number and text; a name is scored (by rapidfuzz, so exactly as
comparing every two) only against the names of which it holds INTACT pieces in such
places, in order. Scored names grow about as the list does when its names are
distinct; names sharing a long stretch (a common long given name) are all scored
against each other, as comparing every two would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from coordinator.services.duplicate_rule import SIMILAR

INTACT = 4  # pieces that come through intact: the name is cut into edits + INTACT
# Fewer distinct names than this are compared in C, each with every name of a length
# that can reach SIMILAR: a comparison there costs about 40 ns and the filter about
# 80 us a name, so up to about this many names comparing them all is as quick.
SMALL = 4000
_TINY = 12  # up to this many names, every two are simply scored
_SLACK = (100 - SIMILAR) / 100  # the edits allowed, per character of both names
_STRETCH = (200 - SIMILAR) / SIMILAR  # the longest partner of a name, per its length


@dataclass
class Comparisons:
    """How many pairs of names were scored (by rapidfuzz): what a caller or a test
    counts to see how the work grows with the input."""

    scored: int = 0


def sorted_words(name: str) -> str:
    """The name with its words in order: what token-sort ratio compares."""
    return " ".join(sorted(name.split())) if " " in name else name


def max_edits(la: int, lb: int) -> int:
    """The most insertions and deletions two names of these lengths can differ by and
    still be SIMILAR (rounded up at the boundary: rapidfuzz scores the candidates)."""
    return int(_SLACK * (la + lb) + 1e-9)


def alike_pairs(names: Sequence[str], counter: Comparisons | None = None, *,
                small: int | None = None) -> list[tuple[int, int]]:
    """Index pairs (i < j) of names at least SIMILAR alike by token-sort ratio, each
    once: the pairs comparing every two names finds. Empty names are alike to none.
    Fewer than `small` (SMALL) distinct names are compared in C, more through the
    pieces filter."""
    return [(a, b) for a, b, _score in alike_scores(names, counter, small=small)]


def alike_scores(names: Sequence[str], counter: Comparisons | None = None, *,
                 small: int | None = None) -> list[tuple[int, int, float]]:
    """`alike_pairs` with each pair's token-sort ratio (100 for the same name)."""
    if len(names) <= _TINY:  # most organizations: a few calls beat any bookkeeping
        if counter is not None:
            counter.scored += len(names) * (len(names) - 1) // 2
        return [(i, j, score) for i, a in enumerate(names) if a
                for j in range(i + 1, len(names)) if names[j]
                for score in (fuzz.token_sort_ratio(a, names[j], score_cutoff=SIMILAR),)
                if score]
    positions: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        if name:
            positions[sorted_words(name)].append(i)
    found: list[tuple[int, int, float]] = []
    for same in positions.values():  # equal names: every pair scores 100
        found.extend((a, b, 100.0) for n, a in enumerate(same) for b in same[n + 1:])
    keys = sorted(positions, key=len)
    limit = SMALL if small is None else small
    pairs = _by_length(keys, counter) if len(keys) < limit else _by_pieces(keys, counter)
    for m, n, score in pairs:
        for a in positions[keys[m]]:
            for b in positions[keys[n]]:
                found.append((a, b, score) if a < b else (b, a, score))
    return found


def alike_scores_in_groups(names: Sequence[str], groups: Sequence[Hashable | None],
                           counter: Comparisons | None = None, *,
                           small: int | None = None) -> list[tuple[int, int, float]]:
    """`alike_scores` where two names of different groups are never alike, and never
    scored: each group is paired within itself, and the names of no group (None) also
    with every group's, each of those only with names of a length that can reach
    SIMILAR. Pairs are (i, j, ratio), i < j, each once."""
    members: dict[Hashable | None, list[int]] = defaultdict(list)
    for i, group in enumerate(groups):
        members[group].append(i)
    if len(members) == 1:  # one group, or none: nothing kept apart
        return alike_scores(names, counter, small=small)
    loose = members.pop(None, [])
    found: list[tuple[int, int, float]] = []
    for ids in (loose, *members.values()):
        if len(ids) > 1:
            found.extend((ids[i], ids[j], score) for i, j, score in alike_scores(
                [names[k] for k in ids], counter, small=small))
    if loose:  # every numbered name against the loose ones at once
        found.extend(_between(names, loose, [k for ids in members.values() for k in ids],
                              counter))
    return found


def _between(names: Sequence[str], left: list[int], right: list[int],
             counter: Comparisons | None) -> list[tuple[int, int, float]]:
    """Pairs of a name in `left` and one in `right` (indexes into `names`) at least
    SIMILAR alike, each right name scored only against the left names of a length that
    can reach SIMILAR with it."""
    from bisect import bisect_left, bisect_right

    lefts = sorted(((sorted_words(names[k]), k) for k in left if names[k]),
                   key=lambda item: len(item[0]))
    texts = [text for text, _k in lefts]
    lengths = [len(text) for text in texts]
    out: list[tuple[int, int, float]] = []
    for k in right:
        if not names[k]:
            continue
        key = sorted_words(names[k])
        start = bisect_left(lengths, len(key) / _STRETCH - 1e-9)
        end = bisect_right(lengths, len(key) * _STRETCH + 1e-9)
        if end <= start:
            continue
        if counter is not None:
            counter.scored += end - start
        for _m, score, j in process.extract(key, texts[start:end], scorer=fuzz.ratio,
                                            score_cutoff=SIMILAR, limit=None):
            other = lefts[start + j][1]
            out.append((other, k, score) if other < k else (k, other, score))
    return out


def _by_length(keys: list[str], counter: Comparisons | None
               ) -> list[tuple[int, int, float]]:
    """Distinct keys sorted by length: each with the longer ones that can reach SIMILAR."""
    from bisect import bisect_right

    lengths = [len(k) for k in keys]
    out: list[tuple[int, int, float]] = []
    for n, key in enumerate(keys[:-1]):
        end = bisect_right(lengths, lengths[n] * _STRETCH + 1e-9, n + 1)
        if end <= n + 1:
            continue
        if counter is not None:
            counter.scored += end - n - 1
        out.extend((n, n + 1 + j, score) for _m, score, j in process.extract(
            key, keys[n + 1:end], scorer=fuzz.ratio, score_cutoff=SIMILAR, limit=None))
    return out


def _pieces(length: int, count: int) -> list[tuple[int, int]]:
    """(start, length) of `count` pieces of nearly equal length covering `length`."""
    short, longer = divmod(length, count)
    out, start = [], 0
    for i in range(count):
        size = short + (1 if i >= count - longer else 0)
        out.append((start, size))
        start += size
    return out


def _places(start: int, width: int, grow: int, edits: int, size: int, *,
            before: int | None = None, after: int | None = None) -> list[tuple[int, int]]:
    """Slices of the longer name where an intact piece can be when exactly `before`
    edits come before it (or exactly `after` after it): moved by at most that many
    places, in steps of two (each edit moves it by one), from where it was (from the
    end), and by no more than the other edits allow from the other side."""
    if before is not None:
        near, far, exact = start, start + grow, before
    else:
        assert after is not None
        near, far, exact = start + grow, start, after
    first = max(near - exact, far - (edits - exact), 0)
    if (first - near - exact) % 2:
        first += 1
    last = min(near + exact, far + (edits - exact), size - width)
    return [(at, at + width) for at in range(first, last + 1, 2)]


# The keys a piece of text holds: a short list of their numbers, or, once more than
# _FEW share it, a Python integer with a bit per key (a union or an intersection is then
# one operation in C however many keys share the piece). Numbers count from the first
# key of the same length (keys come sorted by length), which keeps the integers short.
_Keys = list[int] | int
_FEW = 8

# per piece of the shorter name: its text -> the keys so cut, and, for k = 1..INTACT,
# the slices of the longer name where it can be as the k-th intact piece from the left
_Plan = list[tuple[dict[str, _Keys], list[list[tuple[int, int]]]]]


def _intact(plan: _Plan, key: str) -> int:
    """Keys (a bit each) with INTACT pieces in place, the k-th one where a k-th intact
    piece can be."""
    found = [0] * (INTACT + 1)  # [k]: keys with k pieces in place so far
    top = 0  # the most pieces in place so far, for some key
    for i, (pieces, places) in enumerate(plan):
        if top + len(plan) - i < INTACT:  # too few pieces left for any key to make it
            break
        for k in range(min(top + 1, INTACT, len(places)), 0, -1):
            hits = 0
            for a, b in places[k - 1]:
                keys = pieces.get(key[a:b])
                if keys is None:
                    continue
                if isinstance(keys, int):
                    hits |= keys
                else:
                    for number in keys:
                        hits |= 1 << number
            if k > 1:
                hits &= found[k - 1]
            if hits:
                found[k] |= hits
                top = max(top, k)
    return found[INTACT]


def _numbers(bits: int) -> list[int]:
    """The key numbers whose bits are set."""
    text = bin(bits)[:1:-1]  # bit 0 first
    out, at = [], text.find("1")
    while at >= 0:
        out.append(at)
        at = text.find("1", at + 1)
    return out


def _by_pieces(keys: list[str], counter: Comparisons | None
               ) -> list[tuple[int, int, float]]:
    """Distinct keys sorted by length, paired through the pieces index (see the module)."""
    # (length, edits) -> one dict per piece: piece text -> the keys so cut
    index: dict[tuple[int, int], list[dict[str, _Keys]]] = {}
    layouts: dict[tuple[int, int], list[tuple[int, int]]] = {}
    plans: dict[tuple[int, int], _Plan] = {}  # (shorter, longer length) -> where to look
    first: dict[int, int] = {}  # length -> the number of the first key that long
    out: list[tuple[int, int, float]] = []
    for n, key in enumerate(keys):
        size = len(key)
        first.setdefault(size, n)
        them: list[int] = []
        shorter = size
        while shorter > 0 and size - shorter <= max_edits(shorter, size):
            plan = plans.get((shorter, size))
            if plan is None:
                plan = plans[(shorter, size)] = _plan(index, layouts, shorter, size)
            if plan:
                bits = _intact(plan, key)
                if bits:
                    them += [first[shorter] + r for r in _numbers(bits)]
            shorter -= 1
        if them:
            if counter is not None:
                counter.scored += len(them)
            out.extend((them[j], n, score) for _m, score, j in process.extract(
                key, [keys[c] for c in them], scorer=fuzz.ratio,
                score_cutoff=SIMILAR, limit=None))
        # index this key for the longer (or equal) keys after it
        number = n - first[size]
        longest = size
        while longest + 1 - size <= max_edits(size, longest + 1):
            longest += 1
        for edits in range(max(1, max_edits(size, size)), max_edits(size, longest) + 1):
            layout = layouts.get((size, edits))
            if layout is None:
                layout = layouts[(size, edits)] = _pieces(size, edits + INTACT)
                index[(size, edits)] = [{} for _ in layout]
            for (start, width), found in zip(layout, index[(size, edits)], strict=True):
                piece = key[start:start + width]
                held = found.get(piece)
                if held is None:
                    found[piece] = [number]
                elif isinstance(held, int):
                    found[piece] = held | 1 << number
                elif len(held) < _FEW:
                    held.append(number)
                else:
                    bits = 1 << number
                    for other in held:
                        bits |= 1 << other
                    found[piece] = bits
    return out


def _plan(index: dict[tuple[int, int], list[dict[str, _Keys]]],
          layouts: dict[tuple[int, int], list[tuple[int, int]]], shorter: int,
          size: int) -> _Plan:
    """Where a name of length `size` looks for the pieces of names of length `shorter`
    (nothing when only equal names could be alike)."""
    edits = max_edits(shorter, size)
    if not edits:
        return []
    layout = layouts.get((shorter, edits))
    if layout is None:
        layout = layouts[(shorter, edits)] = _pieces(shorter, edits + INTACT)
        index[(shorter, edits)] = [{} for _ in layout]
    grow = size - shorter
    return [(found, [_places(start, width, grow, edits, size, before=i - k)
                     for k in range(min(i + 1, INTACT))])
            for i, ((start, width), found) in enumerate(
                zip(layout, index[(shorter, edits)], strict=True))]
