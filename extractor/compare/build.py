"""Putting a Comparison together: the pairing check, every key's change, the carry-over (cross_year's own
check), the rules' flags, the largest changes, the narrative statements and the failed identities."""

from __future__ import annotations

from ..datamodel import Report
from ..validate.cross_year import CrossYearRow, body_groups, cross_year
from .keys import SECTIONS, key_changes
from .model import CarryStatus, Comparison, KeyChange, NarrativeTopic, Pairing, Side, Statement
from .rules import THRESHOLDS, Context, run_rules

LARGEST_N = 5  # keys listed per section under "largest changes"
_ONE_BODY = "\u0000body"  # the organ both reports are given for cross_year's carry-over check of a given pair


def _side(rep: Report, review: str | None) -> Side:
    return Side(source=rep.source, sha256=rep.sha256, format=rep.format, template=rep.template, year=rep.year,
                organ=rep.organ, status=rep.status,
                failed_identities=sum(1 for c in rep.failed_checks if c.kind == "identity"),
                cells_to_review=sum(1 for c in rep.cells.values() if c.review), review=review)


def pairing(before: Report, after: Report, swapped: bool = False, body: str | None = None) -> Pairing:
    """Whether the two reports are one body's consecutive years (``body``: already known to be, as a batch's
    grouping says), with the reasons when not."""
    reasons: list[str] = []
    for word, rep in (("earlier", before), ("later", after)):
        if rep.template is None:
            reasons.append(f"the {word} report ({rep.source}) has no statistics tables (template null)")
    same = body is not None
    if body is None:
        missing = [w for w, r in (("earlier", before), ("later", after)) if not r.organ]
        if missing:
            reasons.append(f"no organ found in the title of the {' and the '.join(missing)} report")
        else:
            assert before.organ and after.organ
            groups = body_groups([before.organ, after.organ])
            same = groups.body[before.organ] == groups.body[after.organ]
            if same:
                body = groups.body[before.organ]
            else:
                reasons.append(f"different bodies: «{before.organ}» and «{after.organ}»")
    if before.year is None or after.year is None:
        consecutive = False
        reasons.append("the year of the " + " and the ".join(w for w, r in (("earlier", before), ("later", after))
                                                            if r.year is None) + " report is not known")
    else:
        consecutive = after.year - before.year == 1
        if after.year == before.year:
            reasons.append(f"both report on {before.year}")
        elif not consecutive:
            reasons.append(f"{before.year} and {after.year} are not consecutive years")
    return Pairing(same_body=same, body=body, consecutive=consecutive, swapped=swapped, reasons=reasons)


def _carry_over(before: Report, after: Report, body: str | None) -> list[CrossYearRow]:
    """cross_year's check on this one pair: both reports given as one body, so that only the years decide."""
    one = [r.model_copy(update={"organ": _ONE_BODY}) for r in (before, after)]
    return [r.model_copy(update={"organ": body or before.organ or ""}) for r in cross_year(one)]


def _carry_status(rows: list[CrossYearRow]) -> CarryStatus:
    if not rows:
        return "not_checked"
    statuses = {r.status for r in rows}
    return "break" if "break" in statuses else "missing" if "missing" in statuses else "ok"


def _largest(changes: list[KeyChange]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for section in SECTIONS:
        moved = [(i, c) for i, c in enumerate(changes) if c.section == section and c.change]
        moved.sort(key=lambda ic: (-abs(ic[1].change or 0), ic[0]))
        out[section] = [c.key for _, c in moved[:LARGEST_N]]
    return out


def _statements(rep: Report) -> dict[str, list[Statement]]:
    out: dict[str, list[Statement]] = {}
    for c in rep.checks:
        if c.kind == "narrative":
            topic = c.id.split(".", 2)[-1]
            out.setdefault(topic, []).append(Statement(id=c.id, sentence=c.sentence, stated=c.lhs, table=c.rhs,
                                                       status=c.status, prov=c.prov))
    return out


def _narrative(before: Report, after: Report) -> list[NarrativeTopic]:
    b, a = _statements(before), _statements(after)
    topics = list(dict.fromkeys([*b, *a]))
    return [NarrativeTopic(topic=t, before=b.get(t, []), after=a.get(t, [])) for t in topics]


def compare_pair(before: Report, after: Report, *, carry_over: list[CrossYearRow] | None = None,
                 body: str | None = None, swapped: bool = False,
                 reviews: tuple[str | None, str | None] = (None, None)) -> Comparison:
    """The comparison of ``before`` (the earlier year) with ``after``. ``carry_over`` and ``body``: what a
    batch's cross_year grouping already found for this pair; ``reviews``: the hrefs of both review pages."""
    pair = pairing(before, after, swapped, body)
    changes = key_changes(before, after)
    if carry_over is None:
        carry_over = _carry_over(before, after, pair.body) if pair.consecutive else []
    status = _carry_status(carry_over)
    note = None
    if status == "not_checked":
        note = "not checked: " + ("; ".join(pair.reasons) or "no carry-over cells")
    elif not pair.same_body:
        note = "the reports are not known to be of one body: the carry-over is shown for what it is worth"
    by_key = {c.key: c for c in changes}
    flags = run_rules(Context(before, after, by_key, carry_over))
    return Comparison(
        before=_side(before, reviews[0]), after=_side(after, reviews[1]), pairing=pair, changes=changes,
        carry_over=carry_over, carry_over_status=status, carry_over_note=note, largest=_largest(changes),
        flags=flags, thresholds=dict(THRESHOLDS), narrative=_narrative(before, after),
        failed_before=[c for c in before.failed_checks if c.kind == "identity"],
        failed_after=[c for c in after.failed_checks if c.kind == "identity"])


def compare(r1: Report, r2: Report, reviews: tuple[str | None, str | None] = (None, None)) -> Comparison:
    """Compare two reports of one body: the earlier year first whatever the order given (``pairing.swapped``
    says when they were turned round). ``reviews``: hrefs of the two reports' review pages, in the order
    given, for the page's links (``#cell=KEY`` is added)."""
    swapped = r1.year is not None and r2.year is not None and r1.year > r2.year
    if swapped:
        r1, r2 = r2, r1
        reviews = (reviews[1], reviews[0])
    return compare_pair(r1, r2, swapped=swapped, reviews=reviews)
