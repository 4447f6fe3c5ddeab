"""Paired statistics for one metric on one slice: bootstrap CI, paired p-value, p-value correction.

Everything here is scipy; the only hand-written piece is Holm's step-down correction, which
scipy (1.17) does not offer (``false_discovery_control`` covers Benjamini-Hochberg/Yekutieli only)
and statsmodels is not a dependency.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np
from scipy import stats

TestName = Literal["permutation", "t-test"]
Correction = Literal["holm", "bh", "none"]
TIE = 1e-12
"""Per-query differences at most this large count as ties."""


@dataclass(frozen=True)
class PairedResult:
    """Candidate minus baseline over paired queries."""

    n: int
    baseline_mean: float
    candidate_mean: float
    delta: float
    ci_low: float
    ci_high: float
    p_value: float
    wins: int
    ties: int
    losses: int


def _mean_diff(baseline: np.ndarray, candidate: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(candidate - baseline, axis=axis)


def bootstrap_ci(
    baseline: np.ndarray, candidate: np.ndarray, *, confidence: float, n_resamples: int, seed: int
) -> tuple[float, float]:
    """Paired BCa bootstrap CI of the mean difference; percentile where BCa is degenerate."""
    diff = candidate - baseline
    if len(diff) < 2:
        return float("nan"), float("nan")
    if np.ptp(diff) <= TIE:
        return float(diff.mean()), float(diff.mean())
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = stats.bootstrap(
                (baseline, candidate), _mean_diff, paired=True, vectorized=True, method=method,
                confidence_level=confidence, n_resamples=n_resamples, rng=np.random.default_rng(seed),
            )
        low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if np.isfinite(low) and np.isfinite(high):
            return low, high
    return float("nan"), float("nan")


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
            n_resamples=n_resamples, rng=np.random.default_rng(seed),
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
) -> PairedResult:
    """Means, mean difference with bootstrap CI, paired p-value and win/tie/loss counts."""
    b = np.asarray(baseline, dtype=float)
    c = np.asarray(candidate, dtype=float)
    if b.shape != c.shape or b.ndim != 1:
        raise ValueError(f"paired samples must be equal-length vectors, got {b.shape} and {c.shape}")
    diff = c - b
    low, high = bootstrap_ci(b, c, confidence=confidence, n_resamples=n_resamples, seed=seed)
    return PairedResult(
        n=len(b),
        baseline_mean=float(b.mean()) if len(b) else float("nan"),
        candidate_mean=float(c.mean()) if len(c) else float("nan"),
        delta=float(diff.mean()) if len(diff) else float("nan"),
        ci_low=low,
        ci_high=high,
        p_value=paired_p_value(b, c, test=test, n_resamples=n_resamples, seed=seed),
        wins=int(np.sum(diff > TIE)),
        ties=int(np.sum(np.abs(diff) <= TIE)),
        losses=int(np.sum(diff < -TIE)),
    )


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
