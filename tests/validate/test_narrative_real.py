"""Narrative checks on real reports (corpora/real): every number their prose states about what the tables
hold is read and checked — including statements of none ("未收到…申请", "没有发生…行政复议案、行政诉讼案")
and "共完成依申请信息公开4条" — and all agree with the tables; changing one number in the prose makes exactly
that check fail. (szfgs2024 and hzq2024 are covered in test_narrative.py.)"""

from __future__ import annotations

import pytest

from extractor import extract
from tests.conftest import REAL

# Every statement of a number in the prose (read by hand from each report): (topic, number, status). Numbers
# of things no table cell holds (主动公开 totals) are unconfirmed; the category break-downs that follow them
# ("机构职能1条", "组织机构类23条"), services listed (002: "政务服务事项 46 项") and the like state nothing
# the tables speak of and give no check.
STATED = {
    "000_811754ced70f7104.txt": [("active_disclosure", 48, "unconfirmed"),  # 共主动公开信息48条
                                 ("new_received", 0, "pass")],  # 我镇未收到政务信息公开申请事项
    "001_1feac183b5673ebd.txt": [("active_disclosure", 270, "unconfirmed"),  # 完成主动公开政府信息270条
                                 ("result_total", 4, "pass")],  # 共完成依申请信息公开4条
    "002_0843dfdf5e1a4b6d.txt": [],
    "003_ef34a76a822e6c07.txt": [("review.total", 0, "pass"),  # 没有发生…行政复议案、
                                 ("suit_direct.total", 0, "pass"),  # 行政诉讼案和政府行政诉讼案
                                 ("new_received", 0, "pass")],  # 收到依申请公开0件
    "hzq2023_working.pdf": [("active_disclosure", 1136, "unconfirmed"),  # 主动公开政府信息1136条
                            ("new_received", 21, "pass")],  # 受理政府信息公开申请21件
}


def _narrative(rep):
    return [c for c in rep.checks if c.kind == "narrative"]


def _topic(check) -> str:
    return check.id.split(".", 2)[2]


@pytest.mark.parametrize("name", sorted(STATED))
def test_every_number_the_prose_states_is_checked_and_agrees(name: str) -> None:
    checks = _narrative(extract(REAL / "docs" / name))
    assert [(_topic(c), c.lhs, c.status) for c in checks] == STATED[name]
    for c in checks:
        assert c.sentence and c.prov is not None
        if c.status == "pass":
            assert c.rhs == c.lhs and c.rhs_keys


@pytest.mark.parametrize(("name", "old", "new", "topic", "table"), [
    ("001_1feac183b5673ebd.txt", "共完成依申请信息公开4条", "共完成依申请信息公开5条", "result_total", 4),
    ("003_ef34a76a822e6c07.txt", "收到依申请公开0件", "收到依申请公开2件", "new_received", 0),
    ("000_811754ced70f7104.txt", "我镇未收到政务信息公开申请事项", "我镇收到政务信息公开申请事项3件", "new_received", 0),
])
def test_changing_one_prose_number_fails_exactly_that_check(name: str, old: str, new: str, topic: str,
                                                            table: int) -> None:
    text = (REAL / "docs" / name).read_text(encoding="utf-8")
    assert text.count(old) == 1
    before = _narrative(extract(text))
    after = _narrative(extract(text.replace(old, new)))
    failed = [c for c in after if c.status == "fail"]
    assert [(_topic(c), c.rhs) for c in failed] == [(topic, table)]
    assert new in (failed[0].sentence or "")
    # every other statement is read and judged as before
    assert [(c.id, c.status) for c in after if c is not failed[0]] == [(c.id, c.status) for c in before
                                                                        if c.id != failed[0].id]
    rep = extract(text.replace(old, new))
    assert all(rep.cells[k].review for k in failed[0].rhs_keys)
