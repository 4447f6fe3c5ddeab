"""How much two rankings of the same query agree: overlap@K, rank-biased overlap, how far documents moved.

Pure functions over ranked document-id lists, best first, each id at most once (a retriever's
document-level hits). Scores are not used: documents the retriever scored equal keep the order it
returned them in. Ranks are 1-based.

Rank-biased overlap is the extrapolated RBO of Webber, Moffat and Zobel, "A similarity measure for
indefinite rankings", ACM TOIS 28(4), 2010 — Eq. (32), which also covers lists of different lengths.
It is written out here (about 20 lines) rather than taken from the PyPI package ``rbo`` 0.1.3: that
package agrees with this code on every list we tried, but it requires ``numpy<2`` (the lock pins numpy
2.x, so pip cannot install both), checks its input with ``assert`` and prints to stdout when it clips.
"""

from __future__ import annotations

from typing import Sequence

DEFAULT_P = 0.9
"""Persistence: at p = 0.9 the first 10 ranks carry about 86% of the weight (Webber et al., Eq. 21)."""


def _unique(ranking: Sequence[str], side: str) -> None:
    if len(set(ranking)) != len(ranking):
        twice = sorted({d for d in ranking if list(ranking).count(d) > 1})
        raise ValueError(f"{side} ranking lists a document more than once: {twice}")


def overlap_at_k(current: Sequence[str], candidate: Sequence[str], k: int) -> float:
    """``|top-K ∩ top-K| / K``; when both lists are shorter than K (a tiny corpus), the longer one's
    length stands for K, so two identical short lists still agree fully. Two empty lists agree (1.0)."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    a, b = list(current[:k]), list(candidate[:k])
    _unique(a, "current")
    _unique(b, "candidate")
    depth = max(len(a), len(b))
    return len(set(a) & set(b)) / depth if depth else 1.0


def rank_biased_overlap(current: Sequence[str], candidate: Sequence[str], *, p: float = DEFAULT_P) -> float:
    """Extrapolated RBO (Webber et al. 2010, Eq. 32) of two rankings, in [0, 1]: 1 for identical
    lists, 0 for disjoint ones; agreement near the top weighs more (weight ``p^(d-1)`` at depth d).

    Pass the evaluated prefixes (e.g. both top-10s). Lists may differ in length; two empty lists give
    1.0, one empty list 0.0.
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    a, b = list(current), list(candidate)
    _unique(a, "current")
    _unique(b, "candidate")
    if not a or not b:
        return 1.0 if not a and not b else 0.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    s, l = len(short), len(long_)
    seen_short: set[str] = set()
    seen_long: set[str] = set()
    overlap = 0  # X_d: size of the intersection of the two depth-d prefixes
    x_s = 0
    total = 0.0
    for d in range(1, l + 1):
        item = long_[d - 1]
        if d <= s:
            new = short[d - 1]
            overlap += (new == item) + (new in seen_long) + (item in seen_short)
            seen_short.add(new)
            if d == s:
                x_s = overlap
        else:
            overlap += item in seen_short
        seen_long.add(item)
        total += overlap / d * p**d
        if d > s:
            total += x_s * (d - s) / (s * d) * p**d
    value = (1 - p) / p * total + ((overlap - x_s) / l + x_s / s) * p**l
    return min(1.0, max(0.0, value))


def rank_of(doc_id: str, ranking: Sequence[str]) -> int | None:
    """1-based rank of ``doc_id`` in ``ranking``, or None when it is not there ("gone")."""
    for rank, d in enumerate(ranking, start=1):
        if d == doc_id:
            return rank
    return None


def mean_rank_shift(current: Sequence[str], candidate: Sequence[str], k: int) -> float | None:
    """Mean ``|rank in current − rank in candidate|`` over the documents in both top-Ks; None if none is."""
    a, b = list(current[:k]), list(candidate[:k])
    where = {d: r for r, d in enumerate(b, start=1)}
    shifts = [abs(r - where[d]) for r, d in enumerate(a, start=1) if d in where]
    return sum(shifts) / len(shifts) if shifts else None


def compare_rankings(
    current: Sequence[str], candidate: Sequence[str], *, k: int, p: float = DEFAULT_P
) -> dict[str, float | None]:
    """Every per-query agreement figure of two top-K rankings, keyed by the names rows and reports use.

    ``top1_rank`` is the rank of the current top-1 document in the candidate's top-K (None: gone or no
    current result); ``changed_completely`` is 1.0 when the top-Ks share no document.
    """
    a, b = list(current[:k]), list(candidate[:k])
    overlap = overlap_at_k(a, b, k)
    top1 = rank_of(a[0], b) if a else None
    return {
        f"overlap@{k}": overlap,
        "rbo": rank_biased_overlap(a, b, p=p),
        "mean_rank_shift": mean_rank_shift(a, b, k),
        "top1_rank": None if top1 is None else float(top1),
        "top1_same": 1.0 if a and b and a[0] == b[0] else 0.0,
        "changed_completely": 1.0 if overlap == 0.0 and (a or b) else 0.0,
    }
