"""The statistics agree with scipy on known inputs; Holm matches a hand-worked example."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ragshift.harness.compare.stats import (
    adjust_p_values,
    bootstrap_ci,
    holm,
    paired_compare,
    paired_p_value,
    queries_needed,
)


def _mean_diff(x, y, axis=-1):
    return np.mean(y - x, axis=axis)


@pytest.fixture()
def paired():
    rng = np.random.default_rng(7)
    base = rng.uniform(0, 1, 80)
    cand = np.clip(base + rng.normal(0.05, 0.15, 80), 0, 1)
    return base, cand


def test_t_test_p_equals_scipy(paired):
    base, cand = paired
    p = paired_p_value(base, cand, test="t-test", n_resamples=1, seed=0)
    assert p == pytest.approx(stats.ttest_rel(cand, base).pvalue, rel=1e-12)


def test_permutation_p_equals_scipy_with_same_seed(paired):
    base, cand = paired
    expected = stats.permutation_test(
        (base, cand), _mean_diff, permutation_type="samples", vectorized=True,
        n_resamples=499, rng=np.random.default_rng(3),
    ).pvalue
    assert paired_p_value(base, cand, test="permutation", n_resamples=499, seed=3) == pytest.approx(expected)
    assert paired_p_value(base, cand, test="permutation", n_resamples=499, seed=3) == paired_p_value(
        base, cand, test="permutation", n_resamples=499, seed=3
    )


def test_permutation_is_exact_for_few_pairs():
    base = np.zeros(8)
    cand = np.arange(1, 9) / 10  # every pair favours the candidate: 2 of 2**8 sign patterns are as extreme
    assert paired_p_value(base, cand, test="permutation", n_resamples=999, seed=0) == pytest.approx(2 / 256)


def test_all_ties_give_p_one_and_zero_width_ci():
    x = np.array([0.2, 0.5, 0.9, 1.0])
    for test in ("t-test", "permutation"):
        assert paired_p_value(x, x.copy(), test=test, n_resamples=99, seed=0) == 1.0
    assert bootstrap_ci(x, x + 0.1, confidence=0.95, n_resamples=99, seed=0) == pytest.approx((0.1, 0.1))


def test_bootstrap_ci_is_scipys_paired_bca(paired):
    base, cand = paired
    expected = stats.bootstrap(
        (base, cand), _mean_diff, paired=True, vectorized=True, n_resamples=999,
        confidence_level=0.9, rng=np.random.default_rng(5),
    ).confidence_interval
    low, high = bootstrap_ci(base, cand, confidence=0.9, n_resamples=999, seed=5)
    assert (low, high) == pytest.approx((expected.low, expected.high))


def test_bootstrap_ci_covers_the_true_difference():
    true_diff, covered, reps = 0.08, 0, 40
    for seed in range(reps):
        rng = np.random.default_rng(100 + seed)
        base = rng.normal(0.5, 0.2, 60)
        cand = base + rng.normal(true_diff, 0.1, 60)
        low, high = bootstrap_ci(base, cand, confidence=0.95, n_resamples=499, seed=seed)
        covered += low <= true_diff <= high
    assert covered >= 0.85 * reps  # nominal 95%; a broken CI (e.g. around 0) covers almost never


def test_paired_compare_counts_and_means():
    base = [0.0, 0.5, 1.0, 0.3, 0.3]
    cand = [1.0, 0.5, 0.0, 0.6, 0.3]
    r = paired_compare(base, cand, test="t-test", n_resamples=99, confidence=0.95, seed=0)
    assert (r.n, r.wins, r.ties, r.losses) == (5, 2, 2, 1)
    assert r.baseline_mean == pytest.approx(0.42)
    assert r.candidate_mean == pytest.approx(0.48)
    assert r.delta == pytest.approx(0.06)
    assert r.ci_low <= r.delta <= r.ci_high
    with pytest.raises(ValueError):
        paired_compare([1.0], [1.0, 2.0], test="t-test", n_resamples=9, confidence=0.95, seed=0)


def test_holm_textbook_example():
    # Sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> monotone: 0.02, 0.03, 0.06, 0.06
    p = [0.01, 0.04, 0.03, 0.005]
    assert holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])  # capped at 1
    assert list(holm([])) == []


def test_holm_controls_like_bonferroni_at_the_smallest_p():
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, 30)
    adj = holm(p)
    assert adj[np.argmin(p)] == pytest.approx(min(1.0, 30 * p.min()))
    assert np.all(adj >= p)
    order = np.argsort(p)
    assert np.all(np.diff(adj[order]) >= 0)


def test_adjust_p_values_methods():
    p = [0.01, 0.02, 0.03, 0.2]
    assert adjust_p_values(p, "bh") == pytest.approx(stats.false_discovery_control(p, method="bh"))
    assert adjust_p_values(p, "none") == pytest.approx(p)
    assert adjust_p_values(p, "holm") == pytest.approx(holm(p))


def test_one_sided_bootstrap_bounds_are_scipys(paired):
    base, cand = paired
    r = paired_compare(base, cand, test="permutation", n_resamples=999, confidence=0.95, seed=5, bound_level=0.9)
    for alternative, bound in (("greater", r.lower_bound), ("less", r.upper_bound)):
        expected = stats.bootstrap(
            (base, cand), _mean_diff, paired=True, vectorized=True, n_resamples=999, confidence_level=0.9,
            alternative=alternative, rng=np.random.default_rng(5),
        ).confidence_interval
        assert bound == pytest.approx(expected.low if alternative == "greater" else expected.high)
    assert r.ci_low < r.lower_bound < r.delta < r.upper_bound < r.ci_high  # one-sided 90% sits inside two-sided 95%
    assert r.bound_level == 0.9 and r.sd == pytest.approx(np.std(cand - base, ddof=1))


def test_one_sided_t_bounds_are_scipys(paired):
    base, cand = paired
    r = paired_compare(base, cand, test="t-test", n_resamples=99, confidence=0.95, seed=0, bound_level=0.95)
    assert r.lower_bound == pytest.approx(stats.ttest_rel(cand, base, alternative="greater").confidence_interval(0.95).low)
    assert r.upper_bound == pytest.approx(stats.ttest_rel(cand, base, alternative="less").confidence_interval(0.95).high)
    # the one-sided 95% bounds are the two-sided 90% interval
    both = stats.ttest_rel(cand, base).confidence_interval(0.90)
    assert (r.lower_bound, r.upper_bound) == pytest.approx((both.low, both.high))


def test_bounds_of_constant_or_single_differences():
    x = np.array([0.2, 0.5, 0.9])
    for test in ("t-test", "permutation"):
        r = paired_compare(x, x - 0.01, test=test, n_resamples=99, confidence=0.95, seed=0)
        assert (r.lower_bound, r.upper_bound) == pytest.approx((-0.01, -0.01))
        one = paired_compare([0.5], [0.4], test=test, n_resamples=99, confidence=0.95, seed=0)
        assert np.isnan(one.lower_bound) and np.isnan(one.sd) and queries_needed(one, 0.01, alpha=0.05, power=0.8) is None


def test_queries_needed_is_the_normal_sample_size_formula(paired):
    base, cand = paired
    r = paired_compare(base, cand, test="t-test", n_resamples=99, confidence=0.95, seed=0)
    z = stats.norm.ppf(0.95) + stats.norm.ppf(0.8)
    expected = int(np.ceil((z * r.sd / abs(r.delta + 0.01)) ** 2))
    assert queries_needed(r, 0.01, alpha=0.05, power=0.8) == max(expected, r.n + 1)
    assert queries_needed(r, -r.delta, alpha=0.05, power=0.8) is None  # Δ on -max_drop: nothing separates them
    assert queries_needed(r, 0.01, alpha=0.05, power=0.9) > queries_needed(r, 0.01, alpha=0.05, power=0.8)


def test_many_pairs_use_scipys_percentile_interval_in_batches():
    # BCa's jackknife is n x n: above BCA_MAX_PAIRS the CI is scipy's percentile interval (same seed),
    # resampled in batches so memory stays bounded; the permutation p-value is batched too.
    from ragshift.harness.compare.stats import BCA_MAX_PAIRS

    rng = np.random.default_rng(3)
    n = BCA_MAX_PAIRS + 1000
    base = rng.uniform(0, 1, n)
    cand = np.clip(base + rng.normal(0.01, 0.2, n), 0, 1)
    expected = stats.bootstrap(
        (base, cand), _mean_diff, paired=True, vectorized=True, n_resamples=4000, method="percentile",
        confidence_level=0.95, rng=np.random.default_rng(5),
    ).confidence_interval
    low, high = bootstrap_ci(base, cand, confidence=0.95, n_resamples=4000, seed=5)
    assert (low, high) == pytest.approx((expected.low, expected.high), abs=2e-4)
    assert low < float(np.mean(cand - base)) < high
    p = paired_p_value(base, cand, test="permutation", n_resamples=4000, seed=5)
    assert 0 <= p < 0.05


def test_above_resample_max_n_everything_is_student_t_and_agrees_with_the_bootstrap():
    # resampling costs n x n_resamples; above resample_max_n the paired t-test and its intervals stand in,
    # and at that n they agree with the percentile bootstrap to within its Monte Carlo error.
    rng = np.random.default_rng(11)
    n = 30_000
    base = rng.uniform(0, 1, n)
    cand = np.clip(base + rng.normal(0.004, 0.2, n), 0, 1)
    t = paired_compare(base, cand, test="permutation", n_resamples=2000, confidence=0.95, seed=1, resample_max_n=20_000)
    scipy_t = stats.ttest_rel(cand, base)
    assert t.p_value == pytest.approx(scipy_t.pvalue, rel=1e-9)
    ci = scipy_t.confidence_interval(0.95)
    assert (t.ci_low, t.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-9)
    assert t.lower_bound == pytest.approx(stats.ttest_rel(cand, base, alternative="greater").confidence_interval(0.95).low)
    resampled = paired_compare(base, cand, test="permutation", n_resamples=2000, confidence=0.95, seed=1)
    width = resampled.ci_high - resampled.ci_low
    assert abs(t.ci_low - resampled.ci_low) < 0.05 * width and abs(t.ci_high - resampled.ci_high) < 0.05 * width
    assert abs(t.p_value - resampled.p_value) < 0.02
    small = paired_compare(base[:500], cand[:500], test="permutation", n_resamples=999, confidence=0.95, seed=1,
                           resample_max_n=20_000)
    assert small.p_value != pytest.approx(stats.ttest_rel(cand[:500], base[:500]).pvalue, rel=1e-6)  # still resampled
