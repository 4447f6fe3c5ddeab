"""Regression gates over per-query rows: "candidate not worse than baseline" and "metric at least X".

A failing gate raises ``GateFailure`` (an ``AssertionError``) whose message is a compact table of
the slices that failed and the path of the HTML report; the ragshift pytest plugin prints only that.
Statistics come from ``harness.compare`` (paired test, bootstrap CI, Holm correction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Literal, Sequence

from harness.errors import ConfigError
from harness.types import Row

if TYPE_CHECKING:
    from harness.compare import Comparison, MetricTest

FailOn = Literal["fail", "warn"]


class GateFailure(AssertionError):
    """A regression gate did not hold; the message is meant to be read as is."""


@dataclass(frozen=True)
class ThresholdCheck:
    """One system's mean of one metric on one slice, against a floor."""

    system: str
    metric: str
    slice: str
    n: int
    mean: float
    threshold: float

    @property
    def passed(self) -> bool:
        return self.mean >= self.threshold


def format_table(header: Sequence[str], body: Iterable[Sequence[str]]) -> str:
    """Plain aligned columns: the first column left-aligned, the others right-aligned."""
    lines = [list(header), *(list(r) for r in body)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) if i == 0 or i == 1 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths))).rstrip()
        for line in lines
    )


def _num(x: float, digits: int = 4) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:.{digits}f}"


def _signed(x: float, digits: int = 4) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:+.{digits}f}"


def _p(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.2g}" if x < 0.001 else f"{x:.4f}"


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def metric_rows(rows: Iterable[Row], systems: Sequence[str], metric: str) -> tuple[list[Row], int]:
    """Rows of ``systems`` reduced to ``metric``, keeping queries every one of them has a value for.

    Returns the rows and how many queries were left out for a missing (failed, not applicable) value.
    """
    by_system: dict[str, dict[str, Row]] = {s: {} for s in systems}
    present: set[str] = set()
    for row in rows:
        present.update(row.metrics)
        if row.system in by_system:
            by_system[row.system][row.qid] = row
    for system, found in by_system.items():
        if not found:
            raise ConfigError(f"no rows for system {system!r}")
    if metric not in present:
        raise ConfigError(f"metric {metric!r} is not in the rows; metrics present: {', '.join(sorted(present))}")
    qids = [q for q in by_system[systems[0]] if all(q in found for found in by_system.values())]
    kept = [q for q in qids if all(_finite(by_system[s][q].metrics.get(metric)) for s in systems)]
    out = [replace(by_system[s][q], metrics={metric: float(by_system[s][q].metrics[metric])}) for s in systems for q in kept]
    return out, len(qids) - len(kept)


def compare_metric(
    rows: Iterable[Row],
    *,
    baseline: str,
    candidate: str,
    metric: str,
    max_drop: float = 0.01,
    alpha: float = 0.05,
    min_support: int = 20,
    slices: Sequence[str] = ("query_type",),
    auto_tags: bool = False,
    test: str = "permutation",
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    seed: int = 0,
) -> Comparison:
    """Candidate vs baseline on one metric, overall and per slice; the deciding slices form one Holm family."""
    from harness.compare import RegressionPolicy, compare_rows

    paired, _ = metric_rows(rows, [baseline, candidate], metric)
    if not paired:
        raise ConfigError(f"{baseline!r} and {candidate!r} share no query with a value for {metric!r}")
    policy = RegressionPolicy(max_drop=max_drop, alpha=alpha, min_slice_size=min_support)
    return compare_rows(
        paired, baseline=baseline, candidates=[candidate], policy=policy, slice_fields=tuple(slices),
        auto_tags=auto_tags, test=test, n_resamples=n_resamples, confidence_level=confidence_level, seed=seed,
    )


def failing_tests(comparison: Comparison, fail_on: FailOn = "fail") -> list[MetricTest]:
    """Deciding tests whose verdict is at least ``fail_on``, in report order."""
    from harness.compare import Verdict

    floor = Verdict(fail_on).severity
    return [t for p in comparison.pairs for t in p.tests if t.deciding and t.verdict.severity >= floor]


def not_worse_message(comparison: Comparison, failed: Sequence[MetricTest], *, report: Path | None, left_out: int = 0) -> str:
    pair = comparison.pairs[0]
    policy = comparison.policy
    family = sum(t.deciding for t in pair.tests)
    level = f"{comparison.confidence_level:.0%} CI"
    head = (
        f"ragshift gate failed: {pair.candidate!r} is worse than {pair.baseline!r} on {pair.metrics[0]} "
        f"(max drop {policy.max_drop:g}, alpha {policy.alpha:g}, {policy.correction} over {family} slice(s) "
        f"with n >= {policy.min_slice_size}; {comparison.test} test)"
    )
    table = format_table(
        ("metric", "slice", "n", pair.baseline, pair.candidate, "delta", level, f"p ({policy.correction})"),
        (
            (t.metric, t.slice.label, str(t.n), _num(t.baseline_mean), _num(t.candidate_mean), _signed(t.delta),
             f"[{_signed(t.ci_low)}, {_signed(t.ci_high)}]", _p(t.p_adjusted))
            for t in failed
        ),
    )
    lines = [head, table]
    shown = {id(t) for t in failed}
    unproven = [t for t in pair.tests if t.deciding and id(t) not in shown and t.delta < -policy.max_drop]
    small = [t for t in pair.tests if not t.deciding and t.delta < -policy.max_drop]
    for label, tests in (("also dropping, not significant", unproven), ("too small to decide, also dropping", small)):
        if tests:
            lines.append(f"{label}: " + ", ".join(f"{t.slice.label} (n={t.n}, {_signed(t.delta)}, p {_p(t.p_adjusted)})" for t in tests))
    if left_out:
        lines.append(f"{left_out} queries without a value for {pair.metrics[0]} in both systems were left out")
    if report is not None:
        lines.append(f"report: {report}")
    return "\n".join(lines)


def assert_not_worse(
    rows: Iterable[Row],
    *,
    baseline: str,
    candidate: str,
    metric: str = "ndcg@10",
    max_drop: float = 0.01,
    alpha: float = 0.05,
    min_support: int = 20,
    slices: Sequence[str] = ("query_type",),
    auto_tags: bool = False,
    fail_on: FailOn = "fail",
    test: str = "permutation",
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    seed: int = 0,
    report: Path | None = None,
) -> Comparison:
    """Raise ``GateFailure`` unless ``candidate`` holds ``metric`` within ``max_drop`` of ``baseline``,
    overall and on every slice with at least ``min_support`` queries.

    ``fail_on="fail"`` fails on significant drops beyond ``max_drop`` (corrected p < ``alpha``);
    ``"warn"`` also on drops beyond ``max_drop`` that are not significant and significant drops within it.
    """
    __tracebackhide__ = True
    rows = list(rows)
    comparison = compare_metric(
        rows, baseline=baseline, candidate=candidate, metric=metric, max_drop=max_drop, alpha=alpha,
        min_support=min_support, slices=slices, auto_tags=auto_tags, test=test, n_resamples=n_resamples,
        confidence_level=confidence_level, seed=seed,
    )
    _, left_out = metric_rows(rows, [baseline, candidate], metric)
    return require_not_worse(comparison, fail_on=fail_on, report=report, left_out=left_out)


def require_not_worse(
    comparison: Comparison, *, fail_on: FailOn = "fail", report: Path | None = None, left_out: int = 0
) -> Comparison:
    """Raise ``GateFailure`` if a deciding test of ``comparison`` (from ``compare_metric``) reaches ``fail_on``."""
    __tracebackhide__ = True
    failed = failing_tests(comparison, fail_on)
    if failed:
        raise GateFailure(not_worse_message(comparison, failed, report=report, left_out=left_out))
    return comparison


def slice_rows(rows: Iterable[Row], slice_label: str) -> list[Row]:
    """Rows in a slice: ``all``, ``field=value`` of a query field (``query_type=acronym``, a meta key)
    or an automatic tag (``tag=acronym``, ``form=question``, ``length=short``)."""
    from harness.compare.slices import field_values
    from harness.compare.tagger import tag_query

    rows = list(rows)
    if slice_label == "all":
        return rows
    field, sep, value = slice_label.partition("=")
    if not sep or not field or not value:
        raise ConfigError(f"slice {slice_label!r} must be 'all' or 'field=value', e.g. 'query_type=acronym'")
    if field in ("form", "length", "tag"):
        return [r for r in rows if (field, value) in tag_query(r.query).slices()]
    return [r for r in rows if value in field_values(r, field)]


def assert_at_least(
    rows: Iterable[Row],
    *,
    system: str,
    metric: str,
    threshold: float,
    slice: str = "all",
    report: Path | None = None,
) -> ThresholdCheck:
    """Raise ``GateFailure`` unless ``system``'s mean ``metric`` on ``slice`` is at least ``threshold``."""
    __tracebackhide__ = True
    own, left_out = metric_rows(rows, [system], metric)
    members = slice_rows(own, slice)
    if not members:
        raise ConfigError(f"slice {slice!r} holds no query of {system!r} with a value for {metric!r}")
    values = [r.metrics[metric] for r in members]
    check = ThresholdCheck(system, metric, slice, len(values), sum(values) / len(values), threshold)
    if not check.passed:
        table = format_table(
            ("metric", "slice", "n", system, "threshold", "short by"),
            [(metric, slice, str(check.n), _num(check.mean), _num(threshold), _num(threshold - check.mean))],
        )
        lines = [f"ragshift gate failed: {system!r} {metric} on {slice} is below {threshold:g}", table]
        if left_out:
            lines.append(f"{left_out} queries without a value for {metric} were left out")
        if report is not None:
            lines.append(f"report: {report}")
        raise GateFailure("\n".join(lines))
    return check
