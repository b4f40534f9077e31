"""Identity arithmetic, in one place: the tolerance, an identity's residual, whether it holds, and the
value of one operand that makes it hold. Every check, repair and joint search of ``validate`` uses these.

Contract: values are a ``key -> number | None`` map; None (blank, missing) makes an identity undecided.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..datamodel import Number
from ..templates import Identity

# Amounts are printed with at most a few decimals (万元 to 4 places); sums of such floats stay far within this.
TOL = 1e-6


def close(a: float, b: float) -> bool:
    """Equal within the identities' tolerance."""
    return abs(a - b) <= TOL


def residual(ident: Identity, values: Mapping[str, Number | None]) -> Number | None:
    """lhs - rhs, or None when an operand has no value."""
    lv = [values.get(k) for k in ident.lhs]
    rv = [values.get(k) for k in ident.rhs]
    if None in lv or None in rv:
        return None
    return sum(lv) - sum(rv)  # type: ignore[arg-type]


def holds(ident: Identity, values: Mapping[str, Number | None]) -> bool | None:
    """Whether the identity holds; None when an operand has no value."""
    r = residual(ident, values)
    return None if r is None else abs(r) <= TOL


def solve(ident: Identity, key: str, values: Mapping[str, Number | None]) -> Number | None:
    """The value of ``key`` that makes ``ident`` hold, when every other operand is known."""
    lhs = [values.get(k) for k in ident.lhs if k != key]
    rhs = [values.get(k) for k in ident.rhs if k != key]
    if None in lhs or None in rhs:
        return None
    v = (sum(rhs) - sum(lhs)) if key in ident.lhs else (sum(lhs) - sum(rhs))  # type: ignore[arg-type]
    return int(v) if float(v).is_integer() else v
