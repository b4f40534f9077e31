"""Joint choice of glued-row splits: the depth-first search finds exactly the combinations under which every
identity holds (checked against brute force), says when it stopped early, and the pipeline uses it for groups
of rows too large to try every combination."""

from __future__ import annotations

import itertools
import random

from extractor.datamodel import Cell
from extractor.templates import Identity
from extractor.validate.joint import consistent_splits


def _holds(ident: Identity, vals: dict[str, float]) -> bool:
    return abs(sum(vals[k] for k in ident.lhs) - sum(vals[k] for k in ident.rhs)) <= 1e-6


def _instance(rng: random.Random) -> tuple[list[list[str]], list[list[tuple[int, ...]]], dict, list[Identity]]:
    n_rows, n_cols = rng.randint(2, 4), rng.randint(1, 3)
    keys = [[f"r{i}.c{j}" for j in range(n_cols)] for i in range(n_rows)]
    alts = [[tuple(rng.randint(0, 4) for _ in range(n_cols)) for _ in range(rng.randint(1, 4))] for _ in range(n_rows)]
    alts = [list(dict.fromkeys(a)) for a in alts]
    fixed = {f"f{j}": rng.randint(0, 8) for j in range(n_cols)}
    fixed["blank"] = None
    idents = []
    for j in range(n_cols):  # column sums against a fixed total, and against another row
        idents.append(Identity(f"col{j}", "", (f"f{j}",), tuple(keys[i][j] for i in range(n_rows - 1))))
        idents.append(Identity(f"pair{j}", "", (keys[0][j],), (keys[-1][j],)))
    idents.append(Identity("unchecked", "", ("blank",), (keys[0][0],)))  # a blank operand constrains nothing
    return keys, alts, fixed, idents


def test_search_finds_exactly_the_consistent_combinations() -> None:
    rng = random.Random(7)
    for _ in range(300):
        keys, alts, fixed, idents = _instance(rng)
        checkable = [i for i in idents if i.id != "unchecked"]
        brute = set()
        for combo in itertools.product(*alts):
            vals = dict(fixed)
            for ks, split in zip(keys, combo, strict=True):
                vals.update(zip(ks, split, strict=True))
            if all(_holds(i, vals) for i in checkable):
                brute.add(combo)
        res = consistent_splits(keys, alts, fixed, idents, cap=10_000)
        assert res.complete
        assert set(res.solutions) == brute


def test_search_says_when_it_stopped_early() -> None:
    keys = [[f"r{i}"] for i in range(12)]
    alts = [[(0,), (1,)] for _ in range(12)]
    res = consistent_splits(keys, alts, {"t": 6}, [Identity("sum", "", ("t",), tuple(k[0] for k in keys))],
                            node_budget=50)
    assert not res.complete
    capped = consistent_splits(keys, alts, {"t": 6}, [Identity("sum", "", ("t",), tuple(k[0] for k in keys))],
                               cap=5)
    assert not capped.complete and len(capped.solutions) == 5


def test_large_group_of_glued_rows_is_decided_by_the_identities() -> None:
    """Ten glued rows, three splits each (59,049 combinations, beyond exhaustive search), tied by two column
    sums: only one combination makes both hold, and the pipeline keeps it, unflagged."""
    from extractor.datamodel import Cell
    from extractor.validate import resolve_alternatives
    from extractor.values.assign import RowReading

    rng = random.Random(3)
    truth = [(rng.randint(0, 40), rng.randint(0, 40)) for _ in range(10)]
    readings, cells = [], {}
    for i, (a, b) in enumerate(truth):
        keys = [f"r{i}.a", f"r{i}.b"]
        wrong = [(a + 100 + i, b), (a, b + 200 + 3 * i)]
        readings.append(RowReading(keys=keys, cells={}, alternatives=[wrong[0], (a, b), wrong[1]]))
        for k, v in zip(keys, wrong[0], strict=True):
            cells[k] = Cell(value=v, source="split", confidence=0.3, review=True, ambiguous=True)
    cells["tot.a"] = Cell(value=sum(a for a, _ in truth), source="read", confidence=1.0)
    cells["tot.b"] = Cell(value=sum(b for _, b in truth), source="read", confidence=1.0)

    class T:  # the part of a Template resolve_alternatives uses
        identities = [Identity("a", "", ("tot.a",), tuple(f"r{i}.a" for i in range(10))),
                      Identity("b", "", ("tot.b",), tuple(f"r{i}.b" for i in range(10)))]

    resolve_alternatives(readings, cells, T())  # type: ignore[arg-type]
    assert [(cells[f"r{i}.a"].value, cells[f"r{i}.b"].value) for i in range(10)] == truth
    assert not any(cells[f"r{i}.{c}"].review for i in range(10) for c in "ab")


def test_a_split_that_removes_more_items_than_there_were_is_dropped() -> None:
    """"245 -4827111" (上一年项目数量, 本年增/减, 处理决定数量): -482 would leave 245 - 482 < 0 items."""
    from extractor.datamodel import Cell
    from extractor.validate import resolve_alternatives
    from extractor.values.assign import RowReading

    keys = ["active.licensing.prev_items", "active.licensing.change", "active.licensing.decisions"]
    rd = RowReading(keys=keys, cells={}, alternatives=[(245, -482, 7111), (245, -48, 27111)])
    cells = {k: Cell(value=v, source="split", confidence=0.3, review=True, ambiguous=True)
             for k, v in zip(keys, (245, -482, 7111), strict=True)}

    class T:
        identities: list = []

    resolve_alternatives([rd], cells, T())  # type: ignore[arg-type]
    assert [cells[k].value for k in keys] == [245, -48, 27111]
    assert not cells[keys[1]].review and "本年增/减" in (cells[keys[1]].reason or "")


def _one_cell_rows(n: int) -> tuple[list, dict]:
    from extractor.datamodel import Cell
    from extractor.values.assign import RowReading

    readings = [RowReading(keys=[f"x{i}"], cells={}, alternatives=[(0,), (1,)]) for i in range(n)]
    cells = {f"x{i}": Cell(value=0, source="split", confidence=0.3, review=True, ambiguous=True) for i in range(n)}
    return readings, cells


def test_coordinate_ascent_keeps_what_it_chose() -> None:
    """13 rows (8,192 combinations: no exhaustive search) and a contradictory identity, so no combination
    satisfies all: the combination satisfying the most (every x = 1) is kept, and flagged as such."""
    from extractor.validate import resolve_alternatives

    readings, cells = _one_cell_rows(13)
    cells["t"] = Cell(value=13, source="read", confidence=1.0)
    cells["two"] = Cell(value=2, source="read", confidence=1.0)
    ones = [Identity(f"one{i}", "", (f"x{i}",), ("one",)) for i in range(13)]

    class T:
        identities = [*ones, Identity("sum", "", ("t",), tuple(f"x{i}" for i in range(13))),
                      Identity("bad", "", ("x0",), ("two",))]

    cells["one"] = Cell(value=1, source="read", confidence=1.0)
    resolve_alternatives(readings, cells, T())  # type: ignore[arg-type]
    assert [cells[f"x{i}"].value for i in range(13)] == [1] * 13
    assert all(cells[f"x{i}"].review for i in range(13))
    assert "satisfy the most" in (cells["x5"].reason or "")


def test_settled_columns_lose_their_flag_and_stale_candidates() -> None:
    """Splits (2,1), (1,2), (1,3) and the identity a = 1: column a is settled at 1 (not flagged), column b
    stays ambiguous between 2 and 3 only."""
    from extractor.datamodel import Cell
    from extractor.validate import resolve_alternatives
    from extractor.values.assign import RowReading

    rd = RowReading(keys=["r.a", "r.b"], cells={}, alternatives=[(2, 1), (1, 2), (1, 3)])
    cells = {"r.a": Cell(value=2, source="split", confidence=0.3, review=True, ambiguous=True),
             "r.b": Cell(value=1, source="split", confidence=0.3, review=True, ambiguous=True),
             "one": Cell(value=1, source="read", confidence=1.0)}

    class T:
        identities = [Identity("a", "", ("r.a",), ("one",))]

    resolve_alternatives([rd], cells, T())  # type: ignore[arg-type]
    a, b = cells["r.a"], cells["r.b"]
    assert a.value == 1 and not a.review and not a.ambiguous and a.candidates is None
    assert b.value == 2 and b.review and b.ambiguous and b.candidates == [[1, 2], [1, 3]]
