"""Score a label against template rows: rapidfuzz on the normalised strings, blended with the overlap of
jieba tokens (domain user dictionary in models/lexicon/userdict.txt)."""

from __future__ import annotations

import logging
from functools import cache, lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from ..templates import RowSpec, Template, models_dir
from .normalize import normalize_label

# Blend of character-level and token-level similarity. Character ratio carries most of the weight: labels
# are short and tokens of a truncated label are still mostly right; the token part separates labels that
# share many characters but not words (e.g. 其他结果 / 其他处理).
CHAR_WEIGHT = 0.7
TOKEN_WEIGHT = 0.3
# A group label (三、本年度办理结果, （三）不予公开 ...) is recognised from this score upward. Measured on the
# seeds and the real PDFs, group cells score 100 and the nearest row labels stay under 75.
GROUP_MIN = 85.0
# Suffix matching only for labels this long: short ones (规章, 其他, 总计) end many unrelated labels.
SUFFIX_MIN_CHARS = 4
# A suffix match counts a little less than the whole label matching.
SUFFIX_PENALTY = 5.0


@cache
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    with open(models_dir() / "lexicon" / "userdict.txt", "rb") as f:  # jieba leaves a path's file open
        tk.load_userdict(f)
    return tk


@lru_cache(maxsize=65536)
def tokens(norm: str) -> frozenset[str]:
    return frozenset(t for t in _tokenizer().lcut(norm, HMM=False) if t.strip())


@lru_cache(maxsize=262144)
def similarity(a: str, b: str) -> float:
    """Similarity 0–100 of two *normalised* labels."""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    return _blend(fuzz.ratio(a, b), tokens(a), tokens(b))


def _blend(ch: float, ta: frozenset[str], tb: frozenset[str]) -> float:
    """The similarity of two different labels from their character ratio and their token sets."""
    tok = 200.0 * len(ta & tb) / (len(ta) + len(tb)) if ta and tb else 0.0
    return CHAR_WEIGHT * ch + TOKEN_WEIGHT * tok


class LabelMatcher:
    """Matches labels of one template. ``LabelMatcher.of(template)`` gives the process's one matcher of a
    template, whose label scores are kept from document to document."""

    _shared: dict[int, tuple[Template, LabelMatcher]] = {}

    @classmethod
    def of(cls, template: Template) -> LabelMatcher:
        """The matcher of this template object (built on first use; a template loaded again from another
        models folder is another object and gets its own)."""
        hit = cls._shared.get(id(template))
        if hit is None or hit[0] is not template:
            hit = cls._shared[id(template)] = (template, cls(template))
        return hit[1]

    def __init__(self, template: Template) -> None:
        self.template = template
        self.rows = [r for r in template.rows]
        self._index = {r.full_key: i for i, r in enumerate(self.rows)}
        self._variants = [[normalize_label(v) for v in r.labels] for r in self.rows]
        # every row's variants in one list (the cdist columns), with the row each belongs to
        self._flat = [v for vs in self._variants for v in vs]
        self._flat_row = [i for i, vs in enumerate(self._variants) for _ in vs]
        self._flat_tokens = [tokens(v) if v else frozenset() for v in self._flat]
        self._groups = [[normalize_label(v) for v in g] for g in template.groups]
        self._group_prefixes = sorted({v for g in self._groups for v in g if v}, key=len, reverse=True)

    def score(self, label: str, row: RowSpec) -> float:
        return self.scores(label)[self._index[row.full_key]]

    @lru_cache(maxsize=65536)  # noqa: B019 — one matcher per template, kept for the process
    def scores(self, label: str) -> tuple[float, ...]:
        """The label's score against every row of the template, in ``rows`` order: computed once per label
        (a batch meets the same printed labels in document after document; a document scores each of its
        labels against every row, and most of them several times). Each score is ``similarity`` of the
        label's best form and the row's best variant (or a suffix of the label, see ``_suffix_bounds``); the
        character ratios of all forms against all variants come from one ``rapidfuzz.process.cdist`` call."""
        forms = self._forms(label)
        flat, rows_of = self._flat, self._flat_row
        out = [0.0] * len(self.rows)
        if flat:
            ratios = process.cdist(forms, flat, scorer=fuzz.ratio, dtype=np.float64).tolist()
            for n, row_ratios in zip(forms, ratios, strict=True):
                if not n:
                    continue  # similarity of an empty label is 0
                ta = tokens(n)
                for v, tb, ch, r in zip(flat, self._flat_tokens, row_ratios, rows_of, strict=True):
                    if not v:
                        continue
                    sim = 100.0 if n == v else _blend(ch, ta, tb)
                    if sim > out[r]:
                        out[r] = sim
        n = forms[-1]
        for k, bound in self._suffix_bounds(n):
            r = rows_of[k]
            if out[r] < 100.0 and bound > out[r]:
                v = flat[k]
                out[r] = max(out[r], similarity(n[-len(v):], v) - SUFFIX_PENALTY)
        return tuple(out)

    def best(self, label: str) -> float:
        """The label's score against the row it matches best."""
        return max(self.scores(label), default=0.0)

    def _suffix_bounds(self, n: str) -> list[tuple[int, float]]:
        """The row's own label at the end of a longer one (scans and PDF text put pieces of merged group
        cells and vertical text in front of it: "理结(三) 不予公1.属于国家秘密"): for each variant that may end
        the label, its index and the most its suffix match can score (the character ratio with every token
        shared). Only a suffix whose bound beats the row's score is tokenised and scored: the result is that
        of scoring every suffix, without a jieba call per suffix length."""
        out = []
        for k, v in enumerate(self._flat):
            if len(v) >= SUFFIX_MIN_CHARS and len(n) > len(v):
                out.append((k, CHAR_WEIGHT * fuzz.ratio(n[-len(v):], v) + TOKEN_WEIGHT * 100.0 - SUFFIX_PENALTY))
        return out

    @lru_cache(maxsize=65536)  # noqa: B019 — one matcher per template, kept for the process
    def _forms(self, label: str) -> tuple[str, ...]:
        """The normalised label, and the same with group labels glued in front of it removed
        ("三、本年度办理结果（一）予以公开" -> "予以公开")."""
        n = normalize_label(label)
        forms = [n]
        changed = True
        while changed:
            changed = False
            for g in self._group_prefixes:
                if n.startswith(g) and len(n) > len(g):
                    n = n[len(g):]
                    forms.append(n)
                    changed = True
        return tuple(forms)

    @lru_cache(maxsize=65536)  # noqa: B019 — one matcher per template, kept for the process
    def is_group_label(self, label: str) -> bool:
        n = normalize_label(label)
        return any(similarity(n, v) >= GROUP_MIN for g in self._groups for v in g)

    def row_label(self, parts: list[str]) -> str:
        """The row's own label: drop leading group cells (三、本年度办理结果 / （三）不予公开) when
        something else remains, and join the rest (a label split over cells)."""
        rest = list(parts)
        while len(rest) > 1 and self.is_group_label(rest[0]):
            rest.pop(0)
        return "".join(rest)
