"""Per-system figures a report shows: means with CIs, per-slice means, worst queries, recall curves."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from scipy import stats

from ragshift.harness.compare.slices import slice_members
from ragshift.harness.types import Row

PREFERRED_PRIMARY = ("ndcg@10", "mrr@10", "recall@10", "map", "mrr")
_RECALL = re.compile(r"^(?:recall|r)@(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class SliceMeans:
    label: str
    n: int
    means: dict[str, float]


@dataclass(frozen=True)
class SystemSummary:
    """One system on one dataset."""

    system: str
    dataset: str
    n: int
    means: dict[str, float]
    half_widths: dict[str, float]
    """95% t-interval half-width of each mean (0 for a single query)."""
    slices: tuple[SliceMeans, ...]
    worst: tuple[Row, ...]

    def recall_curve(self) -> list[tuple[int, float]]:
        """``[(K, mean recall@K)]`` from whatever recall@K labels the rows hold, K ascending."""
        points = [(int(m.group(1)), v) for k, v in self.means.items() if (m := _RECALL.match(k))]
        return sorted(points)

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "n": self.n,
            "means": self.means,
            "ci95_half_width": self.half_widths,
            "slices": [{"slice": s.label, "n": s.n, "means": s.means} for s in self.slices],
            "worst_qids": [r.qid for r in self.worst],
        }


def primary_metric(metrics: Sequence[str]) -> str | None:
    """The headline metric: nDCG@10 when present, else the first of a few usual ones, else the first."""
    lower = {m.lower(): m for m in metrics}
    return next((lower[p] for p in PREFERRED_PRIMARY if p in lower), metrics[0] if metrics else None)


def _mean(values: np.ndarray) -> float:
    """Mean over the finite values; NaN (without a warning) when there are none."""
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else float("nan")


def _half_width(values: np.ndarray) -> float:
    if len(values) < 2:
        return 0.0
    sem = stats.sem(values)
    return float(stats.t.ppf(0.975, len(values) - 1) * sem) if math.isfinite(sem) else 0.0


def summarize(
    rows: Sequence[Row],
    metrics: Sequence[str],
    primary: str | None,
    *,
    slice_fields: Sequence[str] = ("query_type",),
    auto_tags: bool = True,
    worst_n: int = 10,
) -> tuple[SystemSummary, ...]:
    """One summary per (system, dataset), in order of first appearance."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.system, row.dataset), []).append(row)
    out = []
    for (system, dataset), group in groups.items():
        values = {m: np.array([r.metrics.get(m, np.nan) for r in group], dtype=float) for m in metrics}
        slices = tuple(
            SliceMeans(key.label, len(idx), {m: _mean(values[m][idx]) for m in metrics})
            for key, idx in slice_members(group, slice_fields, auto_tags=auto_tags).items()
        )
        worst = sorted(group, key=lambda r: (_sort_value(r, primary), r.qid))
        out.append(
            SystemSummary(
                system, dataset, len(group),
                {m: _mean(v) for m, v in values.items()},
                {m: _half_width(v[np.isfinite(v)]) for m, v in values.items()},
                slices,
                tuple(worst[:worst_n]),
            )
        )
    return tuple(out)


def _sort_value(row: Row, metric: str | None) -> float:
    """Worst first: queries without a value sort after every scored one."""
    value = row.value(metric) if metric else None
    return math.inf if value is None else value


def metric_labels(rows: Sequence[Row]) -> list[str]:
    """Metric labels in first-seen order across all rows."""
    return list(dict.fromkeys(m for r in rows for m in r.metrics))


@dataclass(frozen=True)
class QueryDelta:
    """One query's primary-metric change from baseline to candidate."""

    baseline: Row
    candidate: Row
    delta: float


def query_deltas(rows: Sequence[Row], dataset: str, baseline: str, candidate: str, metric: str) -> list[QueryDelta]:
    """Paired per-query deltas of ``metric``, most negative first; queries without both values are left out."""
    by_key = {(r.system, r.qid): r for r in rows if r.dataset == dataset}
    out = [
        QueryDelta(b, c, after - before)
        for (system, qid), b in by_key.items()
        if system == baseline
        and (c := by_key.get((candidate, qid))) is not None
        and (before := b.value(metric)) is not None
        and (after := c.value(metric)) is not None
    ]
    return sorted(out, key=lambda d: (d.delta, d.baseline.qid))
