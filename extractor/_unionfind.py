"""Disjoint sets over 0..n-1 (union-find with path halving): table grids, merged cells, linked rows."""

from __future__ import annotations


class DisjointSets:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        """Join a's set into b's."""
        self.parent[self.find(a)] = self.find(b)
