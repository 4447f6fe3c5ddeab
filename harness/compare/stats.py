"""Paired statistics for one metric on one slice: bootstrap CI and one-sided bounds, paired p-value,
p-value correction, and the number of queries a comparison would need.

Everything here is scipy; the only hand-written pieces are Holm's step-down correction, which
scipy (1.17) does not offer (``false_discovery_control`` covers Benjamini-Hochberg/Yekutieli only)
and statsmodels is not a dependency, and the textbook sample-size formula of ``queries_needed``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any, Literal, Sequence

import numpy as np
from scipy import stats

from ragshift.harness.compare.settings import TestName
from ragshift.harness.numbers import is_finite

Correction = Literal["holm", "bh", "none"]
TIE = 1e-12
"""Per-query differences at most this large count as ties."""
NAN = float("nan")
BCA_MAX_PAIRS = 5_000
"""Above this many pairs the CI is the percentile interval, not BCa: scipy's BCa jackknife costs n² time
and an n × n array (≈ 80 GB at 100k pairs), while its correction shrinks like 1/√n."""
_CELLS = 20_000_000
"""At most this many resampled values in memory at once (scipy's ``batch``); smaller runs are unbatched."""


def _batch(n: int, n_resamples: int) -> int | None:
    return None if n * max(n_resamples, 1) <= _CELLS else max(1, _CELLS // max(n, 1))


@dataclass(frozen=True)
class PairedResult:
    """Candidate minus baseline over paired queries: the one record of a paired comparison's statistics."""

    n: int
    baseline_mean: float
    candidate_mean: float
    delta: float
    ci_low: float
    ci_high: float
    """Two-sided CI of ``delta`` at the comparison's ``confidence_level`` (paired bootstrap)."""
    p_value: float
    """Two-sided p-value of "no difference" (uncorrected)."""
    wins: int
    ties: int
    losses: int
    sd: float
    """Sample standard deviation of the per-query differences (NaN below two queries)."""
    lower_bound: float
    upper_bound: float
    """One-sided bounds of ``delta``, each at ``bound_level``: bootstrap quantiles for the permutation
    test, Student's t for the t-test."""
    bound_level: float

    def to_json(self) -> dict[str, Any]:
        return {k: (v if is_finite(v) or not isinstance(v, float) else None) for k, v in asdict(self).items()}


def _mean_diff(baseline: np.ndarray, candidate: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(candidate - baseline, axis=axis)


def _bootstrap(b: np.ndarray, c: np.ndarray, **options: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return stats.bootstrap((b, c), _mean_diff, paired=True, vectorized=True, **options)


def _degenerate_intervals(diff: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The intervals where there is nothing to estimate: NaN below two pairs, the mean when all differences tie."""
    if len(diff) < 2:
        return (NAN, NAN), (NAN, NAN)
    if np.ptp(diff) <= TIE:
        mean = float(diff.mean())
        return (mean, mean), (mean, mean)
    return None


def bootstrap_intervals(
    baseline: np.ndarray, candidate: np.ndarray, *, confidence: float, bound_level: float, n_resamples: int, seed: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """``((ci_low, ci_high), (lower_bound, upper_bound))`` of the mean difference from one paired bootstrap
    distribution: the two-sided CI at ``confidence`` and one-sided bounds at ``bound_level`` each
    (``alternative="greater"`` / ``"less"``: the ``1 - bound_level`` quantiles). BCa; percentile where BCa
    is degenerate, and above ``BCA_MAX_PAIRS`` pairs."""
    diff = candidate - baseline
    if (degenerate := _degenerate_intervals(diff)) is not None:
        return degenerate
    first = None
    batch = _batch(len(diff), n_resamples)
    for method in ("BCa", "percentile") if len(diff) <= BCA_MAX_PAIRS else ("percentile",):
        res = _bootstrap(
            baseline, candidate, method=method, confidence_level=confidence, bootstrap_result=first,
            n_resamples=n_resamples if first is None else 0, rng=np.random.default_rng(seed), batch=batch,
        )
        first = first or res
        reuse = dict(method=method, confidence_level=bound_level, bootstrap_result=res, n_resamples=0, batch=batch)
        found = (
            float(res.confidence_interval.low), float(res.confidence_interval.high),
            float(_bootstrap(baseline, candidate, alternative="greater", **reuse).confidence_interval.low),
            float(_bootstrap(baseline, candidate, alternative="less", **reuse).confidence_interval.high),
        )
        if all(map(math.isfinite, found)):
            return found[:2], found[2:]
    return (NAN, NAN), (NAN, NAN)


def bootstrap_ci(
    baseline: np.ndarray, candidate: np.ndarray, *, confidence: float, n_resamples: int, seed: int
) -> tuple[float, float]:
    """Paired BCa bootstrap CI of the mean difference; percentile where BCa is degenerate."""
    return bootstrap_intervals(
        baseline, candidate, confidence=confidence, bound_level=confidence, n_resamples=n_resamples, seed=seed
    )[0]


def t_ci(baseline: np.ndarray, candidate: np.ndarray, *, confidence: float) -> tuple[float, float]:
    """Two-sided Student-t CI of the mean difference (scipy's ``ttest_rel``): O(n), for large samples."""
    if (degenerate := _degenerate_intervals(candidate - baseline)) is not None:
        return degenerate[0]
    ci = stats.ttest_rel(candidate, baseline).confidence_interval(confidence)
    return float(ci.low), float(ci.high)


def t_bounds(baseline: np.ndarray, candidate: np.ndarray, *, level: float) -> tuple[float, float]:
    """One-sided Student-t bounds of the mean difference at ``level`` each (scipy's ``ttest_rel``)."""
    if (degenerate := _degenerate_intervals(candidate - baseline)) is not None:
        return degenerate[1]
    lower = stats.ttest_rel(candidate, baseline, alternative="greater").confidence_interval(level).low
    upper = stats.ttest_rel(candidate, baseline, alternative="less").confidence_interval(level).high
    return float(lower), float(upper)


def paired_p_value(
    baseline: np.ndarray, candidate: np.ndarray, *, test: TestName, n_resamples: int, seed: int
) -> float:
    """Two-sided p-value of "no difference"; 1.0 when every pair is tied (or fewer than 2 pairs)."""
    diff = candidate - baseline
    if len(diff) < 2 or np.all(np.abs(diff) <= TIE):
        return 1.0
    if test == "t-test":
        with warnings.catch_warnings():  # constant differences: scipy warns, then returns p = 0
            warnings.simplefilter("ignore", RuntimeWarning)
            p = stats.ttest_rel(candidate, baseline).pvalue
    else:
        p = stats.permutation_test(
            (baseline, candidate), _mean_diff, permutation_type="samples", vectorized=True,
            n_resamples=n_resamples, rng=np.random.default_rng(seed), batch=_batch(len(diff), n_resamples),
        ).pvalue
    return float(p) if np.isfinite(p) else 1.0


def paired_compare(
    baseline: Sequence[float],
    candidate: Sequence[float],
    *,
    test: TestName,
    n_resamples: int,
    confidence: float,
    seed: int,
    bound_level: float = 0.95,
    resample_max_n: int | None = None,
) -> PairedResult:
    """Means, mean difference with its bootstrap CI and one-sided bounds, paired p-value, SD of the
    differences and win/tie/loss counts. Above ``resample_max_n`` pairs everything is Student-t (the
    paired t-test and its intervals), whatever ``test`` says."""
    b = np.asarray(baseline, dtype=float)
    c = np.asarray(candidate, dtype=float)
    if b.shape != c.shape or b.ndim != 1:
        raise ValueError(f"paired samples must be equal-length vectors, got {b.shape} and {c.shape}")
    diff = c - b
    if resample_max_n is not None and len(diff) > resample_max_n:
        test = "t-test"  # its bounds and p-value follow below
        ci = t_ci(b, c, confidence=confidence)
    else:
        ci, bounds = bootstrap_intervals(
            b, c, confidence=confidence, bound_level=bound_level, n_resamples=n_resamples, seed=seed
        )
    if test == "t-test":
        bounds = t_bounds(b, c, level=bound_level)
    return PairedResult(
        n=len(b),
        baseline_mean=float(b.mean()) if len(b) else NAN,
        candidate_mean=float(c.mean()) if len(c) else NAN,
        delta=float(diff.mean()) if len(diff) else NAN,
        ci_low=ci[0],
        ci_high=ci[1],
        p_value=paired_p_value(b, c, test=test, n_resamples=n_resamples, seed=seed),
        wins=int(np.sum(diff > TIE)),
        ties=int(np.sum(np.abs(diff) <= TIE)),
        losses=int(np.sum(diff < -TIE)),
        sd=float(np.std(diff, ddof=1)) if len(diff) > 1 else NAN,
        lower_bound=bounds[0],
        upper_bound=bounds[1],
        bound_level=bound_level,
    )


def queries_needed(result: PairedResult, max_drop: float, *, alpha: float, power: float) -> int | None:
    """Paired queries for a one-sided level-``alpha`` test to tell the mean difference from ``-max_drop``
    with probability ``power``, in the direction the data point to (non-inferiority when
    ``delta > -max_drop``, a drop beyond ``max_drop`` otherwise).

    Assumes the true mean difference is the observed ``delta``, per-query differences keep the observed
    SD, and their mean is normal: ``n = ((z[1-alpha] + z[power]) * sd / |delta + max_drop|)²``, at least
    one more query than now. None when ``delta`` sits on ``-max_drop`` (no number of queries separates
    them) or there is no SD (fewer than two queries).
    """
    gap = abs(result.delta + max_drop)
    if not (is_finite(result.sd) and is_finite(gap)) or gap <= TIE:
        return None
    z = stats.norm.ppf(1 - alpha) + stats.norm.ppf(power)
    return max(math.ceil((z * result.sd / gap) ** 2), result.n + 1)


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm-Bonferroni step-down adjusted p-values (same order as given)."""
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def adjust_p_values(p_values: Sequence[float], method: Correction) -> np.ndarray:
    """Correct a family of p-values: ``holm`` (FWER), ``bh`` (FDR, scipy) or ``none``."""
    p = np.asarray(p_values, dtype=float)
    if method == "none" or len(p) == 0:
        return p
    if method == "bh":
        return stats.false_discovery_control(p, method="bh")
    return holm(p)
