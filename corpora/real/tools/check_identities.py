#!/usr/bin/env python3
"""Check the keys.md identities (勾稽关系) on a gold file. Standalone: does not import `extractor`.

usage: check_identities.py GOLD.json [...]   -> prints the ids of broken identities
(ids as models/templates/*.yaml name them: apply.balance.<c>, apply.result_sum.<c>,
apply.row_total.<r>, review.group_total.<g>)."""
import json
import sys

COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org"]
LEAVES_COMMON = ["disclosed", "partial"] + ["withheld." + x for x in (
    "state_secret", "law_prohibited", "three_safety", "third_party", "internal_affairs",
    "process_info", "enforcement_file", "admin_query")] + ["unavailable." + x for x in (
    "not_held", "needs_creation", "unclear")] + ["not_processed." + x for x in (
    "petition", "duplicate", "publication", "vexatious", "confirm_existing")]
OTHER = {"2019": ["other"], "2021": ["other.overdue_correction", "other.unpaid_fee", "other.misc"]}


def breaks(gold):
    c, t = gold["cells"], gold.get("template")
    if t not in OTHER:
        return []
    leaves = ["result." + x for x in LEAVES_COMMON + OTHER[t]]
    rows = ["new_received", "carried_over"] + leaves + ["result.total", "carried_forward"]
    out = []

    def v(k):
        return c.get(k)

    def ok(lhs, rhs):
        vals = [v(k) for k in lhs + rhs]
        if any(x is None for x in vals):
            return True  # a blank cell: nothing to check
        return abs(sum(v(k) for k in lhs) - sum(v(k) for k in rhs)) < 1e-9
    for col in COLS + ["total"]:
        if not ok([f"apply.new_received.{col}", f"apply.carried_over.{col}"],
                  [f"apply.result.total.{col}", f"apply.carried_forward.{col}"]):
            out.append(f"apply.balance.{col}")
        if not ok([f"apply.result.total.{col}"], [f"apply.{l}.{col}" for l in leaves]):
            out.append(f"apply.result_sum.{col}")
    for r in rows:
        if not ok([f"apply.{r}.total"], [f"apply.{r}.{col}" for col in COLS]):
            out.append(f"apply.row_total.{r}")
    for g in ("review", "suit_direct", "suit_after_review"):
        if not ok([f"review.{g}.total"], [f"review.{g}.{x}" for x in ("upheld", "corrected", "other", "pending")]):
            out.append(f"review.group_total.{g}")
    return out


if __name__ == "__main__":
    bad = 0
    for p in sys.argv[1:]:
        g = json.load(open(p, encoding="utf-8"))
        b = breaks(g)
        listed = sorted(g.get("inconsistent", []))
        flag = "" if sorted(b) == listed else "   <-- differs from the file's `inconsistent` " + str(listed)
        bad += bool(flag)
        print(p, b or "all identities hold", flag)
    sys.exit(1 if bad else 0)
