"""The decision table's recommendation line."""

from __future__ import annotations

from ragshift.harness.compare import PairedResult
from ragshift.harness.decision import Decision, recommend


def row(system: str, delta: float, *, low: float, verdict: str = "pass", reindex: bool = False, p50: float | None = 10.0) -> Decision:
    stats = PairedResult(50, 0.5, 0.5 + delta, delta, low, delta + 0.02, 0.01, 30, 0, 20, 0.1, low, delta + 0.02, 0.95)
    return Decision(system, "x", "corpus", stats, verdict, (), (), p50, p50, 5.0, reindex,
                    "re-embedding 10 chunks" if reindex else "none")


def test_cheaper_system_share_of_the_best_gain_is_named() -> None:
    line = recommend([row("tuned", 0.10, low=0.05, reindex=True), row("rerank", 0.08, low=0.02, p50=40.0)], "ndcg@10", "base")
    assert line.startswith("best: tuned (x), ndcg@10 +0.100 [+0.050, +0.120], verdict pass")
    assert "needs re-embedding 10 chunks" in line
    assert "rerank reaches 80% of tuned's gain with no re-index, at +35 ms/query (p50)" in line


def test_without_a_confident_gain_the_baseline_stays() -> None:
    line = recommend([row("a", 0.01, low=-0.01, verdict="warn"), row("b", 0.05, low=0.01, verdict="fail")], "mrr", "base")
    assert line == "keep base: no system beats it on mrr with confidence; b looks better (+0.050) but not with confidence"
