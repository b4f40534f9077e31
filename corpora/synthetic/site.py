"""The web page around a report (navigation, breadcrumbs, publishing line, footer) for HTML pages and
their flattened text."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .document import Report


@dataclass
class Chrome:
    site: str
    nav: list[str]
    crumbs: list[str]
    published: str  # 2021-01-29 09:30
    source: str
    hits: int
    footer: list[str]
    sid: str


def make_chrome(rng: random.Random, rep: Report) -> Chrome:
    o = rep.organ
    site = rng.choice([f"{o.parent}人民政府", f"{o.parent}人民政府门户网站", f"{o.name}网站"]) if o.kind != "city_gov" else f"{o.name}门户网站"
    nav = ["首页", "政务公开", "政务服务", "互动交流", "走进" + o.parent[-3:]]
    crumbs = ["首页", "政务公开", rng.choice(["政府信息公开年报", "政府信息公开年度报告", "年度报告"])]
    yy, mm, dd = rep.pub_date
    published = f"{yy}-{mm:02d}-{dd:02d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
    sid = f"{rng.randint(1000000000, 9999999999)}"
    footer = [
        f"主办单位：{o.parent}人民政府办公室　承办单位：{o.parent}大数据中心",
        f"网站标识码：{sid}　{rng.choice(['浙', '苏', '鲁', '皖', '赣', '湘', '豫'])}ICP备{rng.randint(10000000, 99999999)}号-{rng.randint(1, 9)}",
        f"联系电话：0{rng.randint(310, 939)}-{rng.randint(2000000, 8999999)}　建议使用1920×1080分辨率浏览",
    ]
    return Chrome(site, nav, crumbs, published, o.name, rng.randint(35, 9000), footer, sid)
