""""Is it worth it?": the measured gain of a candidate set against the measured cost of switching to it.

It reads the typed run card (``ragshift.harness.runcard.RunCard``). The gain is the comparison's primary-metric delta (with its CI and the policy verdict); the cost is
re-embedding the corpus at the candidate's measured throughput, plus the change in query latency
and memory (``ragshift.harness.cost`` figures). A short checklist says whether the evidence can be trusted
and whether the switch can be undone. Every check is a function of plain facts, so other sources
(an alias registry, a deployment) can feed the same checks later.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable, Literal, Mapping, Sequence

from ragshift.harness.compare.model import ALL, Comparison
from ragshift.harness.compare.stats import PairedResult
from ragshift.harness.numbers import is_finite
from ragshift.harness.runcard import RollbackFacts, RunCard

State = Literal["ok", "not ok", "unknown"]
OK: State = "ok"
NOT_OK: State = "not ok"
UNKNOWN: State = "unknown"


@dataclass(frozen=True)
class ChecklistItem:
    """One item of the "is it worth it?" checklist: ``ok`` / ``not ok`` / ``unknown`` with a one-line reason."""

    item: str
    state: State
    reason: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def reembed_seconds(documents: int, *, chunks_per_document: float, chunks_per_second: float) -> float | None:
    """Time to embed ``documents`` documents at a measured throughput: ``documents × chunks/doc ÷ chunks/s``.

    None when either rate is missing, zero or not finite (nothing to extrapolate from).
    """
    if not (is_finite(chunks_per_document) and is_finite(chunks_per_second)) or chunks_per_second <= 0 or chunks_per_document <= 0:
        return None
    return documents * chunks_per_document / chunks_per_second


# --- the checklist -------------------------------------------------------------------------------


def baseline_measured(baseline: str, rows: int, *, cost_measured: bool | None = None) -> ChecklistItem:
    """The baseline was evaluated on the same queries in this run (``rows`` of it exist)."""
    item = "baseline measured"
    if rows <= 0:
        return ChecklistItem(item, NOT_OK, f"no rows of baseline {baseline!r} in this run: there is nothing to compare against")
    cost = "" if cost_measured is None else ("; its latency and cost measured too" if cost_measured else "; its cost was not measured")
    return ChecklistItem(item, OK, f"{rows} queries of baseline {baseline!r} scored in the same run{cost}")


def separate_eval_data(
    *,
    eval_split: str | None,
    train_split: str | None,
    leakage: Mapping[str, Mapping[str, Any]],
    candidates: Sequence[str],
) -> ChecklistItem:
    """The candidates were judged on data they were not trained on.

    ``leakage`` holds the run card's leakage records (per system: ``clean``, ``overridden``,
    ``overlaps``); ``train_split`` is the ``[finetune]`` train split when the run knows one.
    """
    item = "separate eval data"
    for system, record in leakage.items():
        if record.get("overridden") or record.get("clean") is False:
            n = len(record.get("overlaps") or [])
            how = "overridden" if record.get("overridden") else "failed"
            return ChecklistItem(item, NOT_OK, f"leakage check {how} for {system!r}: {n} train/eval query pairs overlap")
    if train_split is not None and eval_split is None:
        return ChecklistItem(item, NOT_OK, f"evaluated on all splits, which include the training split {train_split!r}")
    if train_split is not None and eval_split == train_split:
        return ChecklistItem(item, NOT_OK, f"the eval split is the training split {train_split!r}")
    unchecked = [c for c in candidates if c not in leakage]
    split = (f"eval split {eval_split!r}" if eval_split else "all splits evaluated") + (
        f" ≠ train split {train_split!r}" if train_split else ""
    )
    if unchecked:
        listed = ", ".join(map(repr, unchecked))
        return ChecklistItem(item, UNKNOWN, f"no training manifest for {listed}: overlap with its training queries cannot be checked ({split})")
    checked = ", ".join(map(repr, candidates))
    return ChecklistItem(item, OK, f"leakage check passed for {checked} against the judged queries; {split}")


def regressions_tested(comparison: Comparison | None) -> ChecklistItem:
    """A paired comparison under the regression policy, with per-slice results, exists and does not fail."""
    item = "regressions tested"
    if comparison is None or not comparison.pairs:
        return ChecklistItem(item, NOT_OK, "no comparison against the baseline in this run")
    slices = {t.slice.label for p in comparison.pairs for t in p.tests} - {ALL}
    metrics = {t.metric for p in comparison.pairs for t in p.tests}
    if not slices:
        return ChecklistItem(item, NOT_OK, "only the overall mean was tested: no per-slice results")
    policy = comparison.policy
    how = f"{policy.correction} correction" if policy.mode == "significance" else "non-inferiority"
    scope = f"{len(metrics)} metrics × {len(slices) + 1} slices, {comparison.settings.test} test, {how}"
    verdict = comparison.verdict
    if verdict.blocks:
        n = sum(t.verdict is verdict for _, t in comparison.deciding_problems())
        what = "deciding regression(s)" if verdict.value == "fail" else "deciding test(s) that cannot tell"
        return ChecklistItem(item, NOT_OK, f"tested ({scope}): verdict {verdict.value.upper()}, {n} {what}")
    return ChecklistItem(item, OK, f"tested ({scope}): verdict {verdict.value.upper()}")


def rollback_ready(facts: RollbackFacts) -> ChecklistItem:
    """The baseline's collection is kept, so serving can switch back without re-embedding."""
    item = "rollback ready"
    if not facts.collection:
        return ChecklistItem(item, UNKNOWN, "the run card names no collection of the baseline")
    where = f" in {facts.store}" if facts.store else ""
    if facts.present is False:
        return ChecklistItem(item, NOT_OK, f"the baseline's collection {facts.collection!r} is no longer{where}: rolling back means re-embedding")
    if facts.present is None:
        return ChecklistItem(item, UNKNOWN, f"the baseline's collection {facts.collection!r} was not looked up{where}")
    if facts.alias and facts.alias_target:
        if facts.alias_baseline is None:
            return ChecklistItem(item, NOT_OK, f"alias {facts.alias!r} → {facts.alias_target!r} neither serves nor keeps a collection of "
                         "the baseline's model: `ragshift rollback` could not return to it")
        if facts.alias_baseline == facts.alias_target:
            return ChecklistItem(item, OK, f"alias {facts.alias!r} serves the baseline's {facts.alias_target!r}; `ragshift promote` keeps it for rollback")
        return ChecklistItem(item, OK, f"alias {facts.alias!r} → {facts.alias_target!r}; `ragshift rollback` returns to the baseline's {facts.alias_baseline!r}")
    return ChecklistItem(item, OK, f"the baseline's collection {facts.collection!r} is kept{where}")


# --- gains against costs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Gain:
    """The primary metric of one candidate against the baseline on one dataset."""

    candidate: str
    baseline: str
    dataset: str
    metric: str
    stats: PairedResult
    significant: bool
    metric_verdict: str
    verdict: str
    """The pair's overall verdict under the policy (all deciding metrics and slices)."""

    def to_json(self) -> dict[str, Any]:
        """Flat: the statistics next to the gain's own fields."""
        own = {k: v for k, v in asdict(self).items() if k != "stats"}
        return {**own, **self.stats.to_json()}


@dataclass(frozen=True)
class Spend:
    """What switching from the baseline to one candidate costs, from measured figures."""

    candidate: str
    baseline: str
    chunks_per_second: float | None
    chunks_per_document: float | None
    documents: int
    """The production corpus size the estimate is for (``[cost] corpus_documents``)."""
    reembed_seconds: float | None
    evaluated_documents: int | None
    evaluated_reembed_seconds: float | None
    query_p50_ms: tuple[float | None, float | None]
    """(baseline, candidate) end-to-end query latency p50 (encode + search)."""
    encode_p50_ms: tuple[float | None, float | None]
    peak_memory_mb: tuple[float | None, float | None]
    parameter_bytes: tuple[int | None, int | None]
    bridge: Any = None
    """A ``ragshift.harness.bridge.share.BridgeCost`` when the candidate is a bridge: its cost replaces re-embedding."""

    @staticmethod
    def _change(pair: tuple[Any, Any]) -> float | None:
        b, c = pair
        return c - b if is_finite(b) and is_finite(c) else None

    @property
    def query_p50_change_ms(self) -> float | None:
        return self._change(self.query_p50_ms)

    @property
    def encode_p50_change_ms(self) -> float | None:
        return self._change(self.encode_p50_ms)

    @property
    def memory_change_mb(self) -> float | None:
        return self._change(self.peak_memory_mb)

    @property
    def parameter_change_bytes(self) -> float | None:
        return self._change(self.parameter_bytes)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["bridge"] = self.bridge.to_json() if self.bridge is not None else None
        data["reembed_hours"] = self.reembed_seconds / 3600 if self.reembed_seconds is not None else None
        data.update(
            query_p50_change_ms=self.query_p50_change_ms, encode_p50_change_ms=self.encode_p50_change_ms,
            memory_change_mb=self.memory_change_mb, parameter_change_bytes=self.parameter_change_bytes,
        )
        return data


@dataclass(frozen=True)
class WorthIt:
    metric: str
    confidence_level: float
    gains: tuple[Gain, ...]
    spends: tuple[Spend, ...]
    checklist: tuple[ChecklistItem, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "confidence_level": self.confidence_level,
            "gains": [g.to_json() for g in self.gains],
            "costs": [s.to_json() for s in self.spends],
            "checklist": [c.to_json() for c in self.checklist],
        }


def _get(figures: Mapping[str, Any] | None, *path: str) -> Any:
    value: Any = figures or {}
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def spend(candidate: str, baseline: str, cost: Mapping[str, Mapping[str, Any]], *, documents: int) -> Spend:
    """The cost of switching to ``candidate`` from the run card's ``cost`` figures of both systems."""
    c, b = cost.get(candidate), cost.get(baseline)
    per_s = _get(c, "corpus_encode", "chunks_per_s")
    evaluated, chunks = _get(c, "corpus", "documents"), _get(c, "corpus", "chunks")
    per_doc = chunks / evaluated if is_finite(chunks) and is_finite(evaluated) and evaluated > 0 else None
    estimate = reembed_seconds(documents, chunks_per_document=per_doc, chunks_per_second=per_s)  # type: ignore[arg-type]
    here = reembed_seconds(evaluated, chunks_per_document=per_doc, chunks_per_second=per_s) if is_finite(evaluated) else None  # type: ignore[arg-type]
    both = lambda *path: (_get(b, *path), _get(c, *path))  # noqa: E731
    return Spend(
        candidate, baseline, per_s if is_finite(per_s) else None, per_doc, documents, estimate,
        evaluated if is_finite(evaluated) else None, here,
        both("query_latency", "p50_ms"), both("query_encode", "p50_ms"),
        both("memory", "peak_above_before_mb"), both("memory", "parameter_bytes"),
    )


def worth_it(
    comparison: Comparison,
    *,
    primary: str,
    cost: Mapping[str, Mapping[str, Any]],
    run_card: RunCard,
    rows_per_system: Mapping[str, int],
    documents: int | None = None,
) -> WorthIt:
    """Gains (primary-metric tests), costs (per candidate) and the checklist, from a run's facts.

    ``documents`` defaults to the run's ``[cost] corpus_documents``, else the evaluated corpus size.
    """
    gains = []
    for pair in comparison.pairs:
        t = pair.test(primary)
        if t is not None:
            gains.append(Gain(
                pair.candidate, pair.baseline, pair.dataset, primary, t.stats, t.significant, t.verdict.value,
                pair.verdict.value,
            ))
    card = run_card
    size = documents or card.corpus_documents or (card.corpus.documents if card.corpus else None) or 0
    from ragshift.harness.bridge.share import with_bridge_cost

    as_json = card.to_json()
    spends = tuple(with_bridge_cost(spend(c, comparison.baseline, cost, documents=int(size)), as_json, cost) for c in comparison.candidates)
    checklist = (
        baseline_measured(
            comparison.baseline, rows_per_system.get(comparison.baseline, 0),
            cost_measured=(comparison.baseline in cost) if cost else None,
        ),
        separate_eval_data(
            eval_split=card.corpus.split if card.corpus else None, train_split=card.train_split,
            leakage=card.leakage, candidates=comparison.candidates,
        ),
        regressions_tested(comparison),
        rollback_ready(card.rollback_facts()),
    )
    return WorthIt(primary, comparison.settings.confidence_level, tuple(gains), spends, checklist)


def rows_per_system(rows: Iterable[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.system] = counts.get(row.system, 0) + 1
    return counts
