"""Assertion helpers over synthetic per-query rows: verdicts, slices, support, messages, bad input."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ragshift.harness.errors import ConfigError
from ragshift.harness.gates import GateFailure, assert_at_least, assert_not_worse, gate_settings, metric_rows, slice_rows
from ragshift.harness.testing.rows import synthetic_rows

FAST = {"settings": gate_settings(n_resamples=999)}
TYPES = ("howto", "errorcode", "keyword", "negation", "factoid")


def rows_for(candidate: float, *, n: int = 240, effects: dict[str, float] | None = None, baseline: float = 0.5):
    return synthetic_rows(n, {"baseline": baseline, "candidate": candidate}, type_effects={"candidate": effects or {}})


def test_better_candidate_passes_and_returns_the_comparison():
    comparison = assert_not_worse(rows_for(0.6), baseline="baseline", candidate="candidate", **FAST)
    tests = comparison.pairs[0].tests
    assert {t.slice.label for t in tests} >= {"all", *(f"query_type={q}" for q in TYPES)}
    assert {t.metric for t in tests} == {"ndcg@10"}
    assert all(t.verdict.value == "pass" for t in tests)


def test_worse_candidate_fails_with_a_compact_table_and_the_report_path(tmp_path):
    report = tmp_path / "report.html"
    with pytest.raises(GateFailure) as caught:
        assert_not_worse(rows_for(0.2), baseline="baseline", candidate="candidate", report=report, **FAST)
    message = str(caught.value)
    lines = message.splitlines()
    assert lines[0].startswith(
        "ragshift gate failed: 'candidate' vs 'baseline' on ndcg@10: a drop beyond 0.01 is measured (non-inferiority: "
        "one-sided 95% lower bound of delta >= -0.01 overall and on every slice with n >= 20; bootstrap bounds)"
    )
    assert lines[1].split() == ["metric", "slice", "n", "baseline", "candidate", "delta", "95%", "lower", "95%", "upper",
                                "verdict", "queries", "needed"]
    overall = lines[2].split()
    assert overall[:3] == ["ndcg@10", "all", "240"] and float(overall[5]) < -0.1 and float(overall[7]) < -0.01
    assert overall[8:] == ["fail", "-"]
    assert lines[-2].startswith("fail: a drop beyond 0.01 is measured on all, query_type=")
    assert lines[-1] == f"report: {report}"
    assert "Traceback" not in message and len(lines) < 15


def test_a_regression_on_one_query_type_fails_on_that_slice_only():
    rows = rows_for(0.6, effects={"errorcode": -0.25})  # better overall, worse on error codes
    with pytest.raises(GateFailure) as caught:
        assert_not_worse(rows, baseline="baseline", candidate="candidate", **FAST)
    failed = [line.split()[1] for line in str(caught.value).splitlines()[2:] if line.startswith("ndcg@10")]
    assert failed == ["query_type=errorcode"]


def test_slices_below_min_support_are_reported_but_do_not_decide():
    rows = rows_for(0.6, effects={"errorcode": -0.25})
    comparison = assert_not_worse(rows, baseline="baseline", candidate="candidate", min_support=100, **FAST)
    small = comparison.pairs[0].test("ndcg@10", "query_type=errorcode")
    assert small.stats.n == 60 and not small.deciding and small.stats.delta < -0.1 and small.verdict.value == "fail"


def test_fail_on_warn_also_fails_insignificant_drops_beyond_tolerance():
    rows = rows_for(0.45, n=40)  # a small drop on few queries: not significant
    kwargs = dict(baseline="baseline", candidate="candidate", max_drop=0.0, min_support=1000, mode="significance", **FAST)
    comparison = assert_not_worse(rows, **kwargs)
    assert comparison.pairs[0].test("ndcg@10").verdict.value == "warn"
    with pytest.raises(GateFailure):
        assert_not_worse(rows, fail_on="warn", **kwargs)


def test_answer_metric_with_missing_values_compares_the_queries_both_systems_scored():
    rows = [
        replace(r, metrics={**r.metrics, "judge.faithfulness": None if i % 10 == 0 else r.metrics["ndcg@10"]})
        for i, r in enumerate(rows_for(0.2))
    ]
    kept, left_out = metric_rows(rows, ["baseline", "candidate"], "judge.faithfulness")
    assert left_out == 24 and len(kept) == 2 * 216
    with pytest.raises(GateFailure, match="24 queries without a value for judge.faithfulness"):
        assert_not_worse(rows, baseline="baseline", candidate="candidate", metric="judge.faithfulness", max_drop=0.0, **FAST)


def test_unknown_metric_or_system_lists_what_exists():
    rows = rows_for(0.5, n=16)
    with pytest.raises(ConfigError, match=r"metric 'ndcg@100' is not in the rows; metrics present: mrr@10, ndcg@10"):
        assert_not_worse(rows, baseline="baseline", candidate="candidate", metric="ndcg@100")
    with pytest.raises(ConfigError, match="no rows for system 'finetuned'"):
        assert_not_worse(rows, baseline="baseline", candidate="finetuned")


def test_at_least_checks_the_mean_on_a_slice(tmp_path):
    rows = rows_for(0.5)
    howto = [r.metrics["recall@10"] for r in rows if r.system == "candidate" and r.query_type == "howto"]
    mean = sum(howto) / len(howto)
    check = assert_at_least(rows, system="candidate", metric="recall@10", threshold=mean, slice="query_type=howto")
    assert (check.n, check.mean, check.passed) == (len(howto), pytest.approx(mean), True)
    with pytest.raises(GateFailure) as caught:
        assert_at_least(rows, system="candidate", metric="recall@10", threshold=mean + 0.01,
                        slice="query_type=howto", report=tmp_path / "r.html")
    lines = str(caught.value).splitlines()
    assert lines[0] == f"ragshift gate failed: 'candidate' recall@10 on query_type=howto is below {mean + 0.01:g}"
    assert lines[2].split()[:3] == ["recall@10", "query_type=howto", str(len(howto))]
    assert lines[-1] == f"report: {tmp_path / 'r.html'}"


def test_slices_by_field_or_automatic_tag():
    rows = [r for r in rows_for(0.5, n=16) if r.system == "baseline"]
    assert len(slice_rows(rows, "all")) == 16
    assert {r.query_type for r in slice_rows(rows, "query_type=errorcode")} == {"errorcode"}
    acronyms = slice_rows(rows, "tag=acronym")
    assert acronyms and all({"SSO", "VPN", "API", "EU"} & set(r.query.split()) for r in acronyms)
    assert slice_rows(rows, "query_type=missing") == []
    with pytest.raises(ConfigError, match="must be 'all' or 'field=value'"):
        slice_rows(rows, "acronym")
    with pytest.raises(ConfigError, match="slice 'query_type=missing' holds no query"):
        assert_at_least(rows, system="baseline", metric="ndcg@10", threshold=0.5, slice="query_type=missing")


def test_gate_module_imports_no_heavy_library():
    import subprocess
    import sys

    code = "import ragshift.harness.gates, ragshift.harness.suite, ragshift.harness.pytest_plugin, sys; print(sorted(m for m in ('scipy', 'torch', 'chromadb', 'llama_index', 'sentence_transformers', 'ragas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parent)
    assert out.stdout.strip() == "[]"


def test_significance_failure_message_names_small_and_insignificant_drops_too():
    with pytest.raises(GateFailure) as caught:
        assert_not_worse(rows_for(0.3), baseline="baseline", candidate="candidate", min_support=100, mode="significance", **FAST)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("ragshift gate failed: 'candidate' is worse than 'baseline' on ndcg@10 (significance: "
                               "max drop 0.01, alpha 0.05, holm over 1 slice(s) with n >= 100; permutation test)")
    assert lines[1].split() == ["metric", "slice", "n", "baseline", "candidate", "delta", "95%", "CI", "p", "(holm)"]
    assert [line.split()[1] for line in lines if line.startswith("ndcg@10")] == ["all"]
    assert lines[3].startswith("too small to decide, also dropping: query_type=")


def test_non_inferiority_message_names_small_slices_not_shown_within_max_drop():
    with pytest.raises(GateFailure) as caught:
        assert_not_worse(rows_for(0.3), baseline="baseline", candidate="candidate", min_support=100, **FAST)
    lines = str(caught.value).splitlines()
    assert [line.split()[1] for line in lines if line.startswith("ndcg@10")] == ["all"]
    assert lines[-1].startswith("too small to decide, not shown within max drop either: query_type=")


def test_a_gate_limit_out_of_range_is_a_config_error_naming_the_field():
    with pytest.raises(ConfigError, match=r"invalid gate arguments(.|\n)*max_drop"):
        assert_not_worse(rows_for(0.6), baseline="baseline", candidate="candidate", max_drop=-0.1, **FAST)


def test_gate_limits_keep_the_base_policy_correction_and_power_only():
    from ragshift.harness.compare import RegressionPolicy, Rule
    from ragshift.harness.gates import GateLimits

    base = RegressionPolicy(correction="bh", power=0.9, max_drop=0.5, rules=(Rule(metric="mrr", decides=False),))
    policy = GateLimits(max_drop=0.02, min_support=5).policy(base)
    assert (policy.correction, policy.power, policy.max_drop, policy.min_slice_size, policy.mode) == ("bh", 0.9, 0.02, 5, "non-inferiority")
    assert policy.rules == ()
