"""Year-over-year comparison (比对) of two reports of one body.

``compare(r1, r2)`` returns a :class:`Comparison`: the two reports (template, organ, year), whether they
are one body's consecutive years (or why not), every canonical key with both values as extracted, the
change and the relative change — across the 2019 -> 2021 template change (``keys``) — the carry-over check
(cross_year's: 结转下年度 of the earlier year against 上年结转 of the later), the largest changes per
section, the changes worth a look (``rules``: each flag names its rule), the narrative statements of both
years side by side and both reports' failed identities. ``render_compare_html`` makes one self-contained
page of it whose cells link to each report's review page (``#cell=KEY``).

Modules: ``model`` (the typed result and its JSON Schema), ``keys`` (which key goes beside which),
``rules`` (the named rules and their thresholds), ``build`` (putting it together), ``html`` (the page).
"""

from __future__ import annotations

from .build import compare, compare_pair, pairing
from .html import render_compare_html
from .model import Comparison, Flag, KeyChange, Pairing, Side, compare_json_schema
from .rules import RULES, THRESHOLDS

__all__ = ["RULES", "THRESHOLDS", "Comparison", "Flag", "KeyChange", "Pairing", "Side", "compare",
           "compare_json_schema", "compare_pair", "pairing", "render_compare_html"]
