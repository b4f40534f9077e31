"""The typed result of comparing two reports of one body (``Comparison``) and its published JSON Schema
(``schema/compare.schema.json``, ``extractor schema --compare``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..datamodel import CellSource, Check, Number, Provenance
from ..validate.cross_year import CrossYearRow

COMPARE_SCHEMA_VERSION = "1.0"
COMPARE_SCHEMA_ID = f"urn:zfxxgk-extractor:compare:{COMPARE_SCHEMA_VERSION}"  # a name, not a download address

# How a key of one report was put beside a key of the other:
#   same         the same canonical key in both;
#   renamed      a key of one template beside the key of the other that counts the same thing under another
#                label (2019 本年新制作数量 -> 2021 本年制发件数);
#   summed       one side's row against the sum of the rows that replace it in the other template (2019
#                （六）其他处理 against 2021 （六）1.+2.+3.); the sum is a derived number, the cells are as read;
#   only_before  the key exists in the earlier report's template (or cells) only;
#   only_after   the key exists in the later report's template (or cells) only.
Mapping = Literal["same", "renamed", "summed", "only_before", "only_after"]
RuleName = Literal["appears_from_zero", "vanishes_to_zero", "factor_change", "total_against_parts",
                   "requests_against_results", "identity_newly_failed", "carry_over_break"]
CarryStatus = Literal["ok", "break", "missing", "not_checked"]


class _Model(BaseModel):
    # as the Report: every field with a default is always written, so the schema lists it as required
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class Side(_Model):
    """One of the two reports: what it is and where its review page is."""

    source: str | None = None
    sha256: str | None = None
    format: str | None = None
    template: Literal["2019", "2021"] | None = None
    year: int | None = None
    organ: str | None = Field(None, description="the reporting body as printed in the title")
    status: str | None = None
    failed_identities: int = 0
    cells_to_review: int = 0
    review: str | None = Field(None, description="the href of this report's review page (cells link to it "
                               "with #cell=KEY), when one was given")


class Pairing(_Model):
    """Whether the two reports are one body's consecutive years, and if not, why not."""

    same_body: bool
    body: str | None = Field(None, description="the body's canonical name (cross_year's grouping)")
    consecutive: bool
    swapped: bool = Field(False, description="the reports were given later year first and were put in order")
    reasons: list[str] = Field(default_factory=list, description="why they are not one body's consecutive years")

    @property
    def ok(self) -> bool:
        return self.same_body and self.consecutive


class KeyChange(_Model):
    """One canonical key: both values as extracted, the change and the flags raised on it."""

    key: str
    section: Literal["active", "apply", "review"]
    label: str = Field(description="the row and column labels of the template the key is shown in")
    mapping: Mapping
    before_keys: list[str] = Field(description="the earlier report's cells the value comes from (summed when several)")
    after_keys: list[str] = Field(description="the later report's cells the value comes from (summed when several)")
    before: Number | None
    after: Number | None
    before_unit: str | None = None
    after_unit: str | None = None
    change: Number | None = Field(None, description="after - before; null when either is null or the units differ")
    relative: float | None = Field(None, description="change / before; null when before is 0 or null")
    before_source: CellSource | None = None
    after_source: CellSource | None = None
    before_review: bool = False
    after_review: bool = False
    before_prov: Provenance | None = None
    after_prov: Provenance | None = None
    flags: list[RuleName] = Field(default_factory=list, description="the rules that fired on this key")
    note: str | None = None


class Flag(_Model):
    """A change worth a look: the rule that fired, the keys it fired on and why."""

    rule: RuleName
    keys: list[str]
    message: str
    identity: str | None = Field(None, description="identity_newly_failed / total_against_parts: the identity's id")


class Statement(_Model):
    """A number the report's prose states (a narrative check)."""

    id: str
    sentence: str | None
    stated: Number | None
    table: Number | None
    status: str
    prov: Provenance | None = None


class NarrativeTopic(_Model):
    """The statements both reports make on one topic (新收申请, 结转…), side by side."""

    topic: str
    before: list[Statement] = Field(default_factory=list)
    after: list[Statement] = Field(default_factory=list)


class Comparison(_Model):
    """Two reports of one body, earlier first: every key's change, the carry-over, what is worth a look."""

    schema_version: str = COMPARE_SCHEMA_VERSION
    before: Side
    after: Side
    pairing: Pairing
    changes: list[KeyChange]
    carry_over: list[CrossYearRow] = Field(default_factory=list, description="结转下年度 of the earlier year "
                                           "against 上年结转 of the later one, per applicant column")
    carry_over_status: CarryStatus = "not_checked"
    carry_over_note: str | None = None
    largest: dict[str, list[str]] = Field(default_factory=dict, description="section -> keys of the largest "
                                          "absolute changes, largest first")
    flags: list[Flag] = Field(default_factory=list)
    thresholds: dict[str, float] = Field(default_factory=dict, description="the rules' named thresholds")
    narrative: list[NarrativeTopic] = Field(default_factory=list)
    failed_before: list[Check] = Field(default_factory=list, description="the earlier report's failed identities")
    failed_after: list[Check] = Field(default_factory=list, description="the later report's failed identities")

    def change(self, key: str) -> KeyChange:
        for c in self.changes:
            if c.key == key:
                return c
        raise KeyError(key)

    def flagged(self, rule: str) -> list[Flag]:
        return [f for f in self.flags if f.rule == rule]


def compare_json_schema() -> dict[str, object]:
    """The published JSON Schema of a Comparison as written (schema/compare.schema.json)."""
    schema = Comparison.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": COMPARE_SCHEMA_ID,
            "title": "extractor Comparison", **{k: v for k, v in schema.items() if k != "title"}}
