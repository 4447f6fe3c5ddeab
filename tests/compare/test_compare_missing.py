"""Missing metric values (failed judge verdicts stored as None, unanswered queries) are dropped per
metric, pair by pair, and counted; they never count as 0."""

from __future__ import annotations

import pytest

from ragshift.harness.compare import CompareSettings, compare_rows
from ragshift.harness.gates import assert_at_least, compare_metric
from ragshift.harness.report import build_report, render_markdown
from ragshift.harness.report.summary import query_deltas
from ragshift.harness.types import Row

FAST = {"n_resamples": 199, "test": "t-test"}


def row(system, i, metrics, qtype="a"):
    return Row(system, f"q{i}", f"query {i}", qtype, "test", metrics)


def rows_with(judge_b, judge_c):
    """10 queries; ndcg on all, ``judge.faithfulness`` as given (None = failed; absent = not answered)."""
    out = []
    for system, judged in (("b", judge_b), ("c", judge_c)):
        for i in range(10):
            metrics = {"ndcg@10": 0.5 if system == "b" else 0.6}
            if i in judged:
                metrics["judge.faithfulness"] = judged[i]
            out.append(row(system, i, metrics, qtype="a" if i < 5 else "z"))
    return out


def test_none_drops_only_its_pair_and_is_counted():
    base = {i: 0.5 for i in range(10)}
    cand = {i: (None if i in (1, 7) else 0.9) for i in range(10)}
    pair = compare_rows(rows_with(base, cand), baseline="b", auto_tags=False, **FAST).pairs[0]
    judged = pair.test("judge.faithfulness")
    assert (judged.stats.n, judged.missing) == (8, 2)
    assert judged.stats.candidate_mean == pytest.approx(0.9) and judged.stats.delta == pytest.approx(0.4)
    sliced = pair.test("judge.faithfulness", "query_type=a")
    assert (sliced.stats.n, sliced.missing) == (4, 1)
    assert (pair.test("ndcg@10").stats.n, pair.test("ndcg@10").missing) == (10, 0)
    assert pair.to_json()["tests"][0]["missing"] == 0


def test_metric_on_some_queries_only_is_still_compared():
    """Answers for the first 6 queries only (``max_queries``): the metric is tested on those."""
    answered = {i: 0.5 for i in range(6)}
    t = compare_rows(rows_with(answered, answered), baseline="b", auto_tags=False, **FAST).pairs[0].test("judge.faithfulness")
    assert (t.stats.n, t.missing, t.stats.delta) == (6, 4, 0.0)


def test_metric_without_any_pair_shows_but_never_decides():
    every = {i: 0.5 for i in range(10)}
    failed = {i: None for i in range(10)}
    pair = compare_rows(rows_with(every, failed), baseline="b", auto_tags=False, **FAST).pairs[0]
    t = pair.test("judge.faithfulness")
    assert (t.stats.n, t.missing, t.deciding, t.verdict.value) == (0, 10, False, "pass")
    assert "no query has a value from both systems" in t.reason
    assert [x.slice.label for x in pair.tests if x.metric == "judge.faithfulness"] == ["all"]  # empty slices left out


def test_metric_of_one_system_only_is_not_compared():
    rows = rows_with({i: 0.5 for i in range(10)}, {})
    assert compare_rows(rows, baseline="b", auto_tags=False, **FAST).pairs[0].metrics == ["ndcg@10"]


def test_reports_and_gates_skip_none():
    base = {i: 0.5 for i in range(10)}
    cand = {i: (None if i < 3 else 1.0) for i in range(10)}
    rows = rows_with(base, cand)
    comparison = compare_rows(rows, baseline="b", auto_tags=False, **FAST)
    report = build_report(rows, {}, comparison)
    means = {s.system: s.means["judge.faithfulness"] for s in report.summaries}
    assert means == {"b": 0.5, "c": 1.0}
    assert [d.delta for d in query_deltas(rows, "default", "b", "c", "judge.faithfulness")] == [0.5] * 7
    assert "| 3 | pass |" in render_markdown(report)  # the missing column
    settings = CompareSettings(**FAST, auto_tags=False)
    assert compare_metric(rows, baseline="b", candidate="c", metric="judge.faithfulness", settings=settings).pairs[0].tests[0].stats.n == 7
    assert assert_at_least(rows, system="c", metric="judge.faithfulness", threshold=0.99).n == 7
