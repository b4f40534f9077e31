"""Split digits glued together with no separator ("640020470" -> 64|0|0|2|0|4|70).

Contract: ``split_row(tokens, k, rule) -> list[Split]`` — every way to cut the signed digit tokens into
exactly ``k`` integers (no leading zeros, each token cut into at least one part) that satisfies the row's
own identities (``rule``), most plausible first. Choosing among several is validate/'s job, with the
identities of the whole table.

Rows with a total are searched with pruning (every part of a row of non-negative counts is at most its
total, and the parts must add up to it), so even a 15-cell review row of large numbers is quick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Counts in these reports stay below a billion; a longer part is not a plausible cell.
MAX_PART_DIGITS = 9
# Enumeration caps: found splits, and recursion steps of the unpruned search (a row that breaks its own
# identity). Rows that hit a cap are reported as ambiguous with what was found.
MAX_CANDIDATES = 20000
MAX_STEPS = 300_000

Split = tuple[int | float, ...]


@dataclass(frozen=True)
class RowRule:
    """The identities inside one printed row: none, "sum_last" (the last cell is the sum of the others),
    or "groups" (consecutive groups of ``group`` cells, each ending with its total)."""

    kind: str = "none"
    group: int = 0
    # Cells of the row that are 0 far more often than not (the template's ``usually_zero`` columns): among
    # splits no identity tells apart, those keeping them 0 come first.
    usually_zero: tuple[int, ...] = ()

    def count(self, split: Split) -> tuple[int, int]:
        """(identities that hold, identities there are)."""
        if self.kind == "sum_last":
            return int(sum(split[:-1]) == split[-1]), 1
        if self.kind == "groups":
            starts = range(0, len(split), self.group)
            return sum(sum(split[i:i + self.group - 1]) == split[i + self.group - 1] for i in starts), len(starts)
        return 0, 0

    def holds(self, split: Split) -> bool:
        ok, n = self.count(split)
        return ok == n


NO_RULE = RowRule()
SUM_LAST = RowRule("sum_last")


def groups_of(n: int) -> RowRule:
    return RowRule("groups", n)


def _valid(digits: str) -> bool:
    return 0 < len(digits) <= MAX_PART_DIGITS and (digits == "0" or not digits.startswith("0"))


def _cuts(digits: str, parts: int, steps: list[int]) -> Iterator[list[str]]:
    """Every cut of ``digits`` into ``parts`` pieces without leading zeros (step-capped)."""
    steps[0] += 1
    if steps[0] > MAX_STEPS:
        return
    if parts == 1:
        if _valid(digits):
            yield [digits]
        return
    first_max = 1 if digits.startswith("0") else min(MAX_PART_DIGITS, len(digits) - parts + 1)
    for n in range(1, first_max + 1):
        for rest in _cuts(digits[n:], parts - 1, steps):
            yield [digits[:n], *rest]


def _summing(digits: str, parts: int, target: int) -> Iterator[list[int]]:
    """Cuts of ``digits`` into ``parts`` numbers adding up to exactly ``target`` (each ≤ target)."""
    if parts == 1:
        if _valid(digits) and int(digits) == target:
            yield [target]
        return
    longest = 1 if digits.startswith("0") else min(len(str(target)), len(digits) - parts + 1)
    for n in range(1, longest + 1):
        v = int(digits[:n])
        if v > target:
            break
        for rest in _summing(digits[n:], parts - 1, target - v):
            yield [v, *rest]


def _sum_last(digits: str, k: int) -> Iterator[list[int]]:
    for n in range(1, min(MAX_PART_DIGITS, len(digits) - k + 1) + 1):
        tail = digits[-n:]
        if _valid(tail):
            for head in _summing(digits[:-n], k - 1, int(tail)):
                yield [*head, int(tail)]


def _groups(digits: str, groups: int, g: int) -> Iterator[list[int]]:
    if groups == 1:
        yield from _sum_last(digits, g)
        return
    for p in range(g, len(digits) - g * (groups - 1) + 1):
        for first in _sum_last(digits[:p], g):
            for rest in _groups(digits[p:], groups - 1, g):
                yield [*first, *rest]


def _generic(tokens: list[str], k: int, keep: Callable[[Split], bool],
             dists: list[tuple[int, ...]] | None = None) -> list[Split]:
    """All cuts of the tokens into k parts (step-capped); ``dists`` collects each one's parts per token."""
    lengths = [len(t.lstrip("+-").partition(".")[0]) for t in tokens]
    found: list[Split] = []
    steps = [0]

    def rec(i: int, dist: list[int], acc: list[int | float]) -> None:
        if i == len(tokens):
            s = tuple(acc)
            if keep(s):
                found.append(s)
                if dists is not None:
                    dists.append(tuple(dist))
            return
        sign = -1 if tokens[i].startswith("-") else 1
        digits, _, decimals = tokens[i].lstrip("+-").partition(".")
        for cut in _cuts(digits, dist[i], steps):
            if len(found) >= MAX_CANDIDATES:
                return
            vals: list[int | float] = [int(x) for x in cut]
            if decimals:  # "539.1" -> 5 | 39.1: the decimals belong to the last part
                vals[-1] = float(f"{cut[-1]}.{decimals}")
            vals[0] *= sign
            rec(i + 1, dist, acc + vals)

    for dist in _distributions(lengths, k):
        rec(0, dist, [])
    return found


def _distributions(lengths: list[int], k: int) -> Iterator[list[int]]:
    """How many parts each token gets: each between 1 and its digit count, summing to k."""
    if not lengths:
        if k == 0:
            yield []
        return
    head, rest = lengths[0], lengths[1:]
    for m in range(1, min(head, k - len(rest)) + 1):
        for tail in _distributions(rest, k - m):
            yield [m, *tail]


def plausibility(split: Split, usually_zero: tuple[int, ...] = ()) -> tuple[int, int, int]:
    """Lower is more plausible: first the fewest ``usually_zero`` cells that are not 0 (本年增/减 is 0 in
    26 of 30 real cells), then — the cells of one printed row are of similar width far more often than a
    giant number beside tiny ones — the shortest longest part, then the most even lengths. (It only orders
    splits the identities could not tell apart; those stay flagged ambiguous.)"""
    lengths = [len(str(abs(int(v)))) for v in split]
    nonzero = sum(1 for i in usually_zero if i < len(split) and split[i] != 0)
    return (nonzero, max(lengths, default=0), sum(n * n for n in lengths))


def _ranked(found: list[Split] | Iterator[list[int]], rule: RowRule = NO_RULE) -> list[Split]:
    uniq: dict[Split, None] = {}
    for s in found:
        uniq[tuple(s)] = None
        if len(uniq) >= MAX_CANDIDATES:
            break
    return sorted(uniq, key=lambda s: plausibility(s, rule.usually_zero))


def split_row(tokens: list[str], k: int, rule: RowRule = NO_RULE) -> list[Split]:
    """Splits that satisfy every identity of ``rule``, most plausible first."""
    plain = len(tokens) == 1 and tokens[0].isdigit()
    if plain and rule.kind == "sum_last":
        return _ranked(_sum_last(tokens[0], k), rule)
    if plain and rule.kind == "groups" and k % rule.group == 0:
        return _ranked(_groups(tokens[0], k // rule.group, rule.group), rule)
    return _ranked(_generic(tokens, k, rule.holds), rule)


def split_row_closest(tokens: list[str], k: int, rule: RowRule) -> list[Split]:
    """For a row that breaks its own identity (offices make typos): splits ranked by how many of the
    row's identities hold, then plausibility (step-capped search)."""
    found = _generic(tokens, k, lambda s: True)
    return sorted(set(found), key=lambda s: (-rule.count(s)[0], plausibility(s, rule.usually_zero)))


def split_with_blanks(tokens: list[str | None], k: int) -> list[tuple[int | float | None, ...]]:
    """Glued digits with blank cells marked in place (None tokens, e.g. a non-breaking space that stood
    for an empty cell): the digit tokens fill the other k - blanks cells. No identity can be used on a row
    with blanks, so every cut is returned, most plausible first."""
    blobs = [t for t in tokens if t is not None]
    need = k - (len(tokens) - len(blobs))
    if not blobs or need < len(blobs):
        return []
    dists: list[tuple[int, ...]] = []
    found = _generic(blobs, need, lambda s: True, dists)
    rows: dict[tuple[int | float | None, ...], None] = {}
    for split, dist in zip(found, dists, strict=True):
        row: list[int | float | None] = []
        it = iter(split)
        bi = 0
        for t in tokens:
            if t is None:
                row.append(None)
            else:
                row.extend(next(it) for _ in range(dist[bi]))
                bi += 1
        rows[tuple(row)] = None
    return sorted(rows, key=lambda r: plausibility(tuple(v for v in r if v is not None)))
