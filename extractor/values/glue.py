"""Split digits glued together with no separator ("640020470" -> 64|0|0|2|0|4|70).

Contract: ``split_row(tokens, k, constraint) -> list[tuple[int, ...]]`` — every way to cut the signed digit
tokens into exactly ``k`` integers (no leading zeros, each token cut into at least one part) that satisfies
``constraint`` (the row's own identity, e.g. six applicant columns summing to the total), ordered from the
most plausible. Choosing among several is validate/'s job, with the table's identities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

# Counts in these reports stay below a billion; a longer part is not a plausible cell.
MAX_PART_DIGITS = 9
# Enumeration cap per row: a 15-cell review row of random digits could otherwise explode. Rows that hit
# the cap are reported as ambiguous with what was found.
MAX_CANDIDATES = 20000

Split = tuple[int, ...]
# A row's own identities: (how many hold, how many there are) for a candidate split.
Constraint = Callable[[Split], tuple[int, int]]


def _cuts(digits: str, parts: int) -> Iterator[list[str]]:
    """Every cut of ``digits`` into ``parts`` pieces without leading zeros."""
    if parts == 1:
        if len(digits) <= MAX_PART_DIGITS and (digits == "0" or not digits.startswith("0")):
            yield [digits]
        return
    first_max = 1 if digits.startswith("0") else min(MAX_PART_DIGITS, len(digits) - parts + 1)
    for n in range(1, first_max + 1):
        for rest in _cuts(digits[n:], parts - 1):
            yield [digits[:n], *rest]


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


def _token_splits(token: str, parts: int) -> Iterator[list[int]]:
    sign = -1 if token.startswith("-") else 1
    digits = token.lstrip("+-")
    for cut in _cuts(digits, parts):
        vals = [int(x) for x in cut]
        vals[0] *= sign
        yield vals


def plausibility(split: Split) -> tuple[int, int]:
    """Lower is more plausible: the cells of one printed row are of similar width far more often than a
    giant number beside tiny ones, so prefer the split with the shortest longest part, then the most even
    lengths. (It only orders splits the identities could not tell apart; those stay flagged ambiguous.)"""
    lengths = [len(str(abs(v))) for v in split]
    return (max(lengths, default=0), sum(n * n for n in lengths))


def split_row(tokens: list[str], k: int, constraint: Constraint | None = None) -> list[Split]:
    """Splits that satisfy every identity of ``constraint`` (all splits when None), most plausible first."""
    return _enumerate(tokens, k, None if constraint is None else (lambda s: _holds(constraint(s))))


def split_row_closest(tokens: list[str], k: int, constraint: Constraint) -> list[Split]:
    """For a row that breaks its own identity (offices make typos): every split, ranked by how many of the
    row's identities hold, then plausibility."""
    found = _enumerate(tokens, k, None)
    return sorted(found, key=lambda s: (-constraint(s)[0], plausibility(s)))


def _holds(r: tuple[int, int]) -> bool:
    return r[0] == r[1]


def _enumerate(tokens: list[str], k: int, constraint: Callable[[Split], bool] | None) -> list[Split]:
    lengths = [len(t.lstrip("+-")) for t in tokens]
    found: list[Split] = []

    def rec(i: int, dist: list[int], acc: list[int]) -> bool:
        if i == len(tokens):
            s = tuple(acc)
            if constraint is None or constraint(s):
                found.append(s)
            return len(found) < MAX_CANDIDATES
        for vals in _token_splits(tokens[i], dist[i]):
            if not rec(i + 1, dist, acc + vals):
                return False
        return True

    for dist in _distributions(lengths, k):
        if not rec(0, dist, []):
            break
    uniq = sorted(set(found), key=plausibility)
    return uniq


def sums_to_last(split: Split) -> tuple[int, int]:
    """Row identity of the apply table: the six applicant columns sum to the total."""
    return int(sum(split[:-1]) == split[-1]), 1


def groups_sum(group: int) -> Constraint:
    """Review row: every group of ``group`` cells ends with its total."""

    def ok(split: Split) -> tuple[int, int]:
        starts = range(0, len(split), group)
        return sum(sum(split[i:i + group - 1]) == split[i + group - 1] for i in starts), len(starts)

    return ok
