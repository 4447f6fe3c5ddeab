"""``compare_rows``: every candidate against the baseline, per dataset, metric and slice."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ragshift.harness.compare.flips import find_flips
from ragshift.harness.compare.model import OVERALL, Comparison, MetricTest, PairComparison
from ragshift.harness.compare.policy import RegressionPolicy, Verdict, judge
from ragshift.harness.compare.settings import CompareSettings
from ragshift.harness.compare.slices import slice_members
from ragshift.harness.compare.stats import adjust_p_values, paired_compare, queries_needed
from ragshift.harness.errors import ConfigError, RagshiftError
from ragshift.harness.types import Row


def _index(rows: Iterable[Row]) -> dict[tuple[str, str], dict[str, Row]]:
    """``{(dataset, system): {qid: row}}``: a query is ``(system, dataset, qid)``; duplicates are refused."""
    index: dict[tuple[str, str], dict[str, Row]] = {}
    for row in rows:
        group = index.setdefault((row.dataset, row.system), {})
        if row.qid in group:
            raise RagshiftError(f"system {row.system!r} has query {row.qid!r} twice in dataset {row.dataset!r}")
        group[row.qid] = row
    return index


def _shared_metrics(pairs: Sequence[tuple[Row, Row]]) -> list[str]:
    """Metrics both systems report (on some query each), in first-seen order.

    Answer metrics may cover only some queries (``max_queries``, not applicable); a query without a
    value from both systems is left out of that metric's test and counted as ``missing``.
    """
    sides = [dict.fromkeys(m for pair in pairs for m in pair[i].metrics) for i in (0, 1)]
    return [m for m in sides[0] if m in sides[1]]


def _compare_pair(
    dataset: str,
    base: dict[str, Row],
    cand: dict[str, Row],
    candidate: str,
    policy: RegressionPolicy,
    settings: CompareSettings,
) -> PairComparison:
    qids = [q for q in base if q in cand]
    if not qids:
        raise RagshiftError(f"{candidate!r} shares no query with the baseline in dataset {dataset!r}")
    pairs = [(base[q], cand[q]) for q in qids]
    b_rows = [b for b, _ in pairs]
    slices = slice_members(b_rows, settings.slice_fields, auto_tags=settings.auto_tags)
    raw = []
    for metric in _shared_metrics(pairs):
        b_all = [b.value(metric) for b, _ in pairs]
        c_all = [c.value(metric) for _, c in pairs]
        scored = {i for i in range(len(pairs)) if b_all[i] is not None and c_all[i] is not None}
        for key, members in slices.items():
            idx = [i for i in members if i in scored]  # a missing value (failed judge, unanswered) drops the pair
            if not idx and key != OVERALL:
                continue
            limits = policy.limits(dataset, metric, key.label)
            result = paired_compare(
                [b_all[i] for i in idx], [c_all[i] for i in idx], test=settings.test, n_resamples=settings.n_resamples,
                confidence=settings.confidence_level, seed=settings.seed, bound_level=1 - limits.alpha,
                resample_max_n=settings.resample_max_n,
            )
            raw.append((metric, key, result, len(members) - len(idx), limits))
    deciding = [policy.deciding(lim, key.label, r.n) and r.n > 0 for _, key, r, _, lim in raw]
    adjusted = [0.0] * len(raw)
    for family in (True, False):
        members = [i for i, d in enumerate(deciding) if d is family]
        for i, p in zip(members, adjust_p_values([raw[i][2].p_value for i in members], policy.correction)):
            adjusted[i] = float(p)
    tests = []
    for (metric, key, r, missing, lim), decides, p_adj in zip(raw, deciding, adjusted):
        if r.n:
            verdict, reason = judge(r, p_adj, lim, mode=policy.mode, power=policy.power)
        else:
            verdict, reason = Verdict.PASS, "no query has a value from both systems"
        needed = (queries_needed(r, lim.max_drop, alpha=lim.alpha, power=policy.power)
                  if verdict is Verdict.INCONCLUSIVE else None)
        tests.append(MetricTest(metric, key, r, p_adj, lim.max_drop, lim.alpha, decides, verdict, reason, missing, needed))
    unpaired = len(set(base) ^ set(cand))
    return PairComparison(
        dataset, b_rows[0].system, candidate, len(qids), unpaired, settings.flip_k,
        tuple(tests), find_flips(pairs, settings.flip_k),
    )


def compare_rows(
    rows: Iterable[Row],
    *,
    baseline: str,
    candidates: Sequence[str] | None = None,
    policy: RegressionPolicy | None = None,
    settings: CompareSettings | None = None,
    **options: Any,
) -> Comparison:
    """Compare each candidate (default: every other system) with ``baseline`` on each dataset.

    ``settings`` says how (test, resamples, slices, ...); keyword ``options`` override single fields of
    it (``test="t-test"``, ``n_resamples=999``). Rows are paired by ``qid`` within a dataset
    (``Row.dataset``). Within each candidate x dataset pair, p-values are corrected across
    metrics x slices: the deciding tests form one family, the non-deciding ones (small slices,
    ``decides = false``) another, so information-only tests never dilute the tests that decide the verdict.
    """
    settings = (settings or CompareSettings()).updated(**options)
    policy = policy or RegressionPolicy()
    index = _index(rows)
    systems = list(dict.fromkeys(s for _, s in index))
    if baseline not in systems:
        raise ConfigError(f"baseline {baseline!r} is not in the rows; systems present: {', '.join(systems) or 'none'}")
    chosen = [s for s in systems if s != baseline] if candidates is None else list(dict.fromkeys(candidates))
    for name in chosen:
        if name not in systems or name == baseline:
            others = ", ".join(s for s in systems if s != baseline) or "none"
            raise ConfigError(f"candidate {name!r} is not a system other than the baseline; choose from: {others}")
    if not chosen:
        raise ConfigError(f"nothing to compare: the rows hold only the baseline {baseline!r}")
    datasets = list(dict.fromkeys(d for d, s in index if s == baseline))
    pairs = tuple(
        _compare_pair(d, index[(d, baseline)], index[(d, c)], c, policy, settings)
        for c in chosen
        for d in datasets
        if (d, c) in index
    )
    return Comparison(baseline, tuple(chosen), tuple(datasets), settings, policy, pairs)
