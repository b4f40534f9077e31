"""Joint choice of glued-row splits: the combinations under which every identity of the table holds.

A document's glued rows each split several ways (``RowReading.alternatives``); a row's own total already
filters its splits, but the column identities (parts sum to the total row, 新收 + 上年结转 = 办理结果 总计 +
结转) tie the rows together. With twenty such rows the product of alternatives runs to billions, so instead of
trying every combination this is a depth-first search with interval pruning: each identity keeps, per side,
the sum of the values already fixed plus the least and the most the still-open rows can add; a branch dies
as soon as the two sides' intervals no longer meet. The search stops after ``node_budget`` nodes and says
whether it finished: an unfinished search cannot claim that the solutions it found are the only ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..datamodel import Number
from ..templates import Identity
from ..values.glue import Split
from .arith import TOL


@dataclass
class JointResult:
    solutions: list[tuple[Split, ...]]  # one split per row, in the rows' order; every identity holds
    complete: bool  # the search visited every branch (so these are all the solutions, up to ``cap``)


@dataclass
class _Term:
    sign: int  # +1 lhs, -1 rhs
    row: int | None  # index of the ambiguous row holding the key, None for a fixed value
    col: int  # column of that row's split
    value: Number  # fixed value (row None)


def _terms(identities: Sequence[Identity], where: dict[str, tuple[int, int]],
           values: dict[str, Number | None]) -> list[list[_Term]]:
    """Each checkable identity touching an open row, as signed terms (an identity with a blank operand
    outside the open rows cannot be checked and constrains nothing)."""
    out: list[list[_Term]] = []
    for ident in identities:
        terms: list[_Term] = []
        for sign, keys in ((1, ident.lhs), (-1, ident.rhs)):
            for k in keys:
                if k in where:
                    terms.append(_Term(sign, *where[k], 0))
                elif (v := values.get(k)) is not None:
                    terms.append(_Term(sign, None, 0, v))
                else:
                    break
            else:
                continue
            break
        else:
            if any(t.row is not None for t in terms):
                out.append(terms)
    return out


class _Search:
    def __init__(self, alternatives: Sequence[Sequence[Split]], idents: list[list[_Term]],
                 node_budget: int, cap: int) -> None:
        self.alternatives = alternatives
        self.idents = idents
        self.node_budget, self.cap = node_budget, cap
        self.lo_of = [[min(a[j] for a in alts) for j in range(len(alts[0]))] for alts in alternatives]
        self.hi_of = [[max(a[j] for a in alts) for j in range(len(alts[0]))] for alts in alternatives]
        self.by_row: list[list[int]] = [[] for _ in alternatives]
        for n, terms in enumerate(idents):
            for r in {t.row for t in terms if t.row is not None}:
                self.by_row[r].append(n)
        # rows most constrained first: their choice prunes the most
        self.order = sorted(range(len(alternatives)), key=lambda r: (-len(self.by_row[r]), len(alternatives[r]), r))
        self.chosen: list[Split | None] = [None] * len(alternatives)
        self.solutions: list[tuple[Split, ...]] = []
        self.nodes = 0

    def feasible(self, n: int) -> bool:
        """The interval of lhs - rhs, given the rows chosen so far, still holds 0."""
        lo = hi = 0.0
        for t in self.idents[n]:
            split = self.chosen[t.row] if t.row is not None else None
            if t.row is None or split is not None:
                v = t.value if split is None else split[t.col]
                lo += t.sign * v
                hi += t.sign * v
            elif t.sign > 0:
                lo += self.lo_of[t.row][t.col]
                hi += self.hi_of[t.row][t.col]
            else:
                lo -= self.hi_of[t.row][t.col]
                hi -= self.lo_of[t.row][t.col]
        return lo <= TOL and hi >= -TOL

    def run(self, depth: int = 0) -> bool:
        """Depth-first; False when the node budget or the solution cap stopped the search."""
        if depth == len(self.order):
            self.solutions.append(tuple(s for s in self.chosen if s is not None))
            return len(self.solutions) < self.cap
        r = self.order[depth]
        for alt in self.alternatives[r]:
            self.nodes += 1
            if self.nodes > self.node_budget:
                self.chosen[r] = None
                return False
            self.chosen[r] = alt
            if all(self.feasible(n) for n in self.by_row[r]) and not self.run(depth + 1):
                self.chosen[r] = None
                return False
        self.chosen[r] = None
        return True


def consistent_splits(rows_keys: Sequence[Sequence[str]], alternatives: Sequence[Sequence[Split]],
                      values: dict[str, Number | None], identities: Sequence[Identity],
                      node_budget: int = 200_000, cap: int = 64) -> JointResult:
    """Every combination (one split per row) under which every identity with no blank operand holds, up to
    ``cap`` of them. ``values`` gives the cells outside the ambiguous rows."""
    where = {k: (i, j) for i, keys in enumerate(rows_keys) for j, k in enumerate(keys)}
    search = _Search(alternatives, _terms(identities, where, values), node_budget, cap)
    complete = search.run()
    return JointResult(search.solutions, complete)
