"""``compare_rows``: every candidate against the baseline, per dataset, metric and slice."""

from __future__ import annotations

import math
from typing import Iterable, Literal, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness.compare.flips import find_flips
from harness.compare.model import OVERALL, Comparison, MetricTest, PairComparison
from harness.compare.policy import RegressionPolicy, Verdict, judge
from harness.compare.slices import slice_members
from harness.compare.stats import adjust_p_values, paired_compare
from harness.errors import ConfigError, RagshiftError
from harness.types import Row

DEFAULT_DATASET = "default"
"""Dataset name of rows without ``meta["dataset"]``."""


class CompareSettings(BaseModel):
    """How to compare (the policy says what passes). Embeddable in a run config."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    test: Literal["permutation", "t-test"] = "permutation"
    n_resamples: int = Field(9999, ge=1, description="Bootstrap and permutation resamples.")
    confidence_level: float = Field(0.95, gt=0, lt=1)
    seed: int = 0
    slice_fields: tuple[str, ...] = ("query_type",)
    auto_tags: bool = True
    flip_k: int = Field(10, ge=1)


def dataset_of(row: Row) -> str:
    return str(row.meta.get("dataset") or DEFAULT_DATASET)


def _index(rows: Iterable[Row]) -> dict[tuple[str, str], dict[str, Row]]:
    """``{(dataset, system): {qid: row}}``, refusing duplicate queries."""
    index: dict[tuple[str, str], dict[str, Row]] = {}
    for row in rows:
        group = index.setdefault((dataset_of(row), row.system), {})
        if row.qid in group:
            raise RagshiftError(f"system {row.system!r} has query {row.qid!r} twice in dataset {dataset_of(row)!r}")
        group[row.qid] = row
    return index


def _shared_metrics(pairs: Sequence[tuple[Row, Row]]) -> list[str]:
    """Metrics both systems report (on some query each), in first-seen order.

    Answer metrics may cover only some queries (``max_queries``, not applicable); a query without a
    value from both systems is left out of that metric's test and counted as ``missing``.
    """
    sides = [dict.fromkeys(m for pair in pairs for m in pair[i].metrics) for i in (0, 1)]
    return [m for m in sides[0] if m in sides[1]]


def _value(row: Row, metric: str) -> float | None:
    """The row's value of ``metric``; None when absent, None (a failed judge verdict) or NaN."""
    value = row.metrics.get(metric)
    return float(value) if value is not None and math.isfinite(value) else None


def _compare_pair(
    dataset: str,
    base: dict[str, Row],
    cand: dict[str, Row],
    candidate: str,
    policy: RegressionPolicy,
    settings: CompareSettings,
) -> PairComparison:
    qids = [q for q in base if q in cand]
    if not qids:
        raise RagshiftError(f"{candidate!r} shares no query with the baseline in dataset {dataset!r}")
    pairs = [(base[q], cand[q]) for q in qids]
    b_rows = [b for b, _ in pairs]
    metrics = _shared_metrics(pairs)
    slices = slice_members(b_rows, settings.slice_fields, auto_tags=settings.auto_tags)
    raw = []
    for metric in metrics:
        b_all = [_value(b, metric) for b, _ in pairs]
        c_all = [_value(c, metric) for _, c in pairs]
        scored = {i for i in range(len(pairs)) if b_all[i] is not None and c_all[i] is not None}
        for key, members in slices.items():
            idx = [i for i in members if i in scored]  # a missing value (failed judge, unanswered) drops the pair
            if not idx and key != OVERALL:
                continue
            result = paired_compare(
                [b_all[i] for i in idx], [c_all[i] for i in idx], test=settings.test,
                n_resamples=settings.n_resamples, confidence=settings.confidence_level, seed=settings.seed,
            )
            raw.append((metric, key, result, len(members) - len(idx)))
    limits = [policy.limits(dataset, metric, key.label) for metric, key, _, _ in raw]
    deciding = [policy.deciding(lim, key.label, r.n) and r.n > 0 for lim, (_, key, r, _) in zip(limits, raw)]
    adjusted = [0.0] * len(raw)
    for family in (True, False):
        members = [i for i, d in enumerate(deciding) if d is family]
        for i, p in zip(members, adjust_p_values([raw[i][2].p_value for i in members], policy.correction)):
            adjusted[i] = float(p)
    tests = []
    for (metric, key, r, missing), lim, decides, p_adj in zip(raw, limits, deciding, adjusted):
        verdict, reason = judge(r.delta, p_adj, lim) if r.n else (Verdict.PASS, "no query has a value from both systems")
        tests.append(
            MetricTest(
                metric, key, r.n, r.baseline_mean, r.candidate_mean, r.delta, r.ci_low, r.ci_high,
                r.p_value, p_adj, r.wins, r.ties, r.losses, lim.max_drop, lim.alpha, decides, verdict, reason,
                missing,
            )
        )
    unpaired = len(set(base) ^ set(cand))
    return PairComparison(
        dataset, b_rows[0].system, candidate, len(qids), unpaired, settings.flip_k,
        tuple(tests), find_flips(pairs, settings.flip_k),
    )


def compare_rows(
    rows: Iterable[Row],
    *,
    baseline: str,
    candidates: Sequence[str] | None = None,
    policy: RegressionPolicy | None = None,
    slice_fields: Sequence[str] = ("query_type",),
    test: str = "permutation",
    seed: int = 0,
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    flip_k: int = 10,
    auto_tags: bool = True,
) -> Comparison:
    """Compare each candidate (default: every other system) with ``baseline`` on each dataset.

    Rows are paired by ``qid`` within a dataset (``Row.meta["dataset"]``). Within each
    candidate x dataset pair, p-values are corrected across metrics x slices: the deciding tests form
    one family, the non-deciding ones (small slices, ``decides = false``) another, so information-only
    tests never dilute the tests that decide the verdict.
    """
    try:
        settings = CompareSettings(
            test=test, n_resamples=n_resamples, confidence_level=confidence_level, seed=seed,
            slice_fields=tuple(slice_fields), auto_tags=auto_tags, flip_k=flip_k,
        )
    except ValidationError as exc:
        raise ConfigError(f"invalid comparison settings:\n{exc}") from None
    policy = policy or RegressionPolicy()
    index = _index(rows)
    systems = list(dict.fromkeys(s for _, s in index))
    if baseline not in systems:
        raise ConfigError(f"baseline {baseline!r} is not in the rows; systems present: {', '.join(systems) or 'none'}")
    chosen = [s for s in systems if s != baseline] if candidates is None else list(dict.fromkeys(candidates))
    for name in chosen:
        if name not in systems or name == baseline:
            others = ", ".join(s for s in systems if s != baseline) or "none"
            raise ConfigError(f"candidate {name!r} is not a system other than the baseline; choose from: {others}")
    if not chosen:
        raise ConfigError(f"nothing to compare: the rows hold only the baseline {baseline!r}")
    datasets = list(dict.fromkeys(d for d, s in index if s == baseline))
    pairs = tuple(
        _compare_pair(d, index[(d, baseline)], index[(d, c)], c, policy, settings)
        for c in chosen
        for d in datasets
        if (d, c) in index
    )
    return Comparison(
        baseline, tuple(chosen), tuple(datasets), settings.test, settings.n_resamples,
        settings.confidence_level, settings.seed, policy, pairs,
    )
