from __future__ import annotations

from extractor.datamodel import ValueToken
from extractor.templates import load_template
from extractor.values.assign import SPLIT_AMBIGUOUS_CONFIDENCE, read_row
from extractor.values.glue import SUM_LAST, RowRule, groups_of, split_row, split_row_closest

KEYS = [f"apply.new_received.{c}" for c in
        ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"]]


def test_issue_example_is_the_only_split_that_fits_the_row_total() -> None:
    assert split_row(["640020470"], 7, SUM_LAST) == [(64, 0, 0, 2, 0, 4, 70)]


def test_unconstrained_split_lists_every_alternative() -> None:
    alts = split_row(["1104"], 3)
    assert set(alts) == {(1, 10, 4), (11, 0, 4)}  # "1|1|04" has a leading zero


def test_signed_tokens_keep_their_sign() -> None:
    alts = split_row(["35", "+156191"], 3)
    assert (35, 156, 191) in alts and alts[0] == (35, 156, 191)


def test_review_row_groups() -> None:
    alts = split_row(["000000000000000"], 15, groups_of(5))
    assert alts == [(0,) * 15]


def test_row_that_breaks_its_identity_gets_the_closest_split() -> None:
    # 行政复议 printed 10 1 0 0 0 (total should be 11): no split fits every group
    assert split_row(["101000000005000"], 15, groups_of(5)) == []
    best = split_row_closest(["101000000005000"], 15, groups_of(5))[0]
    assert groups_of(5).count(best)[0] >= 1


def test_read_row_unique_split_is_marked_split_not_ambiguous() -> None:
    rd = read_row(KEYS, [ValueToken(text="640020470", glued=True)], 100.0, SUM_LAST)
    assert [rd.cells[k].value for k in KEYS] == [64, 0, 0, 2, 0, 4, 70]
    assert all(c.source == "split" and not c.ambiguous and c.raw == "640020470" for c in rd.cells.values())
    assert rd.alternatives == []


def test_read_row_ambiguous_split_is_flagged_with_candidates() -> None:
    # 1|1|0|0|0|0|2 and 11|0|0|0|0|0|11? no: digits "1100002" -> several splits can fit the total
    rd = read_row(KEYS, [ValueToken(text="21100003")], 100.0, SUM_LAST)
    assert len(rd.alternatives) > 1
    amb = [c for c in rd.cells.values() if c.ambiguous]
    assert amb and all(c.review and c.confidence == SPLIT_AMBIGUOUS_CONFIDENCE and c.candidates for c in amb)


def test_a_usually_zero_column_orders_the_splits_no_identity_decides() -> None:
    """行政许可 "3960181" of a real 2019 report is printed 396 / 0 / 181 (its page's HTML): 本年增/减 is
    usually 0. Every split is still offered; only the order changes."""
    plain = split_row(["3960181"], 3)
    zero = split_row(["3960181"], 3, RowRule(usually_zero=(1,)))
    assert plain[0] == (39, 60, 181) and zero[0] == (396, 0, 181)
    assert set(plain) == set(zero)
    assert split_row(["6233440"], 3, RowRule(usually_zero=(1,)))[0] == (62, 33, 440)  # no lone 0 there: as before
    assert load_template("2019").usually_zero == {"change"} and load_template("2021").usually_zero == {"repealed"}
