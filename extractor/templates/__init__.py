"""The national report templates, loaded from ``models/templates/*.yaml``.

A :class:`Template` knows every canonical key, the printed labels of rows and columns, and the
identities (勾稽关系) expanded into concrete key lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from ..errors import TemplateError
from ..settings import settings

TEMPLATE_IDS = ("2019", "2021")


def models_dir() -> Path:
    """The ``models/`` folder: ``EXTRACTOR_MODELS_DIR`` if set, else the one beside the package."""
    env = settings().models_dir
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent
    for cand in (here.parent / "models", here / "_models"):
        if (cand / "templates").is_dir():
            return cand
    raise TemplateError(f"models/ folder not found next to {here}; set EXTRACTOR_MODELS_DIR")


@dataclass(frozen=True)
class RowSpec:
    section: str
    key: str  # row key inside the section, e.g. "result.withheld.state_secret"
    labels: tuple[str, ...]
    columns: tuple[str, ...]
    extra: bool = False  # kept in output but outside the template's key set (mixed-form rows)
    replaces: tuple[str, ...] = ()
    unit_from_header: str | None = None

    @cached_property  # read on every label score: computed once per row
    def full_key(self) -> str:
        return f"{self.section}.{self.key}"

    def cell_keys(self) -> list[str]:
        return [f"{self.section}.{self.key}.{c}" for c in self.columns]


@dataclass(frozen=True)
class Identity:
    id: str
    text: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]


@dataclass
class Template:
    id: str
    name: str
    covers_years: tuple[int, int]
    signals: tuple[str, ...]
    rows: list[RowSpec]
    column_labels: dict[str, dict[str, tuple[str, ...]]]  # section -> column -> labels
    groups: list[tuple[str, ...]]
    review_columns: tuple[str, ...]
    review_groups: tuple[str, ...]
    review_header_labels: tuple[str, ...]
    section_titles: dict[str, tuple[str, ...]]
    usually_zero: frozenset[str] = frozenset()  # active-table columns that are 0 far more often than not
    identities: list[Identity] = field(default_factory=list)

    def rows_of(self, section: str) -> list[RowSpec]:
        return [r for r in self.rows if r.section == section]

    def row(self, full_key: str) -> RowSpec:
        return self._by_key[full_key]

    @cached_property
    def _by_key(self) -> dict[str, RowSpec]:
        return {r.full_key: r for r in self.rows}

    @cached_property
    def replacing_rows(self) -> tuple[RowSpec, ...]:
        """The mixed-form rows printed in place of several template rows (（六）其他处理 as one row)."""
        return tuple(r for r in self.rows if r.extra and r.replaces)

    def review_keys(self) -> list[str]:
        return [f"review.{g}.{c}" for g in self.review_groups for c in self.review_columns]

    def keys(self) -> list[str]:
        """Every canonical cell key of the template, in table order (the gold file's key set)."""
        out: list[str] = []
        for r in self.rows:
            if not r.extra:
                out.extend(r.cell_keys())
        return out + self.review_keys()

    def extra_keys(self) -> list[str]:
        return [k for r in self.rows if r.extra for k in r.cell_keys()]


def _expand(pattern: str, env: dict[str, str]) -> str:
    return re.sub(r"<(\w+)>", lambda m: env[m.group(1)], pattern)


def _build_identities(raw: list[dict[str, Any]], t: Template) -> list[Identity]:
    apply_rows = [r for r in t.rows_of("apply") if not r.extra]
    domains = {
        "apply_columns": list(t.column_labels["apply"].keys()),
        "apply_rows": [r.key for r in apply_rows],
        "review_groups": list(t.review_groups),
        "result_leaves": [r.key for r in apply_rows if r.key.startswith("result.") and r.key != "result.total"],
    }
    out: list[Identity] = []
    for spec in raw:
        ((var, domain),) = spec["for_each"].items()
        for value in domains[domain]:
            env = {var: value}
            rhs: list[str] = []
            for pat in spec["rhs"]:
                if "expand" in spec:
                    ((evar, edomain),) = spec["expand"].items()
                    rhs.extend(_expand(pat, {**env, evar: v}) for v in domains[edomain])
                else:
                    rhs.append(_expand(pat, env))
            out.append(
                Identity(
                    id=_expand(spec["id"], env),
                    text=_expand(spec["text"], env),
                    lhs=tuple(_expand(p, env) for p in spec["lhs"]),
                    rhs=tuple(rhs),
                )
            )
    return out


def _parse(data: dict[str, Any]) -> Template:
    secs = data["sections"]
    rows: list[RowSpec] = []
    column_labels: dict[str, dict[str, tuple[str, ...]]] = {}
    for sname in ("active", "apply"):
        sec = secs[sname]
        column_labels[sname] = {k: tuple(v) for k, v in sec["columns"].items()}
        for r in sec["rows"]:
            cols = tuple(r.get("columns") or column_labels[sname].keys())
            rows.append(
                RowSpec(
                    section=sname,
                    key=r["key"],
                    labels=tuple(r["labels"]),
                    columns=cols,
                    extra=bool(r.get("extra", False)),
                    replaces=tuple(r.get("replaces", ())),
                    unit_from_header=r.get("unit_from_header"),
                )
            )
    rev = secs["review"]
    column_labels["review"] = {k: tuple(v) for k, v in rev["columns"].items()}
    t = Template(
        id=str(data["id"]),
        name=data["name"],
        covers_years=tuple(data["covers_years"]),
        signals=tuple(data["signals"]),
        rows=rows,
        column_labels=column_labels,
        groups=[tuple(g) for g in secs["apply"].get("groups", [])],
        review_columns=tuple(rev["columns"].keys()),
        review_groups=tuple(rev["groups_in_row"]),
        review_header_labels=tuple(rev["header_labels"]),
        section_titles={k: tuple(v.get("title", ())) for k, v in secs.items()},
        usually_zero=frozenset(secs["active"].get("usually_zero", ())),
    )
    t.identities = _build_identities(data["identities"], t)
    return t


@cache
def load_template(template_id: str) -> Template:
    path = models_dir() / "templates" / f"{template_id}.yaml"
    if not path.exists():
        raise TemplateError(f"unknown template {template_id!r}; known: {', '.join(TEMPLATE_IDS)}")
    try:
        return _parse(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as e:
        raise TemplateError(f"malformed template {path}: {e}") from e


def all_templates() -> list[Template]:
    return [load_template(t) for t in TEMPLATE_IDS]


__all__ = ["Identity", "RowSpec", "Template", "TEMPLATE_IDS", "all_templates", "load_template", "models_dir"]
