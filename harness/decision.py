""""Is it worth it?" over all systems: one decision row per candidate system (gain with CI and
verdict, per-query-type wins and losses, query latency, index cost) and a plain recommendation.

The facts come from the comparison and the run card: ``query_latency[<system>]`` (p50/p95 of one
query at a time, measured in ``run_eval``) and ``index_cost[<system>]`` (what adopting the system
builds beyond the baseline's index: re-embedding for another dense index, a BM25 build).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping, Sequence

from ragshift.harness.compare.model import ALL, Comparison
from ragshift.harness.compare.stats import PairedResult
from ragshift.harness.numbers import is_finite
from ragshift.harness.runcard import RunCard


@dataclass(frozen=True)
class Decision:
    """One candidate system against the baseline on one dataset."""

    system: str
    kind: str
    dataset: str
    stats: PairedResult
    """The primary metric's paired statistics over all queries of the dataset."""
    verdict: str
    wins: tuple[str, ...]
    """Query types where the candidate is significantly better on the primary metric."""
    losses: tuple[str, ...]
    p50_ms: float | None
    p95_ms: float | None
    baseline_p50_ms: float | None
    reindex: bool
    """Adopting it means embedding the corpus again (a dense index other than the baseline's)."""
    index_cost: str

    @property
    def delta(self) -> float:
        return self.stats.delta

    @property
    def ci_low(self) -> float:
        return self.stats.ci_low

    @property
    def ci_high(self) -> float:
        return self.stats.ci_high

    @property
    def latency_change_ms(self) -> float | None:
        return self.p50_ms - self.baseline_p50_ms if is_finite(self.p50_ms) and is_finite(self.baseline_p50_ms) else None

    def to_json(self) -> dict[str, Any]:
        """The row as it always was: the gain's ``delta`` and CI flat, not the whole statistics."""
        rest = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("system", "kind", "dataset", "stats")}
        return {"system": self.system, "kind": self.kind, "dataset": self.dataset, "delta": self.delta,
                "ci_low": self.ci_low, "ci_high": self.ci_high, **rest, "latency_change_ms": self.latency_change_ms}


@dataclass(frozen=True)
class DecisionTable:
    metric: str
    baseline: str
    rows: tuple[Decision, ...]
    recommendation: str

    def to_json(self) -> dict[str, Any]:
        return {"metric": self.metric, "baseline": self.baseline, "rows": [r.to_json() for r in self.rows],
                "recommendation": self.recommendation}


def decision_table(comparison: Comparison, *, primary: str, run_card: RunCard) -> DecisionTable | None:
    """The table for ``primary``, or None when the comparison has no test of it."""
    latency, costs, systems = run_card.query_latency, run_card.index_cost, run_card.systems
    rows = []
    for pair in comparison.pairs:
        t = pair.test(primary)
        if t is None:
            continue
        wins, losses = [], []
        for other in pair.tests:
            if other.metric == primary and other.slice.label != ALL and other.significant:
                found = wins if other.stats.delta > 0 else losses
                if other.slice.label not in found:
                    found.append(other.slice.label)
        lat, base = latency.get(pair.candidate) or {}, latency.get(pair.baseline) or {}
        cost = costs.get(pair.candidate) or {}
        rows.append(Decision(
            pair.candidate, str((systems.get(pair.candidate) or {}).get("kind", "dense")), pair.dataset,
            t.stats, pair.verdict.value, tuple(wins), tuple(losses),
            lat.get("p50_ms"), lat.get("p95_ms"), base.get("p50_ms"),
            bool(cost.get("reindex")), str(cost.get("text") or "none beyond the baseline's index"),
        ))
    if not rows:
        return None
    return DecisionTable(primary, comparison.baseline, tuple(rows), recommend(rows, primary, comparison.baseline))


def recommend(rows: Sequence[Decision], metric: str, baseline: str) -> str:
    """One plain sentence: the best system whose gain's CI is above 0 and that does not fail the policy,
    and the best one without a re-index when the best needs one."""
    first = [r for r in rows if r.dataset == rows[0].dataset]
    good = [r for r in first if r.verdict != "fail" and r.ci_low > 0]
    if not good:
        better = [r for r in first if r.delta > 0]
        hint = f"; {max(better, key=lambda r: r.delta).system} looks better (+{max(r.delta for r in better):.3f}) but not with confidence" if better else ""
        return f"keep {baseline}: no system beats it on {metric} with confidence{hint}"
    best = max(good, key=lambda r: r.delta)
    line = (f"best: {best.system} ({best.kind}), {metric} {best.delta:+.3f} [{best.ci_low:+.3f}, {best.ci_high:+.3f}], "
            f"verdict {best.verdict}, {_reindex(best)}{_latency(best)}")
    cheap = [r for r in good if r is not best and not r.reindex and best.reindex]
    if cheap:
        alt = max(cheap, key=lambda r: r.delta)
        line += f"; {alt.system} reaches {alt.delta / best.delta:.0%} of {best.system}'s gain with no re-index{_latency(alt)}"
    return line


def _reindex(r: Decision) -> str:
    return f"needs {r.index_cost}" if r.reindex else "no re-index"


def _latency(r: Decision) -> str:
    change = r.latency_change_ms
    return f", at {change:+.0f} ms/query (p50)" if change is not None else ""


def index_cost(config: Any, name: str, built: Mapping[str, Mapping[str, Any]], cost: Mapping[str, Any]) -> dict[str, Any]:
    """What adopting system ``name`` builds beyond the baseline's dense index: every dense part that is
    not the baseline (re-embedding: its chunks and build seconds, or the measured throughput) and every
    BM25 part (its build seconds). ``built`` holds each system's ``index_info``."""
    parts: list[str] = []
    reindex = False
    seen: set[str] = set()

    def visit(n: str) -> None:
        nonlocal reindex
        if n in seen:
            return
        seen.add(n)
        spec = config.system(n)
        info = built.get(n) or {}
        if spec.kind == "dense" and n != config.baseline:
            reindex = True
            rate = ((cost.get(n) or {}).get("corpus_encode") or {}).get("chunks_per_s")
            chunks = info.get("chunks")
            estimate = f", ≈ {chunks / rate:.0f} s at {rate:.1f} chunks/s" if is_finite(rate) and rate and chunks else ""
            parts.append(f"re-embedding {chunks} chunks with {spec.embedder}{estimate}")
        elif spec.kind == "bm25":
            parts.append(f"a BM25 build ({info.get('seconds', 0):.2f} s)")
        for p in spec.parts:
            visit(p)

    visit(name)
    return {"reindex": reindex, "text": "; ".join(parts) or "none beyond the baseline's index"}
