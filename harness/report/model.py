"""The Report: everything a renderer needs, computed once from rows, run card and comparison."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Sequence

from ragshift.harness import __version__
from ragshift.harness.bridge.share import GainShare, run_gain_shares
from ragshift.harness.compare.model import Comparison
from ragshift.harness.decision import DecisionTable, decision_table
from ragshift.harness.report.answers import AnswerQuality, answer_quality
from ragshift.harness.report.summary import SystemSummary, metric_labels, primary_metric, summarize
from ragshift.harness.types import Row
from ragshift.harness.runcard import RunCard
from ragshift.harness.report.worth import WorthIt, rows_per_system, worth_it

TrainingCurves = Mapping[str, Sequence[Mapping[str, float | None]]]
"""``{system: [{"epoch": 1, "train": 0.9, "dev": 0.7}, ...]}``."""
Latency = Mapping[str, Mapping[str, float]]
"""``{system: {"p50_ms": 3.1, "p95_ms": 6.0, ...}}``."""
Cost = Mapping[str, Mapping[str, Any]]
"""The run card's ``cost``: ``{system: figures}`` as ``ragshift.harness.cost.measure_cost`` returns them."""


@dataclass(frozen=True)
class Report:
    title: str
    run_id: str
    created: str
    rows: tuple[Row, ...]
    run_card: Mapping[str, Any]
    """The run card as published (shown as JSON); ``card`` is the same card typed."""
    metrics: tuple[str, ...]
    primary: str | None
    summaries: tuple[SystemSummary, ...]
    comparison: Comparison | None = None
    training_curves: TrainingCurves = field(default_factory=dict)
    latency: Latency = field(default_factory=dict)
    answers: AnswerQuality | None = None
    cost: Cost = field(default_factory=dict)
    worth: WorthIt | None = None
    bridges: tuple[GainShare, ...] = ()
    """Per bridge of the run: the share of the full re-embed's gain it keeps (``ragshift.harness.bridge.share``)."""
    decision: DecisionTable | None = None
    version: str = __version__
    card: RunCard = field(default_factory=lambda: RunCard(""))

    @property
    def systems(self) -> list[str]:
        return list(dict.fromkeys(s.system for s in self.summaries))

    @property
    def datasets(self) -> list[str]:
        return list(dict.fromkeys(s.dataset for s in self.summaries))

    @property
    def table_metrics(self) -> list[str]:
        """Metrics of the per-system tables: all but answer metrics, which have their own section."""
        shown = self.answers.metrics if self.answers else ()
        return [m for m in self.metrics if m not in shown]

    @property
    def verdict(self) -> str | None:
        return self.comparison.verdict.value if self.comparison else None


def _normalise_curves(curves: Any) -> dict[str, tuple[dict[str, Any], ...]]:
    """Accept ``[points]`` (one unnamed run) or ``{system: [points]}``."""
    if not curves:
        return {}
    if isinstance(curves, Mapping):
        return {str(k): tuple(dict(p) for p in v) for k, v in curves.items() if v}
    return {"training": tuple(dict(p) for p in curves)}


def _derived_latency(timings: Mapping[str, float], rows: Sequence[Row]) -> dict[str, dict[str, float]]:
    """Mean retrieval time per query from the run card's ``timings["<system>.retrieve"]`` seconds."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.system] = counts.get(row.system, 0) + 1
    return {
        s: {"retrieve_ms_per_query": 1000.0 * float(timings[f"{s}.retrieve"]) / n}
        for s, n in counts.items()
        if isinstance(timings.get(f"{s}.retrieve"), (int, float))
    }


def build_report(
    rows: Iterable[Row],
    run_card: Mapping[str, Any] | None = None,
    comparison: Comparison | None = None,
    *,
    training_curves: TrainingCurves | Sequence[Mapping[str, Any]] | None = None,
    latency: Latency | None = None,
    title: str | None = None,
    primary: str | None = None,
    slice_fields: Sequence[str] = ("query_type",),
    worst_n: int = 10,
) -> Report:
    """Summarise rows (one or many systems, one or many datasets) into a renderable Report.

    Training curves and latency default to the run card's ``training_curves`` / ``latency`` keys;
    without a ``latency`` key, per-query retrieval time comes from ``timings["<system>.retrieve"]``.
    Measured latency and cost come from the run card's ``cost``; with a comparison they also give
    the "is it worth it?" section (``worth``).
    """
    rows = tuple(rows)
    card = dict(run_card or {})
    typed = RunCard.from_json(card)
    metrics = metric_labels(rows)
    primary = primary if primary in metrics else primary_metric(metrics)
    run_id = str(card.get("run_id", "unsaved-run"))
    cost = {str(k): v for k, v in typed.cost.items() if isinstance(v, Mapping)}
    worth = (
        worth_it(comparison, primary=primary, cost=cost, run_card=typed, rows_per_system=rows_per_system(rows))
        if comparison is not None and cost and primary else None
    )
    return Report(
        title=title or f"ragshift report: {typed.name or run_id}",
        run_id=run_id,
        created=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        rows=rows,
        run_card=card,
        metrics=tuple(metrics),
        primary=primary,
        summaries=summarize(rows, metrics, primary, slice_fields=slice_fields, worst_n=worst_n),
        comparison=comparison,
        training_curves=_normalise_curves(training_curves if training_curves is not None else typed.training_curves),
        latency=dict(latency if latency is not None else card.get("latency") or _derived_latency(typed.timings, rows)),
        answers=answer_quality(rows, typed, comparison),
        cost=cost,
        worth=worth,
        bridges=run_gain_shares(rows, card, primary),
        card=typed,
        decision=decision_table(comparison, primary=primary, run_card=typed) if comparison is not None and primary else None,
    )
