"""One synthetic report: its values, tables and prose as a list of blocks every renderer walks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

from extractor.templates import Template, load_template

from . import values as V
from .tables import Labels, Table, active_table, apply_table, review_table

BlockKind = Literal["title", "heading", "subheading", "para", "table", "sign"]


@dataclass
class Block:
    kind: BlockKind
    text: str = ""  # title blocks: '\n' separates printed title lines
    table: Table | None = None


@dataclass
class Report:
    stem: str
    form: str
    template: Template
    year: int
    organ: V.Organ
    title: str
    mixed: bool
    vals: V.Values
    blocks: list[Block] = field(default_factory=list)
    inconsistency: dict[str, Any] | None = None
    pub_date: tuple[int, int, int] = (2021, 1, 20)

    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if b.table is not None]

    def gold(self, source: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        t = self.template
        cells = self.vals.gold_cells(t, self.mixed)
        units = {k: u for k, u in self.vals.units.items() if cells.get(k) is not None}
        g: dict[str, Any] = {
            "source": source,
            "template": t.id,
            "year": self.year,
            "organ": self.organ.name,
            "cells": cells,
            "units": units,
            "form": self.form,
        }
        broken = V.broken_identities(t, cells)
        if broken:
            g["inconsistent"] = broken
            g["inconsistency"] = self.inconsistency
        if self.mixed:
            single = next(r for r in t.rows_of("apply") if r.extra)
            g["mixed_form"] = True
            g["extra_cells"] = {k: self.vals.cells[k] for k in single.cell_keys()}
            g["inferred"] = V.mixed_gold(t, self.vals)[1]
        if self.vals.notes:
            g["blanks"] = self.vals.notes
        if extra:
            g.update(extra)
        return g


def build_report(rng: random.Random, stem: str, form: str, template_id: str, mixed: bool, inconsistent: bool,
                 allow_scattered_blanks: bool = True) -> Report:
    t = load_template(template_id)
    year = rng.choice([2019, 2020]) if template_id == "2019" else rng.choice([2021, 2022, 2023, 2024])
    organ = V.make_organ(rng)
    vals = V.Values()
    if template_id == "2019":
        V.active_values_2019(rng, organ.kind, vals, plus_sign=rng.random() < 0.85)
    else:
        V.active_values_2021(rng, organ.kind, vals)
    V.apply_values(rng, t, organ.kind, mixed, vals)
    V.review_values(rng, t, organ.kind, vals)
    prose_numbers = {
        "new": vals.cells["apply.new_received.total"],
        "carried": vals.cells["apply.carried_over.total"],
    }
    V.apply_blanks(rng, t, vals, allow_scattered_blanks)
    incon = V.make_inconsistent(rng, t, vals, mixed) if inconsistent else None
    title = make_title(rng, organ.name, year)
    rep = Report(stem, form, t, year, organ, title, mixed, vals, inconsistency=incon,
                 pub_date=(year + 1, rng.randint(1, 3), rng.randint(1, 28)))
    labels = Labels(rng, t)
    rep.blocks = make_blocks(rng, rep, labels, prose_numbers)
    return rep


def make_title(rng: random.Random, organ: str, year: int) -> str:
    form = rng.choices(range(5), [0.5, 0.2, 0.1, 0.1, 0.1])[0]
    return [
        f"{organ}{year}年政府信息公开工作年度报告",
        f"{organ}{year}年度政府信息公开工作报告",
        f"{organ}\n{year}年度政府信息公开工作年度报告",
        f"{organ} {year} 年政府信息公开工作年度报告",
        f"{organ}关于{year}年政府信息公开工作的年度报告",
    ][form]


# --- prose ------------------------------------------------------------------------------------------

_FMT = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}


def _tel(rng: random.Random) -> str:
    return f"0{rng.randint(310, 939)}-{rng.randint(2, 8)}{rng.randint(1000000, 9999999)}"[:13]


def make_blocks(rng: random.Random, rep: Report, labels: Labels, nums: dict[str, Any]) -> list[Block]:
    t, y, o = rep.template, rep.year, rep.organ
    me = o.short
    out: list[Block] = [Block("title", rep.title)]
    if rng.random() < 0.7:
        out.append(Block("para", (
            f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
            f"（{_FMT[t.id]}）要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
            f"政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限"
            f"自{y}年1月1日起至{y}年12月31日止。如对本报告有疑问，请与{o.name}办公室联系（地址：{o.parent}"
            f"{rng.choice(['人民路', '府前街', '建设大道', '文化路', '解放东路'])}{rng.randint(1, 300)}号，邮编："
            f"{rng.randint(100000, 859999)}，电话：{_tel(rng)}）。"
        )))
    out.append(Block("heading", "一、总体情况"))
    published = rng.randint(20, 900)
    subs = [
        ("（一）主动公开", f"{y}年，{me}通过政府门户网站、政务新媒体等渠道主动公开政府信息{published}条，其中工作动态"
         f"{published * 2 // 5}条，通知公告{published // 6}条，政策文件{published // 10}件，政策解读{rng.randint(0, 30)}篇。"
         "严格落实信息发布审核制度，确保公开内容准确、及时、规范。"),
        ("（二）依申请公开", (f"{y}年，{me}共收到政府信息公开申请{nums['new']}件，上年结转{nums['carried'] or 0}件，"
                          "均在法定期限内予以答复，未发生因依申请公开引起的投诉。") if nums["new"] else
         f"{y}年，{me}未收到政府信息公开申请。"),
        ("（三）政府信息管理", "进一步规范政府信息公开流程，严格执行“先审查、后公开”和“一事一审”制度，对拟公开的政府信息"
         "进行保密审查，及时更新政府信息公开指南和目录。"),
        ("（四）政府信息公开平台建设", f"加强政府门户网站和政务新媒体管理，全年开展网站自查{rng.randint(4, 52)}次，"
         f"整改错别字、断链等问题{rng.randint(0, 40)}个，政务公开专区累计接待群众{rng.randint(100, 9000)}人次。"),
        ("（五）监督保障", f"将政务公开工作纳入年度目标考核，组织开展业务培训{rng.randint(1, 6)}次，"
         f"参训人员{rng.randint(20, 300)}人次，主动接受社会监督。"),
    ]
    for head, body in subs[: rng.randint(2, 5)]:
        if rng.random() < 0.5:
            out.append(Block("subheading", head + "情况"))
            out.append(Block("para", body))
        else:
            out.append(Block("para", f"{head}情况。{body}"))
    out.append(Block("heading", t.section_titles["active"][0]))
    out.append(Block("table", table=active_table(t, rep.vals, labels)))
    out.append(Block("heading", t.section_titles["apply"][0]))
    out.append(Block("table", table=apply_table(t, rep.vals, labels, rep.mixed)))
    out.append(Block("heading", t.section_titles["review"][0]))
    out.append(Block("table", table=review_table(t, rep.vals, labels)))
    out.append(Block("heading", "五、存在的主要问题及改进情况"))
    out.append(Block("para", rng.choice([
        f"{y}年，{me}政府信息公开工作取得了一定成效，但也存在一些不足：一是主动公开的深度和广度还需拓展；"
        "二是政策解读形式较为单一；三是工作人员业务水平有待提高。",
        f"{y}年，{me}政务公开工作虽然取得了较好成绩，但与上级要求和群众期盼相比还有一定差距，"
        "公开内容不够全面，更新不够及时。",
    ])))
    out.append(Block("para", f"{y + 1}年，{me}将" + rng.choice([
        "进一步加大政府信息公开力度，强化政策解读和回应关切，加强业务培训，不断提升政务公开工作水平。",
        "围绕中心工作，持续规范依申请公开办理流程，加强政府网站和政务新媒体监管，推动政务公开工作提质增效。",
    ])))
    out.append(Block("heading", "六、其他需要报告的事项"))
    if t.id == "2021":
        out.append(Block("para", rng.choice([
            "本年度未收取信息处理费。",
            f"依据《政府信息公开信息处理费管理办法》，{me}{y}年度未收取信息处理费。",
            "无。",
        ])))
    else:
        out.append(Block("para", "无。"))
    yy, mm, dd = rep.pub_date
    out.append(Block("sign", f"{o.name}\n{yy}年{mm}月{dd}日"))
    return out
