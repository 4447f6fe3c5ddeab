"""Verdict rules, rule resolution and policy files."""

from __future__ import annotations

import pytest

from ragshift.harness.compare.policy import Limits, RegressionPolicy, Rule, Verdict, judge, load_policy
from ragshift.harness.compare.stats import PairedResult
from ragshift.harness.errors import ConfigError

LIM = Limits(max_drop=0.02, alpha=0.05, decides=True)


def result(delta, low=float("nan"), high=float("nan"), *, n=100, sd=0.1):
    """A PairedResult with the given mean difference and one-sided bounds."""
    return PairedResult(n, 0.5, 0.5 + delta, delta, low, high, 0.5, 0, n, 0, sd, low, high, 0.95)


@pytest.mark.parametrize(
    ("delta", "p", "verdict"),
    [
        (-0.05, 0.01, Verdict.FAIL),  # significant drop beyond tolerance
        (-0.05, 0.20, Verdict.WARN),  # drop beyond tolerance, not significant
        (-0.01, 0.01, Verdict.WARN),  # significant drop within tolerance
        (-0.01, 0.20, Verdict.PASS),  # small, insignificant drop
        (-0.02, 0.01, Verdict.WARN),  # exactly max_drop is within tolerance
        (-0.05, 0.05, Verdict.WARN),  # p == alpha is not significant
        (0.00, 0.01, Verdict.PASS),
        (0.08, 0.001, Verdict.PASS),  # significant gain
        (float("nan"), 1.0, Verdict.PASS),
    ],
)
def test_judge_significance(delta, p, verdict):
    assert judge(result(delta), p, LIM)[0] is verdict
    assert judge(result(delta), p, LIM, mode="significance")[0] is verdict


@pytest.mark.parametrize(
    ("delta", "low", "high", "verdict", "says"),
    [
        (0.01, -0.005, 0.02, Verdict.PASS, "within max_drop 0.02: 95% lower bound of Δ -0.0050 >= -0.02"),
        (-0.01, -0.02, 0.0, Verdict.PASS, ">= -0.02"),  # the bound exactly at -max_drop passes
        (-0.01, -0.015, -0.005, Verdict.WARN, "but a drop of 0.0100 is measured (upper bound -0.0050 < 0)"),
        (-0.05, -0.07, -0.03, Verdict.FAIL, "drop beyond max_drop 0.02 measured: 95% upper bound of Δ -0.0300"),
        (-0.015, -0.03, -0.002, Verdict.INCONCLUSIVE, "[-0.0300, -0.0020]; a drop is measured, not whether it exceeds"),
        (0.0, -0.03, 0.03, Verdict.INCONCLUSIVE, "not shown within max_drop 0.02: 95% bounds of Δ [-0.0300, +0.0300]; about"),
        (-0.03, -0.06, 0.0, Verdict.INCONCLUSIVE, "about"),  # Δ beyond max_drop, the upper bound not below it
        (float("nan"), float("nan"), float("nan"), Verdict.INCONCLUSIVE, "no bound"),
    ],
)
def test_judge_non_inferiority(delta, low, high, verdict, says):
    found, reason = judge(result(delta, low, high), 1.0, LIM, mode="non-inferiority")
    assert found is verdict and says in reason


def test_inconclusive_reason_says_how_many_queries_would_resolve_it():
    # n = ((z_.95 + z_.8) * sd / |Δ + max_drop|)^2 = ((1.6449 + 0.8416) * 0.1 / 0.01)^2 = 618.3 -> 619
    reason = judge(result(-0.01, -0.025, 0.005), 1.0, LIM, mode="non-inferiority")[1]
    assert reason.endswith("about 619 paired queries (now 100) would resolve it at 80% power if Δ and the per-query SD "
                           "(0.100) hold")
    on_the_line = judge(result(-0.02, -0.04, 0.0), 1.0, LIM, mode="non-inferiority")[1]
    assert "no number of queries resolves it" in on_the_line


def test_verdict_order_and_blocking():
    assert [v.value for v in sorted(Verdict, key=lambda v: v.severity)] == ["pass", "warn", "inconclusive", "fail"]
    assert [v.blocks for v in Verdict] == [False, False, True, True]
    assert Verdict.worst([Verdict.WARN, Verdict.INCONCLUSIVE]) is Verdict.INCONCLUSIVE


def test_worst():
    assert Verdict.worst([Verdict.PASS, Verdict.FAIL, Verdict.WARN]) is Verdict.FAIL
    assert Verdict.worst([]) is Verdict.PASS


def test_rules_refine_defaults_last_match_wins():
    policy = RegressionPolicy(
        max_drop=0.01,
        alpha=0.05,
        rules=(
            Rule(metric="recall@*", max_drop=0.03),
            Rule(metric="recall@10", slice="query_type=*", alpha=0.1),
            Rule(slice="tag=number", decides=False),
            Rule(dataset="general", max_drop=0.05),
        ),
    )
    assert policy.limits("d", "ndcg@10", "all") == Limits(max_drop=0.01, alpha=0.05, decides=True)
    assert policy.limits("d", "recall@5", "all") == Limits(max_drop=0.03, alpha=0.05, decides=True)
    assert policy.limits("d", "recall@10", "query_type=howto") == Limits(max_drop=0.03, alpha=0.1, decides=True)
    assert policy.limits("d", "recall@10", "tag=number").decides is False
    assert policy.limits("general", "recall@5", "all").max_drop == 0.05


def test_small_slices_never_decide_but_all_does():
    policy = RegressionPolicy(min_slice_size=20)
    lim = policy.limits("d", "ndcg@10", "x")
    assert not policy.deciding(lim, "query_type=rare", 19)
    assert policy.deciding(lim, "query_type=common", 20)
    assert policy.deciding(lim, "all", 5)
    assert not policy.deciding(Limits(max_drop=0, alpha=0.05, decides=False), "all", 500)


def test_load_policy(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text(
        'max_drop = 0.005\ncorrection = "bh"\nmin_slice_size = 30\n\n'
        '[[rules]]\nmetric = "ndcg@10"\nslice = "query_type=*"\nmax_drop = 0.02\n',
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert policy.correction == "bh" and policy.min_slice_size == 30
    assert policy.limits("d", "ndcg@10", "query_type=howto").max_drop == 0.02


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("max_dorp = 0.1\n", "max_dorp"),
        ('correction = "bonferroni"\n', "holm"),
        ("alpha = 1.5\n", "alpha"),
        ('mode = "equivalence"\n', "non-inferiority"),
        ('[[rules]]\nmetrc = "x"\n', "metrc"),
        ("max_drop = \n", "cannot read"),
    ],
)
def test_bad_policy_files_raise_config_error(tmp_path, text, needle):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=needle) as info:
        load_policy(path)
    assert str(path) in str(info.value)


def test_unknown_key_message_lists_valid_keys(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("tolerance = 0.1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="valid keys: mode, max_drop, alpha, correction, min_slice_size, power, rules"):
        load_policy(path)


def test_documented_example_is_valid(tmp_path):
    from ragshift.harness.compare import policy as module

    example = module.__doc__.split("::\n\n", 1)[1]
    path = tmp_path / "example.toml"
    path.write_text("\n".join(line[4:] for line in example.splitlines() if line.startswith("    ")), encoding="utf-8")
    policy = load_policy(path)
    assert policy.mode == "significance" and policy.power == 0.8
    assert policy.limits("general", "ndcg@10", "all").decides is False
    assert policy.limits("acme", "ndcg@10", "query_type=errorcode").max_drop == 0.0
