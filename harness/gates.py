"""Regression gates over per-query rows: "candidate not worse than baseline" and "metric at least X".

``assert_not_worse`` defaults to non-inferiority: it passes only when the one-sided ``1 - alpha``
lower bound of ``Δ = candidate - baseline`` is at least ``-max_drop``, overall and on every slice
with ``min_support`` queries; otherwise it fails, saying whether a drop beyond ``max_drop`` is
measured (``fail``) or the data cannot tell (``inconclusive``, with the queries that would resolve
it). ``mode="significance"`` fails only a drop beyond ``max_drop`` that is significant after the
policy's correction. See ``ragshift.harness.compare.policy`` for both modes.

A failing gate raises ``GateFailure`` (an ``AssertionError``) whose message is a compact table of
the slices that failed and the path of the HTML report; the ragshift pytest plugin prints only that.
Statistics come from ``ragshift.harness.compare`` (scipy: paired test, bootstrap CI and bounds, Holm).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Literal, Sequence

from ragshift.harness.errors import ConfigError
from ragshift.harness.numbers import is_finite
from ragshift.harness.types import Row

if TYPE_CHECKING:
    from ragshift.harness.compare import CompareSettings, Comparison, MetricTest, Mode, PairComparison, RegressionPolicy

FailOn = Literal["fail", "inconclusive", "warn"]
"""The mildest verdict that fails a gate: ``inconclusive`` (default) fails ``inconclusive`` and ``fail``."""


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


def format_table(header: Sequence[str], body: Iterable[Sequence[str]], *, left: int = 2) -> str:
    """Plain aligned columns: the first ``left`` columns left-aligned, the others right-aligned."""
    lines = [list(header), *(list(r) for r in body)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) if i < left else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths))).rstrip()
        for line in lines
    )


def _num(x: float, digits: int = 4) -> str:
    return f"{x:.{digits}f}" if is_finite(x) else "n/a"


def _signed(x: float, digits: int = 4) -> str:
    return f"{x:+.{digits}f}" if is_finite(x) else "n/a"


def _p(x: float) -> str:
    return "n/a" if not is_finite(x) else f"{x:.2g}" if x < 0.001 else f"{x:.4f}"


def gate_settings(**changes: object) -> CompareSettings:
    """The gates' comparison settings: ``CompareSettings`` without automatic tags, plus ``changes``."""
    from ragshift.harness.compare import CompareSettings

    return CompareSettings(auto_tags=False).updated(**changes)


@dataclass(frozen=True)
class GateLimits:
    """One gate's own rule: how far ``metric`` may drop, at which level, on slices of which size, in which
    mode. The defaults are ``assert_not_worse``'s; per-metric policy rules never apply to a gate."""

    max_drop: float = 0.01
    alpha: float = 0.05
    min_support: int = 20
    mode: Mode = "non-inferiority"

    def policy(self, base: RegressionPolicy | None = None) -> RegressionPolicy:
        """The gate's policy: these limits and mode; correction and power from ``base``."""
        from pydantic import ValidationError

        from ragshift.harness.compare import RegressionPolicy

        base = base or RegressionPolicy()
        try:
            return RegressionPolicy(correction=base.correction, power=base.power, max_drop=self.max_drop,
                                    alpha=self.alpha, min_slice_size=self.min_support, mode=self.mode)
        except ValidationError as exc:
            raise ConfigError(f"invalid gate arguments:\n{exc}") from None


def metric_rows(rows: Iterable[Row], systems: Sequence[str], metric: str) -> tuple[list[Row], int]:
    """Rows of ``systems`` reduced to ``metric``, keeping queries (``(dataset, qid)``) every one of them
    has a value for.

    Returns the rows and how many queries were left out for a missing (failed, not applicable) value.
    """
    by_system: dict[str, dict[tuple[str, str], Row]] = {s: {} for s in systems}
    present: set[str] = set()
    for row in rows:
        present.update(row.metrics)
        if row.system in by_system:
            by_system[row.system][(row.dataset, row.qid)] = row
    for system, found in by_system.items():
        if not found:
            raise ConfigError(f"no rows for system {system!r}")
    if metric not in present:
        raise ConfigError(f"metric {metric!r} is not in the rows; metrics present: {', '.join(sorted(present))}")
    keys = [k for k in by_system[systems[0]] if all(k in found for found in by_system.values())]
    kept = [k for k in keys if all(by_system[s][k].value(metric) is not None for s in systems)]
    out = [replace(by_system[s][k], metrics={metric: by_system[s][k].value(metric)}) for s in systems for k in kept]
    return out, len(keys) - len(kept)


def compare_metric(
    rows: Iterable[Row],
    *,
    baseline: str,
    candidate: str,
    metric: str,
    policy: RegressionPolicy | None = None,
    settings: CompareSettings | None = None,
) -> Comparison:
    """Candidate vs baseline on one metric, overall and per slice of each dataset.

    ``policy`` defaults to ``GateLimits().policy()`` (non-inferiority, max_drop 0.01, alpha 0.05,
    min_support 20), ``settings`` to ``gate_settings()``.
    """
    from ragshift.harness.compare import compare_rows

    paired, _ = metric_rows(rows, [baseline, candidate], metric)
    if not paired:
        raise ConfigError(f"{baseline!r} and {candidate!r} share no query with a value for {metric!r}")
    policy = policy or GateLimits().policy()
    return compare_rows(paired, baseline=baseline, candidates=[candidate], policy=policy, settings=settings or gate_settings())


def failing_tests(comparison: Comparison, fail_on: FailOn = "inconclusive") -> list[tuple[PairComparison, MetricTest]]:
    """Deciding tests whose verdict is at least ``fail_on``, in report order, with their pair."""
    from ragshift.harness.compare import Verdict

    floor = Verdict(fail_on).severity
    return [(p, t) for p in comparison.pairs for t in p.tests if t.deciding and t.verdict.severity >= floor]


def _where(comparison: Comparison, pair: PairComparison, t: MetricTest) -> str:
    return f"{pair.dataset}/{t.slice.label}" if len(comparison.datasets) > 1 else t.slice.label


def _significance_lines(comparison: Comparison, failed: Sequence[tuple[PairComparison, MetricTest]]) -> list[str]:
    first = comparison.pairs[0]
    policy, settings = comparison.policy, comparison.settings
    family = max(sum(t.deciding for t in p.tests) for p in comparison.pairs)
    many = len(comparison.datasets) > 1
    head = (
        f"ragshift gate failed: {first.candidate!r} is worse than {first.baseline!r} on {first.metrics[0]} "
        f"(significance: max drop {policy.max_drop:g}, alpha {policy.alpha:g}, {policy.correction} over {family} slice(s) "
        f"with n >= {policy.min_slice_size}; {settings.test} test)"
    )
    table = format_table(
        ("metric", "slice", *(("dataset",) if many else ()), "n", first.baseline, first.candidate, "delta",
         f"{settings.confidence_level:.0%} CI", f"p ({policy.correction})"),
        (
            (t.metric, t.slice.label, *((p.dataset,) if many else ()), str(t.stats.n), _num(t.stats.baseline_mean),
             _num(t.stats.candidate_mean), _signed(t.stats.delta), f"[{_signed(t.stats.ci_low)}, {_signed(t.stats.ci_high)}]",
             _p(t.p_adjusted))
            for p, t in failed
        ),
        left=3 if many else 2,
    )
    shown = {id(t) for _, t in failed}
    tests = [(p, t) for p in comparison.pairs for t in p.tests]
    unproven = [(p, t) for p, t in tests if t.deciding and id(t) not in shown and t.stats.delta < -policy.max_drop]
    small = [(p, t) for p, t in tests if not t.deciding and t.stats.delta < -policy.max_drop]
    lines = [head, table]
    for label, found in (("also dropping, not significant", unproven), ("too small to decide, also dropping", small)):
        if found:
            lines.append(f"{label}: " + ", ".join(
                f"{_where(comparison, p, t)} (n={t.stats.n}, {_signed(t.stats.delta)}, p {_p(t.p_adjusted)})" for p, t in found
            ))
    return lines


def _non_inferiority_lines(comparison: Comparison, failed: Sequence[tuple[PairComparison, MetricTest]]) -> list[str]:
    first = comparison.pairs[0]
    policy, settings = comparison.policy, comparison.settings
    level = f"{1 - policy.alpha:.0%}"
    many = len(comparison.datasets) > 1
    measured = sum(t.verdict.value == "fail" for _, t in failed)
    what = (f"a drop beyond {policy.max_drop:g} is measured" if measured == len(failed)
            else f"it is not shown to stay within {policy.max_drop:g}")
    head = (
        f"ragshift gate failed: {first.candidate!r} vs {first.baseline!r} on {first.metrics[0]}: {what} "
        f"(non-inferiority: one-sided {level} lower bound of delta >= -{policy.max_drop:g} overall and on every slice "
        f"with n >= {policy.min_slice_size}; {'t' if settings.test == 't-test' else 'bootstrap'} bounds)"
    )
    table = format_table(
        ("metric", "slice", *(("dataset",) if many else ()), "n", first.baseline, first.candidate, "delta",
         f"{level} lower", f"{level} upper", "verdict", "queries needed"),
        (
            (t.metric, t.slice.label, *((p.dataset,) if many else ()), str(t.stats.n), _num(t.stats.baseline_mean),
             _num(t.stats.candidate_mean), _signed(t.stats.delta), _signed(t.stats.lower_bound),
             _signed(t.stats.upper_bound), t.verdict.value, f"{t.queries_needed:,}" if t.queries_needed else "-")
            for p, t in failed
        ),
        left=3 if many else 2,
    )
    lines = [head, table]
    unclear = [(p, t) for p, t in failed if t.verdict.value == "inconclusive"]
    if unclear:
        dropping = [_where(comparison, p, t) for p, t in unclear if t.stats.upper_bound < 0]
        lines.append(
            f"inconclusive: the data cannot tell whether the drop stays within {policy.max_drop:g}"
            + (f" (some drop is measured on {', '.join(dropping)})" if dropping else "")
            + f"; queries needed: for {policy.power:.0%} power if Δ and the SD of per-query differences stay as observed"
        )
    if measured:
        lines.append(f"fail: a drop beyond {policy.max_drop:g} is measured on "
                     + ", ".join(_where(comparison, p, t) for p, t in failed if t.verdict.value == "fail"))
    warned = [_where(comparison, p, t) for p, t in failed if t.verdict.value == "warn"]
    if warned:
        lines.append(f"warn: a drop within {policy.max_drop:g} is measured on {', '.join(warned)}")
    small = [(p, t) for p in comparison.pairs for t in p.tests if not t.deciding and t.stats.lower_bound < -policy.max_drop]
    if small:
        lines.append("too small to decide, not shown within max drop either: " + ", ".join(
            f"{_where(comparison, p, t)} (n={t.stats.n}, {_signed(t.stats.delta)}, lower {_signed(t.stats.lower_bound)})"
            for p, t in small
        ))
    return lines


def not_worse_message(
    comparison: Comparison, failed: Sequence[tuple[PairComparison, MetricTest]], *, report: Path | None, left_out: int = 0
) -> str:
    """The gate failure: a head line naming the mode, a table of the failed tests, then details."""
    if comparison.policy.mode == "non-inferiority":
        lines = _non_inferiority_lines(comparison, failed)
    else:
        lines = _significance_lines(comparison, failed)
    if left_out:
        lines.append(f"{left_out} queries without a value for {comparison.pairs[0].metrics[0]} in both systems were left out")
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
    mode: Mode = "non-inferiority",
    fail_on: FailOn = "inconclusive",
    settings: CompareSettings | None = None,
    report: Path | None = None,
) -> Comparison:
    """Raise ``GateFailure`` unless ``candidate`` holds ``metric`` within ``max_drop`` of ``baseline``,
    overall and on every slice with at least ``min_support`` queries.

    ``mode="non-inferiority"``: "within" must be shown (one-sided ``1 - alpha`` lower bound of the
    difference >= ``-max_drop``); ``"significance"``: only a significant drop beyond ``max_drop``
    (corrected p < ``alpha``) fails. ``fail_on="warn"`` also fails warnings (a measured drop within
    ``max_drop``; in significance mode also an insignificant drop beyond it). ``settings`` (test,
    resamples, slices, seed) default to ``gate_settings()``: slices by ``query_type``, no automatic tags.
    """
    __tracebackhide__ = True
    rows = list(rows)
    policy = GateLimits(max_drop, alpha, min_support, mode).policy()
    comparison = compare_metric(rows, baseline=baseline, candidate=candidate, metric=metric, policy=policy, settings=settings)
    _, left_out = metric_rows(rows, [baseline, candidate], metric)
    return require_not_worse(comparison, fail_on=fail_on, report=report, left_out=left_out)


def require_not_worse(
    comparison: Comparison, *, fail_on: FailOn = "inconclusive", report: Path | None = None, left_out: int = 0
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
    from ragshift.harness.compare.slices import field_values
    from ragshift.harness.compare.tagger import tag_query

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
